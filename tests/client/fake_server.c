/*
 * The fake GPU server of fake_server.h.
 */
#include <stdlib.h>
#include <string.h>

#include <sddf/gpu/event.h>

#include "fake_server.h"

static void fb_alloc(fake_scanout_t *s, uint32_t w, uint32_t h)
{
    free(s->fb);
    s->fb = calloc((size_t)w * h, sizeof(uint32_t));
    s->fb_width = w;
    s->fb_height = h;
}

void fake_server_init(fake_server_t *fs, uint32_t req_cap, uint32_t resp_cap, uint8_t *data, uint64_t data_size,
                      uint32_t num_scanouts, uint32_t w, uint32_t h, uint32_t features)
{
    memset(fs, 0, sizeof(*fs));
    gpu_queue_region_reset(fs->req_region, 0);
    gpu_queue_region_reset(fs->resp_region, 0);
    fs->req_capacity = req_cap;
    fs->resp_capacity = resp_cap;
    gpu_queue_init(&fs->req_q, fs->req_region, req_cap, false);
    gpu_queue_init(&fs->resp_q, fs->resp_region, resp_cap, true);
    fs->data = data;
    fs->data_size = data_size;
    fs->display.num_scanouts = num_scanouts;
    fs->display.features = features;
    for (uint32_t i = 0; i < num_scanouts; i++) {
        fs->display.scanouts[i].rect = (gpu_rect_t){0, 0, w, h};
        fs->display.scanouts[i].enabled = 1;
        fb_alloc(&fs->scanouts[i], w, h);
    }
    /* Like a server at start: idle, so it asks to be woken. */
    (void)gpu_queue_consumer_arm(&fs->req_q);
}

void fake_server_destroy(fake_server_t *fs)
{
    for (uint32_t i = 0; i <= FAKE_MAX_RESOURCES; i++) {
        free(fs->res[i].pixels);
    }
    for (uint32_t i = 0; i < GPU_MAX_SCANOUTS; i++) {
        free(fs->scanouts[i].fb);
    }
}

static void fb_clear(fake_scanout_t *s)
{
    if (s->fb != NULL) {
        memset(s->fb, 0, (size_t)s->fb_width * s->fb_height * sizeof(uint32_t));
    }
}

static uint32_t pixel_of(const fake_server_t *fs, const fake_scanout_t *s, uint32_t x, uint32_t y)
{
    const fake_resource_t *r = &fs->res[s->resource_id];
    uint32_t rx = s->rect.x + x;
    uint32_t ry = s->rect.y + y;
    if (!r->blob) {
        return r->pixels[(size_t)ry * r->width + rx];
    }
    uint64_t off = r->mem_offset + s->blob_offset + (uint64_t)ry * s->blob_stride + (uint64_t)rx * 4;
    if (off + 4 > fs->data_size) {
        return 0;
    }
    uint32_t v;
    memcpy(&v, fs->data + off, 4);
    return v;
}

static void compose(fake_server_t *fs, fake_scanout_t *s)
{
    fb_clear(s);
    if (s->resource_id == 0) {
        return;
    }
    for (uint32_t y = 0; y < s->rect.height && y < s->fb_height; y++) {
        for (uint32_t x = 0; x < s->rect.width && x < s->fb_width; x++) {
            s->fb[(size_t)y * s->fb_width + x] = pixel_of(fs, s, x, y) & 0x00ffffffu;
        }
    }
    s->flushes++;
}

static bool rect_inside(gpu_rect_t r, uint32_t w, uint32_t h)
{
    return r.width != 0 && r.height != 0 && r.x <= w && r.width <= w - r.x && r.y <= h && r.height <= h - r.y;
}

static fake_resource_t *lookup(fake_server_t *fs, uint32_t id)
{
    if (id == 0 || id > FAKE_MAX_RESOURCES || !fs->res[id].used) {
        return NULL;
    }
    return &fs->res[id];
}

static bool range_ok(const fake_server_t *fs, uint64_t off, uint64_t size)
{
    return size != 0 && off <= fs->data_size && size <= fs->data_size - off;
}

static uint32_t do_create_2d(fake_server_t *fs, const gpu_req_create_2d_t *b)
{
    if (b->resource_id == 0 || b->resource_id > FAKE_MAX_RESOURCES || fs->res[b->resource_id].used) {
        return GPU_STATUS_INVALID_RESOURCE_ID;
    }
    if (b->width == 0 || b->height == 0 || b->width > 16384 || b->height > 16384) {
        return GPU_STATUS_INVALID_PARAMETER;
    }
    fake_resource_t *r = &fs->res[b->resource_id];
    *r = (fake_resource_t){.used = 1, .width = b->width, .height = b->height};
    r->pixels = calloc((size_t)b->width * b->height, sizeof(uint32_t));
    return GPU_STATUS_OK;
}

