/*
 * GPU virtualiser core: the checks. Each takes the private copy of a
 * request's body (never the client's slot) and reads only settled state; it
 * writes nothing (the streaming ones hand back, through *device_id, the
 * device id of the resource they accepted). It answers with a GPU_STATUS_* for the client,
 * VERDICT_FORWARD (valid) or VERDICT_WAIT (it depends on something at the
 * driver). The order of the checks is docs/protocol.md's; the tables of
 * tests/virt/test_virt_validate.c pair every malformed input with its
 * status. All arithmetic on client values is 64-bit or overflow-checked.
 */
#include "gpu_virt_check.h"

/* ---- resources and scanouts ---- */

/* Find a live, settled resource: GPU_STATUS_OK, INVALID_RESOURCE_ID or VERDICT_WAIT. */
static uint32_t res_lookup(const gpu_virt_client_t *cl, uint32_t id, const gpu_virt_resource_t **out)
{
    const gpu_virt_resource_t *r = virt_res_slot(cl, id);
    if (r == NULL) {
        return GPU_STATUS_INVALID_RESOURCE_ID;
    }
    if (r->busy) {
        return VERDICT_WAIT;
    }
    if (r->state != GPU_VIRT_RES_LIVE) {
        return GPU_STATUS_INVALID_RESOURCE_ID;
    }
    *out = r;
    return GPU_STATUS_OK;
}

/* Can client resource `id` be created? GPU_STATUS_OK, INVALID_RESOURCE_ID or VERDICT_WAIT. */
static uint32_t res_check_new(const gpu_virt_client_t *cl, uint32_t id)
{
    const gpu_virt_resource_t *r = virt_res_slot(cl, id);
    if (r == NULL) {
        return GPU_STATUS_INVALID_RESOURCE_ID;
    }
    if (r->busy) {
        return VERDICT_WAIT;
    }
    return r->state == GPU_VIRT_RES_FREE ? GPU_STATUS_OK : GPU_STATUS_INVALID_RESOURCE_ID;
}

/*
 * Last check of both creates: a device id within the client's quota. A
 * client is charged at most max_resources ids and the quotas fit the id
 * space (config_check), so the free list never runs dry for a client within
 * its quota, whatever the device answers.
 */
static uint32_t devid_check(const gpu_virt_t *virt, const gpu_virt_client_t *cl)
{
    if (cl->devids >= cl->cfg->max_resources || virt->devid_free == 0) {
        return GPU_STATUS_OUT_OF_MEMORY;
    }
    return VERDICT_FORWARD;
}

/* Virtual scanout `vs` of `cl`: OK (and a settled device scanout), INVALID_SCANOUT_ID or VERDICT_WAIT. */
static uint32_t scanout_lookup(const gpu_virt_t *virt, const gpu_virt_client_t *cl, uint32_t vs)
{
    if (vs >= cl->cfg->num_scanouts) {
        return GPU_STATUS_INVALID_SCANOUT_ID;
    }
    uint32_t d = cl->cfg->scanouts[vs];
    if (d >= virt->display.num_scanouts) {
        return GPU_STATUS_INVALID_SCANOUT_ID; /* configured, but the device does not have it */
    }
    return virt->scanouts[d].busy ? VERDICT_WAIT : GPU_STATUS_OK;
}

/* ---- creates, unref, backing ---- */

uint32_t virt_check_create_2d(const gpu_virt_t *virt, const gpu_virt_client_t *cl, const gpu_req_create_2d_t *c)
{
    uint32_t status = res_check_new(cl, c->resource_id);
    if (status != GPU_STATUS_OK) {
        return status;
    }
    if (!gpu_format_valid(c->format) || c->width == 0 || c->height == 0 || c->width > GPU_VIRT_MAX_DIMENSION ||
        c->height > GPU_VIRT_MAX_DIMENSION) {
        return GPU_STATUS_INVALID_PARAMETER;
    }
    uint64_t need = (uint64_t)c->width * c->height * GPU_BYTES_PER_PIXEL; /* <= 2^30 */
    if (need > cl->cfg->max_memory - cl->memory) {                        /* memory <= max_memory always */
        return GPU_STATUS_OUT_OF_MEMORY;
    }
    return devid_check(virt, cl);
}

