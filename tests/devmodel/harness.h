/*
 * A tiny virtio driver for testing the device model through its register
 * interface only: guest memory (an arena with an IO base address), split
 * virtqueues built by hand, and helpers that send one control command and
 * return its response. Independent of drivers/gpu/virtio/.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <virtio/virtio_gpu.h>
#include <virtio/virtio_mmio.h>
#include <virtio/virtio_ring.h>

#include "vgpu_model.h"

#define H_IO_BASE  0x40000000ull
#define H_MEM_SIZE (16u << 20)
#define H_QNUM     64u

typedef struct h_queue {
    uint32_t num;
    uint64_t desc, avail, used;
    uint16_t avail_idx;
    uint16_t used_seen;
    uint32_t next_desc;
} h_queue_t;

typedef struct harness {
    vgpu_model_t *m;
    vgpu_model_config_t cfg;
    uint8_t *mem;
    uint64_t brk;
    uint64_t hole_lo, hole_hi; /* IO range translate refuses (hole_lo == hole_hi: none) */
    h_queue_t q[2];
} harness_t;

/* One buffer of a chain. */
typedef struct h_buf {
    uint64_t addr;
    uint32_t len;
    int write;
} h_buf_t;

/* Config with the harness's translate set; edit and pass to h_create. */
void h_config(vgpu_model_config_t *cfg);
harness_t *h_create(const vgpu_model_config_t *cfg);
harness_t *h_create_default(void);
void h_destroy(harness_t *h);

uint64_t h_alloc(harness_t *h, uint64_t size, uint64_t align);
void *h_ptr(harness_t *h, uint64_t io);

uint32_t h_read(harness_t *h, uint32_t off);
void h_write(harness_t *h, uint32_t off, uint32_t v);

/* Full initialisation: reset, ACKNOWLEDGE, DRIVER, features, FEATURES_OK,
 * both queues of H_QNUM entries, DRIVER_OK. Returns the final status. */
uint32_t h_init(harness_t *h, uint64_t features);
/* Sets up queue qi with num entries (fresh rings); returns QueueReady. */
uint32_t h_queue_setup(harness_t *h, uint32_t qi, uint32_t num);

/* Writes descriptors for bufs (chained) and publishes the head; no notify. */
uint16_t h_submit(harness_t *h, uint32_t qi, const h_buf_t *bufs, uint32_t n);
/* Publishes an arbitrary head index in the avail ring (for malformed tests). */
void h_publish_head(harness_t *h, uint32_t qi, uint16_t head);
virtq_desc_t *h_desc(harness_t *h, uint32_t qi, uint32_t idx);
void h_notify(harness_t *h, uint32_t qi);
/* Takes the next used entry; 1 if there was one. */
int h_pop_used(harness_t *h, uint32_t qi, uint32_t *id, uint32_t *len);
uint16_t h_used_idx(harness_t *h, uint32_t qi);

/* Sends one control command and processes it; copies the response into
 * resp (resp_len bytes buffer) and returns the used length. */
uint32_t h_cmd(harness_t *h, const void *req, size_t req_len, void *resp, size_t resp_len);
/* As h_cmd with a header-only response; returns the response type. */
uint32_t h_cmd_type(harness_t *h, const void *req, size_t req_len);
/* Sends a cursor command; returns the used length. */
uint32_t h_cursor(harness_t *h, const virtio_gpu_update_cursor_t *c);

/* Command helpers returning the response type. */
uint32_t h_create_2d(harness_t *h, uint32_t id, uint32_t format, uint32_t w, uint32_t hgt);
uint32_t h_attach(harness_t *h, uint32_t id, const virtio_gpu_mem_entry_t *e, uint32_t n);
uint32_t h_attach_new(harness_t *h, uint32_t id, uint64_t size, uint64_t *io_out);
uint32_t h_detach(harness_t *h, uint32_t id);
uint32_t h_unref(harness_t *h, uint32_t id);
uint32_t h_set_scanout(harness_t *h, uint32_t scanout, uint32_t id, uint32_t x, uint32_t y, uint32_t w, uint32_t hgt);
uint32_t h_transfer(harness_t *h, uint32_t id, uint32_t x, uint32_t y, uint32_t w, uint32_t hgt, uint64_t offset);
uint32_t h_flush(harness_t *h, uint32_t id, uint32_t x, uint32_t y, uint32_t w, uint32_t hgt);
uint32_t h_create_blob(harness_t *h, uint32_t id, uint64_t size, const virtio_gpu_mem_entry_t *e, uint32_t n);
uint32_t h_set_scanout_blob(harness_t *h, const virtio_gpu_set_scanout_blob_t *c);

/* Test groups, one per file. */
int devmodel_mmio_tests(void);
int devmodel_command_tests(void);
int devmodel_scanout_tests(void);
int devmodel_chain_tests(void);
int devmodel_fault_tests(void);
int devmodel_cursor_tests(void);
