/*
 * Split virtqueues, device side (virtio 1.2 section 2.7): taking available
 * chains, checking them, copying requests out, writing responses, and
 * publishing used entries, with the completion faults (hold, reorder, bogus
 * id or length, used index run ahead) applied at publication.
 *
 * Every ring and descriptor access goes through the translate callback. The
 * descriptor table, rings and chain buffers are re-translated on every
 * process() pass, never cached across passes.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vgpu_internal.h"

static int is_pow2(uint32_t v)
{
    return v != 0 && (v & (v - 1)) == 0;
}

static int host_aligned(const void *p, uintptr_t align)
{
    return ((uintptr_t)p & (align - 1)) == 0;
}

static void *ring_part(vgpu_model_t *m, uint64_t addr, uint64_t len, uint32_t align)
{
    if (addr & (align - 1)) {
        return NULL;
    }
    void *p = vgpu_translate(m, addr, len);
    return (p != NULL && host_aligned(p, align)) ? p : NULL;
}

static virtq_avail_t *avail_ring(vgpu_model_t *m, const vgpu_queue_t *q)
{
    return ring_part(m, q->driver_addr, VIRTQ_AVAIL_BYTES(q->num), VIRTQ_AVAIL_ALIGN);
}

static virtq_used_t *used_ring(vgpu_model_t *m, const vgpu_queue_t *q)
{
    return ring_part(m, q->device_addr, VIRTQ_USED_BYTES(q->num), VIRTQ_USED_ALIGN);
}

/* QueueReady = 1: the size must be a power of two within QueueNumMax and all
 * three parts exposed and aligned; otherwise QueueReady stays 0. */
int vgpu_queue_setup_ok(vgpu_model_t *m, uint32_t qi)
{
    const vgpu_queue_t *q = &m->queues[qi];
    const char *why = NULL;
    if (!is_pow2(q->num) || q->num > m->cfg.queue_num_max) {
        why = "bad queue size";
    } else if (ring_part(m, q->desc_addr, VIRTQ_DESC_BYTES(q->num), VIRTQ_DESC_ALIGN) == NULL) {
        why = "descriptor table not exposed or misaligned";
    } else if (avail_ring(m, q) == NULL) {
        why = "driver area not exposed or misaligned";
    } else if (used_ring(m, q) == NULL) {
        why = "device area not exposed or misaligned";
    }
    if (why != NULL) {
        snprintf(m->last_error, sizeof(m->last_error), "queue %u not made ready: %s", qi, why);
        return 0;
    }
    return 1;
}

void vgpu_completions_free(vgpu_completion_list_t *list)
{
    free(list->items);
    list->items = NULL;
    list->count = 0;
    list->cap = 0;
}

static int completion_add(vgpu_completion_list_t *list, vgpu_completion_t c)
{
    if (list->count == list->cap) {
        uint32_t cap = list->cap ? list->cap * 2u : 64u;
        vgpu_completion_t *items = realloc(list->items, cap * sizeof(*items));
        if (items == NULL) {
            return -1;
        }
        list->items = items;
        list->cap = cap;
    }
    list->items[list->count++] = c;
    return 0;
}

static int desc_read(vgpu_model_t *m, const vgpu_queue_t *q, uint32_t idx, virtq_desc_t *out)
{
    const void *p = vgpu_translate(m, q->desc_addr + (uint64_t)idx * sizeof(virtq_desc_t), sizeof(virtq_desc_t));
    if (p == NULL) {
        return -1;
    }
    memcpy(out, p, sizeof(*out));
    return 0;
}

/* Checks one descriptor of a chain and records it; NULL or a reason. */
static const char *chain_add(vgpu_model_t *m, const virtq_desc_t *d)
{
    vgpu_chain_t *c = &m->chain;
    int write = (d->flags & VIRTQ_DESC_F_WRITE) != 0;
    if (d->flags & VIRTQ_DESC_F_INDIRECT) {
        return "indirect descriptor (not negotiated)";
    }
    if (!write && c->nsegs > 0 && c->segs[c->nsegs - 1].write) {
        return "device-readable descriptor after a device-writable one";
    }
    uint8_t *host = NULL;
    if (d->len > 0) {
        host = vgpu_translate(m, d->addr, d->len);
        if (host == NULL) {
            return "descriptor buffer not exposed";
        }
    }
    c->segs[c->nsegs++] = (vgpu_seg_t){.host = host, .len = d->len, .write = write};
    return NULL;
}

