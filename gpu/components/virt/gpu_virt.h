/*
 * GPU virtualiser core: multiplexes one GPU driver connection among several
 * untrusted clients (README.md in this directory describes the policy).
 *
 * The core is pure: it takes explicit state (gpu_virt_t) and configuration
 * (gpu_virt_config_t), includes no platform header, and never notifies
 * anybody itself. Every entry point fills a gpu_virt_notify_t that says which
 * peers the caller must signal; the glue (virt.c) turns it into deferred
 * notifications, a host test simply looks at it.
 *
 * All storage is static, sized by the compile-time maxima below; a build may
 * lower them (e.g. -DGPU_VIRT_MAX_CLIENTS=4) to shrink the state. Resource
 * slots come from one pool that the configuration divides among the
 * clients, so the product of the client and resource maxima costs nothing.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <sddf/gpu/protocol.h>
#include <sddf/gpu/queue.h>

#define GPU_VIRT_CONFIG_MAGIC       0x56555047u /* "GPUV" in memory order */
#define GPU_VIRT_CONFIG_VERSION     2u
#define GPU_VIRT_CONFIG_MAX_CLIENTS 16u         /* client slots in the configuration ABI */
#define GPU_VIRT_NO_CHANNEL         0xffffffffu /* a channel field that is not connected */
/* data_io_base value meaning "the glue takes it from setvar symbol gpu_virt_data_paddr<i>" */
#define GPU_VIRT_IO_BASE_SETVAR UINT64_MAX

#ifndef GPU_VIRT_MAX_CLIENTS
#define GPU_VIRT_MAX_CLIENTS GPU_VIRT_CONFIG_MAX_CLIENTS
#endif
#ifndef GPU_VIRT_MAX_RESOURCES_PER_CLIENT
#define GPU_VIRT_MAX_RESOURCES_PER_CLIENT 256u
#endif
#ifndef GPU_VIRT_MAX_DEVICE_RESOURCES
#define GPU_VIRT_MAX_DEVICE_RESOURCES 1024u
#endif
#ifndef GPU_VIRT_MAX_INFLIGHT
#define GPU_VIRT_MAX_INFLIGHT 64u /* driver requests outstanding at once; a power of two */
#endif

#define GPU_VIRT_BATCH           4u /* requests one client forwards before the next gets a turn */
#define GPU_VIRT_DISPLAY_RETRIES 8u /* immediate re-queries of display info after a driver error */

_Static_assert(GPU_VIRT_MAX_CLIENTS >= 1 && GPU_VIRT_MAX_CLIENTS <= GPU_VIRT_CONFIG_MAX_CLIENTS, "client maximum");
_Static_assert(GPU_VIRT_MAX_RESOURCES_PER_CLIENT >= 1, "resource maximum");
_Static_assert(GPU_VIRT_MAX_DEVICE_RESOURCES >= 1 && GPU_VIRT_MAX_DEVICE_RESOURCES < 0x7fffffffu, "device ids");
_Static_assert((GPU_VIRT_MAX_INFLIGHT & (GPU_VIRT_MAX_INFLIGHT - 1)) == 0, "in-flight table is a power of two");
_Static_assert(GPU_MAX_SCANOUTS <= 16, "scanout masks are 16 bits");

/*
 * Configuration (read-only, written by the system build). Region fields are
 * virtual addresses in the virtualiser's address space.
 */

/* One connection's shared regions: request queue, response queue, info region. */
typedef struct gpu_virt_conn_config {
    uint64_t req_queue;  /* gpu_queue region of gpu_req_t */
    uint64_t resp_queue; /* gpu_queue region of gpu_resp_t */
    uint64_t info;       /* gpu_info_region_t */
    uint32_t req_capacity;
    uint32_t resp_capacity;
    uint32_t channel; /* glue only: the notification channel to the peer */
    uint32_t _pad;
} gpu_virt_conn_config_t;

/* One client: its connection, its memory and its share of the device. */
typedef struct gpu_virt_client_config {
    gpu_virt_conn_config_t conn;
    uint64_t data_size;       /* bytes of the client's data region */
    uint64_t data_io_base;    /* IO address of offset 0 of the data region, or GPU_VIRT_IO_BASE_SETVAR */
    uint32_t max_resources;   /* resource ids 1..max_resources; <= GPU_VIRT_MAX_RESOURCES_PER_CLIENT */
    uint32_t release_channel; /* glue only: notified here to release the client, GPU_VIRT_NO_CHANNEL if none */
    uint32_t num_scanouts;    /* entries of scanouts[] in use */
    uint32_t _pad;
    uint64_t max_memory;                /* bytes of device memory its 2D resources may take (width * height * 4 each) */
    uint8_t scanouts[GPU_MAX_SCANOUTS]; /* virtual scanout i -> device scanout */
} gpu_virt_client_config_t;

