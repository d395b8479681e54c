/*
 * Framebuffer helpers over gpu_client: one scanout-sized XRGB8888
 * framebuffer (GPU_FORMAT_B8G8R8X8_UNORM, 4 bytes per pixel, rows of
 * width * 4 bytes) in the client's data region, shown on one scanout either
 * through a 2D resource (pixels copied with TRANSFER_TO_2D) or a blob
 * resource (scanned out from our memory, zero copy).
 *
 * Each helper only stages requests under the caller's op; the caller
 * submits them (gpu_client_submit) and continues in the op's completion.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "gpu_client.h"

#define GPU_FB_FORMAT    GPU_FORMAT_B8G8R8X8_UNORM
#define GPU_FB_PAGE_SIZE 4096u

typedef struct gpu_fb {
    uint32_t resource_id;
    uint32_t scanout_id;
    uint32_t width;
    uint32_t height;
    uint32_t stride;     /* bytes per row: width * 4 */
    uint64_t mem_offset; /* start in the data region (page aligned for a blob) */
    uint64_t mem_size;   /* bytes the framebuffer occupies, rounded up to pages */
    bool blob;
} gpu_fb_t;

/*
 * Bytes a width x height framebuffer occupies (rounded up to a page), or 0
 * if the size is 0 or larger than a resource may be.
 */
uint64_t gpu_fb_bytes(uint32_t width, uint32_t height);

/*
 * Describes a framebuffer of width x height at data-region offset
 * `mem_offset`, without talking to the server. False if it does not fit in
 * the data region, is empty, or (blob) the offset is not page aligned.
 */
bool gpu_fb_layout(const gpu_client_t *c, gpu_fb_t *fb, bool blob, uint32_t scanout_id, uint32_t resource_id,
                   uint32_t width, uint32_t height, uint64_t mem_offset);

/*
 * Stages the requests that create fb's resource and show it on its scanout:
 * 2D: CREATE_2D, ATTACH_BACKING, SET_SCANOUT; blob: CREATE_BLOB,
 * SET_SCANOUT_BLOB. Nothing is shown until a present (a fresh 2D resource is
 * black). False if the pending table is too full (nothing staged then).
 */
bool gpu_fb_create(gpu_client_t *c, gpu_client_op_t *op, const gpu_fb_t *fb);

/* The two halves of gpu_fb_create(): the resource (2D: with its backing), and showing it on fb's scanout. */
bool gpu_fb_create_hidden(gpu_client_t *c, gpu_client_op_t *op, const gpu_fb_t *fb);
bool gpu_fb_show(gpu_client_t *c, gpu_client_op_t *op, const gpu_fb_t *fb);

/* Stages TRANSFER_TO_2D of `rect` (2D only; a no-op for a blob). Rect is clipped to the framebuffer. */
bool gpu_fb_transfer(gpu_client_t *c, gpu_client_op_t *op, const gpu_fb_t *fb, gpu_rect_t rect);

/* Stages RESOURCE_FLUSH of `rect`, clipped to the framebuffer. */
bool gpu_fb_flush(gpu_client_t *c, gpu_client_op_t *op, const gpu_fb_t *fb, gpu_rect_t rect);

/*
 * Present a damage rectangle: cleans the damaged rows from the cache (if the
 * config has cache_clean), then transfer + flush (2D) or flush (blob).
 */
bool gpu_fb_present(gpu_client_t *c, gpu_client_op_t *op, const gpu_fb_t *fb, gpu_rect_t rect);

/* Cleans the rows of `rect` from the cache (if the config has cache_clean), before the device reads them. */
void gpu_fb_clean(const gpu_client_t *c, const gpu_fb_t *fb, gpu_rect_t rect);

/*
 * Tear-free present of a back buffer: cleans the damaged rows, stages
 * TRANSFER_TO_2D of `damage` (2D only), then PRESENT of fb's resource on its
 * scanout with `fence`. The scanout must already show one of the client's
 * framebuffers of the same kind and size (docs/protocol.md, PRESENT).
 */
bool gpu_fb_flip(gpu_client_t *c, gpu_client_op_t *op, const gpu_fb_t *fb, gpu_rect_t damage, uint64_t fence);

/* Stages SET_SCANOUT (or SET_SCANOUT_BLOB) with resource 0 on fb's scanout: the scanout goes dark. */
bool gpu_fb_disable_scanout(gpu_client_t *c, gpu_client_op_t *op, const gpu_fb_t *fb);

/* Stages RESOURCE_UNREF of fb's resource (which also detaches it and disables scanouts showing it). */
bool gpu_fb_destroy(gpu_client_t *c, gpu_client_op_t *op, const gpu_fb_t *fb);

/* Pixel pointer of the framebuffer's memory in the data region (rows of fb->width pixels). */
uint32_t *gpu_fb_pixels(const gpu_client_t *c, const gpu_fb_t *fb);

/* The whole framebuffer as a rectangle. */
gpu_rect_t gpu_fb_rect(const gpu_fb_t *fb);

/* Intersection of `rect` with the framebuffer (width or height 0 if they do not meet). Overflow-safe. */
gpu_rect_t gpu_fb_clip(const gpu_fb_t *fb, gpu_rect_t rect);
