/*
 * GPU virtualiser core: PRESENT (docs/protocol.md, PRESENT; docs/decisions.md
 * says why it is two driver requests).
 *
 * A present shows another resource of the client's on a scanout that already
 * shows one of them, in the rectangle (and for a blob the layout) the
 * scanout shows now. It goes to the driver as the SET_SCANOUT(_BLOB) that
 * says so, then a RESOURCE_FLUSH of that rectangle, back to back: the device
 * carries out a connection's commands in order, so the flush shows the new
 * resource. When both answers are in, the fence is stored into the client's
 * completion word (release) and then the client is answered.
 *
 * One present per client is under way at a time (a second one waits), so
 * the completion word only grows and "fence >= N" means every present up
 * to N is done. When the driver has room for the set-scanout but not the
 * flush, the request is held with its flush to come (stage FLUSH): nothing
 * of the client's goes between the two, and the held copy is dispatched
 * again to send it.
 */
#include <string.h>

#include "gpu_virt_internal.h"

/* ---- the check (pure) ---- */

/* The client's device scanout for virtual scanout `vs`: OK, INVALID_SCANOUT_ID, or VERDICT_WAIT while unsettled. */
static uint32_t present_scanout(const gpu_virt_t *virt, const gpu_virt_client_t *cl, uint32_t vs, uint32_t *ds)
{
    if (vs >= cl->cfg->num_scanouts || cl->cfg->scanouts[vs] >= virt->display.num_scanouts) {
        return GPU_STATUS_INVALID_SCANOUT_ID;
    }
    *ds = cl->cfg->scanouts[vs];
    bool busy = virt->scanouts[*ds].busy || virt->present[cl->index].stage != GPU_VIRT_PRESENT_IDLE;
    return busy ? VERDICT_WAIT : GPU_STATUS_OK;
}

/* What SET_SCANOUT(_BLOB) would check if it asked for the new resource with the shown rectangle and layout. */
static uint32_t present_check_as_set(const gpu_virt_t *virt, const gpu_virt_client_t *cl, const gpu_req_present_t *p,
                                     uint32_t ds, uint8_t kind)
{
    const gpu_virt_scanout_t *sc = &virt->scanouts[ds];
    if (kind == GPU_VIRT_KIND_2D) {
        gpu_req_set_scanout_t s = {.scanout_id = p->scanout_id, .resource_id = p->resource_id, .rect = sc->rect};
        return virt_check_set_scanout(virt, cl, &s);
    }
    gpu_req_set_scanout_blob_t s = virt->scanout_layout[ds];
    s.scanout_id = p->scanout_id;
    s.resource_id = p->resource_id;
    return virt_check_set_scanout_blob(virt, cl, &s);
}

/* docs/protocol.md's order: scanout, resource, fence, what the scanout shows, then SET_SCANOUT(_BLOB)'s checks. */
static uint32_t present_check(const gpu_virt_t *virt, const gpu_virt_client_t *cl, const gpu_req_present_t *p,
                              uint32_t *ds)
{
    uint32_t status = present_scanout(virt, cl, p->scanout_id, ds);
    if (status != GPU_STATUS_OK) {
        return status;
    }
    const gpu_virt_resource_t *r = virt_res_slot(cl, p->resource_id);
    if (r == NULL || (r->state != GPU_VIRT_RES_LIVE && !r->busy)) {
        return GPU_STATUS_INVALID_RESOURCE_ID;
    }
    if (r->busy) {
        return VERDICT_WAIT;
    }
    if (p->fence <= virt->present[cl->index].done) {
        return GPU_STATUS_INVALID_PARAMETER;
    }
    const gpu_virt_resource_t *shown = virt_res_slot(cl, virt->scanouts[*ds].resource_id);
    if (shown == NULL || shown->kind != r->kind) {
        return GPU_STATUS_INVALID_PARAMETER; /* nothing shown (no rectangle to keep), or the other kind */
    }
    return present_check_as_set(virt, cl, p, *ds, r->kind);
}