typedef struct gpu_virt_config {
    uint32_t magic;   /* GPU_VIRT_CONFIG_MAGIC */
    uint32_t version; /* GPU_VIRT_CONFIG_VERSION */
    uint32_t num_clients;
    uint32_t _pad;
    uint64_t device_memory;        /* bytes of memory the device has for 2D resources; the budgets must fit in it */
    gpu_virt_conn_config_t driver; /* mem_addr on this connection is an IO address */
    gpu_virt_client_config_t clients[GPU_VIRT_CONFIG_MAX_CLIENTS];
} gpu_virt_config_t;

_Static_assert(sizeof(gpu_virt_conn_config_t) == 40, "conn config size");
_Static_assert(sizeof(gpu_virt_client_config_t) == 96, "client config size");
_Static_assert(offsetof(gpu_virt_config_t, driver) == 24, "config driver offset");
_Static_assert(offsetof(gpu_virt_config_t, clients) == 64, "config clients offset");

/* Whom the caller must signal after an entry point returns. */
typedef struct gpu_virt_notify {
    uint32_t clients;  /* bit i: client i (responses, freed request slots or a display event) */
    uint32_t released; /* bit i: the release of client i finished */
    bool driver;       /* new driver requests, or freed driver response slots */
} gpu_virt_notify_t;

/* Result of gpu_virt_init(). */
#define GPU_VIRT_OK            0
#define GPU_VIRT_ERR_MAGIC     (-1)
#define GPU_VIRT_ERR_VERSION   (-2)
#define GPU_VIRT_ERR_CLIENTS   (-3)
#define GPU_VIRT_ERR_QUEUE     (-4)
#define GPU_VIRT_ERR_RESOURCES (-5)
#define GPU_VIRT_ERR_SCANOUTS  (-6)
#define GPU_VIRT_ERR_DATA      (-7)
#define GPU_VIRT_ERR_MEMORY    (-8) /* the clients' memory budgets do not fit the device's memory */

/* Values of the state fields below. */
#define GPU_VIRT_RES_FREE       0u
#define GPU_VIRT_RES_LIVE       1u
#define GPU_VIRT_KIND_2D        1u
#define GPU_VIRT_KIND_BLOB      2u
#define GPU_VIRT_ORIGIN_FREE    0u /* in-flight slot never used (a used one that is free again says so in its key) */
#define GPU_VIRT_ORIGIN_CLIENT  1u /* a client's request, answered to it on completion */
#define GPU_VIRT_ORIGIN_DISPLAY 2u /* the virtualiser's own GET_DISPLAY_INFO */
#define GPU_VIRT_ORIGIN_RELEASE 3u /* part of a client release */
#define GPU_VIRT_ORIGIN_PRESENT 4u /* one of the two driver requests of a client's PRESENT (gpu_virt_present.c) */
#define GPU_VIRT_RELEASE_NONE   0u
#define GPU_VIRT_RELEASE_DRAIN  1u /* waiting for the client's requests at the driver */
#define GPU_VIRT_RELEASE_SCAN   2u /* disabling its scanouts */
#define GPU_VIRT_RELEASE_RES    3u /* unreffing its resources */
#define GPU_VIRT_RELEASE_WAIT   4u /* waiting for those requests */
#define GPU_VIRT_RELEASE_CURSOR 5u /* hiding its cursors (between DRAIN and SCAN) */
#define GPU_VIRT_NO_OWNER       0xffu

/*
 * State. Opaque to callers: tests may read it (the fuzz harness uses
 * gpu_virt_driver_request_client()), nothing else may write it.
 */

/*
 * Resource slots: every client's quota (max_resources) is a slice of one
 * pool. The quotas together fit the device-id space (checked at init), so
 * the pool never needs more slots than there are device ids.
 */
