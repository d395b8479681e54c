/*
 * vgpu_model: a virtio-gpu device (virtio 1.2 section 5.7) behind a
 * virtio-mmio version 2 register interface (section 4.2.2) with split
 * virtqueues (section 2.7), for tests. It is a test instrument: it follows
 * the specification and QEMU's observable behaviour, never touches guest
 * memory except through the translate callback, and can inject faults.
 *
 * Threading: every function takes the model's internal lock, so a driver
 * thread may access registers while a device thread calls
 * vgpu_model_process(). Ring indices are read with acquire and published
 * with release ordering.
 *
 * Processing model: a write to QueueNotify only records which queue was
 * notified. vgpu_model_process() then handles every buffer made available on
 * the notified queues, so tests can interleave driver and device steps.
 *
 * See README.md beside this file for every command, feature and fault knob.
 */
#pragma once

#include <stdint.h>

typedef struct vgpu_model vgpu_model_t;

/*
 * Maps [io_addr, io_addr + len) of guest (IO) memory to a host pointer, or
 * returns NULL if any byte of the range is not exposed to the device. The
 * model calls it for every access and never caches the pointer across calls
 * to vgpu_model_process().
 */
typedef void *(*vgpu_translate_fn)(void *ctx, uint64_t io_addr, uint64_t len);

#define VGPU_MODEL_MAX_SCANOUTS 16u

typedef struct vgpu_model_config {
    uint64_t features;                        /* offered; default VERSION_1 | RESOURCE_BLOB | EDID */
    uint32_t num_scanouts;                    /* 1..16; default 1 */
    uint32_t width[VGPU_MODEL_MAX_SCANOUTS];  /* preferred mode per scanout, 1..16384; default 1280 */
    uint32_t height[VGPU_MODEL_MAX_SCANOUTS]; /* default 800 */
    uint32_t queue_num_max;                   /* QueueNumMax of both queues, <= 32768; default 256 */
    vgpu_translate_fn translate;
    void *translate_ctx;
    uint64_t max_hostmem;   /* bytes of 2D resource storage; beyond -> ERR_OUT_OF_MEMORY. Default 256 MiB */
    uint32_t max_resources; /* live resources; beyond -> ERR_OUT_OF_MEMORY. Default 4096 */
    uint32_t enabled_mask;  /* bit i: scanout i starts enabled; default bit 0 only */
    /* Optional: called (without the model's lock held) whenever an
     * InterruptStatus bit is raised, e.g. to kick a driver thread. */
    void (*irq_notify)(void *ctx);
    void *irq_ctx;
} vgpu_model_config_t;

/* Fills every field with its default (translate stays NULL: set it). */
void vgpu_model_config_default(vgpu_model_config_t *cfg);

/* NULL if cfg is invalid (no translate, num_scanouts 0 or > 16, a size of 0
 * for an existing scanout, queue_num_max 0 or > 32768) or memory is short. */
vgpu_model_t *vgpu_model_create(const vgpu_model_config_t *cfg);
void vgpu_model_destroy(vgpu_model_t *m);

/* 32-bit register and configuration-space access at `offset` in the MMIO
 * window (0 .. 0x1ff). Unknown or write-only registers read 0; writes to
 * read-only registers are ignored. */
uint32_t vgpu_model_mmio_read(vgpu_model_t *m, uint32_t offset);
void vgpu_model_mmio_write(vgpu_model_t *m, uint32_t offset, uint32_t value);

/* 1 while InterruptStatus != 0 (a level-triggered interrupt line). */
int vgpu_model_irq_level(const vgpu_model_t *m);

/* Bit q is set if queue q was notified since the last vgpu_model_process(). */
uint32_t vgpu_model_notified(const vgpu_model_t *m);

/*
 * Handles every available buffer of every notified queue (only when the
 * device status has DRIVER_OK and not DEVICE_NEEDS_RESET). Returns the number
 * of used entries published by this call (held completions are not counted
 * until released).
 */
unsigned vgpu_model_process(vgpu_model_t *m);

/* Current device status register value. */
uint32_t vgpu_model_status(const vgpu_model_t *m);

/* Short description of the last device error or refusal (malformed chain,
 * FEATURES_OK refused, queue not made ready), "" if none. Read it while no
 * other thread is using the model. */