static uint32_t do_create_blob(fake_server_t *fs, const gpu_req_create_blob_t *b)
{
    if ((fs->display.features & GPU_FEATURE_BLOB) == 0) {
        return GPU_STATUS_UNSUPPORTED;
    }
    if (b->resource_id == 0 || b->resource_id > FAKE_MAX_RESOURCES || fs->res[b->resource_id].used) {
        return GPU_STATUS_INVALID_RESOURCE_ID;
    }
    if (!range_ok(fs, b->mem_addr, b->size) || b->mem_addr % 4096 != 0 || b->size % 4096 != 0) {
        return GPU_STATUS_INVALID_PARAMETER;
    }
    fs->res[b->resource_id] =
            (fake_resource_t){.used = 1, .blob = 1, .mem_offset = b->mem_addr, .mem_size = b->size, .has_backing = 1};
    return GPU_STATUS_OK;
}

static uint32_t do_unref(fake_server_t *fs, uint32_t id)
{
    fake_resource_t *r = lookup(fs, id);
    if (r == NULL) {
        return GPU_STATUS_INVALID_RESOURCE_ID;
    }
    for (uint32_t i = 0; i < GPU_MAX_SCANOUTS; i++) {
        if (fs->scanouts[i].resource_id == id) {
            fs->scanouts[i].resource_id = 0;
            fb_clear(&fs->scanouts[i]);
        }
    }
    free(r->pixels);
    memset(r, 0, sizeof(*r));
    return GPU_STATUS_OK;
}

static uint32_t do_attach(fake_server_t *fs, const gpu_req_attach_backing_t *b)
{
    fake_resource_t *r = lookup(fs, b->resource_id);
    if (r == NULL) {
        return GPU_STATUS_INVALID_RESOURCE_ID;
    }
    if (r->has_backing || !range_ok(fs, b->mem_addr, b->size)) {
        return GPU_STATUS_INVALID_PARAMETER;
    }
    r->mem_offset = b->mem_addr;
    r->mem_size = b->size;
    r->has_backing = 1;
    return GPU_STATUS_OK;
}

/*
 * The start of SET_SCANOUT and SET_SCANOUT_BLOB: the scanout must exist;
 * resource 0 disables it (GPU_STATUS_OK with *r NULL); else the resource must
 * exist (GPU_STATUS_OK with *s and *r set).
 */
static uint32_t scanout_target(fake_server_t *fs, uint32_t scanout_id, uint32_t resource_id, fake_scanout_t **s,
                               fake_resource_t **r)
{
    if (scanout_id >= fs->display.num_scanouts) {
        return GPU_STATUS_INVALID_SCANOUT_ID;
    }
    *s = &fs->scanouts[scanout_id];
    *r = NULL;
    if (resource_id == 0) {
        (*s)->resource_id = 0;
        fb_clear(*s);
        return GPU_STATUS_OK;
    }
    *r = lookup(fs, resource_id);
    return *r == NULL ? GPU_STATUS_INVALID_RESOURCE_ID : GPU_STATUS_OK;
}

static uint32_t do_set_scanout(fake_server_t *fs, const gpu_req_set_scanout_t *b)
{
    fake_scanout_t *s;
    fake_resource_t *r;
    uint32_t status = scanout_target(fs, b->scanout_id, b->resource_id, &s, &r);
    if (status != GPU_STATUS_OK || r == NULL) {
        return status; /* refused, or the scanout disabled */
    }
    if (r->blob) {
        return GPU_STATUS_INVALID_PARAMETER;
    }
    if (!rect_inside(b->rect, r->width, r->height)) {
        return GPU_STATUS_OUT_OF_BOUNDS;
    }
    s->resource_id = b->resource_id;
    s->rect = b->rect;
    s->blob = 0;
    return GPU_STATUS_OK;
}

