/*
 * The whole stack in one process: client library instances, the GPU
 * virtualiser core, the virtio-gpu driver core with its real virtio-mmio
 * transport, and the device model, wired by tests/support/vgpu_harness
 * (driver + model) and this rig (clients + virtualiser).
 *
 * Notifications are direct calls delivered in a fixed order by
 * sys_rig_run(): clients -> virtualiser, driver -> virtualiser, virtualiser
 * -> driver, device processing and interrupts, virtualiser -> clients; round
 * after round until nothing moves. Everything is deterministic.
 *
 * Memory: each client's data region is a slice of the harness's data
 * region, so its IO base is VH_DATA_IO + slice offset and the model reaches
 * it through the harness's translation.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <gpu_client.h>

#include "gpu_virt.h"
#include "vgpu_harness.h"

#define SYS_MAX_CLIENTS 4u
#define SYS_CLIENT_DATA (8u << 20)
#define SYS_QUEUE_CAP   64u
#define SYS_MAX_RES     16u
#define SYS_MAX_MEMORY  (64ull << 20) /* each client's device-memory budget; four fit the model's 256 MiB */

typedef struct sys_client_spec {
    uint32_t num_scanouts;
    uint8_t scanouts[GPU_MAX_SCANOUTS]; /* its scanout i -> device scanout */
    uint64_t data_size;                 /* bytes of its data region, at most SYS_CLIENT_DATA; 0: SYS_CLIENT_DATA */
    uint32_t max_resources;             /* 0: SYS_MAX_RES */
} sys_client_spec_t;

typedef struct sys_client {
    gpu_client_t client;
    gpu_client_config_t cfg;
    void *req_region;
    void *resp_region;
    gpu_info_region_t *info;
    uint8_t *data;
    bool to_virt; /* the client signalled the virtualiser */
    bool deaf;    /* test switch: the virtualiser's notifications to this client are not delivered */
    uint32_t display_changes;
    void (*on_display)(gpu_client_t *c, void *ctx);
    void *on_display_ctx;
    uint32_t device_resets;
    void (*on_reset)(gpu_client_t *c, void *ctx); /* gpu_client_config_t.device_reset, with on_display_ctx */
} sys_client_t;

typedef struct sys_rig {
    vgpu_harness_t *h;
    gpu_virt_config_t vcfg;
    gpu_virt_t *virt;
    int virt_init;
    uint32_t num_clients;
    sys_client_t clients[SYS_MAX_CLIENTS];
    uint32_t seen_driver_signals;
    uint32_t to_clients; /* bit i: the virtualiser signalled client i */
    uint32_t rounds;     /* rounds run by the last sys_rig_run() */
} sys_rig_t;

/*
 * Builds the stack: `opt` for driver and model (data_size is set here),
 * `n` clients as `specs` say. Starts the virtualiser; clients are started by
 * sys_client_start() after the test hooked its callbacks.
 */
sys_rig_t *sys_rig_new(const vh_options_t *opt, uint32_t n, const sys_client_spec_t *specs);
void sys_rig_free(sys_rig_t *r);

/*
 * sys_rig_new() on two outputs, device scanout 0 at 640x480 and 1 at 800x600:
 * client 0 owns scanout 0, client 1 scanout 1, client 2 none.
 */
sys_rig_t *sys_rig_two_heads(void);

/* sys_rig_new() for one client owning the one output, `w` x `h`, on a device offering `features`. */
sys_rig_t *sys_rig_one_head(uint64_t features, uint32_t w, uint32_t h);

/* gpu_client_start() for client i. */
void sys_client_start(sys_rig_t *r, uint32_t i);

/* Delivers notifications and runs the device until nothing moves. */
void sys_rig_run(sys_rig_t *r);

/* The device model's picture of scanout idx (XRGB, 0x00RRGGBB). */
const uint32_t *sys_rig_screen(const sys_rig_t *r, uint32_t idx, uint32_t *w, uint32_t *h);
