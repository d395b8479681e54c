# libFuzzer target: the driver core against a device that writes arbitrary
# used-ring entries, response bytes, interrupt causes and events.
$(eval $(call fuzz_target,driver,fuzz/driver/fuzz_driver.c tests/support/fake_transport.c $(GPU_DRIVER_CORE_SRCS),-I$(GPU_DRIVER_DIR) -Itests/support))
