/*
 * Scanouts of the device model: what each shows, and its XRGB8888
 * framebuffer, composed at RESOURCE_FLUSH from a 2D resource's storage or
 * straight from a blob's guest memory (as QEMU: the displayed image changes
 * when the driver flushes).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vgpu_internal.h"

/* Byte offsets of red, green and blue in a pixel; virtio format names list
 * the components in memory order. */
typedef struct vgpu_format {
    uint32_t format;
    uint8_t r, g, b;
} vgpu_format_t;

static const vgpu_format_t formats[] = {
        {VIRTIO_GPU_FORMAT_B8G8R8A8_UNORM, 2, 1, 0}, {VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM, 2, 1, 0},
        {VIRTIO_GPU_FORMAT_A8R8G8B8_UNORM, 1, 2, 3}, {VIRTIO_GPU_FORMAT_X8R8G8B8_UNORM, 1, 2, 3},
        {VIRTIO_GPU_FORMAT_R8G8B8A8_UNORM, 0, 1, 2}, {VIRTIO_GPU_FORMAT_X8B8G8R8_UNORM, 3, 2, 1},
        {VIRTIO_GPU_FORMAT_A8B8G8R8_UNORM, 3, 2, 1}, {VIRTIO_GPU_FORMAT_R8G8B8X8_UNORM, 0, 1, 2},
};

static const vgpu_format_t *format_find(uint32_t format)
{
    for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
        if (formats[i].format == format) {
            return &formats[i];
        }
    }
    return NULL;
}

int vgpu_format_known(uint32_t format)
{
    return format_find(format) != NULL;
}

uint32_t vgpu_pixel_to_xrgb(uint32_t format, const uint8_t *px)
{
    const vgpu_format_t *f = format_find(format);
    if (f == NULL) {
        return 0;
    }
    return ((uint32_t)px[f->r] << 16) | ((uint32_t)px[f->g] << 8) | px[f->b];
}

/* A black framebuffer of w x h (the old one is kept if memory is short). */
int vgpu_scanout_fb_alloc(vgpu_scanout_t *s, uint32_t w, uint32_t h)
{
    if (s->fb != NULL && s->fb_w == w && s->fb_h == h) {
        memset(s->fb, 0, (size_t)w * h * sizeof(uint32_t));
        return 0;
    }
    uint32_t *fb = calloc((size_t)w * h, sizeof(uint32_t));
    if (fb == NULL) {
        return -1;
    }
    free(s->fb);
    s->fb = fb;
    s->fb_w = w;
    s->fb_h = h;
    return 0;
}

void vgpu_scanout_disable(vgpu_model_t *m, uint32_t idx)
{
    vgpu_scanout_t *s = &m->scanouts[idx];
    if (s->set.resource_id == 0) {
        return;
    }
    vgpu_resource_t *res = vgpu_resource_find(m, s->set.resource_id);
    if (res != NULL) {
        res->scanout_mask &= ~(1u << idx);
    }
    uint32_t flushes = s->set.flushes;
    memset(&s->set, 0, sizeof(s->set));
    s->set.flushes = flushes;
    (void)vgpu_scanout_fb_alloc(s, s->mode_w, s->mode_h);
}

/* Shows res on scanout idx as described by st; -1 if the framebuffer cannot be allocated. */
int vgpu_scanout_attach(vgpu_model_t *m, uint32_t idx, vgpu_resource_t *res, const vgpu_model_scanout_state_t *st)
{
    vgpu_scanout_t *s = &m->scanouts[idx];
    if ((s->fb_w != st->width || s->fb_h != st->height) && vgpu_scanout_fb_alloc(s, st->width, st->height) != 0) {
        return -1;
    }
    vgpu_resource_t *old = vgpu_resource_find(m, s->set.resource_id);
    if (old != NULL) {
        old->scanout_mask &= ~(1u << idx);
    }
    uint32_t flushes = s->set.flushes;
    s->set = *st;
    s->set.flushes = flushes;
    res->scanout_mask |= 1u << idx;
    return 0;
}

