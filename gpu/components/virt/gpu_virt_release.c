/*
 * GPU virtualiser core: releasing a client (README.md, "Releasing a
 * client"). The release waits for the client's requests at the driver,
 * disables every scanout it owns, unrefs every resource it has, waits for
 * those, and then reports the client released. Its requests go to the
 * driver through the same gate as everyone's (in turn, as room allows), so
 * a release may span several notifications.
 */
#define SDDF_LOG_COMPONENT "GPU_VIRT"

#include <sddf/log.h>

#include "gpu_virt_internal.h"

/* Drop what the client left behind and start releasing it (nothing yet goes to the driver). */
void virt_release_begin(gpu_virt_t *virt, gpu_virt_client_t *cl)
{
    /* What the old client enqueued and we never took is dropped too: a restarted client reuses ids. */
    gpu_queue_consumer_release(&cl->req, gpu_queue_length(&cl->req)); /* (A1) then (R2), as any consumer */
    cl->epoch++;                                                      /* answers still due to it are dropped */
    cl->owed = 0;
    cl->has_held = 0;
    cl->initialised = 0;
    cl->released_scanouts = 0;
    cl->released_resources = 0;
    cl->release_phase = GPU_VIRT_RELEASE_DRAIN;
    virt->drv_waiting &= ~cl->bit;
    virt->clients_idle &= ~cl->bit; /* it has a release to serve */
    virt_present_release(virt, cl);
}

/* Send one release request: SET_SCANOUT of device scanout `ds` to nothing, or UNREF of client resource `id`. */
static void release_send(gpu_virt_t *virt, gpu_virt_client_t *cl, uint32_t code, uint32_t ds, uint32_t id)
{
    uint32_t driver_id = virt_inflight_take(virt,
                                            (gpu_virt_inflight_t){.resource_id = (uint16_t)id,
                                                                  .origin = GPU_VIRT_ORIGIN_RELEASE,
                                                                  .client = cl->index,
                                                                  .scanout = (uint8_t)ds,
                                                                  .code = (uint8_t)code},
                                            GPU_VIRT_KEY_LONG);
    gpu_req_t d = {.code = code, .id = driver_id, .raw = {0}};
    if (code == GPU_REQ_SET_SCANOUT) {
        d.set_scanout.scanout_id = ds; /* resource 0: disable */
    } else {
        d.unref.resource_id = virt_res_checked(cl, id)->device_id;
    }
    *virt_driver_slot(virt) = d; /* shared memory: written once */
    virt_driver_stage(virt);
    cl->release_inflight++;
}

static bool release_scanouts(gpu_virt_t *virt, gpu_virt_client_t *cl, bool round_robin)
{
    for (; cl->release_cursor < cl->cfg->num_scanouts; cl->release_cursor++) {
        uint32_t ds = cl->cfg->scanouts[cl->release_cursor];
        if (ds >= virt->display.num_scanouts) {
            continue;
        }
        if (virt->scanouts[ds].busy || !virt_driver_gate(virt, cl, round_robin)) {
            return false;
        }
        release_send(virt, cl, GPU_REQ_SET_SCANOUT, ds, 0);
        virt->scanouts[ds].busy = 1;
    }
    cl->release_phase = GPU_VIRT_RELEASE_RES;
    cl->release_cursor = 0;
    return true;
}

static bool release_resources(gpu_virt_t *virt, gpu_virt_client_t *cl, bool round_robin)
{
    for (; cl->release_cursor < cl->cfg->max_resources; cl->release_cursor++) {
        gpu_virt_resource_t *r = &cl->res[cl->release_cursor];
        if (r->state != GPU_VIRT_RES_LIVE) {
            continue;
        }
        if (!virt_driver_gate(virt, cl, round_robin)) {
            return false;
        }
        release_send(virt, cl, GPU_REQ_RESOURCE_UNREF, 0, cl->release_cursor + 1);
        r->busy = 1;
    }
    cl->release_phase = GPU_VIRT_RELEASE_WAIT;
    return true;
}

/* One step of a release; returns true if it moved. */
static bool release_step(gpu_virt_t *virt, gpu_virt_client_t *cl, bool round_robin)
{
    switch (cl->release_phase) {
    case GPU_VIRT_RELEASE_DRAIN:
        if (gpu_virt_client_at_driver(virt, cl->index) != 0) { /* a scan, once per step of a release */
            return false;
        }
        cl->release_phase = GPU_VIRT_RELEASE_CURSOR;
        cl->release_cursor = 0;
        return true;
    case GPU_VIRT_RELEASE_CURSOR:
        return virt_release_cursors(virt, cl, round_robin);
    case GPU_VIRT_RELEASE_SCAN:
        return release_scanouts(virt, cl, round_robin);
    case GPU_VIRT_RELEASE_RES:
        return release_resources(virt, cl, round_robin);
    default:
        if (cl->release_inflight != 0) {
            return false;
        }
        cl->release_phase = GPU_VIRT_RELEASE_NONE;
        virt->pending_released |= cl->bit;
        return true;
    }
}

/* Up to `budget` steps of `cl`'s release, while the device is settled; returns how many moved. */
uint32_t virt_release_serve(gpu_virt_t *virt, gpu_virt_client_t *cl, uint32_t budget, bool round_robin)
{
    uint32_t done = 0;
    while (done < budget && cl->release_phase != GPU_VIRT_RELEASE_NONE && !virt_device_barrier(virt) &&
           release_step(virt, cl, round_robin)) {
        done++;
    }
    return done;
}

/* A release request came back. The client is gone, so its resources go whatever the answer. */
void virt_release_done(gpu_virt_t *virt, const gpu_virt_inflight_t *e, uint32_t status)
{
    gpu_virt_client_t *cl = &virt->clients[e->client];
    cl->release_inflight--;
    if (e->code == GPU_REQ_UPDATE_CURSOR) {
        virt_cursor_release_done(virt, e, status);
        return;
    }
    if (e->code == GPU_REQ_SET_SCANOUT) {
        virt->scanouts[e->scanout].busy = 0;
        if (status == GPU_STATUS_OK) {
            cl->released_scanouts++;
            virt_scanout_show(virt, cl, e->scanout, GPU_RESOURCE_ID_NONE);
        } else {
            LOG_WARN("release: disabling scanout %u failed (status %u)\n", e->scanout, status);
        }
        return;
    }
    gpu_virt_resource_t *r = virt_res_checked(cl, e->resource_id);
    r->busy = 0;
    cl->released_resources++;
    if (status == GPU_STATUS_OK) {
        virt_devid_release(virt, cl, r->device_id);
        virt_memory_refund(cl, r);
    } else {
        virt_devid_retire(virt, r->device_id, "release: unref", status);
    }
    virt_res_forget(virt, r);
}
