# GPU virtualiser core tests (cmocka, plain and ASan/UBSan). The device-id
# space is shrunk so that quota arithmetic is testable with four clients.
VIRT_TEST_SRC := tests/virt/virt_env.c tests/support/vh_req.c $(VIRT_CORE_SRC)
VIRT_TEST_FLAGS := -Igpu/components/virt -Itests/virt -Itests/support -DGPU_VIRT_MAX_DEVICE_RESOURCES=128

# The rows come from tests/conformance/conform_rows.c (tests/conformance/module.mk is read first).
$(eval $(call unit_test,virt-validate,tests/virt/test_virt_validate.c $(CONFORM_DIR)/conform_rows.c $(VIRT_TEST_SRC),$(VIRT_TEST_FLAGS) -I$(CONFORM_DIR) -Ilib/gpu_client))
$(eval $(call unit_test,virt-forward,tests/virt/test_virt_forward.c $(VIRT_TEST_SRC),$(VIRT_TEST_FLAGS)))
$(eval $(call unit_test,virt-backpressure,tests/virt/test_virt_backpressure.c $(VIRT_TEST_SRC),$(VIRT_TEST_FLAGS)))
$(eval $(call unit_test,virt-present,tests/virt/test_virt_present.c $(VIRT_TEST_SRC),$(VIRT_TEST_FLAGS)))
$(eval $(call unit_test,virt-isolation,tests/virt/test_virt_isolation.c $(VIRT_TEST_SRC),$(VIRT_TEST_FLAGS)))
$(eval $(call unit_test,virt-glue,tests/virt/test_virt_glue.c gpu/components/virt/virt.c $(VIRT_TEST_SRC),$(VIRT_TEST_FLAGS)))
