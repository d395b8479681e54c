/*
 * virtio-mmio (version 2) behind the driver's transport interface.
 *
 * Registers are reached through a bus: two functions and a context. On real
 * hardware the bus is virtio_mmio_direct_bus() over the mapped register
 * window (volatile 32-bit accesses with device-memory barriers); tests plug in
 * a bus that calls a device model in-process, so the same register protocol
 * code runs in both.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "virtio_transport.h"

typedef struct virtio_mmio_bus {
    uint32_t (*read32)(void *ctx, uint32_t offset);
    void (*write32)(void *ctx, uint32_t offset, uint32_t value);
    void *ctx;
} virtio_mmio_bus_t;

typedef struct virtio_mmio {
    virtio_mmio_bus_t bus;
    virtio_transport_t transport; /* ctx points back at this struct */
} virtio_mmio_t;

/*
 * Checks magic, version 2 and `device_id` (logging the reason on mismatch)
 * and fills m->transport. Returns false if this is not the expected device.
 */
bool virtio_mmio_probe(virtio_mmio_t *m, const virtio_mmio_bus_t *bus, uint32_t device_id);

/* A bus over a register window mapped at `base`. */
virtio_mmio_bus_t virtio_mmio_direct_bus(volatile void *base);
