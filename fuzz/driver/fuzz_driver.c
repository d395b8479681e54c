/*
 * libFuzzer target: the driver core against a device that writes whatever
 * the input says into the used ring, the response buffers, the interrupt
 * cause and configuration space, while the "virtualiser" pushes arbitrary
 * requests.
 *
 * Checked beyond ASan/UBSan: every descriptor the driver publishes points
 * inside its DMA region, every response answers a request that was pushed
 * and not yet answered, and no request is answered twice. At the end of the
 * input the device turns honest: it returns every chain still available,
 * and while the driver keeps taking requests it keeps returning them. If the
 * device has then returned exactly one used element per chain (used idx ==
 * avail idx), whatever it wrote before (bogus ids included), or the driver
 * has given up on the device, every request pushed must have been answered
 * exactly once and none dropped.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sddf/gpu/queue.h>
#include <virtio/virtio_gpu.h>
#include <virtio/virtio_mmio.h>

#include "fake_transport.h"
#include "gpu_driver.h"

#define SDDF_LOG_COMPONENT "FUZZ"
#include <sddf/log.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

void sddf_log(const char *fmt, ...)
{
    (void)fmt;
}

#define DMA_IO   0x10000ull
#define DMA_SIZE (64u * 1024u)
#define REQ_CAP  16u
#define RESP_CAP 8u
#define MAX_REQS 4096u

typedef struct input {
    const uint8_t *p;
    size_t left;
} input_t;

static uint32_t take(input_t *in, unsigned bytes)
{
    uint32_t v = 0;
    for (unsigned i = 0; i < bytes && in->left > 0; i++, in->left--) {
        v |= (uint32_t)*in->p++ << (8 * i);
    }
    return v;
}

static _Alignas(4096) uint8_t dma[DMA_SIZE];
static _Alignas(64) uint8_t req_region[GPU_QUEUE_REGION_SIZE(REQ_CAP, sizeof(gpu_req_t))];
static _Alignas(64) uint8_t resp_region[GPU_QUEUE_REGION_SIZE(RESP_CAP, sizeof(gpu_resp_t))];
static gpu_info_region_t info;
static gpu_driver_t drv;
static fake_transport_t dev;
static uint8_t answered[MAX_REQS];

/* Configuration space fields the transport does not model read as input. */
static uint32_t config_from_input(void *arg, uint32_t offset)
{
    (void)offset;
    return take(arg, 4);
}

static const uint32_t resp_types[] = {
        VIRTIO_GPU_RESP_OK_NODATA,
        VIRTIO_GPU_RESP_OK_DISPLAY_INFO,
        VIRTIO_GPU_RESP_OK_EDID,
        VIRTIO_GPU_RESP_ERR_UNSPEC,
        VIRTIO_GPU_RESP_ERR_OUT_OF_MEMORY,
        VIRTIO_GPU_RESP_ERR_INVALID_SCANOUT_ID,
        VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID,
        VIRTIO_GPU_RESP_ERR_INVALID_CONTEXT_ID,
        VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER,
};

/* Takes the next chain the driver made available; checks it is well formed and writes an answer. Returns its length. */
static uint32_t answer_available(input_t *in, uint16_t head)
{
    uint32_t size = dev.size[0];
    if (head >= size) {
        abort(); /* the driver published a head outside its ring */
    }
    virtq_desc_t cmd = *fake_transport_desc(&dev, head);
    if (fake_transport_dma(&dev, cmd.addr, cmd.len) == NULL || (cmd.flags & VIRTQ_DESC_F_NEXT) == 0 ||
        cmd.next >= size) {
        abort(); /* commands are two descriptors inside the DMA region */
    }
    virtq_desc_t rsp = *fake_transport_desc(&dev, cmd.next);
    uint8_t *buf = fake_transport_dma(&dev, rsp.addr, rsp.len);
    if (buf == NULL || (rsp.flags & VIRTQ_DESC_F_WRITE) == 0 || rsp.len < sizeof(virtio_gpu_resp_display_info_t)) {
        abort();
    }
    uint32_t type_pick = take(in, 1);
    uint32_t type =
            type_pick < 0xf0 ? resp_types[type_pick % (sizeof(resp_types) / sizeof(resp_types[0]))] : take(in, 4);
    uint32_t len = take(in, 2) % (rsp.len + 1);
    for (uint32_t i = 0; i < len && in->left > 0; i++) {
        buf[i] = (uint8_t)take(in, 1);
    }
    memcpy(buf, &type, sizeof(type));
    return len < sizeof(virtio_gpu_resp_display_info_t) && type_pick < 0x80 ? sizeof(virtio_gpu_resp_display_info_t)
                                                                            : len;
}

