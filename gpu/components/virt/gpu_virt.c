/*
 * GPU virtualiser core. See gpu_virt.h for the interface and README.md for
 * the policy. Nothing here trusts a client or the driver: every request is
 * copied out of its queue once, checked on the copy, and either answered at
 * once or translated into the driver's namespace and forwarded.
 *
 * Ordering. A request that changes a resource (create, unref, attach,
 * detach) marks it busy until the driver answers; a set-scanout marks its
 * device scanout busy and counts a reference on its resource. A later
 * request that depends on a busy object is held (the client's queue is not
 * read further) until the answer comes, so every check is made on settled
 * state and completions may arrive in any order. TRANSFER_TO_2D and
 * RESOURCE_FLUSH on a settled resource are pipelined freely.
 */
#define SDDF_LOG_COMPONENT "GPU_VIRT"

#include <assert.h>
#include <stddef.h>
#include <string.h>

#include <sddf/gpu/event.h>
#include <sddf/log.h>

#include "gpu_virt.h"

#define GPU_VIRT_MAX_DIMENSION    16384u
#define GPU_VIRT_MIN_SCANOUT_SIDE 16u /* as virtio-gpu devices: QEMU refuses a smaller scanout rectangle */
#define GPU_VIRT_BLOB_ALIGN       4096u

/* Outcomes of a request check besides a GPU_STATUS_* answer. */
#define VERDICT_FORWARD 0x100u /* valid: send it to the driver */
#define VERDICT_WAIT    0x101u /* depends on something at the driver: hold it */

typedef uint32_t (*check_fn)(gpu_virt_t *virt, gpu_virt_client_t *cl, const gpu_req_t *req);
typedef void (*forward_fn)(gpu_virt_t *virt, gpu_virt_client_t *cl, gpu_virt_inflight_t *e, gpu_req_t *drv);
typedef void (*complete_fn)(gpu_virt_t *virt, gpu_virt_client_t *cl, gpu_virt_inflight_t *e, uint32_t status);

/* ---- small checks ---- */

static bool range_inside(uint64_t off, uint64_t len, uint64_t size)
{
    return !(off > size || len > size - off);
}

static bool rect_empty(const gpu_rect_t *r)
{
    return r->width == 0 || r->height == 0;
}

/* virtio-gpu devices (QEMU) refuse to show a rectangle with a side under GPU_VIRT_MIN_SCANOUT_SIDE. */
static bool rect_too_small(const gpu_rect_t *r)
{
    return r->width < GPU_VIRT_MIN_SCANOUT_SIDE || r->height < GPU_VIRT_MIN_SCANOUT_SIDE;
}

static bool rect_inside(const gpu_rect_t *r, uint32_t width, uint32_t height)
{
    return (uint64_t)r->x + r->width <= width && (uint64_t)r->y + r->height <= height;
}

static bool format_valid(uint32_t format)
{
    switch (format) {
    case GPU_FORMAT_B8G8R8A8_UNORM:
    case GPU_FORMAT_B8G8R8X8_UNORM:
    case GPU_FORMAT_A8R8G8B8_UNORM:
    case GPU_FORMAT_X8R8G8B8_UNORM:
    case GPU_FORMAT_R8G8B8A8_UNORM:
    case GPU_FORMAT_X8B8G8R8_UNORM:
    case GPU_FORMAT_A8B8G8R8_UNORM:
    case GPU_FORMAT_R8G8B8X8_UNORM:
        return true;
    default:
        return false;
    }
}

/*
 * Rows of `row_bytes` bytes, `rows` (>= 1) of them `stride` apart, starting
 * at `offset`: do they fit in `size` bytes? Overflow-safe for any values.
 */
static bool layout_fits(uint64_t offset, uint32_t stride, uint32_t rows, uint64_t row_bytes, uint64_t size)
{
    uint64_t skip = (uint64_t)stride * (rows - 1); /* both below 2^32: the product fits in 64 bits */
    return !(skip > size || offset > size - skip || row_bytes > size - skip - offset);
}

/* [offset, offset + len) lies inside [0, size). */
static bool range_fits(uint64_t offset, uint64_t len, uint64_t size)
{
    return len <= size && offset <= size - len;
}

static bool blob_enabled(const gpu_virt_t *virt)
{
    return (virt->display.features & GPU_FEATURE_BLOB) != 0;
}

/* ---- resources and device ids ---- */

/* The slot of client resource `id`, or NULL when the id is 0 or above the client's quota. */
static gpu_virt_resource_t *res_slot(gpu_virt_client_t *cl, uint32_t id)
{
    if (id == 0 || id > cl->cfg->max_resources) {
        return NULL;
    }
    return &cl->res[id - 1];
}

/* The slot of a resource id that a check already accepted. */
static gpu_virt_resource_t *res_checked(gpu_virt_client_t *cl, uint32_t id)
{
    assert(id - 1 < cl->cfg->max_resources && "res_checked: id was validated");
    return &cl->res[(id - 1) % GPU_VIRT_MAX_RESOURCES_PER_CLIENT];
}

/* Find a live, settled resource: GPU_STATUS_OK, INVALID_RESOURCE_ID or VERDICT_WAIT. */
static uint32_t res_lookup(gpu_virt_client_t *cl, uint32_t id, gpu_virt_resource_t **out)
{
    gpu_virt_resource_t *r = res_slot(cl, id);
    if (r == NULL) {
        return GPU_STATUS_INVALID_RESOURCE_ID;
    }
    if (r->busy) {
        return VERDICT_WAIT;
    }
    if (r->state != GPU_VIRT_RES_LIVE) {
        return GPU_STATUS_INVALID_RESOURCE_ID;
    }
    *out = r;
    return GPU_STATUS_OK;
}

/* Can client resource `id` be created? GPU_STATUS_OK, INVALID_RESOURCE_ID or VERDICT_WAIT. */
static uint32_t res_check_new(gpu_virt_client_t *cl, uint32_t id)
{
    gpu_virt_resource_t *r = res_slot(cl, id);
    if (r == NULL) {
        return GPU_STATUS_INVALID_RESOURCE_ID;
    }
    if (r->busy) {
        return VERDICT_WAIT;
    }
    return r->state == GPU_VIRT_RES_FREE ? GPU_STATUS_OK : GPU_STATUS_INVALID_RESOURCE_ID;
}

/*
 * Device ids. Each one taken is charged to the client it was taken for
 * until it comes back to the free list; a retired id stays charged for
 * good. A client is charged at most max_resources ids and the quotas fit the
 * id space (config_check), so the free list never runs dry for a client
 * within its quota, whatever the device answers.
 */
static uint32_t devid_alloc(gpu_virt_t *virt, gpu_virt_client_t *cl)
{
    uint32_t id = virt->devid_free;
    assert(id != 0 && "devid_alloc: caller checked the free list");
    virt->devid_free = virt->devid_next[id];
    cl->devids++;
    return id;
}

static void devid_release(gpu_virt_t *virt, gpu_virt_client_t *cl, uint32_t id)
{
    virt->devid_next[id] = virt->devid_free;
    virt->devid_free = id;
    cl->devids--;
}

/* The device may still hold device id `id` (its answer is unknown): never hand it out again. */
static void devid_retire(gpu_virt_t *virt, uint32_t id, const char *what, uint32_t status)
{
    LOG_ERR("%s of device resource %u failed (status %u); id retired\n", what, id, status);
    virt->devid_orphans++;
}

/* Last check of both creates: a device id within the client's quota. */
static uint32_t devid_check(const gpu_virt_t *virt, const gpu_virt_client_t *cl)
{
    if (cl->devids >= cl->cfg->max_resources || virt->devid_free == 0) {
        return GPU_STATUS_OUT_OF_MEMORY;
    }
    return VERDICT_FORWARD;
}

/* Every device id free, none retired: at start, and after the device was reset. */
static void devids_reset(gpu_virt_t *virt)
{
    for (uint32_t id = 1; id <= GPU_VIRT_MAX_DEVICE_RESOURCES; id++) {
        virt->devid_next[id] = id < GPU_VIRT_MAX_DEVICE_RESOURCES ? id + 1 : 0;
    }
    virt->devid_free = 1;
    virt->devid_orphans = 0;
}

