/*
 * virtio-gpu device wire format (virtio 1.2 section 5.7): feature bits,
 * configuration space, control and cursor commands, responses. All fields
 * are little-endian; this project only targets little-endian machines.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "virtio structures are used in native byte order");

/* Feature bits. */
#define VIRTIO_GPU_F_VIRGL         0u
#define VIRTIO_GPU_F_EDID          1u
#define VIRTIO_GPU_F_RESOURCE_UUID 2u
#define VIRTIO_GPU_F_RESOURCE_BLOB 3u
#define VIRTIO_GPU_F_CONTEXT_INIT  4u

/* Queues. */
#define VIRTIO_GPU_QUEUE_CONTROL 0u
#define VIRTIO_GPU_QUEUE_CURSOR  1u

/* Configuration space. */
#define VIRTIO_GPU_EVENT_DISPLAY 1u

typedef struct virtio_gpu_config {
    uint32_t events_read;  /* device sets event bits */
    uint32_t events_clear; /* driver writes bits to clear them */
    uint32_t num_scanouts;
    uint32_t num_capsets;
} virtio_gpu_config_t;

/* Command and response types. */
#define VIRTIO_GPU_CMD_GET_DISPLAY_INFO         0x0100u
#define VIRTIO_GPU_CMD_RESOURCE_CREATE_2D       0x0101u
#define VIRTIO_GPU_CMD_RESOURCE_UNREF           0x0102u
#define VIRTIO_GPU_CMD_SET_SCANOUT              0x0103u
#define VIRTIO_GPU_CMD_RESOURCE_FLUSH           0x0104u
#define VIRTIO_GPU_CMD_TRANSFER_TO_HOST_2D      0x0105u
#define VIRTIO_GPU_CMD_RESOURCE_ATTACH_BACKING  0x0106u
#define VIRTIO_GPU_CMD_RESOURCE_DETACH_BACKING  0x0107u
#define VIRTIO_GPU_CMD_GET_CAPSET_INFO          0x0108u
#define VIRTIO_GPU_CMD_GET_CAPSET               0x0109u
#define VIRTIO_GPU_CMD_GET_EDID                 0x010au
#define VIRTIO_GPU_CMD_RESOURCE_ASSIGN_UUID     0x010bu
#define VIRTIO_GPU_CMD_RESOURCE_CREATE_BLOB     0x010cu
#define VIRTIO_GPU_CMD_SET_SCANOUT_BLOB         0x010du
#define VIRTIO_GPU_CMD_UPDATE_CURSOR            0x0300u
#define VIRTIO_GPU_CMD_MOVE_CURSOR              0x0301u
#define VIRTIO_GPU_RESP_OK_NODATA               0x1100u
#define VIRTIO_GPU_RESP_OK_DISPLAY_INFO         0x1101u
#define VIRTIO_GPU_RESP_OK_CAPSET_INFO          0x1102u
#define VIRTIO_GPU_RESP_OK_CAPSET               0x1103u
#define VIRTIO_GPU_RESP_OK_EDID                 0x1104u
#define VIRTIO_GPU_RESP_OK_RESOURCE_UUID        0x1105u
#define VIRTIO_GPU_RESP_OK_MAP_INFO             0x1106u
#define VIRTIO_GPU_RESP_ERR_UNSPEC              0x1200u
#define VIRTIO_GPU_RESP_ERR_OUT_OF_MEMORY       0x1201u
#define VIRTIO_GPU_RESP_ERR_INVALID_SCANOUT_ID  0x1202u
#define VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID 0x1203u
#define VIRTIO_GPU_RESP_ERR_INVALID_CONTEXT_ID  0x1204u
#define VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER   0x1205u

#define VIRTIO_GPU_FLAG_FENCE         1u
#define VIRTIO_GPU_FLAG_INFO_RING_IDX 2u

#define VIRTIO_GPU_MAX_SCANOUTS 16u
#define VIRTIO_GPU_EDID_BYTES   1024u

