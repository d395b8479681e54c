/*
 * Split virtqueues (virtio 1.2 section 2.7): descriptor table, driver (avail)
 * ring and device (used) ring. Little-endian on the wire.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define VIRTQ_DESC_F_NEXT     1u
#define VIRTQ_DESC_F_WRITE    2u
#define VIRTQ_DESC_F_INDIRECT 4u

#define VIRTQ_AVAIL_F_NO_INTERRUPT 1u
#define VIRTQ_USED_F_NO_NOTIFY     1u

/* Largest queue size the split layout allows. */
#define VIRTQ_MAX_SIZE 32768u

typedef struct virtq_desc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags;
    uint16_t next;
} virtq_desc_t;

typedef struct virtq_avail {
    uint16_t flags;
    uint16_t idx;
    uint16_t ring[]; /* queue size entries, then used_event */
} virtq_avail_t;

typedef struct virtq_used_elem {
    uint32_t id;  /* head descriptor index of the chain */
    uint32_t len; /* bytes the device wrote */
} virtq_used_elem_t;

typedef struct virtq_used {
    uint16_t flags;
    uint16_t idx;
    virtq_used_elem_t ring[]; /* queue size entries, then avail_event */
} virtq_used_t;

_Static_assert(sizeof(virtq_desc_t) == 16, "virtq_desc size");
_Static_assert(sizeof(virtq_avail_t) == 4, "virtq_avail header size");
_Static_assert(sizeof(virtq_used_elem_t) == 8, "virtq_used_elem size");
_Static_assert(sizeof(virtq_used_t) == 4, "virtq_used header size");

/* Bytes and alignment of each part for a queue of `n` entries (section 2.7). */
#define VIRTQ_DESC_BYTES(n)  ((size_t)(n) * sizeof(virtq_desc_t))
#define VIRTQ_AVAIL_BYTES(n) (sizeof(virtq_avail_t) + (size_t)(n)*2u + 2u)
#define VIRTQ_USED_BYTES(n)  (sizeof(virtq_used_t) + (size_t)(n) * sizeof(virtq_used_elem_t) + 2u)
#define VIRTQ_DESC_ALIGN     16u
#define VIRTQ_AVAIL_ALIGN    2u
#define VIRTQ_USED_ALIGN     4u
