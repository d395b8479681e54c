# End-to-end checks of the qemu platform, and the tools later e2e tests use:
#   tests/qemu/qemu-run.sh   boot an image headless, follow the console, take screendumps
#   $(QEMU_QMP)              send one QMP command (C11)
#   $(QEMU_IMGCMP)           compare two images exactly, write a diff (C11, stb)
DEPS += qemu-system-arm gcc-aarch64-linux-gnu

QEMU_QMP := $(BUILD)/tests/qemu/qmp
QEMU_IMGCMP := $(BUILD)/tests/qemu/imgcmp
QEMU_STB_LIB := /usr/lib/$(shell $(CC) -print-multiarch 2>/dev/null)/libstb.a

$(QEMU_QMP): tests/qemu/tools/qmp.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $<

$(QEMU_IMGCMP): tests/qemu/tools/imgcmp.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $< $(QEMU_STB_LIB) -lm

ALL_TARGETS += $(QEMU_QMP) $(QEMU_IMGCMP)

$(eval $(call add_check,qemu-ping,$(BUILD)/qemu/ping.elf $(SDFGEN) tests/qemu/ping.sh tests/qemu/qemu-run.sh,\
	tests/qemu/ping.sh $(BUILD)/qemu/ping.elf $(SDFGEN) platform/qemu/examples/ping/ping.system $(BUILD)/qemu/run/ping))

$(eval $(call add_check,qemu-virtio-probe,$(BUILD)/qemu/virtio-probe.elf $(QEMU_QMP) tests/qemu/virtio-probe.sh tests/qemu/qemu-run.sh,\
	QMP=$(QEMU_QMP) tests/qemu/virtio-probe.sh $(BUILD)/qemu/virtio-probe.elf $(BUILD)/qemu/run/virtio-probe))

$(eval $(call add_check,qemu-imgcmp,$(QEMU_IMGCMP) tests/qemu/imgcmp-test.sh,tests/qemu/imgcmp-test.sh $(QEMU_IMGCMP) $(BUILD)/qemu/run/imgcmp))

$(eval $(call add_check,qemu-selftest,$(BUILD)/qemu/selftest.elf tests/qemu/selftest.sh tests/qemu/qemu-run.sh,\
	tests/qemu/selftest.sh $(BUILD)/qemu/selftest.elf $(BUILD)/qemu/run/selftest))

# The runtime's delivery rules on the host, against a fake GIC (cmocka; qemu-sched and qemu-sched-asan).
$(eval $(call unit_test,qemu-sched,tests/qemu/test_sched.c,-Iplatform/qemu/include -Iplatform/qemu/src))
# test_sched.c includes the runtime's sched.c: rebuild when it changes.
$(BUILD)/bin/qemu-sched $(BUILD)/asan/qemu-sched: platform/qemu/src/sched.c