/* Device memory a 2D resource takes: width * height * 4 <= 2^30 (both sides <= 16384). */
static uint64_t res_memory(const gpu_virt_resource_t *r)
{
    return r->kind == GPU_VIRT_KIND_2D ? (uint64_t)r->width * r->height * GPU_BYTES_PER_PIXEL : 0;
}

/* A resource's device memory comes back to its client (it left the device, or never got there). */
static void memory_refund(gpu_virt_client_t *cl, const gpu_virt_resource_t *r)
{
    uint64_t m = res_memory(r);
    assert(m <= cl->memory && "memory_refund: charged at forward");
    cl->memory -= m;
}

/* Device scanout `ds` (owned by `cl`) now shows client resource `id` (0: nothing). */
static void scanout_show(gpu_virt_t *virt, gpu_virt_client_t *cl, uint32_t ds, uint32_t id)
{
    gpu_virt_scanout_t *sc = &virt->scanouts[ds];
    gpu_virt_resource_t *old = res_slot(cl, sc->resource_id);
    if (old != NULL) {
        old->scanout_mask &= (uint16_t) ~(1u << ds);
    }
    gpu_virt_resource_t *r = res_slot(cl, id);
    sc->resource_id = r != NULL ? id : 0;
    if (r != NULL) {
        r->scanout_mask |= (uint16_t)(1u << ds);
    }
}

/* A resource left the device: forget the scanouts that showed it, free its slot. */
static void res_forget(gpu_virt_t *virt, gpu_virt_resource_t *r)
{
    for (uint32_t m = r->scanout_mask; m != 0; m &= m - 1) {
        virt->scanouts[__builtin_ctz(m)].resource_id = 0;
    }
    r->scanout_mask = 0;
    r->state = GPU_VIRT_RES_FREE;
    r->has_backing = 0;
}

/* ---- the driver connection ---- */

/* Is there room for one more driver request? Arms the queue's signal when it is full. */
static bool driver_room(gpu_virt_t *virt)
{
    if (virt->inflight_free == GPU_VIRT_MAX_INFLIGHT) {
        return false; /* a completion will come and free an entry */
    }
    if (gpu_queue_cached_space(&virt->drv_req) != 0 || gpu_queue_space(&virt->drv_req) != 0) {
        return true;
    }
    return !gpu_queue_producer_arm(&virt->drv_req);
}

static gpu_virt_inflight_t *inflight_alloc(gpu_virt_t *virt, uint8_t origin, uint32_t client)
{
    uint32_t idx = virt->inflight_free;
    assert(idx < GPU_VIRT_MAX_INFLIGHT && "inflight_alloc: caller checked driver_room()");
    gpu_virt_inflight_t *e = &virt->inflight[idx];
    virt->inflight_free = e->next_free;
    virt->inflight_count++;
    e->driver_id += GPU_VIRT_MAX_INFLIGHT; /* new id, same slot in the low bits */
    e->origin = origin;
    e->client = (uint8_t)client;
    e->scanout = 0;
    e->epoch = 0;
    return e;
}

static gpu_virt_inflight_t *inflight_find(gpu_virt_t *virt, uint32_t driver_id)
{
    gpu_virt_inflight_t *e = &virt->inflight[driver_id & (GPU_VIRT_MAX_INFLIGHT - 1)];
    if (e->origin == GPU_VIRT_ORIGIN_FREE || e->driver_id != driver_id) {
        return NULL;
    }
    return e;
}

static void inflight_release(gpu_virt_t *virt, gpu_virt_inflight_t *e)
{
    e->origin = GPU_VIRT_ORIGIN_FREE;
    e->next_free = virt->inflight_free;
    virt->inflight_free = (uint32_t)(e - virt->inflight);
    virt->inflight_count--;
}

/*
 * Reserve, zero, fill, submit: driver_reserve() returns the next driver
 * request slot, zeroed and stamped with `code` and e's id, for the caller to
 * fill (write only: the slot is shared memory); driver_submit() publishes it.
 * The caller checked driver_room(), so the slot is free.
 */
static gpu_req_t *driver_reserve(gpu_virt_t *virt, const gpu_virt_inflight_t *e, uint32_t code)
{
    assert(gpu_queue_cached_space(&virt->drv_req) != 0 && "driver_reserve: driver_room() was checked");
    gpu_req_t *drv = gpu_queue_slot(&virt->drv_req, virt->drv_req.own, sizeof(gpu_req_t));
    memset(drv, 0, sizeof(*drv));
    drv->code = code;
    drv->id = e->driver_id;
    return drv;
}

/* The request written by driver_reserve() is staged; notify_collect() publishes every one of the event at once. */
static void driver_submit(gpu_virt_t *virt)
{
    gpu_queue_producer_stage(&virt->drv_req, 1);
    virt->drv_req_published = 1;
}

/*
 * May client `client` send a request to the driver now? Not when the driver
 * has no room (the client is then marked waiting; driver_room() made sure a
 * driver notification will come), nor, outside the round-robin, while
 * another client waits for room: it would take that room first. Waiting
 * clients are served by the next driver notification, in turn.
 *
 * A mark says what the client's latest step found (client_step() clears it
 * first), so that it never outlives the need: a stale one would make every
 * other client defer to a client that waits for nothing, with no driver
 * notification to come.
 */
static bool driver_turn(gpu_virt_t *virt, uint32_t client, bool round_robin)
{
    uint32_t bit = 1u << client;
    if ((!round_robin && (virt->drv_waiting & ~bit) != 0) || !driver_room(virt)) {
        virt->drv_waiting |= bit;
        return false;
    }
    virt->next_client = (client + 1) % virt->num_clients;
    return true;
}

/* ---- answering clients ---- */

static void client_respond(gpu_virt_t *virt, gpu_virt_client_t *cl, uint32_t code, uint32_t id, uint32_t status)
{
    cl->owed--;
    if (gpu_queue_cached_space(&cl->resp) == 0 && gpu_queue_space(&cl->resp) == 0) {
        /* Only possible if the client corrupted its own queue's head index. */
        LOG_WARN("client response queue index corrupt; response to id %u dropped\n", id);
    } else {
        gpu_resp_t *slot = gpu_queue_slot(&cl->resp, cl->resp.own, sizeof(gpu_resp_t));
        *slot = (gpu_resp_t){.code = code, .id = id, .status = status, ._pad = 0};
        gpu_queue_producer_stage(&cl->resp, 1); /* published once per event, by notify_collect() */
    }
    cl->resp_published = 1;
    virt->dirty |= 1u << cl->index;
}

/* ---- GET_DISPLAY_INFO ---- */

static uint32_t check_display_info(gpu_virt_t *virt, gpu_virt_client_t *cl, const gpu_req_t *req)
{
    (void)req;
    if (virt->device_lost) {
        return VERDICT_WAIT; /* answered once the bookkeeping matches the fresh device */
    }
    if (!virt->display_valid) {
        if (!virt->display_failed) {
            return VERDICT_WAIT;
        }
        cl->display_refused = 1; /* so that it hears when display info arrives after all */
        return GPU_STATUS_DEVICE_ERROR;
    }
    memcpy(&cl->info->display, &cl->view, sizeof(cl->view));
    cl->initialised = 1;
    return GPU_STATUS_OK;
}

/* ---- RESOURCE_CREATE_2D and RESOURCE_CREATE_BLOB ---- */

static uint32_t check_create_2d(gpu_virt_t *virt, gpu_virt_client_t *cl, const gpu_req_t *req)
{
    const gpu_req_create_2d_t *c = &req->create_2d;
    uint32_t status = res_check_new(cl, c->resource_id);
    if (status != GPU_STATUS_OK) {
        return status;
    }
    if (!format_valid(c->format) || c->width == 0 || c->height == 0 || c->width > GPU_VIRT_MAX_DIMENSION ||
        c->height > GPU_VIRT_MAX_DIMENSION) {
        return GPU_STATUS_INVALID_PARAMETER;
    }
    uint64_t need = (uint64_t)c->width * c->height * GPU_BYTES_PER_PIXEL; /* <= 2^30 */
    if (need > cl->cfg->max_memory - cl->memory) {                        /* memory <= max_memory always */
        return GPU_STATUS_OUT_OF_MEMORY;
    }
    return devid_check(virt, cl);
}

