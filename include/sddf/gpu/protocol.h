/*
 * sddf-gpu protocol: the structures shared between a GPU client and the
 * virtualiser, and between the virtualiser and the driver.
 *
 * docs/protocol.md is the normative text; this header is its exact wire form.
 * Every shared structure uses fixed-width fields only (no enum, bool or
 * pointer), explicit padding, and static assertions on size and offsets, so
 * that protection domains built by different compilers agree.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* Protocol version, carried in component configuration. */
#define GPU_PROTOCOL_VERSION 1u

/* Most scanouts a device, and so a display-info structure, can describe. */
#define GPU_MAX_SCANOUTS 16u

/* Resource id 0 is reserved: SET_SCANOUT(_BLOB) with it disables a scanout. */
#define GPU_RESOURCE_ID_NONE 0u

/* Request codes (gpu_req_t.code). 0 is never a valid code. */
#define GPU_REQ_GET_DISPLAY_INFO        1u
#define GPU_REQ_RESOURCE_CREATE_2D      2u
#define GPU_REQ_RESOURCE_CREATE_BLOB    3u
#define GPU_REQ_RESOURCE_UNREF          4u
#define GPU_REQ_RESOURCE_ATTACH_BACKING 5u
#define GPU_REQ_RESOURCE_DETACH_BACKING 6u
#define GPU_REQ_SET_SCANOUT             7u
#define GPU_REQ_SET_SCANOUT_BLOB        8u
#define GPU_REQ_TRANSFER_TO_2D          9u
#define GPU_REQ_RESOURCE_FLUSH          10u
#define GPU_REQ_UPDATE_CURSOR           11u
#define GPU_REQ_MOVE_CURSOR             12u
#define GPU_REQ_PRESENT                 13u /* client connection only: show another resource, then advance the fence */
#define GPU_REQ_MAX                     GPU_REQ_PRESENT

/* Response status codes (gpu_resp_t.status). */
#define GPU_STATUS_OK                  0u /* the request took effect */
#define GPU_STATUS_UNSPEC              1u /* failed for a reason no other code names */
#define GPU_STATUS_OUT_OF_MEMORY       2u /* quota, device memory or bookkeeping exhausted */
#define GPU_STATUS_INVALID_SCANOUT_ID  3u /* scanout absent or not owned by the client */
#define GPU_STATUS_INVALID_RESOURCE_ID 4u /* id 0 where a resource is needed, out of range, unknown, or in use */
#define GPU_STATUS_INVALID_PARAMETER   5u /* malformed field: format, size, memory range, resource kind */
#define GPU_STATUS_OUT_OF_BOUNDS       6u /* rectangle or layout outside the resource or its backing */
#define GPU_STATUS_UNSUPPORTED         7u /* unknown request code, or a feature the device lacks (blob) */
#define GPU_STATUS_NOT_READY           8u /* no successful GET_DISPLAY_INFO yet */
#define GPU_STATUS_DEVICE_ERROR        9u /* the device failed, or misbehaved while handling this request */
#define GPU_STATUS_MAX                 GPU_STATUS_DEVICE_ERROR

/*
 * Pixel formats, 32 bits per pixel, named by byte order in memory. The values
 * equal virtio-gpu's so that no translation table is needed.
 */
#define GPU_FORMAT_B8G8R8A8_UNORM 1u
#define GPU_FORMAT_B8G8R8X8_UNORM 2u
#define GPU_FORMAT_A8R8G8B8_UNORM 3u
#define GPU_FORMAT_X8R8G8B8_UNORM 4u
#define GPU_FORMAT_R8G8B8A8_UNORM 67u
#define GPU_FORMAT_X8B8G8R8_UNORM 68u
#define GPU_FORMAT_A8B8G8R8_UNORM 121u
#define GPU_FORMAT_R8G8B8X8_UNORM 134u
#define GPU_BYTES_PER_PIXEL       4u

/* Largest width or height of a 2D resource or blob framebuffer (docs/protocol.md section 7). */
#define GPU_MAX_DIMENSION 16384u

/* Smallest side of a rectangle a scanout shows: virtio-gpu devices (QEMU) refuse smaller ones. */
#define GPU_MIN_SCANOUT_SIDE 16u

/*
 * The cursor (UPDATE_CURSOR, MOVE_CURSOR): a GPU_CURSOR_SIDE x GPU_CURSOR_SIDE
 * image in GPU_CURSOR_FORMAT (DRM's ARGB8888), its hot spot placed at a
 * position no further than GPU_CURSOR_MAX_POS along either axis.
 */
