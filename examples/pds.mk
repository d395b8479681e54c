# Every example's protection domains, written once for every platform. Not a
# module.mk: platform/qemu/module.mk and platform/microkit/module.mk include
# it (guarded), after the drivers' module.mk files (drivers/gpu/virtio,
# drivers/timer/arm) have defined their source lists.
#
#   EXAMPLES                          the examples (examples/NAME/NAME.system each)
#   EX_PDS.EX                         the PDs of example EX that have sources here
#   EX_SRCS.EX.PD, EX_FLAGS.EX.PD     a PD's C sources (any path) and extra compiler flags
#   EX_SECTION.EX.PD, EX_CONFIG.EX.PD a PD's config section and the config source that fills it
#                                     (docs/system-description.md), empty when it has none
#   EX_GPU.EX                         options of the virtio-gpu-device the example expects
#                                     (QEMU `-device virtio-gpu-device,OPTS`), may be empty
#   EX_PLATFORMS.EX                   the platforms it builds for (qemu, microkit)
#   EX_SYSTEM.EX                      its system description, if not examples/EX/EX.system;
#                                     $(call ex_system,EX) gives the one to use
#
# A platform builds, for each example it supports, exactly the PDs of
# EX_PDS.EX and checks that they are the description's PDs.
ifndef EXAMPLES_PDS_MK
EXAMPLES_PDS_MK := 1

# $(call example_pd,EX,PD,SOURCES,FLAGS[,SECTION,CONFIG_SOURCE])
define example_pd
EX_PDS.$(1) += $(2)
EX_SRCS.$(1).$(2) := $(3)
EX_FLAGS.$(1).$(2) := $(4)
EX_SECTION.$(1).$(2) := $(5)
EX_CONFIG.$(1).$(2) := $(6)
endef

EX_CLIENT_LIB := examples/common/client_glue.c lib/gpu_client/gpu_client.c lib/gpu_client/gpu_fb.c
EX_CLIENT_FLAGS := -Iexamples/common -Ilib/gpu_client -Itools/img2c
include gpu/components/virt/sources.mk
EX_VIRT := gpu/components/virt/virt.c $(VIRT_CORE_SRC)
EX_VIRT_FLAGS := -Igpu/components/virt -Iexamples/common
EX_DRV := $(GPU_DRIVER_CORE_SRCS) $(GPU_DRIVER_GLUE_SRCS)
EX_DRV_FLAGS := -Idrivers/gpu/virtio -Iexamples/common

# $(call example_gpu_pds,EX,VIRT_CONFIG_SOURCE): the virtualiser and the driver, as every example has them.
define example_gpu_pds
$(call example_pd,$(1),gpu_virt,$(EX_VIRT),$(EX_VIRT_FLAGS),.gpu_virt_config,$(2))
$(call example_pd,$(1),gpu_driver,$(EX_DRV),$(EX_DRV_FLAGS),.gpu_driver_config,examples/common/gpu_driver_config.c)
endef

# gpu: the six-state demo, one state a tick.
$(eval $(call example_pd,gpu,timer,$(TIMER_ARM_SRCS),$(TIMER_ARM_FLAGS)))
$(eval $(call example_pd,gpu,client,examples/gpu/gpu_client_pd.c examples/gpu/gpu_demo.c examples/gpu/gpu_demo_cursor.c $(EX_CLIENT_LIB) \
	$(BUILD)/gen/demo_image.c,-Iexamples/gpu $(EX_CLIENT_FLAGS)))
$(eval $(call example_gpu_pds,gpu,examples/gpu/gpu_virt_config.c))
EX_GPU.gpu :=
EX_PLATFORMS.gpu := qemu microkit