/* Both creates: the slot of client resource `id` becomes live, busy until the driver answers. */
static gpu_virt_resource_t *res_create(gpu_virt_t *virt, gpu_virt_client_t *cl, uint32_t id, uint8_t kind)
{
    gpu_virt_resource_t *r = res_checked(cl, id);
    memset(r, 0, sizeof(*r));
    r->state = GPU_VIRT_RES_LIVE;
    r->kind = kind;
    r->busy = 1;
    r->device_id = devid_alloc(virt, cl);
    return r;
}

static void forward_create_2d(gpu_virt_t *virt, gpu_virt_client_t *cl, gpu_virt_inflight_t *e, gpu_req_t *drv)
{
    const gpu_req_create_2d_t *c = &e->req.create_2d;
    gpu_virt_resource_t *r = res_create(virt, cl, c->resource_id, GPU_VIRT_KIND_2D);
    r->width = c->width;
    r->height = c->height;
    cl->memory += res_memory(r);
    drv->create_2d = *c;
    drv->create_2d.resource_id = r->device_id;
}

static uint32_t check_create_blob(gpu_virt_t *virt, gpu_virt_client_t *cl, const gpu_req_t *req)
{
    const gpu_req_create_blob_t *c = &req->create_blob;
    if (!blob_enabled(virt)) {
        return GPU_STATUS_UNSUPPORTED;
    }
    uint32_t status = res_check_new(cl, c->resource_id);
    if (status != GPU_STATUS_OK) {
        return status;
    }
    if (c->size == 0 || c->mem_addr % GPU_VIRT_BLOB_ALIGN != 0 || c->size % GPU_VIRT_BLOB_ALIGN != 0 ||
        !range_inside(c->mem_addr, c->size, cl->cfg->data_size)) {
        return GPU_STATUS_INVALID_PARAMETER;
    }
    return devid_check(virt, cl);
}

static void forward_create_blob(gpu_virt_t *virt, gpu_virt_client_t *cl, gpu_virt_inflight_t *e, gpu_req_t *drv)
{
    const gpu_req_create_blob_t *c = &e->req.create_blob;
    gpu_virt_resource_t *r = res_create(virt, cl, c->resource_id, GPU_VIRT_KIND_BLOB);
    r->has_backing = 1;
    r->backing_size = c->size;
    r->blob_size = c->size;
    drv->create_blob.resource_id = r->device_id;
    drv->create_blob.mem_addr = cl->cfg->data_io_base + c->mem_addr;
    drv->create_blob.size = c->size;
}

/*
 * Both creates: a refused create gives the id back. A create that ended in
 * DEVICE_ERROR may have taken effect on the device, so its id is retired.
 */
static void complete_create(gpu_virt_t *virt, gpu_virt_client_t *cl, gpu_virt_inflight_t *e, uint32_t status)
{
    /* create_2d and create_blob both start with resource_id */
    gpu_virt_resource_t *r = res_checked(cl, e->req.create_2d.resource_id);
    r->busy = 0;
    if (status == GPU_STATUS_OK) {
        return;
    }
    if (status == GPU_STATUS_DEVICE_ERROR) {
        devid_retire(virt, r->device_id, "create", status); /* and its memory stays charged, like the id */
    } else {
        devid_release(virt, cl, r->device_id);
        memory_refund(cl, r);
    }
    res_forget(virt, r);
}

/* ---- RESOURCE_UNREF ---- */

static uint32_t check_unref(gpu_virt_t *virt, gpu_virt_client_t *cl, const gpu_req_t *req)
{
    (void)virt;
    gpu_virt_resource_t *r = NULL;
    uint32_t status = res_lookup(cl, req->unref.resource_id, &r);
    if (status != GPU_STATUS_OK) {
        return status;
    }
    return r->scanout_refs != 0 ? VERDICT_WAIT : VERDICT_FORWARD;
}

static void forward_unref(gpu_virt_t *virt, gpu_virt_client_t *cl, gpu_virt_inflight_t *e, gpu_req_t *drv)
{
    (void)virt;
    gpu_virt_resource_t *r = res_checked(cl, e->req.unref.resource_id);
    r->busy = 1;
    drv->unref.resource_id = r->device_id;
}

/* A failed unref keeps the resource; a successful one also disabled the scanouts showing it. */
static void complete_unref(gpu_virt_t *virt, gpu_virt_client_t *cl, gpu_virt_inflight_t *e, uint32_t status)
{
    gpu_virt_resource_t *r = res_checked(cl, e->req.unref.resource_id);
    r->busy = 0;
    if (status == GPU_STATUS_OK) {
        devid_release(virt, cl, r->device_id);
        memory_refund(cl, r);
        res_forget(virt, r);
    }
}

/* ---- RESOURCE_ATTACH_BACKING and RESOURCE_DETACH_BACKING ---- */

static uint32_t check_attach(gpu_virt_t *virt, gpu_virt_client_t *cl, const gpu_req_t *req)
{
    (void)virt;
    const gpu_req_attach_backing_t *a = &req->attach_backing;
    gpu_virt_resource_t *r = NULL;
    uint32_t status = res_lookup(cl, a->resource_id, &r);
    if (status != GPU_STATUS_OK) {
        return status;
    }
    if (r->has_backing || a->size == 0 || !range_inside(a->mem_addr, a->size, cl->cfg->data_size)) {
        return GPU_STATUS_INVALID_PARAMETER;
    }
    if (r->kind == GPU_VIRT_KIND_BLOB && (a->size != r->blob_size || a->mem_addr % GPU_VIRT_BLOB_ALIGN != 0)) {
        return GPU_STATUS_INVALID_PARAMETER;
    }
    return VERDICT_FORWARD;
}

static void forward_attach(gpu_virt_t *virt, gpu_virt_client_t *cl, gpu_virt_inflight_t *e, gpu_req_t *drv)
{
    (void)virt;
    const gpu_req_attach_backing_t *a = &e->req.attach_backing;
    gpu_virt_resource_t *r = res_checked(cl, a->resource_id);
    r->busy = 1;
    drv->attach_backing.resource_id = r->device_id;
    drv->attach_backing.mem_addr = cl->cfg->data_io_base + a->mem_addr;
    drv->attach_backing.size = a->size;
}

static void complete_attach(gpu_virt_t *virt, gpu_virt_client_t *cl, gpu_virt_inflight_t *e, uint32_t status)
{
    (void)virt;
    const gpu_req_attach_backing_t *a = &e->req.attach_backing;
    gpu_virt_resource_t *r = res_checked(cl, a->resource_id);
    r->busy = 0;
    if (status == GPU_STATUS_OK) {
        r->has_backing = 1;
        r->backing_size = a->size;
    }
}

static uint32_t check_detach(gpu_virt_t *virt, gpu_virt_client_t *cl, const gpu_req_t *req)
{
    (void)virt;
    gpu_virt_resource_t *r = NULL;
    uint32_t status = res_lookup(cl, req->detach_backing.resource_id, &r);
    if (status != GPU_STATUS_OK) {
        return status;
    }
    if (!r->has_backing) {
        return GPU_STATUS_INVALID_PARAMETER;
    }
    if (r->kind == GPU_VIRT_KIND_BLOB && (r->scanout_refs != 0 || r->scanout_mask != 0)) {
        return r->scanout_refs != 0 ? VERDICT_WAIT : GPU_STATUS_INVALID_PARAMETER; /* shown: its memory is live */
    }
    return VERDICT_FORWARD;
}

static void forward_detach(gpu_virt_t *virt, gpu_virt_client_t *cl, gpu_virt_inflight_t *e, gpu_req_t *drv)
{
    (void)virt;
    gpu_virt_resource_t *r = res_checked(cl, e->req.detach_backing.resource_id);
    r->busy = 1;
    drv->detach_backing.resource_id = r->device_id;
}