/* ---- the two driver requests ---- */

/* Reserve an in-flight entry and the next driver slot for part `code` of client `cl`'s present. */
static gpu_req_t *present_part_begin(gpu_virt_t *virt, gpu_virt_client_t *cl, gpu_virt_present_t *p, uint32_t code)
{
    uint32_t driver_id = virt_inflight_take(virt,
                                            (gpu_virt_inflight_t){.client_id = p->client_id,
                                                                  .resource_id = (uint16_t)p->resource_id,
                                                                  .origin = GPU_VIRT_ORIGIN_PRESENT,
                                                                  .client = cl->index,
                                                                  .scanout = p->scanout,
                                                                  .code = (uint8_t)code},
                                            GPU_VIRT_KEY_LONG);
    p->parts++;
    gpu_req_t *slot_shared = virt_driver_slot(virt);
    *slot_shared = (gpu_req_t){.code = code, .id = driver_id, .raw = {0}}; /* shared memory: written, never read */
    return slot_shared;
}

/* The set-scanout: like SET_SCANOUT(_BLOB) of the shown rectangle and layout, the scanout busy until its answer. */
static void present_send_scanout(gpu_virt_t *virt, gpu_virt_client_t *cl, gpu_virt_present_t *p, uint8_t kind)
{
    gpu_virt_resource_t *r = virt_res_checked(cl, p->resource_id);
    gpu_virt_scanout_t *sc = &virt->scanouts[p->scanout];
    sc->busy = 1;
    sc->pending = p->rect;
    r->scanout_refs++;
    virt->scanout_layout_pending[p->scanout] = virt->scanout_layout[p->scanout];
    uint32_t code = kind == GPU_VIRT_KIND_2D ? GPU_REQ_SET_SCANOUT : GPU_REQ_SET_SCANOUT_BLOB;
    gpu_req_t *slot_shared = present_part_begin(virt, cl, p, code);
    if (kind == GPU_VIRT_KIND_2D) {
        slot_shared->set_scanout = (gpu_req_set_scanout_t){p->scanout, r->device_id, p->rect};
    } else {
        gpu_req_set_scanout_blob_t d = virt->scanout_layout[p->scanout];
        d.scanout_id = p->scanout;
        d.resource_id = r->device_id;
        slot_shared->set_scanout_blob = d;
    }
    virt_driver_stage(virt);
}

/*
 * The second step: the flush, unless the set-scanout already failed or the
 * device was reset since (then the answer is due now: parts is 0, since a
 * reset is handled only once nothing is at the driver). Returns the status
 * to answer with, VERDICT_WAIT (no room: held) or VERDICT_SENT.
 */
static uint32_t present_flush(gpu_virt_t *virt, gpu_virt_client_t *cl, gpu_virt_present_t *p, bool round_robin)
{
    uint32_t status = virt->device_losses != p->losses ? GPU_STATUS_DEVICE_ERROR : p->status;
    if (status != GPU_STATUS_OK) {
        assert(p->parts == 0 && "present_flush: a failed set-scanout was answered");
        p->stage = GPU_VIRT_PRESENT_IDLE;
        return status;
    }
    if (!virt_driver_admit(virt, cl, round_robin)) {
        return VERDICT_WAIT;
    }
    gpu_req_t *slot_shared = present_part_begin(virt, cl, p, GPU_REQ_RESOURCE_FLUSH);
    slot_shared->flush = (gpu_req_flush_t){virt_res_checked(cl, p->resource_id)->device_id, p->rect};
    virt_driver_stage(virt);
    p->stage = GPU_VIRT_PRESENT_SENT;
    return VERDICT_SENT;
}

