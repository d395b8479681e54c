/*
 * Initialisation and feature negotiation: the feature variants a device may
 * offer, every way initialisation can fail (device left reset, requests
 * answered with DEVICE_ERROR), bad configurations, and runtime device failure.
 */
#include "driver_test.h"

#define F(bit) VIRTIO_FEATURE_BIT(bit)
#define ALL_STATUS                                                                                                     \
    (VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK)

static vgpu_harness_t *make(uint64_t features, uint32_t queue_num_max)
{
    vh_options_t opt;
    vh_options_default(&opt);
    opt.model.features = features;
    if (queue_num_max != 0) {
        opt.model.queue_num_max = queue_num_max;
    }
    vgpu_harness_t *h = vh_create(&opt);
    assert_non_null(h);
    return h;
}

static uint64_t device_commands(vgpu_harness_t *h)
{
    vgpu_model_stats_t st;
    vgpu_model_stats(h->model, &st);
    return st.commands;
}

static void test_full_features(void **state)
{
    (void)state;
    vgpu_harness_t *h = make(F(VIRTIO_F_VERSION_1) | F(VIRTIO_GPU_F_RESOURCE_BLOB) | F(VIRTIO_GPU_F_EDID), 0);
    assert_int_equal(h->init_result, GPU_DRIVER_INIT_OK);
    assert_int_equal(vgpu_model_status(h->model), ALL_STATUS);
    assert_int_equal(gpu_driver_features(h->drv), GPU_FEATURE_BLOB | GPU_FEATURE_EDID);
    vh_destroy(h);
}

/* Features the driver does not know (VIRGL, CONTEXT_INIT, EVENT_IDX...) are declined; init still succeeds. */
static void test_unknown_features_declined(void **state)
{
    (void)state;
    vgpu_harness_t *h = make(F(VIRTIO_F_VERSION_1) | F(VIRTIO_GPU_F_VIRGL) | F(VIRTIO_GPU_F_CONTEXT_INIT) |
                                     F(VIRTIO_F_EVENT_IDX) | F(VIRTIO_F_INDIRECT_DESC),
                             0);
    assert_int_equal(h->init_result, GPU_DRIVER_INIT_OK);
    assert_int_equal(h->drv->features, F(VIRTIO_F_VERSION_1));
    assert_int_equal(gpu_driver_features(h->drv), 0);
    vh_destroy(h);
}

static void test_no_blob(void **state)
{
    (void)state;
    vgpu_harness_t *h = make(F(VIRTIO_F_VERSION_1) | F(VIRTIO_GPU_F_EDID), 0);
    assert_int_equal(h->init_result, GPU_DRIVER_INIT_OK);
    gpu_req_t d = vh_req_display_info(1);
    assert_int_equal(vh_call(h, &d), GPU_STATUS_OK);
    assert_int_equal(h->info->display.features, GPU_FEATURE_EDID);
    uint64_t before = device_commands(h);
    gpu_req_t c = vh_req_create_blob(2, 1, VH_DATA_IO, 4096);
    assert_int_equal(vh_call(h, &c), GPU_STATUS_UNSUPPORTED);
    gpu_req_t s = vh_req_set_scanout_blob(3, 0, 1, vh_rect(0, 0, 16, 16), GPU_FORMAT_B8G8R8X8_UNORM, 16, 16, 64, 0);
    assert_int_equal(vh_call(h, &s), GPU_STATUS_UNSUPPORTED);
    assert_int_equal(device_commands(h), before); /* neither reached the device */
    dt_make_2d(h, 1, 16, 16, VH_DATA_IO, 0);      /* 2D still works */
    vh_destroy(h);
}

static void test_no_edid(void **state)
{
    (void)state;
    vgpu_harness_t *h = make(F(VIRTIO_F_VERSION_1) | F(VIRTIO_GPU_F_RESOURCE_BLOB), 0);
    assert_int_equal(h->init_result, GPU_DRIVER_INIT_OK);
    gpu_req_t d = vh_req_display_info(1);
    assert_int_equal(vh_call(h, &d), GPU_STATUS_OK);
    assert_int_equal(h->info->display.features, GPU_FEATURE_BLOB);
    vh_destroy(h);
}

