# libFuzzer target: random descriptor tables, ring indices, register writes
# and command bytes against the virtio-gpu device model.
$(eval $(call fuzz_target,devmodel,fuzz/devmodel/fuzz_devmodel.c $(VGPU_MODEL_SRCS),-I$(VGPU_MODEL_DIR)))
