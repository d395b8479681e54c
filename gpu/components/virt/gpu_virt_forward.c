/*
 * GPU virtualiser core: taking client requests and forwarding them.
 *
 * A client is served in batches. The room of its queues is computed once
 * per batch: the requests ready, and the room for their answers beyond the
 * answers already owed. Each request is copied out of its slot once (only
 * the copy is checked and used) and goes through one dispatch, a switch
 * with one small function per command: check it (gpu_virt_check.c), then
 * answer it at once, hold it, or write its translated form into the next
 * driver slot (written once). The client's slots are handed back once per
 * batch; the driver queue is published once per event (notify_collect() in
 * gpu_virt.c).
 *
 * Ordering. A request that changes a resource (create, unref, attach,
 * detach) marks it busy until the driver answers; a set-scanout marks its
 * device scanout busy and counts a reference on its resource. A later
 * request that depends on a busy object is held (the client's queue is not
 * read further) until the answer comes, so every check is made on settled
 * state and completions may arrive in any order. TRANSFER_TO_2D and
 * RESOURCE_FLUSH on a settled resource are pipelined freely, and so are
 * UPDATE_CURSOR and MOVE_CURSOR on a settled scanout (and resource): they
 * make nothing busy, because the device copies the cursor image and the
 * driver keeps cursor commands in order with the others.
 */
#include <string.h>

#include "gpu_virt_check.h"

/* The forward path of the streaming commands: always inlined into the batch loop. */
#define VIRT_HOT static inline __attribute__((always_inline))

/* How a serve may send: what every request of it shares. */
typedef struct serve {
    bool fast;        /* no device barrier and nobody to defer to: room counted in drv_room is enough */
    bool round_robin; /* a fair turn (handle_driver), not the client's own notification */
} serve_t;

/* ---- room at the driver ---- */

/*
 * Producer side of the driver queue: drv_room ran out; count the room again
 * from the free in-flight entries and the driver queue's space. When the
 * queue is full, ask the driver to signal when it frees a slot (arm,
 * re-check, cancel); when the in-flight table is full, a completion will
 * come. Returns false if there is no room.
 */
static bool driver_room_refill(gpu_virt_t *virt)
{
    uint32_t entries = GPU_VIRT_MAX_INFLIGHT - virt->inflight_count;
    if (entries == 0) {
        return false;
    }
    if (gpu_queue_cached_space(&virt->drv_req) == 0 && gpu_queue_space(&virt->drv_req) == 0 &&
        gpu_queue_producer_arm(&virt->drv_req)) {
        return false;
    }
    uint32_t space = gpu_queue_cached_space(&virt->drv_req); /* refreshed by whichever look found room */
    virt->drv_room = space < entries ? space : entries;
    return virt->drv_room != 0;
}

/*
 * Count drv_room again from the free in-flight entries and a fresh look at
 * the driver queue's head, asking for no signal (the general serve does
 * that when it finds no room). Returns the room.
 */
uint32_t virt_driver_room_recount(gpu_virt_t *virt)
{
    uint32_t entries = GPU_VIRT_MAX_INFLIGHT - virt->inflight_count;
    uint32_t space = gpu_queue_space(&virt->drv_req); /* (A2) pairs with the driver's (R2) */
    virt->drv_room = space < entries ? space : entries;
    return virt->drv_room;
}

/*
 * Is there room for one more driver request? When there is none, a signal
 * has been armed so that the driver says when (so: not a pure predicate).
 */
bool virt_driver_room_or_arm(gpu_virt_t *virt)
{
    return virt->drv_room != 0 || driver_room_refill(virt);
}

/* `cl` sent the driver a request: the round-robin starts after it next time. */
static void served_last(gpu_virt_t *virt, const gpu_virt_client_t *cl)
{
    virt->last_sent = cl->index;
}

/*
 * May client `cl` send a request to the driver now? Not when the driver has
 * no room (the client is then marked waiting; driver_room_refill() made sure
 * a driver notification will come), nor, outside the round-robin, while
 * another client waits for room: it would take that room first. Waiting
 * clients are served by the next driver notification, in turn.
 *
 * A mark says what the client's latest serve found (virt_client_serve()
 * clears it first), so that it never outlives the need: a stale one would
 * make every other client defer to a client that waits for nothing, with no
 * driver notification to come.
 */