/* Every request of a driver whose device failed gets DEVICE_ERROR (unknown codes: UNSUPPORTED). */
static void assert_failed_driver(vgpu_harness_t *h)
{
    assert_int_equal(h->init_result, GPU_DRIVER_INIT_DEVICE_FAILED);
    assert_int_equal(vgpu_model_status(h->model), 0); /* left reset */
    assert_int_equal(gpu_driver_features(h->drv), 0);
    const gpu_req_t reqs[] = {
            vh_req_display_info(1),
            vh_req_create_2d(2, 1, GPU_FORMAT_B8G8R8X8_UNORM, 16, 16),
            vh_req_create_blob(3, 2, VH_DATA_IO, 4096),
            vh_req_unref(4, 1),
            vh_req_attach(5, 1, VH_DATA_IO, 1024),
            vh_req_detach(6, 1),
            vh_req_set_scanout(7, 0, 1, vh_rect(0, 0, 16, 16)),
            vh_req_set_scanout_blob(8, 0, 2, vh_rect(0, 0, 16, 16), GPU_FORMAT_B8G8R8X8_UNORM, 16, 16, 64, 0),
            vh_req_transfer(9, 1, vh_rect(0, 0, 16, 16), 0),
            vh_req_flush(10, 1, vh_rect(0, 0, 16, 16)),
    };
    for (size_t i = 0; i < sizeof(reqs) / sizeof(reqs[0]); i++) {
        assert_int_equal(vh_call(h, &reqs[i]), GPU_STATUS_DEVICE_ERROR);
    }
    assert_int_equal(device_commands(h), 0);
}

static void test_no_version_1(void **state)
{
    (void)state;
    vh_log_reset();
    vgpu_harness_t *h = make(F(VIRTIO_GPU_F_RESOURCE_BLOB) | F(VIRTIO_GPU_F_EDID), 0);
    assert_int_equal(vh_log_count("VERSION_1"), 1);
    assert_failed_driver(h);
    vh_destroy(h);
}

static void test_queue_too_small(void **state)
{
    (void)state;
    vh_log_reset();
    vgpu_harness_t *h = make(F(VIRTIO_F_VERSION_1), 1);
    assert_int_equal(vh_log_count("control queue"), 1);
    assert_failed_driver(h);
    vh_destroy(h);
}

/* QueueNumMax below what the driver wants: the queue shrinks to the largest power of two that fits. */
static void test_queue_clamped_to_max(void **state)
{
    (void)state;
    vgpu_harness_t *h = make(F(VIRTIO_F_VERSION_1), 6);
    assert_int_equal(h->init_result, GPU_DRIVER_INIT_OK);
    assert_int_equal(h->drv->ctrl.size, 4);
    assert_int_equal(h->drv->num_slots, 2);
    for (uint32_t i = 0; i < 10; i++) {
        gpu_req_t r = vh_req_display_info(i);
        assert_true(vh_push(h, &r));
    }
    vh_kick(h);
    assert_int_equal(vh_pending(h), 10);
    vh_destroy(h);
}

/* Register filters: faults the model cannot produce. */
static uint32_t bad_magic(void *ctx, uint32_t offset, uint32_t value)
{
    (void)ctx;
    return offset == VIRTIO_MMIO_MAGIC_VALUE ? 0x12345678u : value;
}

static uint32_t refuse_features_ok(void *ctx, uint32_t offset, uint32_t value)
{
    (void)ctx;
    return offset == VIRTIO_MMIO_STATUS ? value & ~VIRTIO_STATUS_FEATURES_OK : value;
}

static uint32_t stuck_status(void *ctx, uint32_t offset, uint32_t value)
{
    (void)ctx;
    return offset == VIRTIO_MMIO_STATUS && value == 0 ? VIRTIO_STATUS_ACKNOWLEDGE : value;
}

static uint32_t no_queues(void *ctx, uint32_t offset, uint32_t value)
{
    (void)ctx;
    return offset == VIRTIO_MMIO_QUEUE_NUM_MAX ? 0 : value;
}

static uint32_t queue_already_live(void *ctx, uint32_t offset, uint32_t value)
{
    (void)ctx;
    return offset == VIRTIO_MMIO_QUEUE_READY ? 1 : value;
}

static vgpu_harness_t *make_filtered(uint32_t (*filter)(void *, uint32_t, uint32_t))
{
    vh_options_t opt;
    vh_options_default(&opt);
    opt.read_filter = filter;
    vgpu_harness_t *h = vh_create(&opt);
    assert_non_null(h);
    return h;
}

