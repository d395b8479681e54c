/*
 * virtio-gpu driver core: transport-neutral, platform-free.
 *
 * Upward it serves the sDDF GPU protocol to the virtualiser: it consumes the
 * request queue, produces the response queue and writes the info region
 * (display info, display event). Downward it drives a virtio 1.2 GPU device
 * through a virtio_transport_t and one control virtqueue in DMA memory.
 *
 * The glue (gpu_driver_glue.c) or a test calls gpu_driver_init() once, then
 * gpu_driver_handle_irq() for device interrupts,
 * gpu_driver_handle_requests() for notifications from the virtualiser and
 * gpu_driver_tick() for the timer's ticks (about one a second), and after
 * each call notifies the virtualiser if gpu_driver_take_signal() says so.
 *
 * Device faults (DEVICE_NEEDS_RESET, a used ring that returns more than was
 * published, a command past its deadline) are recovered from: every command
 * in flight is answered DEVICE_ERROR, the device is reset and initialised
 * again, device_epoch goes up and the display event is raised. See README.md.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <sddf/gpu/protocol.h>
#include <sddf/gpu/queue.h>

#include "virtio_transport.h"
#include "virtq.h"

#define GPU_DRIVER_DEFAULT_QUEUE_SIZE     64u         /* control queue entries wanted when config says 0 */
#define GPU_DRIVER_CURSOR_QUEUE_SIZE      16u         /* cursor queue entries wanted (one command in flight at most) */
#define GPU_DRIVER_MAX_SLOTS              128u        /* commands in flight at most (2 descriptors each) */
#define GPU_DRIVER_SLOT_BYTES             1024u       /* per command: command, then response */
#define GPU_DRIVER_CMD_BYTES              512u        /* command part of a slot */
#define GPU_DRIVER_RESP_BYTES             512u        /* response part (display info is 408 bytes) */
#define GPU_DRIVER_EDID_BYTES             1088u       /* per scanout, after the slots: a whole GET_EDID answer (1056) */
#define GPU_DRIVER_REQ_EDID               0x80000001u /* slot req_code of the driver's own GET_EDID: never answered */
#define GPU_DRIVER_MAX_MEM_ENTRIES        16u         /* per ATTACH_BACKING / CREATE_BLOB */
#define GPU_DRIVER_MEM_ENTRY_MAX          0xfffff000u /* largest page multiple a mem entry's 32-bit length holds */
#define GPU_DRIVER_BLOB_ALIGN             4096u       /* blob mem_addr and size must be multiples of this */
#define GPU_DRIVER_RESET_TIMEOUT_NS       50000000u   /* how long a reset may take (50 ms by the config's clock) */
#define GPU_DRIVER_RESET_POLLS            1000u       /* status reads waiting for a reset when there is no clock */
#define GPU_DRIVER_DEFAULT_DEADLINE_TICKS 3u          /* a command may be outstanding this many ticks (config 0) */
#define GPU_DRIVER_RETRY_MAX_TICKS        32u         /* longest wait between re-initialisations; also "stable" */

/* A monotonic clock in nanoseconds (any origin). The glue reads the Arm generic counter; tests use a fake. */
typedef struct gpu_driver_clock {
    uint64_t (*now_ns)(void *ctx); /* NULL: no clock; a reset is then waited for GPU_DRIVER_RESET_POLLS reads */
    void *ctx;
} gpu_driver_clock_t;

typedef struct gpu_driver_config {
    const virtio_transport_t *transport; /* NULL: no device (probe failed), answer DEVICE_ERROR */
    void *req_queue;                     /* request queue region (we consume) */
    uint32_t req_capacity;
    void *resp_queue; /* response queue region (we produce) */
    uint32_t resp_capacity;
    gpu_info_region_t *info;
    void *dma_vaddr; /* DMA region: rings and command buffers, zeroed, 16-byte aligned */
    uint64_t dma_io; /* its IO address, 16-byte aligned */
    uint64_t dma_size;
    uint32_t queue_size;      /* control queue entries wanted: power of two, 2..256; 0 = default */
    gpu_driver_clock_t clock; /* bounds the wait for a reset */
    /* gpu_driver_tick() is called (about once a second). Without ticks there are no deadlines, and a fault is
     * followed by one immediate re-initialisation only: if that fails the device stays down. */
    bool ticked;
    uint32_t deadline_ticks; /* a command outstanding for more than this many ticks is a device fault; 0 = default */
} gpu_driver_config_t;

typedef enum gpu_driver_init_result {
    GPU_DRIVER_INIT_OK,            /* device live */
    GPU_DRIVER_INIT_DEVICE_FAILED, /* device left reset; every request gets GPU_STATUS_DEVICE_ERROR */
    GPU_DRIVER_INIT_BAD_CONFIG     /* nothing usable: the driver must not be called again */
} gpu_driver_init_result_t;

