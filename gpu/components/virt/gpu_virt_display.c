/*
 * GPU virtualiser core: the display-info cache, display events and device
 * loss. Client GET_DISPLAY_INFO is answered from the cache (each client sees
 * its own scanouts only, renumbered from 0); a driver display event makes
 * the virtualiser query again and raise the event for each client whose
 * view changed; a new device_epoch means the device was reset, and once
 * nothing of ours is at the driver every client's state is forgotten.
 */
#define SDDF_LOG_COMPONENT "GPU_VIRT"

#include <string.h>

#include <sddf/gpu/event.h>
#include <sddf/log.h>

#include "gpu_virt_internal.h"

/* Entry `ds` of `display` as a client's view shows it: all zero when the device does not have it. */
static const gpu_scanout_info_t *view_entry(const gpu_display_info_t *display, uint32_t ds)
{
    static const gpu_scanout_info_t absent;
    return ds < display->num_scanouts ? &display->scanouts[ds] : &absent;
}

/* What client `cl` sees: its scanouts only, renumbered from 0; blob passed on. */
void virt_view_build(const gpu_virt_t *virt, const gpu_virt_client_t *cl, gpu_display_info_t *view)
{
    memset(view, 0, sizeof(*view));
    view->num_scanouts = cl->cfg->num_scanouts;
    view->features = virt->display.features & GPU_FEATURE_BLOB;
    view->device_epoch = virt->display.device_epoch;
    for (uint32_t i = 0; i < cl->cfg->num_scanouts; i++) {
        view->scanouts[i] = *view_entry(&virt->display, cl->cfg->scanouts[i]);
    }
}

/* Would client `c`'s view of display info `a` differ from its view of `b`? */
static bool view_changed(const gpu_display_info_t *a, const gpu_display_info_t *b, const gpu_virt_client_config_t *c)
{
    if (((a->features ^ b->features) & GPU_FEATURE_BLOB) != 0 || a->device_epoch != b->device_epoch) {
        return true;
    }
    for (uint32_t i = 0; i < c->num_scanouts; i++) {
        if (memcmp(view_entry(a, c->scanouts[i]), view_entry(b, c->scanouts[i]), sizeof(gpu_scanout_info_t)) != 0) {
            return true;
        }
    }
    return false;
}

/*
 * New display info from the driver: raise the event for each client whose
 * view changed, then keep it. The first fill raises it only for clients that
 * were refused while there was none (the others have not seen a view).
 */
static void display_update(gpu_virt_t *virt, const gpu_display_info_t *info)
{
    bool had_info = virt->display_valid;
    if (had_info && info->device_epoch != virt->display.device_epoch) {
        LOG_WARN("the device was reset (epoch %u -> %u): every client's resources are gone\n",
                 virt->display.device_epoch, info->device_epoch);
        virt->device_lost = 1; /* events follow once the bookkeeping is reset (virt_device_forget) */
    }
    for (uint32_t i = 0; i < virt->num_clients; i++) {
        gpu_virt_client_t *cl = &virt->clients[i];
        bool changed = had_info && view_changed(&virt->display, info, cl->cfg);
        if ((changed || cl->display_refused) && !virt->device_lost) {
            cl->display_refused = 0;
            gpu_event_raise(&cl->info->event);
            virt->pending_events |= 1u << i;
        }
    }
    virt->display = *info;
    virt->display_valid = 1;
    virt->display_failed = 0;
    virt->display_retries = GPU_VIRT_DISPLAY_RETRIES;
}

/* The virtualiser's own GET_DISPLAY_INFO came back. */
void virt_display_done(gpu_virt_t *virt, uint32_t status)
{
    virt->display_inflight = 0;
    if (status == GPU_STATUS_OK) {
        gpu_display_info_t info;
        memcpy(&info, &virt->drv_info->display, sizeof(info)); /* the driver's info region: read once */
        if (info.num_scanouts <= GPU_MAX_SCANOUTS) {
            display_update(virt, &info);
            return;
        }
        LOG_WARN("driver reported %u scanouts; ignored\n", info.num_scanouts);
    }
    if (virt->display_retries > 0) {
        virt->display_retries--;
        virt->display_wanted = 1;
        return;
    }
    LOG_ERR("display info query failed (status %u); giving up until the next display event\n", status);
    virt->display_failed = !virt->display_valid;
}

/* Send the wanted display query if there is room (before any client's request: they wait for it). */
bool virt_display_pump(gpu_virt_t *virt)
{
    if (!virt->display_wanted || virt->display_inflight || !virt_driver_room_or_arm(virt)) {
        return false;
    }
    uint32_t driver_id = virt_inflight_take(
            virt, (gpu_virt_inflight_t){.origin = GPU_VIRT_ORIGIN_DISPLAY, .code = GPU_REQ_GET_DISPLAY_INFO},
            GPU_VIRT_KEY_LONG);
    *virt_driver_slot(virt) = (gpu_req_t){.code = GPU_REQ_GET_DISPLAY_INFO, .id = driver_id, .raw = {0}};
    virt_driver_stage(virt);
    virt->display_wanted = 0;
    virt->display_inflight = 1;
    return true;
}

/* Every client's resources, ids, memory and scanouts are gone with the device: start afresh. */
static void client_forget(gpu_virt_t *virt, gpu_virt_client_t *cl, uint32_t i)
{
    memset(cl->res, 0, cl->cfg->max_resources * sizeof(*cl->res));
    cl->devids = 0;
    cl->memory = 0;
    cl->initialised = 0; /* its next request must be GET_DISPLAY_INFO, which shows the new epoch */
    cl->display_refused = 0;
    gpu_event_raise(&cl->info->event);
    virt->pending_events |= 1u << i;
}

/*
 * Once the loss is known and nothing is at the driver any more (every answer
 * still due has come back, DEVICE_ERROR for what the reset cut short), the
 * bookkeeping is reset to match the fresh device and every client is told.
 */
bool virt_device_forget(gpu_virt_t *virt)
{
    if (!virt->device_lost || virt->inflight_count != 0) {
        return false;
    }
    virt_devids_reset(virt);
    for (uint32_t s = 0; s < GPU_MAX_SCANOUTS; s++) {
        virt->scanouts[s].resource_id = 0;
        virt->scanouts[s].busy = 0;
        virt->scanouts[s].cursor = 0; /* a fresh device shows no cursor */
    }
    for (uint32_t i = 0; i < virt->num_clients; i++) {
        client_forget(virt, &virt->clients[i], i);
    }
    virt->device_lost = 0;
    virt->device_losses++;
    return true;
}
