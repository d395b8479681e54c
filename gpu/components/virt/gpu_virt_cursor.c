/*
 * GPU virtualiser core: the cursor (UPDATE_CURSOR, MOVE_CURSOR). The checks
 * are in gpu_virt_check.c and the forwarding in gpu_virt_forward.c, beside
 * the other commands'; this file keeps what the virtualiser remembers of a
 * cursor, which is only whether the device may be showing one on a device
 * scanout (gpu_virt_scanout_t.cursor), so that a client's release hides it.
 *
 * The device copies the image when UPDATE_CURSOR takes effect, so a cursor
 * holds no reference on its resource: the client may unref it at once.
 * The driver keeps cursor commands in order with everything else on its
 * connection (drivers/gpu/virtio/README.md), so the answers to one scanout's
 * cursor commands come back in the order they were sent, and the last
 * answer settles the flag.
 */
#define SDDF_LOG_COMPONENT "GPU_VIRT"

#include <sddf/log.h>

#include "gpu_virt_internal.h"

/*
 * A client's UPDATE_CURSOR was answered. OK: the cursor shows or is hidden
 * as asked. DEVICE_ERROR: the outcome is unknown, so it may show. Any other
 * status: no effect.
 */
void virt_cursor_complete(gpu_virt_t *virt, const gpu_virt_inflight_t *e, uint32_t status)
{
    gpu_virt_scanout_t *sc = &virt->scanouts[e->scanout];
    if (status == GPU_STATUS_OK) {
        sc->cursor = e->resource_id != GPU_RESOURCE_ID_NONE;
    } else if (status == GPU_STATUS_DEVICE_ERROR) {
        sc->cursor = 1;
    }
}

/* Send a release's UPDATE_CURSOR that hides the cursor of device scanout `ds`. */
static void release_hide_send(gpu_virt_t *virt, gpu_virt_client_t *cl, uint32_t ds)
{
    uint32_t driver_id = virt_inflight_take(virt,
                                            (gpu_virt_inflight_t){.origin = GPU_VIRT_ORIGIN_RELEASE,
                                                                  .client = cl->index,
                                                                  .scanout = (uint8_t)ds,
                                                                  .code = GPU_REQ_UPDATE_CURSOR},
                                            GPU_VIRT_KEY_LONG);
    gpu_req_t d = {.code = GPU_REQ_UPDATE_CURSOR, .id = driver_id, .raw = {0}};
    d.update_cursor.scanout_id = ds; /* resource 0: hide */
    *virt_driver_slot(virt) = d;     /* shared memory: written once */
    virt_driver_stage(virt);
    cl->release_inflight++;
}

/*
 * The release phase GPU_VIRT_RELEASE_CURSOR: hide the cursor of every
 * scanout of `cl` that may show one (its requests have all been answered,
 * so the flags are settled). Returns true when the phase is done (the
 * release moves on to its scanouts), false when it must wait for room.
 */
bool virt_release_cursors(gpu_virt_t *virt, gpu_virt_client_t *cl, bool round_robin)
{
    for (; cl->release_cursor < cl->cfg->num_scanouts; cl->release_cursor++) {
        uint32_t ds = cl->cfg->scanouts[cl->release_cursor];
        if (ds >= virt->display.num_scanouts || !virt->scanouts[ds].cursor) {
            continue;
        }
        if (!virt_driver_gate(virt, cl, round_robin)) {
            return false;
        }
        release_hide_send(virt, cl, ds);
    }
    cl->release_phase = GPU_VIRT_RELEASE_SCAN;
    cl->release_cursor = 0;
    return true;
}

/* A release's hide came back. */
void virt_cursor_release_done(gpu_virt_t *virt, const gpu_virt_inflight_t *e, uint32_t status)
{
    if (status == GPU_STATUS_OK) {
        virt->scanouts[e->scanout].cursor = 0;
        return;
    }
    LOG_WARN("release: hiding the cursor of scanout %u failed (status %u)\n", e->scanout, status);
}
