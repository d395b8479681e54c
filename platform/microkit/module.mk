# The seL4 Microkit platform: the OS seam over libmicrokit (src/os.c), the
# libc subset and printf shared with qemu (platform/common), one ELF per PD, and the SDK's `microkit` tool for the
# image. See platform/microkit/README.md: NEVER built or booted against a
# real SDK so far.
#
#   make microkit EXAMPLE=gpu|multi|anim MICROKIT_SDK=/path/to/sdk \
#        MICROKIT_BOARD=qemu_virt_aarch64 MICROKIT_CONFIG=debug
#       builds $(BUILD)/microkit/BOARD-CONFIG/EXAMPLE/loader.img and prints the qemu command.
#   check microkit-seam: compiles the seam and every PD of every example for aarch64
#       against standin/microkit.h (no SDK needed), links each PD partially and checks
#       its undefined symbols and setvar symbols.
MK_DIR := platform/microkit
SDFGEN ?= $(BUILD)/tools/sdfgen
MK_COMMA := ,
MK_CROSS ?= aarch64-linux-gnu-
MK_CC := $(MK_CROSS)gcc
MK_LD := $(MK_CROSS)ld
MK_OBJCOPY := $(MK_CROSS)objcopy
MK_NM := $(MK_CROSS)nm
MICROKIT_BOARD ?= qemu_virt_aarch64
MICROKIT_CONFIG ?= debug
MK_GCC_INCLUDE = $(shell $(MK_CC) -print-file-name=include 2>/dev/null)
MK_LIBGCC = $(shell $(MK_CC) -print-libgcc-file-name 2>/dev/null)
# Flags shared by both modes; each mode adds the directory holding microkit.h.
MK_CFLAGS = -std=c11 -O2 -g $(WARNINGS) -ffreestanding -nostdlib -fno-pie -fno-stack-protector -mstrict-align \
	-mno-outline-atomics -fno-tree-loop-distribute-patterns -nostdinc -isystem $(MK_GCC_INCLUDE) \
	-isystem $(PLATFORM_LIBC_INCLUDE) -Iinclude -I$(PLATFORM_COMMON_DIR)/src
MK_PLATFORM_SRCS := $(MK_DIR)/src/os.c $(PLATFORM_COMMON_SRCS)
# The only symbols a PD may leave undefined: libmicrokit's (functions here are inline in the real header).
MK_ALLOWED_UNDEF := microkit_dbg_puts microkit_notify microkit_deferred_notify microkit_irq_ack \
	microkit_have_signal microkit_signal_cap

# PD sources per example (the same lists as examples/qemu.mk) and their config sources.
MK_CLIENT_LIB := examples/common/client_glue.c lib/gpu_client/gpu_client.c lib/gpu_client/gpu_fb.c
MK_EX_FLAGS := -Iexamples/common -Ilib/gpu_client -Itools/img2c
MK_VIRT := gpu/components/virt/virt.c gpu/components/virt/gpu_virt.c
MK_DRV := $(GPU_DRIVER_CORE_SRCS) $(GPU_DRIVER_GLUE_SRCS)
MK_MULTI := examples/multi/multi_client_pd.c examples/multi/multi_client.c $(MK_CLIENT_LIB) $(BUILD)/gen/demo_image.c

# $(call mk_pd,EXAMPLE,PD,SOURCES,FLAGS[,SECTION,CONFIG_SOURCE])
define mk_pd
MK_PDS.$(1) += $(2)
MK_SRCS.$(1).$(2) := $(3)
MK_FLAGS.$(1).$(2) := $(4)
MK_SECTION.$(1).$(2) := $(5)
MK_CONFIG_SRC.$(1).$(2) := $(6)
endef
$(eval $(call mk_pd,gpu,client,examples/gpu/gpu_client_pd.c examples/gpu/gpu_demo.c $(MK_CLIENT_LIB) $(BUILD)/gen/demo_image.c,-Iexamples/gpu $(MK_EX_FLAGS)))
$(eval $(call mk_pd,gpu,gpu_virt,$(MK_VIRT),-Igpu/components/virt,.gpu_virt_config,examples/gpu/gpu_virt_config.c))
$(eval $(call mk_pd,gpu,gpu_driver,$(MK_DRV),-Idrivers/gpu/virtio,.gpu_driver_config,examples/common/gpu_driver_config.c))
$(eval $(call mk_pd,multi,multi_a,$(MK_MULTI),-Iexamples/multi $(MK_EX_FLAGS) -DMULTI_ROLE=MULTI_ROLE_IMAGE -DMULTI_NAME=multi-a))
$(eval $(call mk_pd,multi,multi_b,$(MK_MULTI),-Iexamples/multi $(MK_EX_FLAGS) -DMULTI_ROLE=MULTI_ROLE_PATTERN -DMULTI_NAME=multi-b))
$(eval $(call mk_pd,multi,multi_c,$(MK_MULTI),-Iexamples/multi $(MK_EX_FLAGS) -DMULTI_ROLE=MULTI_ROLE_NO_SCANOUT -DMULTI_NAME=multi-c))
$(eval $(call mk_pd,multi,gpu_virt,$(MK_VIRT),-Igpu/components/virt,.gpu_virt_config,examples/multi/multi_virt_config.c))
$(eval $(call mk_pd,multi,gpu_driver,$(MK_DRV),-Idrivers/gpu/virtio,.gpu_driver_config,examples/common/gpu_driver_config.c))
$(eval $(call mk_pd,anim,anim,examples/anim/anim_pd.c examples/anim/anim.c $(MK_CLIENT_LIB),-Iexamples/anim $(MK_EX_FLAGS)))
$(eval $(call mk_pd,anim,gpu_virt,$(MK_VIRT),-Igpu/components/virt,.gpu_virt_config,examples/anim/anim_virt_config.c))
$(eval $(call mk_pd,anim,gpu_driver,$(MK_DRV),-Idrivers/gpu/virtio,.gpu_driver_config,examples/common/gpu_driver_config.c))
# Examples whose description has a `timer` PD: none is written for Microkit yet (README.md).
MK_NEEDS_TIMER := gpu anim
MK_EXAMPLES := gpu multi anim

