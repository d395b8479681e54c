/*
 * The GPU demo's state machine: see gpu_demo.h.
 *
 * Resource bookkeeping: `live` has the ids whose creation succeeded,
 * `maybe` the ids an op failed on (they may or may not exist). Destroying
 * unrefs the live ones under the state's op and the doubtful ones with no
 * op (their answer does not matter), so a failure never wedges the cycle.
 */
#define SDDF_LOG_COMPONENT "GPU_DEMO"

#include <string.h>

#include <sddf/log.h>

#include "gpu_demo.h"

#define ID_2D_FULL    1u
#define ID_2D_QUARTER 2u
#define ID_BLOB_FULL  3u
#define ID_BLOB_QUART 4u

enum region {
    REGION_FULL,
    REGION_TOP_RIGHT,
    REGION_BOTTOM_RIGHT
};

static const char *const state_names[GPU_DEMO_STATES + 1] = {
        "",
        "full image (2D)",
        "top-right quadrant (2D)",
        "destroy all, scanout off",
        "full image (blob)",
        "bottom-right quadrant (blob)",
        "destroy all",
};

static void demo_done(gpu_client_t *c, gpu_client_op_t *op);

void gpu_demo_init(gpu_demo_t *d, gpu_client_t *c, const gpu_demo_config_t *cfg)
{
    memset(d, 0, sizeof(*d));
    d->cfg = *cfg;
    d->client = c;
}

static uint32_t place_axis(uint32_t image, uint32_t screen, uint32_t *src, uint32_t *dst)
{
    *src = image > screen ? (image - screen) / 2 : 0;
    *dst = screen > image ? (screen - image) / 2 : 0;
    return image < screen ? image : screen;
}

gpu_demo_placement_t gpu_demo_place(uint32_t iw, uint32_t ih, uint32_t sw, uint32_t sh)
{
    gpu_demo_placement_t p;
    p.width = place_axis(iw, sw, &p.src_x, &p.dst_x);
    p.height = place_axis(ih, sh, &p.src_y, &p.dst_y);
    return p;
}

/* The part of the image `region` names, in image coordinates. */
static gpu_rect_t region_in_image(const img2c_image_t *img, enum region region)
{
    uint32_t half_w = img->width / 2;
    uint32_t half_h = img->height / 2;
    switch (region) {
    case REGION_TOP_RIGHT:
        return (gpu_rect_t){half_w, 0, img->width - half_w, half_h};
    case REGION_BOTTOM_RIGHT:
        return (gpu_rect_t){half_w, half_h, img->width - half_w, img->height - half_h};
    default:
        return (gpu_rect_t){0, 0, img->width, img->height};
    }
}

/* The visible part of `region` on the scanout (width 0 if none of it shows). */
static gpu_rect_t region_on_screen(const gpu_demo_t *d, enum region region)
{
    const img2c_image_t *img = d->cfg.image;
    gpu_demo_placement_t p = gpu_demo_place(img->width, img->height, d->width, d->height);
    gpu_rect_t r = region_in_image(img, region);
    uint32_t x0 = r.x > p.src_x ? r.x : p.src_x;
    uint32_t y0 = r.y > p.src_y ? r.y : p.src_y;
    uint32_t x1 = r.x + r.width < p.src_x + p.width ? r.x + r.width : p.src_x + p.width;
    uint32_t y1 = r.y + r.height < p.src_y + p.height ? r.y + r.height : p.src_y + p.height;
    if (x0 >= x1 || y0 >= y1) {
        return (gpu_rect_t){0};
    }
    return (gpu_rect_t){p.dst_x + (x0 - p.src_x), p.dst_y + (y0 - p.src_y), x1 - x0, y1 - y0};
}

/* Fills the shared backing: black, with the image's `region` at its place. */
static void draw(const gpu_demo_t *d, const gpu_fb_t *fb, enum region region)
{
    uint32_t *px = gpu_fb_pixels(d->client, fb);
    memset(px, 0, (size_t)fb->stride * fb->height);
    gpu_rect_t r = region_on_screen(d, region);
    gpu_demo_placement_t p = gpu_demo_place(d->cfg.image->width, d->cfg.image->height, d->width, d->height);
    for (uint32_t y = r.y; y < r.y + r.height; y++) {
        const uint32_t *src = &d->cfg.image->pixels[(size_t)(y - p.dst_y + p.src_y) * d->cfg.image->width];
        memcpy(&px[(size_t)y * fb->width + r.x], &src[r.x - p.dst_x + p.src_x], (size_t)r.width * 4);
    }
}