bool virt_driver_gate(gpu_virt_t *virt, const gpu_virt_client_t *cl, bool round_robin)
{
    uint32_t bit = cl->bit;
    if ((!round_robin && (virt->drv_waiting & ~bit) != 0) || !virt_driver_room_or_arm(virt)) {
        virt->drv_waiting |= bit;
        return false;
    }
    served_last(virt, cl);
    return true;
}

/* The whole gate, for rare commands and when the fast test fails: the device barrier, then virt_driver_gate(). */
VIRT_COLD static bool driver_gate(gpu_virt_t *virt, const gpu_virt_client_t *cl, bool round_robin)
{
    if (virt_device_barrier(virt)) {
        return false; /* display info is being refreshed: it may say the device was reset */
    }
    return virt_driver_gate(virt, cl, round_robin);
}

/* The whole gate for gpu_virt_present.c, whose requests take no fast path. */
bool virt_driver_admit(gpu_virt_t *virt, const gpu_virt_client_t *cl, bool round_robin)
{
    return driver_gate(virt, cl, round_robin);
}

/*
 * A check's verdict, and for a valid request whether it may go now:
 * GPU_STATUS_*, VERDICT_WAIT or VERDICT_FORWARD. `fast`: the serve found no
 * barrier and nobody it must defer to, so room counted in drv_room is
 * enough; otherwise, or when that ran out, the whole gate decides.
 */
VIRT_HOT uint32_t admit(gpu_virt_t *virt, const gpu_virt_client_t *cl, uint32_t verdict, const serve_t *s)
{
    if (verdict != VERDICT_FORWARD || (s->fast && virt->drv_room != 0)) {
        return verdict;
    }
    return driver_gate(virt, cl, s->round_robin) ? VERDICT_FORWARD : VERDICT_WAIT;
}

/* ---- reserve, fill, submit ---- */

/*
 * An admitted request goes to the driver: record what its answer needs
 * (`scanout`: the device scanout of a set-scanout), and start its driver
 * form in the next driver slot (shared memory, written once and never
 * read): code, new driver id, and zero past the first `body` bytes of the
 * body, which the caller fills. virt_driver_stage() then counts it sent.
 */
static inline gpu_req_t *forward_begin(gpu_virt_t *virt, gpu_virt_client_t *cl, const gpu_req_t *req,
                                       uint32_t resource_id, uint32_t scanout, size_t body)
{
    uint32_t driver_id = virt_inflight_take(virt,
                                            (gpu_virt_inflight_t){.client_id = req->id,
                                                                  .resource_id = (uint16_t)resource_id,
                                                                  .origin = GPU_VIRT_ORIGIN_CLIENT,
                                                                  .client = cl->index,
                                                                  .scanout = (uint8_t)scanout,
                                                                  .code = (uint8_t)req->code},
                                            virt_client_key_state(req->code));
    gpu_req_t *slot_shared = virt_driver_slot(virt);
    slot_shared->code = req->code;
    slot_shared->id = driver_id;
    memset(slot_shared->raw + body, 0, sizeof(slot_shared->raw) - body);
    return slot_shared;
}

/* ---- the hot commands: TRANSFER_TO_2D and RESOURCE_FLUSH ---- */

VIRT_HOT uint32_t send_transfer(gpu_virt_t *virt, gpu_virt_client_t *cl, gpu_req_t *req, const serve_t *s)
{
    const gpu_req_transfer_to_2d_t *t = &req->transfer_to_2d;
    const gpu_virt_resource_t *r = NULL;
    uint32_t verdict = admit(virt, cl, virt_check_transfer(cl, t, &r), s);
    if (verdict != VERDICT_FORWARD) {
        return verdict;
    }
    /* the copy becomes the driver form; the offset stays relative to the backing, and was checked against it */
    req->transfer_to_2d.resource_id = r->device_id;
    req->transfer_to_2d._pad = 0;
    virt_forward_stream(virt, cl, req, sizeof(*t));
    return VERDICT_SENT;
}

VIRT_HOT uint32_t send_flush(gpu_virt_t *virt, gpu_virt_client_t *cl, gpu_req_t *req, const serve_t *s)
{
    const gpu_req_flush_t *f = &req->flush;
    const gpu_virt_resource_t *r = NULL;
    uint32_t verdict = admit(virt, cl, virt_check_flush(virt, cl, f, &r), s);
    if (verdict != VERDICT_FORWARD) {
        return verdict;
    }
    req->flush.resource_id = r->device_id; /* the copy becomes the driver form */
    virt_forward_stream(virt, cl, req, sizeof(*f));
    return VERDICT_SENT;
}

