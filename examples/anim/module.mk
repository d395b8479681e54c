# The animated example: pure core tested against the fake server of tests/client.
ANIM_SRCS := examples/anim/anim.c
ANIM_FLAGS := -Iexamples/anim -Ilib/gpu_client
EXAMPLES_RIG_SRCS := tests/client/fake_server.c tests/client/client_rig.c lib/gpu_client/gpu_client.c lib/gpu_client/gpu_fb.c

$(eval $(call unit_test,examples-anim,examples/anim/test_anim.c $(ANIM_SRCS) $(EXAMPLES_RIG_SRCS),$(ANIM_FLAGS) -Itests/client))

# Glue and system description (compile and check only).
include examples/example_glue.mk
$(eval $(call example_glue,anim,anim,examples/anim/anim_pd.c))
$(eval $(call example_config,anim,gpu_virt,examples/anim/anim_virt_config.c))
$(eval $(call example_config,anim,gpu_driver,examples/common/gpu_driver_config.c))
$(eval $(call example_glue_check,anim))
