/*
 * libFuzzer target: the driver core against a device that, between any two
 * driver steps, writes whatever the input says into the used ring (elements,
 * raw bytes, the used index), the response buffers, the interrupt cause,
 * configuration space and the status register (DEVICE_NEEDS_RESET, a reset
 * that never completes), while the "virtualiser" pushes arbitrary requests
 * and the timer ticks.
 *
 * Oracle, beyond ASan/UBSan:
 *  - every descriptor the driver publishes points inside its DMA region, and
 *    every response answers a request that was pushed and not yet answered
 *    (no second answer), with a status inside the protocol;
 *  - at the end of the input the device behaves again and is made to need a
 *    reset. After a bounded number of rounds (each with a tick) the driver
 *    has answered every request pushed exactly once, none dropped; it has
 *    recovered (unless it had given up for good: its first initialisation
 *    failed, or a re-initialisation failed with no tick to retry on), every
 *    command slot and descriptor is free, and a full window of requests (as
 *    many as slots and response room allow) is taken at once and answered
 *    OK, with the current device_epoch.
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

#define DMA_IO        0x10000ull
#define DMA_SIZE      (64u * 1024u)
#define REQ_CAP       16u
#define RESP_CAP      8u
#define MAX_REQS      4096u
#define HONEST_ROUNDS 256u /* > deadline + the longest backoff, several times over */

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
static uint8_t answered[MAX_REQS + RESP_CAP]; /* + the final window */
static uint32_t status_noise; /* OR-ed into every status read: NEEDS_RESET, or a reset that never reads back 0 */
static uint64_t clock_ns;

/* --- the device's registers: the fake transport, with noise on the status register --- */

static uint32_t noisy_get_status(void *ctx)
{
    return fake_transport_ops.get_status(ctx) | status_noise;
}

static virtio_transport_ops_t fuzz_ops;

static uint64_t fake_clock(void *ctx)
{
    (void)ctx;
    return clock_ns += 1000000u; /* 1 ms a reading: a reset that never completes costs 50 reads */
}

/* Configuration space fields the transport does not model read as input. */
static uint32_t config_from_input(void *arg, uint32_t offset)
{
    (void)offset;
    return take(arg, 4);
}

/* --- the device's answers --- */

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

/* The chain at `head`, checked: two descriptors inside the DMA region. Sets *cmd and *buf (response buffer). */
static void chain_of(uint16_t head, virtio_gpu_ctrl_hdr_t *cmd, uint8_t **buf, uint32_t *buf_len)
{
    uint32_t size = dev.size[0];
    if (head >= size) {
        abort(); /* the driver published a head outside its ring */
    }
    virtq_desc_t c = *fake_transport_desc(&dev, head);
    const uint8_t *cbuf = fake_transport_dma(&dev, c.addr, c.len);
    if (cbuf == NULL || c.len < sizeof(*cmd) || (c.flags & VIRTQ_DESC_F_NEXT) == 0 || c.next >= size) {
        abort(); /* commands are two descriptors inside the DMA region */
    }
    memcpy(cmd, cbuf, sizeof(*cmd));
    if ((cmd->flags & VIRTIO_GPU_FLAG_FENCE) == 0) {
        abort(); /* every command is fenced */
    }
    virtq_desc_t r = *fake_transport_desc(&dev, c.next);
    *buf = fake_transport_dma(&dev, r.addr, r.len);
    *buf_len = r.len;
    if (*buf == NULL || (r.flags & VIRTQ_DESC_F_WRITE) == 0 || r.len < sizeof(virtio_gpu_resp_display_info_t)) {
        abort();
    }
}

/* The honest answer, as QEMU gives it: the expected OK type, the fence echoed. Returns the used length. */
static uint32_t answer_honestly(void *arg, uint16_t head)
{
    (void)arg;
    virtio_gpu_ctrl_hdr_t cmd;
    uint8_t *buf;
    uint32_t buf_len;
    chain_of(head, &cmd, &buf, &buf_len);
    bool info_cmd = cmd.type == VIRTIO_GPU_CMD_GET_DISPLAY_INFO;
    uint32_t len = info_cmd ? sizeof(virtio_gpu_resp_display_info_t) : sizeof(virtio_gpu_ctrl_hdr_t);
    memset(buf, 0, len);
    virtio_gpu_ctrl_hdr_t r = {.type = info_cmd ? VIRTIO_GPU_RESP_OK_DISPLAY_INFO : VIRTIO_GPU_RESP_OK_NODATA,
                               .flags = VIRTIO_GPU_FLAG_FENCE,
                               .fence_id = cmd.fence_id};
    memcpy(buf, &r, sizeof(r));
    return len;
}

