# End-to-end checks of the qemu platform, and the tools later e2e tests use:
#   tests/qemu/qemu-run.sh   boot an image headless, follow the console, take screendumps
#   $(QEMU_QMP)              send one QMP command (C11)
#   $(QEMU_IMGCMP)           compare two images exactly, write a diff (C11, stb)
#   $(QEMU_E2E_REPORT)       make e2e's visual report, $(BUILD)/e2e/index.html (C11, stb)
# chromium: the check qemu-e2e-report looks at that page in a real browser (headless, about 2 s).
DEPS += qemu-system-arm gcc-aarch64-linux-gnu chromium

QEMU_QMP := $(BUILD)/tests/qemu/qmp
QEMU_IMGCMP := $(BUILD)/tests/qemu/imgcmp
QEMU_STB_LIB := /usr/lib/$(shell $(CC) -print-multiarch 2>/dev/null)/libstb.a

$(QEMU_QMP): tests/qemu/tools/qmp.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $<

$(QEMU_IMGCMP): tests/qemu/tools/imgcmp.c tests/qemu/tools/diff_png.c tests/qemu/tools/diff_png.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ tests/qemu/tools/imgcmp.c tests/qemu/tools/diff_png.c $(QEMU_STB_LIB) -lm

QEMU_E2E_REPORT := $(BUILD)/tests/qemu/e2e-report
$(QEMU_E2E_REPORT): tests/qemu/tools/e2e_report.c tests/qemu/tools/diff_png.c tests/qemu/tools/diff_png.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ tests/qemu/tools/e2e_report.c tests/qemu/tools/diff_png.c $(QEMU_STB_LIB) -lm

# vnc_resize: a display change through QEMU's VNC server (RFB SetDesktopSize), for e2e-resize.
QEMU_VNC_RESIZE := $(BUILD)/tests/qemu/vnc_resize
$(QEMU_VNC_RESIZE): tests/qemu/tools/vnc_resize.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $<
ALL_TARGETS += $(QEMU_VNC_RESIZE)
# The tool against a scripted RFB server, malformed and hostile streams included (qemu-vnc-resize, -asan).
$(eval $(call unit_test,qemu-vnc-resize,tests/qemu/test_vnc_resize.c,-Itests/qemu))
$(BUILD)/bin/qemu-vnc-resize $(BUILD)/asan/qemu-vnc-resize: tests/qemu/tools/vnc_resize.c

QEMU_PNGTOOL := $(BUILD)/tests/qemu/pngtool
$(QEMU_PNGTOOL): tests/qemu/tools/pngtool.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $< $(QEMU_STB_LIB) -lm

ALL_TARGETS += $(QEMU_QMP) $(QEMU_IMGCMP) $(QEMU_E2E_REPORT) $(QEMU_PNGTOOL)

$(eval $(call add_check,qemu-ping,$(BUILD)/qemu/ping.elf $(SDFGEN) tests/qemu/ping.sh tests/qemu/qemu-run.sh,\
	tests/qemu/ping.sh $(BUILD)/qemu/ping.elf $(SDFGEN) platform/qemu/examples/ping/ping.system $(BUILD)/qemu/run/ping))

$(eval $(call add_check,qemu-virtio-probe,$(BUILD)/qemu/virtio-probe.elf $(QEMU_QMP) tests/qemu/virtio-probe.sh tests/qemu/qemu-run.sh,\
	QMP=$(QEMU_QMP) tests/qemu/virtio-probe.sh $(BUILD)/qemu/virtio-probe.elf $(BUILD)/qemu/run/virtio-probe))

$(eval $(call add_check,qemu-imgcmp,$(QEMU_IMGCMP) tests/qemu/imgcmp-test.sh,tests/qemu/imgcmp-test.sh $(QEMU_IMGCMP) $(BUILD)/qemu/run/imgcmp))

# make e2e's report on made-up records, its pictures checked in headless chromium; again with
# the report built under ASan+UBSan (qemu-e2e-report-asan).
$(eval $(call add_check,qemu-e2e-report,$(QEMU_E2E_REPORT) $(QEMU_IMGCMP) $(QEMU_PNGTOOL) tests/qemu/e2e-report-test.sh,\
	tests/qemu/e2e-report-test.sh $(QEMU_E2E_REPORT) $(QEMU_IMGCMP) $(QEMU_PNGTOOL) $(BUILD)/qemu/run/e2e-report))