static uint32_t do_set_scanout_blob(fake_server_t *fs, const gpu_req_set_scanout_blob_t *b)
{
    if ((fs->display.features & GPU_FEATURE_BLOB) == 0) {
        return GPU_STATUS_UNSUPPORTED;
    }
    fake_scanout_t *s;
    fake_resource_t *r;
    uint32_t status = scanout_target(fs, b->scanout_id, b->resource_id, &s, &r);
    if (status != GPU_STATUS_OK || r == NULL) {
        return status; /* refused, or the scanout disabled */
    }
    if (!r->blob || b->stride < (uint64_t)b->width * 4 || b->width == 0 || b->height == 0) {
        return GPU_STATUS_INVALID_PARAMETER;
    }
    if (!rect_inside(b->rect, b->width, b->height)) {
        return GPU_STATUS_OUT_OF_BOUNDS;
    }
    /* docs/protocol.md: the whole framebuffer, then the span the device measures (no wrap: see there). */
    uint64_t frame = (uint64_t)b->offset + (uint64_t)b->stride * b->height;
    uint64_t shown = (uint64_t)b->offset + (uint64_t)b->rect.x * 4 + ((uint64_t)b->rect.y + b->rect.height) * b->stride;
    if (frame > r->mem_size || shown > r->mem_size) {
        return GPU_STATUS_OUT_OF_BOUNDS;
    }
    *s = (fake_scanout_t){.resource_id = b->resource_id,
                          .rect = b->rect,
                          .blob = 1,
                          .blob_stride = b->stride,
                          .blob_offset = b->offset,
                          .fb = s->fb,
                          .fb_width = s->fb_width,
                          .fb_height = s->fb_height,
                          .flushes = s->flushes};
    return GPU_STATUS_OK;
}

static uint32_t do_transfer(fake_server_t *fs, const gpu_req_transfer_to_2d_t *b)
{
    fake_resource_t *r = lookup(fs, b->resource_id);
    if (r == NULL) {
        return GPU_STATUS_INVALID_RESOURCE_ID;
    }
    if (r->blob || !r->has_backing) {
        return GPU_STATUS_INVALID_PARAMETER;
    }
    if (!rect_inside(b->rect, r->width, r->height)) {
        return GPU_STATUS_OUT_OF_BOUNDS;
    }
    uint64_t stride = (uint64_t)r->width * 4;
    uint64_t need = b->offset + (uint64_t)(b->rect.height - 1) * stride + (uint64_t)b->rect.width * 4;
    if (need > r->mem_size) {
        return GPU_STATUS_OUT_OF_BOUNDS;
    }
    for (uint32_t h = 0; h < b->rect.height; h++) {
        const uint8_t *src = fs->data + r->mem_offset + b->offset + h * stride;
        memcpy(&r->pixels[(size_t)(b->rect.y + h) * r->width + b->rect.x], src, (size_t)b->rect.width * 4);
    }
    return GPU_STATUS_OK;
}

static uint32_t do_flush(fake_server_t *fs, const gpu_req_flush_t *b)
{
    fake_resource_t *r = lookup(fs, b->resource_id);
    if (r == NULL) {
        return GPU_STATUS_INVALID_RESOURCE_ID;
    }
    if (b->rect.width == 0 || b->rect.height == 0) {
        return GPU_STATUS_INVALID_PARAMETER;
    }
    for (uint32_t i = 0; i < fs->display.num_scanouts; i++) {
        if (fs->scanouts[i].resource_id == b->resource_id) {
            compose(fs, &fs->scanouts[i]);
        }
    }
    return GPU_STATUS_OK;
}

/*
 * PRESENT: show another resource of the same kind in the scanout's rectangle
 * (and blob layout), flush it, store the fence (release) once that is done.
 */
static uint32_t do_present(fake_server_t *fs, const gpu_req_present_t *b)
{
    if (b->scanout_id >= fs->display.num_scanouts) {
        return GPU_STATUS_INVALID_SCANOUT_ID;
    }
    const fake_scanout_t *s = &fs->scanouts[b->scanout_id];
    fake_resource_t *r = lookup(fs, b->resource_id);
    if (r == NULL) {
        return GPU_STATUS_INVALID_RESOURCE_ID;
    }
    if (b->fence <= __atomic_load_n(&fs->info.event.present_fence, __ATOMIC_RELAXED) || s->resource_id == 0 ||
        r->blob != s->blob) {
        return GPU_STATUS_INVALID_PARAMETER;
    }
    uint32_t status;
    if (s->blob) {
        gpu_req_set_scanout_blob_t set = {.scanout_id = b->scanout_id,
                                          .resource_id = b->resource_id,
                                          .rect = s->rect,
                                          .format = GPU_FORMAT_B8G8R8X8_UNORM,
                                          .width = s->rect.x + s->rect.width,
                                          .height = s->rect.y + s->rect.height,
                                          .stride = s->blob_stride,
                                          .offset = s->blob_offset};
        status = do_set_scanout_blob(fs, &set);
    } else {
        gpu_req_set_scanout_t set = {.scanout_id = b->scanout_id, .resource_id = b->resource_id, .rect = s->rect};
        status = do_set_scanout(fs, &set);
    }
    if (status != GPU_STATUS_OK) {
        return status;
    }
    gpu_req_flush_t flush = {.resource_id = b->resource_id, .rect = fs->scanouts[b->scanout_id].rect};
    status = do_flush(fs, &flush);
    if (status == GPU_STATUS_OK) {
        __atomic_store_n(&fs->info.event.present_fence, b->fence, __ATOMIC_RELEASE);
    }
    return status;
}

