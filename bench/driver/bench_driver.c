/*
 * Driver cost per request: a steady stream of TRANSFER_TO_2D + RESOURCE_FLUSH
 * pairs through the driver core and a minimal, well-behaved fake device
 * (answers OK_NODATA at once), so that the instructions callgrind counts
 * inside gpu_driver_handle_requests() and gpu_driver_handle_irq() are the
 * driver's own (plus a few for the fake transport's register functions,
 * which stand in for single MMIO accesses).
 *
 *   bench_driver ITERATIONS PAIRS_PER_BATCH
 *
 * run.sh runs it twice under callgrind and reports the difference per request.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sddf/gpu/queue.h>
#include <virtio/virtio_gpu.h>
#include <virtio/virtio_mmio.h>

#include "gpu_driver.h"

#define SDDF_LOG_COMPONENT "BENCH"
#include <sddf/log.h>

#define DMA_IO   0x10000ull
#define DMA_SIZE (256u * 1024u)
#define QCAP     256u

void sddf_log(const char *fmt, ...)
{
    (void)fmt;
}

static _Alignas(4096) uint8_t dma[DMA_SIZE];
static _Alignas(64) uint8_t req_region[GPU_QUEUE_REGION_SIZE(QCAP, sizeof(gpu_req_t))];
static _Alignas(64) uint8_t resp_region[GPU_QUEUE_REGION_SIZE(QCAP, sizeof(gpu_resp_t))];
static gpu_info_region_t info;
static gpu_driver_t drv;

typedef struct fake {
    uint32_t status;
    uint32_t size;
    uint64_t desc_io, avail_io, used_io;
    uint32_t cause;
    uint16_t last_avail;
} fake_t;

static fake_t dev;

static void *at(uint64_t io)
{
    return dma + (io - DMA_IO);
}

static uint32_t f_get_status(void *ctx)
{
    return ((fake_t *)ctx)->status;
}

static void f_set_status(void *ctx, uint32_t s)
{
    ((fake_t *)ctx)->status = s;
}

static uint64_t f_get_features(void *ctx)
{
    (void)ctx;
    return VIRTIO_FEATURE_BIT(VIRTIO_F_VERSION_1) | VIRTIO_FEATURE_BIT(VIRTIO_GPU_F_RESOURCE_BLOB);
}

static void f_set_features(void *ctx, uint64_t f)
{
    (void)ctx;
    (void)f;
}

static uint32_t f_queue_max(void *ctx, uint32_t q)
{
    (void)ctx;
    (void)q;
    return 256;
}

static void f_queue_enable(void *ctx, uint32_t q, uint32_t size, uint64_t desc, uint64_t avail, uint64_t used)
{
    fake_t *f = ctx;
    if (q == VIRTIO_GPU_QUEUE_CONTROL) {
        f->size = size;
        f->desc_io = desc;
        f->avail_io = avail;
        f->used_io = used;
    }
}

static void f_notify(void *ctx, uint32_t q)
{
    (void)ctx;
    (void)q;
}

static uint32_t f_interrupt_take(void *ctx)
{
    fake_t *f = ctx;
    uint32_t c = f->cause;
    f->cause = 0;
    return c;
}

static uint32_t f_config_read(void *ctx, uint32_t off)
{
    (void)ctx;
    return off == offsetof(virtio_gpu_config_t, num_scanouts) ? 1 : 0;
}

static void f_config_write(void *ctx, uint32_t off, uint32_t v)
{
    (void)ctx;
    (void)off;
    (void)v;
}

static const virtio_transport_ops_t fake_ops = {
        .get_status = f_get_status,
        .set_status = f_set_status,
        .get_device_features = f_get_features,
        .set_driver_features = f_set_features,
        .queue_max_size = f_queue_max,
        .queue_enable = f_queue_enable,
        .queue_notify = f_notify,
        .interrupt_take = f_interrupt_take,
        .config_read32 = f_config_read,
        .config_write32 = f_config_write,
};

/* The device: answer every available chain with OK_NODATA, in order. */
static void device_run(void)
{
    virtq_avail_t *avail = at(dev.avail_io);
    virtq_used_t *used = at(dev.used_io);
    virtq_desc_t *desc = at(dev.desc_io);
    uint16_t avail_idx = __atomic_load_n(&avail->idx, __ATOMIC_ACQUIRE);
    uint16_t used_idx = used->idx;
    while (dev.last_avail != avail_idx) {
        uint16_t head = avail->ring[dev.last_avail % dev.size];
        dev.last_avail++;
        virtio_gpu_ctrl_hdr_t *resp = at(desc[desc[head].next].addr);
        memset(resp, 0, sizeof(*resp));
        resp->type = VIRTIO_GPU_RESP_OK_NODATA;
        used->ring[used_idx % dev.size] = (virtq_used_elem_t){.id = head, .len = sizeof(*resp)};
        used_idx++;
    }
    __atomic_store_n(&used->idx, used_idx, __ATOMIC_RELEASE);
    dev.cause |= VIRTIO_MMIO_INT_VRING;
}

