/*
 * Internal state of the virtio-gpu device model, shared by its source files.
 * Not for users of the model: they include vgpu_model.h only.
 */
#pragma once

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include <virtio/virtio_gpu.h>
#include <virtio/virtio_mmio.h>
#include <virtio/virtio_ring.h>

#include "vgpu_model.h"

#define VGPU_NUM_QUEUES       2u
#define VGPU_MAX_MEM_ENTRIES  16384u /* as QEMU: more entries -> ERR_UNSPEC */
#define VGPU_MAX_DIM          16384u /* largest scanout rectangle side the model shows */
#define VGPU_REQ_MAX          (sizeof(virtio_gpu_resource_create_blob_t) + VGPU_MAX_MEM_ENTRIES * 16u)
#define VGPU_RESP_MAX         sizeof(virtio_gpu_resp_edid_t)
#define VGPU_MAX_CMD_FAULTS   8u
#define VGPU_VENDOR_ID        0x46444453u /* "SDDF" */
#define VGPU_EDID_BASE_BYTES  128u
#define VGPU_MIN_SCANOUT_SIDE 16u /* as QEMU: smaller scanout rectangles are refused */
#define VGPU_PIXELS_ALIGN     64u /* a 2D resource's pixels start on a cache line */

/* One split virtqueue as the driver configured it. */
typedef struct vgpu_queue {
    uint32_t num;
    uint32_t ready;
    uint64_t desc_addr;
    uint64_t driver_addr;
    uint64_t device_addr;
    uint16_t last_avail; /* next avail ring slot the device reads */
    uint16_t used_idx;   /* next used ring slot the device writes */
} vgpu_queue_t;

/* A completion waiting to be published in a used ring. */
typedef struct vgpu_completion {
    uint32_t queue;
    uint32_t id;
    uint32_t len;
} vgpu_completion_t;

typedef struct vgpu_completion_list {
    vgpu_completion_t *items;
    uint32_t count;
    uint32_t cap;
} vgpu_completion_list_t;

/* One guest memory range of a resource's backing. */
typedef struct vgpu_mem {
    uint64_t addr;
    uint32_t len;
} vgpu_mem_t;

typedef struct vgpu_resource {
    uint32_t id;
    int blob;
    uint32_t format; /* 2D only */
    uint32_t width;
    uint32_t height;
    uint8_t *pixels; /* 2D only: width * 4 bytes per row, in `format`; vgpu_pixels_alloc() */
    uint64_t hostmem;
    uint64_t blob_size;
    vgpu_mem_t *backing; /* NULL = no backing attached */
    uint32_t nr_backing;
    uint64_t backing_len;
    uint32_t scanout_mask;
} vgpu_resource_t;

/* A scanout's cursor plane, as QEMU keeps it (struct virtio_gpu_scanout: cursor, current_cursor). */
#define VGPU_CURSOR_SIDE 64u
typedef struct vgpu_cursor_plane {
    uint32_t image[VGPU_CURSOR_SIDE * VGPU_CURSOR_SIDE]; /* 0xAARRGGBB (B8G8R8A8 bytes), copied at UPDATE_CURSOR */
    uint32_t resource_id;                                /* of the last cursor command: 0 = not shown */
    uint32_t x, y;                                       /* where the hot spot is */
    uint32_t hot_x, hot_y;
} vgpu_cursor_plane_t;

typedef struct vgpu_scanout {
    uint32_t mode_w, mode_h; /* preferred mode the test set */
    int connected;
    vgpu_model_scanout_state_t set; /* what the driver scanned out */
    uint32_t *fb;
    uint32_t fb_w, fb_h;
    vgpu_cursor_plane_t cursor;
    int tear_armed; /* tear_hash holds the shown blob's rows (vgpu_tear.c) */
    uint64_t tear_hash;
} vgpu_scanout_t;

typedef struct vgpu_cmd_fault {
    uint32_t cmd_type;
    uint32_t err;
} vgpu_cmd_fault_t;

typedef struct vgpu_faults {
    uint32_t nth_remaining;
    uint32_t nth_err;
    vgpu_cmd_fault_t by_cmd[VGPU_MAX_CMD_FAULTS];
    int hold;
    int reorder;
    int bogus_id_armed;
    uint32_t bogus_id;
    int bogus_len_armed;
    uint32_t bogus_len;
    int bogus_fence_armed;
    uint32_t bogus_fence_flags;
    uint64_t bogus_fence_id;
    uint16_t used_idx_skip; /* extra used->idx advance at the next publication */
    vgpu_completion_list_t held;
    uint32_t edid;             /* VGPU_EDID_FAULT_*: how GET_EDID answers are spoiled (persistent) */
    int stall;                 /* take nothing off the queues (vgpu_tear.c) */
    uint32_t stalled_notified; /* notifications that came during the stall */
} vgpu_faults_t;

/* A descriptor of the chain being handled: its guest range and host pointer. */
typedef struct vgpu_seg {
    uint8_t *host;
    uint32_t len;
    int write;
} vgpu_seg_t;

/* The chain being handled, copied out and checked. */
typedef struct vgpu_chain {
    uint16_t head;
    uint32_t nsegs;
    vgpu_seg_t *segs; /* queue_num_max entries */
} vgpu_chain_t;

/* A command's response, built before it is copied into the chain. */
typedef struct vgpu_resp {
    uint8_t bytes[VGPU_RESP_MAX];
    uint32_t len;
} vgpu_resp_t;

struct vgpu_model {
    pthread_mutex_t lock;
    vgpu_model_config_t cfg;

    uint32_t status;
    uint32_t dev_features_sel;
    uint32_t drv_features_sel;
    uint64_t driver_features;
    uint64_t negotiated; /* valid once FEATURES_OK was accepted */
    uint32_t queue_sel;
    vgpu_queue_t queues[VGPU_NUM_QUEUES];
    uint32_t isr;
    uint32_t config_generation;
    uint32_t events_read;
    uint32_t notified;
    int irq_pending_callback;

    vgpu_resource_t **resources;
    uint32_t nr_resources;
    uint64_t hostmem;

    vgpu_scanout_t scanouts[VGPU_MODEL_MAX_SCANOUTS];
    vgpu_model_cursor_t cursor;

    vgpu_chain_t chain;
    uint8_t *req; /* VGPU_REQ_MAX bytes: the request copied out of the chain */
    uint32_t req_len;
    vgpu_resp_t resp;
    vgpu_completion_list_t batch; /* completions of the current process() pass */

    vgpu_faults_t faults;
    int tear_detect; /* vgpu_tear.c: count writes into what is shown */
    vgpu_model_stats_t stats;
    char last_error[160];
};

/* vgpu_mmio.c */
void vgpu_lock(const vgpu_model_t *m);
void vgpu_unlock(vgpu_model_t *m);
void vgpu_raise_irq(vgpu_model_t *m, uint32_t bits);
void vgpu_device_error(vgpu_model_t *m, const char *what);
void vgpu_needs_reset(vgpu_model_t *m, const char *what);
void vgpu_config_changed(vgpu_model_t *m);
int vgpu_has_feature(const vgpu_model_t *m, unsigned bit);

/* vgpu_queue.c */
unsigned vgpu_queue_process_all(vgpu_model_t *m);
unsigned vgpu_publish_batch(vgpu_model_t *m, vgpu_completion_list_t *list);
int vgpu_queue_setup_ok(vgpu_model_t *m, uint32_t q);
void vgpu_completions_free(vgpu_completion_list_t *list);

/* vgpu_cmd.c */
void vgpu_cmd_control(vgpu_model_t *m, const uint8_t *req, uint32_t len, vgpu_resp_t *resp);
void vgpu_cmd_cursor(vgpu_model_t *m, const uint8_t *req, uint32_t len);

/* vgpu_resource.c */
uint8_t *vgpu_pixels_alloc(uint64_t bytes);
void vgpu_pixels_free(uint8_t *pixels);
vgpu_resource_t *vgpu_resource_find(const vgpu_model_t *m, uint32_t id);
int vgpu_resource_add(vgpu_model_t *m, vgpu_resource_t *res);
void vgpu_resource_destroy(vgpu_model_t *m, vgpu_resource_t *res);
void vgpu_resource_destroy_all(vgpu_model_t *m);
uint32_t vgpu_backing_map(vgpu_model_t *m, const uint8_t *entries, uint32_t nr, vgpu_resource_t *res);
void vgpu_backing_free(vgpu_resource_t *res);
typedef void (*vgpu_backing_visit_fn)(void *ctx, const uint8_t *bytes, uint64_t n);
uint64_t vgpu_backing_visit(vgpu_model_t *m, const vgpu_resource_t *res, uint64_t off, uint64_t len,
                            vgpu_backing_visit_fn visit, void *ctx);
uint64_t vgpu_backing_read(vgpu_model_t *m, const vgpu_resource_t *res, uint64_t off, uint8_t *dst, uint64_t len);
void *vgpu_translate(vgpu_model_t *m, uint64_t addr, uint64_t len);

/* vgpu_tear.c */
void vgpu_tear_check(vgpu_model_t *m, uint32_t idx);
void vgpu_tear_arm(vgpu_model_t *m, uint32_t idx);
void vgpu_tear_transfer(vgpu_model_t *m, const vgpu_resource_t *res);
int vgpu_fault_stall_take(vgpu_model_t *m);

/* vgpu_scanout.c */
int vgpu_format_known(uint32_t format);
void vgpu_scanout_disable(vgpu_model_t *m, uint32_t idx);
int vgpu_scanout_attach(vgpu_model_t *m, uint32_t idx, vgpu_resource_t *res, const vgpu_model_scanout_state_t *st);
void vgpu_scanout_flush(vgpu_model_t *m, uint32_t idx, const virtio_gpu_rect_t *r);
void vgpu_scanouts_reset(vgpu_model_t *m);
int vgpu_scanout_fb_alloc(vgpu_scanout_t *s, uint32_t w, uint32_t h);

/* vgpu_cursor.c */
void vgpu_cursor_command(vgpu_model_t *m, const virtio_gpu_update_cursor_t *c);

/* vgpu_edid.c */
void vgpu_edid_build(uint8_t out[VGPU_EDID_BASE_BYTES], uint32_t width, uint32_t height, uint32_t scanout);
