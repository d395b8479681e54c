# virtio-gpu driver tests: the driver core and its MMIO transport against the
# device model, in-process (tests/support/vgpu_harness.c).
DRIVER_TEST_SRCS := tests/support/vgpu_harness.c tests/support/vh_req.c tests/support/vh_log.c $(GPU_DRIVER_CORE_SRCS) $(VGPU_MODEL_SRCS)
DRIVER_TEST_FLAGS := -I$(GPU_DRIVER_DIR) -I$(VGPU_MODEL_DIR) -Itests/support -Itests/driver

$(eval $(call unit_test,driver-commands,tests/driver/test_driver_commands.c $(DRIVER_TEST_SRCS),$(DRIVER_TEST_FLAGS)))
$(eval $(call unit_test,driver-errors,tests/driver/test_driver_errors.c $(DRIVER_TEST_SRCS),$(DRIVER_TEST_FLAGS)))
$(eval $(call unit_test,driver-faults,tests/driver/test_driver_faults.c $(DRIVER_TEST_SRCS),$(DRIVER_TEST_FLAGS)))
$(eval $(call unit_test,driver-init,tests/driver/test_driver_init.c $(DRIVER_TEST_SRCS),$(DRIVER_TEST_FLAGS)))
$(eval $(call unit_test,driver-events,tests/driver/test_driver_events.c $(DRIVER_TEST_SRCS),$(DRIVER_TEST_FLAGS)))
$(eval $(call unit_test,driver-flow,tests/driver/test_driver_flow.c $(DRIVER_TEST_SRCS),$(DRIVER_TEST_FLAGS)))
$(eval $(call unit_test,driver-fences,tests/driver/test_driver_fences.c $(DRIVER_TEST_SRCS),$(DRIVER_TEST_FLAGS)))
$(eval $(call unit_test,driver-recovery,tests/driver/test_driver_recovery.c $(DRIVER_TEST_SRCS),$(DRIVER_TEST_FLAGS)))
$(eval $(call unit_test,driver-edid,tests/driver/test_driver_edid.c $(DRIVER_TEST_SRCS),$(DRIVER_TEST_FLAGS)))
$(eval $(call unit_test,driver-cursor,tests/driver/test_driver_cursor.c $(DRIVER_TEST_SRCS),$(DRIVER_TEST_FLAGS)))
# The split virtqueue alone: the test plays the device, no model.
$(eval $(call unit_test,driver-virtq,tests/driver/test_virtq.c $(GPU_DRIVER_DIR)/virtq.c,-I$(GPU_DRIVER_DIR)))
# The glue over a recording OS seam and a register window in memory (DMA IO address from config or setvar).
$(eval $(call unit_test,driver-glue-seam,tests/driver/test_driver_glue.c $(GPU_DRIVER_CORE_SRCS) $(GPU_DRIVER_GLUE_SRCS),-I$(GPU_DRIVER_DIR)))
# The split virtqueue against a device on another thread, under ThreadSanitizer: fails if V1 or V3 is weakened.
$(BUILD)/tsan/driver-virtq-threads: tests/driver/test_virtq_threads.c $(GPU_DRIVER_DIR)/virtq.c $(ALL_HEADERS)
	@mkdir -p $(@D)
	$(CLANG) $(TSAN_CFLAGS) -I$(GPU_DRIVER_DIR) -o $@ tests/driver/test_virtq_threads.c $(GPU_DRIVER_DIR)/virtq.c -lcmocka -lpthread
$(eval $(call add_check,driver-virtq-tsan,$(BUILD)/tsan/driver-virtq-threads,TSAN_OPTIONS=halt_on_error=1:exitcode=66 CMOCKA_MESSAGE_OUTPUT=TAP $(BUILD)/tsan/driver-virtq-threads))