/* Writes an answer the input chooses (type, bytes, fence echoed or not) for the chain at head; returns a length. */
static uint32_t answer_from_input(input_t *in, uint16_t head)
{
    virtio_gpu_ctrl_hdr_t cmd;
    uint8_t *buf;
    uint32_t buf_len;
    chain_of(head, &cmd, &buf, &buf_len);
    uint32_t pick = take(in, 1);
    uint32_t type = pick < 0xf0 ? resp_types[pick % (sizeof(resp_types) / sizeof(resp_types[0]))] : take(in, 4);
    uint32_t len = take(in, 2) % (buf_len + 1);
    for (uint32_t i = 0; i < len && in->left > 0; i++) {
        buf[i] = (uint8_t)take(in, 1);
    }
    virtio_gpu_ctrl_hdr_t r;
    memcpy(&r, buf, sizeof(r));
    r.type = type;
    if ((pick & 0x40) == 0) { /* usually the fence is right, so that OK answers happen */
        r.flags = cmd.flags;
        r.fence_id = cmd.fence_id;
    }
    memcpy(buf, &r, sizeof(r));
    return len < sizeof(virtio_gpu_resp_display_info_t) && pick < 0x80 ? sizeof(virtio_gpu_resp_display_info_t) : len;
}

static virtq_avail_t *avail_ring(void)
{
    return (virtq_avail_t *)fake_transport_dma(&dev, dev.avail_io[0], VIRTQ_AVAIL_BYTES(dev.size[0]));
}

static virtq_used_t *used_ring(void)
{
    return (virtq_used_t *)fake_transport_dma(&dev, dev.used_io[0], VIRTQ_USED_BYTES(dev.size[0]));
}

/*
 * On the cursor queue: the next available chain returned with length 0 (as
 * QEMU), or with a length, an id or an index step the input says.
 */
static void device_complete_cursor(input_t *in)
{
    uint32_t size = dev.size[1];
    uint16_t head;
    if (size == 0) {
        return;
    }
    uint32_t mode = take(in, 1);
    virtq_used_elem_t e = {.id = take(in, 2), .len = 0};
    if ((mode & 1) == 0 && fake_transport_take_cursor(&dev, &head) && (mode & 8) == 0) {
        e.id = head;
    }
    if (mode & 2) {
        e.len = take(in, 4);
    }
    virtq_used_t *used = (virtq_used_t *)fake_transport_dma(&dev, dev.used_io[1], VIRTQ_USED_BYTES(size));
    used->ring[used->idx % size] = e;
    uint16_t step = (mode & 4) ? (uint16_t)take(in, 2) : 1;
    /* Release: the element before the index; pairs with the driver's V3 acquire of used->idx. */
    __atomic_store_n(&used->idx, (uint16_t)(used->idx + step), __ATOMIC_RELEASE);
    dev.cause |= VIRTIO_MMIO_INT_VRING;
}

