# libFuzzer target: random descriptor tables, ring indices, register writes
# and command bytes against the virtio-gpu device model.
$(eval $(call fuzz_target,devmodel,fuzz/devmodel/fuzz_devmodel.c $(VGPU_MODEL_SRCS),-I$(VGPU_MODEL_DIR)))

# `make fuzz-seeds-devmodel` rewrites the committed seeds in fuzz/corpus/devmodel/
# with make_seeds.c. Rerun it after changing the input layout fuzz_devmodel.c
# reads, and commit the new seeds. Not part of `make test`.
DEVMODEL_SEEDS_TOOL := $(BUILD)/tools/make_seeds_devmodel
$(DEVMODEL_SEEDS_TOOL): fuzz/devmodel/make_seeds.c include/virtio/virtio_gpu.h include/virtio/virtio_mmio.h \
		include/virtio/virtio_ring.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ fuzz/devmodel/make_seeds.c
ALL_TARGETS += $(DEVMODEL_SEEDS_TOOL)

.PHONY: fuzz-seeds-devmodel
fuzz-seeds-devmodel: $(DEVMODEL_SEEDS_TOOL)
	@mkdir -p fuzz/corpus/devmodel
	$(DEVMODEL_SEEDS_TOOL) fuzz/corpus/devmodel
