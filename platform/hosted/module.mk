# The hosted Linux platform: every PD a process, started and scheduled by the runner
# (platform/hosted/README.md).
#
#   $(BUILD)/hosted/hosted-run                 the runner
#   $(call hosted_system,VARIANT,NAME,SYSTEM_FILE,PDS)
#                                              after hosted_pd calls: $(BUILD)/hosted/VARIANT/NAME/PD for each PD
#   $(call hosted_pd,NAME,PD,SOURCES,FLAGS[,SECTION,CONFIG_SOURCE])
#                                              one PD's sources (the same lists the other platforms use)
#
# VARIANT is `plain` ($(CC) $(CFLAGS)) or `asan` ($(CLANG), ASan and UBSan). Device-facing pieces differ
# from the other platforms, nothing else: the timer PD's glue (drivers/timer/arm's timer.c programs the Arm
# generic timer) is replaced by platform/hosted/timer/timer.c over the same core, and the GPU driver is
# built with its vhost-user transport (-DGPU_DRIVER_VHOST_USER).
include examples/pds.mk

# libsdl2-dev: the back-end's window (vgpu-backend --sdl, make run-hosted with a display); procps: pgrep, with
# which the checks find the PD they kill.
DEPS += libexpat1-dev libsdl2-dev procps

HOSTED_DIR := platform/hosted
HOSTED_OUT := $(BUILD)/hosted
HOSTED_RUN := $(HOSTED_OUT)/hosted-run
SDFGEN ?= $(BUILD)/tools/sdfgen
HOSTED_INC := -I$(HOSTED_DIR)/include -I$(HOSTED_DIR)/src

HOSTED_CC.plain = $(CC)
HOSTED_CFLAGS.plain = $(CFLAGS)
HOSTED_CC.asan = $(CLANG)
HOSTED_CFLAGS.asan = $(SAN_CFLAGS)
HOSTED_VARIANTS := plain asan

