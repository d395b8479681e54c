/*
 * Private to the virtualiser core: what its files share. Not for the glue
 * or tests (they use gpu_virt.h).
 *
 *   gpu_virt.c           entry points, configuration check, the event loop, notifications
 *   gpu_virt_check.h     the checks' predicates, the streaming checks' fast path (inline)
 *   gpu_virt_check.c     the checks: pure predicates on a request copy and settled state
 *   gpu_virt_forward.c   taking client requests in batches, one dispatch per request
 *                        (check, then forward into the driver queue)
 *   gpu_virt_stream.c    the fast path of a client's notification: a run of streaming requests
 *   gpu_virt_complete.c  driver answers: matching, per-command completion, answers to clients
 *   gpu_virt_state.c     bookkeeping: device ids, memory, resources, scanouts
 *   gpu_virt_display.c   the display-info cache, display events, device loss
 *   gpu_virt_release.c   releasing a client
 *   gpu_virt_cursor.c    the cursor: what its answers settle, hiding it at a release
 *   gpu_virt_present.c   PRESENT: check, its two driver requests, the completion fence
 */
#pragma once

#include <assert.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "gpu_virt.h"

#define GPU_VIRT_MAX_DIMENSION    GPU_MAX_DIMENSION
#define GPU_VIRT_MIN_SCANOUT_SIDE GPU_MIN_SCANOUT_SIDE /* as virtio-gpu devices: QEMU refuses smaller */
#define GPU_VIRT_BLOB_ALIGN       4096u

/* Out of the hot path: rare commands, odd answers, logging. */
#define VIRT_COLD __attribute__((noinline, cold))

/* Outcomes of a check or a dispatch besides a GPU_STATUS_* answer. */
#define VERDICT_FORWARD 0x100u /* check: valid, send it to the driver */
#define VERDICT_WAIT    0x101u /* depends on something at the driver (or on driver room): hold it */
#define VERDICT_SENT    0x102u /* dispatch: it went to the driver */

_Static_assert(GPU_VIRT_MAX_DIMENSION <= UINT16_MAX, "resource sides are stored in 16 bits");

/* ---- small shared helpers ---- */

void virt_respond_dropped(uint32_t id); /* gpu_virt_complete.c: logs an answer that had no slot */

/* The slot of client resource `id`, or NULL when the id is 0 or above the client's quota. */
static inline gpu_virt_resource_t *virt_res_slot(const gpu_virt_client_t *cl, uint32_t id)
{
    return id - 1 < cl->max_resources ? &cl->res[id - 1] : NULL; /* id 0 wraps to UINT32_MAX */
}

/* True when `id` names a slot of client `cl` (1..max_resources); branching on it spares virt_res_slot()'s NULL test. */
static inline bool virt_res_id_valid(const gpu_virt_client_t *cl, uint32_t id)
{
    return id - 1 < cl->max_resources; /* id 0 wraps to UINT32_MAX */
}

/* The slot of a resource id that a check already accepted. */
static inline gpu_virt_resource_t *virt_res_checked(const gpu_virt_client_t *cl, uint32_t id)
{
    assert(id - 1 < cl->max_resources && "virt_res_checked: id was validated");
    return &cl->res[id - 1];
}

static inline bool virt_blob_enabled(const gpu_virt_t *virt)
{
    return (virt->display.features & GPU_FEATURE_BLOB) != 0;
}

/*
 * While display info is being refreshed it may bring a new device_epoch (the
 * driver reset the device), and while a loss is being handled the device
 * holds nothing of ours: device-bound requests wait for both, so that none
 * is made against bookkeeping the device no longer matches.
 */
static inline bool virt_device_barrier(const gpu_virt_t *virt)
{
    return (virt->display_wanted | virt->display_inflight | virt->device_lost) != 0;
}

/*
 * A client with nothing held that we asked for a signal (its request queue
 * was empty, or its response queue full with nothing owed) has nothing for
 * us until it notifies; gpu_virt_handle_client() serves it then.
 */
static inline bool virt_client_idle(const gpu_virt_client_t *cl)
{
    return !cl->has_held && (cl->req_armed || cl->resp_armed) && cl->release_phase == GPU_VIRT_RELEASE_NONE;
}

/* Producer side of the driver queue: the slot of the next request. virt_driver_gate() made sure it is free. */
static inline gpu_req_t *virt_driver_slot(const gpu_virt_t *virt)
{
    return gpu_queue_slot(&virt->drv_req, virt->drv_req.own, sizeof(gpu_req_t));
}

/*
 * Producer side: the request written at virt_driver_slot() counts as sent;
 * notify_collect() publishes every one of the event at once.
 */
static inline void virt_driver_stage(gpu_virt_t *virt)
{
    gpu_queue_producer_stage(&virt->drv_req, 1);
    virt->drv_room--;
    virt->drv_req_published = 1;
}

