# Queue benchmark: `make bench` (target bench-queue) prints the ping-pong round
# trip between two pinned threads, two-thread throughput and one-thread cost
# per entry for batch sizes 1, 16 and 256; bench/queue/README.md says how to
# read them. The check queue-bench-smoke runs it briefly, pinned and then on
# one CPU (the visible "not pinned" fallback), so that both paths keep working.
QUEUE_BENCH := $(BUILD)/bench/queue_bench
QUEUE_BENCH_ONE_CPU_OUT := $(BUILD)/bench/queue_bench-one-cpu.out

$(QUEUE_BENCH): bench/queue/queue_bench.c $(ALL_HEADERS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ bench/queue/queue_bench.c -lpthread

ALL_TARGETS += $(QUEUE_BENCH)
BENCH_TARGETS += bench-queue

.PHONY: bench-queue
bench-queue: $(QUEUE_BENCH)
	@$(QUEUE_BENCH)

$(eval $(call add_check,queue-bench-smoke,$(QUEUE_BENCH),$(QUEUE_BENCH) --quick && $(QUEUE_BENCH) --quick --one-cpu >$(QUEUE_BENCH_ONE_CPU_OUT) && cat $(QUEUE_BENCH_ONE_CPU_OUT) && grep -q threads.not.pinned $(QUEUE_BENCH_ONE_CPU_OUT)))
