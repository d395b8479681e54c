/*
 * Resource table and guest-memory backing of the device model. Guest memory
 * is reached only through the translate callback, one backing entry (or part
 * of one) at a time.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vgpu_internal.h"

void *vgpu_translate(vgpu_model_t *m, uint64_t addr, uint64_t len)
{
    if (len == 0 || addr + len < addr) {
        return NULL;
    }
    return m->cfg.translate(m->cfg.translate_ctx, addr, len);
}

vgpu_resource_t *vgpu_resource_find(const vgpu_model_t *m, uint32_t id)
{
    for (uint32_t i = 0; i < m->nr_resources; i++) {
        if (m->resources[i]->id == id) {
            return m->resources[i];
        }
    }
    return NULL;
}

/* Takes ownership of res; -1 (res untouched) if the table cannot grow. */
int vgpu_resource_add(vgpu_model_t *m, vgpu_resource_t *res)
{
    vgpu_resource_t **t = realloc(m->resources, (m->nr_resources + 1u) * sizeof(*t));
    if (t == NULL) {
        return -1;
    }
    m->resources = t;
    m->resources[m->nr_resources++] = res;
    m->hostmem += res->hostmem;
    return 0;
}

void vgpu_backing_free(vgpu_resource_t *res)
{
    free(res->backing);
    res->backing = NULL;
    res->nr_backing = 0;
    res->backing_len = 0;
}

/* Disables every scanout showing res, then frees it. */
void vgpu_resource_destroy(vgpu_model_t *m, vgpu_resource_t *res)
{
    for (uint32_t i = 0; i < m->cfg.num_scanouts; i++) {
        if (res->scanout_mask & (1u << i)) {
            vgpu_scanout_disable(m, i);
        }
    }
    for (uint32_t i = 0; i < m->nr_resources; i++) {
        if (m->resources[i] == res) {
            m->resources[i] = m->resources[--m->nr_resources];
            break;
        }
    }
    m->hostmem -= res->hostmem;
    vgpu_backing_free(res);
    free(res->pixels);
    free(res);
}

void vgpu_resource_destroy_all(vgpu_model_t *m)
{
    while (m->nr_resources > 0) {
        vgpu_resource_destroy(m, m->resources[m->nr_resources - 1]);
    }
}

/*
 * Maps `nr` virtio_gpu_mem_entry_t at `entries` (already copied out of the
 * request) as res's backing. Every entry must be exposed in full (as QEMU:
 * a failed mapping is ERR_UNSPEC). Returns 0 or a VIRTIO_GPU_RESP_ERR_*.
 * The caller has checked nr <= VGPU_MAX_MEM_ENTRIES and that the entries are
 * all in the request.
 */
uint32_t vgpu_backing_map(vgpu_model_t *m, const uint8_t *entries, uint32_t nr, vgpu_resource_t *res)
{
    if (nr == 0) {
        return 0; /* as QEMU: no entries leaves the resource without backing */
    }
    vgpu_mem_t *mem = calloc(nr, sizeof(*mem));
    uint64_t total = 0;
    if (mem == NULL) {
        return VIRTIO_GPU_RESP_ERR_OUT_OF_MEMORY;
    }
    for (uint32_t i = 0; i < nr; i++) {
        virtio_gpu_mem_entry_t e;
        memcpy(&e, entries + (size_t)i * sizeof(e), sizeof(e));
        if (e.length > 0 && vgpu_translate(m, e.addr, e.length) == NULL) {
            free(mem);
            return VIRTIO_GPU_RESP_ERR_UNSPEC;
        }
        mem[i] = (vgpu_mem_t){.addr = e.addr, .len = e.length};
        total += e.length;
    }
    res->backing = mem;
    res->nr_backing = nr;
    res->backing_len = total;
    return 0;
}

/* Copies one entry's part [off, off + len) (len within the entry); 0 on failure. */
static uint64_t entry_read(vgpu_model_t *m, const vgpu_mem_t *e, uint64_t off, uint8_t *dst, uint64_t len)
{
    const uint8_t *src = vgpu_translate(m, e->addr + off, len);
    if (src == NULL) {
        return 0;
    }
    memcpy(dst, src, len);
    return len;
}

/*
 * Copies up to len bytes at offset off of res's backing (the entries laid end
 * to end) into dst, as QEMU's iov_to_buf: returns the bytes copied, fewer if
 * the backing ends first (or memory stopped being exposed).
 */
uint64_t vgpu_backing_read(vgpu_model_t *m, const vgpu_resource_t *res, uint64_t off, uint8_t *dst, uint64_t len)
{
    uint64_t done = 0;
    for (uint32_t i = 0; i < res->nr_backing && done < len; i++) {
        const vgpu_mem_t *e = &res->backing[i];
        if (off >= e->len) {
            off -= e->len;
            continue;
        }
        uint64_t n = e->len - off < len - done ? e->len - off : len - done;
        if (entry_read(m, e, off, dst + done, n) != n) {
            break;
        }
        done += n;
        off = 0;
    }
    return done;
}

uint32_t vgpu_model_resource_count(const vgpu_model_t *m)
{
    vgpu_lock(m);
    uint32_t n = m->nr_resources;
    vgpu_unlock((vgpu_model_t *)m);
    return n;
}

int vgpu_model_resource_exists(const vgpu_model_t *m, uint32_t resource_id)
{
    vgpu_lock(m);
    int found = vgpu_resource_find(m, resource_id) != NULL;
    vgpu_unlock((vgpu_model_t *)m);
    return found;
}
