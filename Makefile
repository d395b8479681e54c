# sddf-gpu top-level build.
#
#   make test      every test (unit, sanitizers, TSan stress, model check, fuzz smoke, format)
#   make bench     performance figures
#   make fuzz      every fuzz target for FUZZ_LONG seconds each
#   make qemu EXAMPLE=gpu   an example (gpu, multi, anim) on QEMU: a window, or the console
#   make demo      the GPU demo on QEMU; headless, one PNG per state under build/demo/
#   make e2e       the examples on QEMU, screendumps compared exactly with the expected pictures
#                  (qemu: platform/qemu/module.mk; demo, e2e: tests/qemu/module.mk)
#   make fresh-check   make test and make demo in a freshly bootstrapped Debian root (tools/fresh-check.sh)
#   make clean
#
# Components add themselves through a module.mk in their own directory; the
# helpers they use (add_check, unit_test, fuzz_target) live in mk/rules.mk.
# `make test T='queue%'` runs only the checks whose names match the pattern.

BUILD ?= build
CLANG ?= clang
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
FUZZ_SECONDS ?= 30
FUZZ_LONG ?= 600

WARNINGS := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wvla
BASE_CFLAGS := -std=c11 -D_DEFAULT_SOURCE -g $(WARNINGS) -Iinclude
CFLAGS := -O2 $(BASE_CFLAGS)
SAN_CFLAGS := -O1 $(BASE_CFLAGS) -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
TSAN_CFLAGS := -O1 $(BASE_CFLAGS) -fsanitize=thread
FUZZ_CFLAGS := -O1 $(BASE_CFLAGS) -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all

# Debian packages every target needs; modules append their own.
DEPS := gcc make clang lld libclang-rt-14-dev clang-format valgrind libcmocka-dev spin libstb-dev

SHELL := /bin/sh
.DEFAULT_GOAL := all
.PHONY: all test checks bench fuzz clean deps format fresh-check FORCE

include mk/rules.mk
MODULES := $(sort $(shell find . -name module.mk -not -path './build*' -not -path './.git/*'))
include $(MODULES)
include mk/format.mk

SELECTED_CHECKS := $(if $(T),$(filter $(T),$(CHECKS)),$(CHECKS))

all: deps $(ALL_TARGETS)

deps:
	@tools/deps.sh $(sort $(DEPS))

test: deps
	@rm -rf $(BUILD)/checks
	@$(MAKE) --no-print-directory -j$(JOBS) checks
	@tools/test-summary.sh $(BUILD)/checks $(SELECTED_CHECKS)

checks: $(SELECTED_CHECKS:%=$(BUILD)/checks/%.result)

bench: deps
	@$(MAKE) --no-print-directory -j1 $(BENCH_TARGETS)

fuzz: deps $(FUZZ_BINS)
	@for f in $(FUZZ_BINS); do \
	    name=$$(basename $$f); mkdir -p $(BUILD)/corpus/$$name; \
	    echo "fuzz: $$name for $(FUZZ_LONG)s"; \
	    $$f -artifact_prefix=$$f- -max_total_time=$(FUZZ_LONG) -print_final_stats=1 $(BUILD)/corpus/$$name $$(ls -d fuzz/corpus/$$name 2>/dev/null) || exit 1; \
	done

# Needs root; the bare root it starts from is cached outside the clone (FRESH_CACHE, FRESH_REFRESH=1).
fresh-check:
	@tools/deps.sh debootstrap
	@MICROKIT_SDK='$(MICROKIT_SDK)' tools/fresh-check.sh $(BUILD)/fresh

clean:
	rm -rf $(BUILD)

FORCE:
