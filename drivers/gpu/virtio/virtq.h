/*
 * Driver side of a split virtqueue (virtio 1.2 section 2.7).
 *
 * The descriptor table and both rings live in DMA memory that the device can
 * write at any time. Our bookkeeping (free list, chains in flight, tokens)
 * lives only in this private struct, so a device that scribbles on the table
 * or the rings cannot corrupt it: every used entry is copied out once and
 * checked against the private state before anything is freed.
 *
 * Barriers (the device is the other side):
 *   (V1) release-store of avail->idx after writing descriptors and ring
 *        entries; pairs with the device's read barrier before it reads them.
 *   (V2) full fence between the avail->idx store and reading used->flags /
 *        notifying; pairs with the device's barrier between writing
 *        used->flags and re-checking avail->idx.
 *   (V3) acquire-load of used->idx before reading used entries and response
 *        buffers; pairs with the device's write barrier before it bumps
 *        used->idx.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <virtio/virtio_ring.h>

/* Largest queue the driver uses (private arrays are sized by it). */
#define VIRTQ_DRIVER_MAX_SIZE 256u

/* One buffer of a chain: IO address, length, device-writable or not. */
typedef struct virtq_buf {
    uint64_t io_addr;
    uint32_t len;
    uint32_t device_writes;
} virtq_buf_t;

typedef struct virtq {
    /* Shared with the device. */
    virtq_desc_t *desc_shared;
    virtq_avail_t *avail_shared;
    virtq_used_t *used_shared;
    uint64_t desc_io;
    uint64_t avail_io;
    uint64_t used_io;
    /* Private. */
    uint16_t size; /* power of two */
    uint16_t num_free;
    uint16_t free_head;
    uint16_t avail_idx;                           /* next avail ring index (free-running) */
    uint16_t published;                           /* avail_idx last made visible to the device */
    uint16_t last_used;                           /* next used ring index to read (free-running) */
    uint16_t next[VIRTQ_DRIVER_MAX_SIZE];         /* free list and chain links */
    uint16_t chain_len[VIRTQ_DRIVER_MAX_SIZE];    /* > 0 only for the head of a chain in flight */
    uint32_t token[VIRTQ_DRIVER_MAX_SIZE];        /* caller's cookie, per head in flight */
    uint32_t writable_len[VIRTQ_DRIVER_MAX_SIZE]; /* device-writable bytes, per head in flight */
} virtq_t;

/* Bytes of DMA memory a queue of `size` entries needs (16-byte aligned start). */
size_t virtq_mem_bytes(uint16_t size);

/* Lays the queue out in zeroed `mem` at IO address `io`. size: power of two <= VIRTQ_DRIVER_MAX_SIZE. */
bool virtq_init(virtq_t *q, uint16_t size, void *mem, uint64_t io);

/* Free descriptors. */
static inline uint16_t virtq_num_free(const virtq_t *q)
{
    return q->num_free;
}

/*
 * Writes a chain of n buffers and queues its head in the avail ring (not yet
 * visible: see virtq_publish). Returns false if fewer than n descriptors are
 * free.
 *
 * Inline, so that the driver's one call (n = 2) is unrolled. Each
 * descriptor is written whole, once; every private field it needs is
 * read before that store, and the private fields are updated after the
 * chain is written, so the compiler need not read them again after a store
 * to shared memory.
 */
static inline bool virtq_add(virtq_t *q, const virtq_buf_t *bufs, uint16_t n, uint32_t token)
{
    uint16_t num_free = q->num_free;
    if (n == 0 || n > num_free) {
        return false;
    }
    uint16_t head = q->free_head;
    uint16_t avail_idx = q->avail_idx;
    uint16_t ring_mask = (uint16_t)(q->size - 1);
    virtq_desc_t *desc_shared = q->desc_shared;
    uint16_t d = head;
    uint16_t link = 0;
    uint32_t writable = 0;
    for (uint16_t i = 0; i < n; i++) {
        link = q->next[d];
        bool more = i + 1 < n;
        uint16_t flags = (uint16_t)((bufs[i].device_writes ? VIRTQ_DESC_F_WRITE : 0) | (more ? VIRTQ_DESC_F_NEXT : 0));
        writable += bufs[i].device_writes ? bufs[i].len : 0;
        desc_shared[d] =
                (virtq_desc_t){.addr = bufs[i].io_addr, .len = bufs[i].len, .flags = flags, .next = more ? link : 0};
        d = link;
    }
    q->free_head = link;
    q->num_free = (uint16_t)(num_free - n);
    q->chain_len[head] = n;
    q->token[head] = token;
    q->writable_len[head] = writable;
    q->avail_idx = (uint16_t)(avail_idx + 1);
    q->avail_shared->ring[avail_idx & ring_mask] = head;
    return true;
}

/*
 * Makes every chain added since the last call visible (V1). Returns true if
 * the device must be notified (something was published and the device did
 * not set VIRTQ_USED_F_NO_NOTIFY).
 */
bool virtq_publish(virtq_t *q);

typedef enum virtq_used_result {
    VIRTQ_USED_NONE,      /* nothing new */
    VIRTQ_USED_OK,        /* *token and *len describe a completed chain, now freed */
    VIRTQ_USED_BOGUS_ID,  /* an entry named no chain in flight; skipped (*bad_id says which) */
    VIRTQ_USED_IDX_BROKEN /* used->idx ran past the chains published and not yet returned (nothing taken) */
} virtq_used_result_t;

typedef struct virtq_completion {
    uint32_t token;
    uint32_t len;          /* bytes the device claims to have written */
    uint32_t writable_len; /* bytes it was allowed to write */
    uint32_t bad_id;       /* for VIRTQ_USED_BOGUS_ID */
} virtq_completion_t;

/*
 * Takes the next used entry (V3), validating its id against the chains in
 * flight. used->idx may run ahead of the driver's last_used by at most the
 * number of chains published and not yet returned (published - last_used):
 * the device returns exactly one element per chain made available, so any
 * more is a device fault (VIRTQ_USED_IDX_BROKEN, returned again on every
 * call until the queue is set up afresh). This keeps last_used <= published,
 * which the orphan rule below relies on.
 */
virtq_used_result_t virtq_get_used(virtq_t *q, virtq_completion_t *out);

/* Number of chains in flight. */
uint16_t virtq_in_flight(const virtq_t *q);

/*
 * Reclaims one chain that can no longer complete, returning true with its
 * token (its descriptors are back on the free list), or false if there is
 * none.
 *
 * Why such chains exist: the device returns exactly one used element per
 * chain made available (virtio 1.2 section 2.7.8: used->idx counts the
 * elements it has added, each naming the head of a chain it is done with).
 * So once the driver has consumed as many used elements as it has published
 * chains (last_used == published, free-running 16-bit indices), the device
 * owes nothing more; a chain still in flight then had its element spent on
 * a bogus id and will never be named. While the device holds completions,
 * last_used stays behind published and nothing is an orphan. Chains added
 * but not yet published are never orphans (false until they are published).
 *
 * Private state only: no ring read, so no barrier. The used elements that
 * moved last_used were read after V3 by virtq_get_used().
 */
bool virtq_take_orphan(virtq_t *q, uint32_t *token);
