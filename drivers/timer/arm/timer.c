/*
 * Glue of the timer PD: the Arm generic timer's EL1 physical timer (CNTP_*,
 * GIC INTID 30, level-triggered) as a periodic tick. The same source runs
 * at EL0 on seL4 (CONFIG_EXPORT_PCNT_USER, CONFIG_EXPORT_PTMR_USER) and at
 * EL1 on the qemu runtime. On each tick it notifies every channel of the PD
 * (sdf_config.h's SDF_CHANNEL_MASK, irqs excluded) once. The arithmetic is
 * in gtimer.c; this file only touches the system registers.
 */
#include <stdbool.h>
#include <stdint.h>

#include <sddf/os.h>

#include "gtimer.h"
#include "sdf_config.h"

#define SDDF_LOG_COMPONENT "TIMER"
#include <sddf/log.h>

#ifndef TIMER_TICK_MS
#define TIMER_TICK_MS 1000u /* the contract: one tick a second (docs/system-description.md) */
#endif

#ifndef SDF_IRQ_30
#error "the timer PD needs <irq irq=\"30\" id=\"...\" trigger=\"level\"/> (EL1 physical timer) in its description"
#endif
#define TIMER_IRQ_CH SDF_IRQ_30

_Static_assert((SDF_CHANNEL_MASK & (UINT64_C(1) << TIMER_IRQ_CH)) == 0, "SDF_CHANNEL_MASK must exclude the irq");

#define CNTP_CTL_ENABLE 1u /* IMASK (bit 1) clear: the interrupt is signalled */
#define MAX_CHANNELS    64u

static gtimer_t timer;
static bool running;

/* The isb keeps the read from being taken early, before the instructions that precede it. */
static uint64_t counter_read(void)
{
    uint64_t v;
    __asm__ volatile("isb; mrs %0, cntpct_el0" : "=r"(v)::"memory");
    return v;
}

static uint64_t frequency_read(void)
{
    uint64_t f;
    __asm__ volatile("mrs %0, cntfrq_el0" : "=r"(f));
    return f;
}

static void compare_write(uint64_t cval)
{
    __asm__ volatile("msr cntp_cval_el0, %0; isb" ::"r"(cval) : "memory");
}

static void control_write(uint64_t ctl)
{
    __asm__ volatile("msr cntp_ctl_el0, %0; isb" ::"r"(ctl) : "memory");
}

static unsigned client_count(void)
{
    unsigned n = 0;
    for (uint64_t m = SDF_CHANNEL_MASK; m != 0; m &= m - 1) {
        n++;
    }
    return n;
}

void init(void)
{
    uint64_t freq = frequency_read();
    gtimer_status_t status = gtimer_start(&timer, freq, TIMER_TICK_MS, counter_read());
    if (status != GTIMER_OK) {
        LOG_ERR("%s (CNTFRQ %llu Hz, tick %u ms): no ticks\n", gtimer_status_str(status), (unsigned long long)freq,
                (unsigned)TIMER_TICK_MS);
        return;
    }
    compare_write(gtimer_compare_value(&timer, counter_read()));
    control_write(CNTP_CTL_ENABLE);
    running = true;
    if (client_count() == 0) {
        LOG_WARN("no channels to notify\n");
    }
    LOG_INFO("EL1 physical timer, irq 30 on channel %u, %llu Hz, tick %u ms, %u channel(s)\n", (unsigned)TIMER_IRQ_CH,
             (unsigned long long)freq, (unsigned)TIMER_TICK_MS, client_count());
}

/* One notification on every channel of this PD. */
static void tick_all(void)
{
    for (unsigned ch = 0; ch < MAX_CHANNELS; ch++) {
        if (SDF_CHANNEL_MASK & (UINT64_C(1) << ch)) {
            sddf_notify(ch);
        }
    }
}

/*
 * The timer interrupt: set the next deadline first, so that the level-triggered line
 * is low again, then acknowledge it, then tick. An early interrupt (gtimer_expire()
 * false) only rewrites the compare value.
 */
static void on_irq(void)
{
    uint64_t now = counter_read();
    bool due = gtimer_expire(&timer, now);
    compare_write(gtimer_compare_value(&timer, now));
    sddf_irq_ack(TIMER_IRQ_CH);
    if (due) {
        tick_all();
    }
}

void notified(sddf_channel_t ch)
{
    if (ch != TIMER_IRQ_CH) {
        LOG_DBG("notification on channel %u ignored: the timer takes no requests\n", ch);
        return;
    }
    if (!running) {
        return; /* init failed: leave the interrupt unacknowledged */
    }
    on_irq();
}
