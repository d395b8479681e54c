/*
 * Driver core, part 1: configuration check, DMA layout and device
 * initialisation (virtio 1.2 section 3.1.1). Every failure is logged with its
 * reason and leaves the device reset.
 */
#include "gpu_driver_internal.h"

#include <stddef.h>
#include <string.h>

#include <virtio/virtio_gpu.h>
#include <virtio/virtio_mmio.h>

#define SDDF_LOG_COMPONENT "GPU_DRV"
#include <sddf/log.h>

/* Features taken when offered; VERSION_1 is also required. */
#define WANTED_FEATURES                                                                                                \
    (VIRTIO_FEATURE_BIT(VIRTIO_F_VERSION_1) | VIRTIO_FEATURE_BIT(VIRTIO_F_ACCESS_PLATFORM) |                           \
     VIRTIO_FEATURE_BIT(VIRTIO_GPU_F_RESOURCE_BLOB) | VIRTIO_FEATURE_BIT(VIRTIO_GPU_F_EDID))

static uint64_t align_up(uint64_t v, uint64_t a)
{
    return (v + a - 1) & ~(a - 1);
}

static bool power_of_two(uint32_t v)
{
    return v != 0 && (v & (v - 1)) == 0;
}

static const virtio_transport_ops_t *ops(const gpu_driver_t *drv)
{
    return drv->cfg.transport->ops;
}

static void *tctx(const gpu_driver_t *drv)
{
    return drv->cfg.transport->ctx;
}

/*
 * Byte offsets of the DMA layout: control queue, cursor queue, command
 * slots, then (where the region has room) one EDID answer buffer per
 * possible scanout.
 */
typedef struct dma_layout {
    uint64_t cursor_off;
    uint64_t slots_off;
    uint64_t edid_off;
    uint64_t end;      /* without the EDID buffers */
    uint64_t edid_end; /* with them */
} dma_layout_t;

static dma_layout_t dma_layout(uint32_t queue_size, uint32_t num_slots)
{
    dma_layout_t l;
    l.cursor_off = align_up(virtq_mem_bytes((uint16_t)queue_size), 64);
    l.slots_off = align_up(l.cursor_off + virtq_mem_bytes(GPU_DRIVER_CURSOR_QUEUE_SIZE), 64);
    l.end = l.slots_off + (uint64_t)num_slots * GPU_DRIVER_SLOT_BYTES;
    l.edid_off = l.end;
    l.edid_end = l.edid_off + (uint64_t)GPU_MAX_SCANOUTS * GPU_DRIVER_EDID_BYTES;
    return l;
}

static const char *config_problem(const gpu_driver_config_t *cfg, uint32_t queue_size)
{
    if (cfg->transport != NULL && cfg->transport->ops == NULL) {
        return "transport without operations";
    }
    if (cfg->req_queue == NULL || cfg->resp_queue == NULL || cfg->info == NULL || cfg->dma_vaddr == NULL) {
        return "a region is missing";
    }
    if (!gpu_queue_capacity_valid(cfg->req_capacity) || !gpu_queue_capacity_valid(cfg->resp_capacity)) {
        return "queue capacity is not a power of two";
    }
    if (!power_of_two(queue_size) || queue_size < 2 || queue_size > VIRTQ_DRIVER_MAX_SIZE) {
        return "virtqueue size must be a power of two in 2..256";
    }
    if (cfg->dma_io % VIRTQ_DESC_ALIGN != 0 || (uintptr_t)cfg->dma_vaddr % VIRTQ_DESC_ALIGN != 0) {
        return "DMA region is not 16-byte aligned";
    }
    if (dma_layout(queue_size, 1).end > cfg->dma_size) {
        return "DMA region too small for the rings and one command";
    }
    return NULL;
}

/* The EDID buffers follow the slots if the region holds them (see slots_that_fit). */
static void edid_buffers(gpu_driver_t *drv, const dma_layout_t *l)
{
    bool room = l->edid_end <= drv->cfg.dma_size;
    drv->edid_io = room ? drv->cfg.dma_io + l->edid_off : 0;
    drv->edid_mem = room ? (uint8_t *)drv->cfg.dma_vaddr + l->edid_off : NULL;
    if (!room && (drv->features & VIRTIO_FEATURE_BIT(VIRTIO_GPU_F_EDID)) != 0) {
        LOG_WARN("DMA region has no room for EDID answers (%u bytes more needed): EDID not fetched\n",
                 (unsigned)(l->edid_end - l->end));
    }
}

/* The most slots (at least 1) whose layout ends within the region, with or without the EDID buffers. */
static uint32_t slots_within(const gpu_driver_config_t *cfg, uint32_t queue_size, uint32_t n, bool edid)
{
    while (n > 1 && (edid ? dma_layout(queue_size, n).edid_end : dma_layout(queue_size, n).end) > cfg->dma_size) {
        n--;
    }
    return n;
}

/*
 * Command slots: one per two descriptors, as many as fit, at most
 * GPU_DRIVER_MAX_SLOTS. The EDID buffers take room from them only while at
 * least half of the slots remain; in a smaller region EDID goes unfetched.
 */