static void console(const gpu_demo_t *d, uint32_t state, const char *outcome, const char *detail)
{
    sddf_log("gpu-demo: state %u %s: %s%s\n", state, state_names[state], outcome, detail);
    (void)d;
}

/* Stages UNREF (no op) of an id that may exist, so that a create of it cannot collide. */
bool gpu_demo_cleanup_id(gpu_demo_t *d, uint32_t id)
{
    uint32_t bit = 1u << id;
    if (((d->live | d->maybe) & bit) == 0) {
        return true;
    }
    d->live &= ~bit;
    d->maybe &= ~bit;
    return gpu_client_unref(d->client, NULL, id);
}

static bool stage_destroy_all(gpu_demo_t *d, bool disable)
{
    bool ok = !disable || gpu_demo_cursor_stage_hide(d);
    if (disable && ok) {
        ok = gpu_client_set_scanout(d->client, &d->op, d->cfg.scanout_id, GPU_RESOURCE_ID_NONE, (gpu_rect_t){0});
    }
    for (uint32_t id = 1; ok && id <= GPU_DEMO_MAX_RESOURCE; id++) {
        if (d->live & (1u << id)) {
            ok = gpu_client_unref(d->client, &d->op, id);
        } else if (d->maybe & (1u << id)) {
            ok = gpu_client_unref(d->client, NULL, id);
            d->maybe &= ~(1u << id);
        }
    }
    d->dying |= d->live; /* gone once the op succeeds, doubtful if it fails */
    d->live = 0;
    return ok;
}

/* Stages a fresh fb with resource `id` showing `region`. */
static bool stage_draw(gpu_demo_t *d, uint32_t id, bool blob, enum region region)
{
    gpu_fb_t *fb = &d->fb[id];
    if (!gpu_fb_layout(d->client, fb, blob, d->cfg.scanout_id, id, d->width, d->height, d->cfg.fb_offset)) {
        LOG_ERR("a %ux%u framebuffer does not fit in the data region\n", d->width, d->height);
        return false;
    }
    if (!gpu_demo_cleanup_id(d, id)) {
        return false;
    }
    /* 2D: the backing keeps the whole image; only the region is transferred. Blob: memory is the picture. */
    draw(d, fb, blob ? region : REGION_FULL);
    gpu_rect_t damage = region_on_screen(d, region);
    d->creating |= 1u << id;
    if (!gpu_fb_create(d->client, &d->op, fb)) {
        return false;
    }
    if (!blob && damage.width != 0 && !gpu_fb_transfer(d->client, &d->op, fb, damage)) {
        return false;
    }
    return gpu_fb_flush(d->client, &d->op, fb, gpu_fb_rect(fb));
}

static bool stage_state(gpu_demo_t *d, uint32_t state)
{
    switch (state) {
    case 1:
        return stage_draw(d, ID_2D_FULL, false, REGION_FULL) && gpu_demo_cursor_stage(d, 1, d->redrawing);
    case 2:
        return stage_draw(d, ID_2D_QUARTER, false, REGION_TOP_RIGHT) && gpu_demo_cursor_stage(d, 2, d->redrawing);
    case 4:
        return stage_draw(d, ID_BLOB_FULL, true, REGION_FULL);
    case 5:
        return stage_draw(d, ID_BLOB_QUART, true, REGION_BOTTOM_RIGHT);
    default:
        return stage_destroy_all(d, true);
    }
}

static bool scanout_usable(const gpu_demo_t *d)
{
    const gpu_display_info_t *info = gpu_client_display(d->client);
    return d->cfg.scanout_id < info->num_scanouts && info->scanouts[d->cfg.scanout_id].enabled && d->width != 0 &&
           d->height != 0;
}

/* Starts `state` (or its redraw). Returns false if it completed at once (skipped or failed to stage). */
static bool start_state(gpu_demo_t *d, uint32_t state, bool redraw)
{
    d->state = state;
    bool blob_state = state == 4 || state == 5;
    if (blob_state && !gpu_client_has_blob(d->client)) {
        if (!redraw) {
            console(d, state, "skipped", ", device lacks blob resources");
            d->states_done++;
        }
        return false;
    }
    gpu_client_op_init(&d->op, demo_done, d);
    d->creating = 0;
    d->dying = 0;
    d->redrawing = redraw;
    /* A redraw unrefs the state's resources first; without a display that is all it does. */
    bool draw_it = !redraw || scanout_usable(d);
    bool staged = (!redraw || stage_destroy_all(d, false)) && (!draw_it || stage_state(d, state));
    d->stage_failed = !staged;
    if (d->op.count == 0) {
        if (!staged) {
            console(d, state, "failed", ", could not stage requests");
            d->failures++;
            d->states_done++;
        }
        return false;
    }
    /* Whatever was staged goes out; the op completes when its answers are in. */
    d->running = state;
    gpu_client_submit(d->client);
    return true;
}