static void test_init_failures(void **state)
{
    (void)state;
    struct {
        uint32_t (*filter)(void *, uint32_t, uint32_t);
        const char *log;
    } cases[] = {
            {bad_magic, "bad magic"},
            {refuse_features_ok, "FEATURES_OK"},
            {queue_already_live, "control queue"},
            {no_queues, "control queue absent"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        vh_log_reset();
        vgpu_harness_t *h = make_filtered(cases[i].filter);
        if (vh_log_count(cases[i].log) != 1) {
            fail_msg("case %zu: no log line with \"%s\"", i, cases[i].log);
        }
        assert_failed_driver(h);
        vh_destroy(h);
    }
}

static uint32_t stuck_reads; /* Status reads that stuck_status_counted turned from 0 into ACKNOWLEDGE */

static uint32_t stuck_status_counted(void *ctx, uint32_t offset, uint32_t value)
{
    uint32_t v = stuck_status(ctx, offset, value);
    stuck_reads += v != value;
    return v;
}

/*
 * A device whose status never reads back 0 after reset: init fails without
 * hanging, and the wait is bounded by time, not by a number of reads: with
 * the fake clock advancing 1 ms or 25 ms per reading, each of the two resets
 * (at the start, and after FAILED) waits 50 ms, i.e. 50 or 2 status reads.
 */
static void test_reset_never_completes(void **state)
{
    (void)state;
    const uint64_t steps[] = {1000000u, 25000000u};
    for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
        vh_log_reset();
        vh_options_t opt;
        vh_options_default(&opt);
        opt.read_filter = stuck_status_counted;
        opt.clock_step_ns = steps[i];
        stuck_reads = 0;
        vgpu_harness_t *h = vh_create(&opt);
        assert_non_null(h);
        assert_int_equal(h->init_result, GPU_DRIVER_INIT_DEVICE_FAILED);
        assert_int_equal(vh_log_count("did not return to 0 within 50 ms"), 1);
        assert_int_equal(vh_log_count("may still write to the DMA region"), 1);
        uint32_t per_reset = (uint32_t)(GPU_DRIVER_RESET_TIMEOUT_NS / steps[i]);
        assert_int_equal(stuck_reads, 2 * per_reset + 1); /* + the read before FAILED */
        assert_true(h->clock_ns >= 2 * (uint64_t)GPU_DRIVER_RESET_TIMEOUT_NS);
        gpu_req_t r = vh_req_display_info(1);
        assert_int_equal(vh_call(h, &r), GPU_STATUS_DEVICE_ERROR);
        vh_destroy(h);
    }
}

static uint32_t status_writes[32];
static uint32_t n_status_writes;

static void record_status(void *ctx, uint32_t offset, uint32_t value)
{
    (void)ctx;
    if (offset == VIRTIO_MMIO_STATUS && n_status_writes < 32) {
        status_writes[n_status_writes++] = value;
    }
}

static uint32_t refuse_driver_ok(void *ctx, uint32_t offset, uint32_t value)
{
    (void)ctx;
    return offset == VIRTIO_MMIO_STATUS && (value & VIRTIO_STATUS_DRIVER_OK) ? value | VIRTIO_STATUS_FAILED : value;
}

/*
 * On an initialisation failure FAILED is added to the status bits the device
 * shows, never written alone (virtio 1.2 section 2.1.2: the driver must not
 * clear a bit), and the device is then reset.
 */
static void test_failed_keeps_status_bits(void **state)
{
    (void)state;
    struct {
        uint32_t (*filter)(void *, uint32_t, uint32_t);
        uint32_t kept; /* the bits the FAILED write must carry */
    } cases[] = {
            {refuse_features_ok, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER},
            {no_queues, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK},
            {refuse_driver_ok, ALL_STATUS},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        vh_options_t opt;
        vh_options_default(&opt);
        opt.read_filter = cases[i].filter;
        opt.write_watch = record_status;
        n_status_writes = 0;
        vgpu_harness_t *h = vh_create(&opt);
        assert_non_null(h);
        assert_int_equal(h->init_result, GPU_DRIVER_INIT_DEVICE_FAILED);
        assert_true(n_status_writes >= 2);
        uint32_t failed = status_writes[n_status_writes - 2];
        if (failed != (cases[i].kept | VIRTIO_STATUS_FAILED)) {
            fail_msg("case %zu: FAILED written as 0x%x, want 0x%x", i, (unsigned)failed,
                     (unsigned)(cases[i].kept | VIRTIO_STATUS_FAILED));
        }
        assert_int_equal(status_writes[n_status_writes - 1], 0); /* then reset */
        vh_destroy(h);
    }
}

static void test_bad_configs(void **state)
{
    (void)state;
    vh_options_t opt;
    vh_options_default(&opt);
    opt.dma_size = 512; /* not even the rings fit */
    vgpu_harness_t *h = vh_create(&opt);
    assert_non_null(h);
    assert_int_equal(h->init_result, GPU_DRIVER_INIT_BAD_CONFIG);
    assert_int_equal(vgpu_model_status(h->model), 0); /* the device was never touched */
    vh_destroy(h);
    vh_options_default(&opt);
    opt.queue_size = 48; /* not a power of two */
    h = vh_create(&opt);
    assert_non_null(h);
    assert_int_equal(h->init_result, GPU_DRIVER_INIT_BAD_CONFIG);
    vh_destroy(h);
}

