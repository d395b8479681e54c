# Model checking of the queue notification handshake with spin (see tests/model/README.md).
# spin-handshake: the model verifies in three sizes (capacity 1, 2 and 3).
# spin-handshake-broken: spin rejects each deliberately broken variant.
SPIN_CHECK := tests/model/check.sh
SPIN_MODEL_FILES := tests/model/handshake.pml tests/model/handshake_broken.pml $(SPIN_CHECK)

$(eval $(call add_check,spin-handshake,$(SPIN_MODEL_FILES),\
	$(SPIN_CHECK) pass tests/model/handshake.pml $(BUILD)/model/handshake && \
	$(SPIN_CHECK) pass tests/model/handshake.pml $(BUILD)/model/handshake-cap1 -DCAP=1 -DITEMS=5 && \
	$(SPIN_CHECK) pass tests/model/handshake.pml $(BUILD)/model/handshake-cap3 -DCAP=3 -DITEMS=8 -DMAXBATCH=4))

$(eval $(call add_check,spin-handshake-broken,$(SPIN_MODEL_FILES),\
	$(SPIN_CHECK) fail tests/model/handshake_broken.pml $(BUILD)/model/broken-no-recheck && \
	$(SPIN_CHECK) fail tests/model/handshake_broken.pml $(BUILD)/model/broken-no-fence -DBROKEN_NO_FENCE && \
	$(SPIN_CHECK) fail tests/model/handshake_broken.pml $(BUILD)/model/broken-producer -DBROKEN_PRODUCER_NO_RECHECK))
