/*
 * The tick arithmetic of the timer PD; see gtimer.h. No platform header:
 * host tests link this file directly (tests/timer).
 */
#include "gtimer.h"

#define GTIMER_HALF (UINT64_C(1) << 63) /* differences below this are "not before" */
#define MS_PER_S    1000u

/* freq * ms / 1000 as q * ms + r * ms / 1000 (q, r: freq divided by 1000), refused from 2^63 on. */
gtimer_status_t gtimer_period(uint64_t freq_hz, uint32_t tick_ms, uint64_t *period)
{
    if (freq_hz == 0) {
        return GTIMER_ERR_FREQUENCY;
    }
    if (tick_ms == 0) {
        return GTIMER_ERR_PERIOD;
    }
    uint64_t q = freq_hz / MS_PER_S;
    uint64_t r = freq_hz % MS_PER_S;
    if (q > (GTIMER_HALF - 1) / tick_ms) {
        return GTIMER_ERR_PERIOD;
    }
    uint64_t whole = q * tick_ms;
    uint64_t part = r * tick_ms / MS_PER_S; /* r < 1000, tick_ms < 2^32: no overflow */
    if (part >= GTIMER_HALF - whole || whole + part == 0) {
        return GTIMER_ERR_PERIOD;
    }
    *period = whole + part;
    return GTIMER_OK;
}

gtimer_status_t gtimer_start(gtimer_t *t, uint64_t freq_hz, uint32_t tick_ms, uint64_t now)
{
    uint64_t period;
    gtimer_status_t status = gtimer_period(freq_hz, tick_ms, &period);
    if (status != GTIMER_OK) {
        return status;
    }
    t->period = period;
    t->deadline = now + period; /* modulo 2^64 */
    return GTIMER_OK;
}

bool gtimer_expire(gtimer_t *t, uint64_t now)
{
    uint64_t late = now - t->deadline;
    if (late >= GTIMER_HALF) {
        return false; /* now is before the deadline */
    }
    if (late >= t->period) {
        t->deadline = now + t->period; /* stalled: restart from now */
    } else {
        t->deadline += t->period; /* still ahead of now: late < period */
    }
    return true;
}

uint64_t gtimer_compare_value(const gtimer_t *t, uint64_t now)
{
    if (t->deadline - now >= GTIMER_HALF) {
        return now; /* passed: fire at once (expire() never leaves this state) */
    }
    if (t->deadline < now) {
        return UINT64_MAX; /* ahead only modulo 2^64: beyond the counter's wrap */
    }
    return t->deadline;
}

const char *gtimer_status_str(gtimer_status_t status)
{
    switch (status) {
    case GTIMER_OK:
        return "ok";
    case GTIMER_ERR_FREQUENCY:
        return "counter frequency (CNTFRQ) is 0";
    case GTIMER_ERR_PERIOD:
        return "tick length gives no usable period";
    }
    return "unknown status";
}
