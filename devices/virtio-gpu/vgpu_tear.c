/*
 * Tear detection, a test instrument: does anybody write what a scanout is
 * showing? Two counters in vgpu_model_stats_t:
 *
 * - shown_transfers: TRANSFER_TO_HOST_2D into a 2D resource that a scanout
 *   shows (its pixels change under the display);
 * - shown_blob_writes: the bytes of a blob that a scanout scans out changed
 *   while it was shown. The model cannot see guest writes, so it keeps a
 *   hash of the rows it scans out, taken when the blob is put on the
 *   scanout and after each flush, and compares it when the scanout is
 *   flushed, switched or disabled, and when a test asks
 *   (vgpu_model_tear_check()). A client that writes into a shown blob and
 *   flushes (single buffering) counts here; a double-buffered client that
 *   waits for its present fence never does.
 *
 * Off by default (hashing a whole scanout per flush is slow);
 * vgpu_model_tear_detect(m, 1) turns it on.
 *
 * And the stall fault: while set, the device takes no command off its
 * queues (a slow device); the notifications that came meanwhile are kept
 * and acted on once the stall ends.
 */
#include <stdint.h>

#include "vgpu_internal.h"

#define FNV_OFFSET 0xcbf29ce484222325ull
#define FNV_PRIME  0x100000001b3ull

static void hash_take(void *ctx, const uint8_t *bytes, uint64_t n)
{
    uint64_t *h = ctx;
    for (uint64_t i = 0; i < n; i++) {
        *h = (*h ^ bytes[i]) * FNV_PRIME;
    }
}

/* The hash of the blob rows scanout `s` shows (each row of the rectangle, as the scanout reads it). */
static uint64_t shown_hash(vgpu_model_t *m, const vgpu_scanout_t *s, const vgpu_resource_t *res)
{
    const vgpu_model_scanout_state_t *st = &s->set;
    uint64_t h = FNV_OFFSET;
    for (uint64_t y = st->y; y < (uint64_t)st->y + st->height; y++) {
        uint64_t off = (uint64_t)st->blob_offset + y * st->blob_stride + (uint64_t)st->x * 4u;
        (void)vgpu_backing_visit(m, res, off, (uint64_t)st->width * 4u, hash_take, &h);
    }
    return h;
}

static vgpu_resource_t *shown_blob(const vgpu_model_t *m, const vgpu_scanout_t *s)
{
    if (s->set.resource_id == 0 || !s->set.blob) {
        return NULL;
    }
    return vgpu_resource_find(m, s->set.resource_id);
}

void vgpu_model_tear_detect(vgpu_model_t *m, int on)
{
    vgpu_lock(m);
    m->tear_detect = on != 0;
    for (uint32_t i = 0; i < m->cfg.num_scanouts; i++) {
        vgpu_tear_arm(m, i);
    }
    vgpu_unlock(m);
}

void vgpu_tear_check(vgpu_model_t *m, uint32_t idx)
{
    vgpu_scanout_t *s = &m->scanouts[idx];
    vgpu_resource_t *res = shown_blob(m, s);
    if (res != NULL && s->tear_armed && shown_hash(m, s, res) != s->tear_hash) {
        m->stats.shown_blob_writes++;
    }
    s->tear_armed = 0;
}

void vgpu_tear_arm(vgpu_model_t *m, uint32_t idx)
{
    vgpu_scanout_t *s = &m->scanouts[idx];
    vgpu_resource_t *res = m->tear_detect ? shown_blob(m, s) : NULL;
    s->tear_armed = res != NULL;
    if (res != NULL) {
        s->tear_hash = shown_hash(m, s, res);
    }
}

void vgpu_tear_transfer(vgpu_model_t *m, const vgpu_resource_t *res)
{
    if (m->tear_detect && res->scanout_mask != 0) {
        m->stats.shown_transfers++;
    }
}

void vgpu_model_tear_check(vgpu_model_t *m)
{
    vgpu_lock(m);
    for (uint32_t i = 0; i < m->cfg.num_scanouts; i++) {
        vgpu_tear_check(m, i);
        vgpu_tear_arm(m, i);
    }
    vgpu_unlock(m);
}

void vgpu_model_fault_stall(vgpu_model_t *m, int stall)
{
    vgpu_lock(m);
    m->faults.stall = stall != 0;
    if (!m->faults.stall) {
        m->notified |= m->faults.stalled_notified;
        m->faults.stalled_notified = 0;
    }
    vgpu_unlock(m);
}

int vgpu_fault_stall_take(vgpu_model_t *m)
{
    if (!m->faults.stall) {
        return 0;
    }
    m->faults.stalled_notified |= m->notified;
    m->notified = 0;
    return 1;
}
