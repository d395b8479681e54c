/*
 * virtio-mmio register interface: identification, feature negotiation,
 * status machine and reset, queue setup, notification, interrupts, config
 * space and display-change events.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "harness.h"

#define F_ALL                                                                                                          \
    (VIRTIO_FEATURE_BIT(VIRTIO_F_VERSION_1) | VIRTIO_FEATURE_BIT(VIRTIO_GPU_F_RESOURCE_BLOB) |                         \
     VIRTIO_FEATURE_BIT(VIRTIO_GPU_F_EDID))
#define STATUS_RUNNING                                                                                                 \
    (VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK)

static uint64_t device_features(harness_t *h)
{
    h_write(h, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
    uint64_t lo = h_read(h, VIRTIO_MMIO_DEVICE_FEATURES);
    h_write(h, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
    uint64_t hi = h_read(h, VIRTIO_MMIO_DEVICE_FEATURES);
    return lo | (hi << 32);
}

static void test_identification(void **state)
{
    (void)state;
    harness_t *h = h_create_default();
    assert_int_equal(h_read(h, VIRTIO_MMIO_MAGIC_VALUE), VIRTIO_MMIO_MAGIC_VALUE_LE);
    assert_int_equal(h_read(h, VIRTIO_MMIO_VERSION), 2);
    assert_int_equal(h_read(h, VIRTIO_MMIO_DEVICE_ID), VIRTIO_ID_GPU);
    assert_int_not_equal(h_read(h, VIRTIO_MMIO_VENDOR_ID), 0);
    assert_int_equal(h_read(h, VIRTIO_MMIO_STATUS), 0);
    assert_int_equal(h_read(h, VIRTIO_MMIO_SHM_LEN_LOW), 0xffffffffu);
    h_destroy(h);
}

static void test_features_default_and_sel(void **state)
{
    (void)state;
    harness_t *h = h_create_default();
    assert_true(device_features(h) == F_ALL);
    h_write(h, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 2);
    assert_int_equal(h_read(h, VIRTIO_MMIO_DEVICE_FEATURES), 0);
    h_destroy(h);
}

static void test_features_switched_off(void **state)
{
    (void)state;
    vgpu_model_config_t cfg;
    h_config(&cfg);
    cfg.features = VIRTIO_FEATURE_BIT(VIRTIO_F_VERSION_1);
    harness_t *h = h_create(&cfg);
    assert_true(device_features(h) == VIRTIO_FEATURE_BIT(VIRTIO_F_VERSION_1));
    /* Accepting blob now is refused. */
    uint32_t st = h_init(h, F_ALL);
    assert_int_equal(st & VIRTIO_STATUS_FEATURES_OK, 0);
    assert_int_equal(h_init(h, VIRTIO_FEATURE_BIT(VIRTIO_F_VERSION_1)), STATUS_RUNNING);
    h_destroy(h);
}

static void test_features_ok_refused(void **state)
{
    (void)state;
    harness_t *h = h_create_default();
    /* VIRGL was not offered. */
    uint32_t st = h_init(h, F_ALL | VIRTIO_FEATURE_BIT(VIRTIO_GPU_F_VIRGL));
    assert_int_equal(st & VIRTIO_STATUS_FEATURES_OK, 0);
    assert_string_not_equal(vgpu_model_last_error(h->m), "");
    /* A modern device needs VERSION_1. */
    st = h_init(h, VIRTIO_FEATURE_BIT(VIRTIO_GPU_F_EDID));
    assert_int_equal(st & VIRTIO_STATUS_FEATURES_OK, 0);
    /* A subset of what is offered is accepted. */
    assert_int_equal(h_init(h, VIRTIO_FEATURE_BIT(VIRTIO_F_VERSION_1)), STATUS_RUNNING);
    h_destroy(h);
}