void gpu_demo_resume(gpu_demo_t *d)
{
    while (d->running == 0 && d->cursor.busy == 0 && gpu_client_ready(d->client)) {
        if (d->redraw_pending) {
            d->redraw_pending = false;
            if (d->state != 0 && d->state != 3 && d->state != 6 && start_state(d, d->state, true)) {
                return;
            }
        } else if (d->tick_pending) {
            d->tick_pending = false;
            if (!scanout_usable(d)) {
                LOG_WARN("scanout %u not usable: waiting for a display\n", d->cfg.scanout_id);
                return;
            }
            if (start_state(d, d->state % GPU_DEMO_STATES + 1, false)) {
                return;
            }
        } else {
            return;
        }
    }
}

static void demo_done(gpu_client_t *c, gpu_client_op_t *op)
{
    (void)c;
    gpu_demo_t *d = op->ctx;
    uint32_t state = d->running;
    d->running = 0;
    if (op->status == GPU_STATUS_OK && d->stage_failed) {
        op->status = GPU_STATUS_UNSPEC; /* not every request of the state could be staged */
    }
    if (op->status == GPU_STATUS_OK) {
        d->live |= d->creating;
    } else {
        d->maybe |= d->creating | d->dying;
        d->failures++;
    }
    bool freed_only = d->creating == 0; /* a redraw without a display */
    d->creating = 0;
    d->dying = 0;
    if (d->redrawing && freed_only) {
        sddf_log("gpu-demo: no display on scanout %u: freed state %u's resources: %s\n", d->cfg.scanout_id, state,
                 gpu_client_status_name(op->status));
    } else if (d->redrawing) {
        sddf_log("gpu-demo: re-centred state %u on %ux%u: %s\n", state, d->width, d->height,
                 gpu_client_status_name(op->status));
    } else {
        d->states_done++;
        if (op->status == GPU_STATUS_OK) {
            console(d, state, "ok", "");
        } else {
            sddf_log("gpu-demo: state %u %s: failed, %s from request %u (code %u)\n", state, state_names[state],
                     gpu_client_status_name(op->status), op->failed_index, op->failed_code);
        }
    }
    gpu_demo_resume(d);
}

/* What the display's EDID says (docs/protocol.md, GET_DISPLAY_INFO): shown, not used; the mode is rect's. */
static void log_edid(const gpu_demo_t *d, const gpu_scanout_info_t *s)
{
    if (s->edid_status == GPU_STATUS_OK) {
        sddf_log("gpu-demo: scanout %u EDID: preferred %ux%u, %ux%u mm\n", d->cfg.scanout_id, s->edid_width,
                 s->edid_height, s->width_mm, s->height_mm);
    } else {
        sddf_log("gpu-demo: scanout %u has no usable EDID (%s)\n", d->cfg.scanout_id,
                 gpu_client_status_name(s->edid_status));
    }
}

void gpu_demo_display_changed(gpu_demo_t *d)
{
    const gpu_display_info_t *info = gpu_client_display(d->client);
    uint32_t w = 0;
    uint32_t h = 0;
    if (d->cfg.scanout_id < info->num_scanouts) {
        w = info->scanouts[d->cfg.scanout_id].rect.width;
        h = info->scanouts[d->cfg.scanout_id].rect.height;
    }
    if (w == d->width && h == d->height) {
        return;
    }
    bool first = d->state == 0; /* nothing drawn yet: the first tick draws at this size */
    d->width = w;
    d->height = h;
    sddf_log("gpu-demo: scanout %u is %ux%u%s\n", d->cfg.scanout_id, w, h, first ? "" : ", re-centring");
    if (d->cfg.scanout_id < info->num_scanouts) {
        log_edid(d, &info->scanouts[d->cfg.scanout_id]);
    }
    if (!first) {
        d->redraw_pending = true;
        gpu_demo_resume(d);
    }
}

void gpu_demo_device_reset(gpu_demo_t *d)
{
    d->live = 0;
    d->maybe = 0;
    sddf_log("gpu-demo: the device was reset; drawing state %u again\n", d->state);
    if (d->state != 0) {
        d->redraw_pending = true;
        gpu_demo_resume(d);
    }
}

void gpu_demo_tick(gpu_demo_t *d)
{
    d->tick_pending = true;
    gpu_demo_resume(d);
}