/* ---- the other commands (out of line) ---- */

VIRT_COLD static uint32_t answer_display_info(gpu_virt_t *virt, gpu_virt_client_t *cl)
{
    if (virt->device_lost || (!virt->display_valid && !virt->display_failed)) {
        return VERDICT_WAIT; /* answered once there is display info that matches the bookkeeping */
    }
    if (!virt->display_valid) {
        cl->display_refused = 1; /* so that it hears when display info arrives after all */
        return GPU_STATUS_DEVICE_ERROR;
    }
    gpu_display_info_t view;
    virt_view_build(virt, cl, &view);
    memcpy(&cl->info->display, &view, sizeof(view)); /* the client's info region: written, never read */
    cl->initialised = 1;
    return GPU_STATUS_OK;
}

/* Both creates: the slot of client resource `id` becomes live, busy until the driver answers. */
static gpu_virt_resource_t *res_create(gpu_virt_t *virt, gpu_virt_client_t *cl, uint32_t id, uint8_t kind)
{
    gpu_virt_resource_t *r = virt_res_checked(cl, id);
    memset(r, 0, sizeof(*r));
    r->state = GPU_VIRT_RES_LIVE;
    r->kind = kind;
    r->busy = 1;
    r->device_id = virt_devid_alloc(virt, cl);
    return r;
}

VIRT_COLD static uint32_t send_create_2d(gpu_virt_t *virt, gpu_virt_client_t *cl, const gpu_req_t *req,
                                         const serve_t *s)
{
    const gpu_req_create_2d_t *c = &req->create_2d;
    uint32_t verdict = admit(virt, cl, virt_check_create_2d(virt, cl, c), s);
    if (verdict != VERDICT_FORWARD) {
        return verdict;
    }
    gpu_virt_resource_t *r = res_create(virt, cl, c->resource_id, GPU_VIRT_KIND_2D);
    r->width = (uint16_t)c->width; /* both checked <= 16384 */
    r->height = (uint16_t)c->height;
    r->format = (uint8_t)c->format; /* checked: one of GPU_FORMAT_* */
    cl->memory += (uint64_t)c->width * c->height * GPU_BYTES_PER_PIXEL;
    gpu_req_t *slot_shared = forward_begin(virt, cl, req, c->resource_id, 0, sizeof(*c));
    slot_shared->create_2d = (gpu_req_create_2d_t){r->device_id, c->format, c->width, c->height};
    virt_driver_stage(virt);
    return VERDICT_SENT;
}

VIRT_COLD static uint32_t send_create_blob(gpu_virt_t *virt, gpu_virt_client_t *cl, const gpu_req_t *req,
                                           const serve_t *s)
{
    const gpu_req_create_blob_t *c = &req->create_blob;
    uint32_t verdict = admit(virt, cl, virt_check_create_blob(virt, cl, c), s);
    if (verdict != VERDICT_FORWARD) {
        return verdict;
    }
    gpu_virt_resource_t *r = res_create(virt, cl, c->resource_id, GPU_VIRT_KIND_BLOB);
    r->has_backing = 1;
    r->size = c->size;
    gpu_req_t *slot_shared = forward_begin(virt, cl, req, c->resource_id, 0, sizeof(*c));
    slot_shared->create_blob = (gpu_req_create_blob_t){r->device_id, 0, cl->cfg->data_io_base + c->mem_addr, c->size};
    virt_driver_stage(virt);
    return VERDICT_SENT;
}

/* Unref and detach (both gpu_req_resource_t): the resource is busy until the answer; the driver sees its device id. */
VIRT_COLD static uint32_t send_settle(gpu_virt_t *virt, gpu_virt_client_t *cl, const gpu_req_t *req, uint32_t verdict,
                                      const serve_t *s)
{
    verdict = admit(virt, cl, verdict, s);
    if (verdict != VERDICT_FORWARD) {
        return verdict;
    }
    uint32_t id = req->unref.resource_id;
    gpu_virt_resource_t *r = virt_res_checked(cl, id);
    r->busy = 1;
    gpu_req_t *slot_shared = forward_begin(virt, cl, req, id, 0, sizeof(gpu_req_resource_t));
    slot_shared->unref.resource_id = r->device_id;
    virt_driver_stage(virt);
    return VERDICT_SENT;
}

