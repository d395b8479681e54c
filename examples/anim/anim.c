/*
 * The animated example's core: see anim.h.
 */
#define SDDF_LOG_COMPONENT "ANIM"

#include <string.h>

#include <sddf/log.h>

#include "anim.h"

#define RESOURCE_ID 1u /* buffer i is resource RESOURCE_ID + i */

static void build_done(gpu_client_t *c, gpu_client_op_t *op);
static void frame_done(gpu_client_t *c, gpu_client_op_t *op);
static void next(anim_t *a);

void anim_init(anim_t *a, gpu_client_t *c, const anim_config_t *cfg)
{
    memset(a, 0, sizeof(*a));
    a->cfg = *cfg;
    a->client = c;
    a->dx = 1;
    a->dy = 1;
}

uint32_t anim_background(uint32_t x, uint32_t y)
{
    return 0xff000000u | ((x & 0xffu) << 16) | (((x + y) / 4 & 0x3fu) << 8) | ((y & 0xffu) ^ 0x80u);
}

static void fill(const anim_t *a, const gpu_fb_t *fb, gpu_rect_t r, bool box)
{
    uint32_t *px = gpu_fb_pixels(a->client, fb);
    for (uint32_t y = r.y; y < r.y + r.height; y++) {
        for (uint32_t x = r.x; x < r.x + r.width; x++) {
            px[(size_t)y * a->width + x] = box ? ANIM_BOX_COLOUR : anim_background(x, y);
        }
    }
}

static gpu_rect_t box_at(const anim_t *a, uint32_t x, uint32_t y)
{
    return (gpu_rect_t){x, y, a->cfg.box, a->cfg.box};
}

static gpu_rect_t rect_union(gpu_rect_t p, gpu_rect_t q)
{
    uint32_t x0 = p.x < q.x ? p.x : q.x;
    uint32_t y0 = p.y < q.y ? p.y : q.y;
    uint32_t x1 = p.x + p.width > q.x + q.width ? p.x + p.width : q.x + q.width;
    uint32_t y1 = p.y + p.height > q.y + q.height ? p.y + p.height : q.y + q.height;
    return (gpu_rect_t){x0, y0, x1 - x0, y1 - y0};
}

/* Moves one axis by step, bouncing off [0, limit]. */
static uint32_t move_axis(uint32_t pos, int32_t *dir, uint32_t step, uint32_t limit)
{
    if (*dir > 0) {
        if (limit - pos <= step) {
            *dir = -1;
            return limit;
        }
        return pos + step;
    }
    if (pos <= step) {
        *dir = 1;
        return 0;
    }
    return pos - step;
}

/*
 * May the next frame be drawn? Into the back buffer only once the
 * completion word says the present that replaced it on the scanout is done
 * (so the device no longer reads it), and its previous frame's op is over.
 */
static bool back_ready(const anim_t *a)
{
    const anim_buffer_t *b = &a->buf[a->back];
    return !b->busy && gpu_client_present_fence(a->client) >= b->free_at;
}

/* Draws the next frame into the back buffer and stages its transfer (2D) and present. */
static void stage_frame(anim_t *a)
{
    anim_buffer_t *b = &a->buf[a->back];
    gpu_rect_t old = box_at(a, b->x, b->y);
    fill(a, &b->fb, old, false);
    a->x = move_axis(a->x, &a->dx, a->cfg.step, a->width - a->cfg.box);
    a->y = move_axis(a->y, &a->dy, a->cfg.step, a->height - a->cfg.box);
    b->x = a->x;
    b->y = a->y;
    fill(a, &b->fb, box_at(a, a->x, a->y), true);
    gpu_rect_t damage = rect_union(old, box_at(a, a->x, a->y));
    a->damage_pixels += (uint64_t)damage.width * damage.height;
    gpu_client_op_init(&b->op, frame_done, a);
    if (!gpu_fb_flip(a->client, &b->op, &b->fb, damage, ++a->fence)) {
        return; /* no room in the client library: the next completion brings us back */
    }
    b->busy = true;
    b->free_at = UINT64_MAX;                 /* shown from this present on */
    a->buf[a->back ^ 1u].free_at = a->fence; /* no longer shown once this present is done */
    a->back ^= 1u;
}

/* Lays out both framebuffers side by side in the data region. */
static bool layout(anim_t *a, bool blob)
{
    uint64_t offset = a->cfg.fb_offset;
    for (uint32_t i = 0; i < ANIM_BUFFERS; i++) {
        gpu_fb_t *fb = &a->buf[i].fb;
        if (!gpu_fb_layout(a->client, fb, blob, a->cfg.scanout_id, RESOURCE_ID + i, a->width, a->height, offset)) {
            return false;
        }
        offset += fb->mem_size;
    }
    return true;
}

/*
 * Both framebuffers afresh, each the background with the square, created
 * and (2D) transferred whole before buffer 0 is shown and flushed, so that
 * nothing is ever written into what the scanout shows. Buffer 1 takes the
 * first frame.
 */