uint32_t virt_check_create_blob(const gpu_virt_t *virt, const gpu_virt_client_t *cl, const gpu_req_create_blob_t *c)
{
    if (!virt_blob_enabled(virt)) {
        return GPU_STATUS_UNSUPPORTED;
    }
    uint32_t status = res_check_new(cl, c->resource_id);
    if (status != GPU_STATUS_OK) {
        return status;
    }
    if (c->size == 0 || c->mem_addr % GPU_VIRT_BLOB_ALIGN != 0 || c->size % GPU_VIRT_BLOB_ALIGN != 0 ||
        !range_inside(c->mem_addr, c->size, cl->cfg->data_size)) {
        return GPU_STATUS_INVALID_PARAMETER;
    }
    return devid_check(virt, cl);
}

uint32_t virt_check_unref(const gpu_virt_client_t *cl, uint32_t id)
{
    const gpu_virt_resource_t *r = NULL;
    uint32_t status = res_lookup(cl, id, &r);
    if (status != GPU_STATUS_OK) {
        return status;
    }
    return r->scanout_refs != 0 ? VERDICT_WAIT : VERDICT_FORWARD;
}

uint32_t virt_check_attach(const gpu_virt_client_t *cl, const gpu_req_attach_backing_t *a)
{
    const gpu_virt_resource_t *r = NULL;
    uint32_t status = res_lookup(cl, a->resource_id, &r);
    if (status != GPU_STATUS_OK) {
        return status;
    }
    if (r->has_backing || a->size == 0 || !range_inside(a->mem_addr, a->size, cl->cfg->data_size)) {
        return GPU_STATUS_INVALID_PARAMETER;
    }
    if (r->kind == GPU_VIRT_KIND_BLOB && (a->size != r->size || a->mem_addr % GPU_VIRT_BLOB_ALIGN != 0)) {
        return GPU_STATUS_INVALID_PARAMETER;
    }
    return VERDICT_FORWARD;
}

uint32_t virt_check_detach(const gpu_virt_client_t *cl, uint32_t id)
{
    const gpu_virt_resource_t *r = NULL;
    uint32_t status = res_lookup(cl, id, &r);
    if (status != GPU_STATUS_OK) {
        return status;
    }
    if (!r->has_backing) {
        return GPU_STATUS_INVALID_PARAMETER;
    }
    if (r->kind == GPU_VIRT_KIND_BLOB && (r->scanout_refs != 0 || r->scanout_mask != 0)) {
        return r->scanout_refs != 0 ? VERDICT_WAIT : GPU_STATUS_INVALID_PARAMETER; /* shown: its memory is live */
    }
    return VERDICT_FORWARD;
}

/* ---- SET_SCANOUT and SET_SCANOUT_BLOB ---- */

uint32_t virt_check_set_scanout(const gpu_virt_t *virt, const gpu_virt_client_t *cl, const gpu_req_set_scanout_t *s)
{
    uint32_t status = scanout_lookup(virt, cl, s->scanout_id);
    if (status != GPU_STATUS_OK || s->resource_id == GPU_RESOURCE_ID_NONE) {
        return status != GPU_STATUS_OK ? status : VERDICT_FORWARD;
    }
    const gpu_virt_resource_t *r = NULL;
    status = res_lookup(cl, s->resource_id, &r);
    if (status != GPU_STATUS_OK) {
        return status;
    }
    if (r->kind != GPU_VIRT_KIND_2D || !r->has_backing || rect_too_small(&s->rect)) {
        return GPU_STATUS_INVALID_PARAMETER;
    }
    return rect_inside(&s->rect, r->width, r->height) ? VERDICT_FORWARD : GPU_STATUS_OUT_OF_BOUNDS;
}

