# The bare-metal aarch64 qemu platform: runtime, image macros, own example.
# See platform/qemu/README.md for how a system becomes one image.
#
#   $(eval $(call qemu_pd,IMAGE,PD,SOURCES,EXTRA_CFLAGS))   sources of one PD of IMAGE
#   $(eval $(call qemu_image,IMAGE,SYSTEM_FILE,RUN_OPTS))   after all its qemu_pd calls:
#                                                           builds $(BUILD)/qemu/IMAGE.elf
#   make qemu EXAMPLE=IMAGE                                 builds and runs it (window or console);
#                                                           RUN_OPTS are tests/qemu/qemu-run.sh options
#
# The examples' images (gpu, multi, anim) come from examples/qemu.mk, included
# at the end. `make demo` and `make e2e` are defined in tests/qemu/module.mk.

# qemu-system-gui: QEMU's GTK and SDL windows (`make qemu` with a display).
DEPS += qemu-system-arm qemu-system-gui gcc-aarch64-linux-gnu libexpat1-dev

QEMU_CROSS ?= aarch64-linux-gnu-
QEMU_CC := $(QEMU_CROSS)gcc
QEMU_LD := $(QEMU_CROSS)ld
QEMU_OBJCOPY := $(QEMU_CROSS)objcopy
QEMU_SYSTEM ?= qemu-system-aarch64
SDFGEN ?= $(BUILD)/tools/sdfgen

QEMU_DIR := platform/qemu
QEMU_OUT := $(BUILD)/qemu
# Evaluated when first used, so that a machine without the cross compiler can still run other targets.
QEMU_GCC_INCLUDE = $(shell $(QEMU_CC) -print-file-name=include 2>/dev/null)
QEMU_LIBGCC = $(shell $(QEMU_CC) -print-libgcc-file-name 2>/dev/null)
QEMU_CFLAGS = -std=c11 -O2 -g $(WARNINGS) -ffreestanding -fno-pie -fno-stack-protector -mno-outline-atomics \
	-fno-tree-loop-distribute-patterns -nostdinc -isystem $(QEMU_GCC_INCLUDE) -isystem $(PLATFORM_LIBC_INCLUDE) \
	-Iinclude -I$(QEMU_DIR)/include
QEMU_LDFLAGS = -nostdlib -static -no-pie -Wl,--build-id=none -Wl,--no-warn-rwx-segments -T $(QEMU_DIR)/link.ld

