/*
 * The driver protection domain: init() and notified() over the OS seam.
 * Everything else is in the core (gpu_driver*.c) and the MMIO transport.
 */
#include <stdbool.h>
#include <stdint.h>

#include <sddf/os.h>
#include <virtio/virtio_mmio.h>

#include "gpu_driver.h"
#include "gpu_driver_glue.h"
#include "virtio_mmio_transport.h"
#ifdef GPU_DRIVER_VHOST_USER
#include "virtio_vhost_user_transport.h"
#endif

#define SDDF_LOG_COMPONENT "GPU_DRV"
#include <sddf/log.h>

/* Filled in by the system build. */
gpu_driver_glue_config_t gpu_driver_glue_config __attribute__((section(".gpu_driver_config")));

/* Set by <setvar region_paddr> (the Microkit tool, or the qemu runtime); see GPU_DRIVER_GLUE_IO_SETVAR. */
uintptr_t gpu_driver_dma_paddr;

static gpu_driver_t driver;
#ifdef GPU_DRIVER_VHOST_USER
static virtio_vhost_user_t vhost;
#else
static virtio_mmio_t mmio;
#endif
static bool usable;
static bool ticked; /* the config names a usable tick channel */

#if defined(__aarch64__)
static uint64_t counter_hz; /* CNTFRQ_EL0, read once at init() */

/* The Arm generic counter (readable at EL0 on seL4: CONFIG_EXPORT_PCNT_USER) in nanoseconds. */
static uint64_t counter_ns(void *ctx)
{
    (void)ctx;
    uint64_t count;
    __asm__ volatile("isb; mrs %0, cntpct_el0" : "=r"(count)::"memory");
    return (count / counter_hz) * 1000000000u + (count % counter_hz) * 1000000000u / counter_hz;
}

static gpu_driver_clock_t glue_clock(void)
{
    __asm__ volatile("mrs %0, cntfrq_el0" : "=r"(counter_hz));
    if (counter_hz == 0 || counter_hz > 10000000000u) { /* 0: not programmed; above 10 GHz: the sum could overflow */
        LOG_WARN("counter frequency %llu Hz unusable: reset waits are bounded by reads, not time\n",
                 (unsigned long long)counter_hz);
        return (gpu_driver_clock_t){0};
    }
    return (gpu_driver_clock_t){.now_ns = counter_ns};
}
#else
/* Host builds of the glue (compile and seam tests) have no counter: the core bounds reset waits by reads. */
static gpu_driver_clock_t glue_clock(void)
{
    return (gpu_driver_clock_t){0};
}
#endif

uint64_t gpu_driver_glue_dma_io(const gpu_driver_glue_config_t *c)
{
    return c->dma_io == GPU_DRIVER_GLUE_IO_SETVAR ? (uint64_t)gpu_driver_dma_paddr : c->dma_io;
}

/* A tick channel is usable if it is a channel id and not one of the driver's other two channels. */
static bool tick_channel_usable(const gpu_driver_glue_config_t *c)
{
    if (c->tick_channel == GPU_DRIVER_GLUE_NO_CHANNEL) {
        LOG_INFO("no tick channel: no command deadlines, no retries after a failed recovery\n");
        return false;
    }
    if (c->tick_channel >= 64 || c->tick_channel == c->virt_channel || c->tick_channel == c->irq_channel) {
        LOG_WARN("tick channel %u is not a channel of its own (virtualiser %u, irq %u): running without ticks\n",
                 (unsigned)c->tick_channel, (unsigned)c->virt_channel, (unsigned)c->irq_channel);
        return false;
    }
    return true;
}

/* The device's transport: the virtio-mmio registers, or on platform/hosted a vhost-user back-end. */
static virtio_transport_t *probe_device(const gpu_driver_glue_config_t *c)
{
#ifdef GPU_DRIVER_VHOST_USER
    return virtio_vhost_user_probe(&vhost, c->irq_channel) ? &vhost.transport : NULL;
#else
    virtio_mmio_bus_t bus = virtio_mmio_direct_bus((volatile void *)(uintptr_t)c->mmio_vaddr);
    return virtio_mmio_probe(&mmio, &bus, VIRTIO_ID_GPU) ? &mmio.transport : NULL;
#endif
}

static gpu_driver_config_t core_config(const gpu_driver_glue_config_t *c, virtio_transport_t *transport)
{
    gpu_driver_config_t cfg = {
            .transport = transport,
            .req_queue = (void *)(uintptr_t)c->req_queue_vaddr,
            .req_capacity = c->req_capacity,
            .resp_queue = (void *)(uintptr_t)c->resp_queue_vaddr,
            .resp_capacity = c->resp_capacity,
            .info = (gpu_info_region_t *)(uintptr_t)c->info_vaddr,
            .dma_vaddr = (void *)(uintptr_t)c->dma_vaddr,
            .dma_io = gpu_driver_glue_dma_io(c),
            .dma_size = c->dma_size,
            .queue_size = c->queue_size,
            .clock = glue_clock(),
            .ticked = ticked,
            .deadline_ticks = c->deadline_ticks,
    };
    return cfg;
}

static void signal_virt(void)
{
    if (gpu_driver_take_signal(&driver)) {
        sddf_deferred_notify(gpu_driver_glue_config.virt_channel);
    }
}

void init(void)
{
    const gpu_driver_glue_config_t *c = &gpu_driver_glue_config;
    if (c->magic != GPU_DRIVER_GLUE_MAGIC || c->version != GPU_DRIVER_GLUE_VERSION) {
        LOG_ERR("config magic 0x%08x version %u: not a driver config of version %u\n", (unsigned)c->magic,
                (unsigned)c->version, (unsigned)GPU_DRIVER_GLUE_VERSION);
        return;
    }
    virtio_transport_t *transport = probe_device(c); /* NULL: no device, the core answers DEVICE_ERROR */
    ticked = tick_channel_usable(c);
    gpu_driver_config_t cfg = core_config(c, transport);
    LOG_INFO("DMA region: IO address 0x%llx, at 0x%lx, %llu bytes\n", (unsigned long long)cfg.dma_io,
             (unsigned long)c->dma_vaddr, (unsigned long long)cfg.dma_size);
    usable = gpu_driver_init(&driver, &cfg) != GPU_DRIVER_INIT_BAD_CONFIG;
    if (usable) {
        gpu_driver_handle_requests(&driver);
        signal_virt();
    }
}

void notified(sddf_channel_t ch)
{
    if (!usable) {
        return;
    }
    if (ch == gpu_driver_glue_config.irq_channel) {
        gpu_driver_handle_irq(&driver);
        sddf_irq_ack(ch);
    } else if (ch == gpu_driver_glue_config.virt_channel) {
        gpu_driver_handle_requests(&driver);
    } else if (ticked && ch == gpu_driver_glue_config.tick_channel) {
        gpu_driver_tick(&driver);
    } else {
        LOG_WARN("notification on unknown channel %u\n", (unsigned)ch);
    }
    signal_virt();
}