static void complete_detach(gpu_virt_t *virt, gpu_virt_client_t *cl, gpu_virt_inflight_t *e, uint32_t status)
{
    (void)virt;
    gpu_virt_resource_t *r = res_checked(cl, e->req.detach_backing.resource_id);
    r->busy = 0;
    if (status == GPU_STATUS_OK) {
        r->has_backing = 0;
        r->backing_size = 0;
    }
}

/* ---- SET_SCANOUT and SET_SCANOUT_BLOB ---- */

/* Virtual scanout `vs` of `cl` -> device scanout: OK, INVALID_SCANOUT_ID or VERDICT_WAIT. */
static uint32_t scanout_lookup(gpu_virt_t *virt, gpu_virt_client_t *cl, uint32_t vs, uint32_t *ds)
{
    if (vs >= cl->cfg->num_scanouts) {
        return GPU_STATUS_INVALID_SCANOUT_ID;
    }
    uint32_t d = cl->cfg->scanouts[vs];
    if (d >= virt->display.num_scanouts) {
        return GPU_STATUS_INVALID_SCANOUT_ID; /* configured, but the device does not have it */
    }
    if (virt->scanouts[d].busy) {
        return VERDICT_WAIT;
    }
    *ds = d;
    return GPU_STATUS_OK;
}

static uint32_t check_set_scanout(gpu_virt_t *virt, gpu_virt_client_t *cl, const gpu_req_t *req)
{
    const gpu_req_set_scanout_t *s = &req->set_scanout;
    uint32_t ds = 0;
    uint32_t status = scanout_lookup(virt, cl, s->scanout_id, &ds);
    if (status != GPU_STATUS_OK || s->resource_id == GPU_RESOURCE_ID_NONE) {
        return status != GPU_STATUS_OK ? status : VERDICT_FORWARD;
    }
    gpu_virt_resource_t *r = NULL;
    status = res_lookup(cl, s->resource_id, &r);
    if (status != GPU_STATUS_OK) {
        return status;
    }
    if (r->kind != GPU_VIRT_KIND_2D || !r->has_backing || rect_too_small(&s->rect)) {
        return GPU_STATUS_INVALID_PARAMETER;
    }
    return rect_inside(&s->rect, r->width, r->height) ? VERDICT_FORWARD : GPU_STATUS_OUT_OF_BOUNDS;
}

/* Both set-scanouts: mark the scanout busy and reference the resource until the answer. */
static uint32_t scanout_begin(gpu_virt_t *virt, gpu_virt_client_t *cl, gpu_virt_inflight_t *e, uint32_t vs, uint32_t id)
{
    uint32_t ds = cl->cfg->scanouts[vs];
    virt->scanouts[ds].busy = 1;
    e->scanout = (uint8_t)ds;
    gpu_virt_resource_t *r = res_slot(cl, id);
    if (r == NULL) {
        return GPU_RESOURCE_ID_NONE;
    }
    r->scanout_refs++;
    return r->device_id;
}

static void forward_set_scanout(gpu_virt_t *virt, gpu_virt_client_t *cl, gpu_virt_inflight_t *e, gpu_req_t *drv)
{
    const gpu_req_set_scanout_t *s = &e->req.set_scanout;
    drv->set_scanout.resource_id = scanout_begin(virt, cl, e, s->scanout_id, s->resource_id);
    drv->set_scanout.scanout_id = e->scanout;
    if (s->resource_id != GPU_RESOURCE_ID_NONE) {
        drv->set_scanout.rect = s->rect;
    }
}

static void complete_set_scanout(gpu_virt_t *virt, gpu_virt_client_t *cl, gpu_virt_inflight_t *e, uint32_t status)
{
    /* set_scanout and set_scanout_blob both start with scanout_id, resource_id */
    uint32_t id = e->req.set_scanout.resource_id;
    gpu_virt_resource_t *r = res_slot(cl, id);
    virt->scanouts[e->scanout].busy = 0;
    if (r != NULL) {
        r->scanout_refs--;
    }
    if (status == GPU_STATUS_OK) {
        scanout_show(virt, cl, e->scanout, id);
        virt->scanouts[e->scanout].rect =
                e->req.code == GPU_REQ_SET_SCANOUT ? e->req.set_scanout.rect : e->req.set_scanout_blob.rect;
    }
}

/*
 * The blob must hold the whole framebuffer, every row a whole stride, and
 * also what virtio-gpu devices (QEMU) measure: from the rect's first pixel,
 * whole strides down to the rect's last row. Call with width * 4 <= stride
 * and the rect inside width x height: then x * 4 < stride and rows <= height,
 * so both spans are at most 2^32 * (2^32 - 1) and cannot wrap.
 */
static bool scanout_fits(const gpu_req_set_scanout_blob_t *s, uint64_t size)
{
    uint64_t frame = (uint64_t)s->stride * s->height;
    uint64_t rows = (uint64_t)s->rect.y + s->rect.height;
    uint64_t shown = (uint64_t)s->rect.x * GPU_BYTES_PER_PIXEL + rows * s->stride;
    return range_fits(s->offset, frame, size) && range_fits(s->offset, shown, size);
}

/* The framebuffer a SET_SCANOUT_BLOB describes, against blob `r`, in docs/protocol.md's order. */
static uint32_t check_blob_layout(const gpu_req_set_scanout_blob_t *s, const gpu_virt_resource_t *r)
{
    if (r->kind != GPU_VIRT_KIND_BLOB || !r->has_backing) {
        return GPU_STATUS_INVALID_PARAMETER;
    }
    uint64_t row_bytes = (uint64_t)s->width * GPU_BYTES_PER_PIXEL;
    if (!format_valid(s->format) || s->width == 0 || s->height == 0 || s->stride < row_bytes) {
        return GPU_STATUS_INVALID_PARAMETER;
    }
    if (rect_too_small(&s->rect)) {
        return GPU_STATUS_INVALID_PARAMETER;
    }
    if (!rect_inside(&s->rect, s->width, s->height) || !scanout_fits(s, r->blob_size)) {
        return GPU_STATUS_OUT_OF_BOUNDS;
    }
    return VERDICT_FORWARD;
}

static uint32_t check_set_scanout_blob(gpu_virt_t *virt, gpu_virt_client_t *cl, const gpu_req_t *req)
{
    const gpu_req_set_scanout_blob_t *s = &req->set_scanout_blob;
    if (!blob_enabled(virt)) {
        return GPU_STATUS_UNSUPPORTED;
    }
    uint32_t ds = 0;
    uint32_t status = scanout_lookup(virt, cl, s->scanout_id, &ds);
    if (status != GPU_STATUS_OK || s->resource_id == GPU_RESOURCE_ID_NONE) {
        return status != GPU_STATUS_OK ? status : VERDICT_FORWARD;
    }
    gpu_virt_resource_t *r = NULL;
    status = res_lookup(cl, s->resource_id, &r);
    if (status != GPU_STATUS_OK) {
        return status;
    }
    return check_blob_layout(s, r);
}

static void forward_set_scanout_blob(gpu_virt_t *virt, gpu_virt_client_t *cl, gpu_virt_inflight_t *e, gpu_req_t *drv)
{
    const gpu_req_set_scanout_blob_t *s = &e->req.set_scanout_blob;
    uint32_t device_id = scanout_begin(virt, cl, e, s->scanout_id, s->resource_id);
    if (device_id != GPU_RESOURCE_ID_NONE) {
        drv->set_scanout_blob = *s;
    }
    drv->set_scanout_blob.scanout_id = e->scanout;
    drv->set_scanout_blob.resource_id = device_id;
}

/* ---- TRANSFER_TO_2D and RESOURCE_FLUSH ---- */

