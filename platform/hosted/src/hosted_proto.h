/*
 * The control protocol between the hosted runner and each PD process: one
 * SOCK_SEQPACKET socket per PD, one hosted_msg_t per packet, at most one file
 * descriptor attached (SCM_RIGHTS). See platform/hosted/README.md.
 *
 * Runner -> PD, before init: the plan (PLAN_*), ended by PLAN_END. Then
 * INIT once, RUN for each batch of notifications, FAULT for a child's
 * death (include/microkit.h), RESUME after a PREEMPT.
 * PD -> runner: DONE at the end of init() or of a batch, PREEMPT after a
 * notify to a PD of higher priority (the PD then waits for RESUME),
 * IRQ_BIND to make a file descriptor the source of an irq channel, IRQ_ACK,
 * PD_STOP and PD_RESTART for a child, FAULT_INFO from a dying PD,
 * DEVICE_CONNECT from the device PD for a fresh back-end (answered with a
 * PLAN_DEVICE, with the socket or, if none is to be had, without an fd).
 *
 * Both ends are our own code, but a PD may be buggy or hostile: the runner
 * checks every field of every message it receives.
 */
#pragma once

#include <stdint.h>

#define HOSTED_NAME_MAX 64
#define HOSTED_MAX_CH   63 /* channel and irq ids 0..61 (Microkit 2.x), as sdfgen checks */

/* The PD's end of its control socket, set up by the runner before exec. */
#define HOSTED_CTL_FD 3

typedef enum {
    /* runner -> PD */
    HOSTED_PLAN_MAP = 1,           /* fd: memfd; a vaddr, b size, c perms (SDF_PERM_*); name: region */
    HOSTED_PLAN_NOTIFY = 2,        /* fd: peer's eventfd; ch: our channel id; a: peer priority */
    HOSTED_PLAN_IRQ = 3,           /* ch: channel id; a: irq number */
    HOSTED_PLAN_SETVAR = 4,        /* name: symbol; a: value */
    HOSTED_PLAN_DMA = 5,           /* fd: memfd; a: IO address, b: size; name: region (the device's memory) */
    HOSTED_PLAN_DEVICE = 6,        /* fd: vhost-user socket to the device back-end */
    HOSTED_PLAN_END = 7,           /* a: our priority; name: our PD name */
    HOSTED_PLAN_SETVAR_VADDR = 12, /* name: symbol; the address where the last PLAN_MAP's region was mapped */
    HOSTED_PLAN_DISPLAY = 13,      /* fd: socket to the display process (vhost-user-gpu); a: its scanouts */
    HOSTED_INIT = 8,
    HOSTED_RUN = 9, /* a: the pending channels, bit n for channel n */
    HOSTED_RESUME = 10,
    HOSTED_FAULT = 11, /* ch: child id; a: label (include/microkit.h), b: address or signal, c: instruction */
    /* PD -> runner */
    HOSTED_DONE = 20,
    HOSTED_PREEMPT = 21,
    HOSTED_IRQ_BIND = 22,       /* fd: readable means the irq fired; ch: the irq channel */
    HOSTED_IRQ_ACK = 23,        /* ch: the irq channel */
    HOSTED_FAULT_INFO = 24,     /* sent from a SIGSEGV/SIGBUS handler: ch signal, a address, b instruction */
    HOSTED_PD_STOP = 25,        /* ch: child id */
    HOSTED_PD_RESTART = 26,     /* ch: child id */
    HOSTED_DEVICE_CONNECT = 27, /* the device PD: a fresh back-end if the last one died (reply: PLAN_DEVICE) */
} hosted_msg_type_t;

typedef struct hosted_msg {
    uint32_t type;
    uint32_t ch;
    uint64_t a, b, c;
    char name[HOSTED_NAME_MAX];
} hosted_msg_t;

_Static_assert(sizeof(hosted_msg_t) == 96, "hosted_msg_t size");

/* Send one message, with fd attached unless fd < 0. 0 on success, -1 on error (errno). */
int hosted_msg_send(int sock, const hosted_msg_t *m, int fd);

/* Receive one message and its fd (-1 if none; extra fds are closed). 1 on success, 0 on end of file,
 * -1 on error or a packet of the wrong size. */
int hosted_msg_recv(int sock, hosted_msg_t *m, int *fd);
