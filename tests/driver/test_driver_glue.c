/*
 * The driver's glue (gpu_driver_glue.c) against a recording OS seam and a
 * register window in plain memory: the DMA region's IO address comes from
 * the config or, for GPU_DRIVER_GLUE_IO_SETVAR, from the setvar symbol
 * gpu_driver_dma_paddr, and that address is what the device is given; a
 * bad config keeps the glue down; channels are dispatched, the timer's tick
 * channel included, and a tick channel that is none or clashes is refused.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <sddf/gpu/queue.h>
#define SDDF_LOG_COMPONENT "TEST"
#include <sddf/log.h>
#include <sddf/os.h>
#include <virtio/virtio_mmio.h>

#include "gpu_driver_glue.h"

extern gpu_driver_glue_config_t gpu_driver_glue_config;

#define CH_VIRT   0u
#define CH_IRQ    1u
#define CH_TICK   2u
#define CH_OTHER  7u
#define QCAP      16u
#define IO_SETVAR 0x4a0000000ull
#define IO_CONFIG 0x50000000ull
#define DMA_SIZE  (64u * 1024u)

static _Alignas(4096) uint8_t req_region[GPU_QUEUE_REGION_SIZE(QCAP, sizeof(gpu_req_t))];
static _Alignas(4096) uint8_t resp_region[GPU_QUEUE_REGION_SIZE(QCAP, sizeof(gpu_resp_t))];
static _Alignas(4096) gpu_info_region_t info_region;
static _Alignas(4096) uint8_t dma[DMA_SIZE];
static _Alignas(4096) uint32_t regs[VIRTIO_MMIO_REGION_SIZE / 4];

static uint64_t notified_mask; /* bit ch: sddf_notify or sddf_deferred_notify(ch) */
static uint64_t acked_mask;    /* bit ch: sddf_irq_ack(ch) */
static char last_log[256];
static char all_logs[8192]; /* every line since build_config() */

void sddf_notify(sddf_channel_t ch)
{
    notified_mask |= 1ull << ch;
}

void sddf_deferred_notify(sddf_channel_t ch)
{
    notified_mask |= 1ull << ch;
}

void sddf_irq_ack(sddf_channel_t ch)
{
    acked_mask |= 1ull << ch;
}

void sddf_cache_clean(uintptr_t start, uintptr_t end)
{
    (void)start;
    (void)end;
}

void sddf_cache_invalidate(uintptr_t start, uintptr_t end)
{
    (void)start;
    (void)end;
}

void sddf_log(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(last_log, sizeof(last_log), fmt, ap);
    va_end(ap);
    size_t used = strlen(all_logs);
    snprintf(all_logs + used, sizeof(all_logs) - used, "%s", last_log);
}

/* A register window that passes the probe and offers VERSION_1 (plain memory: reads return what was written). */
static void fake_device(void)
{
    memset(regs, 0, sizeof(regs));
    regs[VIRTIO_MMIO_MAGIC_VALUE / 4] = VIRTIO_MMIO_MAGIC_VALUE_LE;
    regs[VIRTIO_MMIO_VERSION / 4] = VIRTIO_MMIO_VERSION_MODERN;
    regs[VIRTIO_MMIO_DEVICE_ID / 4] = VIRTIO_ID_GPU;
    regs[VIRTIO_MMIO_DEVICE_FEATURES / 4] = 1u; /* both halves read 1: bit 32 is VERSION_1 */
    regs[VIRTIO_MMIO_QUEUE_NUM_MAX / 4] = 64u;
}

static void build_config(uint64_t dma_io)
{
    memset(req_region, 0, sizeof(req_region));
    memset(resp_region, 0, sizeof(resp_region));
    memset(&info_region, 0, sizeof(info_region));
    fake_device();
    gpu_driver_glue_config = (gpu_driver_glue_config_t){
            .magic = GPU_DRIVER_GLUE_MAGIC,
            .version = GPU_DRIVER_GLUE_VERSION,
            .req_queue_vaddr = (uintptr_t)req_region,
            .resp_queue_vaddr = (uintptr_t)resp_region,
            .info_vaddr = (uintptr_t)&info_region,
            .req_capacity = QCAP,
            .resp_capacity = QCAP,
            .virt_channel = CH_VIRT,
            .irq_channel = CH_IRQ,
            .mmio_vaddr = (uintptr_t)regs,
            .dma_vaddr = (uintptr_t)dma,
            .dma_io = dma_io,
            .dma_size = DMA_SIZE,
            .tick_channel = CH_TICK,
    };
    gpu_driver_dma_paddr = IO_SETVAR;
    notified_mask = 0;
    acked_mask = 0;
    last_log[0] = '\0';
    all_logs[0] = '\0';
}

static uint64_t reg64(uint32_t low_off, uint32_t high_off)
{
    return (uint64_t)regs[high_off / 4] << 32 | regs[low_off / 4];
}

