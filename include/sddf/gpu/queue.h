/*
 * Single-producer single-consumer queues for GPU requests and responses.
 *
 * A queue region starts with gpu_queue_shared_t (two cache lines: the
 * producer's and the consumer's) followed by `capacity` entries. Capacity is a
 * power of two known to both sides from configuration; it is never read from
 * shared memory. Indices are free-running uint32_t: the producer's `tail`
 * counts entries ever enqueued, the consumer's `head` entries ever dequeued,
 * and `tail - head` (unsigned) is the fill level even across wrap-around.
 *
 * Each side keeps its own index in its private handle and only ever *writes*
 * it to shared memory, so a peer that scribbles on the region can confuse
 * only itself: a fill level above capacity is treated as "full" by the
 * producer and as "empty" by the consumer, and every slot index is masked.
 * Entries must still be validated after they are copied out.
 *
 * Barriers. Data moves by two release/acquire pairs:
 *   (R1) producer release-stores tail after writing entries
 *        pairs with (A1) consumer acquire-loads tail before reading entries;
 *   (R2) consumer release-stores head after reading entries
 *        pairs with (A2) producer acquire-loads head before reusing slots.
 * Notification suppression ("arm, re-check, cancel") adds a store-load
 * handshake between a flag and an index, which needs a sequentially
 * consistent fence on each side (F1 pairs with F2); tests/model/ holds its
 * model-checked Promela twin.
 *
 * Naming: functions say which side calls them (producer or consumer).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <sddf/gpu/protocol.h>

#define GPU_CACHE_LINE 64u

/* The shared header of a queue region. Everything reached through gpu_queue_t.shared may change under us. */
typedef struct gpu_queue_shared {
    uint32_t tail;            /* written by the producer only */
    uint32_t consumer_signal; /* set by the consumer to ask for a notification, cleared by the producer */
    uint8_t _pad0[GPU_CACHE_LINE - 8];
    uint32_t head;            /* written by the consumer only */
    uint32_t producer_signal; /* set by the producer waiting for space, cleared by the consumer */
    uint8_t _pad1[GPU_CACHE_LINE - 8];
} gpu_queue_shared_t;

_Static_assert(sizeof(gpu_queue_shared_t) == 2 * GPU_CACHE_LINE, "queue header is two cache lines");
_Static_assert(offsetof(gpu_queue_shared_t, head) == GPU_CACHE_LINE, "head on its own cache line");

/* Bytes a queue region of `capacity` entries of `entry_size` bytes needs. */
#define GPU_QUEUE_REGION_SIZE(capacity, entry_size) (sizeof(gpu_queue_shared_t) + (size_t)(capacity) * (entry_size))

/* One side's private view of a queue. */
typedef struct gpu_queue {
    gpu_queue_shared_t *shared;
    uint8_t *slots;
    uint32_t mask;   /* capacity - 1 */
    uint32_t own;    /* our index: tail for the producer, head for the consumer */
    uint32_t cached; /* last value read of the other side's index */
} gpu_queue_t;

/* Either side: true when `capacity` is a usable power of two. */
static inline bool gpu_queue_capacity_valid(uint32_t capacity)
{
    return capacity != 0 && (capacity & (capacity - 1)) == 0 && capacity <= (1u << 30);
}

/*
 * Either side, once at start: attach a handle to a queue region. Reads both
 * indices once (a fresh region is zero-filled by the system). Returns false if
 * the capacity is not a power of two.
 */
static inline bool gpu_queue_init(gpu_queue_t *q, void *region, uint32_t capacity, bool producer)
{
    if (!gpu_queue_capacity_valid(capacity)) {
        return false;
    }
    q->shared = (gpu_queue_shared_t *)region;
    q->slots = (uint8_t *)region + sizeof(gpu_queue_shared_t);
    q->mask = capacity - 1;
    uint32_t tail = __atomic_load_n(&q->shared->tail, __ATOMIC_ACQUIRE);
    uint32_t head = __atomic_load_n(&q->shared->head, __ATOMIC_ACQUIRE);
    q->own = producer ? tail : head;
    q->cached = producer ? head : tail;
    return true;
}

/* Test and setup helper: set both indices of a region no side is using yet. */
static inline void gpu_queue_region_reset(void *region, uint32_t start_index)
{
    gpu_queue_shared_t *s = (gpu_queue_shared_t *)region;
    memset(s, 0, sizeof(*s));
    s->tail = start_index;
    s->head = start_index;
}

static inline uint32_t gpu_queue_capacity(const gpu_queue_t *q)
{
    return q->mask + 1;
}

/* Producer: refresh the cached head. (A2) pairs with (R2) in gpu_queue_consumer_release(). */
static inline void gpu_queue_producer_refresh(gpu_queue_t *q)
{
    q->cached = __atomic_load_n(&q->shared->head, __ATOMIC_ACQUIRE);
}