/* Blob memory kinds and flags. */
#define VIRTIO_GPU_BLOB_MEM_GUEST             1u
#define VIRTIO_GPU_BLOB_MEM_HOST3D            2u
#define VIRTIO_GPU_BLOB_MEM_HOST3D_GUEST      3u
#define VIRTIO_GPU_BLOB_FLAG_USE_MAPPABLE     1u
#define VIRTIO_GPU_BLOB_FLAG_USE_SHAREABLE    2u
#define VIRTIO_GPU_BLOB_FLAG_USE_CROSS_DEVICE 4u

/* Formats (same values as GPU_FORMAT_* in sddf/gpu/protocol.h). */
#define VIRTIO_GPU_FORMAT_B8G8R8A8_UNORM 1u
#define VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM 2u
#define VIRTIO_GPU_FORMAT_A8R8G8B8_UNORM 3u
#define VIRTIO_GPU_FORMAT_X8R8G8B8_UNORM 4u
#define VIRTIO_GPU_FORMAT_R8G8B8A8_UNORM 67u
#define VIRTIO_GPU_FORMAT_X8B8G8R8_UNORM 68u
#define VIRTIO_GPU_FORMAT_A8B8G8R8_UNORM 121u
#define VIRTIO_GPU_FORMAT_R8G8B8X8_UNORM 134u

typedef struct virtio_gpu_ctrl_hdr {
    uint32_t type;
    uint32_t flags;
    uint64_t fence_id;
    uint32_t ctx_id;
    uint8_t ring_idx;
    uint8_t padding[3];
} virtio_gpu_ctrl_hdr_t;

typedef struct virtio_gpu_rect {
    uint32_t x;
    uint32_t y;
    uint32_t width;
    uint32_t height;
} virtio_gpu_rect_t;

typedef struct virtio_gpu_display_one {
    virtio_gpu_rect_t r;
    uint32_t enabled;
    uint32_t flags;
} virtio_gpu_display_one_t;

typedef struct virtio_gpu_resp_display_info {
    virtio_gpu_ctrl_hdr_t hdr;
    virtio_gpu_display_one_t pmodes[VIRTIO_GPU_MAX_SCANOUTS];
} virtio_gpu_resp_display_info_t;

typedef struct virtio_gpu_get_edid {
    virtio_gpu_ctrl_hdr_t hdr;
    uint32_t scanout;
    uint32_t padding;
} virtio_gpu_get_edid_t;

typedef struct virtio_gpu_resp_edid {
    virtio_gpu_ctrl_hdr_t hdr;
    uint32_t size;
    uint32_t padding;
    uint8_t edid[VIRTIO_GPU_EDID_BYTES];
} virtio_gpu_resp_edid_t;

typedef struct virtio_gpu_resource_create_2d {
    virtio_gpu_ctrl_hdr_t hdr;
    uint32_t resource_id;
    uint32_t format;
    uint32_t width;
    uint32_t height;
} virtio_gpu_resource_create_2d_t;

/* RESOURCE_UNREF and RESOURCE_DETACH_BACKING share this layout. */
typedef struct virtio_gpu_resource_unref {
    virtio_gpu_ctrl_hdr_t hdr;
    uint32_t resource_id;
    uint32_t padding;
} virtio_gpu_resource_unref_t;

typedef virtio_gpu_resource_unref_t virtio_gpu_resource_detach_backing_t;

typedef struct virtio_gpu_set_scanout {
    virtio_gpu_ctrl_hdr_t hdr;
    virtio_gpu_rect_t r;
    uint32_t scanout_id;
    uint32_t resource_id;
} virtio_gpu_set_scanout_t;

typedef struct virtio_gpu_resource_flush {
    virtio_gpu_ctrl_hdr_t hdr;
    virtio_gpu_rect_t r;
    uint32_t resource_id;
    uint32_t padding;
} virtio_gpu_resource_flush_t;

typedef struct virtio_gpu_transfer_to_host_2d {
    virtio_gpu_ctrl_hdr_t hdr;
    virtio_gpu_rect_t r;
    uint64_t offset;
    uint32_t resource_id;
    uint32_t padding;
} virtio_gpu_transfer_to_host_2d_t;

