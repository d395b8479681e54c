/*
 * GPU virtualiser core: the driver's answers. They are taken in one batch
 * per look at the queue (its fill level read once, its slots handed back
 * once), matched to the in-flight table by id (slot in the low bits, a
 * generation above, so stale and duplicate answers are recognised), and
 * settle the bookkeeping of what they answer. Client answers are staged in
 * the client's response queue and published once per client per event
 * (notify_collect() in gpu_virt.c).
 */
#define SDDF_LOG_COMPONENT "GPU_VIRT"

#include <string.h>

#include <sddf/log.h>

#include "gpu_virt_internal.h"

/* An answer whose slot the client took away by corrupting its own queue's head index. */
void virt_respond_dropped(uint32_t id)
{
    LOG_WARN("client response queue index corrupt; response to id %u dropped\n", id);
}

/* ---- per-command completion ---- */

/*
 * Both creates: a refused create gives the id back. A create that ended in
 * DEVICE_ERROR may have taken effect on the device, so its id is retired
 * (and its memory stays charged, like the id).
 */
static void complete_create(gpu_virt_t *virt, gpu_virt_client_t *cl, gpu_virt_resource_t *r, uint32_t status)
{
    r->busy = 0;
    if (status == GPU_STATUS_OK) {
        return;
    }
    if (status == GPU_STATUS_DEVICE_ERROR) {
        virt_devid_retire(virt, r->device_id, "create", status);
    } else {
        virt_devid_release(virt, cl, r->device_id);
        virt_memory_refund(cl, r);
    }
    virt_res_forget(virt, r);
}

/* A failed unref keeps the resource; a successful one also disabled the scanouts showing it. */
static void complete_unref(gpu_virt_t *virt, gpu_virt_client_t *cl, gpu_virt_resource_t *r, uint32_t status)
{
    r->busy = 0;
    if (status == GPU_STATUS_OK) {
        virt_devid_release(virt, cl, r->device_id);
        virt_memory_refund(cl, r);
        virt_res_forget(virt, r);
    }
}

/* Attach (detach: `attached` false): the backing counts from an OK answer; a 2D resource's size goes with it. */
static void complete_backing(gpu_virt_resource_t *r, uint32_t status, bool attached)
{
    r->busy = 0;
    if ((status == GPU_STATUS_OK) == attached) {
        r->has_backing = 1; /* attach that worked, or detach that did not */
        return;
    }
    r->has_backing = 0;
    if (r->kind == GPU_VIRT_KIND_2D) {
        r->size = 0;
    }
}

/* Both set-scanouts (and a PRESENT's): the scanout settles; an OK answer shows the resource (or nothing). */
void virt_complete_set_scanout(gpu_virt_t *virt, gpu_virt_client_t *cl, const gpu_virt_inflight_t *e, uint32_t status)
{
    gpu_virt_scanout_t *sc = &virt->scanouts[e->scanout];
    gpu_virt_resource_t *r = virt_res_slot(cl, e->resource_id);
    sc->busy = 0;
    if (r != NULL) {
        r->scanout_refs--;
    }
    if (status == GPU_STATUS_OK) {
        virt_scanout_show(virt, cl, e->scanout, e->resource_id);
        sc->rect = sc->pending;
        virt->scanout_layout[e->scanout] = virt->scanout_layout_pending[e->scanout];
    }
}

/* The bookkeeping an answer to client request `e` settles (one of VIRT_SETTLING_CODES). */
VIRT_COLD static void complete_settle(gpu_virt_t *virt, gpu_virt_client_t *cl, const gpu_virt_inflight_t *e,
                                      uint32_t status)
{
    switch (e->code) {
    case GPU_REQ_RESOURCE_CREATE_2D:
    case GPU_REQ_RESOURCE_CREATE_BLOB:
        complete_create(virt, cl, virt_res_checked(cl, e->resource_id), status);
        break;
    case GPU_REQ_RESOURCE_UNREF:
        complete_unref(virt, cl, virt_res_checked(cl, e->resource_id), status);
        break;
    case GPU_REQ_RESOURCE_ATTACH_BACKING:
        complete_backing(virt_res_checked(cl, e->resource_id), status, true);
        break;
    case GPU_REQ_RESOURCE_DETACH_BACKING:
        complete_backing(virt_res_checked(cl, e->resource_id), status, false);
        break;
    case GPU_REQ_UPDATE_CURSOR:
        virt_cursor_complete(virt, e, status);
        break;
    default:
        virt_complete_set_scanout(virt, cl, e, status);
        break;
    }
}

/* A client request came back: settle what it changed, answer it unless the client was released since. */
static void complete_client(gpu_virt_t *virt, const gpu_virt_inflight_t *e, uint32_t status)
{
    gpu_virt_client_t *cl = &virt->clients[e->client];
    if (((VIRT_SETTLING_CODES >> e->code) & 1u) != 0) {
        complete_settle(virt, cl, e, status);
    }
    if (cl->release_phase == GPU_VIRT_RELEASE_NONE) { /* else it was released since (gpu_virt_inflight_t) */
        virt_respond(virt, cl, e->code, e->client_id, status);
    }
}

/* ---- matching answers ---- */

