/*
 * The transport interface of the virtio-gpu driver: everything the
 * transport-neutral core needs from virtio-mmio, virtio-pci or vhost-user.
 *
 * A transport is a table of operations plus an opaque context. The core calls
 * nothing else that touches the device's registers; rings and buffers live in
 * DMA memory that the core owns. Every value an operation returns comes from
 * the device and is untrusted: the core range-checks it.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

typedef struct virtio_transport_ops {
    /* Device status register (VIRTIO_STATUS_*). Writing 0 starts a reset. */
    uint32_t (*get_status)(void *ctx);
    void (*set_status)(void *ctx, uint32_t status);
    /* All 64 offered feature bits; the 64 accepted ones. */
    uint64_t (*get_device_features)(void *ctx);
    void (*set_driver_features)(void *ctx, uint64_t features);
    /* Largest size of queue `queue`, 0 if absent or already enabled. */
    uint32_t (*queue_max_size)(void *ctx, uint32_t queue);
    /* Give the device queue `queue` of `size` entries at these IO addresses and enable it. */
    void (*queue_enable)(void *ctx, uint32_t queue, uint32_t size, uint64_t desc, uint64_t avail, uint64_t used);
    /* Tell the device that queue `queue` has new available buffers. */
    void (*queue_notify)(void *ctx, uint32_t queue);
    /* Read the interrupt cause and acknowledge exactly the defined bits that were set; returns those bits
     * (VIRTIO_MMIO_INT_* on every transport). */
    uint32_t (*interrupt_take)(void *ctx);
    /* 32-bit access to device configuration space at byte `offset`. */
    uint32_t (*config_read32)(void *ctx, uint32_t offset);
    void (*config_write32)(void *ctx, uint32_t offset, uint32_t value);
} virtio_transport_ops_t;

typedef struct virtio_transport {
    const virtio_transport_ops_t *ops;
    void *ctx;
} virtio_transport_t;