/* A DMA region with room for only a few command slots limits commands in flight. */
static void test_small_dma_region(void **state)
{
    (void)state;
    vh_options_t opt;
    vh_options_default(&opt);
    opt.dma_size = 8192;
    vgpu_harness_t *h = vh_create(&opt);
    assert_non_null(h);
    assert_int_equal(h->init_result, GPU_DRIVER_INIT_OK);
    assert_true(h->drv->num_slots >= 1 && h->drv->num_slots < 8);
    for (uint32_t i = 0; i < 50; i++) {
        gpu_req_t r = vh_req_display_info(i);
        assert_true(vh_push(h, &r));
    }
    vh_kick(h);
    assert_int_equal(vh_pending(h), 50);
    vh_destroy(h);
}

static uint32_t huge_queue_num_max(void *ctx, uint32_t offset, uint32_t value)
{
    (void)ctx;
    return offset == VIRTIO_MMIO_QUEUE_NUM_MAX ? 0xffffffffu : value;
}

/* QueueNumMax far beyond anything sensible: the driver keeps its own size. */
static void test_huge_queue_num_max(void **state)
{
    (void)state;
    vgpu_harness_t *h = make_filtered(huge_queue_num_max);
    assert_int_equal(h->init_result, GPU_DRIVER_INIT_OK);
    assert_int_equal(h->drv->ctrl.size, GPU_DRIVER_DEFAULT_QUEUE_SIZE);
    assert_int_equal(h->drv->cursor.size, GPU_DRIVER_CURSOR_QUEUE_SIZE);
    gpu_req_t r = vh_req_display_info(1);
    assert_int_equal(vh_call(h, &r), GPU_STATUS_OK);
    vh_destroy(h);
}

static uint32_t fake_num_scanouts;

static uint32_t num_scanouts_filter(void *ctx, uint32_t offset, uint32_t value)
{
    (void)ctx;
    return offset == VIRTIO_MMIO_CONFIG + offsetof(virtio_gpu_config_t, num_scanouts) ? fake_num_scanouts : value;
}

/*
 * num_scanouts outside 1..16, at initialisation and after a display event:
 * more than 16 is clamped to 16 (the protocol's limit), 0 gives no scanouts.
 * Logged either way; display info never lists more than 16.
 */
static void test_num_scanouts_out_of_range(void **state)
{
    (void)state;
    fake_num_scanouts = 1000;
    vh_log_reset();
    vgpu_harness_t *h = make_filtered(num_scanouts_filter);
    assert_int_equal(h->init_result, GPU_DRIVER_INIT_OK);
    assert_int_equal(h->drv->num_scanouts, GPU_MAX_SCANOUTS);
    assert_int_equal(vh_log_count("device reports 1000 scanouts"), 1);
    gpu_req_t r = vh_req_display_info(1);
    assert_int_equal(vh_call(h, &r), GPU_STATUS_OK);
    assert_int_equal(h->info->display.num_scanouts, GPU_MAX_SCANOUTS);
    assert_int_equal(h->info->display.scanouts[0].enabled, 1);
    assert_int_equal(h->info->display.scanouts[GPU_MAX_SCANOUTS - 1].enabled, 0);
    fake_num_scanouts = 0; /* the device changes its mind */
    vgpu_model_set_scanout(h->model, 0, 1024, 768, 1);
    vh_run(h);
    assert_true(gpu_event_take(&h->info->event, NULL));
    assert_int_equal(h->drv->num_scanouts, 0);
    assert_int_equal(vh_call(h, &r), GPU_STATUS_OK);
    assert_int_equal(h->info->display.num_scanouts, 0);
    assert_int_equal(h->info->display.scanouts[0].enabled, 0);
    fake_num_scanouts = 17;
    vgpu_model_set_scanout(h->model, 0, 800, 600, 1);
    vh_run(h);
    assert_int_equal(h->drv->num_scanouts, GPU_MAX_SCANOUTS);
    assert_int_equal(vh_call(h, &r), GPU_STATUS_OK);
    assert_int_equal(h->info->display.scanouts[0].rect.width, 800);
    vh_destroy(h);
}

