/*
 * The EL1 virtual timer (PPI 27) as a one-second tick. Each tick sets the
 * next deadline one period after the previous one, so ticks do not drift;
 * after a long stall it restarts from now rather than firing a burst.
 */
#include "runtime.h"

#ifndef QEMU_TICK_MS
#define QEMU_TICK_MS 1000u
#endif

#define CNTV_CTL_ENABLE 1u

static uint64_t period;

static uint64_t counter(void)
{
    uint64_t v;
    __asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(v));
    return v;
}

static uint64_t frequency(void)
{
    uint64_t f;
    __asm__ volatile("mrs %0, cntfrq_el0" : "=r"(f));
    return f;
}

static void set_deadline(uint64_t cval)
{
    __asm__ volatile("msr cntv_cval_el0, %0; isb" ::"r"(cval));
}

void qemu_timer_start(void)
{
    period = frequency() * QEMU_TICK_MS / 1000u;
    set_deadline(counter() + period);
    __asm__ volatile("msr cntv_ctl_el0, %0; isb" ::"r"((uint64_t)CNTV_CTL_ENABLE));
    qemu_gic_configure(QEMU_VTIMER_INTID, 0);
    qemu_gic_enable(QEMU_VTIMER_INTID);
}

void qemu_timer_rearm(void)
{
    uint64_t cval;
    __asm__ volatile("mrs %0, cntv_cval_el0" : "=r"(cval));
    uint64_t now = counter();
    cval += period;
    if (cval <= now) {
        cval = now + period;
    }
    set_deadline(cval);
}

uint64_t qemu_timer_now_ns(void)
{
    uint64_t f = frequency();
    uint64_t c = counter();
    return c / f * 1000000000ull + c % f * 1000000000ull / f;
}
