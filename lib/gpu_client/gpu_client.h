/*
 * gpu_client: the client side of the sddf-gpu protocol (docs/protocol.md),
 * for event-driven protection domains.
 *
 * Pure C over include/sddf/gpu/{protocol,queue,event}.h: no platform header.
 * The glue of a client PD owns one gpu_client_t, calls gpu_client_start()
 * from init() and gpu_client_notified() whenever the server's channel fires;
 * the library calls back through the config when it needs to signal the
 * server, and when display info (re)arrives.
 *
 * Requests are grouped into operations (gpu_client_op_t): a client stages
 * any number of requests under one op, submits them with one publish and at
 * most one notification, and the op's completion runs once every one of its
 * responses has arrived. Responses may overtake each other (docs/protocol.md
 * section 6); they are matched to their requests by id. Nothing blocks and
 * nothing polls: the op completion is how a client "waits".
 *
 * Display info: the library sends GET_DISPLAY_INFO first, keeps a private
 * copy of the answer, and on a display-info event re-queries and calls
 * `display_changed` again.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sddf/gpu/protocol.h>
#include <sddf/gpu/queue.h>

/* Requests in flight at once (responses not yet matched). Power of two: the low bits of an id index the table. */
#define GPU_CLIENT_MAX_PENDING 64u
/* Requests staged but not yet published to the request queue. */
#define GPU_CLIENT_MAX_STAGED GPU_CLIENT_MAX_PENDING

#define GPU_CLIENT_CONFIG_MAGIC   0x67637731u /* "gcw1" */
#define GPU_CLIENT_CONFIG_VERSION 2u

typedef struct gpu_client gpu_client_t;
typedef struct gpu_client_op gpu_client_op_t;

/* Runs once every request of `op` has its response. May stage and submit new requests. */
typedef void (*gpu_client_done_fn)(gpu_client_t *c, gpu_client_op_t *op);

/*
 * A group of requests with one completion. The caller owns the storage and
 * must keep it alive until `done` runs. After `done` the op may be reused.
 */
struct gpu_client_op {
    gpu_client_done_fn done;
    void *ctx;
    uint32_t outstanding;  /* requests without a response yet */
    uint32_t count;        /* requests staged under this op */
    uint32_t status;       /* GPU_STATUS_OK, or the status of the first failed request in staging order */
    uint32_t failed_code;  /* code of that request, 0 if none failed */
    uint32_t failed_index; /* its position in the op, from 0 */
};

typedef struct gpu_client_config {
    uint32_t magic;   /* GPU_CLIENT_CONFIG_MAGIC */
    uint32_t version; /* GPU_CLIENT_CONFIG_VERSION */
    void *req_region; /* request queue region, we produce */
    uint32_t req_capacity;
    void *resp_region; /* response queue region, we consume */
    uint32_t resp_capacity;
    gpu_info_region_t *info; /* written by the server; we read it once per GET_DISPLAY_INFO */
    uint8_t *data;           /* our data region; request mem_addr fields are offsets into it */
    uint64_t data_size;
    /* Signal the server. Called at most once per gpu_client_submit() or gpu_client_notified(). */
    void (*notify)(void *ctx);
    /* After each successful GET_DISPLAY_INFO: the first time means "ready". May stage and submit. */
    void (*display_changed)(gpu_client_t *c, void *ctx);
    /* Optional: make CPU writes to data[off, off + len) visible to the device (non-coherent DMA). */
    void (*cache_clean)(void *ctx, uint64_t off, uint64_t len);
    /*
     * Optional: the device was reset and every resource of ours is gone (display info came with a new
     * device_epoch). Called before display_changed for the same display info; resource ids may be reused.
     */
    void (*device_reset)(gpu_client_t *c, void *ctx);
    void *ctx; /* passed to the callbacks above */
} gpu_client_config_t;

typedef struct gpu_client_stats {
    uint64_t requests;        /* requests published */
    uint64_t responses;       /* responses matched to a request */
    uint64_t bad_responses;   /* responses whose id or code matched nothing in flight (dropped) */
    uint64_t stale_responses; /* responses found at gpu_client_start(), left by a previous instance (dropped) */
    uint64_t notifications;   /* times we signalled the server */
    uint64_t events;          /* display-info events taken */
    uint64_t queue_full;      /* times the request queue was full with requests staged */
    uint64_t display_errors;  /* GET_DISPLAY_INFO answers that failed or were malformed */
    uint64_t device_resets;   /* display info that came with a new device_epoch */
} gpu_client_stats_t;

typedef struct gpu_client_pending {
    uint32_t id;
    uint32_t code;
    uint32_t index; /* position within its op */
    uint8_t in_use;
    uint8_t published; /* in the request queue: only then can a response be genuine */
    uint16_t _pad;
    gpu_client_op_t *op;
} gpu_client_pending_t;

/* All state of one client connection. Fields are private to the library; read them through the functions below. */
struct gpu_client {
    gpu_client_config_t cfg;
    gpu_queue_t req_q;
    gpu_queue_t resp_q;
    gpu_client_pending_t pending[GPU_CLIENT_MAX_PENDING];
    uint32_t pending_count;
    uint32_t next_slot; /* where the search for a free pending slot starts */
    uint32_t next_seq;  /* upper bits of the next id */
    gpu_req_t staged[GPU_CLIENT_MAX_STAGED];
    uint32_t staged_count;
    gpu_display_info_t display; /* private copy of the last good display info */
    gpu_client_op_t info_op;    /* our own GET_DISPLAY_INFO */
    bool ready;                 /* a GET_DISPLAY_INFO has succeeded */
    bool info_in_flight;
    bool info_again;  /* an event arrived while a query was in flight: ask again */
    bool in_handler;  /* inside gpu_client_notified(): submits wait for its end */
    bool want_notify; /* signal the server before returning */
    uint32_t event_generation;
    uint32_t device_epoch; /* of the last good display info */
    gpu_client_stats_t stats;
};