static uint32_t slots_that_fit(const gpu_driver_config_t *cfg, uint32_t queue_size)
{
    uint32_t n = queue_size / 2 < GPU_DRIVER_MAX_SLOTS ? queue_size / 2 : GPU_DRIVER_MAX_SLOTS;
    uint32_t plain = slots_within(cfg, queue_size, n, false);
    uint32_t with_edid = slots_within(cfg, queue_size, n, true);
    return with_edid >= (plain + 1) / 2 && dma_layout(queue_size, with_edid).edid_end <= cfg->dma_size ? with_edid
                                                                                                       : plain;
}

static bool reset_done(gpu_driver_t *drv)
{
    return ops(drv)->get_status(tctx(drv)) == 0;
}

/* The wait is bounded by time (GPU_DRIVER_RESET_TIMEOUT_NS), or by a number of reads when there is no clock. */
const char *gpu_driver_device_reset(gpu_driver_t *drv)
{
    const gpu_driver_clock_t *clock = &drv->cfg.clock;
    ops(drv)->set_status(tctx(drv), 0);
    if (clock->now_ns == NULL) {
        for (uint32_t i = 0; i < GPU_DRIVER_RESET_POLLS; i++) {
            if (reset_done(drv)) {
                return NULL;
            }
        }
        return "device status did not return to 0 after reset (1000 reads; no clock)";
    }
    uint64_t start = clock->now_ns(clock->ctx);
    do {
        if (reset_done(drv)) {
            return NULL;
        }
    } while (clock->now_ns(clock->ctx) - start < GPU_DRIVER_RESET_TIMEOUT_NS);
    return "device status did not return to 0 within 50 ms of reset";
}

/*
 * Initialisation went wrong: set FAILED without clearing any status bit the
 * device shows (virtio 1.2 section 2.1.2 forbids clearing bits; as Linux's
 * virtio_add_status), then reset the device so that it stops using our DMA
 * region.
 */
void gpu_driver_give_up(gpu_driver_t *drv)
{
    uint32_t status = ops(drv)->get_status(tctx(drv));
    ops(drv)->set_status(tctx(drv), status | VIRTIO_STATUS_FAILED);
    if (gpu_driver_device_reset(drv) != NULL) {
        LOG_ERR("device did not reset after FAILED either; it may still write to the DMA region\n");
    }
}

static const char *negotiate_features(gpu_driver_t *drv)
{
    uint64_t offered = ops(drv)->get_device_features(tctx(drv));
    if ((offered & VIRTIO_FEATURE_BIT(VIRTIO_F_VERSION_1)) == 0) {
        return "device does not offer VIRTIO_F_VERSION_1 (legacy devices are not supported)";
    }
    drv->features = offered & WANTED_FEATURES;
    ops(drv)->set_driver_features(tctx(drv), drv->features);
    uint32_t status = VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK;
    ops(drv)->set_status(tctx(drv), status);
    if ((ops(drv)->get_status(tctx(drv)) & VIRTIO_STATUS_FEATURES_OK) == 0) {
        return "device did not accept our features (FEATURES_OK cleared)";
    }
    return NULL;
}

/* Largest power of two <= both `wanted` and the device's QueueNumMax, or 0. */
static uint32_t queue_size_for(gpu_driver_t *drv, uint32_t queue, uint32_t wanted)
{
    uint32_t max = ops(drv)->queue_max_size(tctx(drv), queue);
    uint32_t size = wanted;
    while (size > max) {
        size /= 2;
    }
    return size;
}

static const char *setup_queue(gpu_driver_t *drv, virtq_t *q, uint32_t queue, uint32_t wanted, uint64_t off)
{
    uint32_t size = queue_size_for(drv, queue, wanted);
    if (size < 2) {
        return queue == VIRTIO_GPU_QUEUE_CONTROL ? "control queue absent, live or smaller than 2"
                                                 : "cursor queue absent, live or smaller than 2";
    }
    virtq_init(q, (uint16_t)size, (uint8_t *)drv->cfg.dma_vaddr + off, drv->cfg.dma_io + off);
    ops(drv)->queue_enable(tctx(drv), queue, size, q->desc_io, q->avail_io, q->used_io);
    return NULL;
}

static void setup_slots(gpu_driver_t *drv, uint64_t off, uint32_t wanted)
{
    uint32_t by_queue = drv->ctrl.size / 2;
    drv->num_slots = wanted < by_queue ? wanted : by_queue;
    drv->slot_mem = (uint8_t *)drv->cfg.dma_vaddr + off;
    drv->slot_io = drv->cfg.dma_io + off;
    for (uint32_t i = 0; i < drv->num_slots; i++) {
        drv->free_slots[i] = (uint16_t)(drv->num_slots - 1 - i);
    }
    drv->num_free_slots = drv->num_slots;
}

