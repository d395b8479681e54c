/*
 * Configuration of the virtio-gpu driver protection domain, filled in by the
 * system build (symbol `gpu_driver_glue_config`) and checked at init().
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define GPU_DRIVER_GLUE_MAGIC   0x56444750u /* "PGDV" read as little-endian bytes: 'P' 'G' 'D' 'V' */
#define GPU_DRIVER_GLUE_VERSION 2u          /* 2: tick_channel, deadline_ticks */

/* tick_channel value meaning "no timer channel": no deadlines, no deferred re-initialisation. */
#define GPU_DRIVER_GLUE_NO_CHANNEL UINT32_MAX

/*
 * dma_io value meaning "the glue takes the DMA region's IO address from the
 * setvar symbol gpu_driver_dma_paddr", set by
 * <setvar symbol="gpu_driver_dma_paddr" region_paddr="..."/> in the driver
 * PD of the system description. On Microkit that address is only known once
 * the tool has placed the region, so a config built beforehand cannot hold it.
 */
#define GPU_DRIVER_GLUE_IO_SETVAR UINT64_MAX

typedef struct gpu_driver_glue_config {
    uint32_t magic;   /* GPU_DRIVER_GLUE_MAGIC */
    uint32_t version; /* GPU_DRIVER_GLUE_VERSION */
    /* Connection to the virtualiser. */
    uint64_t req_queue_vaddr;
    uint64_t resp_queue_vaddr;
    uint64_t info_vaddr;
    uint32_t req_capacity;
    uint32_t resp_capacity;
    uint32_t virt_channel;
    /* Device. */
    uint32_t irq_channel;
    uint64_t mmio_vaddr; /* virtio-mmio register window */
    uint64_t dma_vaddr;  /* DMA region: rings and command buffers */
    uint64_t dma_io;     /* its IO address as the device sees it, or GPU_DRIVER_GLUE_IO_SETVAR */
    uint64_t dma_size;
    uint32_t queue_size; /* control virtqueue entries wanted; 0 = default */
    /* Timer: the channel on which the timer PD (drivers/timer/arm) notifies once a second, or
     * GPU_DRIVER_GLUE_NO_CHANNEL. It must differ from virt_channel and irq_channel (else: logged, no ticks). */
    uint32_t tick_channel;
    uint32_t deadline_ticks; /* a command outstanding for more than this many ticks is a device fault; 0 = 3 */
    uint32_t _pad;
} gpu_driver_glue_config_t;

_Static_assert(sizeof(gpu_driver_glue_config_t) == 96, "gpu_driver_glue_config_t size");
_Static_assert(offsetof(gpu_driver_glue_config_t, tick_channel) == 84, "gpu_driver_glue_config_t tick_channel");

/* The setvar symbol read when dma_io is GPU_DRIVER_GLUE_IO_SETVAR (defined by the glue). */
extern uintptr_t gpu_driver_dma_paddr;

/* The DMA region's IO address that the glue gives the core for config `c`. */
uint64_t gpu_driver_glue_dma_io(const gpu_driver_glue_config_t *c);
