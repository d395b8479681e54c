/*
 * Driver cost per request: a steady stream of TRANSFER_TO_2D + RESOURCE_FLUSH
 * pairs through the driver core and a minimal, well-behaved fake device
 * (answers OK_NODATA at once), so that the instructions callgrind counts
 * inside gpu_driver_handle_requests() and gpu_driver_handle_irq() are the
 * driver's own (plus a few for the register functions of the fake transport,
 * tests/support/fake_transport.c, which stand in for single MMIO accesses).
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

#include "fake_transport.h"
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

static fake_transport_t dev = {
        .dma = dma,
        .dma_io = DMA_IO,
        .dma_size = DMA_SIZE,
        .features = VIRTIO_FEATURE_BIT(VIRTIO_F_VERSION_1) | VIRTIO_FEATURE_BIT(VIRTIO_GPU_F_RESOURCE_BLOB),
        .queue_max = 256,
        .num_scanouts = 1,
};

/* The device's answer to every chain: OK_NODATA, echoing the command's fence (as QEMU). */
static uint32_t answer_ok(void *arg, uint16_t head)
{
    (void)arg;
    const virtq_desc_t *cmd = fake_transport_desc(&dev, head);
    const virtq_desc_t *rsp = fake_transport_desc(&dev, cmd->next);
    const virtio_gpu_ctrl_hdr_t *req = (const virtio_gpu_ctrl_hdr_t *)fake_transport_dma(&dev, cmd->addr, sizeof(*req));
    virtio_gpu_ctrl_hdr_t *resp = (virtio_gpu_ctrl_hdr_t *)fake_transport_dma(&dev, rsp->addr, sizeof(*resp));
    if (req == NULL || resp == NULL) {
        abort();
    }
    uint32_t len = sizeof(*resp);
    if (req->type == VIRTIO_GPU_CMD_GET_DISPLAY_INFO) { /* only at the start: the driver asks nothing else first */
        len = sizeof(virtio_gpu_resp_display_info_t);
        resp = (virtio_gpu_ctrl_hdr_t *)fake_transport_dma(&dev, rsp->addr, len);
        if (resp == NULL) {
            abort();
        }
    }
    uint32_t type = len == sizeof(*resp) ? VIRTIO_GPU_RESP_OK_NODATA : VIRTIO_GPU_RESP_OK_DISPLAY_INFO;
    uint32_t flags = req->flags & VIRTIO_GPU_FLAG_FENCE;
    uint64_t fence = req->fence_id;
    memset(resp, 0, len);
    resp->type = type;
    resp->flags = flags;
    resp->fence_id = fence;
    return len;
}

/* GET_DISPLAY_INFO first, as the virtualiser does: until it succeeds the driver takes nothing else. */
static void display_info_first(gpu_queue_t *req_q, gpu_queue_t *resp_q)
{
    gpu_req_t d = {.code = GPU_REQ_GET_DISPLAY_INFO, .id = UINT32_MAX};
    gpu_resp_t r;
    if (!gpu_req_enqueue(req_q, &d)) {
        abort();
    }
    gpu_driver_handle_requests(&drv);
    fake_transport_return_all(&dev, answer_ok, NULL);
    gpu_driver_handle_irq(&drv);
    if (gpu_resp_dequeue_batch(resp_q, &r, 1) != 1 || r.status != GPU_STATUS_OK) {
        abort();
    }
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
    const virtio_transport_t transport = {.ops = &fake_transport_ops, .ctx = &dev};
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
    display_info_first(&req_q, &resp_q);
    gpu_resp_t resps[QCAP];
    uint64_t answered = 0;
    for (unsigned long i = 0; i < iterations; i++) {
        for (unsigned long p = 0; p < pairs; p++) {
            push_pair(&req_q, (uint32_t)(i * 64 + p * 2));
        }
        gpu_driver_handle_requests(&drv);
        fake_transport_return_all(&dev, answer_ok, NULL);
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
