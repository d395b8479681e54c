/*
 * The multi-client example's core: see multi_client.h.
 */
#define SDDF_LOG_COMPONENT "MULTI"

#include <string.h>

#include <sddf/log.h>

#include "multi_client.h"

/* A draw at a new size creates the other id before it unrefs the shown one. */
#define RESOURCE_ID       1u
#define RESOURCE_ID_OTHER 2u
#define PROBE_WIDTH       64u
#define PROBE_HEIGHT      64u

static void multi_done(gpu_client_t *c, gpu_client_op_t *op);

void multi_client_init(multi_client_t *m, gpu_client_t *c, const multi_client_config_t *cfg)
{
    memset(m, 0, sizeof(*m));
    m->cfg = *cfg;
    m->client = c;
}

uint32_t multi_pattern_pixel(uint32_t x, uint32_t y)
{
    uint32_t check = ((x / 32) + (y / 32)) & 1u;
    uint32_t r = check ? 0xe0u : (x * 3) & 0xffu;
    uint32_t g = (y * 2) & 0xffu;
    uint32_t b = check ? (x + y) & 0xffu : 0x40u;
    return 0xff000000u | (r << 16) | (g << 8) | b;
}

static void draw_image(const multi_client_t *m, uint32_t *px)
{
    const img2c_image_t *img = m->cfg.image;
    uint32_t w = img->width < m->width ? img->width : m->width;
    uint32_t h = img->height < m->height ? img->height : m->height;
    uint32_t sx = (img->width - w) / 2;
    uint32_t sy = (img->height - h) / 2;
    uint32_t dx = (m->width - w) / 2;
    uint32_t dy = (m->height - h) / 2;
    for (uint32_t y = 0; y < h; y++) {
        memcpy(&px[(size_t)(dy + y) * m->width + dx], &img->pixels[(size_t)(sy + y) * img->width + sx], (size_t)w * 4);
    }
}

static void draw(const multi_client_t *m)
{
    uint32_t *px = gpu_fb_pixels(m->client, &m->fb);
    memset(px, 0, (size_t)m->fb.stride * m->fb.height);
    if (m->cfg.role == MULTI_ROLE_IMAGE) {
        draw_image(m, px);
        return;
    }
    for (uint32_t y = 0; y < m->height; y++) {
        for (uint32_t x = 0; x < m->width; x++) {
            px[(size_t)y * m->width + x] = multi_pattern_pixel(x, y);
        }
    }
}

/* multi-c: create a small resource, ask to show it on scanout 0 (which it does not own), drop it. */
static bool stage_probe(multi_client_t *m)
{
    gpu_rect_t r = {0, 0, PROBE_WIDTH, PROBE_HEIGHT};
    return gpu_client_create_2d(m->client, &m->op, RESOURCE_ID, GPU_FB_FORMAT, PROBE_WIDTH, PROBE_HEIGHT) &&
           gpu_client_attach_backing(m->client, &m->op, RESOURCE_ID, m->cfg.fb_offset,
                                     gpu_fb_bytes(PROBE_WIDTH, PROBE_HEIGHT)) &&
           gpu_client_set_scanout(m->client, &m->op, 0, RESOURCE_ID, r) &&
           gpu_client_unref(m->client, &m->op, RESOURCE_ID);
}

/* Stages UNREF (no op: its answer does not matter) of every id an op failed on, except `keep`. */
static bool stage_cleanup(multi_client_t *m, uint32_t keep)
{
    for (uint32_t id = RESOURCE_ID; id <= RESOURCE_ID_OTHER; id++) {
        if (id == keep || (m->doubtful & (1u << id)) == 0) {
            continue;
        }
        if (!gpu_client_unref(m->client, NULL, id)) {
            return false;
        }
        m->doubtful &= ~(1u << id);
    }
    return true;
}

/*
 * A framebuffer at the current size on a fresh resource (the id the shown
 * one does not use), shown and presented; then the old resource unreffed.
 * In that order, so that the scanout never goes dark between the pictures.
 */
static bool stage_draw(multi_client_t *m)
{
    uint32_t id = m->shown == RESOURCE_ID ? RESOURCE_ID_OTHER : RESOURCE_ID;
    gpu_fb_t fb;
    if (!gpu_fb_layout(m->client, &fb, false, 0, id, m->width, m->height, m->cfg.fb_offset)) {
        sddf_log("%s: a %ux%u framebuffer does not fit the data region\n", m->cfg.name, m->width, m->height);
        return false;
    }
    if (!stage_cleanup(m, m->shown)) {
        return false;
    }
    m->fb = fb;
    m->creating = id;
    draw(m);
    return gpu_fb_create(m->client, &m->op, &m->fb) && gpu_fb_present(m->client, &m->op, &m->fb, gpu_fb_rect(&m->fb)) &&
           (m->shown == 0 || gpu_client_unref(m->client, &m->op, m->shown));
}

/* No display and no fallback mode: free what the scanout showed. */
static bool stage_release(multi_client_t *m)
{
    m->creating = 0;
    return stage_cleanup(m, m->shown) && (m->shown == 0 || gpu_client_unref(m->client, &m->op, m->shown));
}

static void start(multi_client_t *m)
{
    gpu_client_op_init(&m->op, multi_done, m);
    bool staged;
    if (m->cfg.role == MULTI_ROLE_NO_SCANOUT) {
        staged = stage_probe(m);
    } else {
        m->kind = m->width == 0 ? MULTI_OP_RELEASE : MULTI_OP_DRAW;
        staged = m->kind == MULTI_OP_RELEASE ? stage_release(m) : stage_draw(m);
    }
    m->stage_failed = !staged;
    gpu_client_submit(m->client); /* unrefs staged without an op go out too */
    if (m->op.count == 0) {
        m->failures += staged ? 0u : 1u; /* staged, with nothing to do: a release with nothing shown */
        return;
    }
    m->busy = true;
}