/* Walks the chain at `head` into m->chain; NULL or the reason it is malformed. */
static const char *chain_walk(vgpu_model_t *m, const vgpu_queue_t *q, uint32_t head)
{
    m->chain.nsegs = 0;
    m->chain.head = (uint16_t)head;
    uint32_t idx = head;
    for (;;) {
        virtq_desc_t d;
        if (idx >= q->num) {
            return "descriptor index out of range";
        }
        if (m->chain.nsegs >= q->num) {
            return "descriptor chain longer than the queue (loop)";
        }
        if (desc_read(m, q, idx, &d) != 0) {
            return "descriptor table not exposed";
        }
        const char *why = chain_add(m, &d);
        if (why != NULL) {
            return why;
        }
        if (!(d.flags & VIRTQ_DESC_F_NEXT)) {
            return NULL;
        }
        idx = d.next;
    }
}

/* Copies the device-readable part of the chain into m->req (at most VGPU_REQ_MAX bytes). */
static void chain_gather(vgpu_model_t *m)
{
    m->req_len = 0;
    for (uint32_t i = 0; i < m->chain.nsegs; i++) {
        const vgpu_seg_t *s = &m->chain.segs[i];
        if (s->write) {
            break;
        }
        uint32_t room = (uint32_t)VGPU_REQ_MAX - m->req_len;
        uint32_t n = s->len < room ? s->len : room;
        if (n > 0) {
            memcpy(m->req + m->req_len, s->host, n);
        }
        m->req_len += n;
    }
}

/* Writes the response into the device-writable part; returns bytes written. */
static uint32_t chain_scatter(vgpu_model_t *m, const vgpu_resp_t *resp)
{
    uint32_t done = 0;
    for (uint32_t i = 0; i < m->chain.nsegs && done < resp->len; i++) {
        const vgpu_seg_t *s = &m->chain.segs[i];
        if (!s->write) {
            continue;
        }
        uint32_t n = resp->len - done < s->len ? resp->len - done : s->len;
        if (n > 0) {
            memcpy(s->host, resp->bytes + done, n);
        }
        done += n;
    }
    return done;
}

/* Handles one available chain; -1 if the device stopped (device error). */
static int handle_chain(vgpu_model_t *m, uint32_t qi, uint32_t head)
{
    const char *why = chain_walk(m, &m->queues[qi], head);
    if (why != NULL) {
        char msg[128];
        snprintf(msg, sizeof(msg), "queue %u head %u: %s", qi, head, why);
        vgpu_device_error(m, msg);
        return -1;
    }
    chain_gather(m);
    uint32_t written = 0;
    if (qi == VIRTIO_GPU_QUEUE_CONTROL) {
        vgpu_cmd_control(m, m->req, m->req_len, &m->resp);
        written = chain_scatter(m, &m->resp);
    } else {
        vgpu_cmd_cursor(m, m->req, m->req_len);
    }
    vgpu_completion_t c = {.queue = qi, .id = head, .len = written};
    if (completion_add(&m->batch, c) != 0) {
        vgpu_device_error(m, "model out of memory for completions");
        return -1;
    }
    return 0;
}

static int device_stopped(const vgpu_model_t *m)
{
    return (m->status & VIRTIO_STATUS_DEVICE_NEEDS_RESET) != 0;
}

static void process_queue(vgpu_model_t *m, uint32_t qi)
{
    vgpu_queue_t *q = &m->queues[qi];
    virtq_avail_t *avail = avail_ring(m, q);
    if (avail == NULL) {
        vgpu_device_error(m, "driver area no longer exposed");
        return;
    }
    /* Acquire: pairs with the driver's release (or barrier) before it bumps
     * avail->idx, so the ring entries and descriptors are visible. */
    uint16_t avail_idx = __atomic_load_n(&avail->idx, __ATOMIC_ACQUIRE);
    if ((uint16_t)(avail_idx - q->last_avail) > q->num) {
        vgpu_device_error(m, "avail idx moved by more than the queue size");
        return;
    }
    while (q->last_avail != avail_idx && !device_stopped(m)) {
        uint32_t head = avail->ring[q->last_avail % q->num];
        q->last_avail++;
        if (handle_chain(m, qi, head) != 0) {
            return;
        }
    }
}

static int process_allowed(const vgpu_model_t *m)
{
    uint32_t need = VIRTIO_STATUS_DRIVER_OK | VIRTIO_STATUS_FEATURES_OK;
    uint32_t stop = VIRTIO_STATUS_DEVICE_NEEDS_RESET | VIRTIO_STATUS_FAILED;
    return (m->status & need) == need && !(m->status & stop);
}

