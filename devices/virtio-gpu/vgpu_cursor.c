/*
 * The cursor plane of each scanout, as QEMU's virtio-gpu keeps it
 * (update_cursor() and virtio_gpu_update_cursor_data() in hw/display/virtio-gpu.c,
 * read for behaviour only):
 *
 *   - UPDATE_CURSOR sets the hot spot and, when it names a resource that is
 *     a 64x64 2D resource (or a blob of at least 64 * 64 * 4 bytes), copies
 *     its 32-bit pixels as they are now into the cursor image. Another
 *     resource leaves the image as it was (at first: all transparent).
 *   - MOVE_CURSOR sets the position only.
 *   - Either shows the cursor if its resource_id is not 0, and hides it
 *     otherwise (QEMU's dpy_mouse_set(..., resource_id ? 1 : 0)), so a
 *     driver repeats the resource id in every move.
 *
 * The position is where the hot spot goes. The image is composed over the
 * scanout's framebuffer only in what the model displays
 * (vgpu_model_composed(), screenshots); vgpu_model_framebuffer() stays the
 * primary plane.
 */
#include <stdlib.h>
#include <string.h>

#include "vgpu_internal.h"

/* The resource's pixels into the cursor image, if it can be a cursor (as QEMU decides). */
static void cursor_copy_image(vgpu_model_t *m, vgpu_cursor_plane_t *p, uint32_t resource_id)
{
    const vgpu_resource_t *res = vgpu_resource_find(m, resource_id);
    const uint64_t bytes = sizeof(p->image);
    if (res == NULL) {
        return;
    }
    if (res->blob) {
        uint32_t copy[VGPU_CURSOR_SIDE * VGPU_CURSOR_SIDE];
        if (res->blob_size >= bytes && vgpu_backing_read(m, res, 0, (uint8_t *)copy, bytes) == bytes) {
            memcpy(p->image, copy, bytes);
        }
        return;
    }
    if (res->width == VGPU_CURSOR_SIDE && res->height == VGPU_CURSOR_SIDE) {
        memcpy(p->image, res->pixels, bytes); /* rows of width * 4 bytes: contiguous */
    }
}

void vgpu_cursor_command(vgpu_model_t *m, const virtio_gpu_update_cursor_t *c)
{
    vgpu_cursor_plane_t *p = &m->scanouts[c->pos.scanout_id].cursor; /* the caller checked the scanout */
    if (c->hdr.type == VIRTIO_GPU_CMD_UPDATE_CURSOR) {
        p->hot_x = c->hot_x;
        p->hot_y = c->hot_y;
        if (c->resource_id != 0) {
            cursor_copy_image(m, p, c->resource_id);
        }
    }
    p->x = c->pos.x;
    p->y = c->pos.y;
    p->resource_id = c->resource_id;
}

/* One channel of `src` over `dst` with alpha `a` (0..255), rounded. */
static uint32_t blend_channel(uint32_t src, uint32_t dst, uint32_t a, unsigned shift)
{
    uint32_t s = (src >> shift) & 0xffu;
    uint32_t d = (dst >> shift) & 0xffu;
    return ((s * a + d * (255u - a) + 127u) / 255u) << shift;
}

static uint32_t blend(uint32_t argb, uint32_t xrgb)
{
    uint32_t a = argb >> 24;
    return blend_channel(argb, xrgb, a, 16) | blend_channel(argb, xrgb, a, 8) | blend_channel(argb, xrgb, a, 0);
}

/* Blends plane `p` into `px` (w x h), clipped; every coordinate in 64 bits, so any position is safe. */
static void cursor_blend(const vgpu_cursor_plane_t *p, uint32_t *px, uint32_t w, uint32_t h)
{
    int64_t left = (int64_t)p->x - p->hot_x;
    int64_t top = (int64_t)p->y - p->hot_y;
    for (uint32_t cy = 0; cy < VGPU_CURSOR_SIDE; cy++) {
        int64_t sy = top + cy;
        if (sy < 0 || sy >= h) {
            continue;
        }
        for (uint32_t cx = 0; cx < VGPU_CURSOR_SIDE; cx++) {
            int64_t sx = left + cx;
            if (sx >= 0 && sx < w) {
                uint32_t *dst = &px[(size_t)sy * w + (size_t)sx];
                *dst = blend(p->image[cy * VGPU_CURSOR_SIDE + cx], *dst);
            }
        }
    }
}

/* A copy of scanout `s`'s framebuffer with its cursor on top (model lock held). */
static uint32_t *cursor_compose(const vgpu_scanout_t *s)
{
    size_t n = s->fb != NULL ? (size_t)s->fb_w * s->fb_h : 0;
    uint32_t *px = malloc(n * sizeof(*px) + 1u);
    if (px == NULL) {
        return NULL;
    }
    if (n != 0) {
        memcpy(px, s->fb, n * sizeof(*px));
    }
    if (s->cursor.resource_id != 0) {
        cursor_blend(&s->cursor, px, s->fb_w, s->fb_h);
    }
    return px;
}

uint32_t *vgpu_model_composed(const vgpu_model_t *m, uint32_t idx, uint32_t *w, uint32_t *h)
{
    if (idx >= m->cfg.num_scanouts) {
        return NULL;
    }
    vgpu_lock(m);
    const vgpu_scanout_t *s = &m->scanouts[idx];
    uint32_t *px = cursor_compose(s);
    *w = s->fb != NULL ? s->fb_w : 0;
    *h = s->fb != NULL ? s->fb_h : 0;
    vgpu_unlock((vgpu_model_t *)m);
    return px;
}