static void test_features_fixed_after_features_ok(void **state)
{
    (void)state;
    harness_t *h = h_create_default();
    assert_int_equal(h_init(h, VIRTIO_FEATURE_BIT(VIRTIO_F_VERSION_1)), STATUS_RUNNING);
    h_write(h, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
    h_write(h, VIRTIO_MMIO_DRIVER_FEATURES, 1u << VIRTIO_GPU_F_EDID); /* too late: ignored */
    virtio_gpu_get_edid_t c = {.hdr.type = VIRTIO_GPU_CMD_GET_EDID};
    assert_int_equal(h_cmd_type(h, &c, sizeof(c)), VIRTIO_GPU_RESP_ERR_UNSPEC);
    h_destroy(h);
}

static void test_queue_limits(void **state)
{
    (void)state;
    vgpu_model_config_t cfg;
    h_config(&cfg);
    cfg.queue_num_max = 16;
    harness_t *h = h_create(&cfg);
    h_write(h, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
    h_write(h, VIRTIO_MMIO_QUEUE_SEL, 0);
    assert_int_equal(h_read(h, VIRTIO_MMIO_QUEUE_NUM_MAX), 16);
    h_write(h, VIRTIO_MMIO_QUEUE_SEL, 1);
    assert_int_equal(h_read(h, VIRTIO_MMIO_QUEUE_NUM_MAX), 16);
    h_write(h, VIRTIO_MMIO_QUEUE_SEL, 2);
    assert_int_equal(h_read(h, VIRTIO_MMIO_QUEUE_NUM_MAX), 0);
    assert_int_equal(h_queue_setup(h, 0, 32), 0); /* above QueueNumMax */
    assert_int_equal(h_queue_setup(h, 0, 12), 0); /* not a power of two */
    assert_int_equal(h_queue_setup(h, 0, 0), 0);
    assert_int_equal(h_queue_setup(h, 0, 16), 1);
    h_destroy(h);
}

static void test_queue_rings_checked(void **state)
{
    (void)state;
    harness_t *h = h_create_default();
    assert_int_equal(h_queue_setup(h, 0, 8), 1);
    h_write(h, VIRTIO_MMIO_QUEUE_SEL, 0);
    h_write(h, VIRTIO_MMIO_QUEUE_READY, 0);
    assert_int_equal(h_read(h, VIRTIO_MMIO_QUEUE_READY), 0);
    /* Misaligned descriptor table. */
    h_write(h, VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)(h->q[0].desc + 8));
    h_write(h, VIRTIO_MMIO_QUEUE_READY, 1);
    assert_int_equal(h_read(h, VIRTIO_MMIO_QUEUE_READY), 0);
    /* Used ring outside exposed memory. */
    h_write(h, VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)h->q[0].desc);
    h_write(h, VIRTIO_MMIO_QUEUE_DEVICE_LOW, 0x1000);
    h_write(h, VIRTIO_MMIO_QUEUE_DEVICE_HIGH, 0);
    h_write(h, VIRTIO_MMIO_QUEUE_READY, 1);
    assert_int_equal(h_read(h, VIRTIO_MMIO_QUEUE_READY), 0);
    /* Driver area inside a hole the translate callback refuses. */
    h->hole_lo = h->q[0].avail;
    h->hole_hi = h->q[0].avail + 2;
    assert_int_equal(h_queue_setup(h, 0, 8), 1); /* fresh rings elsewhere */
    h_write(h, VIRTIO_MMIO_QUEUE_READY, 0);
    h->hole_lo = h->q[0].avail;
    h->hole_hi = h->q[0].avail + 2;
    h_write(h, VIRTIO_MMIO_QUEUE_READY, 1);
    assert_int_equal(h_read(h, VIRTIO_MMIO_QUEUE_READY), 0);
    h_destroy(h);
}

static void test_queue_config_locked_while_ready(void **state)
{
    (void)state;
    harness_t *h = h_create_default();
    assert_int_equal(h_queue_setup(h, 0, 8), 1);
    h_write(h, VIRTIO_MMIO_QUEUE_NUM, 4);
    assert_int_equal(h_read(h, VIRTIO_MMIO_QUEUE_NUM), 8);
    assert_int_equal(h_read(h, VIRTIO_MMIO_QUEUE_DESC_LOW), (uint32_t)h->q[0].desc);
    /* A second QueueReady = 1 does not restart the ring. */
    assert_int_equal(h_init(h, VIRTIO_FEATURE_BIT(VIRTIO_F_VERSION_1)) & VIRTIO_STATUS_DRIVER_OK,
                     VIRTIO_STATUS_DRIVER_OK);
    assert_int_equal(h_create_2d(h, 1, VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM, 4, 4), VIRTIO_GPU_RESP_OK_NODATA);
    h_write(h, VIRTIO_MMIO_QUEUE_SEL, 0);
    h_write(h, VIRTIO_MMIO_QUEUE_READY, 1);
    assert_int_equal(h_create_2d(h, 2, VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM, 4, 4), VIRTIO_GPU_RESP_OK_NODATA);
    assert_int_equal(h_used_idx(h, 0), 2);
    h_destroy(h);
}