VIRT_COLD static uint32_t send_attach(gpu_virt_t *virt, gpu_virt_client_t *cl, const gpu_req_t *req, const serve_t *s)
{
    const gpu_req_attach_backing_t *a = &req->attach_backing;
    uint32_t verdict = admit(virt, cl, virt_check_attach(cl, a), s);
    if (verdict != VERDICT_FORWARD) {
        return verdict;
    }
    gpu_virt_resource_t *r = virt_res_checked(cl, a->resource_id);
    r->busy = 1;
    if (r->kind == GPU_VIRT_KIND_2D) {
        r->size = a->size; /* counts once the answer is OK; a blob's is its size already */
    }
    gpu_req_t *slot_shared = forward_begin(virt, cl, req, a->resource_id, 0, sizeof(*a));
    slot_shared->attach_backing =
            (gpu_req_attach_backing_t){r->device_id, 0, cl->cfg->data_io_base + a->mem_addr, a->size};
    virt_driver_stage(virt);
    return VERDICT_SENT;
}

/*
 * Both set-scanouts, once admitted: device scanout `ds` is busy until the
 * answer and will show `rect`; resource `id` (0: none) is referenced until
 * then. Returns the resource's device id, GPU_RESOURCE_ID_NONE for none.
 */
static uint32_t scanout_begin(gpu_virt_t *virt, gpu_virt_client_t *cl, uint32_t ds, uint32_t id, const gpu_rect_t *rect)
{
    virt->scanouts[ds].busy = 1;
    virt->scanouts[ds].pending = *rect;
    gpu_virt_resource_t *r = virt_res_slot(cl, id);
    if (r == NULL) {
        return GPU_RESOURCE_ID_NONE;
    }
    r->scanout_refs++;
    return r->device_id;
}

VIRT_COLD static uint32_t send_set_scanout(gpu_virt_t *virt, gpu_virt_client_t *cl, const gpu_req_t *req,
                                           const serve_t *s)
{
    const gpu_req_set_scanout_t *c = &req->set_scanout;
    uint32_t verdict = admit(virt, cl, virt_check_set_scanout(virt, cl, c), s);
    if (verdict != VERDICT_FORWARD) {
        return verdict;
    }
    uint32_t ds = cl->cfg->scanouts[c->scanout_id];
    uint32_t device_id = scanout_begin(virt, cl, ds, c->resource_id, &c->rect);
    gpu_req_t *slot_shared = forward_begin(virt, cl, req, c->resource_id, ds, sizeof(*c));
    gpu_rect_t none = {0, 0, 0, 0};
    slot_shared->set_scanout =
            (gpu_req_set_scanout_t){ds, device_id, device_id != GPU_RESOURCE_ID_NONE ? c->rect : none};
    virt_driver_stage(virt);
    return VERDICT_SENT;
}

VIRT_COLD static uint32_t send_set_scanout_blob(gpu_virt_t *virt, gpu_virt_client_t *cl, const gpu_req_t *req,
                                                const serve_t *s)
{
    const gpu_req_set_scanout_blob_t *c = &req->set_scanout_blob;
    uint32_t verdict = admit(virt, cl, virt_check_set_scanout_blob(virt, cl, c), s);
    if (verdict != VERDICT_FORWARD) {
        return verdict;
    }
    uint32_t ds = cl->cfg->scanouts[c->scanout_id];
    uint32_t device_id = scanout_begin(virt, cl, ds, c->resource_id, &c->rect);
    virt->scanout_layout_pending[ds] = *c; /* what a PRESENT on it keeps */
    gpu_req_t *slot_shared = forward_begin(virt, cl, req, c->resource_id, ds, sizeof(*c));
    gpu_req_set_scanout_blob_t d = {.scanout_id = ds, .resource_id = device_id};
    if (device_id != GPU_RESOURCE_ID_NONE) {
        d = *c;
        d.scanout_id = ds;
        d.resource_id = device_id;
    }
    slot_shared->set_scanout_blob = d;
    virt_driver_stage(virt);
    return VERDICT_SENT;
}

