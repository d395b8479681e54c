# Two-thread stress test of the SPSC queues and their notification handshake:
# built with ThreadSanitizer (queue-stress-tsan) and plainly at -O2 (queue-stress).
QUEUE_STRESS_SRC := tests/stress/queue_stress.c

$(BUILD)/tsan/queue_stress: $(QUEUE_STRESS_SRC) $(ALL_HEADERS)
	@mkdir -p $(@D)
	$(CLANG) $(TSAN_CFLAGS) -o $@ $(QUEUE_STRESS_SRC) -lpthread

$(BUILD)/bin/queue_stress: $(QUEUE_STRESS_SRC) $(ALL_HEADERS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $(QUEUE_STRESS_SRC) -lpthread

ALL_TARGETS += $(BUILD)/tsan/queue_stress $(BUILD)/bin/queue_stress

$(eval $(call add_check,queue-stress-tsan,$(BUILD)/tsan/queue_stress,TSAN_OPTIONS=halt_on_error=1:exitcode=66 $(BUILD)/tsan/queue_stress -n 10000000))
$(eval $(call add_check,queue-stress,$(BUILD)/bin/queue_stress,$(BUILD)/bin/queue_stress -n 10000000))
