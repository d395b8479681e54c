/*
 * vgpu-backend: our virtio-gpu device model (devices/virtio-gpu) as a
 * vhost-user back-end process. The model keeps its virtio-mmio register
 * interface; this process translates vhost-user messages into register
 * accesses, guest memory into the regions of SET_MEM_TABLE, kicks into
 * QueueNotify and the model's interrupts into the call eventfds and
 * CONFIG_CHANGE_MSG. See platform/hosted/README.md.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <virtio/vhost_user.h>

#include "vgpu_model.h"

#define BE_QUEUES 2u

typedef struct {
    uint8_t *ptr; /* the back-end's mapping of the whole fd (offset included) */
    size_t maplen;
    uint64_t gpa, size, uaddr, offset;
} be_region_t;

typedef struct {
    int fd; /* -1: not started */
    uint32_t num;
    uint64_t desc, avail, used; /* IO addresses */
} be_ring_t;

typedef struct backend {
    int sock;        /* vhost-user, to the front-end */
    int backend_req; /* back-end requests to the front-end, -1 if none */
    int call[BE_QUEUES];
    be_ring_t ring[BE_QUEUES];
    uint64_t protocol;
    be_region_t regions[VHOST_USER_MAX_REGIONS];
    unsigned nregions;
    vgpu_model_t *model;
    uint32_t num_scanouts;
    bool ended; /* the front-end hung up or broke the protocol */
} backend_t;

/* vu_server.c */
void *be_translate(void *ctx, uint64_t io, uint64_t len);
void be_message(backend_t *b); /* one message from the front-end */
void be_kick(backend_t *b, unsigned q);
void be_deliver_interrupts(backend_t *b);
void be_reset_rings(backend_t *b);