/* Producer: free slots according to the cached head; 0 if the peer's index is corrupt. */
static inline uint32_t gpu_queue_cached_space(const gpu_queue_t *q)
{
    uint32_t used = q->own - q->cached;
    return used > gpu_queue_capacity(q) ? 0 : gpu_queue_capacity(q) - used;
}

/* Producer: free slots now. */
static inline uint32_t gpu_queue_space(gpu_queue_t *q)
{
    gpu_queue_producer_refresh(q);
    return gpu_queue_cached_space(q);
}

/* Consumer: refresh the cached tail. (A1) pairs with (R1) in gpu_queue_producer_publish(). */
static inline void gpu_queue_consumer_refresh(gpu_queue_t *q)
{
    q->cached = __atomic_load_n(&q->shared->tail, __ATOMIC_ACQUIRE);
}

/*
 * Consumer: ready entries according to the cached tail. A fill level above
 * capacity means the producer corrupted its tail: nothing is ready, so a
 * scribbling producer costs its consumer no work.
 */
static inline uint32_t gpu_queue_cached_length(const gpu_queue_t *q)
{
    uint32_t ready = q->cached - q->own;
    return ready > gpu_queue_capacity(q) ? 0 : ready;
}

/* Consumer: ready entries now. */
static inline uint32_t gpu_queue_length(gpu_queue_t *q)
{
    gpu_queue_consumer_refresh(q);
    return gpu_queue_cached_length(q);
}

/* Either side: address of the slot for free-running index `index`. */
static inline void *gpu_queue_slot(const gpu_queue_t *q, uint32_t index, size_t entry_size)
{
    return q->slots + (size_t)(index & q->mask) * entry_size;
}

/* Producer: make `n` written entries visible. (R1) pairs with (A1) in gpu_queue_consumer_refresh(). */
static inline void gpu_queue_producer_publish(gpu_queue_t *q, uint32_t n)
{
    q->own += n;
    __atomic_store_n(&q->shared->tail, q->own, __ATOMIC_RELEASE);
}

/*
 * Producer: count `n` entries written at own .. own + n - 1 as produced, but
 * do not show them to the consumer yet: a handler that writes many entries
 * in one event stages each and flushes once. Space is counted from the
 * staged index, so staged entries are never overwritten.
 */
static inline void gpu_queue_producer_stage(gpu_queue_t *q, uint32_t n)
{
    q->own += n;
}

/* Producer: make every staged entry visible at once. (R1) pairs with (A1) in gpu_queue_consumer_refresh(). */
static inline void gpu_queue_producer_flush(gpu_queue_t *q)
{
    __atomic_store_n(&q->shared->tail, q->own, __ATOMIC_RELEASE);
}

/* Consumer: hand `n` read slots back. (R2) pairs with (A2) in gpu_queue_producer_refresh(). */
static inline void gpu_queue_consumer_release(gpu_queue_t *q, uint32_t n)
{
    q->own += n;
    __atomic_store_n(&q->shared->head, q->own, __ATOMIC_RELEASE);
}

/* Producer: copy up to `n` entries in and publish them once. Returns how many went in. */
static inline uint32_t gpu_queue_push(gpu_queue_t *q, const void *entries, uint32_t n, size_t entry_size)
{
    if (gpu_queue_cached_space(q) < n) {
        gpu_queue_producer_refresh(q);
    }
    uint32_t space = gpu_queue_cached_space(q);
    uint32_t count = n < space ? n : space;
    for (uint32_t i = 0; i < count; i++) {
        memcpy(gpu_queue_slot(q, q->own + i, entry_size), (const uint8_t *)entries + i * entry_size, entry_size);
    }
    if (count != 0) {
        gpu_queue_producer_publish(q, count);
    }
    return count;
}

/* Consumer: copy up to `n` entries out and release their slots once. Returns how many came out. */
static inline uint32_t gpu_queue_pop(gpu_queue_t *q, void *entries, uint32_t n, size_t entry_size)
{
    if (gpu_queue_cached_length(q) < n) {
        gpu_queue_consumer_refresh(q);
    }
    uint32_t ready = gpu_queue_cached_length(q);
    uint32_t count = n < ready ? n : ready;
    for (uint32_t i = 0; i < count; i++) {
        memcpy((uint8_t *)entries + i * entry_size, gpu_queue_slot(q, q->own + i, entry_size), entry_size);
    }
    if (count != 0) {
        gpu_queue_consumer_release(q, count);
    }
    return count;
}