# The runtime, and the libc subset and printf shared with platform/microkit (platform/common).
QEMU_RT_SRCS := $(wildcard $(QEMU_DIR)/src/*.c) $(QEMU_DIR)/src/start.S
QEMU_RT_OBJS := $(patsubst $(QEMU_DIR)/src/%,$(QEMU_OUT)/runtime/%.o,$(QEMU_RT_SRCS)) \
	$(patsubst $(PLATFORM_COMMON_DIR)/src/%,$(QEMU_OUT)/runtime/common/%.o,$(PLATFORM_COMMON_SRCS))

$(QEMU_OUT)/runtime/%.c.o: $(QEMU_DIR)/src/%.c $(ALL_HEADERS)
	@mkdir -p $(@D)
	$(QEMU_CC) $(QEMU_CFLAGS) -I$(PLATFORM_COMMON_DIR)/src -c $< -o $@

$(QEMU_OUT)/runtime/common/%.c.o: $(PLATFORM_COMMON_DIR)/src/%.c $(ALL_HEADERS)
	@mkdir -p $(@D)
	$(QEMU_CC) $(QEMU_CFLAGS) -c $< -o $@

$(QEMU_OUT)/runtime/%.S.o: $(QEMU_DIR)/src/%.S
	@mkdir -p $(@D)
	$(QEMU_CC) -c $< -o $@

# $(call qemu_pd,IMAGE,PD,SOURCES,EXTRA_CFLAGS): record one PD's sources (C files, any path).
define qemu_pd
QEMU_PDS.$(1) += $(2)
QEMU_PD_SRCS.$(1).$(2) := $(3)
QEMU_PD_FLAGS.$(1).$(2) := $(4)
endef

# $(call qemu_pd_config,IMAGE,PD,SECTION,CONFIG_SOURCE,EXTRA_CFLAGS): fill the PD's config
# struct, which its glue defines (uninitialised) in SECTION, from CONFIG_SOURCE: a C file
# compiled with the PD's sdf_config.h that defines the same struct, initialised, in the same
# section. Its bytes replace the section in the PD's object (objcopy --update-section).
# Call it before qemu_image.
define qemu_pd_config
QEMU_PD_UPDATES.$(1).$(2) += --update-section $(3)=$(QEMU_OUT)/$(1)/$(2)/config$(3).bin
QEMU_PD_CONFIG_BINS.$(1).$(2) += $(QEMU_OUT)/$(1)/$(2)/config$(3).bin
$(QEMU_OUT)/$(1)/$(2)/config$(3).bin: $(4) $(QEMU_OUT)/$(1)/$(2)/sdf_config.h $(ALL_HEADERS)
	@mkdir -p $$(@D)
	$(QEMU_CC) $$(QEMU_CFLAGS) $(5) -I$(QEMU_OUT)/$(1)/$(2) -c $(4) -o $$@.o
	$(QEMU_OBJCOPY) -O binary --only-section=$(3) $$@.o $$@
	@test -s $$@ || { echo "$(4) puts nothing into section $(3)"; rm -f $$@; exit 1; }
endef

# $(call qemu_pd_rules,IMAGE,PD,SYSTEM_FILE): rules for one PD: its sdf_config.h, objects, and the partially linked,
# renamed object $(QEMU_OUT)/IMAGE/PD.o whose only globals are pd_<pd>__*.
define qemu_pd_rules
$(QEMU_OUT)/$(1)/$(2)/sdf_config.h: $(3) $(SDFGEN)
	@mkdir -p $$(@D)
	$(SDFGEN) -o $$@ $(3) header $(2) qemu
$(QEMU_OUT)/$(1)/$(2)/objcopy.args: $(3) $(SDFGEN)
	@mkdir -p $$(@D)
	$(SDFGEN) -o $$@ $(3) objcopy-args $(2)
$(QEMU_OUT)/$(1)/$(2)/obj/%.o: %.c $(QEMU_OUT)/$(1)/$(2)/sdf_config.h $(ALL_HEADERS)
	@mkdir -p $$(@D)
	$(QEMU_CC) $$(QEMU_CFLAGS) $(QEMU_PD_FLAGS.$(1).$(2)) -I$(QEMU_OUT)/$(1)/$(2) -c $$< -o $$@
$(QEMU_OUT)/$(1)/$(2).o: $(QEMU_PD_SRCS.$(1).$(2):%.c=$(QEMU_OUT)/$(1)/$(2)/obj/%.o) $(QEMU_OUT)/$(1)/$(2)/objcopy.args $(QEMU_PD_CONFIG_BINS.$(1).$(2))
	$(QEMU_LD) -r -o $$@.partial $(QEMU_PD_SRCS.$(1).$(2):%.c=$(QEMU_OUT)/$(1)/$(2)/obj/%.o)
	$(QEMU_OBJCOPY) $(QEMU_PD_UPDATES.$(1).$(2)) @$(QEMU_OUT)/$(1)/$(2)/objcopy.args $$@.partial $$@
endef

# $(call qemu_image,IMAGE,SYSTEM_FILE,RUN_OPTS): the image of every PD recorded for IMAGE. The link
# step first checks that the PDs with sources are exactly the description's PDs.
define qemu_image
QEMU_SYSTEM.$(1) := $(2)
QEMU_RUN_OPTS.$(1) := $(3)
QEMU_IMAGES += $(1)
$(foreach pd,$(QEMU_PDS.$(1)),$(eval $(call qemu_pd_rules,$(1),$(pd),$(2))))
$(QEMU_OUT)/$(1)/sdf_tables.c: $(2) $(SDFGEN)
	@mkdir -p $$(@D)
	$(SDFGEN) -o $$@ $(2) qemu-tables
$(QEMU_OUT)/$(1)/sdf_tables.o: $(QEMU_OUT)/$(1)/sdf_tables.c $(ALL_HEADERS)
	$(QEMU_CC) $$(QEMU_CFLAGS) -c $$< -o $$@
$(QEMU_OUT)/$(1).elf: $(QEMU_RT_OBJS) $(QEMU_OUT)/$(1)/sdf_tables.o $(QEMU_PDS.$(1):%=$(QEMU_OUT)/$(1)/%.o) $(QEMU_DIR)/link.ld
	@want=$$$$($(SDFGEN) $(2) pds | sort | tr '\n' ' '); have=$$$$(echo $(QEMU_PDS.$(1)) | tr ' ' '\n' | sort | tr '\n' ' '); \
	  if [ "$$$$want" != "$$$$have" ]; then echo "qemu_image $(1): $(2) has PDs [$$$$want], sources given for [$$$$have]"; exit 1; fi
	$(QEMU_CC) $$(QEMU_LDFLAGS) -o $$@ $(QEMU_RT_OBJS) $(QEMU_OUT)/$(1)/sdf_tables.o $(QEMU_PDS.$(1):%=$(QEMU_OUT)/$(1)/%.o) $$(QEMU_LIBGCC)
endef

.PHONY: qemu
EXAMPLE ?= gpu
qemu: deps $(QEMU_OUT)/$(EXAMPLE).elf
	tests/qemu/qemu-run.sh -i $(QEMU_RUN_OPTS.$(EXAMPLE)) $(QEMU_OUT)/$(EXAMPLE).elf

$(QEMU_OUT)/%.elf:
	@echo "qemu: no image '$*'; the images are: $(QEMU_IMAGES)"; exit 1

# The platform's own example: ticker, ping and pong on the timer PD (drivers/timer/arm).
QEMU_PING_DIR := $(QEMU_DIR)/examples/ping
$(eval $(call qemu_pd,ping,timer,$(TIMER_ARM_SRCS),$(TIMER_ARM_FLAGS)))
$(eval $(call qemu_pd,ping,ticker,$(QEMU_PING_DIR)/ticker.c))
$(eval $(call qemu_pd,ping,ping,$(QEMU_PING_DIR)/ping.c))
$(eval $(call qemu_pd,ping,pong,$(QEMU_PING_DIR)/pong.c))
$(eval $(call qemu_pd_config,ping,pong,.pong_config,$(QEMU_PING_DIR)/pong_config.c))
$(eval $(call qemu_image,ping,$(QEMU_PING_DIR)/ping.system))

# virtio-probe: lists QEMU's virtio-mmio slots and talks to the modern virtio-gpu device.
$(eval $(call qemu_pd,virtio-probe,probe,$(QEMU_DIR)/examples/virtio-probe/probe.c))
$(eval $(call qemu_image,virtio-probe,$(QEMU_DIR)/examples/virtio-probe/virtio-probe.system,-g ''))

# selftest: the runtime's libc, printf and cache operations from a PD, then a deliberate fault.
$(eval $(call qemu_pd,selftest,selftest,$(QEMU_DIR)/examples/selftest/selftest.c))
$(eval $(call qemu_image,selftest,$(QEMU_DIR)/examples/selftest/selftest.system))

# The examples (examples/gpu, multi, anim) as images, from their system descriptions.
include examples/qemu.mk
