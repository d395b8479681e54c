# Virtualiser figures for `make bench`, built for 4 clients with 256
# resources each: instructions per forwarded request (callgrind, counting
# only inside the core's entry points, counters zeroed after set-up, so one
# run each) for 1 and for 4 clients; native nanoseconds per request (median
# of several runs, min..max); the static state size. virt-bench-smoke keeps
# the program building and correct in `make test`.
include gpu/components/virt/sources.mk
BENCH_VIRT_BIN := $(BUILD)/bench/bench_virt
BENCH_VIRT_FLAGS := -Igpu/components/virt -DGPU_VIRT_MAX_CLIENTS=4 -DGPU_VIRT_MAX_RESOURCES_PER_CLIENT=256
BENCH_VIRT_CG := valgrind --tool=callgrind --toggle-collect=gpu_virt_handle_client --toggle-collect=gpu_virt_handle_driver
BENCH_VIRT_ROUNDS := 2000

$(BENCH_VIRT_BIN): bench/virt/bench_virt.c $(VIRT_CORE_SRC) $(ALL_HEADERS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(BENCH_VIRT_FLAGS) -o $@ bench/virt/bench_virt.c $(VIRT_CORE_SRC)

$(eval $(call add_check,virt-bench-smoke,$(BENCH_VIRT_BIN),$(BENCH_VIRT_BIN) 100 && $(BENCH_VIRT_BIN) --clients 1 100))

# $(call bench_virt_instr,CLIENTS,LABEL): one callgrind run, instructions / requests forwarded.
define bench_virt_instr
	$(BENCH_VIRT_CG) --callgrind-out-file=$$d/virt-$(1).cg $(BENCH_VIRT_BIN) --clients $(1) $(BENCH_VIRT_ROUNDS) \
	    >$$d/virt-$(1).out 2>$$d/virt-$(1).log; \
	i=$$(sed -n 's/^summary: *//p' $$d/virt-$(1).cg); n=$$(cat $$d/virt-$(1).out); \
	echo "bench-virt: $$(( (i + n / 2) / n )) instructions per forwarded request (TRANSFER_TO_2D + RESOURCE_FLUSH, $(2), through gpu_virt_handle_client/_driver)";
endef

BENCH_TARGETS += bench-virt
.PHONY: bench-virt
bench-virt: $(BENCH_VIRT_BIN)
	@echo "bench-virt: static state, 4 clients x 256 resources: $$($(BENCH_VIRT_BIN) --footprint) bytes"
	@set -e; d=$(BUILD)/bench; \
	$(call bench_virt_instr,1,1 client) \
	$(call bench_virt_instr,4,4 clients) \
	$(BENCH_VIRT_BIN) --time --clients 1 20000; \
	$(BENCH_VIRT_BIN) --time --clients 4 5000