static uint32_t do_display_info(fake_server_t *fs)
{
    memcpy(&fs->info.display, &fs->display, sizeof(fs->display));
    fs->ready = true;
    return GPU_STATUS_OK;
}

static uint32_t execute(fake_server_t *fs, const gpu_req_t *req)
{
    if (req->code == GPU_REQ_GET_DISPLAY_INFO) {
        return do_display_info(fs);
    }
    if (!fs->ready) {
        return GPU_STATUS_NOT_READY;
    }
    switch (req->code) {
    case GPU_REQ_RESOURCE_CREATE_2D:
        return do_create_2d(fs, &req->create_2d);
    case GPU_REQ_RESOURCE_CREATE_BLOB:
        return do_create_blob(fs, &req->create_blob);
    case GPU_REQ_RESOURCE_UNREF:
        return do_unref(fs, req->unref.resource_id);
    case GPU_REQ_RESOURCE_ATTACH_BACKING:
        return do_attach(fs, &req->attach_backing);
    case GPU_REQ_SET_SCANOUT:
        return do_set_scanout(fs, &req->set_scanout);
    case GPU_REQ_SET_SCANOUT_BLOB:
        return do_set_scanout_blob(fs, &req->set_scanout_blob);
    case GPU_REQ_TRANSFER_TO_2D:
        return do_transfer(fs, &req->transfer_to_2d);
    case GPU_REQ_PRESENT:
        return do_present(fs, &req->present);
    case GPU_REQ_RESOURCE_FLUSH:
        return do_flush(fs, &req->flush);
    case GPU_REQ_UPDATE_CURSOR: /* the pixel model has no cursor plane: only the scanout is checked */
    case GPU_REQ_MOVE_CURSOR:
        return req->update_cursor.scanout_id < fs->display.num_scanouts ? GPU_STATUS_OK : GPU_STATUS_INVALID_SCANOUT_ID;
    default:
        return GPU_STATUS_UNSUPPORTED;
    }
}

static void publish(fake_server_t *fs, const gpu_resp_t *resp)
{
    if (!gpu_resp_enqueue(&fs->resp_q, resp)) {
        return; /* tests size the queues so that this does not happen */
    }
    if (gpu_queue_producer_must_signal(&fs->resp_q)) {
        fs->client_wakeups++;
    }
}

void fake_server_respond(fake_server_t *fs, uint32_t code, uint32_t id, uint32_t status)
{
    gpu_resp_t resp = {.code = code, .id = id, .status = status};
    publish(fs, &resp);
}

uint32_t fake_server_process(fake_server_t *fs)
{
    uint32_t handled = 0;
    gpu_req_t req;
    do {
        while (gpu_req_dequeue(&fs->req_q, &req)) {
            if (gpu_queue_consumer_must_signal(&fs->req_q)) {
                fs->client_wakeups++; /* the client waits for space */
            }
            if (fs->log_count < FAKE_MAX_LOG) {
                fs->log[fs->log_count++] = req;
            }
            uint32_t status = execute(fs, &req);
            if (fs->fail_code != 0 && req.code == fs->fail_code) {
                status = fs->fail_status;
            }
            gpu_resp_t resp = {.code = req.code, .id = req.id, .status = status};
            if (fs->hold && fs->held_count < FAKE_MAX_HELD) {
                fs->held[fs->held_count++] = resp;
            } else {
                publish(fs, &resp);
            }
            handled++;
        }
    } while (!gpu_queue_consumer_arm(&fs->req_q));
    return handled;
}

uint32_t fake_server_release(fake_server_t *fs)
{
    uint32_t n = fs->held_count;
    for (uint32_t i = 0; i < n; i++) {
        publish(fs, &fs->held[fs->reverse ? n - 1 - i : i]);
    }
    fs->held_count = 0;
    return n;
}

void fake_server_display_change(fake_server_t *fs, uint32_t idx, uint32_t w, uint32_t h)
{
    fs->display.scanouts[idx].rect = (gpu_rect_t){0, 0, w, h};
    fb_alloc(&fs->scanouts[idx], w, h);
    gpu_event_raise(&fs->info.event);
    fs->client_wakeups++;
}

const uint32_t *fake_server_fb(const fake_server_t *fs, uint32_t idx, uint32_t *w, uint32_t *h)
{
    *w = fs->scanouts[idx].fb_width;
    *h = fs->scanouts[idx].fb_height;
    return fs->scanouts[idx].fb;
}
