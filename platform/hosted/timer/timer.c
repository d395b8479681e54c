/*
 * The timer PD on the hosted platform. The other platforms' timer
 * (drivers/timer/arm) programs the Arm generic timer, which a Linux process
 * does not have; this glue keeps its contract (docs/system-description.md,
 * "The timer": one tick a second on every channel of SDF_CHANNEL_MASK, the
 * irq <irq irq="30"> of the description) and its arithmetic (gtimer.c, the
 * same core, counting CLOCK_MONOTONIC nanoseconds), with a timerfd as the
 * compare register and its interrupt.
 */
#define _GNU_SOURCE
#include <stdbool.h>
#include <stdint.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include <hosted/hosted.h>
#include <sddf/os.h>

#include "gtimer.h"
#include "sdf_config.h"

#define SDDF_LOG_COMPONENT "TIMER"
#include <sddf/log.h>

#ifndef TIMER_TICK_MS
#define TIMER_TICK_MS 1000u
#endif

#ifndef SDF_IRQ_30
#error "the timer PD needs <irq irq=\"30\" id=\"...\" trigger=\"level\"/> in its description"
#endif
#define TIMER_IRQ_CH SDF_IRQ_30
#define NS_PER_S     1000000000u
#define MAX_CHANNELS 64u

static gtimer_t timer;
static int tfd = -1;
static bool running;

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * NS_PER_S + (uint64_t)ts.tv_nsec;
}

/* The compare value as an absolute expiry; 0 would disarm the timerfd, so "now" becomes 1 ns. */
static void compare_write(uint64_t cval)
{
    struct itimerspec its = {.it_value = {.tv_sec = (time_t)(cval / NS_PER_S), .tv_nsec = (long)(cval % NS_PER_S)}};
    if (cval == 0) {
        its.it_value.tv_nsec = 1;
    }
    if (timerfd_settime(tfd, TFD_TIMER_ABSTIME, &its, NULL) != 0) {
        LOG_ERR("timerfd_settime failed: ticks stop\n");
    }
}

void init(void)
{
    gtimer_status_t status = gtimer_start(&timer, NS_PER_S, TIMER_TICK_MS, now_ns());
    tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    if (status != GTIMER_OK || tfd < 0 || hosted_irq_bind(TIMER_IRQ_CH, tfd) != 0) {
        LOG_ERR("%s: no ticks\n", status != GTIMER_OK ? gtimer_status_str(status) : "no timerfd for the irq");
        return;
    }
    compare_write(gtimer_compare_value(&timer, now_ns()));
    running = true;
    LOG_INFO("CLOCK_MONOTONIC timerfd, irq 30 on channel %u, tick %u ms\n", (unsigned)TIMER_IRQ_CH,
             (unsigned)TIMER_TICK_MS);
}

static void tick_all(void)
{
    for (unsigned ch = 0; ch < MAX_CHANNELS; ch++) {
        if (SDF_CHANNEL_MASK & (UINT64_C(1) << ch)) {
            sddf_notify(ch);
        }
    }
}

/* As drivers/timer/arm: the next deadline first (the fd is no longer readable), then ack, then tick. */
void notified(sddf_channel_t ch)
{
    if (ch != TIMER_IRQ_CH || !running) {
        return;
    }
    uint64_t expirations;
    if (read(tfd, &expirations, sizeof(expirations)) < 0) {
        expirations = 0; /* woken early: nothing to consume */
    }
    uint64_t now = now_ns();
    bool due = gtimer_expire(&timer, now);
    compare_write(gtimer_compare_value(&timer, now));
    sddf_irq_ack(TIMER_IRQ_CH);
    if (due) {
        tick_all();
    }
}
