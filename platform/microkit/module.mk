# The seL4 Microkit platform: the OS seam over libmicrokit (src/os.c), the libc subset and printf shared
# with qemu (platform/common), one ELF per PD linked against the SDK's libmicrokit, and the SDK's
# `microkit` tool for the bootable image. See platform/microkit/README.md.
#
#   make microkit EXAMPLE=NAME MICROKIT_SDK=/path/to/microkit-sdk-2.3.0   build one example, print how to boot it
#   make microkit-all MICROKIT_SDK=...                                    build every example
#   make microkit-run EXAMPLE=NAME MICROKIT_SDK=...                       build it and boot it on QEMU
#        (a window when $DISPLAY is set, else the console; Ctrl-a x quits)
#
# Variables: MICROKIT_BOARD (qemu_virt_aarch64), MICROKIT_CONFIG (debug, release, benchmark),
# TOOLCHAIN: `clang` (the default, as sDDF's) or the prefix of a GNU cross toolchain without its
# trailing dash (aarch64-linux-gnu for Debian's gcc-aarch64-linux-gnu, or aarch64-none-elf).
# Output: $(BUILD)/microkit/BOARD-CONFIG-TOOLCHAIN/EXAMPLE/{PD.elf,loader.img,report.txt}.
#
# With MICROKIT_SDK set, `make test` builds every example (debug with both toolchains, release) and
# boots each on QEMU for the e2e checks (tests/qemu/module.mk); without it, it reports them skipped.
include examples/pds.mk

MK_DIR := platform/microkit
SDFGEN ?= $(BUILD)/tools/sdfgen
MK_COMMA := ,
MICROKIT_BOARD ?= qemu_virt_aarch64
MICROKIT_CONFIG ?= debug
TOOLCHAIN ?= clang

ifeq ($(TOOLCHAIN),clang)
MK_CC := clang --target=aarch64-none-elf
MK_LD := ld.lld
MK_CC_INCLUDE = $(shell clang -print-resource-dir 2>/dev/null)/include
# Keeps clang from turning the libc's own loops into calls to themselves.
MK_LIBC_FLAGS := -fno-builtin
MK_LIBGCC :=
else
MK_CC := $(TOOLCHAIN)-gcc
MK_LD := $(TOOLCHAIN)-ld
MK_CC_INCLUDE = $(shell $(MK_CC) -print-file-name=include 2>/dev/null)
MK_LIBC_FLAGS :=
MK_LIBGCC = $(shell $(MK_CC) -print-libgcc-file-name 2>/dev/null)
endif
# objcopy only moves ELF sections; binutils' aarch64 one (part of gcc-aarch64-linux-gnu) serves any toolchain.
MK_OBJCOPY := $(if $(filter clang,$(TOOLCHAIN)),aarch64-linux-gnu,$(TOOLCHAIN))-objcopy

# The SDK's headers (sel4/*.h, through microkit.h) are GNU C (`asm`): the files that include microkit.h
# are compiled as gnu11, everything else as strict C11, as on the other platforms.
MK_GNU_SRCS := $(MK_DIR)/%
MK_STD = $(if $(filter $(MK_GNU_SRCS),$<),-std=gnu11,-std=c11)
MK_CFLAGS = -O2 -g $(WARNINGS) -ffreestanding -nostdlib -fno-pie -fno-stack-protector -mstrict-align \
	-mno-outline-atomics $(if $(filter clang,$(TOOLCHAIN)),,-fno-tree-loop-distribute-patterns) -nostdinc \
	-isystem $(MK_CC_INCLUDE) -isystem $(PLATFORM_LIBC_INCLUDE) -Iinclude -I$(PLATFORM_COMMON_DIR)/src
MK_PLATFORM_SRCS := $(MK_DIR)/src/os.c $(PLATFORM_COMMON_SRCS)
# Every PD's channel to the console PD (log/log.c), which add-log-pd.sh adds to each description: the
# highest id Microkit 2.x allows, which no description here uses.
MK_LOG_CHANNEL := 61
MK_CFLAGS += -DMK_LOG_CHANNEL=$(MK_LOG_CHANNEL)