# multi: three clients (one source, three roles), two heads.
EX_MULTI := examples/multi/multi_client_pd.c examples/multi/multi_client.c $(EX_CLIENT_LIB) $(BUILD)/gen/demo_image.c
EX_MULTI_FLAGS := -Iexamples/multi $(EX_CLIENT_FLAGS)
$(eval $(call example_pd,multi,timer,$(TIMER_ARM_SRCS),$(TIMER_ARM_FLAGS)))
$(eval $(call example_pd,multi,multi_a,$(EX_MULTI),$(EX_MULTI_FLAGS) -DMULTI_ROLE=MULTI_ROLE_IMAGE -DMULTI_NAME=multi-a))
$(eval $(call example_pd,multi,multi_b,$(EX_MULTI),$(EX_MULTI_FLAGS) -DMULTI_ROLE=MULTI_ROLE_PATTERN -DMULTI_NAME=multi-b))
$(eval $(call example_pd,multi,multi_c,$(EX_MULTI),$(EX_MULTI_FLAGS) -DMULTI_ROLE=MULTI_ROLE_NO_SCANOUT -DMULTI_NAME=multi-c))
$(eval $(call example_gpu_pds,multi,examples/multi/multi_virt_config.c))
EX_GPU.multi := max_outputs=2
EX_PLATFORMS.multi := qemu microkit

# anim: a square moving as fast as presents complete; the tick prints the frame rate.
$(eval $(call example_pd,anim,timer,$(TIMER_ARM_SRCS),$(TIMER_ARM_FLAGS)))
$(eval $(call example_pd,anim,anim,examples/anim/anim_pd.c examples/anim/anim.c $(EX_CLIENT_LIB),-Iexamples/anim $(EX_CLIENT_FLAGS)))
$(eval $(call example_gpu_pds,anim,examples/anim/anim_virt_config.c))
EX_GPU.anim :=
EX_PLATFORMS.anim := qemu microkit

# restart: steady keeps drawing while crasher faults, is released and restarted by the supervisor
# (Microkit only: it needs seL4's fault delivery to a parent PD).
EX_RESTART := examples/restart/restart_client_pd.c examples/multi/multi_client.c $(EX_CLIENT_LIB) $(BUILD)/gen/demo_image.c
EX_RESTART_FLAGS := -Iexamples/multi $(EX_CLIENT_FLAGS)
$(eval $(call example_pd,restart,timer,$(TIMER_ARM_SRCS),$(TIMER_ARM_FLAGS)))
$(eval $(call example_pd,restart,steady,$(EX_RESTART),$(EX_RESTART_FLAGS) -DRESTART_CRASHER=0 -DRESTART_NAME=steady))
$(eval $(call example_pd,restart,crasher,$(EX_RESTART),$(EX_RESTART_FLAGS) -DRESTART_CRASHER=1 -DRESTART_NAME=crasher))
$(eval $(call example_pd,restart,supervisor,platform/microkit/supervisor/supervisor.c,-DSUPERVISED=SDF_CHILD_CRASHER))
$(eval $(call example_gpu_pds,restart,examples/restart/restart_virt_config.c))
EX_GPU.restart := max_outputs=2
EX_PLATFORMS.restart := microkit

# conform: not an example but a test system, built like one: every row of the protocol's tables on a
# real device (tests/conformance).
$(eval $(call example_pd,conform,timer,$(TIMER_ARM_SRCS),$(TIMER_ARM_FLAGS)))
$(eval $(call example_pd,conform,conform,tests/conformance/conform_pd.c tests/conformance/conform.c \
	tests/conformance/conform_rows.c $(EX_CLIENT_LIB),-Itests/conformance $(EX_CLIENT_FLAGS)))
$(eval $(call example_pd,conform,gpu_virt,$(EX_VIRT),$(EX_VIRT_FLAGS) -Itests/conformance,.gpu_virt_config,\
	tests/conformance/conform_virt_config.c))
$(eval $(call example_pd,conform,gpu_driver,$(EX_DRV),$(EX_DRV_FLAGS),.gpu_driver_config,examples/common/gpu_driver_config.c))
EX_GPU.conform :=
EX_PLATFORMS.conform := qemu microkit
EX_SYSTEM.conform := tests/conformance/conform.system

# logmix: not an example but a test system: two PDs that print at once, every line of them whole on the
# console (tests/logmix).
$(eval $(call example_pd,logmix,mix_a,tests/logmix/logmix_pd.c,-DLOGMIX_NAME=mix_a))
$(eval $(call example_pd,logmix,mix_b,tests/logmix/logmix_pd.c,-DLOGMIX_NAME=mix_b))
EX_GPU.logmix :=
EX_PLATFORMS.logmix := qemu microkit
EX_SYSTEM.logmix := tests/logmix/logmix.system

EXAMPLES := gpu multi anim restart conform logmix
ex_system = $(or $(EX_SYSTEM.$(1)),examples/$(1)/$(1).system)
endif
