# Device-model tests: the model driven through its registers by a hand-built
# virtqueue (harness.c), plain and under ASan+UBSan.
DEVMODEL_TEST_SRCS := $(addprefix tests/devmodel/,test_main.c harness.c test_mmio.c test_commands.c \
	test_scanout.c test_chains.c test_faults.c test_cursor.c)
$(eval $(call unit_test,devmodel,$(DEVMODEL_TEST_SRCS) $(VGPU_MODEL_SRCS),-I$(VGPU_MODEL_DIR) -Itests/devmodel))

# The model under a device thread while the test thread drives it, under TSan.
DEVMODEL_TSAN_SRCS := tests/devmodel/test_threads.c tests/devmodel/harness.c $(VGPU_MODEL_SRCS)
$(BUILD)/tsan/devmodel-threads: $(DEVMODEL_TSAN_SRCS) $(ALL_HEADERS)
	@mkdir -p $(@D)
	$(CLANG) $(TSAN_CFLAGS) -I$(VGPU_MODEL_DIR) -Itests/devmodel -o $@ $(DEVMODEL_TSAN_SRCS) -lcmocka -lpthread -lm
$(eval $(call add_check,devmodel-tsan,$(BUILD)/tsan/devmodel-threads,CMOCKA_MESSAGE_OUTPUT=TAP $(BUILD)/tsan/devmodel-threads))