/* An answer with the wrong code or an unknown status is DEVICE_ERROR: the request is treated as not done. */
static uint32_t response_status(const gpu_virt_inflight_t *e, gpu_resp_t resp)
{
    if (resp.code != e->code) {
        LOG_WARN("driver answered id %u with code %u, expected %u\n", resp.id, resp.code, e->code);
        return GPU_STATUS_DEVICE_ERROR;
    }
    return resp.status > GPU_STATUS_MAX ? GPU_STATUS_DEVICE_ERROR : resp.status;
}

/* Entry `e` (found by answer `id`) is free again: its key can match no answer, and the next take bumps the id. */
static inline void inflight_free(gpu_virt_t *virt, gpu_virt_inflight_t *e, uint32_t id)
{
    e->key = id ^ GPU_VIRT_KEY_FREE;
    virt->inflight_count--;
    virt->inflight_stack[virt->inflight_count] = (uint8_t)(id & (GPU_VIRT_MAX_INFLIGHT - 1));
}

/* Any answer (the private copy), the whole way: unknown ids, odd answers, settling, the virtualiser's own. */
VIRT_COLD static void driver_complete_any(gpu_virt_t *virt, gpu_resp_t resp)
{
    gpu_virt_inflight_t *e = &virt->inflight[resp.id & (GPU_VIRT_MAX_INFLIGHT - 1)];
    /* the same slot: the key differs from the id in its state bits only, or the generation is another */
    if ((e->key ^ resp.id) > GPU_VIRT_KEY_LONG) {
        LOG_WARN("driver response with unknown id %u dropped\n", resp.id);
        return;
    }
    uint32_t status = response_status(e, resp);
    if (e->origin == GPU_VIRT_ORIGIN_CLIENT) {
        complete_client(virt, e, status);
    } else if (e->origin == GPU_VIRT_ORIGIN_DISPLAY) {
        virt_display_done(virt, status);
    } else if (e->origin == GPU_VIRT_ORIGIN_PRESENT) {
        virt_present_done(virt, e, status);
    } else {
        virt_release_done(virt, e, status);
    }
    inflight_free(virt, e, resp.id);
}

/*
 * One answer (the private copy), matched by id (slot in the low bits, a
 * generation above). The common case, a client request that settles
 * nothing (its key is its id: a SHORT key) answered with its own code and a
 * known status, is settled here with one compare for the id and what the
 * entry is; everything else goes the whole way (driver_complete_any()).
 * Returns the bit of the client it staged an answer for, or 0.
 */
static inline uint32_t driver_complete(gpu_virt_t *virt, gpu_resp_t resp)
{
    gpu_virt_inflight_t *e = &virt->inflight[resp.id & (GPU_VIRT_MAX_INFLIGHT - 1)];
    if (e->key != resp.id || e->code != resp.code || resp.status > GPU_STATUS_MAX) {
        driver_complete_any(virt, resp);
        return 0;
    }
    gpu_virt_client_t *cl = &virt->clients[e->client];
    uint32_t client_id = e->client_id;
    bool current = cl->release_phase == GPU_VIRT_RELEASE_NONE; /* else it was released since: no answer */
    inflight_free(virt, e, resp.id);
    if (!current) {
        return 0;
    }
    uint32_t bit = cl->bit; /* read before the answer's slot is written: that store could alias it */
    virt_answer_stage(cl, resp.code, client_id, resp.status);
    return bit;
}

/*
 * The private copy of the answer in `slot_shared`: each field that matters
 * read once (the padding is never looked at), so that none is split out of
 * a wider load.
 */
static inline gpu_resp_t response_read(const gpu_resp_t *slot_shared)
{
    return (gpu_resp_t){.code = __atomic_load_n(&slot_shared->code, __ATOMIC_RELAXED),
                        .id = __atomic_load_n(&slot_shared->id, __ATOMIC_RELAXED),
                        .status = __atomic_load_n(&slot_shared->status, __ATOMIC_RELAXED),
                        ._pad = 0};
}

/*
 * Consumer side of the driver's response queue: take every answer there is,
 * a batch per look (fill level read once, the slots handed back once), then
 * ask for a signal on the next one (arm, re-check, cancel). Returns true if
 * there was any.
 */
bool virt_driver_drain(gpu_virt_t *virt)
{
    bool any = false;
    for (;;) {
        uint32_t n = gpu_queue_length(&virt->drv_resp); /* (A1) pairs with the driver's (R1) */
        const gpu_resp_t *slots_shared = (const gpu_resp_t *)virt->drv_resp.slots;
        uint32_t head = virt->drv_resp.own;
        uint32_t mask = virt->drv_resp.mask;
        uint32_t staged = 0;
        for (uint32_t i = 0; i < n; i++) {
            staged |= driver_complete(virt, response_read(&slots_shared[(head + i) & mask]));
        }
        virt->resp_staged |= staged;
        if (n != 0) {
            gpu_queue_consumer_release(&virt->drv_resp, n); /* (R2) pairs with the driver's (A2) */
            virt->drv_resp_released = 1;
            any = true;
        }
        if (gpu_queue_consumer_arm(&virt->drv_resp)) {
            return any;
        }
    }
}