/* The hardware bus: volatile accesses to a register window (here plain memory). */
static void test_direct_bus(void **state)
{
    (void)state;
    uint32_t regs[VIRTIO_MMIO_REGION_SIZE / 4] = {0};
    regs[VIRTIO_MMIO_MAGIC_VALUE / 4] = VIRTIO_MMIO_MAGIC_VALUE_LE;
    regs[VIRTIO_MMIO_VERSION / 4] = VIRTIO_MMIO_VERSION_MODERN;
    regs[VIRTIO_MMIO_DEVICE_ID / 4] = VIRTIO_ID_GPU;
    virtio_mmio_bus_t bus = virtio_mmio_direct_bus(regs);
    virtio_mmio_t m;
    assert_true(virtio_mmio_probe(&m, &bus, VIRTIO_ID_GPU));
    const virtio_transport_ops_t *ops = m.transport.ops;
    ops->set_status(m.transport.ctx, VIRTIO_STATUS_ACKNOWLEDGE);
    assert_int_equal(regs[VIRTIO_MMIO_STATUS / 4], VIRTIO_STATUS_ACKNOWLEDGE);
    ops->queue_enable(m.transport.ctx, 0, 64, 0x1122334455667788ull, 0x10, 0x20);
    assert_int_equal(regs[VIRTIO_MMIO_QUEUE_NUM / 4], 64);
    assert_int_equal(regs[VIRTIO_MMIO_QUEUE_DESC_LOW / 4], 0x55667788u);
    assert_int_equal(regs[VIRTIO_MMIO_QUEUE_DESC_HIGH / 4], 0x11223344u);
    assert_int_equal(regs[VIRTIO_MMIO_QUEUE_DEVICE_LOW / 4], 0x20);
    assert_int_equal(regs[VIRTIO_MMIO_QUEUE_READY / 4], 1);
    regs[VIRTIO_MMIO_INTERRUPT_STATUS / 4] = VIRTIO_MMIO_INT_CONFIG;
    assert_int_equal(ops->interrupt_take(m.transport.ctx), VIRTIO_MMIO_INT_CONFIG);
    assert_int_equal(regs[VIRTIO_MMIO_INTERRUPT_ACK / 4], VIRTIO_MMIO_INT_CONFIG);
    /* Only the defined bits that were read are acknowledged (and reported). */
    regs[VIRTIO_MMIO_INTERRUPT_STATUS / 4] = VIRTIO_MMIO_INT_VRING | 0xfffffff0u;
    assert_int_equal(ops->interrupt_take(m.transport.ctx), VIRTIO_MMIO_INT_VRING);
    assert_int_equal(regs[VIRTIO_MMIO_INTERRUPT_ACK / 4], VIRTIO_MMIO_INT_VRING);
    regs[VIRTIO_MMIO_INTERRUPT_ACK / 4] = 0xdead;
    regs[VIRTIO_MMIO_INTERRUPT_STATUS / 4] = 0x4u;
    assert_int_equal(ops->interrupt_take(m.transport.ctx), 0);
    assert_int_equal(regs[VIRTIO_MMIO_INTERRUPT_ACK / 4], 0xdead); /* nothing defined to acknowledge: no write */
    regs[VIRTIO_MMIO_CONFIG / 4 + 2] = 3;
    assert_int_equal(ops->config_read32(m.transport.ctx, 8), 3);
    regs[VIRTIO_MMIO_VERSION / 4] = 1; /* legacy */
    assert_false(virtio_mmio_probe(&m, &bus, VIRTIO_ID_GPU));
    regs[VIRTIO_MMIO_VERSION / 4] = VIRTIO_MMIO_VERSION_MODERN;
    regs[VIRTIO_MMIO_DEVICE_ID / 4] = 1; /* a network card */
    assert_false(virtio_mmio_probe(&m, &bus, VIRTIO_ID_GPU));
}

int main(void)
{
    setenv("VH_QUIET", "1", 1);
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_full_features),
            cmocka_unit_test(test_unknown_features_declined),
            cmocka_unit_test(test_no_blob),
            cmocka_unit_test(test_no_edid),
            cmocka_unit_test(test_no_version_1),
            cmocka_unit_test(test_queue_too_small),
            cmocka_unit_test(test_queue_clamped_to_max),
            cmocka_unit_test(test_init_failures),
            cmocka_unit_test(test_reset_never_completes),
            cmocka_unit_test(test_failed_keeps_status_bits),
            cmocka_unit_test(test_bad_configs),
            cmocka_unit_test(test_small_dma_region),
            cmocka_unit_test(test_huge_queue_num_max),
            cmocka_unit_test(test_num_scanouts_out_of_range),
            cmocka_unit_test(test_direct_bus),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
