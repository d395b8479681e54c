# Driver instructions per request under callgrind (make bench).
# drivers/ is read after bench/, so $(GPU_DRIVER_CORE_SRCS) is still empty here: depend on the
# driver directory's sources instead, or an edited driver leaves a stale binary behind.
$(BUILD)/bench/bench_driver: bench/driver/bench_driver.c tests/support/fake_transport.c $(wildcard drivers/gpu/virtio/*.c) $(ALL_HEADERS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -I$(GPU_DRIVER_DIR) -Itests/support -o $@ bench/driver/bench_driver.c tests/support/fake_transport.c \
		$(GPU_DRIVER_CORE_SRCS)

.PHONY: bench-driver
bench-driver: $(BUILD)/bench/bench_driver
	@bench/driver/run.sh $(BUILD)/bench/bench_driver $(BUILD)/bench/driver
BENCH_TARGETS += bench-driver
# Keeps the bench working in make test (it aborts if any answer is not OK or one is missing).
$(eval $(call add_check,driver-bench-smoke,$(BUILD)/bench/bench_driver,$(BUILD)/bench/bench_driver 50 2))