/* A fresh present that passed its check: the set-scanout now, the flush if there is room too. */
static uint32_t present_start(gpu_virt_t *virt, gpu_virt_client_t *cl, const gpu_req_t *req, uint32_t ds,
                              bool round_robin)
{
    if (!virt_driver_admit(virt, cl, round_robin)) {
        return VERDICT_WAIT;
    }
    gpu_virt_present_t *p = &virt->present[cl->index];
    const gpu_virt_resource_t *r = virt_res_checked(cl, req->present.resource_id);
    p->fence = req->present.fence;
    p->rect = virt->scanouts[ds].rect;
    p->client_id = req->id;
    p->resource_id = req->present.resource_id;
    p->epoch = cl->epoch;
    p->losses = virt->device_losses;
    p->status = GPU_STATUS_OK;
    p->stage = GPU_VIRT_PRESENT_FLUSH;
    p->parts = 0;
    p->scanout = (uint8_t)ds;
    present_send_scanout(virt, cl, p, r->kind);
    return present_flush(virt, cl, p, round_robin);
}

/*
 * Client `cl`'s PRESENT (the private copy): the second step of the one it
 * holds, or a new one. Returns a status, VERDICT_WAIT or VERDICT_SENT.
 */
uint32_t virt_present_dispatch(gpu_virt_t *virt, gpu_virt_client_t *cl, const gpu_req_t *req, bool round_robin)
{
    gpu_virt_present_t *p = &virt->present[cl->index];
    if (p->stage == GPU_VIRT_PRESENT_FLUSH && p->epoch == cl->epoch) {
        return present_flush(virt, cl, p, round_robin); /* only the held request can be in this stage */
    }
    if (!cl->initialised) {
        return GPU_STATUS_NOT_READY;
    }
    uint32_t ds = 0;
    uint32_t verdict = present_check(virt, cl, &req->present, &ds);
    return verdict == VERDICT_FORWARD ? present_start(virt, cl, req, ds, round_robin) : verdict;
}

/* ---- answers ---- */

/* Both parts are back: store the fence if both worked (release: pairs with the client's acquire), then answer. */
static void present_finish(gpu_virt_t *virt, gpu_virt_client_t *cl, gpu_virt_present_t *p)
{
    p->stage = GPU_VIRT_PRESENT_IDLE;
    if (p->status == GPU_STATUS_OK) {
        p->done = p->fence;
        __atomic_store_n(&cl->info->event.present_fence, p->fence, __ATOMIC_RELEASE); /* shared: written only */
    }
    virt_respond(virt, cl, GPU_REQ_PRESENT, p->client_id, p->status);
}

/* One part came back: settle the scanout (set-scanout), keep the first failure, finish on the last. */
void virt_present_done(gpu_virt_t *virt, const gpu_virt_inflight_t *e, uint32_t status)
{
    gpu_virt_client_t *cl = &virt->clients[e->client];
    gpu_virt_present_t *p = &virt->present[e->client];
    bool scanout_part = e->code != GPU_REQ_RESOURCE_FLUSH;
    if (scanout_part) {
        virt_complete_set_scanout(virt, cl, e, status);
    }
    assert(p->parts > 0 && "virt_present_done: a part was sent");
    p->parts--;
    if (p->epoch != cl->epoch) {
        p->stage = p->parts == 0 ? GPU_VIRT_PRESENT_IDLE : p->stage; /* released since: no fence, no answer */
        return;
    }
    if (status != GPU_STATUS_OK && (scanout_part || p->status == GPU_STATUS_OK)) {
        p->status = status;
    }
    if (p->parts == 0 && p->stage == GPU_VIRT_PRESENT_SENT) {
        present_finish(virt, cl, p);
    }
}

/* A release starts: the restarted client's fences start afresh (the word reads 0 again). */
void virt_present_release(gpu_virt_t *virt, gpu_virt_client_t *cl)
{
    gpu_virt_present_t *p = &virt->present[cl->index];
    if (p->parts == 0) {
        p->stage = GPU_VIRT_PRESENT_IDLE; /* its held second step, if any, was dropped */
    }
    p->done = 0;
    __atomic_store_n(&cl->info->event.present_fence, 0, __ATOMIC_RELEASE); /* shared: written only */
}