/* UPDATE_CURSOR: on the device scanout, with the resource's device id; a hide (resource 0) carries nothing else. */
VIRT_COLD static uint32_t send_update_cursor(gpu_virt_t *virt, gpu_virt_client_t *cl, const gpu_req_t *req,
                                             const serve_t *s)
{
    const gpu_req_update_cursor_t *c = &req->update_cursor;
    uint32_t device_id = GPU_RESOURCE_ID_NONE;
    uint32_t verdict = admit(virt, cl, virt_check_update_cursor(virt, cl, c, &device_id), s);
    if (verdict != VERDICT_FORWARD) {
        return verdict;
    }
    uint32_t ds = cl->cfg->scanouts[c->scanout_id];
    gpu_req_t *slot_shared = forward_begin(virt, cl, req, c->resource_id, ds, sizeof(*c));
    gpu_req_update_cursor_t d = {.scanout_id = ds};
    if (device_id != GPU_RESOURCE_ID_NONE) {
        d = *c;
        d.scanout_id = ds;
        d.resource_id = device_id;
    }
    slot_shared->update_cursor = d;
    virt_driver_stage(virt);
    return VERDICT_SENT;
}

VIRT_COLD static uint32_t send_move_cursor(gpu_virt_t *virt, gpu_virt_client_t *cl, const gpu_req_t *req,
                                           const serve_t *s)
{
    const gpu_req_move_cursor_t *c = &req->move_cursor;
    uint32_t verdict = admit(virt, cl, virt_check_move_cursor(virt, cl, c), s);
    if (verdict != VERDICT_FORWARD) {
        return verdict;
    }
    uint32_t ds = cl->cfg->scanouts[c->scanout_id];
    gpu_req_t *slot_shared = forward_begin(virt, cl, req, GPU_RESOURCE_ID_NONE, ds, sizeof(*c));
    slot_shared->move_cursor = (gpu_req_move_cursor_t){ds, c->x, c->y};
    virt_driver_stage(virt);
    return VERDICT_SENT;
}

/* Everything but TRANSFER_TO_2D and RESOURCE_FLUSH on an initialised client. */
VIRT_COLD static uint32_t dispatch_other(gpu_virt_t *virt, gpu_virt_client_t *cl, gpu_req_t *req, const serve_t *s)
{
    if (req->code == GPU_REQ_PRESENT) {
        return virt_present_dispatch(virt, cl, req, s->round_robin); /* its second step may come after a release */
    }
    if (!cl->initialised && req->code != GPU_REQ_GET_DISPLAY_INFO) {
        return req->code - 1u < GPU_REQ_MAX ? GPU_STATUS_NOT_READY : GPU_STATUS_UNSUPPORTED;
    }
    switch (req->code) {
    case GPU_REQ_GET_DISPLAY_INFO:
        return answer_display_info(virt, cl);
    case GPU_REQ_RESOURCE_CREATE_2D:
        return send_create_2d(virt, cl, req, s);
    case GPU_REQ_RESOURCE_CREATE_BLOB:
        return send_create_blob(virt, cl, req, s);
    case GPU_REQ_RESOURCE_UNREF:
        return send_settle(virt, cl, req, virt_check_unref(cl, req->unref.resource_id), s);
    case GPU_REQ_RESOURCE_ATTACH_BACKING:
        return send_attach(virt, cl, req, s);
    case GPU_REQ_RESOURCE_DETACH_BACKING:
        return send_settle(virt, cl, req, virt_check_detach(cl, req->detach_backing.resource_id), s);
    case GPU_REQ_SET_SCANOUT:
        return send_set_scanout(virt, cl, req, s);
    case GPU_REQ_SET_SCANOUT_BLOB:
        return send_set_scanout_blob(virt, cl, req, s);
    case GPU_REQ_TRANSFER_TO_2D:
        return send_transfer(virt, cl, req, s);
    case GPU_REQ_RESOURCE_FLUSH:
        return send_flush(virt, cl, req, s);
    case GPU_REQ_UPDATE_CURSOR:
        return send_update_cursor(virt, cl, req, s);
    case GPU_REQ_MOVE_CURSOR:
        return send_move_cursor(virt, cl, req, s);
    default:
        return GPU_STATUS_UNSUPPORTED;
    }
}

/*
 * The one dispatch: request `req` (the private copy) of client `cl`, one
 * switch with one small function per command (the streaming ones inline).
 * Returns the status to answer with at once, VERDICT_WAIT (hold it, the
 * copy unchanged) or VERDICT_SENT (the copy may have become the driver's
 * form).
 */