MK_EXAMPLES := $(foreach ex,$(EXAMPLES),$(if $(filter microkit,$(EX_PLATFORMS.$(ex))),$(ex)))
MK_BOARD_DIR = $(MICROKIT_SDK)/board/$(MICROKIT_BOARD)/$(MICROKIT_CONFIG)
MK_TOOL = $(MICROKIT_SDK)/bin/microkit
MK_OUT := $(BUILD)/microkit/$(MICROKIT_BOARD)-$(MICROKIT_CONFIG)-$(TOOLCHAIN)
# The loader image of example EX in the current board, config and toolchain.
mk_image = $(MK_OUT)/$(1)/loader.img

# $(call mk_pd,EX,PD): the PD's objects compiled against its microkit sdf_config.h and the SDK's headers,
# linked with libmicrokit into EX/PD.elf, its config section (if any) filled from its config source.
define mk_pd
$(MK_OUT)/$(1)/$(2)/sdf_config.h: $(call ex_system,$(1)) $(SDFGEN)
	@mkdir -p $$(@D)
	$(SDFGEN) -o $$@ $(call ex_system,$(1)) header $(2) microkit
$(MK_OUT)/$(1)/$(2)/obj/%.o: %.c $(MK_OUT)/$(1)/$(2)/sdf_config.h $(ALL_HEADERS)
	@mkdir -p $$(@D)
	$(MK_CC) $$(MK_STD) $$(MK_CFLAGS) $$(if $$(filter %/libc.c,$$<),$(MK_LIBC_FLAGS)) -I$(MK_BOARD_DIR)/include \
		$(EX_FLAGS.$(1).$(2)) -I$(MK_OUT)/$(1)/$(2) -c $$< -o $$@
MK_OBJS.$(1).$(2) := $(patsubst %.c,$(MK_OUT)/$(1)/$(2)/obj/%.o,$(EX_SRCS.$(1).$(2)) $(MK_PLATFORM_SRCS))
ifneq ($(EX_SECTION.$(1).$(2)),)
$(MK_OUT)/$(1)/$(2)/config.bin: $(EX_CONFIG.$(1).$(2)) $(MK_OUT)/$(1)/$(2)/sdf_config.h $(ALL_HEADERS)
	$(MK_CC) -std=c11 $$(MK_CFLAGS) $(EX_FLAGS.$(1).$(2)) -I$(MK_OUT)/$(1)/$(2) -c $$< -o $$@.o
	$(MK_OBJCOPY) -O binary --only-section=$(EX_SECTION.$(1).$(2)) $$@.o $$@
	@test -s $$@ || { echo "$$< puts nothing into section $(EX_SECTION.$(1).$(2))"; rm -f $$@; exit 1; }
MK_UPDATE.$(1).$(2) := --update-section $(EX_SECTION.$(1).$(2))=$(MK_OUT)/$(1)/$(2)/config.bin
MK_CONFIG_BIN.$(1).$(2) := $(MK_OUT)/$(1)/$(2)/config.bin
endif
$(MK_OUT)/$(1)/$(2).elf: $$(MK_OBJS.$(1).$(2)) $$(MK_CONFIG_BIN.$(1).$(2))
	$(MK_LD) -L$(MK_BOARD_DIR)/lib -o $$@.linked $$(MK_OBJS.$(1).$(2)) -lmicrokit -Tmicrokit.ld $$(MK_LIBGCC)
	$(MK_OBJCOPY) $$(MK_UPDATE.$(1).$(2)) $$@.linked $$@
endef

# The console PD, the same in every example: it writes the lines the other PDs hand it.
$(MK_OUT)/log/log.o: $(MK_DIR)/log/log.c
	@mkdir -p $(@D)
	$(MK_CC) -std=gnu11 $(MK_CFLAGS) -I$(MK_BOARD_DIR)/include -c $< -o $@
$(MK_OUT)/log/log.elf: $(MK_OUT)/log/log.o
	$(MK_LD) -L$(MK_BOARD_DIR)/lib -o $@ $< -lmicrokit -Tmicrokit.ld $(MK_LIBGCC)

# $(call mk_example,EX): every PD of EX, then the SDK's tool turns the description, with the console PD
# added (add-log-pd.sh), and the ELFs into loader.img. First checks that the PDs with sources are exactly
# the description's PDs.
define mk_example
$(foreach pd,$(EX_PDS.$(1)),$(eval $(call mk_pd,$(1),$(pd))))
$(MK_OUT)/$(1)/$(1).system: $(call ex_system,$(1)) $(SDFGEN) $(MK_DIR)/add-log-pd.sh
	@mkdir -p $$(@D)
	$(MK_DIR)/add-log-pd.sh $(SDFGEN) $(call ex_system,$(1)) $$@ $(MK_LOG_CHANNEL)