const char *vgpu_model_last_error(const vgpu_model_t *m);

/*
 * Test side of the display: change scanout idx's preferred mode and whether a
 * display is connected, then set VIRTIO_GPU_EVENT_DISPLAY in events_read and
 * raise a configuration-change interrupt. Ignored for idx >= num_scanouts or
 * a size of 0.
 */
void vgpu_model_set_scanout(vgpu_model_t *m, uint32_t idx, uint32_t w, uint32_t h, int enabled);

/*
 * The image scanout idx shows, XRGB8888 (0x00RRGGBB), rows of *w pixels,
 * *h rows. It changes only at RESOURCE_FLUSH (and turns black when the
 * scanout is disabled). While a resource is scanned out its size is the
 * scanout rectangle's; otherwise the preferred mode's. NULL for a bad idx.
 */
const uint32_t *vgpu_model_framebuffer(const vgpu_model_t *m, uint32_t idx, uint32_t *w, uint32_t *h);

/*
 * What scanout idx displays: its framebuffer (as vgpu_model_framebuffer())
 * with the scanout's cursor blended over it, if one is shown: the 64x64
 * ARGB image placed with its hot spot at the cursor position, clipped at
 * the edges, each channel out = (src * a + dst * (255 - a) + 127) / 255
 * (alpha not premultiplied). A fresh malloc()ed copy the caller frees;
 * NULL for a bad idx or when memory is short.
 */
uint32_t *vgpu_model_composed(const vgpu_model_t *m, uint32_t idx, uint32_t *w, uint32_t *h);

/*
 * Writes what scanout idx displays (vgpu_model_composed()) as an RGB PNG. 0 on success, -1 on failure (also when
 * the scanout shows nothing: no framebuffer).
 */
int vgpu_model_screenshot_png(const vgpu_model_t *m, uint32_t idx, const char *path);

/* What a scanout is currently set to (SET_SCANOUT / SET_SCANOUT_BLOB). */
typedef struct vgpu_model_scanout_state {
    uint32_t resource_id;         /* 0 = disabled */
    uint32_t x, y, width, height; /* rectangle of the resource shown */
    int blob;                     /* set by SET_SCANOUT_BLOB */
    uint32_t blob_format, blob_width, blob_height, blob_stride, blob_offset;
    uint32_t flushes; /* RESOURCE_FLUSH commands that updated this scanout */
} vgpu_model_scanout_state_t;

/* 0 on success, -1 for a bad idx. */
int vgpu_model_scanout_state(const vgpu_model_t *m, uint32_t idx, vgpu_model_scanout_state_t *out);

/* The last command seen on the cursor queue (each scanout's cursor is composed by vgpu_model_composed()). */
typedef struct vgpu_model_cursor {
    uint32_t scanout_id;
    uint32_t x, y;
    uint32_t resource_id; /* 0 = hidden */
    uint32_t hot_x, hot_y;
    uint32_t updates; /* UPDATE_CURSOR commands seen */
    uint32_t moves;   /* MOVE_CURSOR commands seen */
} vgpu_model_cursor_t;

void vgpu_model_cursor_state(const vgpu_model_t *m, vgpu_model_cursor_t *out);

/* Counters since creation (not cleared by reset). */
typedef struct vgpu_model_stats {
    uint64_t commands;   /* control + cursor commands handled */
    uint64_t errors;     /* responses with an ERR_* type (injected included) */
    uint64_t malformed;  /* chains rejected as device errors */
    uint64_t used;       /* used entries published */
    uint64_t interrupts; /* times an InterruptStatus bit was raised */
    uint64_t resets;     /* writes of 0 to Status */
    /* Tear detection (vgpu_tear.c): writes into what a scanout shows. */
    uint64_t shown_transfers;   /* TRANSFER_TO_HOST_2D into a 2D resource a scanout shows */
    uint64_t shown_blob_writes; /* a shown blob's scanned-out bytes changed while it was shown */
} vgpu_model_stats_t;

void vgpu_model_stats(const vgpu_model_t *m, vgpu_model_stats_t *out);

/* Number of live resources, and whether resource id exists (for tests). */
uint32_t vgpu_model_resource_count(const vgpu_model_t *m);
int vgpu_model_resource_exists(const vgpu_model_t *m, uint32_t resource_id);