static int hold_batch(vgpu_model_t *m)
{
    for (uint32_t i = 0; i < m->batch.count; i++) {
        if (completion_add(&m->faults.held, m->batch.items[i]) != 0) {
            m->batch.count = 0;
            vgpu_device_error(m, "model out of memory for held completions");
            return -1;
        }
    }
    m->batch.count = 0;
    return 0;
}

unsigned vgpu_queue_process_all(vgpu_model_t *m)
{
    if (!process_allowed(m) || vgpu_fault_stall_take(m)) {
        return 0;
    }
    uint32_t notified = m->notified;
    m->notified = 0;
    unsigned published = 0;
    for (uint32_t qi = 0; qi < VGPU_NUM_QUEUES; qi++) {
        if (!(notified & (1u << qi)) || !m->queues[qi].ready || device_stopped(m)) {
            continue;
        }
        process_queue(m, qi);
        if (m->faults.hold) {
            (void)hold_batch(m);
        } else {
            published += vgpu_publish_batch(m, &m->batch);
        }
    }
    return published;
}

static void apply_bogus(vgpu_model_t *m, uint32_t *id, uint32_t *len)
{
    if (m->faults.bogus_id_armed) {
        *id = m->faults.bogus_id;
        m->faults.bogus_id_armed = 0;
    }
    if (m->faults.bogus_len_armed) {
        *len = m->faults.bogus_len;
        m->faults.bogus_len_armed = 0;
    }
}

/* Writes one used entry; 1 if published. */
static int publish_one(vgpu_model_t *m, const vgpu_completion_t *c)
{
    vgpu_queue_t *q = &m->queues[c->queue];
    if (!q->ready) {
        return 0;
    }
    virtq_used_t *used = used_ring(m, q);
    if (used == NULL) {
        vgpu_device_error(m, "device area no longer exposed");
        return 0;
    }
    uint32_t id = c->id;
    uint32_t len = c->len;
    apply_bogus(m, &id, &len);
    virtq_used_elem_t *e = &used->ring[q->used_idx % q->num];
    e->id = id;
    e->len = len;
    q->used_idx = (uint16_t)(q->used_idx + 1u + m->faults.used_idx_skip); /* skip: the slots between stay stale */
    m->faults.used_idx_skip = 0;
    /* Release: the entry above is visible before the index that publishes
     * it; pairs with the driver's acquire (or barrier) after reading idx. */
    __atomic_store_n(&used->idx, q->used_idx, __ATOMIC_RELEASE);
    m->stats.used++;
    return 1;
}

static void reverse(vgpu_completion_list_t *list)
{
    for (uint32_t i = 0, j = list->count; i + 1 < j; i++, j--) {
        vgpu_completion_t t = list->items[i];
        list->items[i] = list->items[j - 1];
        list->items[j - 1] = t;
    }
}

/* Used-buffer interrupt unless the driver suppressed it (VIRTQ_AVAIL_F_NO_INTERRUPT). */
static void interrupt_queue(vgpu_model_t *m, uint32_t qi)
{
    const virtq_avail_t *avail = avail_ring(m, &m->queues[qi]);
    /* Full fence: the used->idx store before the flags load (a release store
     * alone may be reordered after a later load). Pairs with the fence a
     * driver puts between setting NO_INTERRUPT and re-reading used->idx, so
     * that either it sees the new entries or we see its flag cleared. */
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    uint16_t flags = avail ? __atomic_load_n(&avail->flags, __ATOMIC_ACQUIRE) : 0;
    if (!(flags & VIRTQ_AVAIL_F_NO_INTERRUPT)) {
        vgpu_raise_irq(m, VIRTIO_MMIO_INT_VRING);
    }
}

/* Publishes `list` (reversed if reordering is on), empties it, interrupts. */
unsigned vgpu_publish_batch(vgpu_model_t *m, vgpu_completion_list_t *list)
{
    uint32_t touched = 0;
    unsigned n = 0;
    if (m->faults.reorder) {
        reverse(list);
    }
    for (uint32_t i = 0; i < list->count; i++) {
        if (publish_one(m, &list->items[i])) {
            touched |= 1u << list->items[i].queue;
            n++;
        }
    }
    list->count = 0;
    for (uint32_t qi = 0; qi < VGPU_NUM_QUEUES; qi++) {
        if (touched & (1u << qi)) {
            interrupt_queue(m, qi);
        }
    }
    return n;
}
