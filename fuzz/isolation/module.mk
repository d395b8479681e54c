# libFuzzer target: one honest client against two hostile ones through the whole stack (client library,
# virtualiser, driver, device model); the honest client's statuses and pixels must match a run alone
# (check fuzz-isolation). fuzz/ is read before gpu/, so the virtualiser's sources come from its sources.mk.
include gpu/components/virt/sources.mk
FUZZ_ISOLATION_SRCS := fuzz/isolation/fuzz_isolation.c tests/system/system_rig.c tests/support/vgpu_harness.c \
	tests/support/vh_req.c tests/support/vh_log.c $(GPU_DRIVER_CORE_SRCS) $(VGPU_MODEL_SRCS) $(VIRT_CORE_SRC) \
	lib/gpu_client/gpu_client.c
$(eval $(call fuzz_target,isolation,$(FUZZ_ISOLATION_SRCS),-Ifuzz -Itests/system -Itests/support -I$(GPU_DRIVER_DIR) \
	-I$(VGPU_MODEL_DIR) -Igpu/components/virt -Ilib/gpu_client))
