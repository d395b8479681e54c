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

/*
 * Zeroed storage for a 2D resource's pixels, starting on a cache line: a
 * TRANSFER_TO_2D row is one memcpy, and into a destination 16 bytes past a
 * cache line (where malloc puts a large block) it runs about three times
 * slower on this project's test machine (AMD EPYC, glibc's rep movsb).
 * calloc keeps a large block's pages zeroed lazily. Free with
 * vgpu_pixels_free().
 */
uint8_t *vgpu_pixels_alloc(uint64_t bytes)
{
    const size_t extra = VGPU_PIXELS_ALIGN + sizeof(void *);
    if (bytes > SIZE_MAX - extra) {
        return NULL;
    }
    uint8_t *block = calloc((size_t)bytes + extra, 1);
    if (block == NULL) {
        return NULL;
    }
    uint8_t *pixels = block + sizeof(void *);
    pixels += (VGPU_PIXELS_ALIGN - (uintptr_t)pixels % VGPU_PIXELS_ALIGN) % VGPU_PIXELS_ALIGN;
    memcpy(pixels - sizeof(void *), &block, sizeof(block)); /* the block, for vgpu_pixels_free() */
    return pixels;
}

void vgpu_pixels_free(uint8_t *pixels)
{
    if (pixels == NULL) {
        return;
    }
    uint8_t *block;
    memcpy(&block, pixels - sizeof(void *), sizeof(block));
    free(block);
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
    vgpu_pixels_free(res->pixels);
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

/*
 * Walks the bytes [off, off + len) of res's backing (the entries laid end to
 * end), translating one entry's part at a time and handing each host range
 * to visit(ctx, bytes, n) in order. Stops where the backing ends or memory
 * stops being exposed (as QEMU's iov_to_buf); returns the bytes visited.
 */
uint64_t vgpu_backing_visit(vgpu_model_t *m, const vgpu_resource_t *res, uint64_t off, uint64_t len,
                            vgpu_backing_visit_fn visit, void *ctx)
{
    uint64_t done = 0;
    for (uint32_t i = 0; i < res->nr_backing && done < len; i++) {
        const vgpu_mem_t *e = &res->backing[i];
        if (off >= e->len) {
            off -= e->len;
            continue;
        }
        uint64_t n = e->len - off < len - done ? e->len - off : len - done;
        const uint8_t *src = vgpu_translate(m, e->addr + off, n);
        if (src == NULL) {
            break;
        }
        visit(ctx, src, n);
        done += n;
        off = 0;
    }
    return done;
}

static void copy_out(void *ctx, const uint8_t *src, uint64_t n)
{
    uint8_t **dst = ctx;
    memcpy(*dst, src, n);
    *dst += n;
}

/* Copies up to len bytes at offset off of res's backing into dst; returns the bytes copied (see above). */
uint64_t vgpu_backing_read(vgpu_model_t *m, const vgpu_resource_t *res, uint64_t off, uint8_t *dst, uint64_t len)
{
    return vgpu_backing_visit(m, res, off, len, copy_out, &dst);
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
