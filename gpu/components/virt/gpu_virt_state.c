/*
 * GPU virtualiser core: the bookkeeping shared by forwarding, completion,
 * release and device loss: device ids, device memory, what scanouts show.
 */
#define SDDF_LOG_COMPONENT "GPU_VIRT"

#include <sddf/log.h>

#include "gpu_virt_internal.h"

/*
 * Device ids. Each one taken is charged to the client it was taken for
 * until it comes back to the free list; a retired id stays charged for
 * good (see devid_check() in gpu_virt_check.c for why the list never runs
 * dry for a client within its quota).
 */
uint32_t virt_devid_alloc(gpu_virt_t *virt, gpu_virt_client_t *cl)
{
    uint32_t id = virt->devid_free;
    assert(id != 0 && "virt_devid_alloc: the check saw a free id");
    virt->devid_free = virt->devid_next[id];
    cl->devids++;
    return id;
}

void virt_devid_release(gpu_virt_t *virt, gpu_virt_client_t *cl, uint32_t id)
{
    virt->devid_next[id] = (gpu_virt_devid_t)virt->devid_free;
    virt->devid_free = id;
    cl->devids--;
}

/* The device may still hold device id `id` (its answer is unknown): never hand it out again. */
void virt_devid_retire(gpu_virt_t *virt, uint32_t id, const char *what, uint32_t status)
{
    LOG_ERR("%s of device resource %u failed (status %u); id retired\n", what, id, status);
    virt->devid_orphans++;
}

/* Every device id free, none retired: at start, and after the device was reset. */
void virt_devids_reset(gpu_virt_t *virt)
{
    for (uint32_t id = 1; id <= GPU_VIRT_MAX_DEVICE_RESOURCES; id++) {
        virt->devid_next[id] = (gpu_virt_devid_t)(id < GPU_VIRT_MAX_DEVICE_RESOURCES ? id + 1 : 0);
    }
    virt->devid_free = 1;
    virt->devid_orphans = 0;
}

/* A resource's device memory comes back to its client (it left the device, or never got there). */
void virt_memory_refund(gpu_virt_client_t *cl, const gpu_virt_resource_t *r)
{
    uint64_t m = r->kind == GPU_VIRT_KIND_2D ? (uint64_t)r->width * r->height * GPU_BYTES_PER_PIXEL : 0;
    assert(m <= cl->memory && "virt_memory_refund: charged at forward");
    cl->memory -= m;
}

/* Device scanout `ds` (owned by `cl`) now shows client resource `id` (0: nothing). */
void virt_scanout_show(gpu_virt_t *virt, gpu_virt_client_t *cl, uint32_t ds, uint32_t id)
{
    gpu_virt_scanout_t *sc = &virt->scanouts[ds];
    gpu_virt_resource_t *old = virt_res_slot(cl, sc->resource_id);
    if (old != NULL) {
        old->scanout_mask &= (uint16_t) ~(1u << ds);
    }
    gpu_virt_resource_t *r = virt_res_slot(cl, id);
    sc->resource_id = r != NULL ? id : 0;
    if (r != NULL) {
        r->scanout_mask |= (uint16_t)(1u << ds);
    }
}

/* A resource left the device: forget the scanouts that showed it, free its slot. */
void virt_res_forget(gpu_virt_t *virt, gpu_virt_resource_t *r)
{
    for (uint32_t m = r->scanout_mask; m != 0; m &= m - 1) {
        virt->scanouts[__builtin_ctz(m)].resource_id = 0;
    }
    r->scanout_mask = 0;
    r->state = GPU_VIRT_RES_FREE;
    r->has_backing = 0;
    r->size = 0;
}