/*
 * The blob must hold the whole framebuffer, every row a whole stride, and
 * also what virtio-gpu devices (QEMU) measure: from the rect's first pixel,
 * whole strides down to the rect's last row. Call with width * 4 <= stride
 * and the rect inside width x height: then x * 4 < stride and rows <= height,
 * so both spans are at most 2^32 * (2^32 - 1) and cannot wrap.
 */
static bool scanout_fits(const gpu_req_set_scanout_blob_t *s, uint64_t size)
{
    uint64_t frame = (uint64_t)s->stride * s->height;
    uint64_t rows = (uint64_t)s->rect.y + s->rect.height;
    uint64_t shown = (uint64_t)s->rect.x * GPU_BYTES_PER_PIXEL + rows * s->stride;
    return range_inside(s->offset, frame, size) && range_inside(s->offset, shown, size);
}

/* The framebuffer a SET_SCANOUT_BLOB describes, against blob `r`, in docs/protocol.md's order. */
static uint32_t check_blob_layout(const gpu_req_set_scanout_blob_t *s, const gpu_virt_resource_t *r)
{
    if (r->kind != GPU_VIRT_KIND_BLOB || !r->has_backing) {
        return GPU_STATUS_INVALID_PARAMETER;
    }
    uint64_t row_bytes = (uint64_t)s->width * GPU_BYTES_PER_PIXEL;
    if (!gpu_format_valid(s->format) || s->width == 0 || s->height == 0 || s->stride < row_bytes) {
        return GPU_STATUS_INVALID_PARAMETER;
    }
    if (rect_too_small(&s->rect)) {
        return GPU_STATUS_INVALID_PARAMETER;
    }
    if (!rect_inside(&s->rect, s->width, s->height) || !scanout_fits(s, r->size)) {
        return GPU_STATUS_OUT_OF_BOUNDS;
    }
    return VERDICT_FORWARD;
}

uint32_t virt_check_set_scanout_blob(const gpu_virt_t *virt, const gpu_virt_client_t *cl,
                                     const gpu_req_set_scanout_blob_t *s)
{
    if (!virt_blob_enabled(virt)) {
        return GPU_STATUS_UNSUPPORTED;
    }
    uint32_t status = scanout_lookup(virt, cl, s->scanout_id);
    if (status != GPU_STATUS_OK || s->resource_id == GPU_RESOURCE_ID_NONE) {
        return status != GPU_STATUS_OK ? status : VERDICT_FORWARD;
    }
    const gpu_virt_resource_t *r = NULL;
    status = res_lookup(cl, s->resource_id, &r);
    if (status != GPU_STATUS_OK) {
        return status;
    }
    return check_blob_layout(s, r);
}

/* ---- TRANSFER_TO_2D and RESOURCE_FLUSH ---- */

/*
 * The streaming checks' whole way (gpu_virt_check.h has their fast path):
 * the resource is absent, busy, not live or of the other kind, or a blob.
 */
uint32_t virt_check_transfer_slow(const gpu_virt_client_t *cl, const gpu_req_transfer_to_2d_t *t)
{
    const gpu_virt_resource_t *r = NULL;
    uint32_t status = res_lookup(cl, t->resource_id, &r);
    if (status != GPU_STATUS_OK) {
        return status;
    }
    if (r->kind != GPU_VIRT_KIND_2D || !r->has_backing || rect_empty(&t->rect)) {
        return GPU_STATUS_INVALID_PARAMETER;
    }
    return virt_check_transfer_layout(r, t);
}

/*
 * A blob flush updates the scanouts that show the blob, and virtio-gpu
 * devices (QEMU) refuse one that touches none of them. Settled state only:
 * wait while a set-scanout of this blob or of a scanout showing it is out.
 */