/*
 * Fault injection. Faults are one-shot unless stated; reset (status 0) does
 * not clear them. An injected error response replaces the command: it has no
 * effect.
 */

/* The n-th control command from now (n = 1: the next one) is answered with
 * error response type `virtio_err` (e.g. VIRTIO_GPU_RESP_ERR_UNSPEC). n = 0 cancels. */
void vgpu_model_fault_error_nth(vgpu_model_t *m, uint32_t n, uint32_t virtio_err);

/* Every command of type cmd_type (control or cursor) is answered with
 * `virtio_err` until called again with virtio_err = 0. Up to 8 types at once. */
void vgpu_model_fault_error_cmd(vgpu_model_t *m, uint32_t cmd_type, uint32_t virtio_err);

/* hold != 0: completions (used entries) are kept inside the model instead of
 * being published. hold = 0 stops holding; held ones wait for release. */
void vgpu_model_fault_hold(vgpu_model_t *m, int hold);

/* Publishes every held completion (in reverse order if reordering is on) and
 * interrupts. Returns the number published. */
unsigned vgpu_model_fault_release(vgpu_model_t *m);

/* Completions held now. */
unsigned vgpu_model_fault_held(const vgpu_model_t *m);

/* on != 0: the completions of each process() or release() batch are published
 * in reverse order (out-of-order completion). Stays until turned off. */
void vgpu_model_fault_reorder(vgpu_model_t *m, int on);

/* The next published used entry carries `id` instead of its chain's head. */
void vgpu_model_fault_bogus_used_id(vgpu_model_t *m, uint32_t id);

/* The next published used entry carries `len` instead of the bytes written. */
void vgpu_model_fault_bogus_used_len(vgpu_model_t *m, uint32_t len);

/* Raises a used-buffer interrupt now with nothing new in any used ring. */
void vgpu_model_fault_spurious_irq(vgpu_model_t *m);

/* The next control response header carries `flags` and `fence_id` instead of
 * the echoed fence (e.g. flags 0: the FENCE flag dropped). */
void vgpu_model_fault_bogus_fence(vgpu_model_t *m, uint32_t flags, uint64_t fence_id);

/* Sets DEVICE_NEEDS_RESET now, as a device error would: configuration-change
 * interrupt (once DRIVER_OK), nothing processed until the driver resets. */
void vgpu_model_fault_needs_reset(vgpu_model_t *m);

/* The next published used entry moves used->idx by 1 + extra: the device
 * claims `extra` elements it never wrote (the ring slots keep stale data). */
void vgpu_model_fault_used_idx_ahead(vgpu_model_t *m, uint16_t extra);

/* Sets `bits` in events_read (e.g. bits no specification defines) and raises
 * a configuration-change interrupt, as a display change does. */
void vgpu_model_fault_config_event(vgpu_model_t *m, uint32_t bits);

/* Spoils every GET_EDID answer from now on (VGPU_EDID_FAULT_NONE puts them right). */
#define VGPU_EDID_FAULT_NONE      0u
#define VGPU_EDID_FAULT_CHECKSUM  1u /* one byte of the block changed, checksum left */
#define VGPU_EDID_FAULT_HEADER    2u /* the fixed 8-byte header broken */
#define VGPU_EDID_FAULT_SHORT     3u /* size 64: less than a base block */
#define VGPU_EDID_FAULT_HUGE      4u /* size 0xffffffff */
#define VGPU_EDID_FAULT_NO_TIMING 5u /* the first detailed descriptor is not a timing (checksum fixed up) */
void vgpu_model_fault_edid(vgpu_model_t *m, uint32_t fault);

/*
 * stall != 0: the device takes nothing off its queues (commands wait in the
 * avail rings, as on a slow device); 0 resumes, acting on the notifications
 * that came meanwhile.
 */
void vgpu_model_fault_stall(vgpu_model_t *m, int stall);

/* on != 0: count writes into what a scanout shows (stats.shown_*; off by default: it hashes every flushed blob). */
void vgpu_model_tear_detect(vgpu_model_t *m, int on);

/* Compares every shown blob with its hash now (counting shown_blob_writes), then hashes it afresh. */
void vgpu_model_tear_check(vgpu_model_t *m);
