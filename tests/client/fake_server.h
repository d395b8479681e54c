/*
 * A fake GPU server for client-side tests: it owns the server end of one
 * client connection (consumes requests, produces responses, writes the info
 * region) and keeps a tiny pixel model (2D resources with private pixels,
 * blobs read from the client's data region, one framebuffer per scanout
 * updated at RESOURCE_FLUSH), so tests can check what a client would show.
 *
 * It is deliberately small and is not the virtualiser: it checks only what
 * the tests need (ids, scanout ids, readiness, kinds) and can be scripted to
 * hold responses, answer them in reverse order, fail one request code, or
 * answer with forged ids.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <sddf/gpu/protocol.h>
#include <sddf/gpu/queue.h>

#define FAKE_MAX_RESOURCES 32u
#define FAKE_MAX_LOG       1024u
#define FAKE_MAX_HELD      256u
#define FAKE_QUEUE_CAP     256u

typedef struct fake_resource {
    uint32_t used;
    uint32_t blob;
    uint32_t width, height;
    uint32_t *pixels; /* 2D only */
    uint64_t mem_offset, mem_size;
    uint32_t has_backing;
} fake_resource_t;

typedef struct fake_scanout {
    uint32_t resource_id; /* 0: disabled */
    gpu_rect_t rect;
    uint32_t blob;
    uint32_t blob_stride, blob_offset;
    uint32_t *fb; /* width x height of the display mode */
    uint32_t fb_width, fb_height;
    uint32_t flushes;
} fake_scanout_t;

typedef struct fake_server {
    _Alignas(64) uint8_t req_region[GPU_QUEUE_REGION_SIZE(FAKE_QUEUE_CAP, sizeof(gpu_req_t))];
    _Alignas(64) uint8_t resp_region[GPU_QUEUE_REGION_SIZE(FAKE_QUEUE_CAP, sizeof(gpu_resp_t))];
    _Alignas(64) gpu_info_region_t info;
    uint32_t req_capacity, resp_capacity;
    gpu_queue_t req_q;  /* we consume */
    gpu_queue_t resp_q; /* we produce */
    uint8_t *data;
    uint64_t data_size;
    gpu_display_info_t display; /* what GET_DISPLAY_INFO answers */
    bool ready;
    /* Script. */
    bool hold;            /* keep responses until fake_server_release() */
    bool reverse;         /* release held responses last first */
    uint32_t fail_code;   /* requests with this code fail ... */
    uint32_t fail_status; /* ... with this status */
    /* Record. */
    gpu_req_t log[FAKE_MAX_LOG];
    uint32_t log_count;
    gpu_resp_t held[FAKE_MAX_HELD];
    uint32_t held_count;
    uint32_t client_wakeups; /* notifications we sent to the client */
    uint32_t server_wakeups; /* notifications the client sent us (its notify callback) */
    /* Pixel model. */
    fake_resource_t res[FAKE_MAX_RESOURCES + 1];
    fake_scanout_t scanouts[GPU_MAX_SCANOUTS];
} fake_server_t;

/* Sets up queues of the given capacities (<= FAKE_QUEUE_CAP), num_scanouts enabled w x h displays. */
void fake_server_init(fake_server_t *fs, uint32_t req_cap, uint32_t resp_cap, uint8_t *data, uint64_t data_size,
                      uint32_t num_scanouts, uint32_t w, uint32_t h, uint32_t features);
void fake_server_destroy(fake_server_t *fs);

/* Consumes every request, answers (or holds) each, arms the request queue. Returns requests handled. */
uint32_t fake_server_process(fake_server_t *fs);

/* Publishes every held response (reversed if fs->reverse). Returns how many. */
uint32_t fake_server_release(fake_server_t *fs);

/* Publishes one response of the test's making (forged ids and codes). */
void fake_server_respond(fake_server_t *fs, uint32_t code, uint32_t id, uint32_t status);

/* Changes scanout idx's mode and raises the display-info event. */
void fake_server_display_change(fake_server_t *fs, uint32_t idx, uint32_t w, uint32_t h);

/* The framebuffer of scanout idx (fb_width x fb_height). */
const uint32_t *fake_server_fb(const fake_server_t *fs, uint32_t idx, uint32_t *w, uint32_t *h);