/* One used element: usually for the next available chain, its id and length as the input says; idx by any step. */
static void device_complete(input_t *in)
{
    uint32_t size = dev.size[0];
    if (size == 0) {
        return;
    }
    virtq_avail_t *avail = avail_ring();
    virtq_used_t *used = used_ring();
    uint32_t mode = take(in, 1);
    virtq_used_elem_t e = {.id = take(in, 2), .len = 0};
    uint16_t avail_idx = __atomic_load_n(&avail->idx, __ATOMIC_ACQUIRE);
    if ((mode & 1) == 0 && avail_idx != dev.last_avail) {
        uint16_t head = avail->ring[dev.last_avail % size];
        dev.last_avail++;
        e.len = answer_from_input(in, head);
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

/* Raw device writes: a byte of the used ring, a whole element, or the used index. */
static void device_scribble(input_t *in)
{
    uint32_t size = dev.size[0];
    if (size == 0) {
        return;
    }
    virtq_used_t *used = used_ring();
    switch (take(in, 1) % 3) {
    case 0:
        ((uint8_t *)used)[take(in, 2) % VIRTQ_USED_BYTES(size)] = (uint8_t)take(in, 1);
        break;
    case 1:
        used->ring[take(in, 2) % size] = (virtq_used_elem_t){.id = take(in, 4), .len = take(in, 4)};
        break;
    default:
        __atomic_store_n(&used->idx, (uint16_t)take(in, 2), __ATOMIC_RELEASE);
        break;
    }
}

/* Status register, configuration and interrupt cause as the input says. */
static void device_registers(input_t *in)
{
    uint32_t what = take(in, 1);
    if (what & 1) {
        status_noise = (what & 2) ? VIRTIO_STATUS_DEVICE_NEEDS_RESET : take(in, 1);
    } else {
        status_noise = 0;
    }
    if (what & 4) {
        dev.status |= VIRTIO_STATUS_DEVICE_NEEDS_RESET; /* a reset clears it */
    }
    if (what & 8) {
        dev.num_scanouts = take(in, 1) % 20;
    }
    dev.events = (what & 16) ? take(in, 4) : dev.events;
    dev.cause |= take(in, 1); /* undefined bits included */
}

/* --- the virtualiser --- */

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

/* Takes every response: each must answer a request pushed and not yet answered. Returns how many OK. */
static uint32_t pop_responses(gpu_queue_t *resp_q, uint32_t seq)
{
    uint32_t ok = 0;
    gpu_resp_t r;
    while (gpu_resp_dequeue(resp_q, &r)) {
        if (r.id >= seq || answered[r.id] || r.status > GPU_STATUS_MAX) {
            abort(); /* an answer to nothing, a second answer, or a status outside the protocol */
        }
        answered[r.id] = 1;
        ok += r.status == GPU_STATUS_OK;
    }
    return ok;
}

/* --- the end: the device behaves again --- */

static uint32_t in_flight(void)
{
    return drv.num_slots - drv.num_free_slots;
}

/* One round of an honest world: responses drained, requests taken, every chain returned, one tick. */
static void honest_round(gpu_queue_t *resp_q, uint32_t seq)
{
    pop_responses(resp_q, seq);
    gpu_driver_handle_requests(&drv);
    fake_transport_return_all(&dev, answer_honestly, NULL);
    fake_transport_return_cursor(&dev);
    gpu_driver_handle_irq(&drv);
    gpu_driver_tick(&drv);
    (void)gpu_driver_take_signal(&drv);
}

static bool settled(gpu_queue_t *req_q, gpu_queue_t *resp_q)
{
    bool down_for_good = !drv.ready && !drv.recovering;
    return gpu_queue_length(resp_q) == 0 && gpu_queue_length(req_q) == 0 && in_flight() == 0 &&
           (drv.ready || down_for_good);
}

/* Every request pushed has been answered exactly once (at most once is checked as answers arrive). */
static void check_all_answered(uint32_t seq)
{
    if (drv.stats.lost_responses != 0) {
        abort(); /* an answer dropped although the virtualiser never corrupted its queue */
    }
    for (uint32_t id = 0; id < seq; id++) {
        if (!answered[id]) {
            abort(); /* the device behaves again and the driver has recovered, yet this request is unanswered */
        }
    }
}

/* A full window of GET_DISPLAY_INFO: all taken at once (no slot leaked), all answered OK. */
static void check_window(gpu_queue_t *req_q, gpu_queue_t *resp_q, uint32_t *seq)
{
    /* First one GET_DISPLAY_INFO alone: after a recovery it takes the driver's own GET_EDIDs with it. */
    gpu_req_t first = {.code = GPU_REQ_GET_DISPLAY_INFO, .id = (*seq)++};
    if (!gpu_req_enqueue(req_q, &first)) {
        abort();
    }
    gpu_driver_handle_requests(&drv);
    fake_transport_return_all(&dev, answer_honestly, NULL);
    gpu_driver_handle_irq(&drv);
    if (pop_responses(resp_q, *seq) != 1) {
        abort();
    }
    if (virtq_num_free(&drv.ctrl) != drv.ctrl.size || virtq_num_free(&drv.cursor) != drv.cursor.size ||
        drv.num_free_slots != drv.num_slots) {
        abort(); /* a descriptor or command slot leaked */
    }
    uint32_t window = drv.num_slots < RESP_CAP ? drv.num_slots : RESP_CAP;
    for (uint32_t i = 0; i < window; i++) {
        gpu_req_t r = {.code = GPU_REQ_GET_DISPLAY_INFO, .id = (*seq)++};
        if (!gpu_req_enqueue(req_q, &r)) {
            abort();
        }
    }
    gpu_driver_handle_requests(&drv);
    if (in_flight() != window) {
        abort(); /* the driver could not take a full window */
    }
    fake_transport_return_all(&dev, answer_honestly, NULL);
    gpu_driver_handle_irq(&drv);
    if (pop_responses(resp_q, *seq) != window || info.display.device_epoch != drv.device_epoch) {
        abort(); /* service did not resume */
    }
}

static void behave_again(const uint64_t features, uint32_t queue_max, gpu_queue_t *req_q, gpu_queue_t *resp_q,
                         uint32_t seq)
{
    bool was_live = drv.ready || drv.recovering; /* initialised once, and not given up for good */
    status_noise = 0;
    dev.features = features;
    dev.queue_max = queue_max;
    dev.events = 0;
    dev.status |= VIRTIO_STATUS_DEVICE_NEEDS_RESET; /* a recovery, whatever state the input left */
    dev.cause |= VIRTIO_MMIO_INT_CONFIG;
    uint32_t round = 0;
    do { /* at least one round: the interrupt that reports NEEDS_RESET */
        honest_round(resp_q, seq);
    } while (++round < HONEST_ROUNDS && !settled(req_q, resp_q));
    pop_responses(resp_q, seq);
    check_all_answered(seq);
    if (was_live && !drv.ready) {
        abort(); /* a device that behaves again is brought back (at once, or on a tick) */
    }
    if (drv.ready) {
        check_window(req_q, resp_q, &seq);
    }
}

/* --- the run --- */

static void reset_world(input_t *in)
{
    memset(dma, 0, sizeof(dma));
    memset(answered, 0, sizeof(answered));
    memset(&info, 0, sizeof(info));
    memset(&dev, 0, sizeof(dev));
    status_noise = 0;
    fuzz_ops = fake_transport_ops;
    fuzz_ops.get_status = noisy_get_status;
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

/* One driver or device step chosen by the input. */
static void step(input_t *in, gpu_queue_t *req_q, gpu_queue_t *resp_q, uint32_t *seq)
{
    switch (take(in, 1) % 10) {
    case 0:
    case 1:
        push_request(in, req_q, seq);
        break;
    case 2:
        gpu_driver_handle_requests(&drv);
        break;
    case 3:
        if (take(in, 1) < 0xc0) {
            device_complete(in);
        } else {
            device_complete_cursor(in);
        }
        break;
    case 4:
        device_registers(in);
        gpu_driver_handle_irq(&drv);
        break;
    case 5:
        pop_responses(resp_q, *seq);
        break;
    case 6:
        device_scribble(in);
        break;
    case 7:
        gpu_driver_tick(&drv);
        break;
    case 8:
        dev.queue_max = take(in, 1) + 1; /* seen at the next (re-)initialisation */
        break;
    default:
        gpu_driver_handle_irq(&drv);
        break;
    }
    (void)gpu_driver_take_signal(&drv);
    if (drv.cursor_in_flight > 1 || (drv.cursor_in_flight != 0 && in_flight() != drv.cursor_in_flight)) {
        abort(); /* the ordering rule: a cursor command is at the device alone */
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    input_t in = {.p = data, .left = size};
    reset_world(&in);
    const virtio_transport_t transport = {.ops = &fuzz_ops, .ctx = &dev};
    uint32_t opts = take(&in, 1);
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
            .queue_size = 1u << (opts % 9),
            .clock = {.now_ns = fake_clock},
            .ticked = (opts & 0x80) == 0,
            .deadline_ticks = (opts >> 4) & 3,
    };
    const uint64_t features = dev.features;
    const uint32_t queue_max = dev.queue_max;
    if (gpu_driver_init(&drv, &cfg) == GPU_DRIVER_INIT_BAD_CONFIG) {
        return 0;
    }
    gpu_queue_t req_q, resp_q;
    gpu_queue_init(&req_q, req_region, REQ_CAP, true);
    gpu_queue_init(&resp_q, resp_region, RESP_CAP, false);
    uint32_t seq = 0;
    while (in.left > 0) {
        step(&in, &req_q, &resp_q, &seq);
    }
    behave_again(features, queue_max, &req_q, &resp_q, seq);
    return 0;
}