VIRT_HOT uint32_t request_dispatch(gpu_virt_t *virt, gpu_virt_client_t *cl, gpu_req_t *req, const serve_t *s)
{
    if (req->code == GPU_REQ_TRANSFER_TO_2D && cl->initialised) {
        return send_transfer(virt, cl, req, s);
    }
    if (req->code == GPU_REQ_RESOURCE_FLUSH && cl->initialised) {
        return send_flush(virt, cl, req, s);
    }
    return dispatch_other(virt, cl, req, s);
}

/* ---- taking requests ---- */

/*
 * A client that nothing is held for and no release is under way for (so:
 * in the main loop of virt_client_serve()) was just asked for a signal, and
 * the serve stops: it is idle (virt_client_idle()) until it notifies, so a
 * driver notification need not look at it. gpu_virt_handle_client() and
 * virt_release_begin() clear the bit.
 */
static inline void client_now_idle(gpu_virt_t *virt, const gpu_virt_client_t *cl)
{
    virt->clients_idle |= cl->bit;
}

/*
 * Producer side of the response queue, when the cached head leaves no slot
 * beyond the answers owed: look at the head again, and when there is still
 * none and nothing is owed, ask the client to signal when it frees a slot
 * (once: resp_armed stays set until the client notifies us).
 */
VIRT_COLD static uint32_t answer_room_refresh(gpu_virt_t *virt, gpu_virt_client_t *cl)
{
    uint32_t space = gpu_queue_space(&cl->resp); /* (A2) pairs with the client's (R2) */
    if (space > cl->owed) {
        return space - cl->owed;
    }
    if (cl->owed != 0 || cl->resp_armed) {
        return 0; /* answers at the driver will be written first, or a signal is due */
    }
    if (gpu_queue_producer_arm(&cl->resp)) {
        cl->resp_armed = 1;
        client_now_idle(virt, cl);
        return 0;
    }
    space = gpu_queue_cached_space(&cl->resp); /* the arm's re-check refreshed it */
    return space > cl->owed ? space - cl->owed : 0;
}

/* Producer side of the response queue: answers that still have a slot beyond those owed (the cached head first). */
VIRT_HOT uint32_t answer_room_or_arm(gpu_virt_t *virt, gpu_virt_client_t *cl)
{
    uint32_t space = gpu_queue_cached_space(&cl->resp);
    return space > cl->owed ? space - cl->owed : answer_room_refresh(virt, cl);
}

/*
 * Consumer side of the request queue, emptied as far as the last look saw:
 * ask the client to signal its next request (arm, re-check, cancel: the
 * re-check is the fresh look, so none is made before it). Once: req_armed
 * stays set until the client notifies us, and meanwhile a fresh look is
 * all. Returns the requests ready.
 */
static uint32_t requests_arm(gpu_virt_t *virt, gpu_virt_client_t *cl)
{
    if (cl->req_armed) {
        return gpu_queue_length(&cl->req); /* (A1) pairs with the client's (R1) */
    }
    if (gpu_queue_consumer_arm(&cl->req)) {
        cl->req_armed = 1;
        client_now_idle(virt, cl);
        return 0;
    }
    return gpu_queue_cached_length(&cl->req); /* the arm's re-check refreshed it: (A1) */
}

/* Requests the client may take now, at most `max`: ready, and with room for their answers. */
static uint32_t client_ready(gpu_virt_t *virt, gpu_virt_client_t *cl, uint32_t max)
{
    uint32_t room = answer_room_or_arm(virt, cl);
    if (room == 0) {
        return 0;
    }
    uint32_t ready = gpu_queue_length(&cl->req); /* a serve's first look is fresh: (A1) pairs with the client's (R1) */
    if (ready == 0) {
        ready = requests_arm(virt, cl);
    }
    ready = ready < room ? ready : room;
    return ready < max ? ready : max;
}

/*
 * After a batch: more requests the client may take, at most `max`. The
 * requests come first: when the last look saw none left, the queue is
 * armed at once (its re-check is the fresh look), and a client with
 * nothing ready does not need its answer room counted.
 */