# $(call mk_pd_objs,OUT,INCDIR,EXAMPLE,PD): compile the PD's sources and the platform against the microkit
# sdf_config.h of the example's description, and its config section (if any) into OUT/EXAMPLE/PD/config.bin.
define mk_pd_objs
$(1)/$(3)/$(4)/sdf_config.h: examples/$(3)/$(3).system $(SDFGEN)
	@mkdir -p $$(@D)
	$(SDFGEN) -o $$@ examples/$(3)/$(3).system header $(4) microkit
$(1)/$(3)/$(4)/obj/%.o: %.c $(1)/$(3)/$(4)/sdf_config.h $(ALL_HEADERS)
	@mkdir -p $$(@D)
	$(MK_CC) $$(MK_CFLAGS) -I$(2) $(MK_FLAGS.$(3).$(4)) -I$(1)/$(3)/$(4) -c $$< -o $$@
MK_OBJS.$(1).$(3).$(4) := $(patsubst %.c,$(1)/$(3)/$(4)/obj/%.o,$(MK_SRCS.$(3).$(4)) $(MK_PLATFORM_SRCS))
ifneq ($(MK_SECTION.$(3).$(4)),)
$(1)/$(3)/$(4)/config.bin: $(MK_CONFIG_SRC.$(3).$(4)) $(1)/$(3)/$(4)/sdf_config.h $(ALL_HEADERS)
	$(MK_CC) $$(MK_CFLAGS) -I$(2) $(MK_FLAGS.$(3).$(4)) -Iexamples/common -I$(1)/$(3)/$(4) -c $$< -o $$@.o
	$(MK_OBJCOPY) -O binary --only-section=$(MK_SECTION.$(3).$(4)) $$@.o $$@
	@test -s $$@ || { echo "$$< puts nothing into section $(MK_SECTION.$(3).$(4))"; rm -f $$@; exit 1; }
MK_UPDATE.$(1).$(3).$(4) := --update-section $(MK_SECTION.$(3).$(4))=$(1)/$(3)/$(4)/config.bin
MK_CONFIG_BIN.$(1).$(3).$(4) := $(1)/$(3)/$(4)/config.bin
endif
endef

# --- compile-only check against the stand-in header -------------------------------------------
MK_SEAM_OUT := $(BUILD)/microkit-seam
MK_STANDIN := $(MK_DIR)/standin

# $(call mk_seam_pd,EXAMPLE,PD): OUT/EXAMPLE/PD.o, the PD partially linked with its config section filled,
# and OUT/EXAMPLE/PD.ok once its undefined and setvar symbols are right.
define mk_seam_pd
$(call mk_pd_objs,$(MK_SEAM_OUT),$(MK_STANDIN),$(1),$(2))
$(MK_SEAM_OUT)/$(1)/$(2).o: $$(MK_OBJS.$(MK_SEAM_OUT).$(1).$(2)) $$(MK_CONFIG_BIN.$(MK_SEAM_OUT).$(1).$(2))
	$(MK_LD) -r -o $$@.partial $$(MK_OBJS.$(MK_SEAM_OUT).$(1).$(2))
	$(MK_OBJCOPY) $$(MK_UPDATE.$(MK_SEAM_OUT).$(1).$(2)) $$@.partial $$@
$(MK_SEAM_OUT)/$(1)/$(2).ok: $(MK_SEAM_OUT)/$(1)/$(2).o $(MK_DIR)/check-pd.sh examples/$(1)/$(1).system $(SDFGEN)
	$(MK_DIR)/check-pd.sh $(MK_NM) $(SDFGEN) examples/$(1)/$(1).system $(2) $$< '$(MK_ALLOWED_UNDEF)'
	@touch $$@