#define GPU_VIRT_QUOTA_SUM (GPU_VIRT_MAX_CLIENTS * GPU_VIRT_MAX_RESOURCES_PER_CLIENT)
#define GPU_VIRT_RESOURCE_POOL                                                                                         \
    (GPU_VIRT_QUOTA_SUM < GPU_VIRT_MAX_DEVICE_RESOURCES ? GPU_VIRT_QUOTA_SUM : GPU_VIRT_MAX_DEVICE_RESOURCES)

/* A device id (free-list link), as small as the device-id space allows. */
#if GPU_VIRT_MAX_DEVICE_RESOURCES <= 0xffffu
typedef uint16_t gpu_virt_devid_t;
#else
typedef uint32_t gpu_virt_devid_t;
#endif

/* One client resource. 24 bytes: the pool is most of the state. */
typedef struct gpu_virt_resource {
    uint8_t state;        /* GPU_VIRT_RES_FREE / _LIVE */
    uint8_t kind;         /* GPU_VIRT_KIND_2D / _BLOB */
    uint8_t busy;         /* a create, unref, attach or detach of it is at the driver */
    uint8_t has_backing;  /* memory attached (blobs: from create until detach) */
    uint8_t scanout_refs; /* SET_SCANOUT(_BLOB) naming it at the driver: at most one per device scanout */
    /* 2D only: its GPU_FORMAT_* (every one is below 256) */
    uint8_t format;
    uint16_t scanout_mask; /* bit s: device scanout s shows it */
    uint32_t device_id;    /* its id on the driver connection */
    uint16_t width;        /* 2D only; <= 16384 */
    uint16_t height;       /* 2D only; <= 16384 */
    uint64_t size; /* 2D: bytes of the attached memory (of the attach at the driver while busy); blob: its size */
} gpu_virt_resource_t;

_Static_assert(sizeof(gpu_virt_resource_t) == 24, "resource slot size");
_Static_assert(GPU_MAX_SCANOUTS < 256, "scanout_refs fits a byte");
_Static_assert(GPU_FORMAT_R8G8B8X8_UNORM < 256, "a format fits a byte");

/*
 * A request the driver has not answered yet: what its answer needs, not a
 * copy of it. Whatever else a completion needs is kept where the request
 * made its object busy (the resource's size for an attach, the scanout's
 * pending rectangle for a set-scanout).
 */
/*
 * The state of an in-flight entry, xored into the low bits of its key (see
 * below). The key's low bits are otherwise the entry's slot, which is also
 * the low bits of any answer id that finds the entry, so only a SHORT key
 * can equal an answer id.
 */
#define GPU_VIRT_KEY_SHORT 0u /* at the driver; its answer takes the short path (a client request settling nothing) */
#define GPU_VIRT_KEY_LONG  1u /* at the driver; its answer goes the whole way */
#define GPU_VIRT_KEY_FREE  2u /* free: no answer matches it */

/*
 * No epoch: a client's requests at the driver all belong to its current
 * session, or all to the one a release under way ends (the release waits
 * for them before the client may send again), so an answer to a client
 * whose release_phase is not GPU_VIRT_RELEASE_NONE is one to drop.
 */
typedef struct gpu_virt_inflight {
    uint32_t key;       /* the id on the driver connection (or the last one), GPU_VIRT_KEY_* xored in */
    uint32_t client_id; /* the client's request id, echoed in its answer */
    union {
        struct {
            uint8_t origin;       /* GPU_VIRT_ORIGIN_* */
            uint8_t client;       /* client index, for client and release requests */
            uint8_t scanout;      /* device scanout of a set-scanout */
            uint8_t code;         /* GPU_REQ_*: the answer must carry it */
            uint16_t resource_id; /* client resource id its answer settles (0: none) */
            uint16_t _pad;
        };
        uint64_t what; /* the fields above as one word: the stream path writes them with one store */
    };
} gpu_virt_inflight_t;

_Static_assert(sizeof(gpu_virt_inflight_t) == 16, "in-flight record size: a power of two, so its index is a shift");
_Static_assert(offsetof(gpu_virt_inflight_t, what) == 8 && offsetof(gpu_virt_inflight_t, _pad) == 14,
               "the in-flight record's word `what` covers origin .. _pad exactly");
_Static_assert(GPU_VIRT_MAX_RESOURCES_PER_CLIENT <= UINT16_MAX, "a client resource id fits the in-flight record");
_Static_assert(GPU_VIRT_MAX_INFLIGHT <= 256, "free in-flight slots are stacked as bytes");
_Static_assert(GPU_VIRT_MAX_INFLIGHT > GPU_VIRT_KEY_FREE, "a key's state fits below the slot bits");

