# Virtualiser figures for `make bench`: instructions per forwarded request
# (callgrind, counting only inside the core's entry points; two runs of
# different length, so set-up cost cancels) and the static state size, both
# for 4 clients with 256 resources each. virt-bench-smoke keeps the program
# building and correct in `make test`.
BENCH_VIRT_BIN := $(BUILD)/bench/bench_virt
BENCH_VIRT_FLAGS := -Igpu/components/virt -DGPU_VIRT_MAX_CLIENTS=4 -DGPU_VIRT_MAX_RESOURCES_PER_CLIENT=256
BENCH_VIRT_CG := valgrind --tool=callgrind --toggle-collect=gpu_virt_handle_client --toggle-collect=gpu_virt_handle_driver

$(BENCH_VIRT_BIN): bench/virt/bench_virt.c gpu/components/virt/gpu_virt.c $(ALL_HEADERS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(BENCH_VIRT_FLAGS) -o $@ bench/virt/bench_virt.c gpu/components/virt/gpu_virt.c

$(eval $(call add_check,virt-bench-smoke,$(BENCH_VIRT_BIN),$(BENCH_VIRT_BIN) 100))

BENCH_TARGETS += bench-virt
.PHONY: bench-virt
bench-virt: $(BENCH_VIRT_BIN)
	@echo "bench-virt: static state, 4 clients x 256 resources: $$($(BENCH_VIRT_BIN) --footprint) bytes"
	@set -e; d=$(BUILD)/bench; \
	$(BENCH_VIRT_CG) --callgrind-out-file=$$d/virt-short.cg $(BENCH_VIRT_BIN) 1000 >$$d/virt-short.out 2>$$d/virt-short.log; \
	$(BENCH_VIRT_CG) --callgrind-out-file=$$d/virt-long.cg $(BENCH_VIRT_BIN) 3000 >$$d/virt-long.out 2>$$d/virt-long.log; \
	a=$$(sed -n 's/^summary: *//p' $$d/virt-short.cg); b=$$(sed -n 's/^summary: *//p' $$d/virt-long.cg); \
	fa=$$(cat $$d/virt-short.out); fb=$$(cat $$d/virt-long.out); \
	echo "bench-virt: $$(( (b - a) / (fb - fa) )) instructions per forwarded request (TRANSFER_TO_2D + RESOURCE_FLUSH, 4 clients, through gpu_virt_handle_client/_driver)"