#define GPU_CURSOR_SIDE    64u
#define GPU_CURSOR_FORMAT  GPU_FORMAT_B8G8R8A8_UNORM
#define GPU_CURSOR_MAX_POS GPU_MAX_DIMENSION

/* True for one of the eight GPU_FORMAT_* values. */
static inline int gpu_format_valid(uint32_t format)
{
    switch (format) {
    case GPU_FORMAT_B8G8R8A8_UNORM:
    case GPU_FORMAT_B8G8R8X8_UNORM:
    case GPU_FORMAT_A8R8G8B8_UNORM:
    case GPU_FORMAT_X8R8G8B8_UNORM:
    case GPU_FORMAT_R8G8B8A8_UNORM:
    case GPU_FORMAT_X8B8G8R8_UNORM:
    case GPU_FORMAT_A8B8G8R8_UNORM:
    case GPU_FORMAT_R8G8B8X8_UNORM:
        return 1;
    default:
        return 0;
    }
}

/* Capability bits in gpu_display_info_t.features. */
#define GPU_FEATURE_BLOB (1u << 0) /* RESOURCE_CREATE_BLOB and SET_SCANOUT_BLOB work */
#define GPU_FEATURE_EDID (1u << 1) /* the device has EDID data (informational) */

/* A rectangle in pixels. */
typedef struct gpu_rect {
    uint32_t x;
    uint32_t y;
    uint32_t width;
    uint32_t height;
} gpu_rect_t;

/* One scanout as a client sees it in display info. */
typedef struct gpu_scanout_info {
    gpu_rect_t rect;  /* preferred mode: width and height; x, y are the position */
    uint32_t enabled; /* 1 when a display is connected */
    uint32_t flags;   /* reserved, 0 */
    /*
     * What the display's EDID says (docs/protocol.md, GET_DISPLAY_INFO):
     * edid_status GPU_STATUS_OK when the fields below hold its preferred
     * mode and physical size, otherwise why not (and the fields are 0).
     */
    uint32_t edid_status;
    uint32_t edid_width; /* preferred mode (first detailed timing), pixels */
    uint32_t edid_height;
    uint32_t width_mm; /* physical size; 0 if the EDID does not say */
    uint32_t height_mm;
    uint32_t _pad;
} gpu_scanout_info_t;

/* The answer to GET_DISPLAY_INFO, written into the info region. */
typedef struct gpu_display_info {
    uint32_t num_scanouts; /* entries of scanouts[] that are valid, <= GPU_MAX_SCANOUTS */
    uint32_t features;     /* GPU_FEATURE_* */
    uint32_t device_epoch; /* +1 each time the device was reset and every resource on it lost (docs/protocol.md) */
    uint32_t _pad;
    gpu_scanout_info_t scanouts[GPU_MAX_SCANOUTS];
} gpu_display_info_t;

/*
 * The display-info event, at the start of the info region. The server sets
 * `pending` to 1 and increments `generation` (both with release semantics),
 * then notifies; the client takes the event with an atomic exchange of
 * `pending` to 0 (acquire) and asks GET_DISPLAY_INFO again. A generation that
 * moved by more than one since the client's last look means it missed events,
 * which is harmless: display info is always read whole.
 */
typedef struct gpu_event {
    uint32_t pending;    /* atomic: 1 = display info changed since the client last took the event */
    uint32_t generation; /* atomic: number of events ever raised */
    /*
     * atomic, written only by the server: the fence of the client's latest
     * PRESENT that completed (docs/protocol.md, PRESENT). Stored with
     * release after the device showed the new resource; a client that
     * loads it with acquire and reads N may write every buffer shown
     * before present N. 0 until the first present; 0 again after a release.
     */
    uint64_t present_fence;
    uint32_t _pad[12]; /* the event owns a cache line */
} gpu_event_t;

/*
 * The info region: one per connection, written by the server, read by the
 * client (except `event.pending`, which the client clears). `display` is
 * written only while the client has a GET_DISPLAY_INFO outstanding and is
 * stable from its response until the client's next GET_DISPLAY_INFO.
 */
typedef struct gpu_info_region {
    gpu_event_t event;
    gpu_display_info_t display;
} gpu_info_region_t;

