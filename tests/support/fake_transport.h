/*
 * A fake virtio transport for programs that run the driver core without the
 * device model (bench/driver, fuzz/driver): the registers are fields of a
 * struct, the rings live in a DMA buffer the program owns, and the program
 * plays the device through fake_transport_return_all() or on its own.
 *
 * The transport checks what the driver asks of it and aborts if the driver
 * gets it wrong: a queue other than control/cursor, of size 0 or above
 * queue_max, or with a ring outside the DMA region; a notification on any
 * queue but those two; a cursor command that is not one device-readable
 * buffer of a whole virtio_gpu_update_cursor inside the DMA region.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <virtio/virtio_ring.h>

#include "virtio_transport.h"

typedef struct fake_transport {
    /* Set by the program. */
    uint8_t *dma;
    uint64_t dma_io;
    uint64_t dma_size;
    uint64_t features;     /* offered device features */
    uint32_t queue_max;    /* QueueNumMax of every queue */
    uint32_t num_scanouts; /* config space num_scanouts */
    /* Reads of any other config field but events_read; NULL reads 0. */
    uint32_t (*config_read)(void *arg, uint32_t offset);
    void *config_arg;
    /* Device state. */
    uint32_t status;
    uint32_t size[2]; /* per queue (control, cursor); 0 until enabled */
    uint64_t desc_io[2], avail_io[2], used_io[2];
    uint32_t cause;             /* interrupt cause: interrupt_take reads and clears it */
    uint32_t events;            /* config events_read; events_clear clears bits */
    uint16_t last_avail;        /* control queue: the next available entry the device takes */
    uint16_t cursor_last_avail; /* the same for the cursor queue */
} fake_transport_t;

extern const virtio_transport_ops_t fake_transport_ops;

/* [io, io+len) in the DMA region, or NULL if any of it lies outside. */
uint8_t *fake_transport_dma(const fake_transport_t *ft, uint64_t io, uint64_t len);

/* Descriptor `i` of the control queue (the caller keeps i below its size). */
virtq_desc_t *fake_transport_desc(const fake_transport_t *ft, uint16_t i);

/*
 * The honest device: returns every control-queue chain made available and
 * not yet taken, in order, one used element each, with the length that
 * answer(arg, head) returns after writing the response. Raises the used
 * ring interrupt if it returned any.
 */
void fake_transport_return_all(fake_transport_t *ft, uint32_t (*answer)(void *arg, uint16_t head), void *arg);

/*
 * The cursor queue's next available chain, checked (see above) and taken:
 * true with its head in *head, false if there is none. The caller publishes
 * a used element for it (or not) as it likes.
 */
bool fake_transport_take_cursor(fake_transport_t *ft, uint16_t *head);

/* The honest device on the cursor queue: every chain returned, in order, with used length 0 (as QEMU). */
void fake_transport_return_cursor(fake_transport_t *ft);