/* Codes whose answer settles bookkeeping; transfers, flushes and cursor moves change nothing we track. */
#define VIRT_SETTLING_CODES                                                                                            \
    ((1u << GPU_REQ_RESOURCE_CREATE_2D) | (1u << GPU_REQ_RESOURCE_CREATE_BLOB) | (1u << GPU_REQ_RESOURCE_UNREF) |      \
     (1u << GPU_REQ_RESOURCE_ATTACH_BACKING) | (1u << GPU_REQ_RESOURCE_DETACH_BACKING) | (1u << GPU_REQ_SET_SCANOUT) | \
     (1u << GPU_REQ_SET_SCANOUT_BLOB) | (1u << GPU_REQ_UPDATE_CURSOR))

/* The key state (GPU_VIRT_KEY_SHORT or _LONG) of client request `code` at the driver. */
static inline uint32_t virt_client_key_state(uint32_t code)
{
    return ((VIRT_SETTLING_CODES >> code) & 1u) != 0 ? GPU_VIRT_KEY_LONG : GPU_VIRT_KEY_SHORT;
}

/*
 * Take an in-flight entry off the free stack (virt_driver_gate() made sure
 * one is free) and give it a new driver id for its slot (same slot in the
 * low bits, the next generation above), returned in *driver_id. Its key is
 * that id with `state` xored in: GPU_VIRT_KEY_SHORT only for a client
 * request whose answer settles nothing (virt_client_key_state()). The
 * caller writes the rest of the entry.
 */
static inline gpu_virt_inflight_t *virt_inflight_next(gpu_virt_t *virt, uint32_t state, uint32_t *driver_id)
{
    assert(virt->inflight_count < GPU_VIRT_MAX_INFLIGHT && "virt_inflight_next: virt_driver_gate() was passed");
    size_t idx = virt->inflight_stack[virt->inflight_count];
    gpu_virt_inflight_t *e = &virt->inflight[idx];
    virt->inflight_count++;
    *driver_id = (e->key ^ GPU_VIRT_KEY_FREE) + GPU_VIRT_MAX_INFLIGHT;
    e->key = *driver_id ^ state;
    return e;
}

/* Take an in-flight entry (virt_inflight_next()) and write `rec` into it; returns its driver id. */
static inline uint32_t virt_inflight_take(gpu_virt_t *virt, gpu_virt_inflight_t rec, uint32_t state)
{
    uint32_t driver_id;
    gpu_virt_inflight_t *e = virt_inflight_next(virt, state, &driver_id);
    e->client_id = rec.client_id;
    e->what = rec.what;
    return driver_id;
}

/*
 * TRANSFER_TO_2D and RESOURCE_FLUSH keep the client's layout on the driver
 * connection: their in-flight record, then their driver form written into
 * the next driver slot once (shared memory, never read): code, driver id,
 * the first `len` bytes of the body of `req` (the private copy, checked,
 * with the device id and zero padding already in), zero after them. Their
 * answers settle nothing, so the record names no resource. Always inline:
 * it is the forward path of the streaming commands.
 */
static inline __attribute__((always_inline)) void virt_forward_stream(gpu_virt_t *virt, gpu_virt_client_t *cl,
                                                                      const gpu_req_t *req, size_t len)
{
    uint32_t driver_id;
    gpu_virt_inflight_t *e = virt_inflight_next(virt, GPU_VIRT_KEY_SHORT, &driver_id); /* they settle nothing */
    e->client_id = req->id;
    gpu_virt_inflight_t what = {.origin = GPU_VIRT_ORIGIN_CLIENT, .client = cl->index, .code = (uint8_t)req->code};
    e->what = what.what; /* one store: no scanout, no resource */
    gpu_req_t *slot_shared = virt_driver_slot(virt);
    slot_shared->code = req->code;
    slot_shared->id = driver_id;
    memcpy(slot_shared->raw, req->raw, len);
    memset(slot_shared->raw + len, 0, sizeof(slot_shared->raw) - len);
    virt_driver_stage(virt);
}

/*
 * Producer side of client `cl`'s response queue: stage one answer (the slot
 * is written once). Its slot was reserved when the request was taken
 * (answer_room_or_arm() in gpu_virt_forward.c), so there is one unless the
 * client corrupted its own queue's head index. The caller marks the client
 * in resp_staged, and notify_collect() publishes. The slot is written last,
 * so that the compiler need not read our own state again after a store to
 * shared memory.
 */
static inline void virt_answer_stage(gpu_virt_client_t *cl, uint32_t code, uint32_t id, uint32_t status)
{
    cl->owed--;
    uint32_t own = cl->resp.own;
    if (own - cl->resp.cached > cl->resp.mask && gpu_queue_space(&cl->resp) == 0) {
        virt_respond_dropped(id); /* the cached look said full (or corrupt), and so does a fresh one */
        return;
    }
    gpu_resp_t *slot_shared = gpu_queue_slot(&cl->resp, own, sizeof(gpu_resp_t));
    gpu_queue_producer_stage(&cl->resp, 1);
    *slot_shared = (gpu_resp_t){.code = code, .id = id, .status = status, ._pad = 0};
}

/* Answer request `id` of client `cl` (staged; published once per event). */
static inline void virt_respond(gpu_virt_t *virt, gpu_virt_client_t *cl, uint32_t code, uint32_t id, uint32_t status)
{
    virt_answer_stage(cl, code, id, status);
    virt->resp_staged |= cl->bit;
}

