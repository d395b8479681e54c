# Protocol conformance (tests/conformance/README.md): the rows of docs/protocol.md's tables through the
# whole stack on the device model (check conformance[-asan]). The same rows run on QEMU and seL4 as the
# conform image (examples/pds.mk, tests/qemu/e2e-conform.sh); tests/virt/test_virt_validate.c runs them
# against a scripted driver.
CONFORM_DIR := tests/conformance
CONFORM_SRCS := $(CONFORM_DIR)/conform.c $(CONFORM_DIR)/conform_rows.c
CONFORM_TEST_SRCS := $(CONFORM_DIR)/test_conformance.c $(CONFORM_SRCS) tests/system/system_rig.c \
	tests/support/vgpu_harness.c tests/support/vh_req.c tests/support/vh_log.c \
	$(GPU_DRIVER_CORE_SRCS) $(VGPU_MODEL_SRCS) $(VIRT_CORE_SRC) lib/gpu_client/gpu_client.c
CONFORM_TEST_FLAGS := -I$(CONFORM_DIR) -Itests/system -Itests/support -I$(GPU_DRIVER_DIR) -I$(VGPU_MODEL_DIR) \
	-Igpu/components/virt -Ilib/gpu_client

$(eval $(call unit_test,conformance,$(CONFORM_TEST_SRCS),$(CONFORM_TEST_FLAGS)))

# The driver connection's rows (test_conform_driver.c): the driver core and the device model, no virtualiser.
CONFORM_DRIVER_SRCS := $(CONFORM_DIR)/test_conform_driver.c tests/support/vgpu_harness.c tests/support/vh_req.c \
	tests/support/vh_log.c $(GPU_DRIVER_CORE_SRCS) $(VGPU_MODEL_SRCS)
$(eval $(call unit_test,conformance-driver,$(CONFORM_DRIVER_SRCS),-Itests/support -I$(GPU_DRIVER_DIR) -I$(VGPU_MODEL_DIR)))
