/*
 * supervisor: restarts one child PD that faults, after the GPU virtualiser
 * has released everything the child held (platform/microkit/README.md,
 * "A client that crashes").
 *
 * The child is the one the build names with -DSUPERVISED=SDF_CHILD_<NAME>
 * (sdfgen emits SDF_CHILD_<NAME> for each child in the description);
 * SDF_CH_GPU_VIRT is the virtualiser's release channel for it, SDF_CH_TIMER a
 * one-second tick. In order:
 *
 *   1. fault(): seL4 sends the child's fault here, because we are its parent.
 *      We stop the child and notify the release channel.
 *   2. The virtualiser drops the child's queued and in-flight requests,
 *      disables its scanouts, unrefs its resources, and notifies us back.
 *   3. On the SUPERVISOR_BACKOFF_TICKS-th tick after that (a back-off, so that
 *      a child that crashes at once cannot keep the system busy): one more
 *      life in restart_lives (the child reads it), then microkit_pd_restart()
 *      at the child's entry point.
 *
 * A fault while a release is still under way cannot happen (the child is
 * stopped until step 3); a release answer without a fault is logged and
 * ignored.
 */
#include <microkit.h>
#include <stdbool.h>
#include <stdint.h>

#include <sddf/os.h>

#include "sdf_config.h"

#define SDDF_LOG_COMPONENT "SUPERVISOR"
#include <sddf/log.h>

#ifndef SUPERVISED
#error "define SUPERVISED as the child's SDF_CHILD_<NAME>"
#endif

/* Set by the description: a page shared with the child, which reads its first word as the number of restarts. */
uintptr_t restart_lives;

/*
 * Every PD is linked with the SDK's microkit.ld, whose entry point _start
 * (libmicrokit's crt0, section .text.start) comes first in .text: the
 * child's entry is at the same address as ours.
 */
extern char _start[];

#ifndef SUPERVISOR_BACKOFF_TICKS
#define SUPERVISOR_BACKOFF_TICKS 2u
#endif

static bool releasing;      /* the virtualiser is releasing the child */
static uint32_t restart_in; /* ticks until the restart; 0: none due */

void init(void)
{
    releasing = false;
    restart_in = 0;
    LOG_INFO("watching child %u\n", SUPERVISED);
}

static void log_fault(microkit_child child, microkit_msginfo msginfo)
{
    seL4_Word label = microkit_msginfo_get_label(msginfo);
    if (label == seL4_Fault_VMFault) {
        LOG_INFO("child %u faulted: VM fault at address 0x%lx, pc 0x%lx\n", child,
                 (unsigned long)microkit_mr_get(seL4_VMFault_Addr), (unsigned long)microkit_mr_get(seL4_VMFault_IP));
    } else {
        LOG_INFO("child %u faulted: fault type %lu\n", child, (unsigned long)label);
    }
}

/*
 * The child stays stopped until it is restarted. Suspending it cancels its
 * pending fault reply, so the reply that libmicrokit then sends (we return
 * true) goes nowhere; returning false instead would leave that reply
 * unexecuted, which the MCS kernel reports at our next receive.
 */
static seL4_Bool stop_child(microkit_child child)
{
    microkit_pd_stop(child);
    return seL4_True;
}

seL4_Bool fault(microkit_child child, microkit_msginfo msginfo, microkit_msginfo *reply_msginfo)
{
    (void)reply_msginfo;
    log_fault(child, msginfo);
    if (child != SUPERVISED) {
        LOG_WARN("child %u is not the one supervised (%u): left stopped\n", child, SUPERVISED);
        return stop_child(child);
    }
    LOG_INFO("asking gpu_virt to release child %u\n", child);
    releasing = true;
    sddf_notify(SDF_CH_GPU_VIRT);
    return stop_child(child);
}

static void restart(void)
{
    volatile uint32_t *lives = (volatile uint32_t *)restart_lives;
    uint32_t n = *lives + 1u;
    __atomic_store_n(lives, n, __ATOMIC_RELEASE); /* pairs with the child's acquire load in its init() */
    LOG_INFO("restarting child %u (restart %u)\n", SUPERVISED, n);
    microkit_pd_restart(SUPERVISED, (seL4_Word)_start);
}

void notified(sddf_channel_t ch)
{
    if (ch == SDF_CH_GPU_VIRT && releasing) {
        releasing = false;
        restart_in = SUPERVISOR_BACKOFF_TICKS;
        LOG_INFO("gpu_virt released child %u; restart in %u ticks\n", SUPERVISED, restart_in);
    } else if (ch == SDF_CH_TIMER) {
        if (restart_in != 0 && --restart_in == 0) {
            restart();
        }
    } else {
        LOG_WARN("unexpected notification on channel %u\n", ch);
    }
}