static void test_notify_recorded_and_needed(void **state)
{
    (void)state;
    harness_t *h = h_create_default();
    assert_int_equal(h_init(h, F_ALL), STATUS_RUNNING);
    virtio_gpu_ctrl_hdr_t req = {.type = VIRTIO_GPU_CMD_GET_DISPLAY_INFO};
    uint64_t rq = h_alloc(h, sizeof(req), 8), rs = h_alloc(h, 512, 8);
    memcpy(h_ptr(h, rq), &req, sizeof(req));
    h_buf_t bufs[2] = {{rq, sizeof(req), 0}, {rs, 512, 1}};
    h_submit(h, 0, bufs, 2);
    /* Without a notification the device does not look at the queue. */
    assert_int_equal(vgpu_model_process(h->m), 0);
    h_write(h, VIRTIO_MMIO_QUEUE_NOTIFY, 7); /* no such queue: ignored */
    assert_int_equal(vgpu_model_notified(h->m), 0);
    h_notify(h, 0);
    assert_int_equal(vgpu_model_notified(h->m), 1);
    assert_int_equal(vgpu_model_process(h->m), 1);
    assert_int_equal(vgpu_model_notified(h->m), 0);
    h_destroy(h);
}

static void test_no_processing_before_driver_ok(void **state)
{
    (void)state;
    harness_t *h = h_create_default();
    uint32_t st = VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER;
    h_write(h, VIRTIO_MMIO_STATUS, st);
    h_write(h, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
    h_write(h, VIRTIO_MMIO_DRIVER_FEATURES, 1);
    h_write(h, VIRTIO_MMIO_STATUS, st | VIRTIO_STATUS_FEATURES_OK);
    assert_int_equal(h_queue_setup(h, 0, 8), 1);
    virtio_gpu_ctrl_hdr_t req = {.type = VIRTIO_GPU_CMD_GET_DISPLAY_INFO};
    uint64_t rq = h_alloc(h, sizeof(req), 8), rs = h_alloc(h, 512, 8);
    memcpy(h_ptr(h, rq), &req, sizeof(req));
    h_buf_t bufs[2] = {{rq, sizeof(req), 0}, {rs, 512, 1}};
    h_submit(h, 0, bufs, 2);
    h_notify(h, 0);
    assert_int_equal(vgpu_model_process(h->m), 0);
    h_write(h, VIRTIO_MMIO_STATUS, st | VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK);
    assert_int_equal(vgpu_model_process(h->m), 1);
    h_destroy(h);
}

static void test_interrupt_status_and_ack(void **state)
{
    (void)state;
    harness_t *h = h_create_default();
    assert_int_equal(h_init(h, F_ALL), STATUS_RUNNING);
    assert_int_equal(vgpu_model_irq_level(h->m), 0);
    virtio_gpu_ctrl_hdr_t req = {.type = VIRTIO_GPU_CMD_GET_DISPLAY_INFO};
    virtio_gpu_resp_display_info_t info;
    h_cmd(h, &req, sizeof(req), &info, sizeof(info));
    assert_int_equal(h_read(h, VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_MMIO_INT_VRING);
    assert_int_equal(vgpu_model_irq_level(h->m), 1);
    h_write(h, VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_MMIO_INT_VRING);
    assert_int_equal(h_read(h, VIRTIO_MMIO_INTERRUPT_STATUS), 0);
    assert_int_equal(vgpu_model_irq_level(h->m), 0);
    h_destroy(h);
}

static void test_no_interrupt_flag_honoured(void **state)
{
    (void)state;
    harness_t *h = h_create_default();
    assert_int_equal(h_init(h, F_ALL), STATUS_RUNNING);
    virtq_avail_t *avail = h_ptr(h, h->q[0].avail);
    avail->flags = VIRTQ_AVAIL_F_NO_INTERRUPT;
    virtio_gpu_ctrl_hdr_t req = {.type = VIRTIO_GPU_CMD_GET_DISPLAY_INFO};
    virtio_gpu_resp_display_info_t info;
    assert_int_equal(h_cmd(h, &req, sizeof(req), &info, sizeof(info)), sizeof(info));
    assert_int_equal(h_read(h, VIRTIO_MMIO_INTERRUPT_STATUS), 0);
    h_destroy(h);
}

static void test_config_space(void **state)
{
    (void)state;
    vgpu_model_config_t cfg;
    h_config(&cfg);
    cfg.num_scanouts = 3;
    harness_t *h = h_create(&cfg);
    uint32_t base = VIRTIO_MMIO_CONFIG;
    assert_int_equal(h_read(h, base + offsetof(virtio_gpu_config_t, events_read)), 0);
    assert_int_equal(h_read(h, base + offsetof(virtio_gpu_config_t, num_scanouts)), 3);
    assert_int_equal(h_read(h, base + offsetof(virtio_gpu_config_t, num_capsets)), 0);
    h_write(h, base + offsetof(virtio_gpu_config_t, num_scanouts), 9); /* read-only */
    assert_int_equal(h_read(h, base + offsetof(virtio_gpu_config_t, num_scanouts)), 3);
    h_destroy(h);
}

static void test_display_change_event(void **state)
{
    (void)state;
    harness_t *h = h_create_default();
    assert_int_equal(h_init(h, F_ALL), STATUS_RUNNING);
    uint32_t ev = VIRTIO_MMIO_CONFIG + offsetof(virtio_gpu_config_t, events_read);
    uint32_t clr = VIRTIO_MMIO_CONFIG + offsetof(virtio_gpu_config_t, events_clear);
    uint32_t gen = h_read(h, VIRTIO_MMIO_CONFIG_GENERATION);
    vgpu_model_set_scanout(h->m, 0, 1024, 768, 1);
    assert_int_equal(h_read(h, ev), VIRTIO_GPU_EVENT_DISPLAY);
    assert_int_equal(h_read(h, VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_MMIO_INT_CONFIG);
    assert_int_not_equal(h_read(h, VIRTIO_MMIO_CONFIG_GENERATION), gen);
    h_write(h, VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_MMIO_INT_CONFIG);
    assert_int_equal(h_read(h, clr), 0);
    h_write(h, clr, VIRTIO_GPU_EVENT_DISPLAY);
    assert_int_equal(h_read(h, ev), 0);
    virtio_gpu_ctrl_hdr_t req = {.type = VIRTIO_GPU_CMD_GET_DISPLAY_INFO};
    virtio_gpu_resp_display_info_t info;
    h_cmd(h, &req, sizeof(req), &info, sizeof(info));
    assert_int_equal(info.pmodes[0].r.width, 1024);
    assert_int_equal(info.pmodes[0].r.height, 768);
    /* Unplug: the scanout is reported disabled. */
    vgpu_model_set_scanout(h->m, 0, 1024, 768, 0);
    h_cmd(h, &req, sizeof(req), &info, sizeof(info));
    assert_int_equal(info.pmodes[0].enabled, 0);
    /* Bad index or size: nothing happens. */
    h_write(h, clr, VIRTIO_GPU_EVENT_DISPLAY);
    vgpu_model_set_scanout(h->m, 1, 640, 480, 1);
    vgpu_model_set_scanout(h->m, 0, 0, 480, 1);
    assert_int_equal(h_read(h, ev), 0);
    h_destroy(h);
}

/* As QEMU (virtio_notify_config): no configuration-change interrupt until the
 * driver has set DRIVER_OK; the event itself is still recorded in events_read. */
static void test_no_config_interrupt_before_driver_ok(void **state)
{
    (void)state;
    harness_t *h = h_create_default();
    uint32_t ev = VIRTIO_MMIO_CONFIG + offsetof(virtio_gpu_config_t, events_read);
    vgpu_model_set_scanout(h->m, 0, 1024, 768, 1); /* status 0 */
    assert_int_equal(h_read(h, VIRTIO_MMIO_INTERRUPT_STATUS), 0);
    assert_int_equal(h_read(h, ev), VIRTIO_GPU_EVENT_DISPLAY);
    h_write(h, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
    vgpu_model_set_scanout(h->m, 0, 800, 600, 1);
    assert_int_equal(h_read(h, VIRTIO_MMIO_INTERRUPT_STATUS), 0);
    assert_int_equal(vgpu_model_irq_level(h->m), 0);
    assert_int_equal(h_init(h, F_ALL), STATUS_RUNNING);
    vgpu_model_set_scanout(h->m, 0, 640, 480, 1);
    assert_int_equal(h_read(h, VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_MMIO_INT_CONFIG);
    h_destroy(h);
}

static void test_reset_clears_state(void **state)
{
    (void)state;
    harness_t *h = h_create_default();
    assert_int_equal(h_init(h, F_ALL), STATUS_RUNNING);
    uint64_t io;
    assert_int_equal(h_create_2d(h, 1, VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM, 64, 64), VIRTIO_GPU_RESP_OK_NODATA);
    assert_int_equal(h_attach_new(h, 1, 64 * 64 * 4, &io), VIRTIO_GPU_RESP_OK_NODATA);
    assert_int_equal(h_set_scanout(h, 0, 1, 0, 0, 64, 64), VIRTIO_GPU_RESP_OK_NODATA);
    vgpu_model_set_scanout(h->m, 0, 800, 600, 1);
    h_write(h, VIRTIO_MMIO_STATUS, 0);
    assert_int_equal(h_read(h, VIRTIO_MMIO_STATUS), 0);
    assert_int_equal(h_read(h, VIRTIO_MMIO_INTERRUPT_STATUS), 0);
    assert_int_equal(h_read(h, VIRTIO_MMIO_CONFIG + offsetof(virtio_gpu_config_t, events_read)), 0);
    h_write(h, VIRTIO_MMIO_QUEUE_SEL, 0);
    assert_int_equal(h_read(h, VIRTIO_MMIO_QUEUE_READY), 0);
    assert_int_equal(h_read(h, VIRTIO_MMIO_QUEUE_NUM), 0);
    assert_int_equal(vgpu_model_resource_count(h->m), 0);
    vgpu_model_scanout_state_t st;
    assert_int_equal(vgpu_model_scanout_state(h->m, 0, &st), 0);
    assert_int_equal(st.resource_id, 0);
    uint32_t w, hh;
    assert_non_null(vgpu_model_framebuffer(h->m, 0, &w, &hh));
    assert_int_equal(w, 800); /* the display mode the test set survives */
    assert_int_equal(hh, 600);
    /* The device works again after re-initialisation, with a fresh id space. */
    assert_int_equal(h_init(h, F_ALL), STATUS_RUNNING);
    assert_int_equal(h_create_2d(h, 1, VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM, 64, 64), VIRTIO_GPU_RESP_OK_NODATA);
    vgpu_model_stats_t stats;
    vgpu_model_stats(h->m, &stats);
    assert_true(stats.resets >= 2);
    h_destroy(h);
}

static int irq_calls;

static void count_irq(void *ctx)
{
    (void)ctx;
    irq_calls++;
}

static void test_irq_callback(void **state)
{
    (void)state;
    vgpu_model_config_t cfg;
    h_config(&cfg);
    cfg.irq_notify = count_irq;
    harness_t *h = h_create(&cfg);
    irq_calls = 0;
    assert_int_equal(h_init(h, F_ALL), STATUS_RUNNING);
    virtio_gpu_ctrl_hdr_t req = {.type = VIRTIO_GPU_CMD_GET_DISPLAY_INFO};
    virtio_gpu_resp_display_info_t info;
    h_cmd(h, &req, sizeof(req), &info, sizeof(info));
    assert_int_equal(irq_calls, 1);
    vgpu_model_set_scanout(h->m, 0, 640, 480, 1);
    assert_int_equal(irq_calls, 2);
    h_destroy(h);
}

static void *null_translate(void *ctx, uint64_t io, uint64_t len)
{
    (void)ctx;
    (void)io;
    (void)len;
    return NULL;
}

static void test_create_rejects_bad_config(void **state)
{
    (void)state;
    vgpu_model_config_t cfg;
    vgpu_model_config_default(&cfg);
    assert_null(vgpu_model_create(&cfg)); /* no translate */
    assert_null(vgpu_model_create(NULL));
    cfg.translate = null_translate;
    cfg.num_scanouts = 0;
    assert_null(vgpu_model_create(&cfg));
    cfg.num_scanouts = 17;
    assert_null(vgpu_model_create(&cfg));
    cfg.num_scanouts = 2;
    cfg.width[1] = 0;
    assert_null(vgpu_model_create(&cfg));
    cfg.width[1] = 640;
    cfg.queue_num_max = 65536;
    assert_null(vgpu_model_create(&cfg));
    cfg.queue_num_max = 8;
    vgpu_model_t *m = vgpu_model_create(&cfg);
    assert_non_null(m);
    vgpu_model_destroy(m);
}

int devmodel_mmio_tests(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_identification),
            cmocka_unit_test(test_features_default_and_sel),
            cmocka_unit_test(test_features_switched_off),
            cmocka_unit_test(test_features_ok_refused),
            cmocka_unit_test(test_features_fixed_after_features_ok),
            cmocka_unit_test(test_queue_limits),
            cmocka_unit_test(test_queue_rings_checked),
            cmocka_unit_test(test_queue_config_locked_while_ready),
            cmocka_unit_test(test_notify_recorded_and_needed),
            cmocka_unit_test(test_no_processing_before_driver_ok),
            cmocka_unit_test(test_interrupt_status_and_ack),
            cmocka_unit_test(test_no_interrupt_flag_honoured),
            cmocka_unit_test(test_config_space),
            cmocka_unit_test(test_display_change_event),
            cmocka_unit_test(test_no_config_interrupt_before_driver_ok),
            cmocka_unit_test(test_reset_clears_state),
            cmocka_unit_test(test_irq_callback),
            cmocka_unit_test(test_create_rejects_bad_config),
    };
    return cmocka_run_group_tests_name("devmodel_mmio", tests, NULL, NULL);
}
