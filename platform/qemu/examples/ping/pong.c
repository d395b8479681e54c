/*
 * pong: reads ping's number from the shared region, writes back its square
 * and answers with a deferred notification (sent when this handler returns).
 */
#include <sddf/os.h>
#include <stdint.h>

#include "pong_config.h"
#include "sdf_config.h"

#define SDDF_LOG_COMPONENT "pong"
#include <sddf/log.h>

uintptr_t shared_vaddr;

/* Filled in by the system build (pong_config.c). */
pong_config_t pong_config __attribute__((section(".pong_config")));

void init(void)
{
    const pong_config_t *c = &pong_config;
    LOG_INFO("init (priority %u), shared region at 0x%lx\n", SDF_PD_PRIORITY, (unsigned long)shared_vaddr);
    if (c->magic != PONG_CONFIG_MAGIC || c->version != PONG_CONFIG_VERSION) {
        LOG_ERR("config magic 0x%08x version %u: not a pong config\n", (unsigned)c->magic, (unsigned)c->version);
        return;
    }
    LOG_INFO("config: shared region at 0x%llx, ping on channel %u\n", (unsigned long long)c->shared_vaddr,
             (unsigned)c->ping_channel);
}

void notified(sddf_channel_t ch)
{
    volatile uint32_t *shared = (volatile uint32_t *)shared_vaddr;
    if (ch != SDF_CH_PING) {
        LOG_ERR("unexpected notification on channel %u\n", ch);
        return;
    }
    uint32_t n = shared[0];
    shared[1] = n * n;
    LOG_INFO("got %u\n", (unsigned)n);
    sddf_deferred_notify(SDF_CH_PING);
    sddf_deferred_notify(SDF_CH_PING); /* repeated in one handler: still one signal */
}
