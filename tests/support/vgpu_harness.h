/*
 * In-process test harness: the virtio-gpu driver core, its real virtio-mmio
 * transport code, and the device model (devices/virtio-gpu/) connected by a
 * register bus that calls the model directly. The harness plays the
 * virtualiser (producer of requests, consumer of responses) and the
 * interrupt controller, on one thread, deterministically.
 *
 * IO address map the model sees:
 *   VH_DMA_IO  .. + dma_size   driver DMA region (rings, command buffers)
 *   VH_DATA_IO .. + data_size  "client" memory: backings and blobs
 * Everything else translates to NULL.
 *
 * A whole-stack test reuses it by pointing its virtualiser's driver
 * connection at req_region, resp_region and info (and its data region at
 * `data`, IO address VH_DATA_IO), calling vh_kick() when the virtualiser
 * notifies the driver, and reacting to on_signal. vh_push()/vh_pop() are
 * then unused.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <sddf/gpu/protocol.h>
#include <sddf/gpu/queue.h>

#include "gpu_driver.h"
#include "virtio_mmio_transport.h"
#include "vgpu_model.h"
#include "vh_req.h"

#define VH_DMA_IO          0x40000000ull
#define VH_DATA_IO         0x100000000ull
#define VH_NO_RESPONSE     0xffffffffu
#define VH_DISPLAY_INFO_ID 0xfffffff0u /* the id of vh_create()'s GET_DISPLAY_INFO */

typedef struct vh_options {
    vgpu_model_config_t model; /* translate is set by the harness */
    uint32_t req_capacity;     /* default 1024 */
    uint32_t resp_capacity;    /* default 1024 */
    uint32_t queue_size;       /* driver's wanted control queue size; default 0 (driver default) */
    uint64_t dma_size;         /* default 1 MiB */
    uint64_t data_size;        /* default 16 MiB */
    /* If set, every register value read passes through it (to fake device behaviour the model lacks). */
    uint32_t (*read_filter)(void *ctx, uint32_t offset, uint32_t value);
    void *filter_ctx;
    /* If set, sees every register write before the model does (filter_ctx as context). */
    void (*write_watch)(void *ctx, uint32_t offset, uint32_t value);
    /* The driver's clock is fake: each reading advances it by this much. Default (and 0) 1 ms. */
    uint64_t clock_step_ns;
    /* The driver is told it gets ticks (vh_tick()); default true. deadline_ticks 0: the driver's default. */
    bool ticked;
    uint32_t deadline_ticks;
    /* If set, called whenever the driver notifies its virtualiser (after vh_kick() or an interrupt). */
    void (*on_signal)(void *ctx);
    void *signal_ctx;
    /*
     * Default true: vh_create() sends one GET_DISPLAY_INFO once the driver is
     * live and drops its answer, as a virtualiser does first (the driver
     * refuses everything else NOT_READY until then). A whole-stack rig sets
     * it false: its virtualiser asks itself.
     */
    bool display_info_first;
} vh_options_t;

typedef struct vgpu_harness {
    vh_options_t opt;
    vgpu_model_t *model;
    uint8_t *dma;
    uint8_t *data;
    void *req_region;
    void *resp_region;
    gpu_info_region_t *info;
    gpu_queue_t req_q;  /* virtualiser side: producer */
    gpu_queue_t resp_q; /* virtualiser side: consumer */
    virtio_mmio_t mmio;
    gpu_driver_t *drv;
    gpu_driver_init_result_t init_result;
    uint32_t signals;        /* notifications the driver sent to the "virtualiser" */
    uint32_t auto_irq;       /* 1 (default): vh_run() delivers interrupts to the driver */
    uint32_t mmio_writes;    /* register writes seen on the bus */
    uint32_t queue_notifies; /* QueueNotify writes */
    uint64_t clock_ns;       /* the driver's fake clock (see clock_step_ns) */
} vgpu_harness_t;

/* Defaults: the model's defaults plus the sizes above. */
void vh_options_default(vh_options_t *opt);

/*
 * A read_filter (filter_ctx: a uint32_t flag) for a device that will not go
 * live while the flag is set: DRIVER_OK reads back with FAILED.
 */
uint32_t vh_refuse_driver_ok(void *ctx, uint32_t offset, uint32_t value);

/* Builds model, regions and driver, and runs gpu_driver_init(). Returns NULL only if memory or the model fails. */
vgpu_harness_t *vh_create(const vh_options_t *opt);
void vh_destroy(vgpu_harness_t *h);

/* Host pointer for data-region IO address range, or NULL. */
void *vh_data(vgpu_harness_t *h, uint64_t io, uint64_t len);

/* Enqueue one request (false if the request queue is full). Does not notify the driver. */
bool vh_push(vgpu_harness_t *h, const gpu_req_t *req);

/* Notify the driver of requests, then run device and interrupts until nothing moves. */
void vh_kick(vgpu_harness_t *h);

/* Run device processing and interrupt delivery until nothing moves. */
void vh_run(vgpu_harness_t *h);

/* One timer tick for the driver (gpu_driver_tick), then vh_run(). */
void vh_tick(vgpu_harness_t *h);

/* Dequeue one response; false if none. */
bool vh_pop(vgpu_harness_t *h, gpu_resp_t *resp);

/* Responses waiting. */
uint32_t vh_pending(vgpu_harness_t *h);

/* Push, kick, run and return the status of the response with req->id (VH_NO_RESPONSE if none). */
uint32_t vh_call(vgpu_harness_t *h, const gpu_req_t *req);

/* Log capture (tests/support/vh_log.c, which also defines sddf_log()). */
uint32_t vh_log_count(const char *substring);
void vh_log_reset(void);
