/*
 * Driver side of a split virtqueue. See virtq.h for the barrier pairs.
 */
#include "virtq.h"

#include <string.h>

static size_t align_up(size_t v, size_t a)
{
    return (v + a - 1) & ~(a - 1);
}

/* Offsets of the avail and used rings after the descriptor table. */
static size_t avail_offset(uint16_t size)
{
    return VIRTQ_DESC_BYTES(size);
}

static size_t used_offset(uint16_t size)
{
    return align_up(avail_offset(size) + VIRTQ_AVAIL_BYTES(size), VIRTQ_USED_ALIGN);
}

size_t virtq_mem_bytes(uint16_t size)
{
    return align_up(used_offset(size) + VIRTQ_USED_BYTES(size), VIRTQ_DESC_ALIGN);
}

bool virtq_init(virtq_t *q, uint16_t size, void *mem, uint64_t io)
{
    if (size == 0 || size > VIRTQ_DRIVER_MAX_SIZE || (size & (size - 1)) != 0 || (io % VIRTQ_DESC_ALIGN) != 0) {
        return false;
    }
    memset(q, 0, sizeof(*q));
    q->size = size;
    q->desc_shared = (virtq_desc_t *)mem;
    q->avail_shared = (virtq_avail_t *)((uint8_t *)mem + avail_offset(size));
    q->used_shared = (virtq_used_t *)((uint8_t *)mem + used_offset(size));
    q->desc_io = io;
    q->avail_io = io + avail_offset(size);
    q->used_io = io + used_offset(size);
    for (uint16_t i = 0; i < size; i++) {
        q->next[i] = (uint16_t)(i + 1);
    }
    q->num_free = size;
    q->free_head = 0;
    return true;
}

bool virtq_publish(virtq_t *q)
{
    if (q->avail_idx == q->published) {
        return false;
    }
    /* V1: descriptors and ring entries before the index; pairs with the device's read barrier. */
    __atomic_store_n(&q->avail_shared->idx, q->avail_idx, __ATOMIC_RELEASE);
    q->published = q->avail_idx;
    /* V2: the index store before the flags load; pairs with the device's flags-then-recheck barrier. */
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    uint16_t flags = __atomic_load_n(&q->used_shared->flags, __ATOMIC_RELAXED);
    return (flags & VIRTQ_USED_F_NO_NOTIFY) == 0;
}

/* Returns the chain starting at head to the free list. head is a validated chain head. */
static void free_chain(virtq_t *q, uint16_t head)
{
    uint16_t last = head;
    for (uint16_t i = 1; i < q->chain_len[head]; i++) {
        last = q->next[last];
    }
    q->next[last] = q->free_head;
    q->free_head = head;
    q->num_free = (uint16_t)(q->num_free + q->chain_len[head]);
    q->chain_len[head] = 0;
}

virtq_used_result_t virtq_get_used(virtq_t *q, virtq_completion_t *out)
{
    /* V3: entries and response buffers after the index; pairs with the device's barrier before bumping it. */
    uint16_t used_idx = __atomic_load_n(&q->used_shared->idx, __ATOMIC_ACQUIRE);
    uint16_t fresh = (uint16_t)(used_idx - q->last_used);
    if (fresh == 0) {
        return VIRTQ_USED_NONE;
    }
    /* One element per chain made available (virtio 1.2 section 2.7.8): never more than are still owed. */
    uint16_t owed = (uint16_t)(q->published - q->last_used);
    if (fresh > owed) {
        return VIRTQ_USED_IDX_BROKEN;
    }
    virtq_used_elem_t elem = q->used_shared->ring[q->last_used & (q->size - 1)]; /* read once */
    q->last_used++;
    if (elem.id >= q->size || q->chain_len[elem.id] == 0) {
        out->bad_id = elem.id;
        return VIRTQ_USED_BOGUS_ID;
    }
    uint16_t head = (uint16_t)elem.id;
    out->token = q->token[head];
    out->len = elem.len;
    out->writable_len = q->writable_len[head];
    free_chain(q, head);
    return VIRTQ_USED_OK;
}

uint16_t virtq_in_flight(const virtq_t *q)
{
    uint16_t n = 0;
    for (uint16_t i = 0; i < q->size; i++) {
        n = (uint16_t)(n + (q->chain_len[i] != 0));
    }
    return n;
}

bool virtq_take_orphan(virtq_t *q, uint32_t *token)
{
    /* num_free == size: nothing in flight (the common case, checked in O(1)). */
    if (q->last_used != q->published || q->avail_idx != q->published || q->num_free == q->size) {
        return false;
    }
    for (uint16_t head = 0; head < q->size; head++) {
        if (q->chain_len[head] != 0) {
            *token = q->token[head];
            free_chain(q, head); /* a late element naming head finds chain_len 0 (unless reused): nothing freed twice */
            return true;
        }
    }
    return false;
}
