/*
 * In-process harness: driver core + virtio-mmio transport + device model.
 */
#include "vgpu_harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <virtio/virtio_mmio.h>

/* --- memory --- */

static bool in_range(uint64_t io, uint64_t len, uint64_t base, uint64_t size)
{
    return io >= base && io - base <= size && len <= size - (io - base);
}

static void *translate(void *ctx, uint64_t io, uint64_t len)
{
    vgpu_harness_t *h = ctx;
    if (in_range(io, len, VH_DMA_IO, h->opt.dma_size)) {
        return h->dma + (io - VH_DMA_IO);
    }
    if (in_range(io, len, VH_DATA_IO, h->opt.data_size)) {
        return h->data + (io - VH_DATA_IO);
    }
    return NULL;
}

void *vh_data(vgpu_harness_t *h, uint64_t io, uint64_t len)
{
    return in_range(io, len, VH_DATA_IO, h->opt.data_size) ? h->data + (io - VH_DATA_IO) : NULL;
}

/* --- register bus --- */

static uint32_t bus_read32(void *ctx, uint32_t offset)
{
    vgpu_harness_t *h = ctx;
    uint32_t value = vgpu_model_mmio_read(h->model, offset);
    return h->opt.read_filter != NULL ? h->opt.read_filter(h->opt.filter_ctx, offset, value) : value;
}

static void bus_write32(void *ctx, uint32_t offset, uint32_t value)
{
    vgpu_harness_t *h = ctx;
    if (h->opt.write_watch != NULL) {
        h->opt.write_watch(h->opt.filter_ctx, offset, value);
    }
    h->mmio_writes++;
    h->queue_notifies += offset == VIRTIO_MMIO_QUEUE_NOTIFY;
    vgpu_model_mmio_write(h->model, offset, value);
}

/* The driver's fake clock: time passes only when the driver looks at it. */
static uint64_t fake_clock_ns(void *ctx)
{
    vgpu_harness_t *h = ctx;
    h->clock_ns += h->opt.clock_step_ns != 0 ? h->opt.clock_step_ns : 1000000u;
    return h->clock_ns;
}

/* --- life cycle --- */

uint32_t vh_refuse_driver_ok(void *ctx, uint32_t offset, uint32_t value)
{
    const uint32_t *refusing = ctx;
    if (offset == VIRTIO_MMIO_STATUS && *refusing && (value & VIRTIO_STATUS_DRIVER_OK)) {
        return value | VIRTIO_STATUS_FAILED;
    }
    return value;
}

void vh_options_default(vh_options_t *opt)
{
    memset(opt, 0, sizeof(*opt));
    vgpu_model_config_default(&opt->model);
    opt->req_capacity = 1024;
    opt->resp_capacity = 1024;
    opt->dma_size = 1u << 20;
    opt->data_size = 16u << 20;
    opt->clock_step_ns = 1000000u;
    opt->ticked = true;
    opt->display_info_first = true;
}

static void *zalloc(size_t size)
{
    void *p = aligned_alloc(4096, (size + 4095) & ~(size_t)4095);
    if (p != NULL) {
        memset(p, 0, size);
    }
    return p;
}

static bool alloc_regions(vgpu_harness_t *h)
{
    h->dma = zalloc(h->opt.dma_size);
    h->data = zalloc(h->opt.data_size);
    h->req_region = zalloc(GPU_QUEUE_REGION_SIZE(h->opt.req_capacity, sizeof(gpu_req_t)));
    h->resp_region = zalloc(GPU_QUEUE_REGION_SIZE(h->opt.resp_capacity, sizeof(gpu_resp_t)));
    h->info = zalloc(sizeof(gpu_info_region_t));
    h->drv = zalloc(sizeof(gpu_driver_t));
    return h->dma && h->data && h->req_region && h->resp_region && h->info && h->drv;
}

static void start_driver(vgpu_harness_t *h)
{
    virtio_mmio_bus_t bus = {.read32 = bus_read32, .write32 = bus_write32, .ctx = h};
    bool probed = virtio_mmio_probe(&h->mmio, &bus, VIRTIO_ID_GPU);
    gpu_driver_config_t cfg = {
            .transport = probed ? &h->mmio.transport : NULL,
            .req_queue = h->req_region,
            .req_capacity = h->opt.req_capacity,
            .resp_queue = h->resp_region,
            .resp_capacity = h->opt.resp_capacity,
            .info = h->info,
            .dma_vaddr = h->dma,
            .dma_io = VH_DMA_IO,
            .dma_size = h->opt.dma_size,
            .queue_size = h->opt.queue_size,
            .clock = {.now_ns = fake_clock_ns, .ctx = h},
            .ticked = h->opt.ticked,
            .deadline_ticks = h->opt.deadline_ticks,
    };
    h->init_result = gpu_driver_init(h->drv, &cfg);
}