$(BUILD)/asan/e2e-report: tests/qemu/tools/e2e_report.c tests/qemu/tools/diff_png.c tests/qemu/tools/diff_png.h
	@mkdir -p $(@D)
	$(CLANG) $(SAN_CFLAGS) -o $@ tests/qemu/tools/e2e_report.c tests/qemu/tools/diff_png.c $(QEMU_STB_LIB) -lm
$(eval $(call add_check,qemu-e2e-report-asan,$(BUILD)/asan/e2e-report $(QEMU_IMGCMP) $(QEMU_PNGTOOL) tests/qemu/e2e-report-test.sh,\
	tests/qemu/e2e-report-test.sh $(BUILD)/asan/e2e-report $(QEMU_IMGCMP) $(QEMU_PNGTOOL) $(BUILD)/qemu/run/e2e-report-asan))

$(eval $(call add_check,qemu-selftest,$(BUILD)/qemu/selftest.elf tests/qemu/selftest.sh tests/qemu/qemu-run.sh,\
	tests/qemu/selftest.sh $(BUILD)/qemu/selftest.elf $(BUILD)/qemu/run/selftest))

# The runtime's delivery rules on the host, against a fake GIC (cmocka; qemu-sched and qemu-sched-asan).
$(eval $(call unit_test,qemu-sched,tests/qemu/test_sched.c,-Iplatform/qemu/include -Iplatform/qemu/src))
# test_sched.c includes the runtime's sched.c: rebuild when it changes.
$(BUILD)/bin/qemu-sched $(BUILD)/asan/qemu-sched: platform/qemu/src/sched.c

