# The multi-client example: pure core tested against the fake server of tests/client.
MULTI_SRCS := examples/multi/multi_client.c
MULTI_FLAGS := -Iexamples/multi -Ilib/gpu_client -Itools/img2c
EXAMPLES_RIG_SRCS := tests/client/fake_server.c tests/client/client_rig.c lib/gpu_client/gpu_client.c lib/gpu_client/gpu_fb.c

$(eval $(call unit_test,examples-multi,examples/multi/test_multi.c $(MULTI_SRCS) $(EXAMPLES_RIG_SRCS) $(BUILD)/gen/demo_image.c,$(MULTI_FLAGS) -Itests/client))

# Glue (one source, three roles) and system description (compile and check only).
include examples/example_glue.mk
$(eval $(call example_glue,multi,multi_a,examples/multi/multi_client_pd.c,-DMULTI_ROLE=MULTI_ROLE_IMAGE -DMULTI_NAME=multi-a))
$(eval $(call example_glue,multi,multi_b,examples/multi/multi_client_pd.c,-DMULTI_ROLE=MULTI_ROLE_PATTERN -DMULTI_NAME=multi-b))
$(eval $(call example_glue,multi,multi_c,examples/multi/multi_client_pd.c,-DMULTI_ROLE=MULTI_ROLE_NO_SCANOUT -DMULTI_NAME=multi-c))
$(eval $(call example_config,multi,gpu_virt,examples/multi/multi_virt_config.c))
$(eval $(call example_config,multi,gpu_driver,examples/common/gpu_driver_config.c))
$(eval $(call example_glue_check,multi))
