# The GPU demo example: pure core (gpu_demo.c) tested against the fake server
# of tests/client. The glue (gpu_client_pd.c) is built by the platforms from
# gpu.system. (module.mk files are read in path order, so the sources of
# lib/, tools/ and tests/ are named here literally.)
GPU_DEMO_SRCS := examples/gpu/gpu_demo.c examples/gpu/gpu_demo_cursor.c
GPU_DEMO_FLAGS := -Iexamples/gpu -Ilib/gpu_client -Itools/img2c
EXAMPLES_RIG_SRCS := tests/client/fake_server.c tests/client/client_rig.c lib/gpu_client/gpu_client.c lib/gpu_client/gpu_fb.c

$(eval $(call unit_test,examples-gpu,examples/gpu/test_gpu_demo.c $(GPU_DEMO_SRCS) $(EXAMPLES_RIG_SRCS) $(BUILD)/gen/demo_image.c,$(GPU_DEMO_FLAGS) -Itests/client))

# Glue and system description (compile and check only).
include examples/example_glue.mk
$(eval $(call example_glue,gpu,client,examples/gpu/gpu_client_pd.c))
$(eval $(call example_config,gpu,gpu_virt,examples/gpu/gpu_virt_config.c))
$(eval $(call example_config,gpu,gpu_driver,examples/common/gpu_driver_config.c))
$(eval $(call example_glue_check,gpu))

# example-expect: expected pictures (PNG) of the demo's states and of multi_b's
# pattern, for exact comparison with QEMU screendumps (e2e tests).
EXAMPLE_EXPECT := $(BUILD)/tools/example-expect
$(EXAMPLE_EXPECT): examples/common/expect.c examples/multi/multi_client.c tools/img2c/img2c.c lib/gpu_client/gpu_client.c lib/gpu_client/gpu_fb.c $(ALL_HEADERS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -DIMG2C_NO_MAIN -Itools/img2c -Iexamples/multi -Ilib/gpu_client -o $@ examples/common/expect.c \
		examples/multi/multi_client.c tools/img2c/img2c.c lib/gpu_client/gpu_client.c lib/gpu_client/gpu_fb.c \
		/usr/lib/$(shell $(CC) -print-multiarch 2>/dev/null)/libstb.a -lm
ALL_TARGETS += $(EXAMPLE_EXPECT)
