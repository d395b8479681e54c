# Timer PD on the Arm generic timer's EL1 physical timer (README.md): a pure core
# (gtimer.c, linked by the host tests in tests/timer) and the glue (timer.c, init()
# and notified(), system registers). Platforms build a PD from $(TIMER_ARM_SRCS)
# with $(TIMER_ARM_FLAGS) (examples/pds.mk, platform/qemu/module.mk).
TIMER_ARM_DIR := drivers/timer/arm
TIMER_ARM_CORE_SRCS := $(TIMER_ARM_DIR)/gtimer.c
TIMER_ARM_GLUE_SRCS := $(TIMER_ARM_DIR)/timer.c
TIMER_ARM_SRCS := $(TIMER_ARM_GLUE_SRCS) $(TIMER_ARM_CORE_SRCS)
TIMER_ARM_FLAGS := -I$(TIMER_ARM_DIR)

# The qemu images build the glue with gcc at EL1; here it is compiled (not linked) with clang
# for aarch64, the Microkit default toolchain, against the gpu example's Microkit header, so
# that the EL0 build cannot rot while no Microkit SDK is at hand. SDFGEN: tools/sdfgen/module.mk.
SDFGEN ?= $(BUILD)/tools/sdfgen
TIMER_ARM_CHECK_OUT := $(BUILD)/obj/timer-arm
$(TIMER_ARM_CHECK_OUT)/sdf_config.h: examples/gpu/gpu.system $(SDFGEN)
	@mkdir -p $(@D)
	$(SDFGEN) -o $@ examples/gpu/gpu.system header timer microkit
$(TIMER_ARM_CHECK_OUT)/%.o: $(TIMER_ARM_DIR)/%.c $(TIMER_ARM_CHECK_OUT)/sdf_config.h $(ALL_HEADERS)
	$(CLANG) --target=aarch64-none-elf -std=c11 -O2 $(WARNINGS) -ffreestanding -nostdinc \
		-isystem $$($(CLANG) -print-resource-dir)/include -isystem $(PLATFORM_LIBC_INCLUDE) -Iinclude \
		$(TIMER_ARM_FLAGS) -I$(TIMER_ARM_CHECK_OUT) -c $< -o $@
$(eval $(call add_check,timer-arm-glue-clang,$(TIMER_ARM_SRCS:$(TIMER_ARM_DIR)/%.c=$(TIMER_ARM_CHECK_OUT)/%.o),true))