$(MK_OUT)/$(1)/loader.img: $(EX_PDS.$(1):%=$(MK_OUT)/$(1)/%.elf) $(MK_OUT)/log/log.elf $(MK_OUT)/$(1)/$(1).system
	@want=$$$$($(SDFGEN) $(call ex_system,$(1)) pds | sort | tr '\n' ' '); \
	  have=$$$$(echo $(EX_PDS.$(1)) | tr ' ' '\n' | sort | tr '\n' ' '); \
	  if [ "$$$$want" != "$$$$have" ]; then echo "microkit $(1): the description has PDs [$$$$want], sources given for [$$$$have]"; exit 1; fi
	$(MK_TOOL) $(MK_OUT)/$(1)/$(1).system --search-path $(MK_OUT)/$(1) $(MK_OUT)/log --board $(MICROKIT_BOARD) \
		--config $(MICROKIT_CONFIG) -o $$@ -r $(MK_OUT)/$(1)/report.txt
endef

.PHONY: microkit microkit-all microkit-run microkit-sdk-check
EXAMPLE ?= gpu
ifeq ($(strip $(MICROKIT_SDK)),)
MK_NO_SDK := set MICROKIT_SDK to an unpacked Microkit SDK, e.g. \
	mkdir -p build/sdk && tar xzf microkit-sdk-2.3.0-qemu_virt_aarch64.tar.gz -C build/sdk, then \
	MICROKIT_SDK=$$PWD/build/sdk/microkit-sdk-2.3.0
microkit microkit-all microkit-run microkit-sdk-check:
	@echo "make $@: $(MK_NO_SDK)"; exit 1
else
$(foreach ex,$(MK_EXAMPLES),$(eval $(call mk_example,$(ex))))

# Fails, saying what is missing, unless MICROKIT_SDK holds this board and config and the tool runs.
microkit-sdk-check:
	@test -d "$(MK_BOARD_DIR)/include" -a -f "$(MK_BOARD_DIR)/lib/libmicrokit.a" -a -x "$(MK_TOOL)" || { \
	  echo "MICROKIT_SDK=$(MICROKIT_SDK): no $(MK_BOARD_DIR)/{include,lib/libmicrokit.a} or $(MK_TOOL): not an unpacked SDK with board $(MICROKIT_BOARD), config $(MICROKIT_CONFIG)"; exit 1; }
	@echo "Microkit SDK $$(cat $(MICROKIT_SDK)/VERSION 2>/dev/null) at $(MICROKIT_SDK): $(MICROKIT_BOARD) $(MICROKIT_CONFIG), TOOLCHAIN=$(TOOLCHAIN)"

microkit: deps microkit-sdk-check
	@test -n "$(filter $(EXAMPLE),$(MK_EXAMPLES))" || { echo "make microkit: no example '$(EXAMPLE)'; the examples are: $(MK_EXAMPLES)"; exit 1; }
	@$(MAKE) --no-print-directory $(call mk_image,$(EXAMPLE))
	@echo "Boot it (QEMU's virtio-gpu in virt's last virtio-mmio slot, as $(EXAMPLE).system expects):"
	@echo "  $(QEMU_SYSTEM) -machine virt,virtualization=on -cpu cortex-a53 -m size=2G -nic none -serial mon:stdio \\"
	@echo "    -global virtio-mmio.force-legacy=false -device virtio-gpu-device$(if $(EX_GPU.$(EXAMPLE)),$(MK_COMMA)$(EX_GPU.$(EXAMPLE))) \\"
	@echo "    -device loader,file=$(call mk_image,$(EXAMPLE)),addr=0x70000000,cpu-num=0"
	@echo "or: make microkit-run EXAMPLE=$(EXAMPLE) MICROKIT_SDK=$(MICROKIT_SDK)"

microkit-all: deps microkit-sdk-check
	@$(MAKE) --no-print-directory $(foreach ex,$(MK_EXAMPLES),$(call mk_image,$(ex)))

microkit-run: microkit
	tests/qemu/qemu-run.sh -i -g '$(EX_GPU.$(EXAMPLE))' $(call mk_image,$(EXAMPLE))
endif