static void device_complete(input_t *in)
{
    uint32_t size = dev.size[0];
    if (size == 0) {
        return;
    }
    virtq_avail_t *avail = (virtq_avail_t *)fake_transport_dma(&dev, dev.avail_io[0], VIRTQ_AVAIL_BYTES(size));
    virtq_used_t *used = (virtq_used_t *)fake_transport_dma(&dev, dev.used_io[0], VIRTQ_USED_BYTES(size));
    uint32_t mode = take(in, 1);
    virtq_used_elem_t e = {.id = take(in, 2), .len = 0};
    uint16_t avail_idx = __atomic_load_n(&avail->idx, __ATOMIC_ACQUIRE);
    if ((mode & 1) == 0 && avail_idx != dev.last_avail) {
        uint16_t head = avail->ring[dev.last_avail % size];
        dev.last_avail++;
        e.len = answer_available(in, head);
        if ((mode & 8) == 0) {
            e.id = head; /* else the chain's one used element carries the input's id (bogus, or another head) */
        }
    }
    if (mode & 2) {
        e.len = take(in, 4);
    }
    used->ring[used->idx % size] = e;
    uint16_t step = (mode & 4) ? (uint16_t)take(in, 2) : 1;
    __atomic_store_n(&used->idx, (uint16_t)(used->idx + step), __ATOMIC_RELEASE);
    dev.cause |= VIRTIO_MMIO_INT_VRING;
}

/* The honest device's answer: what the input says (see answer_available). */
static uint32_t answer_from_input(void *arg, uint16_t head)
{
    return answer_available(arg, head);
}

/* True if the device has returned one used element per chain made available (or has no control queue). */
static bool device_balanced(void)
{
    uint32_t size = dev.size[0];
    if (size == 0) {
        return true;
    }
    const virtq_avail_t *avail =
            (const virtq_avail_t *)fake_transport_dma(&dev, dev.avail_io[0], VIRTQ_AVAIL_BYTES(size));
    const virtq_used_t *used = (const virtq_used_t *)fake_transport_dma(&dev, dev.used_io[0], VIRTQ_USED_BYTES(size));
    return __atomic_load_n(&used->idx, __ATOMIC_ACQUIRE) == __atomic_load_n(&avail->idx, __ATOMIC_ACQUIRE);
}

static void scribble_used(input_t *in)
{
    uint32_t size = dev.size[0];
    if (size == 0) {
        return;
    }
    uint8_t *used = fake_transport_dma(&dev, dev.used_io[0], VIRTQ_USED_BYTES(size));
    used[take(in, 2) % VIRTQ_USED_BYTES(size)] = (uint8_t)take(in, 1);
}

static void push_request(input_t *in, gpu_queue_t *req_q, uint32_t *seq)
{
    if (*seq >= MAX_REQS) {
        return;
    }
    gpu_req_t r;
    memset(&r, 0, sizeof(r));
    r.code = take(in, 1) % (GPU_REQ_MAX + 2);
    r.id = *seq;
    for (size_t i = 0; i < sizeof(r.raw) && in->left > 0 && (i < 8 || take(in, 1) != 0); i++) {
        r.raw[i] = (uint8_t)take(in, 1);
    }
    if (gpu_req_enqueue(req_q, &r)) {
        (*seq)++;
    }
}

static void pop_responses(gpu_queue_t *resp_q, uint32_t seq)
{
    gpu_resp_t r;
    while (gpu_resp_dequeue(resp_q, &r)) {
        if (r.id >= seq || answered[r.id] || r.status > GPU_STATUS_MAX) {
            abort(); /* an answer to nothing, a second answer, or a status outside the protocol */
        }
        answered[r.id] = 1;
    }
}

/*
 * End of input: the virtualiser drains responses, the device returns every
 * chain, the driver takes the rest of the requests; until nothing moves.
 */