MK_SEAM_OKS += $(MK_SEAM_OUT)/$(1)/$(2).ok
endef
$(foreach ex,$(MK_EXAMPLES),$(foreach pd,$(MK_PDS.$(ex)),$(eval $(call mk_seam_pd,$(ex),$(pd)))))

$(eval $(call add_check,microkit-seam,$(MK_SEAM_OKS),echo "ok - $(words $(MK_SEAM_OKS)) PDs built for aarch64 against $(MK_STANDIN)/microkit.h"))

# --- the real build: needs MICROKIT_SDK -----------------------------------------------------------
.PHONY: microkit
ifeq ($(strip $(MICROKIT_SDK)),)
microkit:
	@echo "make microkit: set MICROKIT_SDK to an unpacked Microkit SDK (2.x), e.g."
	@echo "  make microkit EXAMPLE=multi MICROKIT_SDK=/opt/microkit-sdk-2.0.1 MICROKIT_BOARD=qemu_virt_aarch64 MICROKIT_CONFIG=debug"
	@echo "Without an SDK, 'make test T=microkit-seam' compiles every PD against a stand-in header."
	@exit 1
else
MK_BOARD_DIR := $(MICROKIT_SDK)/board/$(MICROKIT_BOARD)/$(MICROKIT_CONFIG)
MK_TOOL := $(MICROKIT_SDK)/bin/microkit
MK_SDK_OUT := $(BUILD)/microkit/$(MICROKIT_BOARD)-$(MICROKIT_CONFIG)
MK_EX_OUT := $(MK_SDK_OUT)/$(EXAMPLE)

# $(call mk_elf,PD): the PD linked against libmicrokit with the SDK's linker script, then its config section filled.
define mk_elf
$(MK_EX_OUT)/$(1).elf: $$(MK_OBJS.$(MK_SDK_OUT).$(EXAMPLE).$(1)) $$(MK_CONFIG_BIN.$(MK_SDK_OUT).$(EXAMPLE).$(1))
	$(MK_LD) -L$(MK_BOARD_DIR)/lib -o $$@.linked $$(MK_OBJS.$(MK_SDK_OUT).$(EXAMPLE).$(1)) -lmicrokit -Tmicrokit.ld \
		$$(MK_LIBGCC)
	$(MK_OBJCOPY) $$(MK_UPDATE.$(MK_SDK_OUT).$(EXAMPLE).$(1)) $$@.linked $$@
endef
ifneq ($(filter $(EXAMPLE),$(MK_EXAMPLES)),)
$(foreach pd,$(MK_PDS.$(EXAMPLE)),$(eval $(call mk_pd_objs,$(MK_SDK_OUT),$(MK_BOARD_DIR)/include,$(EXAMPLE),$(pd))))
$(foreach pd,$(MK_PDS.$(EXAMPLE)),$(eval $(call mk_elf,$(pd))))
endif

$(MK_EX_OUT)/loader.img: $(MK_PDS.$(EXAMPLE):%=$(MK_EX_OUT)/%.elf) examples/$(EXAMPLE)/$(EXAMPLE).system
	$(MK_TOOL) examples/$(EXAMPLE)/$(EXAMPLE).system --search-path $(MK_EX_OUT) --board $(MICROKIT_BOARD) \
		--config $(MICROKIT_CONFIG) -o $@ -r $(MK_EX_OUT)/report.txt

microkit: deps
	@test -d "$(MK_BOARD_DIR)/include" -a -x "$(MK_TOOL)" || { echo "make microkit: $(MK_BOARD_DIR) or $(MK_TOOL) not found: is MICROKIT_SDK=$(MICROKIT_SDK) an unpacked SDK with board $(MICROKIT_BOARD), config $(MICROKIT_CONFIG)?"; exit 1; }
	@test -n "$(filter $(EXAMPLE),$(MK_EXAMPLES))" || { echo "make microkit: no example '$(EXAMPLE)'; the examples are: $(MK_EXAMPLES)"; exit 1; }
	@test -z "$(filter $(EXAMPLE),$(MK_NEEDS_TIMER))" || { echo "make microkit: examples/$(EXAMPLE) needs a 'timer' PD, which platform/microkit does not provide yet (README.md); EXAMPLE=multi has none"; exit 1; }
	$(MAKE) --no-print-directory $(MK_EX_OUT)/loader.img
	@echo "Boot it (QEMU's virtio-gpu in virt's last virtio-mmio slot, as $(EXAMPLE).system expects):"
	@echo "  $(QEMU_SYSTEM) -machine virt,virtualization=on -cpu cortex-a53 -m size=2G -nic none -serial mon:stdio \\"
	@echo "    -global virtio-mmio.force-legacy=false -device virtio-gpu-device$(if $(filter multi,$(EXAMPLE)),$(MK_COMMA)max_outputs=2) \\"
	@echo "    -device loader,file=$(MK_EX_OUT)/loader.img,addr=0x70000000,cpu-num=0"
endif