/* The control queue's three ring addresses lie inside [io, io + DMA_SIZE). */
static void assert_rings_at(uint64_t io)
{
    uint64_t addrs[3] = {
            reg64(VIRTIO_MMIO_QUEUE_DESC_LOW, VIRTIO_MMIO_QUEUE_DESC_HIGH),
            reg64(VIRTIO_MMIO_QUEUE_DRIVER_LOW, VIRTIO_MMIO_QUEUE_DRIVER_HIGH),
            reg64(VIRTIO_MMIO_QUEUE_DEVICE_LOW, VIRTIO_MMIO_QUEUE_DEVICE_HIGH),
    };
    for (unsigned i = 0; i < 3; i++) {
        assert_true(addrs[i] >= io);
        assert_true(addrs[i] < io + DMA_SIZE);
    }
}

static void test_dma_io_from_config(void **state)
{
    (void)state;
    build_config(IO_CONFIG);
    assert_int_equal(gpu_driver_glue_dma_io(&gpu_driver_glue_config), IO_CONFIG);
    init();
    assert_int_equal(regs[VIRTIO_MMIO_QUEUE_READY / 4], 1);
    assert_rings_at(IO_CONFIG);
}

static void test_dma_io_from_setvar(void **state)
{
    (void)state;
    build_config(GPU_DRIVER_GLUE_IO_SETVAR);
    assert_int_equal(gpu_driver_glue_dma_io(&gpu_driver_glue_config), IO_SETVAR);
    init();
    assert_int_equal(regs[VIRTIO_MMIO_QUEUE_READY / 4], 1);
    assert_rings_at(IO_SETVAR);
}

/* An unaligned setvar value is refused by the core: the device is never given rings. */
static void test_bad_setvar_refused(void **state)
{
    (void)state;
    build_config(GPU_DRIVER_GLUE_IO_SETVAR);
    gpu_driver_dma_paddr = IO_SETVAR + 4;
    init();
    assert_non_null(strstr(last_log, "GPU_DRV|ERROR"));
    assert_int_equal(regs[VIRTIO_MMIO_QUEUE_READY / 4], 0);
    notified(CH_IRQ);
    assert_int_equal(acked_mask, 0);
}

static void test_bad_magic_keeps_glue_down(void **state)
{
    (void)state;
    build_config(IO_CONFIG);
    gpu_driver_glue_config.magic ^= 1u;
    init();
    assert_non_null(strstr(last_log, "GPU_DRV|ERROR"));
    assert_int_equal(regs[VIRTIO_MMIO_STATUS / 4], 0);
    notified(CH_IRQ);
    notified(CH_VIRT);
    assert_int_equal(acked_mask, 0);
    assert_int_equal(notified_mask, 0);
}

static void test_channels_dispatched(void **state)
{
    (void)state;
    build_config(GPU_DRIVER_GLUE_IO_SETVAR);
    init();
    notified(CH_IRQ);
    assert_int_equal(acked_mask, 1ull << CH_IRQ);
    last_log[0] = '\0';
    notified(CH_OTHER);
    assert_non_null(strstr(last_log, "GPU_DRV|WARN"));
    assert_int_equal(acked_mask, 1ull << CH_IRQ);
}

/* The tick channel reaches the core: not an unknown channel, and no warning at init. */
static void test_tick_dispatched(void **state)
{
    (void)state;
    build_config(IO_CONFIG);
    init();
    assert_null(strstr(all_logs, "tick channel"));
    all_logs[0] = '\0';
    notified(CH_TICK);
    notified(CH_TICK);
    assert_null(strstr(all_logs, "unknown channel"));
}

/* GPU_DRIVER_GLUE_NO_CHANNEL: said once at init; a notification on that channel is then an unknown one. */
static void test_no_tick_channel(void **state)
{
    (void)state;
    build_config(IO_CONFIG);
    gpu_driver_glue_config.tick_channel = GPU_DRIVER_GLUE_NO_CHANNEL;
    init();
    assert_non_null(strstr(all_logs, "GPU_DRV|INFO: no tick channel"));
    notified(CH_TICK);
    assert_non_null(strstr(last_log, "GPU_DRV|WARN: notification on unknown channel 2"));
}

/*
 * A tick channel equal to another channel of the driver (what a config
 * written before tick_channel existed gets: 0, often the virtualiser's) is
 * refused with a warning; that channel keeps its own meaning.
 */
static void test_tick_channel_clash(void **state)
{
    (void)state;
    const uint32_t clashes[] = {CH_VIRT, CH_IRQ, 64};
    for (size_t i = 0; i < sizeof(clashes) / sizeof(clashes[0]); i++) {
        build_config(IO_CONFIG);
        gpu_driver_glue_config.tick_channel = clashes[i];
        init();
        assert_non_null(strstr(all_logs, "is not a channel of its own"));
        notified(CH_IRQ);
        assert_int_equal(acked_mask, 1ull << CH_IRQ); /* the irq channel still acks its irq */
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_dma_io_from_config),  cmocka_unit_test(test_dma_io_from_setvar),
            cmocka_unit_test(test_bad_setvar_refused),  cmocka_unit_test(test_bad_magic_keeps_glue_down),
            cmocka_unit_test(test_channels_dispatched), cmocka_unit_test(test_tick_dispatched),
            cmocka_unit_test(test_no_tick_channel),     cmocka_unit_test(test_tick_channel_clash),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
