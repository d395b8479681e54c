/*
 * The pure core of the timer PD (drivers/timer/arm): the arithmetic of a
 * periodic tick on the Arm generic timer, without any register access. The
 * glue (timer.c) reads the counter and CNTFRQ, passes the values in, and
 * writes back what gtimer_compare_value() returns.
 *
 * Counter values are free-running 64-bit numbers, compared modulo 2^64 (as
 * queue indices are): a deadline is "passed" when now - deadline, in
 * unsigned arithmetic, is below 2^63. Periods are therefore limited to
 * below 2^63 counter ticks.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

typedef enum {
    GTIMER_OK = 0,
    GTIMER_ERR_FREQUENCY, /* CNTFRQ is 0: the firmware did not program it */
    GTIMER_ERR_PERIOD,    /* the tick length is 0, rounds to 0 counter ticks, or is 2^63 ticks or more */
} gtimer_status_t;

typedef struct {
    uint64_t period;   /* counter ticks per tick, 0 < period < 2^63 */
    uint64_t deadline; /* the counter value of the next tick, modulo 2^64 */
} gtimer_t;

/* The period of a tick of `tick_ms` milliseconds at `freq_hz`, rounded down, into *period. */
gtimer_status_t gtimer_period(uint64_t freq_hz, uint32_t tick_ms, uint64_t *period);

/* Set up `t`: the first tick one period after `now`. On an error `t` is left untouched. */
gtimer_status_t gtimer_start(gtimer_t *t, uint64_t freq_hz, uint32_t tick_ms, uint64_t now);

/*
 * The timer interrupt came at counter value `now`. Returns true when the
 * deadline has passed: one tick is due, and the next deadline is set, one
 * period after the previous one (no drift), or one period after `now` when
 * the tick is a whole period or more late (a stall gives one tick, not a
 * burst). Returns false, changing nothing, when the deadline is still
 * ahead (an early interrupt, see gtimer_compare_value()).
 */
bool gtimer_expire(gtimer_t *t, uint64_t now);

/*
 * The value for the compare register (CNTP_CVAL) at counter value `now`.
 * The hardware compares counter >= compare without wrapping, so a deadline
 * that lies beyond the counter's wrap (numerically below `now`) cannot be
 * programmed: until the counter wraps, this returns UINT64_MAX, and the
 * early interrupt it gives is refused by gtimer_expire(). A deadline that
 * has passed gives `now`, which fires at once.
 */
uint64_t gtimer_compare_value(const gtimer_t *t, uint64_t now);

/* A short description of a status, for log lines. */
const char *gtimer_status_str(gtimer_status_t status);