static uint32_t check_transfer(gpu_virt_t *virt, gpu_virt_client_t *cl, const gpu_req_t *req)
{
    (void)virt;
    const gpu_req_transfer_to_2d_t *t = &req->transfer_to_2d;
    gpu_virt_resource_t *r = NULL;
    uint32_t status = res_lookup(cl, t->resource_id, &r);
    if (status != GPU_STATUS_OK) {
        return status;
    }
    if (r->kind != GPU_VIRT_KIND_2D || !r->has_backing || rect_empty(&t->rect)) {
        return GPU_STATUS_INVALID_PARAMETER;
    }
    uint32_t stride = r->width * GPU_BYTES_PER_PIXEL; /* width <= 16384 */
    uint64_t row_bytes = (uint64_t)t->rect.width * GPU_BYTES_PER_PIXEL;
    if (!rect_inside(&t->rect, r->width, r->height) ||
        !layout_fits(t->offset, stride, t->rect.height, row_bytes, r->backing_size)) {
        return GPU_STATUS_OUT_OF_BOUNDS;
    }
    return VERDICT_FORWARD;
}

static void forward_transfer(gpu_virt_t *virt, gpu_virt_client_t *cl, gpu_virt_inflight_t *e, gpu_req_t *drv)
{
    (void)virt;
    drv->transfer_to_2d = e->req.transfer_to_2d;
    drv->transfer_to_2d.resource_id = res_checked(cl, e->req.transfer_to_2d.resource_id)->device_id;
    drv->transfer_to_2d._pad = 0;
}

/* Do rectangles a and b touch, edges included, as QEMU measures a blob flush against a scanout? */
static bool rect_touches(const gpu_rect_t *a, const gpu_rect_t *b)
{
    return a->x < (uint64_t)b->x + b->width && (uint64_t)a->x + a->width >= b->x && a->y < (uint64_t)b->y + b->height &&
           (uint64_t)a->y + a->height >= b->y;
}

/*
 * A blob flush updates the scanouts that show the blob, and virtio-gpu
 * devices (QEMU) refuse one that touches none of them. Settled state only:
 * wait while a set-scanout of this blob or of a scanout showing it is out.
 */
static uint32_t check_blob_flush(const gpu_virt_t *virt, const gpu_virt_resource_t *r, const gpu_rect_t *rect)
{
    if (r->scanout_refs != 0) {
        return VERDICT_WAIT;
    }
    bool touches = false;
    for (uint32_t m = r->scanout_mask; m != 0; m &= m - 1) {
        const gpu_virt_scanout_t *sc = &virt->scanouts[__builtin_ctz(m)];
        if (sc->busy) {
            return VERDICT_WAIT;
        }
        touches = touches || rect_touches(rect, &sc->rect);
    }
    return touches ? VERDICT_FORWARD : GPU_STATUS_INVALID_PARAMETER;
}

static uint32_t check_flush(gpu_virt_t *virt, gpu_virt_client_t *cl, const gpu_req_t *req)
{
    const gpu_req_flush_t *f = &req->flush;
    gpu_virt_resource_t *r = NULL;
    uint32_t status = res_lookup(cl, f->resource_id, &r);
    if (status != GPU_STATUS_OK) {
        return status;
    }
    if (rect_empty(&f->rect)) {
        return GPU_STATUS_INVALID_PARAMETER;
    }
    if (r->kind == GPU_VIRT_KIND_2D) {
        return rect_inside(&f->rect, r->width, r->height) ? VERDICT_FORWARD : GPU_STATUS_OUT_OF_BOUNDS;
    }
    if (!rect_inside(&f->rect, UINT32_MAX, UINT32_MAX)) {
        return GPU_STATUS_OUT_OF_BOUNDS;
    }
    return check_blob_flush(virt, r, &f->rect);
}

static void forward_flush(gpu_virt_t *virt, gpu_virt_client_t *cl, gpu_virt_inflight_t *e, gpu_req_t *drv)
{
    (void)virt;
    drv->flush = e->req.flush;
    drv->flush.resource_id = res_checked(cl, e->req.flush.resource_id)->device_id;
}

/* ---- dispatch ---- */

static const struct {
    check_fn check;
    forward_fn forward;
    complete_fn complete; /* NULL: nothing to record */
} ops[GPU_REQ_MAX + 1] = {
        [GPU_REQ_GET_DISPLAY_INFO] = {check_display_info, NULL, NULL},
        [GPU_REQ_RESOURCE_CREATE_2D] = {check_create_2d, forward_create_2d, complete_create},
        [GPU_REQ_RESOURCE_CREATE_BLOB] = {check_create_blob, forward_create_blob, complete_create},
        [GPU_REQ_RESOURCE_UNREF] = {check_unref, forward_unref, complete_unref},
        [GPU_REQ_RESOURCE_ATTACH_BACKING] = {check_attach, forward_attach, complete_attach},
        [GPU_REQ_RESOURCE_DETACH_BACKING] = {check_detach, forward_detach, complete_detach},
        [GPU_REQ_SET_SCANOUT] = {check_set_scanout, forward_set_scanout, complete_set_scanout},
        [GPU_REQ_SET_SCANOUT_BLOB] = {check_set_scanout_blob, forward_set_scanout_blob, complete_set_scanout},
        [GPU_REQ_TRANSFER_TO_2D] = {check_transfer, forward_transfer, NULL},
        [GPU_REQ_RESOURCE_FLUSH] = {check_flush, forward_flush, NULL},
};

static uint32_t request_check(gpu_virt_t *virt, gpu_virt_client_t *cl, const gpu_req_t *req)
{
    if (req->code == 0 || req->code > GPU_REQ_MAX) {
        return GPU_STATUS_UNSUPPORTED;
    }
    if (req->code != GPU_REQ_GET_DISPLAY_INFO && !cl->initialised) {
        return GPU_STATUS_NOT_READY;
    }
    return ops[req->code].check(virt, cl, req);
}

static void request_forward(gpu_virt_t *virt, gpu_virt_client_t *cl, uint32_t client, const gpu_req_t *req)
{
    gpu_virt_inflight_t *e = inflight_alloc(virt, GPU_VIRT_ORIGIN_CLIENT, client);
    e->epoch = cl->epoch;
    e->req = *req;
    ops[req->code].forward(virt, cl, e, driver_reserve(virt, e, req->code));
    driver_submit(virt);
    cl->inflight++;
}

static void complete_client(gpu_virt_t *virt, gpu_virt_inflight_t *e, uint32_t status)
{
    gpu_virt_client_t *cl = &virt->clients[e->client];
    if (ops[e->req.code].complete != NULL) {
        ops[e->req.code].complete(virt, cl, e, status);
    }
    cl->inflight--;
    if (e->epoch == cl->epoch) {
        client_respond(virt, cl, e->req.code, e->req.id, status);
    }
}

/* ---- display info ---- */

/* What client `cl` sees: its scanouts only, renumbered from 0; blob passed on. */
static void view_build(const gpu_virt_t *virt, const gpu_virt_client_t *cl, gpu_display_info_t *view)
{
    memset(view, 0, sizeof(*view));
    view->num_scanouts = cl->cfg->num_scanouts;
    view->features = virt->display.features & GPU_FEATURE_BLOB;
    view->device_epoch = virt->display.device_epoch;
    for (uint32_t i = 0; i < cl->cfg->num_scanouts; i++) {
        uint32_t ds = cl->cfg->scanouts[i];
        if (ds < virt->display.num_scanouts) {
            view->scanouts[i] = virt->display.scanouts[ds];
        }
    }
}

/*
 * New display info from the driver: refresh every view, raise the event for
 * each client whose view changed. The first fill raises it only for clients
 * that were refused while there was none (the others have not seen a view).
 */
static void display_update(gpu_virt_t *virt, const gpu_display_info_t *info)
{
    bool had_info = virt->display_valid;
    if (had_info && info->device_epoch != virt->display.device_epoch) {
        LOG_WARN("the device was reset (epoch %u -> %u): every client's resources are gone\n",
                 virt->display.device_epoch, info->device_epoch);
        virt->device_lost = 1; /* events follow once the bookkeeping is reset (device_forget) */
    }
    virt->display = *info;
    virt->display_valid = 1;
    virt->display_failed = 0;
    virt->display_retries = GPU_VIRT_DISPLAY_RETRIES;
    for (uint32_t i = 0; i < virt->num_clients; i++) {
        gpu_virt_client_t *cl = &virt->clients[i];
        gpu_display_info_t view;
        view_build(virt, cl, &view);
        bool changed = memcmp(&view, &cl->view, sizeof(view)) != 0;
        cl->view = view;
        if (((had_info && changed) || cl->display_refused) && !virt->device_lost) {
            cl->display_refused = 0;
            gpu_event_raise(&cl->info->event);
            virt->pending_events |= 1u << i;
        }
    }
}