/* ---- gpu_virt_check.c: pure, read only the copy and settled state ---- */

uint32_t virt_check_create_2d(const gpu_virt_t *virt, const gpu_virt_client_t *cl, const gpu_req_create_2d_t *c);
uint32_t virt_check_create_blob(const gpu_virt_t *virt, const gpu_virt_client_t *cl, const gpu_req_create_blob_t *c);
uint32_t virt_check_unref(const gpu_virt_client_t *cl, uint32_t id);
uint32_t virt_check_attach(const gpu_virt_client_t *cl, const gpu_req_attach_backing_t *a);
uint32_t virt_check_detach(const gpu_virt_client_t *cl, uint32_t id);
uint32_t virt_check_set_scanout(const gpu_virt_t *virt, const gpu_virt_client_t *cl, const gpu_req_set_scanout_t *s);
uint32_t virt_check_set_scanout_blob(const gpu_virt_t *virt, const gpu_virt_client_t *cl,
                                     const gpu_req_set_scanout_blob_t *s);
/* TRANSFER_TO_2D and RESOURCE_FLUSH: inline in gpu_virt_check.h. */
uint32_t virt_check_update_cursor(const gpu_virt_t *virt, const gpu_virt_client_t *cl, const gpu_req_update_cursor_t *u,
                                  uint32_t *device_id);
uint32_t virt_check_move_cursor(const gpu_virt_t *virt, const gpu_virt_client_t *cl, const gpu_req_move_cursor_t *m);

/* ---- gpu_virt_state.c ---- */

uint32_t virt_devid_alloc(gpu_virt_t *virt, gpu_virt_client_t *cl);
void virt_devid_release(gpu_virt_t *virt, gpu_virt_client_t *cl, uint32_t id);
void virt_devid_retire(gpu_virt_t *virt, uint32_t id, const char *what, uint32_t status);
void virt_devids_reset(gpu_virt_t *virt);
void virt_memory_refund(gpu_virt_client_t *cl, const gpu_virt_resource_t *r);
void virt_scanout_show(gpu_virt_t *virt, gpu_virt_client_t *cl, uint32_t ds, uint32_t id);
void virt_res_forget(gpu_virt_t *virt, gpu_virt_resource_t *r);

/* ---- gpu_virt_forward.c ---- */

bool virt_driver_room_or_arm(gpu_virt_t *virt);
uint32_t virt_driver_room_recount(gpu_virt_t *virt);
bool virt_driver_gate(gpu_virt_t *virt, const gpu_virt_client_t *cl, bool round_robin);
uint32_t virt_client_serve(gpu_virt_t *virt, gpu_virt_client_t *cl, uint32_t budget, bool round_robin);

/* ---- gpu_virt_stream.c ---- */

void virt_stream_serve(gpu_virt_t *virt, gpu_virt_client_t *cl, gpu_virt_notify_t *notify);

bool virt_driver_admit(gpu_virt_t *virt, const gpu_virt_client_t *cl, bool round_robin);

/* ---- gpu_virt.c ---- */

/* The general serve of client `cl`'s notification from the first request the fast path left, then its publish. */
void virt_client_serve_rest(gpu_virt_t *virt, gpu_virt_client_t *cl, gpu_virt_notify_t *notify);

/* ---- gpu_virt_complete.c ---- */

bool virt_driver_drain(gpu_virt_t *virt);
void virt_complete_set_scanout(gpu_virt_t *virt, gpu_virt_client_t *cl, const gpu_virt_inflight_t *e, uint32_t status);

/* ---- gpu_virt_display.c ---- */

void virt_view_build(const gpu_virt_t *virt, const gpu_virt_client_t *cl, gpu_display_info_t *view);
void virt_display_done(gpu_virt_t *virt, uint32_t status);
bool virt_display_pump(gpu_virt_t *virt);
bool virt_device_forget(gpu_virt_t *virt);

/* ---- gpu_virt_release.c ---- */

void virt_release_begin(gpu_virt_t *virt, gpu_virt_client_t *cl);
uint32_t virt_release_serve(gpu_virt_t *virt, gpu_virt_client_t *cl, uint32_t budget, bool round_robin);
void virt_release_done(gpu_virt_t *virt, const gpu_virt_inflight_t *e, uint32_t status);

/* ---- gpu_virt_cursor.c ---- */

void virt_cursor_complete(gpu_virt_t *virt, const gpu_virt_inflight_t *e, uint32_t status);
bool virt_release_cursors(gpu_virt_t *virt, gpu_virt_client_t *cl, bool round_robin);
void virt_cursor_release_done(gpu_virt_t *virt, const gpu_virt_inflight_t *e, uint32_t status);
/* ---- gpu_virt_present.c ---- */

uint32_t virt_present_dispatch(gpu_virt_t *virt, gpu_virt_client_t *cl, const gpu_req_t *req, bool round_robin);
void virt_present_done(gpu_virt_t *virt, const gpu_virt_inflight_t *e, uint32_t status);
void virt_present_release(gpu_virt_t *virt, gpu_virt_client_t *cl);