/* A device scanout: who owns it and what it shows. */
typedef struct gpu_virt_scanout {
    uint8_t owner; /* client index, GPU_VIRT_NO_OWNER if none */
    uint8_t busy;  /* a set-scanout of it is at the driver */
    /* the device may show a cursor its owner set (set by an OK show or a DEVICE_ERROR, cleared by an OK hide) */
    uint8_t cursor;
    uint8_t _pad;
    uint32_t resource_id; /* owner's resource id it shows, 0 if disabled */
    gpu_rect_t rect;      /* the rectangle of the resource it shows (blob flushes must touch it) */
    gpu_rect_t pending;   /* while busy: the rectangle the set-scanout at the driver shows */
} gpu_virt_scanout_t;

/*
 * A client's PRESENT (gpu_virt_present.c): one at a time per client, sent
 * to the driver as SET_SCANOUT(_BLOB) then RESOURCE_FLUSH, answered when
 * both are back. `done` is the private copy of the client's completion word.
 */
#define GPU_VIRT_PRESENT_IDLE  0u
#define GPU_VIRT_PRESENT_FLUSH 1u /* the set-scanout is sent; the flush waits for driver room (request held) */
#define GPU_VIRT_PRESENT_SENT  2u /* both are sent */

typedef struct gpu_virt_present {
    uint64_t fence;       /* of the present under way */
    uint64_t done;        /* the latest fence stored into the client's completion word */
    gpu_rect_t rect;      /* the rectangle it shows and flushes */
    uint32_t client_id;   /* its request id */
    uint32_t resource_id; /* client resource id it shows */
    uint32_t epoch;       /* the client's epoch when it was taken */
    uint32_t losses;      /* device_losses when it was taken: a reset in between fails it */
    uint32_t status;      /* the answer so far: the set-scanout's failure first, then the flush's */
    uint8_t stage;        /* GPU_VIRT_PRESENT_* */
    uint8_t parts;        /* of its driver requests, those not answered yet */
    uint8_t scanout;      /* device scanout */
    uint8_t _pad;
} gpu_virt_present_t;

typedef struct gpu_virt_client {
    gpu_queue_t req;  /* consumer */
    gpu_queue_t resp; /* producer */
    gpu_info_region_t *info;
    const gpu_virt_client_config_t *cfg;
    gpu_virt_resource_t *res;    /* its max_resources slots of gpu_virt_t.res; index = resource id - 1 */
    uint32_t max_resources;      /* cfg->max_resources, read once at init */
    uint32_t owed;               /* requests taken and not yet answered */
    uint32_t epoch;              /* bumped by a release: older answers are dropped */
    uint32_t devids;             /* device ids charged to it: live, being created, or retired on its behalf */
    uint64_t memory;             /* device memory (bytes) its 2D resources are charged, counted like devids */
    uint8_t initialised;         /* a GET_DISPLAY_INFO succeeded since start or release */
    uint8_t has_held;            /* `held` was taken and waits for something */
    uint8_t req_armed;           /* asked for a signal on its next request; cleared when it notifies */
    uint8_t resp_armed;          /* asked for a signal when it frees response slots; cleared likewise */
    uint8_t release_phase;       /* GPU_VIRT_RELEASE_* */
    uint8_t index;               /* its position in gpu_virt_t.clients */
    uint8_t display_refused;     /* its GET_DISPLAY_INFO was answered DEVICE_ERROR: raise the event when info comes */
    uint32_t bit;                /* 1u << index: its bit in gpu_virt_t's client masks */
    uint32_t release_cursor;     /* next scanout or resource id to release */
    uint32_t release_inflight;   /* release requests at the driver */
    uint32_t released_scanouts;  /* the latest release: scanouts it disabled */
    uint32_t released_resources; /* the latest release: resources it unrefed (or retired, if refused) */
    gpu_req_t held;              /* private copy of the request that waits (has_held) */
    uint8_t _pad[44];            /* the record is 256 bytes, so that the answer path finds it with a shift */
} gpu_virt_client_t;

_Static_assert(sizeof(void *) != 8 || sizeof(gpu_virt_client_t) == 256, "client record size (see _pad)");

