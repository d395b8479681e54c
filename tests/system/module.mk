# Whole-stack tests: client library + example cores + virtualiser core +
# driver core (virtio-mmio) + device model in one process (cmocka, plain and
# ASan/UBSan). The variables of devices/, drivers/ and gpu/ are set by their
# module.mk files, which are read before this one; lib/, examples/ and tools/
# sources are named literally.
SYSTEM_TEST_SRCS := tests/system/test_system.c tests/system/system_rig.c tests/system/system_expect.c \
	tests/system/system_wire.c tests/support/vgpu_harness.c tests/support/vh_req.c tests/support/vh_log.c \
	$(GPU_DRIVER_CORE_SRCS) $(VGPU_MODEL_SRCS) $(VIRT_CORE_SRC) \
	lib/gpu_client/gpu_client.c lib/gpu_client/gpu_fb.c \
	examples/gpu/gpu_demo.c examples/gpu/gpu_demo_cursor.c examples/multi/multi_client.c examples/anim/anim.c $(BUILD)/gen/demo_image.c
SYSTEM_TEST_FLAGS := -Itests/system -Itests/support -I$(GPU_DRIVER_DIR) -I$(VGPU_MODEL_DIR) -Igpu/components/virt \
	-Ilib/gpu_client -Itools/img2c -Iexamples/gpu -Iexamples/multi -Iexamples/anim

$(eval $(call unit_test,system,$(SYSTEM_TEST_SRCS),$(SYSTEM_TEST_FLAGS)))
# The cursor between two clients, on the model's composed display (no example core).
SYSTEM_CURSOR_SRCS := $(filter-out tests/system/test_system.c,$(SYSTEM_TEST_SRCS)) tests/system/test_system_cursor.c
$(eval $(call unit_test,system-cursor,$(SYSTEM_CURSOR_SRCS),$(SYSTEM_TEST_FLAGS)))

# Tear-free presents: the double-buffered animation under a slow, reordering device; no write into what is shown.
SYSTEM_PRESENT_SRCS := $(filter-out tests/system/test_system.c,$(SYSTEM_TEST_SRCS)) tests/system/test_present.c
$(eval $(call unit_test,system-present,$(SYSTEM_PRESENT_SRCS),$(SYSTEM_TEST_FLAGS)))

# make bench: frames per second of the animation through the whole in-process stack.
SYSTEM_BENCH_SRCS := $(filter-out tests/system/test_system.c,$(SYSTEM_TEST_SRCS)) tests/system/bench_anim.c
$(BUILD)/bin/bench-anim: $(SYSTEM_BENCH_SRCS) $(ALL_HEADERS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(SYSTEM_TEST_FLAGS) -o $@ $(SYSTEM_BENCH_SRCS) -lm
.PHONY: bench-anim
bench-anim: $(BUILD)/bin/bench-anim
	@VH_QUIET=1 $(BUILD)/bin/bench-anim
BENCH_TARGETS += bench-anim
ALL_TARGETS += $(BUILD)/bin/bench-anim

# make bench: one present through the whole in-process stack at 1920x1080 (full frame and 64x64 damage, 2D and
# blob) against one memcpy of the frame in the same run; present-bench-smoke keeps it building and working.
PRESENT_BENCH_SRCS := $(filter-out tests/system/test_system.c,$(SYSTEM_TEST_SRCS)) tests/system/bench_present.c
$(BUILD)/bin/bench-present: $(PRESENT_BENCH_SRCS) $(ALL_HEADERS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(SYSTEM_TEST_FLAGS) -o $@ $(PRESENT_BENCH_SRCS) -lm
.PHONY: bench-present
bench-present: $(BUILD)/bin/bench-present
	@VH_QUIET=1 $(BUILD)/bin/bench-present
BENCH_TARGETS += bench-present
ALL_TARGETS += $(BUILD)/bin/bench-present
$(eval $(call add_check,present-bench-smoke,$(BUILD)/bin/bench-present,VH_QUIET=1 $(BUILD)/bin/bench-present --quick))

# Live resize through the whole stack (test_resize.c): the examples' framebuffers re-created at each new size.
SYSTEM_RESIZE_SRCS := $(filter-out tests/system/test_system.c,$(SYSTEM_TEST_SRCS)) tests/system/test_resize.c
$(eval $(call unit_test,system-resize,$(SYSTEM_RESIZE_SRCS),$(SYSTEM_TEST_FLAGS)))