/*
 * Memory addresses in requests. On the client connection `mem_addr` is an
 * offset into the client's data region; on the driver connection it is an
 * IO (device) address. The virtualiser translates one into the other.
 */

/* RESOURCE_CREATE_2D */
typedef struct gpu_req_create_2d {
    uint32_t resource_id;
    uint32_t format; /* GPU_FORMAT_* */
    uint32_t width;
    uint32_t height;
} gpu_req_create_2d_t;

/* RESOURCE_CREATE_BLOB: a resource whose pixels live in [mem_addr, mem_addr + size). */
typedef struct gpu_req_create_blob {
    uint32_t resource_id;
    uint32_t _pad;
    uint64_t mem_addr;
    uint64_t size;
} gpu_req_create_blob_t;

/* RESOURCE_UNREF, RESOURCE_DETACH_BACKING */
typedef struct gpu_req_resource {
    uint32_t resource_id;
} gpu_req_resource_t;

/* RESOURCE_ATTACH_BACKING: one contiguous range. */
typedef struct gpu_req_attach_backing {
    uint32_t resource_id;
    uint32_t _pad;
    uint64_t mem_addr;
    uint64_t size;
} gpu_req_attach_backing_t;

/* SET_SCANOUT: show `rect` of a 2D resource on a scanout; resource 0 disables. */
typedef struct gpu_req_set_scanout {
    uint32_t scanout_id;
    uint32_t resource_id;
    gpu_rect_t rect;
} gpu_req_set_scanout_t;

/*
 * SET_SCANOUT_BLOB: show `rect` of a single-plane framebuffer of
 * width x height pixels in `format`, starting `offset` bytes into the blob
 * with `stride` bytes per row. Resource 0 disables the scanout.
 */
typedef struct gpu_req_set_scanout_blob {
    uint32_t scanout_id;
    uint32_t resource_id;
    gpu_rect_t rect;
    uint32_t format;
    uint32_t width;
    uint32_t height;
    uint32_t stride;
    uint32_t offset;
} gpu_req_set_scanout_blob_t;

/*
 * TRANSFER_TO_2D: copy `rect` of a 2D resource from its backing. Row y of the
 * rectangle starts at backing byte offset + (y - rect.y) * stride where
 * stride = resource width * 4, the way virtio-gpu (and QEMU) define it.
 */
typedef struct gpu_req_transfer_to_2d {
    uint32_t resource_id;
    gpu_rect_t rect;
    uint32_t _pad;
    uint64_t offset;
} gpu_req_transfer_to_2d_t;

/* RESOURCE_FLUSH: `rect` of the resource changed; update every scanout showing it. */
typedef struct gpu_req_flush {
    uint32_t resource_id;
    gpu_rect_t rect;
} gpu_req_flush_t;

/*
 * UPDATE_CURSOR: the cursor of a scanout shows the content of 2D resource
 * `resource_id` (64x64 B8G8R8A8, with backing) as it is when the request
 * takes effect, its pixel (hot_x, hot_y) at position (x, y) of the scanout.
 * Resource 0 hides the cursor (the other fields are then ignored).
 */
typedef struct gpu_req_update_cursor {
    uint32_t scanout_id;
    uint32_t resource_id;
    uint32_t x; /* hot spot position on the scanout, <= GPU_CURSOR_MAX_POS */
    uint32_t y;
    uint32_t hot_x; /* hot spot within the image, < GPU_CURSOR_SIDE */
    uint32_t hot_y;
} gpu_req_update_cursor_t;

/* MOVE_CURSOR: the cursor's hot spot is now at (x, y) of the scanout; image and visibility unchanged. */
typedef struct gpu_req_move_cursor {
    uint32_t scanout_id;
    uint32_t x; /* <= GPU_CURSOR_MAX_POS */
    uint32_t y;
} gpu_req_move_cursor_t;

/*
 * PRESENT (client connection only): show resource_id on the scanout in the
 * rectangle (and, for a blob, the framebuffer layout) that the scanout shows
 * now, flush that rectangle, then store `fence` into the completion word
 * (gpu_event_t.present_fence) and answer. `fence` must exceed the word.
 */
typedef struct gpu_req_present {
    uint32_t scanout_id;
    uint32_t resource_id;
    uint64_t fence;
} gpu_req_present_t;

