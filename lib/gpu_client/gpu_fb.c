/*
 * Framebuffer helpers: see gpu_fb.h.
 */
#include "gpu_fb.h"

#define GPU_FB_MAX_DIM 16384u

uint64_t gpu_fb_bytes(uint32_t width, uint32_t height)
{
    if (width == 0 || height == 0 || width > GPU_FB_MAX_DIM || height > GPU_FB_MAX_DIM) {
        return 0;
    }
    uint64_t bytes = (uint64_t)width * height * GPU_BYTES_PER_PIXEL;
    return (bytes + GPU_FB_PAGE_SIZE - 1) / GPU_FB_PAGE_SIZE * GPU_FB_PAGE_SIZE;
}

bool gpu_fb_layout(const gpu_client_t *c, gpu_fb_t *fb, bool blob, uint32_t scanout_id, uint32_t resource_id,
                   uint32_t width, uint32_t height, uint64_t mem_offset)
{
    uint64_t bytes = gpu_fb_bytes(width, height);
    uint64_t region = c->cfg.data_size;
    if (bytes == 0 || mem_offset > region || bytes > region - mem_offset) {
        return false;
    }
    if (blob && mem_offset % GPU_FB_PAGE_SIZE != 0) {
        return false;
    }
    *fb = (gpu_fb_t){
            .resource_id = resource_id,
            .scanout_id = scanout_id,
            .width = width,
            .height = height,
            .stride = width * GPU_BYTES_PER_PIXEL,
            .mem_offset = mem_offset,
            .mem_size = bytes,
            .blob = blob,
    };
    return true;
}

gpu_rect_t gpu_fb_rect(const gpu_fb_t *fb)
{
    return (gpu_rect_t){.x = 0, .y = 0, .width = fb->width, .height = fb->height};
}

gpu_rect_t gpu_fb_clip(const gpu_fb_t *fb, gpu_rect_t rect)
{
    gpu_rect_t out = {0};
    if (rect.x >= fb->width || rect.y >= fb->height) {
        return out;
    }
    out.x = rect.x;
    out.y = rect.y;
    out.width = rect.width < fb->width - rect.x ? rect.width : fb->width - rect.x;
    out.height = rect.height < fb->height - rect.y ? rect.height : fb->height - rect.y;
    return out;
}

uint32_t *gpu_fb_pixels(const gpu_client_t *c, const gpu_fb_t *fb)
{
    return (uint32_t *)(void *)(c->cfg.data + fb->mem_offset);
}

static bool enough_room(const gpu_client_t *c, uint32_t n)
{
    return gpu_client_capacity(c) >= n;
}

bool gpu_fb_create_hidden(gpu_client_t *c, gpu_client_op_t *op, const gpu_fb_t *fb)
{
    if (!fb->blob) {
        return enough_room(c, 2) &&
               gpu_client_create_2d(c, op, fb->resource_id, GPU_FB_FORMAT, fb->width, fb->height) &&
               gpu_client_attach_backing(c, op, fb->resource_id, fb->mem_offset, fb->mem_size);
    }
    return gpu_client_create_blob(c, op, fb->resource_id, fb->mem_offset, fb->mem_size);
}

bool gpu_fb_show(gpu_client_t *c, gpu_client_op_t *op, const gpu_fb_t *fb)
{
    gpu_rect_t full = gpu_fb_rect(fb);
    if (!fb->blob) {
        return gpu_client_set_scanout(c, op, fb->scanout_id, fb->resource_id, full);
    }
    gpu_req_set_scanout_blob_t body = {
            .scanout_id = fb->scanout_id,
            .resource_id = fb->resource_id,
            .rect = full,
            .format = GPU_FB_FORMAT,
            .width = fb->width,
            .height = fb->height,
            .stride = fb->stride,
            .offset = 0,
    };
    return gpu_client_set_scanout_blob(c, op, &body);
}

bool gpu_fb_create(gpu_client_t *c, gpu_client_op_t *op, const gpu_fb_t *fb)
{
    return enough_room(c, fb->blob ? 2 : 3) && gpu_fb_create_hidden(c, op, fb) && gpu_fb_show(c, op, fb);
}

bool gpu_fb_transfer(gpu_client_t *c, gpu_client_op_t *op, const gpu_fb_t *fb, gpu_rect_t rect)
{
    gpu_rect_t r = gpu_fb_clip(fb, rect);
    if (fb->blob || r.width == 0 || r.height == 0) {
        return true;
    }
    uint64_t offset = (uint64_t)r.y * fb->stride + (uint64_t)r.x * GPU_BYTES_PER_PIXEL;
    return gpu_client_transfer_to_2d(c, op, fb->resource_id, r, offset);
}

bool gpu_fb_flush(gpu_client_t *c, gpu_client_op_t *op, const gpu_fb_t *fb, gpu_rect_t rect)
{
    gpu_rect_t r = gpu_fb_clip(fb, rect);
    if (r.width == 0 || r.height == 0) {
        return true;
    }
    return gpu_client_flush(c, op, fb->resource_id, r);
}

static void clean_rows(const gpu_client_t *c, const gpu_fb_t *fb, gpu_rect_t r)
{
    if (c->cfg.cache_clean == NULL || r.width == 0 || r.height == 0) {
        return;
    }
    uint64_t start = fb->mem_offset + (uint64_t)r.y * fb->stride;
    uint64_t len = (uint64_t)(r.height - 1) * fb->stride + (uint64_t)(r.x + r.width) * GPU_BYTES_PER_PIXEL;
    c->cfg.cache_clean(c->cfg.ctx, start, len);
}

bool gpu_fb_present(gpu_client_t *c, gpu_client_op_t *op, const gpu_fb_t *fb, gpu_rect_t rect)
{
    gpu_rect_t r = gpu_fb_clip(fb, rect);
    if (!enough_room(c, 2)) {
        return false;
    }
    clean_rows(c, fb, r);
    return gpu_fb_transfer(c, op, fb, r) && gpu_fb_flush(c, op, fb, r);
}

void gpu_fb_clean(const gpu_client_t *c, const gpu_fb_t *fb, gpu_rect_t rect)
{
    clean_rows(c, fb, gpu_fb_clip(fb, rect));
}

bool gpu_fb_flip(gpu_client_t *c, gpu_client_op_t *op, const gpu_fb_t *fb, gpu_rect_t damage, uint64_t fence)
{
    gpu_rect_t r = gpu_fb_clip(fb, damage);
    if (!enough_room(c, 2)) {
        return false;
    }
    clean_rows(c, fb, r);
    if (!gpu_fb_transfer(c, op, fb, r)) {
        return false;
    }
    return gpu_client_present(c, op, fb->scanout_id, fb->resource_id, fence);
}

bool gpu_fb_disable_scanout(gpu_client_t *c, gpu_client_op_t *op, const gpu_fb_t *fb)
{
    if (fb->blob) {
        gpu_req_set_scanout_blob_t body = {.scanout_id = fb->scanout_id, .resource_id = GPU_RESOURCE_ID_NONE};
        return gpu_client_set_scanout_blob(c, op, &body);
    }
    gpu_rect_t none = {0};
    return gpu_client_set_scanout(c, op, fb->scanout_id, GPU_RESOURCE_ID_NONE, none);
}

bool gpu_fb_destroy(gpu_client_t *c, gpu_client_op_t *op, const gpu_fb_t *fb)
{
    return gpu_client_unref(c, op, fb->resource_id);
}
