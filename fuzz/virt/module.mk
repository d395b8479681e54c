# libFuzzer target for the GPU virtualiser core (check fuzz-virt). Small
# tables, so that quotas, device ids and the in-flight table run out often.
include gpu/components/virt/sources.mk
$(eval $(call fuzz_target,virt,fuzz/virt/fuzz_virt.c $(VIRT_CORE_SRC),-Ifuzz -Igpu/components/virt -DGPU_VIRT_MAX_CLIENTS=4 -DGPU_VIRT_MAX_RESOURCES_PER_CLIENT=6 -DGPU_VIRT_MAX_DEVICE_RESOURCES=24 -DGPU_VIRT_MAX_INFLIGHT=8))