static void display_done(gpu_virt_t *virt, uint32_t status)
{
    virt->display_inflight = 0;
    if (status == GPU_STATUS_OK) {
        gpu_display_info_t info;
        memcpy(&info, &virt->drv_info->display, sizeof(info)); /* read once */
        if (info.num_scanouts <= GPU_MAX_SCANOUTS) {
            display_update(virt, &info);
            return;
        }
        LOG_WARN("driver reported %u scanouts; ignored\n", info.num_scanouts);
    }
    if (virt->display_retries > 0) {
        virt->display_retries--;
        virt->display_wanted = 1;
        return;
    }
    LOG_ERR("display info query failed (status %u); giving up until the next display event\n", status);
    virt->display_failed = !virt->display_valid;
}

/* Send the wanted display query if there is room. */
static bool display_pump(gpu_virt_t *virt)
{
    if (!virt->display_wanted || virt->display_inflight || !driver_room(virt)) {
        return false;
    }
    gpu_virt_inflight_t *e = inflight_alloc(virt, GPU_VIRT_ORIGIN_DISPLAY, 0);
    memset(&e->req, 0, sizeof(e->req));
    e->req.code = GPU_REQ_GET_DISPLAY_INFO;
    driver_reserve(virt, e, GPU_REQ_GET_DISPLAY_INFO);
    driver_submit(virt);
    virt->display_wanted = 0;
    virt->display_inflight = 1;
    return true;
}

/* ---- device loss ---- */

/*
 * While display info is being refreshed it may bring a new device_epoch (the
 * driver reset the device), and while a loss is being handled the device
 * holds nothing of ours: device-bound requests wait for both, so that none
 * is made against bookkeeping the device no longer matches.
 */
static bool device_barrier(const gpu_virt_t *virt)
{
    return virt->display_wanted || virt->display_inflight || virt->device_lost;
}

/* Every client's resources, ids, memory and scanouts are gone with the device: start afresh. */
static void client_forget(gpu_virt_t *virt, gpu_virt_client_t *cl, uint32_t i)
{
    memset(cl->res, 0, sizeof(cl->res));
    cl->devids = 0;
    cl->memory = 0;
    cl->initialised = 0; /* its next request must be GET_DISPLAY_INFO, which shows the new epoch */
    cl->display_refused = 0;
    gpu_event_raise(&cl->info->event);
    virt->pending_events |= 1u << i;
}

/*
 * Once the loss is known and nothing is at the driver any more (every answer
 * still due has come back, DEVICE_ERROR for what the reset cut short), the
 * bookkeeping is reset to match the fresh device and every client is told.
 */
static bool device_forget(gpu_virt_t *virt)
{
    if (!virt->device_lost || virt->inflight_count != 0) {
        return false;
    }
    devids_reset(virt);
    for (uint32_t s = 0; s < GPU_MAX_SCANOUTS; s++) {
        virt->scanouts[s].resource_id = 0;
        virt->scanouts[s].busy = 0;
    }
    for (uint32_t i = 0; i < virt->num_clients; i++) {
        client_forget(virt, &virt->clients[i], i);
    }
    virt->device_lost = 0;
    virt->device_losses++;
    return true;
}

/* ---- client release ---- */

static bool release_scanouts(gpu_virt_t *virt, gpu_virt_client_t *cl, uint32_t client, bool round_robin)
{
    for (; cl->release_cursor < cl->cfg->num_scanouts; cl->release_cursor++) {
        uint32_t ds = cl->cfg->scanouts[cl->release_cursor];
        if (ds >= virt->display.num_scanouts) {
            continue;
        }
        if (virt->scanouts[ds].busy || !driver_turn(virt, client, round_robin)) {
            return false;
        }
        gpu_virt_inflight_t *e = inflight_alloc(virt, GPU_VIRT_ORIGIN_RELEASE, client);
        memset(&e->req, 0, sizeof(e->req));
        e->req.code = GPU_REQ_SET_SCANOUT;
        e->scanout = (uint8_t)ds;
        driver_reserve(virt, e, GPU_REQ_SET_SCANOUT)->set_scanout.scanout_id = ds;
        driver_submit(virt);
        virt->scanouts[ds].busy = 1;
        cl->release_inflight++;
    }
    cl->release_phase = GPU_VIRT_RELEASE_RES;
    cl->release_cursor = 0;
    return true;
}

static bool release_resources(gpu_virt_t *virt, gpu_virt_client_t *cl, uint32_t client, bool round_robin)
{
    for (; cl->release_cursor < cl->cfg->max_resources; cl->release_cursor++) {
        gpu_virt_resource_t *r = &cl->res[cl->release_cursor];
        if (r->state != GPU_VIRT_RES_LIVE) {
            continue;
        }
        if (!driver_turn(virt, client, round_robin)) {
            return false;
        }
        gpu_virt_inflight_t *e = inflight_alloc(virt, GPU_VIRT_ORIGIN_RELEASE, client);
        memset(&e->req, 0, sizeof(e->req));
        e->req.code = GPU_REQ_RESOURCE_UNREF;
        e->req.unref.resource_id = cl->release_cursor + 1;
        driver_reserve(virt, e, GPU_REQ_RESOURCE_UNREF)->unref.resource_id = r->device_id;
        driver_submit(virt);
        r->busy = 1;
        cl->release_inflight++;
    }
    cl->release_phase = GPU_VIRT_RELEASE_WAIT;
    return true;
}

/* One step of a release; returns true if it moved. `round_robin` as for client_step(). */
static bool release_step(gpu_virt_t *virt, gpu_virt_client_t *cl, uint32_t client, bool round_robin)
{
    switch (cl->release_phase) {
    case GPU_VIRT_RELEASE_DRAIN:
        if (cl->inflight != 0) {
            return false;
        }
        cl->release_phase = GPU_VIRT_RELEASE_SCAN;
        cl->release_cursor = 0;
        return true;
    case GPU_VIRT_RELEASE_SCAN:
        return release_scanouts(virt, cl, client, round_robin);
    case GPU_VIRT_RELEASE_RES:
        return release_resources(virt, cl, client, round_robin);
    default:
        if (cl->release_inflight != 0) {
            return false;
        }
        cl->release_phase = GPU_VIRT_RELEASE_NONE;
        virt->pending_released |= 1u << client;
        return true;
    }
}

/* A release request came back. The client is gone, so its resources go whatever the answer. */
static void release_done(gpu_virt_t *virt, gpu_virt_inflight_t *e, uint32_t status)
{
    gpu_virt_client_t *cl = &virt->clients[e->client];
    cl->release_inflight--;
    if (e->req.code == GPU_REQ_SET_SCANOUT) {
        virt->scanouts[e->scanout].busy = 0;
        if (status == GPU_STATUS_OK) {
            cl->released_scanouts++;
            scanout_show(virt, cl, e->scanout, GPU_RESOURCE_ID_NONE);
        } else {
            LOG_WARN("release: disabling scanout %u failed (status %u)\n", e->scanout, status);
        }
        return;
    }
    gpu_virt_resource_t *r = res_checked(cl, e->req.unref.resource_id);
    r->busy = 0;
    cl->released_resources++;
    if (status == GPU_STATUS_OK) {
        devid_release(virt, cl, r->device_id);
        memory_refund(cl, r);
    } else {
        devid_retire(virt, r->device_id, "release: unref", status);
    }
    res_forget(virt, r);
}

/* ---- driver responses ---- */

