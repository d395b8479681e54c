/*
 * The vhost-user protocol (QEMU's docs/interop/vhost-user.rst), the part
 * that the driver's vhost-user transport (front-end) and the hosted device
 * back-end use. Messages are a 12-byte header and a payload, little-endian,
 * over a Unix stream socket; file descriptors travel as SCM_RIGHTS.
 */
#pragma once

#include <stdint.h>

/* Front-end requests. */
#define VHOST_USER_GET_FEATURES          1u
#define VHOST_USER_SET_FEATURES          2u
#define VHOST_USER_SET_OWNER             3u
#define VHOST_USER_RESET_OWNER           4u
#define VHOST_USER_SET_MEM_TABLE         5u
#define VHOST_USER_SET_VRING_NUM         8u
#define VHOST_USER_SET_VRING_ADDR        9u
#define VHOST_USER_SET_VRING_BASE        10u
#define VHOST_USER_GET_VRING_BASE        11u
#define VHOST_USER_SET_VRING_KICK        12u
#define VHOST_USER_SET_VRING_CALL        13u
#define VHOST_USER_SET_VRING_ERR         14u
#define VHOST_USER_GET_PROTOCOL_FEATURES 15u
#define VHOST_USER_SET_PROTOCOL_FEATURES 16u
#define VHOST_USER_GET_QUEUE_NUM         17u
#define VHOST_USER_SET_VRING_ENABLE      18u
#define VHOST_USER_SET_BACKEND_REQ_FD    21u
#define VHOST_USER_GET_CONFIG            24u
#define VHOST_USER_SET_CONFIG            25u
#define VHOST_USER_GPU_SET_SOCKET        33u
#define VHOST_USER_RESET_DEVICE          34u
#define VHOST_USER_SET_STATUS            39u
#define VHOST_USER_GET_STATUS            40u

/* Back-end requests (on the socket given with SET_BACKEND_REQ_FD). */
#define VHOST_USER_BACKEND_CONFIG_CHANGE_MSG 2u

/* Header flags. */
#define VHOST_USER_VERSION    0x1u
#define VHOST_USER_FLAG_REPLY 0x4u
#define VHOST_USER_NEED_REPLY 0x8u

/* Feature bit 30 of GET_FEATURES/SET_FEATURES: the protocol-feature messages exist. */
#define VHOST_USER_F_PROTOCOL_FEATURES 30u

/* Protocol features (GET/SET_PROTOCOL_FEATURES), bit numbers. */
#define VHOST_USER_PROTOCOL_F_REPLY_ACK    3u
#define VHOST_USER_PROTOCOL_F_BACKEND_REQ  5u
#define VHOST_USER_PROTOCOL_F_CONFIG       9u
#define VHOST_USER_PROTOCOL_F_RESET_DEVICE 13u
#define VHOST_USER_PROTOCOL_F_STATUS       16u

/* SET_VRING_KICK / SET_VRING_CALL payload: bits 0-7 the ring, bit 8 "no fd". */
#define VHOST_USER_VRING_IDX_MASK 0xffu
#define VHOST_USER_VRING_NOFD     0x100u

#define VHOST_USER_MAX_REGIONS 8u
#define VHOST_USER_MAX_CONFIG  256u

typedef struct vhost_user_header {
    uint32_t request;
    uint32_t flags;
    uint32_t size; /* bytes of payload that follow */
} vhost_user_header_t;

/* SET_VRING_NUM, SET_VRING_BASE, GET_VRING_BASE, SET_VRING_ENABLE */
typedef struct vhost_user_vring_state {
    uint32_t index;
    uint32_t num;
} vhost_user_vring_state_t;

/* SET_VRING_ADDR: addresses in the front-end's address space (see SET_MEM_TABLE's userspace_addr). */
typedef struct vhost_user_vring_addr {
    uint32_t index;
    uint32_t flags;
    uint64_t desc;
    uint64_t used;
    uint64_t avail;
    uint64_t log;
} vhost_user_vring_addr_t;