static void drain(input_t *in, gpu_queue_t *req_q, gpu_queue_t *resp_q, uint32_t seq)
{
    for (uint32_t round = 0; round < MAX_REQS; round++) {
        uint32_t waiting = gpu_queue_space(req_q); /* free request slots: grows as the driver takes requests */
        pop_responses(resp_q, seq);
        gpu_driver_handle_requests(&drv);
        fake_transport_return_all(&dev, answer_from_input, in);
        gpu_driver_handle_irq(&drv);
        (void)gpu_driver_take_signal(&drv);
        if (gpu_queue_length(resp_q) == 0 && gpu_queue_space(req_q) == waiting) {
            return; /* nothing moved */
        }
    }
}

/* Every request answered exactly once (at most once is checked as answers arrive). */
static void check_all_answered(uint32_t seq)
{
    if (drv.stats.lost_responses != 0) {
        abort(); /* an answer dropped although the virtualiser never corrupted its queue */
    }
    for (uint32_t id = 0; id < seq; id++) {
        if (!answered[id]) {
            abort(); /* the device returned every chain (or was given up), yet this request is unanswered */
        }
    }
}

static void reset_world(input_t *in)
{
    memset(dma, 0, sizeof(dma));
    memset(answered, 0, sizeof(answered));
    memset(&info, 0, sizeof(info));
    memset(&dev, 0, sizeof(dev));
    gpu_queue_region_reset(req_region, take(in, 4));
    gpu_queue_region_reset(resp_region, take(in, 4));
    dev.dma = dma;
    dev.dma_io = DMA_IO;
    dev.dma_size = DMA_SIZE;
    dev.config_read = config_from_input;
    dev.config_arg = in;
    uint32_t f = take(in, 1);
    dev.features = ((f & 0x0f) != 0 ? VIRTIO_FEATURE_BIT(VIRTIO_F_VERSION_1) : 0) |
                   ((f & 0x10) ? VIRTIO_FEATURE_BIT(VIRTIO_GPU_F_RESOURCE_BLOB) : 0) |
                   ((f & 0x20) ? VIRTIO_FEATURE_BIT(VIRTIO_GPU_F_EDID) : 0) |
                   ((f & 0x40) ? VIRTIO_FEATURE_BIT(VIRTIO_F_EVENT_IDX) : 0);
    dev.queue_max = take(in, 1) + 1;
    dev.num_scanouts = take(in, 1) % 20;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    input_t in = {.p = data, .left = size};
    reset_world(&in);
    const virtio_transport_t transport = {.ops = &fake_transport_ops, .ctx = &dev};
    gpu_driver_config_t cfg = {
            .transport = &transport,
            .req_queue = req_region,
            .req_capacity = REQ_CAP,
            .resp_queue = resp_region,
            .resp_capacity = RESP_CAP,
            .info = &info,
            .dma_vaddr = dma,
            .dma_io = DMA_IO,
            .dma_size = DMA_SIZE,
            .queue_size = 1u << (take(&in, 1) % 9),
    };
    if (gpu_driver_init(&drv, &cfg) == GPU_DRIVER_INIT_BAD_CONFIG) {
        return 0;
    }
    gpu_queue_t req_q, resp_q;
    gpu_queue_init(&req_q, req_region, REQ_CAP, true);
    gpu_queue_init(&resp_q, resp_region, RESP_CAP, false);
    uint32_t seq = 0;
    while (in.left > 0) {
        switch (take(&in, 1) % 8) {
        case 0:
        case 1:
            push_request(&in, &req_q, &seq);
            break;
        case 2:
            gpu_driver_handle_requests(&drv);
            break;
        case 3:
            device_complete(&in);
            break;
        case 4:
            dev.cause |= take(&in, 1) & 7;
            dev.events = take(&in, 1);
            gpu_driver_handle_irq(&drv);
            break;
        case 5:
            pop_responses(&resp_q, seq);
            break;
        case 6:
            scribble_used(&in);
            break;
        default:
            gpu_driver_handle_irq(&drv);
            break;
        }
        (void)gpu_driver_take_signal(&drv);
    }
    drain(&in, &req_q, &resp_q, seq);
    pop_responses(&resp_q, seq);
    if (device_balanced() || !drv.ready) {
        check_all_answered(seq);
    }
    return 0;
}