typedef struct virtio_gpu_mem_entry {
    uint64_t addr;
    uint32_t length;
    uint32_t padding;
} virtio_gpu_mem_entry_t;

/* Followed by nr_entries virtio_gpu_mem_entry_t. */
typedef struct virtio_gpu_resource_attach_backing {
    virtio_gpu_ctrl_hdr_t hdr;
    uint32_t resource_id;
    uint32_t nr_entries;
} virtio_gpu_resource_attach_backing_t;

/* Followed by nr_entries virtio_gpu_mem_entry_t. */
typedef struct virtio_gpu_resource_create_blob {
    virtio_gpu_ctrl_hdr_t hdr;
    uint32_t resource_id;
    uint32_t blob_mem;
    uint32_t blob_flags;
    uint32_t nr_entries;
    uint64_t blob_id;
    uint64_t size;
} virtio_gpu_resource_create_blob_t;

typedef struct virtio_gpu_set_scanout_blob {
    virtio_gpu_ctrl_hdr_t hdr;
    virtio_gpu_rect_t r;
    uint32_t scanout_id;
    uint32_t resource_id;
    uint32_t width;
    uint32_t height;
    uint32_t format;
    uint32_t padding;
    uint32_t strides[4];
    uint32_t offsets[4];
} virtio_gpu_set_scanout_blob_t;

typedef struct virtio_gpu_cursor_pos {
    uint32_t scanout_id;
    uint32_t x;
    uint32_t y;
    uint32_t padding;
} virtio_gpu_cursor_pos_t;

/* UPDATE_CURSOR and MOVE_CURSOR share this layout. */
typedef struct virtio_gpu_update_cursor {
    virtio_gpu_ctrl_hdr_t hdr;
    virtio_gpu_cursor_pos_t pos;
    uint32_t resource_id;
    uint32_t hot_x;
    uint32_t hot_y;
    uint32_t padding;
} virtio_gpu_update_cursor_t;

_Static_assert(sizeof(virtio_gpu_config_t) == 16, "virtio_gpu_config size");
_Static_assert(sizeof(virtio_gpu_ctrl_hdr_t) == 24, "virtio_gpu_ctrl_hdr size");
_Static_assert(offsetof(virtio_gpu_ctrl_hdr_t, ring_idx) == 20, "ctrl_hdr ring_idx offset");
_Static_assert(sizeof(virtio_gpu_resp_display_info_t) == 24 + 16 * 24, "resp_display_info size");
_Static_assert(sizeof(virtio_gpu_get_edid_t) == 32, "get_edid size");
_Static_assert(sizeof(virtio_gpu_resp_edid_t) == 32 + VIRTIO_GPU_EDID_BYTES, "resp_edid size");
_Static_assert(sizeof(virtio_gpu_resource_create_2d_t) == 40, "resource_create_2d size");
_Static_assert(sizeof(virtio_gpu_resource_unref_t) == 32, "resource_unref size");
_Static_assert(sizeof(virtio_gpu_set_scanout_t) == 48, "set_scanout size");
_Static_assert(sizeof(virtio_gpu_resource_flush_t) == 48, "resource_flush size");
_Static_assert(sizeof(virtio_gpu_transfer_to_host_2d_t) == 56, "transfer_to_host_2d size");
_Static_assert(offsetof(virtio_gpu_transfer_to_host_2d_t, offset) == 40, "transfer offset offset");
_Static_assert(sizeof(virtio_gpu_mem_entry_t) == 16, "mem_entry size");
_Static_assert(sizeof(virtio_gpu_resource_attach_backing_t) == 32, "attach_backing size");
_Static_assert(sizeof(virtio_gpu_resource_create_blob_t) == 56, "resource_create_blob size");
_Static_assert(sizeof(virtio_gpu_set_scanout_blob_t) == 96, "set_scanout_blob size");
_Static_assert(offsetof(virtio_gpu_set_scanout_blob_t, strides) == 64, "set_scanout_blob strides offset");
_Static_assert(sizeof(virtio_gpu_cursor_pos_t) == 16, "cursor_pos size");
_Static_assert(sizeof(virtio_gpu_update_cursor_t) == 56, "update_cursor size");