typedef struct vhost_user_region {
    uint64_t guest_phys_addr;
    uint64_t memory_size;
    uint64_t userspace_addr;
    uint64_t mmap_offset;
} vhost_user_region_t;

/* SET_MEM_TABLE: one fd per region, in order. */
typedef struct vhost_user_memory {
    uint32_t nregions;
    uint32_t padding;
    vhost_user_region_t regions[VHOST_USER_MAX_REGIONS];
} vhost_user_memory_t;

/* GET_CONFIG, SET_CONFIG: `size` bytes at `offset` of the device's configuration space. */
typedef struct vhost_user_config {
    uint32_t offset;
    uint32_t size;
    uint32_t flags;
    uint8_t payload[VHOST_USER_MAX_CONFIG];
} vhost_user_config_t;

#define VHOST_USER_CONFIG_HDR 12u /* bytes of vhost_user_config_t before the payload */

typedef union vhost_user_payload {
    uint64_t u64;
    vhost_user_vring_state_t state;
    vhost_user_vring_addr_t addr;
    vhost_user_memory_t memory;
    vhost_user_config_t config;
} vhost_user_payload_t;

typedef struct vhost_user_msg {
    vhost_user_header_t hdr;
    vhost_user_payload_t p;
} vhost_user_msg_t;

_Static_assert(sizeof(vhost_user_header_t) == 12, "vhost_user_header_t size");
_Static_assert(sizeof(vhost_user_vring_state_t) == 8, "vhost_user_vring_state_t size");
_Static_assert(sizeof(vhost_user_vring_addr_t) == 40, "vhost_user_vring_addr_t size");
_Static_assert(sizeof(vhost_user_region_t) == 32, "vhost_user_region_t size");
_Static_assert(sizeof(vhost_user_memory_t) == 8 + 8 * 32, "vhost_user_memory_t size");
_Static_assert(sizeof(vhost_user_config_t) == 12 + 256, "vhost_user_config_t size");

/*
 * The vhost-user-gpu display protocol (QEMU's docs/interop/vhost-user-gpu.rst):
 * on the socket the front-end hands over with VHOST_USER_GPU_SET_SOCKET, the
 * back-end sends these requests (same 12-byte header as above, REPLY flag
 * 0x4 on answers) to whoever shows its scanouts.
 */
#define VHOST_USER_GPU_GET_PROTOCOL_FEATURES 1u /* answer: u64 */
#define VHOST_USER_GPU_SET_PROTOCOL_FEATURES 2u /* u64, no answer */
#define VHOST_USER_GPU_GET_DISPLAY_INFO      3u /* answer: struct virtio_gpu_resp_display_info */
#define VHOST_USER_GPU_CURSOR_POS            4u
#define VHOST_USER_GPU_CURSOR_POS_HIDE       5u
#define VHOST_USER_GPU_CURSOR_UPDATE         6u
#define VHOST_USER_GPU_SCANOUT               7u /* vhost_user_gpu_scanout_t */
#define VHOST_USER_GPU_UPDATE                8u /* vhost_user_gpu_update_t, then width * height x8r8g8b8 pixels */
#define VHOST_USER_GPU_DMABUF_SCANOUT        9u
#define VHOST_USER_GPU_DMABUF_UPDATE         10u
#define VHOST_USER_GPU_GET_EDID              11u
#define VHOST_USER_GPU_DMABUF_SCANOUT2       12u

typedef struct vhost_user_gpu_scanout {
    uint32_t scanout_id;
    uint32_t width;
    uint32_t height;
} vhost_user_gpu_scanout_t;

typedef struct vhost_user_gpu_update {
    uint32_t scanout_id;
    uint32_t x, y, width, height;
} vhost_user_gpu_update_t;

_Static_assert(sizeof(vhost_user_gpu_scanout_t) == 12, "vhost_user_gpu_scanout_t size");
_Static_assert(sizeof(vhost_user_gpu_update_t) == 20, "vhost_user_gpu_update_t size");