/* One request queue entry. */
typedef struct gpu_req {
    uint32_t code; /* GPU_REQ_* */
    uint32_t id;   /* chosen by the requester, echoed in the response */
    union {
        gpu_req_create_2d_t create_2d;
        gpu_req_create_blob_t create_blob;
        gpu_req_resource_t unref;
        gpu_req_attach_backing_t attach_backing;
        gpu_req_resource_t detach_backing;
        gpu_req_set_scanout_t set_scanout;
        gpu_req_set_scanout_blob_t set_scanout_blob;
        gpu_req_transfer_to_2d_t transfer_to_2d;
        gpu_req_flush_t flush;
        gpu_req_update_cursor_t update_cursor;
        gpu_req_move_cursor_t move_cursor;
        gpu_req_present_t present;
        uint8_t raw[56];
    };
} gpu_req_t;

/* One response queue entry. */
typedef struct gpu_resp {
    uint32_t code;   /* the request's code */
    uint32_t id;     /* the request's id */
    uint32_t status; /* GPU_STATUS_* */
    uint32_t _pad;
} gpu_resp_t;

_Static_assert(sizeof(gpu_rect_t) == 16, "gpu_rect_t is 16 bytes");
_Static_assert(sizeof(gpu_scanout_info_t) == 48, "gpu_scanout_info_t is 48 bytes");
_Static_assert(offsetof(gpu_scanout_info_t, edid_status) == 24, "scanout info edid_status offset");
_Static_assert(sizeof(gpu_display_info_t) == 16 + 48 * GPU_MAX_SCANOUTS, "gpu_display_info_t size");
_Static_assert(offsetof(gpu_display_info_t, device_epoch) == 8, "display info device_epoch offset");
_Static_assert(offsetof(gpu_display_info_t, scanouts) == 16, "display info scanouts offset");
_Static_assert(sizeof(gpu_event_t) == 64, "gpu_event_t fills one cache line");
_Static_assert(offsetof(gpu_event_t, generation) == 4, "event generation offset");
_Static_assert(offsetof(gpu_event_t, present_fence) == 8, "event present_fence offset");
_Static_assert(sizeof(gpu_info_region_t) == 64 + sizeof(gpu_display_info_t), "gpu_info_region_t size");
_Static_assert(offsetof(gpu_info_region_t, display) == 64, "info region display offset");
_Static_assert(sizeof(gpu_req_create_2d_t) == 16, "create_2d size");
_Static_assert(sizeof(gpu_req_create_blob_t) == 24, "create_blob size");
_Static_assert(offsetof(gpu_req_create_blob_t, mem_addr) == 8, "create_blob mem_addr offset");
_Static_assert(sizeof(gpu_req_resource_t) == 4, "resource request size");
_Static_assert(sizeof(gpu_req_attach_backing_t) == 24, "attach_backing size");
_Static_assert(offsetof(gpu_req_attach_backing_t, mem_addr) == 8, "attach_backing mem_addr offset");
_Static_assert(sizeof(gpu_req_set_scanout_t) == 24, "set_scanout size");
_Static_assert(sizeof(gpu_req_set_scanout_blob_t) == 44, "set_scanout_blob size");
_Static_assert(offsetof(gpu_req_set_scanout_blob_t, format) == 24, "set_scanout_blob format offset");
_Static_assert(offsetof(gpu_req_set_scanout_blob_t, offset) == 40, "set_scanout_blob offset offset");
_Static_assert(sizeof(gpu_req_transfer_to_2d_t) == 32, "transfer_to_2d size");
_Static_assert(offsetof(gpu_req_transfer_to_2d_t, offset) == 24, "transfer_to_2d offset offset");
_Static_assert(sizeof(gpu_req_flush_t) == 20, "flush size");
_Static_assert(sizeof(gpu_req_update_cursor_t) == 24, "update_cursor size");
_Static_assert(offsetof(gpu_req_update_cursor_t, hot_x) == 16, "update_cursor hot_x offset");
_Static_assert(sizeof(gpu_req_move_cursor_t) == 12, "move_cursor size");
_Static_assert(sizeof(gpu_req_present_t) == 16, "present size");
_Static_assert(offsetof(gpu_req_present_t, fence) == 8, "present fence offset");
_Static_assert(sizeof(gpu_req_t) == 64, "gpu_req_t is one cache line");
_Static_assert(offsetof(gpu_req_t, create_blob) == 8, "request body offset");
_Static_assert(sizeof(gpu_resp_t) == 16, "gpu_resp_t size");
_Static_assert(offsetof(gpu_resp_t, status) == 8, "response status offset");