static void push_pair(gpu_queue_t *q, uint32_t id)
{
    gpu_req_t t = {.code = GPU_REQ_TRANSFER_TO_2D, .id = id};
    t.transfer_to_2d = (gpu_req_transfer_to_2d_t){.resource_id = 1, .rect = {0, 0, 64, 64}, .offset = 0};
    gpu_req_t f = {.code = GPU_REQ_RESOURCE_FLUSH, .id = id + 1};
    f.flush = (gpu_req_flush_t){.resource_id = 1, .rect = {0, 0, 64, 64}};
    if (!gpu_req_enqueue(q, &t) || !gpu_req_enqueue(q, &f)) {
        abort();
    }
}

int main(int argc, char **argv)
{
    unsigned long iterations = argc > 1 ? strtoul(argv[1], NULL, 10) : 1000;
    unsigned long pairs = argc > 2 ? strtoul(argv[2], NULL, 10) : 1;
    if (pairs == 0 || pairs > 32) {
        fprintf(stderr, "pairs per batch: 1..32\n");
        return 2;
    }
    const virtio_transport_t transport = {.ops = &fake_ops, .ctx = &dev};
    gpu_driver_config_t cfg = {
            .transport = &transport,
            .req_queue = req_region,
            .req_capacity = QCAP,
            .resp_queue = resp_region,
            .resp_capacity = QCAP,
            .info = &info,
            .dma_vaddr = dma,
            .dma_io = DMA_IO,
            .dma_size = DMA_SIZE,
            .queue_size = 128,
    };
    if (gpu_driver_init(&drv, &cfg) != GPU_DRIVER_INIT_OK) {
        return 1;
    }
    gpu_queue_t req_q, resp_q;
    gpu_queue_init(&req_q, req_region, QCAP, true);
    gpu_queue_init(&resp_q, resp_region, QCAP, false);
    gpu_resp_t resps[QCAP];
    uint64_t answered = 0;
    for (unsigned long i = 0; i < iterations; i++) {
        for (unsigned long p = 0; p < pairs; p++) {
            push_pair(&req_q, (uint32_t)(i * 64 + p * 2));
        }
        gpu_driver_handle_requests(&drv);
        device_run();
        gpu_driver_handle_irq(&drv);
        uint32_t n = gpu_resp_dequeue_batch(&resp_q, resps, QCAP);
        for (uint32_t k = 0; k < n; k++) {
            if (resps[k].status != GPU_STATUS_OK) {
                abort();
            }
        }
        answered += n;
    }
    if (answered != iterations * pairs * 2) {
        fprintf(stderr, "answered %llu of %llu\n", (unsigned long long)answered,
                (unsigned long long)(iterations * pairs * 2));
        return 1;
    }
    return 0;
}