static void stage_build(anim_t *a)
{
    bool blob = a->cfg.use_blob && gpu_client_has_blob(a->client);
    for (uint32_t i = 0; a->live && i < ANIM_BUFFERS; i++) {
        gpu_client_unref(a->client, NULL, RESOURCE_ID + i);
    }
    a->live = false;
    if (!layout(a, blob)) {
        sddf_log("anim: two %ux%u framebuffers do not fit the data region\n", a->width, a->height);
        return;
    }
    a->x = a->x > a->width - a->cfg.box ? 0 : a->x;
    a->y = a->y > a->height - a->cfg.box ? 0 : a->y;
    for (uint32_t i = 0; i < ANIM_BUFFERS; i++) {
        anim_buffer_t *b = &a->buf[i];
        fill(a, &b->fb, gpu_fb_rect(&b->fb), false);
        fill(a, &b->fb, box_at(a, a->x, a->y), true);
        b->x = a->x;
        b->y = a->y;
        b->free_at = i == 0 ? UINT64_MAX : 0;
    }
    a->live = true;
    a->back = 1;
    gpu_client_op_init(&a->op, build_done, a);
    for (uint32_t i = 0; i < ANIM_BUFFERS; i++) {
        gpu_fb_clean(a->client, &a->buf[i].fb, gpu_fb_rect(&a->buf[i].fb));
        gpu_fb_create_hidden(a->client, &a->op, &a->buf[i].fb);
        gpu_fb_transfer(a->client, &a->op, &a->buf[i].fb, gpu_fb_rect(&a->buf[i].fb));
    }
    gpu_fb_show(a->client, &a->op, &a->buf[0].fb);
    gpu_fb_flush(a->client, &a->op, &a->buf[0].fb, gpu_fb_rect(&a->buf[0].fb));
}

static bool frames_in_flight(const anim_t *a)
{
    return a->buf[0].busy || a->buf[1].busy;
}

/* max_frames reached, counting the frames in flight as if they will succeed (a failed one is drawn again). */
static bool finished(const anim_t *a)
{
    uint32_t coming = (uint32_t)a->buf[0].busy + (uint32_t)a->buf[1].busy + (uint32_t)a->busy;
    return a->cfg.max_frames != 0 && a->frames + coming >= a->cfg.max_frames;
}

/* Starts what can start: a rebuild once nothing is in flight, else frames into the buffers that are free. */
static void next(anim_t *a)
{
    if (a->busy) {
        return;
    }
    if (a->resize) {
        if (frames_in_flight(a)) {
            return; /* the last frame's completion brings us back */
        }
        a->resize = false;
        stage_build(a);
        a->busy = a->op.count != 0;
    } else {
        /* As far ahead as the buffers allow: the fence stops this once both are shown or still read. */
        for (uint32_t n = 0; n < ANIM_BUFFERS && a->live && !finished(a) && back_ready(a); n++) {
            stage_frame(a);
        }
    }
    gpu_client_submit(a->client);
}

/* A failed op: count it, and rebuild from scratch rather than draw on a broken framebuffer. */
static void failed(anim_t *a, const gpu_client_op_t *op)
{
    a->failures++;
    sddf_log("anim: present failed: %s (request code %u)\n", gpu_client_status_name(op->status), op->failed_code);
    a->resize = true;
}

static void counted(anim_t *a, const gpu_client_op_t *op)
{
    if (op->status != GPU_STATUS_OK) {
        failed(a, op);
        return;
    }
    a->frames++;
    a->frames_in_second++;
}

static bool given_up(const anim_t *a, const gpu_client_op_t *op)
{
    return a->failures > 8 && op->status != GPU_STATUS_OK; /* a persistently failing server: stop, not spin */
}

/*
 * Go on after an op, unless it failed for good, or with NOT_READY: the
 * virtualiser forgot us (the device was reset), and the device_reset
 * callback that follows the client library's new GET_DISPLAY_INFO rebuilds.
 */
static void go_on(anim_t *a, const gpu_client_op_t *op)
{
    if (!given_up(a, op) && op->status != GPU_STATUS_NOT_READY) {
        next(a);
    }
}

static void build_done(gpu_client_t *c, gpu_client_op_t *op)
{
    (void)c;
    anim_t *a = op->ctx;
    a->busy = false;
    counted(a, op);
    go_on(a, op);
}

static void frame_done(gpu_client_t *c, gpu_client_op_t *op)
{
    (void)c;
    anim_t *a = op->ctx;
    anim_buffer_t *b = op == &a->buf[0].op ? &a->buf[0] : &a->buf[1];
    b->busy = false;
    counted(a, op);
    go_on(a, op);
}
void anim_display_changed(anim_t *a)
{
    const gpu_display_info_t *info = gpu_client_display(a->client);
    if (a->cfg.scanout_id >= info->num_scanouts || !info->scanouts[a->cfg.scanout_id].enabled) {
        sddf_log("anim: scanout %u not usable\n", a->cfg.scanout_id);
        return;
    }
    uint32_t w = info->scanouts[a->cfg.scanout_id].rect.width;
    uint32_t h = info->scanouts[a->cfg.scanout_id].rect.height;
    if ((w == a->width && h == a->height) || w < a->cfg.box || h < a->cfg.box) {
        return;
    }
    a->width = w;
    a->height = h;
    a->resize = true;
    a->failures = 0;
    sddf_log("anim: scanout %u is %ux%u\n", a->cfg.scanout_id, w, h);
    next(a);
}

void anim_device_reset(anim_t *a)
{
    /*
     * The framebuffers are made afresh. `live` stays: a rebuild that failed
     * over may have made them on the fresh device already, so the rebuild
     * unrefs both ids first (the virtualiser answers INVALID_RESOURCE_ID for
     * ids it no longer knows; nobody waits for those answers).
     */
    a->resize = true;
    sddf_log("anim: the device was reset; making the framebuffers again\n");
    if (a->width != 0) {
        next(a);
    }
}

void anim_run_frames(anim_t *a, uint32_t n)
{
    a->cfg.max_frames += n;
    a->failures = 0;
    if (a->width != 0) {
        next(a);
    }
}

void anim_tick(anim_t *a)
{
    a->last_fps = a->frames_in_second;
    a->frames_in_second = 0;
    sddf_log("anim: %u frames/s (%u frames in all)\n", a->last_fps, a->frames);
    sddf_log("anim: present fence %llu\n", (unsigned long long)gpu_client_present_fence(a->client));
}