static uint32_t response_status(const gpu_virt_inflight_t *e, const gpu_resp_t *resp)
{
    if (resp->code != e->req.code) {
        LOG_WARN("driver answered id %u with code %u, expected %u\n", resp->id, resp->code, e->req.code);
        return GPU_STATUS_DEVICE_ERROR;
    }
    return resp->status > GPU_STATUS_MAX ? GPU_STATUS_DEVICE_ERROR : resp->status;
}

static void driver_complete(gpu_virt_t *virt, const gpu_resp_t *resp)
{
    gpu_virt_inflight_t *e = inflight_find(virt, resp->id);
    if (e == NULL) {
        LOG_WARN("driver response with unknown id %u dropped\n", resp->id);
        return;
    }
    uint32_t status = response_status(e, resp);
    switch (e->origin) {
    case GPU_VIRT_ORIGIN_CLIENT:
        complete_client(virt, e, status);
        break;
    case GPU_VIRT_ORIGIN_DISPLAY:
        display_done(virt, status);
        break;
    default:
        release_done(virt, e, status);
        break;
    }
    inflight_release(virt, e);
}

/* Take every response the driver has; returns true if there was any. */
static bool driver_drain(gpu_virt_t *virt)
{
    gpu_resp_t batch[GPU_VIRT_BATCH];
    bool any = false;
    for (;;) {
        uint32_t n;
        while ((n = gpu_resp_dequeue_batch(&virt->drv_resp, batch, GPU_VIRT_BATCH)) != 0) {
            virt->drv_resp_released = 1;
            any = true;
            for (uint32_t i = 0; i < n; i++) {
                driver_complete(virt, &batch[i]);
            }
        }
        if (gpu_queue_consumer_arm(&virt->drv_resp)) {
            return any;
        }
    }
}

/* ---- taking client requests ---- */

/*
 * Room in the response queue for one more answer beyond those owed? When
 * there is none and nothing is owed, ask the client to signal when it frees
 * a slot (once: resp_armed stays set until the client notifies us).
 */
static bool client_answer_room(gpu_virt_client_t *cl)
{
    if (gpu_queue_cached_space(&cl->resp) > cl->owed || gpu_queue_space(&cl->resp) > cl->owed) {
        return true;
    }
    if (cl->owed != 0 || cl->resp_armed) {
        return false; /* answers at the driver will be written first, or a signal is due */
    }
    if (gpu_queue_producer_arm(&cl->resp)) {
        cl->resp_armed = 1;
        return false;
    }
    return gpu_queue_space(&cl->resp) > cl->owed;
}

/*
 * Copy the client's next request out (read once) if its answer will have
 * room. When the queue is empty, ask the client to signal its next request
 * (once: req_armed stays set until it notifies us).
 */
static bool client_take(gpu_virt_t *virt, gpu_virt_client_t *cl)
{
    if (!client_answer_room(cl)) {
        return false;
    }
    if (!gpu_req_dequeue(&cl->req, &cl->held)) {
        if (cl->req_armed) {
            return false;
        }
        if (gpu_queue_consumer_arm(&cl->req)) {
            cl->req_armed = 1;
            return false;
        }
        if (!gpu_req_dequeue(&cl->req, &cl->held)) {
            return false;
        }
    }
    cl->has_held = 1;
    cl->owed++;
    cl->req_released = 1;
    virt->dirty |= 1u << cl->index;
    return true;
}

/*
 * Handle one request of client `client`; returns true if one was answered or
 * forwarded. `round_robin`: called in a fair turn (virt_run), not for the
 * client's own notification.
 */
static bool client_step(gpu_virt_t *virt, uint32_t client, bool round_robin)
{
    gpu_virt_client_t *cl = &virt->clients[client];
    virt->drv_waiting &= ~(1u << client); /* set again below if it still needs driver room */
    if (cl->release_phase != GPU_VIRT_RELEASE_NONE) {
        return !device_barrier(virt) && release_step(virt, cl, client, round_robin);
    }
    if (!cl->has_held && !client_take(virt, cl)) {
        return false;
    }
    uint32_t verdict = request_check(virt, cl, &cl->held);
    if (verdict == VERDICT_FORWARD && device_barrier(virt)) {
        return false; /* display info is being refreshed: it may say the device was reset */
    }
    if (verdict == VERDICT_FORWARD) {
        if (!driver_turn(virt, client, round_robin)) {
            return false;
        }
        request_forward(virt, cl, client, &cl->held);
    } else if (verdict == VERDICT_WAIT) {
        return false; /* for its own answers */
    } else {
        client_respond(virt, cl, cl->held.code, cl->held.id, verdict);
    }
    cl->has_held = 0;
    return true;
}

/* ---- the event loop ---- */

static void notify_collect(gpu_virt_t *virt, gpu_virt_notify_t *notify)
{
    if (virt->drv_req_published) {
        gpu_queue_producer_flush(&virt->drv_req);
    }
    if (virt->drv_req_published && gpu_queue_producer_must_signal(&virt->drv_req)) {
        notify->driver = true;
    }
    if (virt->drv_resp_released && gpu_queue_consumer_must_signal(&virt->drv_resp)) {
        notify->driver = true;
    }
    virt->drv_req_published = 0;
    virt->drv_resp_released = 0;
    for (uint32_t m = virt->dirty; m != 0; m &= m - 1) {
        uint32_t i = (uint32_t)__builtin_ctz(m);
        gpu_virt_client_t *cl = &virt->clients[i];
        if (cl->resp_published) {
            gpu_queue_producer_flush(&cl->resp);
        }
        bool signal = cl->resp_published && gpu_queue_producer_must_signal(&cl->resp);
        signal = (cl->req_released && gpu_queue_consumer_must_signal(&cl->req)) || signal;
        if (signal) {
            notify->clients |= 1u << i;
        }
        cl->resp_published = 0;
        cl->req_released = 0;
    }
    virt->dirty = 0;
    notify->clients |= virt->pending_events;
    notify->released |= virt->pending_released;
    virt->pending_events = 0;
    virt->pending_released = 0;
}

/*
 * A client with nothing held that we asked for a signal (its request queue
 * was empty, or its response queue full with nothing owed) has nothing for
 * us until it notifies; gpu_virt_handle_client() serves it then.
 */
static bool client_idle(const gpu_virt_client_t *cl)
{
    return !cl->has_held && (cl->req_armed || cl->resp_armed) && cl->release_phase == GPU_VIRT_RELEASE_NONE;
}

/*
 * One turn of every client, a batch each, starting with the one after the
 * last client that sent the driver a request (so room is shared in turn).
 */
static bool clients_round(gpu_virt_t *virt)
{
    bool progress = false;
    uint32_t start = virt->next_client;
    for (uint32_t i = 0; i < virt->num_clients; i++) {
        uint32_t client = (start + i) % virt->num_clients;
        for (uint32_t k = 0;
             k < GPU_VIRT_BATCH && !client_idle(&virt->clients[client]) && client_step(virt, client, true); k++) {
            progress = true;
        }
    }
    return progress;
}

/* Work until nothing moves: driver answers first, then every client in turn. */
static void virt_run(gpu_virt_t *virt, gpu_virt_notify_t *notify)
{
    bool progress;
    do {
        progress = driver_drain(virt);
        progress = display_pump(virt) || progress;
        progress = device_forget(virt) || progress;
        progress = clients_round(virt) || progress;
    } while (progress);
    notify_collect(virt, notify);
}

/* ---- entry points ---- */

static int config_check_client(const gpu_virt_client_config_t *c, uint8_t *owned)
{
    if (c->conn.req_queue == 0 || c->conn.resp_queue == 0 || c->conn.info == 0 ||
        !gpu_queue_capacity_valid(c->conn.req_capacity) || !gpu_queue_capacity_valid(c->conn.resp_capacity)) {
        return GPU_VIRT_ERR_QUEUE;
    }
    if (c->max_resources == 0 || c->max_resources > GPU_VIRT_MAX_RESOURCES_PER_CLIENT) {
        return GPU_VIRT_ERR_RESOURCES;
    }
    if (c->data_io_base + c->data_size < c->data_io_base) {
        return GPU_VIRT_ERR_DATA;
    }
    if (c->num_scanouts > GPU_MAX_SCANOUTS) {
        return GPU_VIRT_ERR_SCANOUTS;
    }
    for (uint32_t i = 0; i < c->num_scanouts; i++) {
        if (c->scanouts[i] >= GPU_MAX_SCANOUTS || owned[c->scanouts[i]]) {
            return GPU_VIRT_ERR_SCANOUTS; /* absent, or owned twice */
        }
        owned[c->scanouts[i]] = 1;
    }
    return GPU_VIRT_OK;
}

