# Queue benchmark: `make bench` prints two-thread throughput and one-thread cost
# per entry for batch sizes 1, 16 and 256 (bench-queue). The check
# queue-bench-smoke runs it briefly so that it keeps building and working.
QUEUE_BENCH := $(BUILD)/bench/queue_bench

$(QUEUE_BENCH): bench/queue/queue_bench.c $(ALL_HEADERS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ bench/queue/queue_bench.c -lpthread

ALL_TARGETS += $(QUEUE_BENCH)
BENCH_TARGETS += bench-queue

.PHONY: bench-queue
bench-queue: $(QUEUE_BENCH)
	@$(QUEUE_BENCH)

$(eval $(call add_check,queue-bench-smoke,$(QUEUE_BENCH),$(QUEUE_BENCH) --quick))
