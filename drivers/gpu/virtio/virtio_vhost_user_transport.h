/*
 * vhost-user behind the driver's transport interface (platform/hosted): the
 * device is a back-end process reached over a Unix socket, its rings and
 * buffers live in the memory regions the transport registers with it
 * (SET_MEM_TABLE), kicks and used-buffer interrupts are eventfds, and
 * configuration changes arrive as back-end requests. Every reply is
 * untrusted; a back-end that stops answering is treated as lost (status
 * DEVICE_NEEDS_RESET, no more messages). See platform/hosted/README.md for
 * the message sequence.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "virtio_transport.h"

#define VIRTIO_VHOST_USER_QUEUES 2u /* virtio-gpu: control and cursor */

typedef struct virtio_vhost_user {
    int sock;        /* to the back-end */
    int backend_req; /* our end of the back-end's request socket, -1 without BACKEND_REQ */
    int call;        /* used-buffer eventfd of both rings, a source of the irq */
    int kick[VIRTIO_VHOST_USER_QUEUES];
    uint64_t device_features; /* offered, VHOST_USER_F_PROTOCOL_FEATURES removed */
    uint64_t driver_features;
    uint64_t protocol; /* negotiated protocol features */
    uint32_t status;   /* what the driver set, when the back-end does not keep a status */
    int display;       /* for a vhost-user-gpu back-end: the display socket to hand it, -1 if none */
    unsigned display_scanouts;
    bool lost;
    unsigned irq_ch;              /* the irq its sockets and eventfd feed */
    virtio_transport_t transport; /* ctx points back at this struct */
} virtio_vhost_user_t;

/*
 * Connects to the platform's back-end (hosted_device_fd()), makes its
 * used-buffer eventfd and request socket sources of irq channel `irq_ch`,
 * negotiates the protocol features and fills vu->transport. Returns false
 * (logging why) if there is no usable back-end.
 */
bool virtio_vhost_user_probe(virtio_vhost_user_t *vu, unsigned irq_ch);