static void probe_done(multi_client_t *m, const gpu_client_op_t *op)
{
    if (op->status == GPU_STATUS_INVALID_SCANOUT_ID && op->failed_code == GPU_REQ_SET_SCANOUT) {
        m->refused = true;
        sddf_log("%s: scanout request refused as expected: %s\n", m->cfg.name, gpu_client_status_name(op->status));
    } else {
        m->failures++;
        sddf_log("%s: scanout request NOT refused as expected: %s (request code %u)\n", m->cfg.name,
                 gpu_client_status_name(op->status), op->failed_code);
    }
}

/* What the completed op means for the resources: which one is shown, which may exist. */
static void settle(multi_client_t *m, bool ok)
{
    if (m->kind == MULTI_OP_REDRAW) {
        return;
    }
    if (ok) {
        m->shown = m->creating; /* the old one was unreffed; 0 after a release */
    } else {
        /* The old and the new one may or may not exist: the next op unrefs both first. */
        m->doubtful |= (m->shown != 0 ? 1u << m->shown : 0u) | (m->creating != 0 ? 1u << m->creating : 0u);
        m->shown = 0;
    }
    m->creating = 0;
}

static void log_done(const multi_client_t *m, const gpu_client_op_t *op)
{
    if (op->status != GPU_STATUS_OK) {
        sddf_log("%s: %s failed: %s (request code %u)\n", m->cfg.name, m->kind == MULTI_OP_RELEASE ? "release" : "draw",
                 gpu_client_status_name(op->status), op->failed_code);
    } else if (m->kind == MULTI_OP_RELEASE) {
        sddf_log("%s: no display on its scanout: released its framebuffer: ok\n", m->cfg.name);
    } else {
        sddf_log("%s: drew %s on its scanout 0 (%ux%u): ok\n", m->cfg.name,
                 m->cfg.role == MULTI_ROLE_IMAGE ? "the image" : "the pattern", m->fb.width, m->fb.height);
    }
}

static void multi_done(gpu_client_t *c, gpu_client_op_t *op)
{
    (void)c;
    multi_client_t *m = op->ctx;
    m->busy = false;
    if (m->cfg.role == MULTI_ROLE_NO_SCANOUT) {
        probe_done(m, op);
        return;
    }
    if (op->status == GPU_STATUS_OK && m->stage_failed) {
        op->status = GPU_STATUS_UNSPEC; /* not every request of the op could be staged */
    }
    bool ok = op->status == GPU_STATUS_OK;
    settle(m, ok);
    log_done(m, op);
    if (!ok) {
        m->failures++;
    } else if (m->kind != MULTI_OP_RELEASE) {
        m->draws++;
    }
    if (m->redraw) {
        m->redraw = false;
        start(m);
    }
}

/* Draw the same picture again and present it; resource and scanout stay as they are. */
static void start_redraw(multi_client_t *m)
{
    gpu_client_op_init(&m->op, multi_done, m);
    m->kind = MULTI_OP_REDRAW;
    m->stage_failed = false;
    draw(m);
    if (!gpu_fb_present(m->client, &m->op, &m->fb, gpu_fb_rect(&m->fb))) {
        m->failures++;
        return;
    }
    m->busy = true;
    gpu_client_submit(m->client);
}

bool multi_client_redraw(multi_client_t *m)
{
    if (m->cfg.role == MULTI_ROLE_NO_SCANOUT || m->shown == 0 || m->busy) {
        return false;
    }
    start_redraw(m);
    return m->busy;
}

void multi_client_device_reset(multi_client_t *m)
{
    m->shown = 0; /* every resource is gone and its id free */
    m->doubtful = 0;
    m->width = 0; /* the display info that follows draws again from scratch */
    m->height = 0;
    sddf_log("%s: the device was reset\n", m->cfg.name);
}

/* The mode to draw at on the client's scanout 0; 0 x 0 when there is none (no display, no fallback). */
static void draw_mode(const multi_client_t *m, const gpu_display_info_t *info, uint32_t *w, uint32_t *h)
{
    *w = info->scanouts[0].rect.width;
    *h = info->scanouts[0].rect.height;
    if (info->scanouts[0].enabled && *w != 0 && *h != 0) {
        return;
    }
    *w = m->cfg.fallback_width;
    *h = m->cfg.fallback_height;
    if (*w == 0 || *h == 0) {
        *w = 0;
        *h = 0;
        sddf_log("%s: no display on its scanout\n", m->cfg.name);
        return;
    }
    sddf_log("%s: no display on its scanout, drawing at %ux%u anyway\n", m->cfg.name, *w, *h);
}

void multi_client_display_changed(multi_client_t *m)
{
    const gpu_display_info_t *info = gpu_client_display(m->client);
    if (m->cfg.role == MULTI_ROLE_NO_SCANOUT) {
        if (m->op.count == 0) {
            sddf_log("%s: ready with %u scanouts\n", m->cfg.name, info->num_scanouts);
            start(m);
        }
        return;
    }
    if (info->num_scanouts == 0) {
        sddf_log("%s: no scanout\n", m->cfg.name);
        return;
    }
    uint32_t w, h;
    draw_mode(m, info, &w, &h);
    if (w == m->width && h == m->height) {
        return;
    }
    m->width = w;
    m->height = h;
    if (m->busy) {
        m->redraw = true; /* the op in flight finishes first, then this mode is drawn (or released) */
        return;
    }
    start(m);
}