/* What happened, for logs and tests. */
typedef struct gpu_driver_stats {
    uint64_t requests;       /* taken from the request queue */
    uint64_t submitted;      /* sent to the device */
    uint64_t completed;      /* used entries matched to a command */
    uint64_t notifies;       /* device notifications (one per batch) */
    uint64_t bogus_used;     /* used entries naming no command in flight */
    uint64_t orphaned;       /* commands answered DEVICE_ERROR because their used element went to a bogus id */
    uint64_t bad_responses;  /* wrong length or type */
    uint64_t bad_fences;     /* response header without FLAG_FENCE or with another command's fence id */
    uint64_t spurious_irqs;  /* interrupts with nothing to do */
    uint64_t display_events; /* VIRTIO_GPU_EVENT_DISPLAY seen */
    uint64_t unknown_events; /* other event bits seen */
    uint64_t lost_responses; /* response queue full despite the reservation (corrupt peer) */
    uint64_t device_faults;  /* NEEDS_RESET, broken used ring, missed deadline: each answered and reset */
    uint64_t deadlines;      /* of those, commands past their deadline */
    uint64_t recoveries;     /* re-initialisations that brought the device back (device_epoch) */
    uint64_t reinit_failed;  /* re-initialisations that failed */
    uint64_t edid_fetched;   /* GET_EDID answers that held a valid base block */
    uint64_t edid_refused;   /* GET_EDID answers refused (error, short, bad header or checksum, no timing) */
    uint64_t cursor_cmds;    /* commands sent on the cursor queue */
    uint64_t held;           /* requests held back by the ordering rule (cursor after control or the reverse) */
} gpu_driver_stats_t;

/* One command in flight. */
typedef struct gpu_driver_slot {
    uint32_t in_use;
    uint32_t req_code; /* GPU_REQ_* */
    uint32_t req_id;
    uint32_t cmd_len;     /* bytes of the virtio command */
    uint32_t ok_type;     /* the VIRTIO_GPU_RESP_OK_* that answers it */
    uint32_t ok_len;      /* bytes an OK response must have */
    uint64_t fence_id;    /* sent with VIRTIO_GPU_FLAG_FENCE; the response header must echo it */
    uint32_t submit_tick; /* drv->ticks when it was sent */
    uint32_t scanout;     /* GPU_DRIVER_REQ_EDID: the scanout asked about */
} gpu_driver_slot_t;

/* The last UPDATE_CURSOR sent for a scanout: a MOVE_CURSOR repeats it (QEMU hides a cursor moved without one). */
typedef struct gpu_driver_cursor {
    uint32_t resource_id; /* device id, 0: hidden */
    uint32_t hot_x, hot_y;
} gpu_driver_cursor_t;

/* What a scanout's EDID said (gpu_driver_edid.c); copied into every GET_DISPLAY_INFO answer. */
typedef struct gpu_driver_edid {
    uint32_t status; /* GPU_STATUS_*: OK, UNSUPPORTED (no EDID feature), NOT_READY, INVALID_PARAMETER, ... */
    uint32_t width, height, width_mm, height_mm;
} gpu_driver_edid_t;

typedef struct gpu_driver {
    gpu_driver_config_t cfg;
    gpu_queue_t req_q;
    gpu_queue_t resp_q;
    virtq_t ctrl;
    virtq_t cursor;
    uint8_t *slot_mem;
    uint64_t slot_io;
    uint32_t num_slots;
    uint32_t num_free_slots;
    uint16_t free_slots[GPU_DRIVER_MAX_SLOTS];
    gpu_driver_slot_t slots[GPU_DRIVER_MAX_SLOTS];
    uint64_t next_fence; /* fence id of the next command: 1, 2, ... for the driver's lifetime, never reused */
    uint64_t features;   /* negotiated virtio features */
    uint32_t num_scanouts;
    uint32_t queue_size;     /* control queue entries wanted (config, or the default) */
    uint32_t ticks;          /* gpu_driver_tick() calls so far (free-running) */
    uint32_t device_epoch;   /* recoveries so far: every GET_DISPLAY_INFO answer carries it */
    uint32_t backoff;        /* ticks before the next re-initialisation; 0: no fault lately */
    uint32_t retry_at;       /* while recovering: the tick of the next re-initialisation */
    uint32_t live_since;     /* the tick of the last recovery */
    bool recovering;         /* down after a fault, to be re-initialised at retry_at */
    bool ready;              /* device live */
    bool display_known;      /* a GET_DISPLAY_INFO was answered OK since the device (re)started */
    uint32_t edid_wanted;    /* bit i: fetch scanout i's EDID before the next GET_DISPLAY_INFO */
    uint32_t info_in_flight; /* GET_DISPLAY_INFO commands at the device */
    uint64_t edid_io;        /* DMA IO address of the EDID buffers (0: the region has no room for them) */
    uint8_t *edid_mem;
    gpu_driver_edid_t edid[GPU_MAX_SCANOUTS];
    bool signal_virt; /* the virtualiser must be notified */
    bool resp_pushed; /* responses published in this handler */
    bool req_popped;  /* requests consumed in this handler */
    gpu_driver_stats_t stats;

    /* The cursor queue (gpu_driver_cursor.c) and the ordering rule that keeps it in step with the control queue. */
    uint32_t cursor_in_flight;                     /* cursor commands at the device: 0 or 1 */
    bool has_held;                                 /* `held` was taken and waits for its turn */
    gpu_req_t held;                                /* private copy of a request the ordering rule holds back */
    gpu_driver_cursor_t cursors[GPU_MAX_SCANOUTS]; /* per scanout, reset with the device */
} gpu_driver_t;

gpu_driver_init_result_t gpu_driver_init(gpu_driver_t *drv, const gpu_driver_config_t *cfg);

/* The device interrupted: take its cause, handle completions and events, then more requests. */
void gpu_driver_handle_irq(gpu_driver_t *drv);

/* The virtualiser notified: take requests (or the response queue has room again). */
void gpu_driver_handle_requests(gpu_driver_t *drv);

/* A tick of the timer (about one a second): deadlines of the commands in flight, and re-initialisation retries. */
void gpu_driver_tick(gpu_driver_t *drv);

/* True (once) if the virtualiser must be notified after the last handler. */
bool gpu_driver_take_signal(gpu_driver_t *drv);

/* GPU_FEATURE_* bits of what was negotiated (0 if the device failed). */
uint32_t gpu_driver_features(const gpu_driver_t *drv);