vgpu_harness_t *vh_create(const vh_options_t *opt)
{
    vgpu_harness_t *h = calloc(1, sizeof(*h));
    if (h == NULL) {
        return NULL;
    }
    h->opt = *opt;
    h->auto_irq = 1;
    if (!alloc_regions(h)) {
        vh_destroy(h);
        return NULL;
    }
    h->opt.model.translate = translate;
    h->opt.model.translate_ctx = h;
    h->model = vgpu_model_create(&h->opt.model);
    if (h->model == NULL || !gpu_queue_init(&h->req_q, h->req_region, h->opt.req_capacity, true) ||
        !gpu_queue_init(&h->resp_q, h->resp_region, h->opt.resp_capacity, false)) {
        vh_destroy(h);
        return NULL;
    }
    start_driver(h);
    if (h->opt.display_info_first && h->init_result == GPU_DRIVER_INIT_OK) {
        gpu_req_t info = {.code = GPU_REQ_GET_DISPLAY_INFO, .id = VH_DISPLAY_INFO_ID};
        (void)vh_call(h, &info);
        while (vh_pending(h) > 0) {
            gpu_resp_t r;
            (void)vh_pop(h, &r);
        }
        /* Counters start from here, as if the driver had just started (its fence ids go on: the next is 2). */
        memset(&h->drv->stats, 0, sizeof(h->drv->stats));
        h->signals = 0;
        h->mmio_writes = 0;
        h->queue_notifies = 0;
    }
    return h;
}

void vh_destroy(vgpu_harness_t *h)
{
    if (h == NULL) {
        return;
    }
    if (h->model != NULL) {
        vgpu_model_destroy(h->model);
    }
    free(h->dma);
    free(h->data);
    free(h->req_region);
    free(h->resp_region);
    free(h->info);
    free(h->drv);
    free(h);
}

/* --- running --- */

static void collect_signal(vgpu_harness_t *h)
{
    if (gpu_driver_take_signal(h->drv)) {
        h->signals++;
        if (h->opt.on_signal != NULL) {
            h->opt.on_signal(h->opt.signal_ctx);
        }
    }
}

void vh_run(vgpu_harness_t *h)
{
    for (int round = 0; round < 100000; round++) {
        bool moved = false;
        if (vgpu_model_notified(h->model) != 0) {
            vgpu_model_process(h->model);
            moved = true;
        }
        if (h->auto_irq && h->init_result != GPU_DRIVER_INIT_BAD_CONFIG && vgpu_model_irq_level(h->model)) {
            gpu_driver_handle_irq(h->drv);
            collect_signal(h);
            moved = true;
        }
        if (!moved) {
            return;
        }
    }
}

void vh_tick(vgpu_harness_t *h)
{
    gpu_driver_tick(h->drv);
    collect_signal(h);
    vh_run(h);
}

bool vh_push(vgpu_harness_t *h, const gpu_req_t *req)
{
    return gpu_req_enqueue(&h->req_q, req);
}

void vh_kick(vgpu_harness_t *h)
{
    gpu_driver_handle_requests(h->drv);
    collect_signal(h);
    vh_run(h);
}

bool vh_pop(vgpu_harness_t *h, gpu_resp_t *resp)
{
    return gpu_resp_dequeue(&h->resp_q, resp);
}

uint32_t vh_pending(vgpu_harness_t *h)
{
    return gpu_queue_length(&h->resp_q);
}

uint32_t vh_call(vgpu_harness_t *h, const gpu_req_t *req)
{
    if (!vh_push(h, req)) {
        return VH_NO_RESPONSE;
    }
    vh_kick(h);
    gpu_resp_t resp;
    uint32_t status = VH_NO_RESPONSE;
    while (vh_pop(h, &resp)) {
        if (resp.id == req->id && resp.code == req->code) {
            status = resp.status;
        }
    }
    return status;
}
