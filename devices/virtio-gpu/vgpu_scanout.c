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

/*
 * The conversion of one flush, resolved once: row(c, dst, src, n) turns n
 * pixels at src (any alignment) into XRGB8888 words at dst.
 */
typedef struct vgpu_convert vgpu_convert_t;
struct vgpu_convert {
    const vgpu_format_t *f;
    void (*row)(const vgpu_convert_t *c, uint32_t *dst, const uint8_t *src, uint64_t n);
};

#define XRGB_MASK  0x00ffffffu /* the framebuffer's X byte is 0 */
#define XRGB_CHUNK 8u

/*
 * B, G, R, then alpha or padding in memory, on a little-endian host: each
 * pixel read as a word is already 0xAARRGGBB, so a row is a copy that clears
 * the top byte. Fixed-size chunks through memcpy let the compiler use vector
 * loads and stores without assuming alignment.
 */
static void row_bgrx(const vgpu_convert_t *c, uint32_t *dst, const uint8_t *src, uint64_t n)
{
    (void)c;
    uint64_t i = 0;
    for (; n - i >= XRGB_CHUNK; i += XRGB_CHUNK) {
        uint32_t px[XRGB_CHUNK];
        memcpy(px, src + i * 4u, sizeof(px));
        for (uint32_t j = 0; j < XRGB_CHUNK; j++) {
            px[j] &= XRGB_MASK;
        }
        memcpy(dst + i, px, sizeof(px));
    }
    for (; i < n; i++) {
        uint32_t px;
        memcpy(&px, src + i * 4u, sizeof(px));
        dst[i] = px & XRGB_MASK;
    }
}

/* Any format: components picked by their byte offsets. */
static void row_any(const vgpu_convert_t *c, uint32_t *dst, const uint8_t *src, uint64_t n)
{
    const uint8_t r = c->f->r, g = c->f->g, b = c->f->b;
    for (uint64_t i = 0; i < n; i++, src += 4) {
        dst[i] = ((uint32_t)src[r] << 16) | ((uint32_t)src[g] << 8) | src[b];
    }
}

static int host_little_endian(void)
{
    const uint32_t one = 1;
    uint8_t first;
    memcpy(&first, &one, 1);
    return first == 1;
}

/* -1 for a format the model does not know (creation refuses those, so a flush never sees one). */
static int convert_resolve(vgpu_convert_t *c, uint32_t format)
{
    c->f = format_find(format);
    if (c->f == NULL) {
        return -1;
    }
    int bgrx = c->f->b == 0 && c->f->g == 1 && c->f->r == 2;
    c->row = bgrx && host_little_endian() ? row_bgrx : row_any;
    return 0;
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
    vgpu_tear_check(m, idx);
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
    vgpu_tear_check(m, idx);
    vgpu_resource_t *old = vgpu_resource_find(m, s->set.resource_id);
    if (old != NULL) {
        old->scanout_mask &= ~(1u << idx);
    }
    uint32_t flushes = s->set.flushes;
    s->set = *st;
    s->set.flushes = flushes;
    res->scanout_mask |= 1u << idx;
    vgpu_tear_arm(m, idx);
    return 0;
}

/*
 * One row of a blob scanout as the backing hands it over, piece by piece
 * (one piece per memory entry it spans): whole pixels are converted straight
 * from guest memory; a pixel split between two entries is gathered in
 * `split` first.
 */
typedef struct blob_row {
    const vgpu_convert_t *conv;
    uint32_t *dst;
    uint8_t split[4];
    uint32_t split_len;
} blob_row_t;

static void blob_row_take(void *ctx, const uint8_t *bytes, uint64_t n)
{
    blob_row_t *row = ctx;
    if (row->split_len > 0) {
        uint32_t take = n < 4u - row->split_len ? (uint32_t)n : 4u - row->split_len;
        memcpy(row->split + row->split_len, bytes, take);
        row->split_len += take;
        bytes += take;
        n -= take;
        if (row->split_len < 4u) {
            return;
        }
        row->conv->row(row->conv, row->dst++, row->split, 1);
        row->split_len = 0;
    }
    uint64_t whole = n / 4u;
    row->conv->row(row->conv, row->dst, bytes, whole);
    row->dst += whole;
    row->split_len = (uint32_t)(n % 4u);
    memcpy(row->split, bytes + whole * 4u, row->split_len);
}

/* One row of a blob scanout, read from guest memory; pixels the backing
 * does not cover are left as they were. */
static void compose_row_blob(vgpu_model_t *m, const vgpu_resource_t *res, const vgpu_model_scanout_state_t *st,
                             const vgpu_convert_t *conv, uint32_t *dst, uint64_t x, uint64_t y, uint64_t n)
{
    uint64_t off = (uint64_t)st->blob_offset + y * st->blob_stride + x * 4u;
    blob_row_t row = {.conv = conv, .dst = dst};
    (void)vgpu_backing_visit(m, res, off, n * 4u, blob_row_take, &row);
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
    vgpu_tear_check(m, idx);
    vgpu_tear_arm(m, idx);
    if (res == NULL || x0 >= x1 || y0 >= y1) {
        return;
    }
    vgpu_convert_t conv;
    if (convert_resolve(&conv, st->blob ? st->blob_format : res->format) != 0) {
        return;
    }
    for (uint64_t y = y0; y < y1; y++) {
        uint32_t *dst = s->fb + (y - st->y) * s->fb_w + (x0 - st->x);
        if (st->blob) {
            compose_row_blob(m, res, st, &conv, dst, x0, y, x1 - x0);
        } else {
            conv.row(&conv, dst, res->pixels + (y * res->width + x0) * 4u, x1 - x0);
        }
    }
}

void vgpu_scanouts_reset(vgpu_model_t *m)
{
    for (uint32_t i = 0; i < m->cfg.num_scanouts; i++) {
        vgpu_scanout_t *s = &m->scanouts[i];
        memset(&s->set, 0, sizeof(s->set));
        memset(&s->cursor, 0, sizeof(s->cursor));
        s->tear_armed = 0;
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