# End-to-end tests of the examples on QEMU's virtio-gpu-device (tests/qemu/README.md):
# exact screendump comparisons. `make e2e` runs just these.
QEMU_ANIMCHECK := $(BUILD)/tests/qemu/animcheck
$(QEMU_ANIMCHECK): tests/qemu/tools/animcheck.c tests/qemu/tools/diff_png.c examples/anim/anim.c lib/gpu_client/gpu_client.c lib/gpu_client/gpu_fb.c $(ALL_HEADERS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -Iexamples/anim -Ilib/gpu_client -o $@ tests/qemu/tools/animcheck.c tests/qemu/tools/diff_png.c \
		examples/anim/anim.c lib/gpu_client/gpu_client.c lib/gpu_client/gpu_fb.c $(QEMU_STB_LIB) -lm
ALL_TARGETS += $(QEMU_ANIMCHECK)

QEMU_E2E_SCRIPTS := tests/qemu/e2e-lib.sh tests/qemu/qemu-run.sh $(QEMU_QMP) $(QEMU_IMGCMP)
QEMU_E2E_ENV := QMP=$(QEMU_QMP) IMGCMP=$(QEMU_IMGCMP) EXPECT=$(EXAMPLE_EXPECT) ANIMCHECK=$(QEMU_ANIMCHECK)
$(eval $(call add_check,e2e-gpu,$(QEMU_OUT)/gpu.elf $(EXAMPLE_EXPECT) tests/qemu/e2e-gpu.sh $(QEMU_E2E_SCRIPTS),\
	$(QEMU_E2E_ENV) tests/qemu/e2e-gpu.sh $(QEMU_OUT)/gpu.elf $(BUILD)/gen/fb_img.path $(BUILD)/e2e/gpu))
$(eval $(call add_check,e2e-multi,$(QEMU_OUT)/multi.elf $(EXAMPLE_EXPECT) tests/qemu/e2e-multi.sh $(QEMU_E2E_SCRIPTS),\
	$(QEMU_E2E_ENV) tests/qemu/e2e-multi.sh $(QEMU_OUT)/multi.elf $(BUILD)/gen/fb_img.path $(BUILD)/e2e/multi))
$(eval $(call add_check,e2e-conform,$(QEMU_OUT)/conform.elf tests/qemu/e2e-conform.sh $(QEMU_E2E_SCRIPTS),\
	$(QEMU_E2E_ENV) tests/qemu/e2e-conform.sh $(QEMU_OUT)/conform.elf $(BUILD)/e2e/conform))
# Two PDs printing at once: every console line whole (tests/logmix).
$(eval $(call add_check,e2e-logmix,$(QEMU_OUT)/logmix.elf tests/qemu/e2e-logmix.sh $(QEMU_E2E_SCRIPTS),\
	$(QEMU_E2E_ENV) tests/qemu/e2e-logmix.sh $(QEMU_OUT)/logmix.elf $(BUILD)/e2e/logmix))
# A live display change through QEMU's VNC server (qemu-run.sh -r, resize: steps).
$(eval $(call add_check,e2e-resize,$(QEMU_OUT)/gpu.elf $(EXAMPLE_EXPECT) $(QEMU_VNC_RESIZE) tests/qemu/e2e-resize.sh \
	$(QEMU_E2E_SCRIPTS),$(QEMU_E2E_ENV) VNC_RESIZE=$(QEMU_VNC_RESIZE) tests/qemu/e2e-resize.sh $(QEMU_OUT)/gpu.elf \
	$(BUILD)/gen/fb_img.path $(BUILD)/e2e/resize))
$(eval $(call add_check,e2e-multi-resize,$(QEMU_OUT)/multi.elf $(EXAMPLE_EXPECT) $(QEMU_VNC_RESIZE) \
	tests/qemu/e2e-multi-resize.sh $(QEMU_E2E_SCRIPTS),$(QEMU_E2E_ENV) VNC_RESIZE=$(QEMU_VNC_RESIZE) \
	tests/qemu/e2e-multi-resize.sh $(QEMU_OUT)/multi.elf $(BUILD)/gen/fb_img.path $(BUILD)/e2e/multi-resize))
$(eval $(call add_check,e2e-anim,$(QEMU_OUT)/anim.elf $(QEMU_ANIMCHECK) tests/qemu/e2e-anim.sh $(QEMU_E2E_SCRIPTS),\
	$(QEMU_E2E_ENV) tests/qemu/e2e-anim.sh $(QEMU_OUT)/anim.elf $(BUILD)/e2e/anim))

.PHONY: e2e demo
# make e2e: the e2e-* checks alone, with the usual summary, then the states they skipped, then
# the visual report of this run's checks (records of earlier runs removed first), pass or fail.
E2E_REPORT_PAGE := $(BUILD)/e2e/index.html
e2e: $(QEMU_E2E_REPORT) | deps
	@mkdir -p $(BUILD)/e2e && rm -f $(BUILD)/e2e/*/report.tsv $(E2E_REPORT_PAGE)
	@$(MAKE) --no-print-directory test T='e2e-%'; rc=$$?; \
	  grep -h '^# SKIP' $(BUILD)/checks/e2e-*.log 2>/dev/null | sed 's/^# SKIP/e2e: SKIPPED/'; \
	  $(QEMU_E2E_REPORT) $(E2E_REPORT_PAGE) ../checks $$(ls $(BUILD)/e2e/*/report.tsv 2>/dev/null) && \
	  echo "e2e: visual report: $(abspath $(E2E_REPORT_PAGE))"; exit $$rc

# make demo: the GPU demo in a window, or headless with one PNG per state under $(BUILD)/demo/.
demo: deps $(QEMU_OUT)/gpu.elf $(QEMU_QMP)
	@QMP=$(QEMU_QMP) platform/qemu/demo.sh $(QEMU_OUT)/gpu.elf $(BUILD)/demo

# The same end-to-end checks on seL4, through the Microkit SDK (platform/microkit/module.mk): every
# example's loader image booted on QEMU and checked pixel for pixel, plus builds in the other
# toolchain and in the release config. Without MICROKIT_SDK, check `sel4` says what it skipped and why.
MK_OTHER_TOOLCHAIN := $(if $(filter clang,$(TOOLCHAIN)),aarch64-linux-gnu,clang)
SEL4_CHECKS := e2e-sel4-gpu e2e-sel4-multi e2e-sel4-anim e2e-sel4-restart e2e-sel4-conform e2e-sel4-logmix e2e-sel4-resize e2e-sel4-multi-resize microkit-build-release microkit-build-$(MK_OTHER_TOOLCHAIN)
ifneq ($(strip $(MICROKIT_SDK)),)
test: microkit-sdk-check
$(eval $(call add_check,e2e-sel4-gpu,$(call mk_image,gpu) $(EXAMPLE_EXPECT) tests/qemu/e2e-gpu.sh $(QEMU_E2E_SCRIPTS),\
	$(QEMU_E2E_ENV) tests/qemu/e2e-gpu.sh $(call mk_image,gpu) $(BUILD)/gen/fb_img.path $(BUILD)/e2e/sel4-gpu))