/*
 * Checks the config (magic, version, queue capacities, regions) and sets up
 * the queue handles. Returns false, with `c` unusable, on a bad config.
 */
bool gpu_client_init(gpu_client_t *c, const gpu_client_config_t *cfg);

/*
 * Drops responses left in the queue by a previous instance of this client
 * (after a restart), sends the first GET_DISPLAY_INFO and arms the response
 * queue. Call once, from init().
 */
void gpu_client_start(gpu_client_t *c);

/*
 * The server's channel fired: match every response (running op completions
 * and the display callback), take a display-info event, publish staged
 * requests, and signal the server at most once.
 */
void gpu_client_notified(gpu_client_t *c);

/* Starts (or restarts) an op. `done` may be NULL. */
void gpu_client_op_init(gpu_client_op_t *op, gpu_client_done_fn done, void *ctx);

/* True while some request of `op` has no response yet. */
bool gpu_client_op_busy(const gpu_client_op_t *op);

/*
 * Stages one request under `op` (may be NULL: response ignored), giving it a
 * fresh id (req->id is overwritten). Returns false, staging nothing, when
 * GPU_CLIENT_MAX_PENDING requests are already in flight or staged.
 */
bool gpu_client_enqueue(gpu_client_t *c, gpu_client_op_t *op, const gpu_req_t *req);

/*
 * Publishes the staged requests with one index update and signals the server
 * if it asked to be woken. Inside gpu_client_notified() (that is, from a
 * callback) this is deferred to the end of the handler, so one event sends
 * one notification. Requests that do not fit in the request queue stay
 * staged and go out when the server frees space.
 */
void gpu_client_submit(gpu_client_t *c);

/* Free slots in the pending table (requests that can still be staged). */
uint32_t gpu_client_capacity(const gpu_client_t *c);

/* Requests staged but not yet in the request queue. */
uint32_t gpu_client_staged(const gpu_client_t *c);

/* True once GET_DISPLAY_INFO has succeeded. */
bool gpu_client_ready(const gpu_client_t *c);

/* The last good display info (valid when ready). */
const gpu_display_info_t *gpu_client_display(const gpu_client_t *c);

/* True when the server offers blob resources. */
bool gpu_client_has_blob(const gpu_client_t *c);

void gpu_client_get_stats(const gpu_client_t *c, gpu_client_stats_t *out);

/* Request builders: each fills a gpu_req_t and stages it under `op`. Same result as gpu_client_enqueue(). */
bool gpu_client_get_display_info(gpu_client_t *c, gpu_client_op_t *op);
bool gpu_client_create_2d(gpu_client_t *c, gpu_client_op_t *op, uint32_t resource_id, uint32_t format, uint32_t width,
                          uint32_t height);
bool gpu_client_create_blob(gpu_client_t *c, gpu_client_op_t *op, uint32_t resource_id, uint64_t mem_offset,
                            uint64_t size);
bool gpu_client_unref(gpu_client_t *c, gpu_client_op_t *op, uint32_t resource_id);
bool gpu_client_attach_backing(gpu_client_t *c, gpu_client_op_t *op, uint32_t resource_id, uint64_t mem_offset,
                               uint64_t size);
bool gpu_client_detach_backing(gpu_client_t *c, gpu_client_op_t *op, uint32_t resource_id);
bool gpu_client_set_scanout(gpu_client_t *c, gpu_client_op_t *op, uint32_t scanout_id, uint32_t resource_id,
                            gpu_rect_t rect);
bool gpu_client_set_scanout_blob(gpu_client_t *c, gpu_client_op_t *op, const gpu_req_set_scanout_blob_t *body);
bool gpu_client_transfer_to_2d(gpu_client_t *c, gpu_client_op_t *op, uint32_t resource_id, gpu_rect_t rect,
                               uint64_t offset);
bool gpu_client_flush(gpu_client_t *c, gpu_client_op_t *op, uint32_t resource_id, gpu_rect_t rect);
/* UPDATE_CURSOR: 64x64 B8G8R8A8 resource `resource_id` (0: hide) with its pixel (hot_x, hot_y) at (x, y). */
bool gpu_client_update_cursor(gpu_client_t *c, gpu_client_op_t *op, uint32_t scanout_id, uint32_t resource_id,
                              uint32_t x, uint32_t y, uint32_t hot_x, uint32_t hot_y);
/* MOVE_CURSOR: the cursor's hot spot to (x, y). */
bool gpu_client_move_cursor(gpu_client_t *c, gpu_client_op_t *op, uint32_t scanout_id, uint32_t x, uint32_t y);
/* PRESENT: show `resource_id` where the scanout shows one of ours now; `fence` must exceed the last one completed. */
bool gpu_client_present(gpu_client_t *c, gpu_client_op_t *op, uint32_t scanout_id, uint32_t resource_id,
                        uint64_t fence);

/*
 * The fence of our latest PRESENT that completed (the info region's
 * completion word, loaded with acquire: pairs with the server's release).
 * Once it reads N, every buffer shown before present N may be written.
 */
uint64_t gpu_client_present_fence(const gpu_client_t *c);

/* Short name of a status code, for logs ("OK", "INVALID_RESOURCE_ID", ...; "?" if unknown). */
const char *gpu_client_status_name(uint32_t status);