# sdfgen's parser (tools/sdfgen/module.mk is read after this file, so its list is spelled out here).
HOSTED_RUNNER_SRCS := $(wildcard $(HOSTED_DIR)/runner/*.c) $(HOSTED_DIR)/src/hosted_msg.c \
	$(addprefix tools/sdfgen/,sdf_parse.c sdf_check.c sdf_emit.c)
$(HOSTED_RUN): $(HOSTED_RUNNER_SRCS) $(ALL_HEADERS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(HOSTED_INC) -Itools/sdfgen -o $@ $(HOSTED_RUNNER_SRCS) -lexpat
ALL_TARGETS += $(HOSTED_RUN)

HOSTED_RT_SRCS := $(HOSTED_DIR)/src/pd_runtime.c $(HOSTED_DIR)/src/pd_microkit.c $(HOSTED_DIR)/src/hosted_msg.c

# The device model as a vhost-user back-end process (plain and sanitized, like the PDs).
# vugpu-display shows what QEMU's vhost-user-gpu sends on its display socket (DEVICE=qemu).
# Both write PNG files with the device model's vgpu_png_write.c (which needs nothing else of the model).
HOSTED_PNG_SRC := $(VGPU_MODEL_DIR)/vgpu_png_write.c
HOSTED_SHOW_SRCS := $(addprefix $(HOSTED_DIR)/backend/,frames.c ctl.c opts.c display_sdl.c) $(HOSTED_PNG_SRC) \
	$(HOSTED_DIR)/src/vhost_user_io.c
HOSTED_BACKEND_SRCS := $(addprefix $(HOSTED_DIR)/backend/,vgpu_backend.c vu_server.c) $(HOSTED_SHOW_SRCS) \
	$(filter-out $(HOSTED_PNG_SRC),$(VGPU_MODEL_SRCS))
$(HOSTED_OUT)/%/vgpu-backend: $(HOSTED_BACKEND_SRCS) $(ALL_HEADERS)
	@mkdir -p $(@D)
	$(HOSTED_CC.$*) $(HOSTED_CFLAGS.$*) $(HOSTED_INC) -I$(VGPU_MODEL_DIR) -o $@ $(HOSTED_BACKEND_SRCS) -lSDL2 -lm -lpthread
$(HOSTED_OUT)/%/vugpu-display: $(HOSTED_DIR)/backend/vugpu_display.c $(HOSTED_SHOW_SRCS) $(ALL_HEADERS)
	@mkdir -p $(@D)
	$(HOSTED_CC.$*) $(HOSTED_CFLAGS.$*) $(HOSTED_INC) -I$(VGPU_MODEL_DIR) -o $@ $(HOSTED_DIR)/backend/vugpu_display.c \
		$(HOSTED_SHOW_SRCS) -lSDL2 -lm
ALL_TARGETS += $(HOSTED_OUT)/plain/vgpu-backend $(HOSTED_OUT)/plain/vugpu-display

# The hosted replacements of device-facing sources (see the top of this file).
HOSTED_TIMER_GLUE := $(HOSTED_DIR)/timer/timer.c
HOSTED_VHOST_SRCS := $(GPU_DRIVER_DIR)/virtio_vhost_user_transport.c $(HOSTED_DIR)/src/vhost_user_io.c
hosted_srcs = $(patsubst $(TIMER_ARM_GLUE_SRCS),$(HOSTED_TIMER_GLUE),$(1)) \
	$(if $(filter $(GPU_DRIVER_GLUE_SRCS),$(1)),$(HOSTED_VHOST_SRCS))
hosted_flags = $(1) $(HOSTED_INC) $(if $(filter $(GPU_DRIVER_GLUE_SRCS),$(2)),-DGPU_DRIVER_VHOST_USER)

define hosted_pd
HOSTED_SRCS.$(1).$(2) := $(call hosted_srcs,$(3))
HOSTED_FLAGS.$(1).$(2) := $(call hosted_flags,$(4),$(3))
HOSTED_SECTION.$(1).$(2) := $(5)
HOSTED_CONFIG.$(1).$(2) := $(6)
endef

# $(call hosted_pd_rules,VARIANT,NAME,PD,SYSTEM_FILE)
define hosted_pd_rules
$(HOSTED_OUT)/$(1)/$(2)/$(3).d/sdf_config.h: $(4) $(SDFGEN)
	@mkdir -p $$(@D)
	$(SDFGEN) -o $$@ $(4) header $(3) microkit
$(HOSTED_OUT)/$(1)/$(2)/$(3).d/obj/%.o: %.c $(HOSTED_OUT)/$(1)/$(2)/$(3).d/sdf_config.h $(ALL_HEADERS)
	@mkdir -p $$(@D)
	$$(HOSTED_CC.$(1)) $$(HOSTED_CFLAGS.$(1)) $(HOSTED_FLAGS.$(2).$(3)) -I$(HOSTED_OUT)/$(1)/$(2)/$(3).d -c $$< -o $$@
HOSTED_OBJS.$(1).$(2).$(3) := $(patsubst %.c,$(HOSTED_OUT)/$(1)/$(2)/$(3).d/obj/%.o,$(HOSTED_SRCS.$(2).$(3)))
ifneq ($(HOSTED_SECTION.$(2).$(3)),)
$(HOSTED_OUT)/$(1)/$(2)/$(3).d/config.bin: $(HOSTED_CONFIG.$(2).$(3)) $(HOSTED_OUT)/$(1)/$(2)/$(3).d/sdf_config.h $(ALL_HEADERS)
	$$(HOSTED_CC.$(1)) $$(HOSTED_CFLAGS.$(1)) $(HOSTED_FLAGS.$(2).$(3)) -I$(HOSTED_OUT)/$(1)/$(2)/$(3).d -c $$< -o $$@.o
	objcopy -O binary --only-section=$(HOSTED_SECTION.$(2).$(3)) $$@.o $$@
	@test -s $$@ || { echo "$$< puts nothing into section $(HOSTED_SECTION.$(2).$(3))"; rm -f $$@; exit 1; }
HOSTED_UPDATE.$(1).$(2).$(3) := --update-section $(HOSTED_SECTION.$(2).$(3))=$(HOSTED_OUT)/$(1)/$(2)/$(3).d/config.bin
HOSTED_BIN.$(1).$(2).$(3) := $(HOSTED_OUT)/$(1)/$(2)/$(3).d/config.bin
endif
$(HOSTED_OUT)/$(1)/$(2)/$(3): $$(HOSTED_OBJS.$(1).$(2).$(3)) $$(HOSTED_BIN.$(1).$(2).$(3)) $(HOSTED_RT_SRCS)
	ld -r -o $$@.o $$(HOSTED_OBJS.$(1).$(2).$(3))
	objcopy $$(HOSTED_UPDATE.$(1).$(2).$(3)) $$@.o $$@.pd.o
	$$(HOSTED_CC.$(1)) $$(HOSTED_CFLAGS.$(1)) $(HOSTED_INC) -rdynamic -o $$@ $$@.pd.o $(HOSTED_RT_SRCS) -ldl -lm
endef

# $(call hosted_system,VARIANT,NAME,SYSTEM_FILE,PDS): every PD's binary; the stamp checks that PDS are
# exactly the description's PDs.
define hosted_system
$(foreach pd,$(4),$(eval $(call hosted_pd_rules,$(1),$(2),$(pd),$(3))))
$(HOSTED_OUT)/$(1)/$(2)/.built: $(4:%=$(HOSTED_OUT)/$(1)/$(2)/%) $(3) $(SDFGEN)
	@want=$$$$($(SDFGEN) $(3) pds | sort | tr '\n' ' '); have=$$$$(echo $(4) | tr ' ' '\n' | sort | tr '\n' ' '); \
	  if [ "$$$$want" != "$$$$have" ]; then echo "hosted $(2): $(3) has PDs [$$$$want], sources given for [$$$$have]"; exit 1; fi
	@touch $$@
HOSTED_SYSTEMS += $(1)/$(2)
endef

# The qemu platform's ping example, unchanged but for the timer: the proof of the scheduling semantics.
HOSTED_PING_DIR := platform/qemu/examples/ping
$(eval $(call hosted_pd,ping,timer,$(TIMER_ARM_SRCS),$(TIMER_ARM_FLAGS)))
$(eval $(call hosted_pd,ping,ticker,$(HOSTED_PING_DIR)/ticker.c))
$(eval $(call hosted_pd,ping,ping,$(HOSTED_PING_DIR)/ping.c))
$(eval $(call hosted_pd,ping,pong,$(HOSTED_PING_DIR)/pong.c,,.pong_config,$(HOSTED_PING_DIR)/pong_config.c))
$(foreach v,$(HOSTED_VARIANTS),$(eval $(call hosted_system,$(v),ping,$(HOSTED_PING_DIR)/ping.system,timer ticker ping pong)))

$(eval $(call add_check,hosted-ping,$(HOSTED_RUN) $(HOSTED_OUT)/plain/ping/.built $(HOSTED_DIR)/tests/ping.sh,\
	$(HOSTED_DIR)/tests/ping.sh $(HOSTED_RUN) $(HOSTED_OUT)/plain/ping $(HOSTED_PING_DIR)/ping.system $(SDFGEN) $(BUILD)/hosted/run/ping))

# The examples that run here: every PD of examples/pds.mk, built for both variants.
HOSTED_EXAMPLES := gpu multi anim restart
$(foreach ex,$(HOSTED_EXAMPLES),$(foreach pd,$(EX_PDS.$(ex)),$(eval $(call hosted_pd,$(ex),$(pd),$(EX_SRCS.$(ex).$(pd)),\
	$(EX_FLAGS.$(ex).$(pd)),$(EX_SECTION.$(ex).$(pd)),$(EX_CONFIG.$(ex).$(pd))))))
$(foreach v,$(HOSTED_VARIANTS),$(foreach ex,$(HOSTED_EXAMPLES),\
	$(eval $(call hosted_system,$(v),$(ex),$(call ex_system,$(ex)),$(EX_PDS.$(ex))))))

# The back-end's control client (dumps, display changes), and the checks on the examples.
HOSTED_CTL := $(HOSTED_OUT)/hosted-ctl
$(HOSTED_CTL): $(HOSTED_DIR)/tools/hosted_ctl.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $<
ALL_TARGETS += $(HOSTED_CTL)
# tests/qemu/module.mk builds imgcmp (read after this file, so its path is spelled out here).
HOSTED_IMGCMP := $(BUILD)/tests/qemu/imgcmp
HOSTED_TOOLS := $(HOSTED_RUN) $(HOSTED_CTL) $(HOSTED_IMGCMP) $(EXAMPLE_EXPECT) $(HOSTED_DIR)/tests/hosted-lib.sh
HOSTED_ENV := IMGCMP=$(HOSTED_IMGCMP) EXPECT=$(EXAMPLE_EXPECT) CTL=$(HOSTED_CTL)

$(eval $(call add_check,hosted-gpu,$(HOSTED_TOOLS) $(HOSTED_OUT)/plain/gpu/.built $(HOSTED_OUT)/plain/vgpu-backend \
	$(HOSTED_DIR)/tests/gpu.sh,$(HOSTED_ENV) $(HOSTED_DIR)/tests/gpu.sh $(HOSTED_RUN) $(HOSTED_OUT)/plain/gpu \
	$(HOSTED_OUT)/plain/vgpu-backend $(BUILD)/gen/fb_img.path $(BUILD)/hosted/run/gpu))
$(eval $(call add_check,hosted-multi,$(HOSTED_TOOLS) $(HOSTED_OUT)/plain/multi/.built $(HOSTED_OUT)/plain/vgpu-backend \
	$(HOSTED_DIR)/tests/multi.sh,$(HOSTED_ENV) $(HOSTED_DIR)/tests/multi.sh $(HOSTED_RUN) $(HOSTED_OUT)/plain/multi \
	$(HOSTED_OUT)/plain/vgpu-backend $(BUILD)/gen/fb_img.path $(BUILD)/hosted/run/multi))
# Display changes through the back-end's control socket (mode I W H ON): one head of two at a time.
$(eval $(call add_check,hosted-resize,$(HOSTED_TOOLS) $(HOSTED_OUT)/plain/multi/.built $(HOSTED_OUT)/plain/vgpu-backend \
	$(HOSTED_DIR)/tests/resize.sh,$(HOSTED_ENV) $(HOSTED_DIR)/tests/resize.sh $(HOSTED_RUN) $(HOSTED_OUT)/plain/multi \
	$(HOSTED_OUT)/plain/vgpu-backend $(BUILD)/gen/fb_img.path $(BUILD)/hosted/run/resize))
HOSTED_ANIMCHECK := $(BUILD)/tests/qemu/animcheck
$(eval $(call add_check,hosted-anim,$(HOSTED_TOOLS) $(HOSTED_ANIMCHECK) $(HOSTED_OUT)/plain/anim/.built \
	$(HOSTED_OUT)/plain/vgpu-backend $(HOSTED_DIR)/tests/anim.sh,ANIMCHECK=$(HOSTED_ANIMCHECK) CTL=$(HOSTED_CTL) \
	$(HOSTED_DIR)/tests/anim.sh $(HOSTED_RUN) $(HOSTED_OUT)/plain/anim $(HOSTED_OUT)/plain/vgpu-backend \
	$(BUILD)/hosted/run/anim))
# Every PD and the back-end built with ASan and UBSan, in one run of the demo (any report fails it).
$(eval $(call add_check,hosted-gpu-asan,$(HOSTED_TOOLS) $(HOSTED_OUT)/asan/gpu/.built $(HOSTED_OUT)/asan/vgpu-backend \
	$(HOSTED_DIR)/tests/gpu.sh,$(HOSTED_ENV) $(HOSTED_DIR)/tests/gpu.sh $(HOSTED_RUN) $(HOSTED_OUT)/asan/gpu \
	$(HOSTED_OUT)/asan/vgpu-backend $(BUILD)/gen/fb_img.path $(BUILD)/hosted/run/gpu-asan asan))
# A client's real SIGSEGV, then kill -9 of it mid-stream: the supervisor (over include/microkit.h) and the
# virtualiser's release, the other client's frames exact throughout.
$(eval $(call add_check,hosted-restart,$(HOSTED_TOOLS) $(HOSTED_OUT)/plain/restart/.built \
	$(HOSTED_OUT)/plain/vgpu-backend $(HOSTED_DIR)/tests/restart.sh,$(HOSTED_ENV) $(HOSTED_DIR)/tests/restart.sh \
	$(HOSTED_RUN) $(HOSTED_OUT)/plain/restart $(HOSTED_OUT)/plain/vgpu-backend $(BUILD)/gen/fb_img.path \
	$(BUILD)/hosted/run/restart))

# make run-hosted EXAMPLE=gpu|multi|anim|restart DEVICE=model|qemu: a window, or PNG frames (run.sh).
.PHONY: run-hosted
EXAMPLE ?= gpu
DEVICE ?= model
hosted_scanouts = $(if $(findstring max_outputs=2,$(EX_GPU.$(1))),2,1)
run-hosted: deps $(HOSTED_RUN) $(HOSTED_OUT)/plain/vgpu-backend $(HOSTED_OUT)/plain/vugpu-display \
	$(if $(filter $(EXAMPLE),$(HOSTED_EXAMPLES)),$(HOSTED_OUT)/plain/$(EXAMPLE)/.built)
	@if [ -z "$(filter $(EXAMPLE),$(HOSTED_EXAMPLES))" ]; then echo "run-hosted: no example '$(EXAMPLE)'; the examples are: $(HOSTED_EXAMPLES)"; exit 1; fi
	$(HOSTED_DIR)/run.sh $(HOSTED_RUN) $(HOSTED_OUT)/plain/$(EXAMPLE) $(HOSTED_OUT)/plain/vgpu-backend \
		$(call ex_system,$(EXAMPLE)) $(call hosted_scanouts,$(EXAMPLE)) $(HOSTED_OUT)/frames/$(EXAMPLE) $(DEVICE) \
		$(HOSTED_OUT)/plain/vugpu-display $(HOSTED_QEMU_GPU)
# One PD under valgrind (hosted-run -w): the client, whose data region valgrind's own mappings push away from
# its vaddr (the setvar follows it). Any valgrind report fails it.
$(eval $(call add_check,hosted-gpu-valgrind,$(HOSTED_TOOLS) $(HOSTED_OUT)/plain/gpu/.built $(HOSTED_OUT)/plain/vgpu-backend \
	$(HOSTED_DIR)/tests/gpu.sh,$(HOSTED_ENV) $(HOSTED_DIR)/tests/gpu.sh $(HOSTED_RUN) \
	$(HOSTED_OUT)/plain/gpu $(HOSTED_OUT)/plain/vgpu-backend $(BUILD)/gen/fb_img.path $(BUILD)/hosted/run/gpu-valgrind valgrind))
# QEMU's vhost-user-gpu (Debian qemu-system-gui, see platform/qemu/module.mk) as the device, vugpu-display
# showing its scanout: the 2D states exact, the blob states visibly skipped.
HOSTED_QEMU_GPU := /usr/lib/qemu/vhost-user-gpu
$(eval $(call add_check,hosted-gpu-qemu,$(HOSTED_TOOLS) $(HOSTED_OUT)/plain/gpu/.built $(HOSTED_OUT)/plain/vugpu-display \
	$(HOSTED_DIR)/tests/gpu.sh,$(HOSTED_ENV) VUDISPLAY=$(HOSTED_OUT)/plain/vugpu-display $(HOSTED_DIR)/tests/gpu.sh \
	$(HOSTED_RUN) $(HOSTED_OUT)/plain/gpu $(HOSTED_QEMU_GPU) $(BUILD)/gen/fb_img.path $(BUILD)/hosted/run/gpu-qemu qemu))
$(eval $(call add_check,hosted-multi-qemu,$(HOSTED_TOOLS) $(HOSTED_OUT)/plain/multi/.built $(HOSTED_OUT)/plain/vugpu-display \
	$(HOSTED_DIR)/tests/multi.sh,$(HOSTED_ENV) VUDISPLAY=$(HOSTED_OUT)/plain/vugpu-display $(HOSTED_DIR)/tests/multi.sh \
	$(HOSTED_RUN) $(HOSTED_OUT)/plain/multi $(HOSTED_QEMU_GPU) $(BUILD)/gen/fb_img.path $(BUILD)/hosted/run/multi-qemu qemu))
# kill -9 of the device back-end mid-animation: lost at once, every request answered, no hang.
$(eval $(call add_check,hosted-device-kill,$(HOSTED_TOOLS) $(HOSTED_OUT)/plain/anim/.built $(HOSTED_OUT)/plain/vgpu-backend \
	$(HOSTED_DIR)/tests/device-kill.sh,$(HOSTED_DIR)/tests/device-kill.sh $(HOSTED_RUN) $(HOSTED_OUT)/plain/anim \
	$(HOSTED_OUT)/plain/vgpu-backend $(BUILD)/hosted/run/device-kill))
# kill -9 of the back-end under multi; the runner restarts it, the driver reconnects: both heads exact again.
$(eval $(call add_check,hosted-device-restart,$(HOSTED_TOOLS) $(HOSTED_OUT)/plain/multi/.built $(HOSTED_OUT)/plain/vgpu-backend \
	$(HOSTED_DIR)/tests/device-restart.sh,$(HOSTED_ENV) $(HOSTED_DIR)/tests/device-restart.sh $(HOSTED_RUN) \
	$(HOSTED_OUT)/plain/multi $(HOSTED_OUT)/plain/vgpu-backend $(BUILD)/gen/fb_img.path $(BUILD)/hosted/run/device-restart))