static uint32_t client_more(gpu_virt_t *virt, gpu_virt_client_t *cl, uint32_t max)
{
    /*
     * What the last look saw, less what the batch took: no clamp needed,
     * since the batch took no more than a clamped fill level said was there.
     */
    uint32_t ready = cl->req.cached - cl->req.own;
    if (ready == 0 && (ready = requests_arm(virt, cl)) == 0) {
        return 0; /* emptied: asked for a signal on the next request */
    }
    uint32_t room = answer_room_or_arm(virt, cl);
    ready = ready < room ? ready : room;
    return ready < max ? ready : max;
}

/* Dispatch one request and answer it if that is its outcome; returns the outcome. */
VIRT_HOT uint32_t request_handle(gpu_virt_t *virt, gpu_virt_client_t *cl, gpu_req_t *req, const serve_t *s)
{
    uint32_t outcome = request_dispatch(virt, cl, req, s);
    if (outcome != VERDICT_WAIT && outcome != VERDICT_SENT) {
        virt_respond(virt, cl, req->code, req->id, outcome);
    }
    return outcome;
}

/*
 * Consumer side: take `n` requests (client_ready() said they are there and
 * their answers have room) and handle each; stop at one that must wait,
 * which becomes `held`. Hands the slots back once. Returns how many were
 * answered or sent.
 */
static uint32_t client_batch(gpu_virt_t *virt, gpu_virt_client_t *cl, uint32_t n, const serve_t *s)
{
    uint32_t taken = 0;
    while (taken < n) {
        gpu_req_t req;
        const void *slot_shared = gpu_queue_slot(&cl->req, cl->req.own + taken, sizeof(gpu_req_t));
        memcpy(&req, slot_shared, sizeof(req)); /* read once: only the copy is checked and used */
        taken++;
        if (request_handle(virt, cl, &req, s) == VERDICT_WAIT) {
            cl->held = req;
            cl->has_held = 1;
            break;
        }
    }
    /*
     * Every request taken is owed an answer, counted once per batch: in the
     * batch, answers staged at once only decrement the count (unsigned, so
     * the sum comes out right) and nothing reads it.
     */
    cl->owed += taken;
    /* (R2) once per batch, after the last read of a slot: pairs with the client's (A2) */
    gpu_queue_consumer_release(&cl->req, taken);
    virt->req_freed |= cl->bit;
    return taken - cl->has_held;
}

/* A release under way, then the request the client holds: false if the client must still wait. */
VIRT_COLD static bool serve_pending(gpu_virt_t *virt, gpu_virt_client_t *cl, uint32_t budget, const serve_t *s,
                                    uint32_t *done)
{
    if (cl->release_phase != GPU_VIRT_RELEASE_NONE) {
        *done = virt_release_serve(virt, cl, budget, s->round_robin);
        if (cl->release_phase != GPU_VIRT_RELEASE_NONE) {
            return false;
        }
    }
    if (!cl->has_held || *done == budget) {
        return *done < budget;
    }
    uint32_t outcome = request_handle(virt, cl, &cl->held, s);
    if (outcome == VERDICT_WAIT) {
        return false;
    }
    if (outcome == VERDICT_SENT) {
        served_last(virt, cl);
    }
    cl->has_held = 0;
    (*done)++;
    return *done < budget;
}

/*
 * Serve client `cl`: its release if one is under way, then the request it
 * holds, then batches of its queue, up to `budget` requests answered or
 * sent. Stops when its queue is empty, its answers have no room, or a
 * request must wait. `round_robin`: a fair turn (handle_driver), not its own
 * notification. Returns how many requests (or release steps) moved.
 */
uint32_t virt_client_serve(gpu_virt_t *virt, gpu_virt_client_t *cl, uint32_t budget, bool round_robin)
{
    uint32_t others = virt->drv_waiting & ~cl->bit;
    virt->drv_waiting = others; /* set again if it still needs driver room */
    serve_t s = {!virt_device_barrier(virt) && (round_robin || others == 0), round_robin};
    uint32_t done = 0;
    if ((cl->release_phase != GPU_VIRT_RELEASE_NONE || cl->has_held) && !serve_pending(virt, cl, budget, &s, &done)) {
        return done;
    }
    uint32_t drv_before = virt->drv_req.own; /* what it sends shows there: no flag per request */
    uint32_t n = client_ready(virt, cl, budget - done);
    while (n != 0) {
        done += client_batch(virt, cl, n, &s);
        if (cl->has_held || done == budget) {
            break;
        }
        n = client_more(virt, cl, budget - done);
    }
    if (virt->drv_req.own != drv_before) {
        served_last(virt, cl);
    }
    return done;
}
