/*
 * GPU virtualiser core: the small predicates every check uses, and the fast
 * path of the two streaming checks (TRANSFER_TO_2D, RESOURCE_FLUSH), inline
 * so that the forward path pays no call for them. Pure: they read the
 * private copy of a request and settled state, and write nothing. Whatever
 * the fast path does not settle goes the whole way in gpu_virt_check.c,
 * which answers in docs/protocol.md's order; both give the same verdict for
 * every input.
 */
#pragma once

#include <string.h>

#include "gpu_virt_internal.h"

/* [off, off + len) lies inside [0, size), whatever the values. */
static inline bool range_inside(uint64_t off, uint64_t len, uint64_t size)
{
    return !(off > size || len > size - off);
}

static inline bool rect_empty(const gpu_rect_t *r)
{
    return r->width == 0 || r->height == 0;
}

/* virtio-gpu devices (QEMU) refuse to show a rectangle with a side under GPU_VIRT_MIN_SCANOUT_SIDE. */
static inline bool rect_too_small(const gpu_rect_t *r)
{
    return r->width < GPU_VIRT_MIN_SCANOUT_SIDE || r->height < GPU_VIRT_MIN_SCANOUT_SIDE;
}

static inline bool rect_inside(const gpu_rect_t *r, uint32_t width, uint32_t height)
{
    return (uint64_t)r->x + r->width <= width && (uint64_t)r->y + r->height <= height;
}

/* Do rectangles a and b touch, edges included, as QEMU measures a blob flush against a scanout? */
static inline bool rect_touches(const gpu_rect_t *a, const gpu_rect_t *b)
{
    return a->x < (uint64_t)b->x + b->width && (uint64_t)a->x + a->width >= b->x && a->y < (uint64_t)b->y + b->height &&
           (uint64_t)a->y + a->height >= b->y;
}

/*
 * Rows of `row_bytes` bytes, `rows` (>= 1) of them `stride` apart, starting
 * at `offset`: do they fit in `size` bytes? Overflow-safe for any values.
 */
static inline bool layout_fits(uint64_t offset, uint32_t stride, uint32_t rows, uint64_t row_bytes, uint64_t size)
{
    uint64_t skip = (uint64_t)stride * (rows - 1); /* both below 2^32: the product fits in 64 bits */
    return !(skip > size || offset > size - skip || row_bytes > size - skip - offset);
}

/* The first four bytes of a resource slot (state, kind, busy, has_backing) as one word. */
static inline uint32_t res_head(const gpu_virt_resource_t *r)
{
    uint32_t w;
    memcpy(&w, r, sizeof(w));
    return w;
}

/* res_head() of a slot with these four fields (folds to a constant). */
static inline uint32_t res_head_of(uint8_t state, uint8_t kind, uint8_t busy, uint8_t has_backing)
{
    gpu_virt_resource_t t = {.state = state, .kind = kind, .busy = busy, .has_backing = has_backing};
    return res_head(&t);
}

_Static_assert(offsetof(gpu_virt_resource_t, has_backing) == 3, "res_head() covers state, kind, busy, has_backing");

/* ---- gpu_virt_check.c: the streaming checks' whole way ---- */

uint32_t virt_check_transfer_slow(const gpu_virt_client_t *cl, const gpu_req_transfer_to_2d_t *t);
uint32_t virt_check_flush_slow(const gpu_virt_t *virt, const gpu_virt_client_t *cl, const gpu_req_flush_t *f);

/* A transfer on a live, settled, backed 2D resource `r`: its rectangle and rows against the resource and backing. */
static inline uint32_t virt_check_transfer_layout(const gpu_virt_resource_t *r, const gpu_req_transfer_to_2d_t *t)
{
    uint32_t stride = (uint32_t)r->width * GPU_BYTES_PER_PIXEL; /* width <= 16384 */
    uint64_t row_bytes = (uint64_t)t->rect.width * GPU_BYTES_PER_PIXEL;
    if (!rect_inside(&t->rect, r->width, r->height) ||
        !layout_fits(t->offset, stride, t->rect.height, row_bytes, r->size)) {
        return GPU_STATUS_OUT_OF_BOUNDS;
    }
    return VERDICT_FORWARD;
}

/*
 * The fast path of TRANSFER_TO_2D: a live, settled, backed 2D resource (one
 * word compare) and a non-empty rectangle whose rows fit the resource and
 * its backing. Returns the resource, or NULL for every other input (the
 * whole way, virt_check_transfer_slow(), then finds its verdict).
 */
static inline const gpu_virt_resource_t *virt_transfer_fast(const gpu_virt_client_t *cl,
                                                            const gpu_req_transfer_to_2d_t *t)
{
    if (!virt_res_id_valid(cl, t->resource_id)) {
        return NULL;
    }
    const gpu_virt_resource_t *r = virt_res_checked(cl, t->resource_id);
    if (res_head(r) != res_head_of(GPU_VIRT_RES_LIVE, GPU_VIRT_KIND_2D, 0, 1) || rect_empty(&t->rect) ||
        virt_check_transfer_layout(r, t) != VERDICT_FORWARD) {
        return NULL;
    }
    return r;
}

/* TRANSFER_TO_2D: VERDICT_FORWARD (and *out the resource) or the status. */
static inline uint32_t virt_check_transfer(const gpu_virt_client_t *cl, const gpu_req_transfer_to_2d_t *t,
                                           const gpu_virt_resource_t **out)
{
    *out = virt_transfer_fast(cl, t);
    if (*out != NULL) {
        return VERDICT_FORWARD;
    }
    *out = virt_res_slot(cl, t->resource_id); /* the whole way forwards only what the fast path takes */
    return virt_check_transfer_slow(cl, t);
}

/*
 * The fast path of RESOURCE_FLUSH: a live, settled 2D resource (backed or
 * not) and a non-empty rectangle inside it. Returns the resource, or NULL
 * for every other input (virt_check_flush_slow() finds its verdict).
 */
static inline const gpu_virt_resource_t *virt_flush_fast(const gpu_virt_client_t *cl, const gpu_req_flush_t *f)
{
    if (!virt_res_id_valid(cl, f->resource_id)) {
        return NULL;
    }
    const gpu_virt_resource_t *r = virt_res_checked(cl, f->resource_id);
    uint32_t mask = res_head_of(0xff, 0xff, 0xff, 0); /* has_backing does not matter */
    if ((res_head(r) & mask) != res_head_of(GPU_VIRT_RES_LIVE, GPU_VIRT_KIND_2D, 0, 0) || rect_empty(&f->rect) ||
        !rect_inside(&f->rect, r->width, r->height)) {
        return NULL;
    }
    return r;
}

/* RESOURCE_FLUSH: VERDICT_FORWARD (and *out the resource), VERDICT_WAIT or the status. */
static inline uint32_t virt_check_flush(const gpu_virt_t *virt, const gpu_virt_client_t *cl, const gpu_req_flush_t *f,
                                        const gpu_virt_resource_t **out)
{
    *out = virt_flush_fast(cl, f);
    if (*out != NULL) {
        return VERDICT_FORWARD;
    }
    *out = virt_res_slot(cl, f->resource_id); /* a blob's flush is valid the whole way only */
    return virt_check_flush_slow(virt, cl, f);
}