uint32_t gpu_driver_read_num_scanouts(gpu_driver_t *drv)
{
    uint32_t n = ops(drv)->config_read32(tctx(drv), offsetof(virtio_gpu_config_t, num_scanouts));
    if (n == 0 || n > GPU_MAX_SCANOUTS) {
        LOG_WARN("device reports %u scanouts; using %u\n", (unsigned)n, n == 0 ? 0u : (unsigned)GPU_MAX_SCANOUTS);
        n = n == 0 ? 0 : GPU_MAX_SCANOUTS;
    }
    return n;
}

const char *gpu_driver_device_start(gpu_driver_t *drv)
{
    uint32_t queue_size = drv->queue_size;
    const char *why = gpu_driver_device_reset(drv);
    if (why != NULL) {
        return why;
    }
    ops(drv)->set_status(tctx(drv), VIRTIO_STATUS_ACKNOWLEDGE);
    ops(drv)->set_status(tctx(drv), VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
    why = negotiate_features(drv);
    if (why != NULL) {
        return why;
    }
    uint32_t slots = slots_that_fit(&drv->cfg, queue_size);
    dma_layout_t l = dma_layout(queue_size, slots);
    memset(drv->cfg.dma_vaddr, 0, l.end);
    edid_buffers(drv, &l);
    why = setup_queue(drv, &drv->ctrl, VIRTIO_GPU_QUEUE_CONTROL, queue_size, 0);
    if (why == NULL) {
        why = setup_queue(drv, &drv->cursor, VIRTIO_GPU_QUEUE_CURSOR, GPU_DRIVER_CURSOR_QUEUE_SIZE, l.cursor_off);
    }
    if (why != NULL) {
        return why;
    }
    setup_slots(drv, l.slots_off, slots);
    drv->display_known = false; /* a fresh device: GET_DISPLAY_INFO first (gpu_driver.c) */
    drv->info_in_flight = 0;
    gpu_driver_cursor_reset(drv);
    drv->num_scanouts = gpu_driver_read_num_scanouts(drv);
    gpu_driver_edid_reset(drv);
    ops(drv)->set_status(tctx(drv), VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK |
                                            VIRTIO_STATUS_DRIVER_OK);
    uint32_t status = ops(drv)->get_status(tctx(drv));
    if ((status & (VIRTIO_STATUS_DEVICE_NEEDS_RESET | VIRTIO_STATUS_FAILED)) != 0 ||
        (status & VIRTIO_STATUS_DRIVER_OK) == 0) {
        return "device did not go live after DRIVER_OK";
    }
    return NULL;
}

static bool attach_queues(gpu_driver_t *drv)
{
    return gpu_queue_init(&drv->req_q, drv->cfg.req_queue, drv->cfg.req_capacity, false) &&
           gpu_queue_init(&drv->resp_q, drv->cfg.resp_queue, drv->cfg.resp_capacity, true);
}

gpu_driver_init_result_t gpu_driver_init(gpu_driver_t *drv, const gpu_driver_config_t *cfg)
{
    memset(drv, 0, sizeof(*drv));
    drv->cfg = *cfg;
    drv->cfg.deadline_ticks = cfg->deadline_ticks != 0 ? cfg->deadline_ticks : GPU_DRIVER_DEFAULT_DEADLINE_TICKS;
    drv->next_fence = 1;
    drv->queue_size = cfg->queue_size != 0 ? cfg->queue_size : GPU_DRIVER_DEFAULT_QUEUE_SIZE;
    const char *why = config_problem(cfg, drv->queue_size);
    if (why != NULL || !attach_queues(drv)) {
        LOG_ERR("bad configuration: %s\n", why != NULL ? why : "queue regions");
        return GPU_DRIVER_INIT_BAD_CONFIG;
    }
    if (cfg->transport == NULL) {
        LOG_ERR("no device (probe failed); requests get DEVICE_ERROR\n");
        return GPU_DRIVER_INIT_DEVICE_FAILED;
    }
    why = gpu_driver_device_start(drv);
    if (why != NULL) {
        LOG_ERR("device initialisation failed: %s; device left reset, requests get DEVICE_ERROR\n", why);
        gpu_driver_give_up(drv);
        drv->features = 0;
        return GPU_DRIVER_INIT_DEVICE_FAILED;
    }
    drv->ready = true;
    LOG_INFO("device live: %u scanouts, %u command slots, blob %s, EDID %s\n", (unsigned)drv->num_scanouts,
             (unsigned)drv->num_slots, (gpu_driver_features(drv) & GPU_FEATURE_BLOB) ? "yes" : "no",
             (gpu_driver_features(drv) & GPU_FEATURE_EDID) ? "yes" : "no");
    return GPU_DRIVER_INIT_OK;
}

uint32_t gpu_driver_features(const gpu_driver_t *drv)
{
    uint32_t f = 0;
    if (drv->ready && (drv->features & VIRTIO_FEATURE_BIT(VIRTIO_GPU_F_RESOURCE_BLOB)) != 0) {
        f |= GPU_FEATURE_BLOB;
    }
    if (drv->ready && (drv->features & VIRTIO_FEATURE_BIT(VIRTIO_GPU_F_EDID)) != 0) {
        f |= GPU_FEATURE_EDID;
    }
    return f;
}
