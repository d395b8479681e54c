# Driver instructions per request under callgrind (make bench).
$(BUILD)/bench/bench_driver: bench/driver/bench_driver.c tests/support/fake_transport.c $(GPU_DRIVER_CORE_SRCS) $(ALL_HEADERS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -I$(GPU_DRIVER_DIR) -Itests/support -o $@ bench/driver/bench_driver.c tests/support/fake_transport.c \
		$(GPU_DRIVER_CORE_SRCS)

.PHONY: bench-driver
bench-driver: $(BUILD)/bench/bench_driver
	@bench/driver/run.sh $(BUILD)/bench/bench_driver $(BUILD)/bench/driver
BENCH_TARGETS += bench-driver
# Keeps the bench working in make test (it aborts if any answer is not OK or one is missing).
$(eval $(call add_check,driver-bench-smoke,$(BUILD)/bench/bench_driver,$(BUILD)/bench/bench_driver 50 2))
