/*
 * The animated example's core: see anim.h.
 */
#define SDDF_LOG_COMPONENT "ANIM"

#include <string.h>

#include <sddf/log.h>

#include "anim.h"

#define RESOURCE_ID 1u

static void anim_done(gpu_client_t *c, gpu_client_op_t *op);

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

static void fill(const anim_t *a, gpu_rect_t r, bool box)
{
    uint32_t *px = gpu_fb_pixels(a->client, &a->fb);
    for (uint32_t y = r.y; y < r.y + r.height; y++) {
        for (uint32_t x = r.x; x < r.x + r.width; x++) {
            px[(size_t)y * a->width + x] = box ? ANIM_BOX_COLOUR : anim_background(x, y);
        }
    }
}

static gpu_rect_t box_rect(const anim_t *a)
{
    return (gpu_rect_t){a->x, a->y, a->cfg.box, a->cfg.box};
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

static void stage_frame(anim_t *a)
{
    gpu_rect_t old = box_rect(a);
    fill(a, old, false);
    a->x = move_axis(a->x, &a->dx, a->cfg.step, a->width - a->cfg.box);
    a->y = move_axis(a->y, &a->dy, a->cfg.step, a->height - a->cfg.box);
    fill(a, box_rect(a), true);
    gpu_rect_t damage = rect_union(old, box_rect(a));
    a->damage_pixels += (uint64_t)damage.width * damage.height;
    gpu_fb_present(a->client, &a->op, &a->fb, damage);
}

static void stage_build(anim_t *a)
{
    bool blob = a->cfg.use_blob && gpu_client_has_blob(a->client);
    if (a->live) {
        gpu_client_unref(a->client, NULL, RESOURCE_ID);
        a->live = false;
    }
    if (!gpu_fb_layout(a->client, &a->fb, blob, a->cfg.scanout_id, RESOURCE_ID, a->width, a->height,
                       a->cfg.fb_offset)) {
        sddf_log("anim: a %ux%u framebuffer does not fit the data region\n", a->width, a->height);
        return;
    }
    a->x = a->x > a->width - a->cfg.box ? 0 : a->x;
    a->y = a->y > a->height - a->cfg.box ? 0 : a->y;
    fill(a, gpu_fb_rect(&a->fb), false);
    fill(a, box_rect(a), true);
    a->live = true;
    gpu_fb_create(a->client, &a->op, &a->fb);
    gpu_fb_present(a->client, &a->op, &a->fb, gpu_fb_rect(&a->fb));
}

static bool finished(const anim_t *a)
{
    return a->cfg.max_frames != 0 && a->frames >= a->cfg.max_frames;
}

/* Starts the next op: a rebuild after a resize, else a frame. */
static void next(anim_t *a)
{
    gpu_client_op_init(&a->op, anim_done, a);
    if (a->resize) {
        a->resize = false;
        stage_build(a);
    } else if (!finished(a)) {
        stage_frame(a);
    }
    if (a->op.count == 0) {
        return;
    }
    a->busy = true;
    gpu_client_submit(a->client);
}

static void anim_done(gpu_client_t *c, gpu_client_op_t *op)
{
    (void)c;
    anim_t *a = op->ctx;
    a->busy = false;
    if (op->status != GPU_STATUS_OK) {
        a->failures++;
        sddf_log("anim: present failed: %s (request code %u)\n", gpu_client_status_name(op->status), op->failed_code);
        a->resize = true; /* rebuild from scratch rather than draw on a broken framebuffer */
    } else {
        a->frames++;
        a->frames_in_second++;
    }
    if (a->failures > 8 && op->status != GPU_STATUS_OK) {
        return; /* a persistently failing server: stop rather than spin; the next display event restarts */
    }
    next(a);
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
    if (!a->busy) {
        next(a);
    }
}

void anim_device_reset(anim_t *a)
{
    a->live = false;
    a->resize = true; /* the framebuffer is made afresh */
    sddf_log("anim: the device was reset; making the framebuffer again\n");
    if (!a->busy && a->width != 0) {
        next(a);
    }
}

void anim_run_frames(anim_t *a, uint32_t n)
{
    a->cfg.max_frames += n;
    a->failures = 0;
    if (!a->busy && a->width != 0) {
        next(a);
    }
}

void anim_tick(anim_t *a)
{
    a->last_fps = a->frames_in_second;
    a->frames_in_second = 0;
    sddf_log("anim: %u frames/s (%u frames in all)\n", a->last_fps, a->frames);
}