/*
 * Arm, re-check, cancel: the one helper behind both kinds of waiting.
 * Sets *flag, then (F1) a full fence so that the flag store is ordered
 * before the re-check's index load; F1 pairs with F2 in gpu_signal_take().
 * Either the other side's F2 comes after our store and it sees the flag, or
 * our re-check comes after its index update and sees the change. Returns
 * true when we should sleep (the other side will notify), false when the
 * condition already holds; the flag is then cancelled.
 */
static inline bool gpu_signal_arm(uint32_t *flag, bool (*condition_holds)(gpu_queue_t *), gpu_queue_t *q)
{
    __atomic_store_n(flag, 1, __ATOMIC_RELAXED);
    __atomic_thread_fence(__ATOMIC_SEQ_CST); /* F1: pairs with F2 */
    if (!condition_holds(q)) {
        return true;
    }
    __atomic_store_n(flag, 0, __ATOMIC_RELAXED);
    return false;
}

/*
 * After updating our index: did the other side ask to be notified? Clears the
 * request. (F2) pairs with F1 in gpu_signal_arm(): it orders our index store
 * before the flag load.
 */
static inline bool gpu_signal_take(uint32_t *flag)
{
    __atomic_thread_fence(__ATOMIC_SEQ_CST); /* F2: pairs with F1 */
    if (__atomic_load_n(flag, __ATOMIC_RELAXED) == 0) {
        return false;
    }
    return __atomic_exchange_n(flag, 0, __ATOMIC_RELAXED) != 0;
}

static inline bool gpu_queue_has_entries_(gpu_queue_t *q)
{
    return gpu_queue_length(q) != 0;
}

static inline bool gpu_queue_has_space_(gpu_queue_t *q)
{
    return gpu_queue_space(q) != 0;
}

/*
 * Consumer, when the queue looks empty and it is about to go idle: ask for a
 * notification on the next enqueue. Returns true if the queue is still empty
 * (sleep), false if entries arrived meanwhile (keep consuming).
 */
static inline bool gpu_queue_consumer_arm(gpu_queue_t *q)
{
    return gpu_signal_arm(&q->shared->consumer_signal, gpu_queue_has_entries_, q);
}

/* Producer, after publishing: true if the consumer must be notified. */
static inline bool gpu_queue_producer_must_signal(gpu_queue_t *q)
{
    return gpu_signal_take(&q->shared->consumer_signal);
}

/*
 * Producer, when the queue is full: ask for a notification when the consumer
 * frees a slot. Returns true if it is still full (wait), false if space
 * appeared meanwhile (keep producing).
 */
static inline bool gpu_queue_producer_arm(gpu_queue_t *q)
{
    return gpu_signal_arm(&q->shared->producer_signal, gpu_queue_has_space_, q);
}

/* Consumer, after releasing slots: true if the producer must be notified. */
static inline bool gpu_queue_consumer_must_signal(gpu_queue_t *q)
{
    return gpu_signal_take(&q->shared->producer_signal);
}

/* Typed wrappers: request queues carry gpu_req_t, response queues gpu_resp_t. */

static inline uint32_t gpu_req_enqueue_batch(gpu_queue_t *q, const gpu_req_t *reqs, uint32_t n)
{
    return gpu_queue_push(q, reqs, n, sizeof(gpu_req_t));
}

static inline bool gpu_req_enqueue(gpu_queue_t *q, const gpu_req_t *req)
{
    return gpu_queue_push(q, req, 1, sizeof(gpu_req_t)) == 1;
}

static inline uint32_t gpu_req_dequeue_batch(gpu_queue_t *q, gpu_req_t *reqs, uint32_t n)
{
    return gpu_queue_pop(q, reqs, n, sizeof(gpu_req_t));
}

static inline bool gpu_req_dequeue(gpu_queue_t *q, gpu_req_t *req)
{
    return gpu_queue_pop(q, req, 1, sizeof(gpu_req_t)) == 1;
}

static inline uint32_t gpu_resp_enqueue_batch(gpu_queue_t *q, const gpu_resp_t *resps, uint32_t n)
{
    return gpu_queue_push(q, resps, n, sizeof(gpu_resp_t));
}

static inline bool gpu_resp_enqueue(gpu_queue_t *q, const gpu_resp_t *resp)
{
    return gpu_queue_push(q, resp, 1, sizeof(gpu_resp_t)) == 1;
}

static inline uint32_t gpu_resp_dequeue_batch(gpu_queue_t *q, gpu_resp_t *resps, uint32_t n)
{
    return gpu_queue_pop(q, resps, n, sizeof(gpu_resp_t));
}

static inline bool gpu_resp_dequeue(gpu_queue_t *q, gpu_resp_t *resp)
{
    return gpu_queue_pop(q, resp, 1, sizeof(gpu_resp_t)) == 1;
}
