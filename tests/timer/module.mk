# The timer PD's core (drivers/timer/arm/gtimer.c) on the host (cmocka; timer-gtimer and
# timer-gtimer-asan): periods from CNTFRQ, drift-free deadlines, stalls, counter wrap.
$(eval $(call unit_test,timer-gtimer,tests/timer/test_gtimer.c $(TIMER_ARM_CORE_SRCS),$(TIMER_ARM_FLAGS)))
