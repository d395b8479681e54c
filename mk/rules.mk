# Helpers for module.mk files. Arguments must not contain commas or single quotes.

# Every header in the tree: a coarse but safe dependency for every binary.
ALL_HEADERS := $(shell find . -name '*.h' -not -path './build*' -not -path './.git/*')

# $(call add_check,NAME,PREREQUISITES,COMMAND)
# Registers a check of `make test`: COMMAND runs after PREREQUISITES are built;
# its output goes to $(BUILD)/checks/NAME.log. See tools/run-check.sh for how
# tests are counted.
define add_check
CHECKS += $(1)
CHECK_CMD.$(1) := $(3)
$(BUILD)/checks/$(1).result: $(2) FORCE | deps
	@tools/run-check.sh $(1) $(BUILD)/checks '$$(CHECK_CMD.$(1))'
endef

# $(call unit_test,NAME,SOURCES,EXTRA_FLAGS)
# A cmocka test program, built twice: with $(CC) as is and with clang under
# ASan+UBSan. Registers the checks NAME and NAME-asan.
define unit_test
$(BUILD)/bin/$(1): $(2) $(ALL_HEADERS)
	@mkdir -p $$(@D)
	$$(CC) $$(CFLAGS) $(3) -o $$@ $(2) -lcmocka -lpthread -lm
$(BUILD)/asan/$(1): $(2) $(ALL_HEADERS)
	@mkdir -p $$(@D)
	$$(CLANG) $$(SAN_CFLAGS) $(3) -o $$@ $(2) -lcmocka -lpthread -lm
ALL_TARGETS += $(BUILD)/bin/$(1)
$(call add_check,$(1),$(BUILD)/bin/$(1),CMOCKA_MESSAGE_OUTPUT=TAP $(BUILD)/bin/$(1))
$(call add_check,$(1)-asan,$(BUILD)/asan/$(1),CMOCKA_MESSAGE_OUTPUT=TAP $(BUILD)/asan/$(1))
endef

# $(call fuzz_target,NAME,SOURCES,EXTRA_FLAGS)
# A libFuzzer target (clang, ASan+UBSan). `make test` runs it for
# $(FUZZ_SECONDS) seconds as check fuzz-NAME; `make fuzz` for $(FUZZ_LONG).
# Seeds, if any, live in fuzz/corpus/NAME.
define fuzz_target
$(BUILD)/fuzz/$(1): $(2) $(ALL_HEADERS)
	@mkdir -p $$(@D) $(BUILD)/corpus/$(1)
	$$(CLANG) $$(FUZZ_CFLAGS) $(3) -o $$@ $(2) -lm
FUZZ_BINS += $(BUILD)/fuzz/$(1)
$(call add_check,fuzz-$(1),$(BUILD)/fuzz/$(1),mkdir -p $(BUILD)/corpus/$(1) && $(BUILD)/fuzz/$(1) -artifact_prefix=$(BUILD)/fuzz/$(1)- -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 $(BUILD)/corpus/$(1) $(wildcard fuzz/corpus/$(1)))
endef
