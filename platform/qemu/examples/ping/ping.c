/*
 * ping: on each tick from ticker, writes a number into the shared region
 * and notifies pong. pong has a higher priority, so it runs before
 * sddf_notify() returns; its answer comes back as a deferred notification.
 */
#include <sddf/os.h>
#include <stdint.h>

#include "sdf_config.h"

#define SDDF_LOG_COMPONENT "ping"
#include <sddf/log.h>

/* Set by the system description (setvar_vaddr, setvar_size, setvar region_paddr). */
uintptr_t shared_vaddr;
uintptr_t shared_size;
uintptr_t uart_paddr;

#define ROUNDS 3

static unsigned round_no;

static volatile uint32_t *shared(void)
{
    return (volatile uint32_t *)shared_vaddr;
}

void init(void)
{
    LOG_INFO("shared region at 0x%lx size 0x%lx (header 0x%llx) uart 0x%lx\n", (unsigned long)shared_vaddr,
             (unsigned long)shared_size, SDF_MR_SHARED_VADDR, (unsigned long)uart_paddr);
    if (shared_size != SDF_MR_SHARED_SIZE || shared()[0] != 0) {
        LOG_ERR("region size or contents wrong\n");
    }
}

static void on_tick(void)
{
    round_no++;
    shared()[0] = round_no;
    LOG_INFO("round %u: notify pong\n", round_no);
    sddf_notify(SDF_CH_PONG);
    LOG_INFO("round %u: notify returned\n", round_no);
}

static void on_pong(void)
{
    LOG_INFO("round %u: pong answered %u\n", round_no, (unsigned)shared()[1]);
    if (round_no == ROUNDS) {
        LOG_INFO("done\n");
    }
}

void notified(sddf_channel_t ch)
{
    switch (ch) {
    case SDF_CH_TICKER:
        on_tick();
        break;
    case SDF_CH_PONG:
        on_pong();
        break;
    default:
        LOG_ERR("unexpected notification on channel %u\n", ch);
        break;
    }
}
