/*
 * ticker: counts the timer PD's ticks (drivers/timer/arm) and passes each
 * one on to ping. The same source builds for Microkit.
 */
#include <sddf/os.h>

#include "sdf_config.h"

#define SDDF_LOG_COMPONENT "ticker"
#include <sddf/log.h>

static unsigned ticks;

void init(void)
{
    LOG_INFO("init (priority %u)\n", SDF_PD_PRIORITY);
}

void notified(sddf_channel_t ch)
{
    if (ch != SDF_CH_TIMER) {
        LOG_ERR("unexpected notification on channel %u\n", ch);
        return;
    }
    ticks++;
    LOG_INFO("tick %u\n", ticks);
    sddf_notify(SDF_CH_PING);
}
