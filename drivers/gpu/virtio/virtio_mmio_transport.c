/*
 * virtio-mmio version 2 register protocol (virtio 1.2 section 4.2.2).
 */
#include "virtio_mmio_transport.h"

#include <virtio/virtio_mmio.h>

#define SDDF_LOG_COMPONENT "GPU_DRV"
#include <sddf/log.h>

static uint32_t rd(virtio_mmio_t *m, uint32_t offset)
{
    return m->bus.read32(m->bus.ctx, offset);
}

static void wr(virtio_mmio_t *m, uint32_t offset, uint32_t value)
{
    m->bus.write32(m->bus.ctx, offset, value);
}

static uint32_t mmio_get_status(void *ctx)
{
    return rd(ctx, VIRTIO_MMIO_STATUS);
}

static void mmio_set_status(void *ctx, uint32_t status)
{
    wr(ctx, VIRTIO_MMIO_STATUS, status);
}

static uint64_t mmio_get_device_features(void *ctx)
{
    wr(ctx, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
    uint64_t low = rd(ctx, VIRTIO_MMIO_DEVICE_FEATURES);
    wr(ctx, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
    uint64_t high = rd(ctx, VIRTIO_MMIO_DEVICE_FEATURES);
    return low | (high << 32);
}

static void mmio_set_driver_features(void *ctx, uint64_t features)
{
    wr(ctx, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
    wr(ctx, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)features);
    wr(ctx, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
    wr(ctx, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)(features >> 32));
}

static uint32_t mmio_queue_max_size(void *ctx, uint32_t queue)
{
    wr(ctx, VIRTIO_MMIO_QUEUE_SEL, queue);
    if (rd(ctx, VIRTIO_MMIO_QUEUE_READY) != 0) {
        return 0;
    }
    return rd(ctx, VIRTIO_MMIO_QUEUE_NUM_MAX);
}

static void mmio_queue_enable(void *ctx, uint32_t queue, uint32_t size, uint64_t desc, uint64_t avail, uint64_t used)
{
    wr(ctx, VIRTIO_MMIO_QUEUE_SEL, queue);
    wr(ctx, VIRTIO_MMIO_QUEUE_NUM, size);
    wr(ctx, VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)desc);
    wr(ctx, VIRTIO_MMIO_QUEUE_DESC_HIGH, (uint32_t)(desc >> 32));
    wr(ctx, VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)avail);
    wr(ctx, VIRTIO_MMIO_QUEUE_DRIVER_HIGH, (uint32_t)(avail >> 32));
    wr(ctx, VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)used);
    wr(ctx, VIRTIO_MMIO_QUEUE_DEVICE_HIGH, (uint32_t)(used >> 32));
    wr(ctx, VIRTIO_MMIO_QUEUE_READY, 1);
}

static void mmio_queue_notify(void *ctx, uint32_t queue)
{
    wr(ctx, VIRTIO_MMIO_QUEUE_NOTIFY, queue);
}

/* Acknowledges only the defined InterruptStatus bits that were read (virtio 1.2 section 4.2.2). */
static uint32_t mmio_interrupt_take(void *ctx)
{
    uint32_t cause = rd(ctx, VIRTIO_MMIO_INTERRUPT_STATUS) & (VIRTIO_MMIO_INT_VRING | VIRTIO_MMIO_INT_CONFIG);
    if (cause != 0) {
        wr(ctx, VIRTIO_MMIO_INTERRUPT_ACK, cause);
    }
    return cause;
}

static uint32_t mmio_config_read32(void *ctx, uint32_t offset)
{
    return rd(ctx, VIRTIO_MMIO_CONFIG + offset);
}

static void mmio_config_write32(void *ctx, uint32_t offset, uint32_t value)
{
    wr(ctx, VIRTIO_MMIO_CONFIG + offset, value);
}

static const virtio_transport_ops_t mmio_ops = {
        .get_status = mmio_get_status,
        .set_status = mmio_set_status,
        .get_device_features = mmio_get_device_features,
        .set_driver_features = mmio_set_driver_features,
        .queue_max_size = mmio_queue_max_size,
        .queue_enable = mmio_queue_enable,
        .queue_notify = mmio_queue_notify,
        .interrupt_take = mmio_interrupt_take,
        .config_read32 = mmio_config_read32,
        .config_write32 = mmio_config_write32,
};

bool virtio_mmio_probe(virtio_mmio_t *m, const virtio_mmio_bus_t *bus, uint32_t device_id)
{
    m->bus = *bus;
    m->transport.ops = &mmio_ops;
    m->transport.ctx = m;
    uint32_t magic = rd(m, VIRTIO_MMIO_MAGIC_VALUE);
    if (magic != VIRTIO_MMIO_MAGIC_VALUE_LE) {
        LOG_ERR("virtio-mmio: bad magic 0x%08x\n", (unsigned)magic);
        return false;
    }
    uint32_t version = rd(m, VIRTIO_MMIO_VERSION);
    if (version != VIRTIO_MMIO_VERSION_MODERN) {
        LOG_ERR("virtio-mmio: version %u, only version 2 (modern) is supported\n", (unsigned)version);
        return false;
    }
    uint32_t id = rd(m, VIRTIO_MMIO_DEVICE_ID);
    if (id != device_id) {
        LOG_ERR("virtio-mmio: device id %u, expected %u\n", (unsigned)id, (unsigned)device_id);
        return false;
    }
    return true;
}

/*
 * Direct register access. On Arm, device-memory accesses are not ordered
 * against normal-memory accesses by the inner-shareable barriers that C11
 * fences produce, so a write (e.g. QueueNotify after the avail index store)
 * is preceded, and a read (e.g. InterruptStatus before reading the used ring)
 * followed, by an outer-shareable barrier.
 */
static inline void io_barrier(void)
{
#if defined(__aarch64__)
    __asm__ volatile("dmb osh" ::: "memory");
#else
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
#endif
}

static uint32_t direct_read32(void *ctx, uint32_t offset)
{
    uint32_t value = *(volatile uint32_t *)((volatile uint8_t *)ctx + offset);
    io_barrier();
    return value;
}

static void direct_write32(void *ctx, uint32_t offset, uint32_t value)
{
    io_barrier();
    *(volatile uint32_t *)((volatile uint8_t *)ctx + offset) = value;
}

virtio_mmio_bus_t virtio_mmio_direct_bus(volatile void *base)
{
    virtio_mmio_bus_t bus = {.read32 = direct_read32, .write32 = direct_write32, .ctx = (void *)base};
    return bus;
}