static void compose_row_2d(const vgpu_resource_t *res, uint32_t *dst, uint64_t x, uint64_t y, uint64_t n)
{
    const uint8_t *src = res->pixels + (y * res->width + x) * 4u;
    for (uint64_t i = 0; i < n; i++) {
        dst[i] = vgpu_pixel_to_xrgb(res->format, src + i * 4u);
    }
}

/* One row of a blob scanout, read from guest memory; pixels the backing
 * does not cover are left as they were. */
static void compose_row_blob(vgpu_model_t *m, const vgpu_resource_t *res, const vgpu_model_scanout_state_t *st,
                             uint8_t *tmp, uint32_t *dst, uint64_t x, uint64_t y, uint64_t n)
{
    uint64_t off = (uint64_t)st->blob_offset + y * st->blob_stride + x * 4u;
    uint64_t got = vgpu_backing_read(m, res, off, tmp, n * 4u) / 4u;
    for (uint64_t i = 0; i < got; i++) {
        dst[i] = vgpu_pixel_to_xrgb(st->blob_format, tmp + i * 4u);
    }
}

static uint64_t max64(uint64_t a, uint64_t b)
{
    return a > b ? a : b;
}

static uint64_t min64(uint64_t a, uint64_t b)
{
    return a < b ? a : b;
}

/* Recomposes the part of scanout idx that flush rectangle r (in the
 * coordinates of the resource, or of the blob's framebuffer) covers. */
void vgpu_scanout_flush(vgpu_model_t *m, uint32_t idx, const virtio_gpu_rect_t *r)
{
    vgpu_scanout_t *s = &m->scanouts[idx];
    const vgpu_model_scanout_state_t *st = &s->set;
    vgpu_resource_t *res = vgpu_resource_find(m, st->resource_id);
    uint64_t x0 = max64(r->x, st->x), x1 = min64((uint64_t)r->x + r->width, (uint64_t)st->x + st->width);
    uint64_t y0 = max64(r->y, st->y), y1 = min64((uint64_t)r->y + r->height, (uint64_t)st->y + st->height);
    s->set.flushes++;
    if (res == NULL || x0 >= x1 || y0 >= y1) {
        return;
    }
    uint8_t *tmp = st->blob ? malloc((x1 - x0) * 4u) : NULL;
    if (st->blob && tmp == NULL) {
        return;
    }
    for (uint64_t y = y0; y < y1; y++) {
        uint32_t *dst = s->fb + (y - st->y) * s->fb_w + (x0 - st->x);
        if (st->blob) {
            compose_row_blob(m, res, st, tmp, dst, x0, y, x1 - x0);
        } else {
            compose_row_2d(res, dst, x0, y, x1 - x0);
        }
    }
    free(tmp);
}

void vgpu_scanouts_reset(vgpu_model_t *m)
{
    for (uint32_t i = 0; i < m->cfg.num_scanouts; i++) {
        vgpu_scanout_t *s = &m->scanouts[i];
        memset(&s->set, 0, sizeof(s->set));
        (void)vgpu_scanout_fb_alloc(s, s->mode_w, s->mode_h);
    }
}

const uint32_t *vgpu_model_framebuffer(const vgpu_model_t *m, uint32_t idx, uint32_t *w, uint32_t *h)
{
    if (idx >= m->cfg.num_scanouts) {
        return NULL;
    }
    vgpu_lock(m);
    const vgpu_scanout_t *s = &m->scanouts[idx];
    const uint32_t *fb = s->fb;
    *w = s->fb_w;
    *h = s->fb_h;
    vgpu_unlock((vgpu_model_t *)m);
    return fb;
}

int vgpu_model_scanout_state(const vgpu_model_t *m, uint32_t idx, vgpu_model_scanout_state_t *out)
{
    if (idx >= m->cfg.num_scanouts) {
        return -1;
    }
    vgpu_lock(m);
    *out = m->scanouts[idx].set;
    vgpu_unlock((vgpu_model_t *)m);
    return 0;
}

void vgpu_model_cursor_state(const vgpu_model_t *m, vgpu_model_cursor_t *out)
{
    vgpu_lock(m);
    *out = m->cursor;
    vgpu_unlock((vgpu_model_t *)m);
}