$(eval $(call add_check,e2e-sel4-multi,$(call mk_image,multi) $(EXAMPLE_EXPECT) tests/qemu/e2e-multi.sh $(QEMU_E2E_SCRIPTS),\
	$(QEMU_E2E_ENV) tests/qemu/e2e-multi.sh $(call mk_image,multi) $(BUILD)/gen/fb_img.path $(BUILD)/e2e/sel4-multi))
$(eval $(call add_check,e2e-sel4-anim,$(call mk_image,anim) $(QEMU_ANIMCHECK) tests/qemu/e2e-anim.sh $(QEMU_E2E_SCRIPTS),\
	$(QEMU_E2E_ENV) tests/qemu/e2e-anim.sh $(call mk_image,anim) $(BUILD)/e2e/sel4-anim))
$(eval $(call add_check,e2e-sel4-restart,$(call mk_image,restart) $(EXAMPLE_EXPECT) $(QEMU_VNC_RESIZE) tests/qemu/e2e-restart.sh $(QEMU_E2E_SCRIPTS),\
	$(QEMU_E2E_ENV) VNC_RESIZE=$(QEMU_VNC_RESIZE) tests/qemu/e2e-restart.sh $(call mk_image,restart) $(BUILD)/gen/fb_img.path $(BUILD)/e2e/sel4-restart))
$(eval $(call add_check,e2e-sel4-resize,$(call mk_image,gpu) $(EXAMPLE_EXPECT) $(QEMU_VNC_RESIZE) tests/qemu/e2e-resize.sh \
	$(QEMU_E2E_SCRIPTS),$(QEMU_E2E_ENV) VNC_RESIZE=$(QEMU_VNC_RESIZE) tests/qemu/e2e-resize.sh $(call mk_image,gpu) \
	$(BUILD)/gen/fb_img.path $(BUILD)/e2e/sel4-resize))
$(eval $(call add_check,e2e-sel4-multi-resize,$(call mk_image,multi) $(EXAMPLE_EXPECT) $(QEMU_VNC_RESIZE) \
	tests/qemu/e2e-multi-resize.sh $(QEMU_E2E_SCRIPTS),$(QEMU_E2E_ENV) VNC_RESIZE=$(QEMU_VNC_RESIZE) \
	tests/qemu/e2e-multi-resize.sh $(call mk_image,multi) $(BUILD)/gen/fb_img.path $(BUILD)/e2e/sel4-multi-resize))
$(eval $(call add_check,e2e-sel4-conform,$(call mk_image,conform) tests/qemu/e2e-conform.sh $(QEMU_E2E_SCRIPTS),\
	$(QEMU_E2E_ENV) tests/qemu/e2e-conform.sh $(call mk_image,conform) $(BUILD)/e2e/sel4-conform))
$(eval $(call add_check,e2e-sel4-logmix,$(call mk_image,logmix) tests/qemu/e2e-logmix.sh $(QEMU_E2E_SCRIPTS),\
	$(QEMU_E2E_ENV) tests/qemu/e2e-logmix.sh $(call mk_image,logmix) $(BUILD)/e2e/sel4-logmix))
MK_BUILD_PREREQS := $(SDFGEN) $(BUILD)/gen/demo_image.c platform/microkit/build-all.sh
$(eval $(call add_check,microkit-build-release,$(MK_BUILD_PREREQS),platform/microkit/build-all.sh $(MAKE) \
	$(BUILD)/microkit/$(MICROKIT_BOARD)-release-$(TOOLCHAIN) MICROKIT_CONFIG=release MICROKIT_SDK=$(MICROKIT_SDK) \
	-- $(MK_EXAMPLES)))
$(eval $(call add_check,microkit-build-$(MK_OTHER_TOOLCHAIN),$(MK_BUILD_PREREQS),platform/microkit/build-all.sh $(MAKE) \
	$(BUILD)/microkit/$(MICROKIT_BOARD)-$(MICROKIT_CONFIG)-$(MK_OTHER_TOOLCHAIN) TOOLCHAIN=$(MK_OTHER_TOOLCHAIN) \
	MICROKIT_SDK=$(MICROKIT_SDK) -- $(MK_EXAMPLES)))
else
$(eval $(call add_check,sel4,tests/qemu/sel4-skipped.sh,tests/qemu/sel4-skipped.sh $(SEL4_CHECKS)))
endif
