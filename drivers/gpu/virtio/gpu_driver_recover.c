/*
 * Driver core, part 4: device faults, recovery, ticks and deadlines.
 *
 * A device fault is DEVICE_NEEDS_RESET, a used ring that returns more
 * elements than chains were published, or a command outstanding for more
 * than deadline_ticks ticks. Each is handled the same way: log it, reset the
 * device, answer every command in flight DEVICE_ERROR (exactly once: its slot
 * is freed as it is answered), and initialise the device again as at start.
 * A recovery bumps device_epoch and raises the display event, so that the
 * virtualiser learns that every resource on the device is gone.
 *
 * While the device is down every request is answered DEVICE_ERROR at once
 * (gpu_driver.c checks drv->ready). The first re-initialisation after a fault
 * is immediate. If it fails, or the device faults again within
 * GPU_DRIVER_RETRY_MAX_TICKS ticks of its last recovery, the next attempt
 * waits for a tick: 1, 2, 4, ... up to GPU_DRIVER_RETRY_MAX_TICKS ticks
 * between attempts, each logged, so a broken device costs at most one reset,
 * one initialisation and a few log lines per GPU_DRIVER_RETRY_MAX_TICKS ticks.
 * Without ticks (config `ticked` false) a fault is followed by one immediate
 * re-initialisation only.
 */
#include "gpu_driver_internal.h"

#include <sddf/gpu/event.h>
#include <virtio/virtio_gpu.h>

#define SDDF_LOG_COMPONENT "GPU_DRV"
#include <sddf/log.h>

static uint32_t next_backoff(uint32_t backoff)
{
    if (backoff == 0) {
        return 1;
    }
    return backoff >= GPU_DRIVER_RETRY_MAX_TICKS / 2 ? GPU_DRIVER_RETRY_MAX_TICKS : backoff * 2;
}

/* Every command in flight gets DEVICE_ERROR, once; its slot is free again. */
static uint32_t answer_in_flight(gpu_driver_t *drv)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < drv->num_slots; i++) {
        if (drv->slots[i].in_use) {
            gpu_driver_respond(drv, drv->slots[i].req_code, drv->slots[i].req_id, GPU_STATUS_DEVICE_ERROR);
            gpu_driver_release_slot(drv, i);
            n++;
        }
    }
    return n;
}

static void recovered(gpu_driver_t *drv)
{
    drv->ready = true;
    drv->recovering = false;
    drv->live_since = drv->ticks;
    drv->backoff = drv->backoff != 0 ? drv->backoff : 1; /* a fault soon after this one waits for a tick */
    drv->device_epoch++;
    drv->stats.recoveries++;
    LOG_INFO("device recovered: epoch %u, %u scanouts, %u command slots; every resource on it was lost\n",
             (unsigned)drv->device_epoch, (unsigned)drv->num_scanouts, (unsigned)drv->num_slots);
    gpu_event_raise(&drv->cfg.info->event);
    drv->signal_virt = true;
}

/* Initialises the device again; on failure gives up on it until the next attempt (if there are ticks). */
static void reinit(gpu_driver_t *drv)
{
    const char *why = gpu_driver_device_start(drv);
    if (why == NULL) {
        recovered(drv);
        return;
    }
    drv->stats.reinit_failed++;
    gpu_driver_give_up(drv);
    drv->features = 0;
    if (!drv->cfg.ticked) {
        drv->recovering = false;
        LOG_ERR("re-initialisation failed: %s; no tick to retry on, the device stays down\n", why);
        return;
    }
    drv->backoff = next_backoff(drv->backoff);
    drv->retry_at = drv->ticks + drv->backoff;
    LOG_WARN("re-initialisation failed: %s; next attempt in %u ticks\n", why, (unsigned)drv->backoff);
}

void gpu_driver_fault(gpu_driver_t *drv, const char *why)
{
    drv->stats.device_faults++;
    drv->ready = false;
    drv->recovering = true;
    const char *problem = gpu_driver_device_reset(drv);
    uint32_t n = answer_in_flight(drv);
    LOG_WARN("device fault: %s; device reset, %u commands in flight answered DEVICE_ERROR\n", why, (unsigned)n);
    if (problem != NULL) {
        LOG_WARN("%s; the device may still write to the DMA region\n", problem);
    }
    if (drv->backoff == 0 || !drv->cfg.ticked) {
        reinit(drv);
        return;
    }
    drv->backoff = next_backoff(drv->backoff);
    drv->retry_at = drv->ticks + drv->backoff;
    LOG_WARN("device faulted %u ticks after its last recovery; re-initialising in %u ticks\n",
             (unsigned)(drv->ticks - drv->live_since), (unsigned)drv->backoff);
}

/* A fault if a command has been outstanding for more than deadline_ticks ticks. */
static void check_deadlines(gpu_driver_t *drv)
{
    for (uint32_t i = 0; i < drv->num_slots; i++) {
        const gpu_driver_slot_t *s = &drv->slots[i];
        uint32_t age = drv->ticks - s->submit_tick;
        if (s->in_use && age > drv->cfg.deadline_ticks) {
            drv->stats.deadlines++;
            LOG_WARN("request %u (code %u, fence %llu) outstanding for %u ticks, deadline %u\n", (unsigned)s->req_id,
                     (unsigned)s->req_code, (unsigned long long)s->fence_id, (unsigned)age,
                     (unsigned)drv->cfg.deadline_ticks);
            gpu_driver_fault(drv, "a command missed its deadline");
            return;
        }
    }
}

void gpu_driver_tick_work(gpu_driver_t *drv)
{
    drv->ticks++;
    if (drv->ready) {
        check_deadlines(drv);
        if (drv->ready && drv->backoff != 0 && drv->ticks - drv->live_since >= GPU_DRIVER_RETRY_MAX_TICKS) {
            drv->backoff = 0; /* stable again: the next fault is recovered from at once */
        }
    } else if (drv->recovering && drv->ticks == drv->retry_at) {
        LOG_INFO("re-initialising the device (epoch %u so far)\n", (unsigned)drv->device_epoch);
        reinit(drv);
    }
}