/* Data windows of different clients must not overlap in IO space: that is what keeps their memory apart. */
static bool config_windows_disjoint(const gpu_virt_config_t *cfg)
{
    for (uint32_t i = 0; i < cfg->num_clients; i++) {
        const gpu_virt_client_config_t *a = &cfg->clients[i];
        for (uint32_t j = i + 1; j < cfg->num_clients; j++) {
            const gpu_virt_client_config_t *b = &cfg->clients[j];
            bool apart = a->data_io_base + a->data_size <= b->data_io_base ||
                         b->data_io_base + b->data_size <= a->data_io_base;
            if (a->data_size != 0 && b->data_size != 0 && !apart) {
                return false;
            }
        }
    }
    return true;
}

/* The memory budgets together fit the device's memory, so no client's use can make another's create fail. */
static bool config_budgets_fit(const gpu_virt_config_t *cfg)
{
    uint64_t left = cfg->device_memory;
    for (uint32_t i = 0; i < cfg->num_clients; i++) {
        if (cfg->clients[i].max_memory > left) {
            return false;
        }
        left -= cfg->clients[i].max_memory;
    }
    return true;
}

static int config_check(const gpu_virt_config_t *cfg)
{
    if (cfg->magic != GPU_VIRT_CONFIG_MAGIC) {
        return GPU_VIRT_ERR_MAGIC;
    }
    if (cfg->version != GPU_VIRT_CONFIG_VERSION) {
        return GPU_VIRT_ERR_VERSION;
    }
    if (cfg->num_clients == 0 || cfg->num_clients > GPU_VIRT_MAX_CLIENTS) {
        return GPU_VIRT_ERR_CLIENTS;
    }
    if (cfg->driver.req_queue == 0 || cfg->driver.resp_queue == 0 || cfg->driver.info == 0 ||
        !gpu_queue_capacity_valid(cfg->driver.req_capacity) || !gpu_queue_capacity_valid(cfg->driver.resp_capacity)) {
        return GPU_VIRT_ERR_QUEUE;
    }
    uint8_t owned[GPU_MAX_SCANOUTS] = {0};
    uint64_t quota = 0;
    for (uint32_t i = 0; i < cfg->num_clients; i++) {
        int err = config_check_client(&cfg->clients[i], owned);
        if (err != GPU_VIRT_OK) {
            return err;
        }
        quota += cfg->clients[i].max_resources;
    }
    if (!config_windows_disjoint(cfg)) {
        return GPU_VIRT_ERR_DATA;
    }
    if (!config_budgets_fit(cfg)) {
        return GPU_VIRT_ERR_MEMORY;
    }
    /* Quotas must fit the device-id space, so no client can starve another of ids. */
    return quota <= GPU_VIRT_MAX_DEVICE_RESOURCES ? GPU_VIRT_OK : GPU_VIRT_ERR_RESOURCES;
}

static void state_init(gpu_virt_t *virt, const gpu_virt_config_t *cfg)
{
    virt->cfg = cfg;
    virt->num_clients = cfg->num_clients;
    for (uint32_t i = 0; i < GPU_VIRT_MAX_INFLIGHT; i++) {
        virt->inflight[i].driver_id = i;
        virt->inflight[i].next_free = i + 1;
    }
    devids_reset(virt);
    for (uint32_t s = 0; s < GPU_MAX_SCANOUTS; s++) {
        virt->scanouts[s].owner = GPU_VIRT_NO_OWNER;
    }
    virt->display_wanted = 1;
    virt->display_retries = GPU_VIRT_DISPLAY_RETRIES;
}

int gpu_virt_init(gpu_virt_t *virt, const gpu_virt_config_t *cfg, gpu_virt_notify_t *notify)
{
    memset(virt, 0, sizeof(*virt));
    int err = config_check(cfg);
    if (err != GPU_VIRT_OK) {
        return err;
    }
    state_init(virt, cfg);
    gpu_queue_init(&virt->drv_req, (void *)(uintptr_t)cfg->driver.req_queue, cfg->driver.req_capacity, true);
    gpu_queue_init(&virt->drv_resp, (void *)(uintptr_t)cfg->driver.resp_queue, cfg->driver.resp_capacity, false);
    virt->drv_info = (gpu_info_region_t *)(uintptr_t)cfg->driver.info;
    for (uint32_t i = 0; i < cfg->num_clients; i++) {
        const gpu_virt_client_config_t *c = &cfg->clients[i];
        gpu_virt_client_t *cl = &virt->clients[i];
        cl->cfg = c;
        cl->index = (uint8_t)i;
        gpu_queue_init(&cl->req, (void *)(uintptr_t)c->conn.req_queue, c->conn.req_capacity, false);
        gpu_queue_init(&cl->resp, (void *)(uintptr_t)c->conn.resp_queue, c->conn.resp_capacity, true);
        cl->info = (gpu_info_region_t *)(uintptr_t)c->conn.info;
        for (uint32_t s = 0; s < c->num_scanouts; s++) {
            virt->scanouts[c->scanouts[s]].owner = (uint8_t)i;
        }
    }
    virt_run(virt, notify);
    return GPU_VIRT_OK;
}

void gpu_virt_handle_client(gpu_virt_t *virt, uint32_t client, gpu_virt_notify_t *notify)
{
    if (client >= virt->num_clients) {
        LOG_WARN("notification for unknown client %u\n", client);
        return;
    }
    virt->clients[client].req_armed = 0;
    virt->clients[client].resp_armed = 0;
    /*
     * Only this client can have changed. It takes no driver room another
     * client waits for (driver_turn): room comes back with a driver
     * notification, and handle_driver shares it out round-robin.
     */
    while (client_step(virt, client, false)) {
    }
    notify_collect(virt, notify);
}

void gpu_virt_handle_driver(gpu_virt_t *virt, gpu_virt_notify_t *notify)
{
    if (gpu_event_take(&virt->drv_info->event, NULL)) {
        virt->display_wanted = 1;
        virt->display_retries = GPU_VIRT_DISPLAY_RETRIES;
        virt->display_failed = 0;
    }
    virt_run(virt, notify);
}

bool gpu_virt_release_client(gpu_virt_t *virt, uint32_t client, gpu_virt_notify_t *notify)
{
    if (client >= virt->num_clients) {
        LOG_WARN("release of unknown client %u\n", client);
        return false;
    }
    gpu_virt_client_t *cl = &virt->clients[client];
    if (cl->release_phase == GPU_VIRT_RELEASE_NONE) {
        /* What the old client enqueued and we never took is dropped too: a restarted client reuses ids. */
        gpu_queue_consumer_release(&cl->req, gpu_queue_length(&cl->req));
        cl->epoch++; /* answers still due to the old client are dropped */
        cl->owed = 0;
        cl->has_held = 0;
        cl->initialised = 0;
        cl->released_scanouts = 0;
        cl->released_resources = 0;
        cl->release_phase = GPU_VIRT_RELEASE_DRAIN;
        virt->drv_waiting &= ~(1u << client);
    }
    virt_run(virt, notify);
    return true;
}

int gpu_virt_driver_request_client(const gpu_virt_t *virt, uint32_t driver_id)
{
    const gpu_virt_inflight_t *e = &virt->inflight[driver_id & (GPU_VIRT_MAX_INFLIGHT - 1)];
    if (e->driver_id != driver_id || (e->origin != GPU_VIRT_ORIGIN_CLIENT && e->origin != GPU_VIRT_ORIGIN_RELEASE)) {
        return -1;
    }
    return e->client;
}
