#include "fake_transport.h"

#include <stddef.h>
#include <stdlib.h>

#include <virtio/virtio_gpu.h>
#include <virtio/virtio_mmio.h>

uint8_t *fake_transport_dma(const fake_transport_t *ft, uint64_t io, uint64_t len)
{
    if (io < ft->dma_io || io - ft->dma_io > ft->dma_size || len > ft->dma_size - (io - ft->dma_io)) {
        return NULL;
    }
    return ft->dma + (io - ft->dma_io);
}

virtq_desc_t *fake_transport_desc(const fake_transport_t *ft, uint16_t i)
{
    return (virtq_desc_t *)fake_transport_dma(ft, ft->desc_io[0] + (uint64_t)i * sizeof(virtq_desc_t),
                                              sizeof(virtq_desc_t));
}

void fake_transport_return_all(fake_transport_t *ft, uint32_t (*answer)(void *arg, uint16_t head), void *arg)
{
    uint32_t size = ft->size[0];
    if (size == 0) {
        return;
    }
    virtq_avail_t *avail = (virtq_avail_t *)fake_transport_dma(ft, ft->avail_io[0], VIRTQ_AVAIL_BYTES(size));
    virtq_used_t *used = (virtq_used_t *)fake_transport_dma(ft, ft->used_io[0], VIRTQ_USED_BYTES(size));
    uint16_t avail_idx = __atomic_load_n(&avail->idx, __ATOMIC_ACQUIRE);
    while (ft->last_avail != avail_idx) {
        uint16_t head = avail->ring[ft->last_avail % size];
        ft->last_avail++;
        virtq_used_elem_t e = {.id = head, .len = answer(arg, head)};
        used->ring[used->idx % size] = e;
        __atomic_store_n(&used->idx, (uint16_t)(used->idx + 1), __ATOMIC_RELEASE);
        ft->cause |= VIRTIO_MMIO_INT_VRING;
    }
}

bool fake_transport_take_cursor(fake_transport_t *ft, uint16_t *head)
{
    uint32_t size = ft->size[1];
    if (size == 0) {
        return false;
    }
    virtq_avail_t *avail = (virtq_avail_t *)fake_transport_dma(ft, ft->avail_io[1], VIRTQ_AVAIL_BYTES(size));
    /* Acquire: pairs with the driver's V1 release of avail->idx, so the ring entry and descriptor are visible. */
    if (ft->cursor_last_avail == __atomic_load_n(&avail->idx, __ATOMIC_ACQUIRE)) {
        return false;
    }
    *head = avail->ring[ft->cursor_last_avail % size];
    ft->cursor_last_avail++;
    const virtq_desc_t *d = (const virtq_desc_t *)fake_transport_dma(
            ft, ft->desc_io[1] + (uint64_t)(*head % size) * sizeof(virtq_desc_t), sizeof(virtq_desc_t));
    if (*head >= size || d->flags != 0 || d->len < sizeof(virtio_gpu_update_cursor_t) ||
        fake_transport_dma(ft, d->addr, d->len) == NULL) {
        abort(); /* a cursor command is one device-readable buffer inside the DMA region */
    }
    return true;
}

void fake_transport_return_cursor(fake_transport_t *ft)
{
    uint16_t head;
    while (fake_transport_take_cursor(ft, &head)) {
        uint32_t size = ft->size[1];
        virtq_used_t *used = (virtq_used_t *)fake_transport_dma(ft, ft->used_io[1], VIRTQ_USED_BYTES(size));
        used->ring[used->idx % size] = (virtq_used_elem_t){.id = head, .len = 0};
        /* Release: the element before the index; pairs with the driver's V3 acquire of used->idx. */
        __atomic_store_n(&used->idx, (uint16_t)(used->idx + 1), __ATOMIC_RELEASE);
        ft->cause |= VIRTIO_MMIO_INT_VRING;
    }
}

static uint32_t ft_get_status(void *ctx)
{
    return ((fake_transport_t *)ctx)->status;
}

static void ft_set_status(void *ctx, uint32_t s)
{
    fake_transport_t *ft = ctx;
    ft->status = s;
    if (s == 0) { /* a reset: the device forgets its queues and pending interrupt */
        ft->size[0] = ft->size[1] = 0;
        ft->last_avail = 0;
        ft->cursor_last_avail = 0;
        ft->cause = 0;
    }
}

static uint64_t ft_get_features(void *ctx)
{
    return ((fake_transport_t *)ctx)->features;
}

static void ft_set_features(void *ctx, uint64_t f)
{
    (void)ctx;
    (void)f;
}

static uint32_t ft_queue_max(void *ctx, uint32_t q)
{
    (void)q;
    return ((fake_transport_t *)ctx)->queue_max;
}

static void ft_queue_enable(void *ctx, uint32_t q, uint32_t size, uint64_t desc, uint64_t avail, uint64_t used)
{
    fake_transport_t *ft = ctx;
    if (q > 1 || size == 0 || size > ft->queue_max || fake_transport_dma(ft, desc, VIRTQ_DESC_BYTES(size)) == NULL ||
        fake_transport_dma(ft, avail, VIRTQ_AVAIL_BYTES(size)) == NULL ||
        fake_transport_dma(ft, used, VIRTQ_USED_BYTES(size)) == NULL) {
        abort(); /* the driver set up a queue outside its DMA region or above QueueNumMax */
    }
    ft->size[q] = size;
    if (q == 0) {
        ft->last_avail = 0; /* a queue enabled afresh (after a reset) starts at ring index 0 */
    } else {
        ft->cursor_last_avail = 0;
    }
    ft->desc_io[q] = desc;
    ft->avail_io[q] = avail;
    ft->used_io[q] = used;
}

static void ft_notify(void *ctx, uint32_t q)
{
    (void)ctx;
    if (q != VIRTIO_GPU_QUEUE_CONTROL && q != VIRTIO_GPU_QUEUE_CURSOR) {
        abort();
    }
}

static uint32_t ft_interrupt_take(void *ctx)
{
    fake_transport_t *ft = ctx;
    uint32_t c = ft->cause;
    ft->cause = 0;
    return c;
}

static uint32_t ft_config_read(void *ctx, uint32_t off)
{
    fake_transport_t *ft = ctx;
    if (off == offsetof(virtio_gpu_config_t, events_read)) {
        return ft->events;
    }
    if (off == offsetof(virtio_gpu_config_t, num_scanouts)) {
        return ft->num_scanouts;
    }
    return ft->config_read != NULL ? ft->config_read(ft->config_arg, off) : 0;
}

static void ft_config_write(void *ctx, uint32_t off, uint32_t v)
{
    fake_transport_t *ft = ctx;
    if (off == offsetof(virtio_gpu_config_t, events_clear)) {
        ft->events &= ~v;
    }
}

const virtio_transport_ops_t fake_transport_ops = {
        .get_status = ft_get_status,
        .set_status = ft_set_status,
        .get_device_features = ft_get_features,
        .set_driver_features = ft_set_features,
        .queue_max_size = ft_queue_max,
        .queue_enable = ft_queue_enable,
        .queue_notify = ft_notify,
        .interrupt_take = ft_interrupt_take,
        .config_read32 = ft_config_read,
        .config_write32 = ft_config_write,
};
