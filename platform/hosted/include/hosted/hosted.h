/*
 * What the hosted platform offers a PD beyond the OS seam (sddf/os.h): the
 * Linux objects behind its devices. Only hosted-specific code uses it (the
 * vhost-user transport of the GPU driver, the hosted timer PD); component
 * glue does not. See platform/hosted/README.md.
 */
#pragma once

#include <stdint.h>

#include <sddf/os.h>

/*
 * Makes `fd` a source of the irq on channel `ch` (an <irq> of this PD): while
 * the irq is unmasked and fd is readable, the runner delivers a notification
 * on ch and masks the irq until sddf_irq_ack(ch), as for a level-triggered
 * interrupt. The handler must consume what made fd readable. Several fds may
 * feed one irq. 0 on success, -1 if ch is not an irq of this PD.
 */
int hosted_irq_bind(sddf_channel_t ch, int fd);

/* The vhost-user socket to the device back-end, or -1 if this PD has none. */
int hosted_device_fd(void);

/*
 * A socket to a fresh device back-end: if the last one has ended, the runner
 * starts the back-end again on a new socket and hands this PD its end
 * (hosted_device_fd() then returns it). -1 if there is none to be had (the
 * back-end is still running, or cannot be restarted); the old socket is left
 * to the caller either way.
 */
int hosted_device_reconnect(void);

/*
 * The socket to the display process, for a vhost-user-gpu back-end (QEMU's)
 * that shows its scanouts through one (VHOST_USER_GPU_SET_SOCKET), or -1.
 * *scanouts: how many scanouts the display has (the front-end reports that
 * many when the back-end's configuration says none, as QEMU's front-end does).
 */
int hosted_display_fd(unsigned *scanouts);

/*
 * The memory the device may reach: every region that some PD names in a
 * <setvar region_paddr>, at its IO address (the qemu platform's physical
 * layout). The driver registers them with the back-end (SET_MEM_TABLE); it
 * need not map them itself.
 */
typedef struct hosted_dma_region {
    int fd; /* memfd of the region */
    uint64_t io;
    uint64_t size;
    const char *name;
} hosted_dma_region_t;

#define HOSTED_MAX_DMA 8 /* VHOST_MEMORY_BASELINE_NREGIONS */

/* Number of DMA regions, and region i (0 on success, -1 for a bad i). */
unsigned hosted_dma_count(void);
int hosted_dma_region(unsigned i, hosted_dma_region_t *out);