typedef struct gpu_virt {
    const gpu_virt_config_t *cfg;
    uint32_t num_clients;
    uint32_t last_sent;   /* the client that last sent the driver a request: the round-robin starts after it */
    gpu_queue_t drv_req;  /* producer */
    gpu_queue_t drv_resp; /* consumer */
    gpu_info_region_t *drv_info;
    uint32_t drv_room; /* requests that may still go to the driver: free slots and in-flight entries, at least */
    uint8_t drv_req_published;
    uint8_t drv_resp_released;
    uint8_t display_valid;      /* `display` holds the device's display info */
    uint8_t display_failed;     /* re-queries exhausted while not valid */
    uint8_t display_wanted;     /* a query must be sent */
    uint8_t display_inflight;   /* a query is at the driver */
    uint8_t display_retries;    /* retries left after errors */
    uint8_t device_lost;        /* display info has a new device_epoch: forget everything once nothing is in flight */
    uint32_t device_losses;     /* device resets seen (statistics) */
    uint32_t resp_staged;       /* bit i: answers staged for client i in this call (see notify_collect) */
    uint32_t req_freed;         /* bit i: request slots of client i handed back in this call */
    uint32_t pending_events;    /* bit i: display event raised for client i in this call */
    uint32_t pending_released;  /* bit i: release of client i finished in this call */
    uint32_t drv_waiting;       /* bit i: client i's latest step had something for the driver and got no room */
    uint32_t clients_idle;      /* bit i: client i is idle (virt_client_idle()) since it was armed; 0: look */
    uint32_t clients_all;       /* bit i for every configured client */
    gpu_display_info_t display; /* the device's display info (cache) */
    uint32_t inflight_count;    /* entries in use; the free ones are inflight_stack[count .. MAX), next first */
    uint8_t inflight_stack[GPU_VIRT_MAX_INFLIGHT];
    gpu_virt_inflight_t inflight[GPU_VIRT_MAX_INFLIGHT];
    uint32_t devid_free;    /* head of the device-id free list, 0 if empty */
    uint32_t devid_orphans; /* device ids retired (still charged to their clients) */
    gpu_virt_devid_t devid_next[GPU_VIRT_MAX_DEVICE_RESOURCES + 1]; /* free-list links, index = device id */
    gpu_virt_scanout_t scanouts[GPU_MAX_SCANOUTS];
    gpu_virt_client_t clients[GPU_VIRT_MAX_CLIENTS];
    gpu_virt_resource_t res[GPU_VIRT_RESOURCE_POOL];  /* the clients' slices, in client order */
    gpu_virt_present_t present[GPU_VIRT_MAX_CLIENTS]; /* each client's PRESENT (gpu_virt_present.c) */
    /* The blob layout each device scanout shows (valid while it shows a blob), and while busy the one sent. */
    gpu_req_set_scanout_blob_t scanout_layout[GPU_MAX_SCANOUTS];
    gpu_req_set_scanout_blob_t scanout_layout_pending[GPU_MAX_SCANOUTS];
} gpu_virt_t;

/*
 * Check the configuration, attach to every queue and send the first
 * GET_DISPLAY_INFO to the driver. Returns GPU_VIRT_OK or a GPU_VIRT_ERR_*.
 */
int gpu_virt_init(gpu_virt_t *virt, const gpu_virt_config_t *cfg, gpu_virt_notify_t *notify);

/* Client `client` notified us (new requests or freed response slots). */
void gpu_virt_handle_client(gpu_virt_t *virt, uint32_t client, gpu_virt_notify_t *notify);

/* The driver notified us (responses, freed request slots or a display event). */
void gpu_virt_handle_driver(gpu_virt_t *virt, gpu_virt_notify_t *notify);

/*
 * Release everything client `client` holds: drop its unanswered requests,
 * disable its scanouts, unref its resources, reset its initialisation. The
 * work goes to the driver as space allows; notify->released says when it is
 * finished. Returns false if `client` is out of range.
 */
bool gpu_virt_release_client(gpu_virt_t *virt, uint32_t client, gpu_virt_notify_t *notify);

/*
 * Observability for tests: the client on whose behalf the outstanding driver
 * request `driver_id` was sent, or -1 (none outstanding, or the virtualiser's
 * own display query).
 */
int gpu_virt_driver_request_client(const gpu_virt_t *virt, uint32_t driver_id);

/*
 * Requests of client `client` (its own and its presents' parts, not its
 * release's) at the driver: a scan of the in-flight table, for a release
 * and for tests; the per-request path counts nothing.
 */
uint32_t gpu_virt_client_at_driver(const gpu_virt_t *virt, uint32_t client);