static uint32_t check_blob_flush(const gpu_virt_t *virt, const gpu_virt_resource_t *r, const gpu_rect_t *rect)
{
    if (r->scanout_refs != 0) {
        return VERDICT_WAIT;
    }
    bool touches = false;
    for (uint32_t m = r->scanout_mask; m != 0; m &= m - 1) {
        const gpu_virt_scanout_t *sc = &virt->scanouts[__builtin_ctz(m)];
        if (sc->busy) {
            return VERDICT_WAIT;
        }
        touches = touches || rect_touches(rect, &sc->rect);
    }
    return touches ? VERDICT_FORWARD : GPU_STATUS_INVALID_PARAMETER;
}

uint32_t virt_check_flush_slow(const gpu_virt_t *virt, const gpu_virt_client_t *cl, const gpu_req_flush_t *f)
{
    const gpu_virt_resource_t *r = NULL;
    uint32_t status = res_lookup(cl, f->resource_id, &r);
    if (status != GPU_STATUS_OK) {
        return status;
    }
    if (rect_empty(&f->rect)) {
        return GPU_STATUS_INVALID_PARAMETER;
    }
    if (r->kind == GPU_VIRT_KIND_2D) {
        return rect_inside(&f->rect, r->width, r->height) ? VERDICT_FORWARD : GPU_STATUS_OUT_OF_BOUNDS;
    }
    if (!rect_inside(&f->rect, UINT32_MAX, UINT32_MAX)) {
        return GPU_STATUS_OUT_OF_BOUNDS;
    }
    return check_blob_flush(virt, r, &f->rect);
}

/* ---- UPDATE_CURSOR and MOVE_CURSOR ---- */

/* Is `r` a cursor image: 2D, GPU_CURSOR_SIDE square, GPU_CURSOR_FORMAT, with backing? */
static bool cursor_image_valid(const gpu_virt_resource_t *r)
{
    return r->kind == GPU_VIRT_KIND_2D && r->width == GPU_CURSOR_SIDE && r->height == GPU_CURSOR_SIDE &&
           r->format == GPU_CURSOR_FORMAT && r->has_backing;
}

uint32_t virt_check_update_cursor(const gpu_virt_t *virt, const gpu_virt_client_t *cl, const gpu_req_update_cursor_t *u,
                                  uint32_t *device_id)
{
    uint32_t status = scanout_lookup(virt, cl, u->scanout_id);
    *device_id = GPU_RESOURCE_ID_NONE;
    if (status != GPU_STATUS_OK || u->resource_id == GPU_RESOURCE_ID_NONE) {
        return status != GPU_STATUS_OK ? status : VERDICT_FORWARD; /* resource 0: hide, the rest ignored */
    }
    const gpu_virt_resource_t *r = NULL;
    status = res_lookup(cl, u->resource_id, &r);
    if (status != GPU_STATUS_OK) {
        return status;
    }
    if (!cursor_image_valid(r) || u->hot_x >= GPU_CURSOR_SIDE || u->hot_y >= GPU_CURSOR_SIDE) {
        return GPU_STATUS_INVALID_PARAMETER;
    }
    if (u->x > GPU_CURSOR_MAX_POS || u->y > GPU_CURSOR_MAX_POS) {
        return GPU_STATUS_OUT_OF_BOUNDS;
    }
    *device_id = r->device_id;
    return VERDICT_FORWARD;
}

uint32_t virt_check_move_cursor(const gpu_virt_t *virt, const gpu_virt_client_t *cl, const gpu_req_move_cursor_t *m)
{
    uint32_t status = scanout_lookup(virt, cl, m->scanout_id);
    if (status != GPU_STATUS_OK) {
        return status;
    }
    return m->x > GPU_CURSOR_MAX_POS || m->y > GPU_CURSOR_MAX_POS ? GPU_STATUS_OUT_OF_BOUNDS : VERDICT_FORWARD;
}
