/*
 * Configuration-change interrupts: display events reach the info region and
 * the virtualiser, are acknowledged with events_clear; unknown event bits are
 * acknowledged and logged; DEVICE_NEEDS_RESET and a runaway used index fail
 * the device cleanly.
 */
#include "driver_test.h"

static uint32_t events_read(vgpu_harness_t *h)
{
    return vgpu_model_mmio_read(h->model, VIRTIO_MMIO_CONFIG + offsetof(virtio_gpu_config_t, events_read));
}

static void test_display_change_event(void **state)
{
    vgpu_harness_t *h = *state;
    uint32_t signals = h->signals;
    vgpu_model_set_scanout(h->model, 0, 1024, 768, 1);
    vh_run(h);
    uint32_t gen = 0;
    assert_true(gpu_event_take(&h->info->event, &gen));
    assert_int_equal(gen, 1);
    assert_int_equal(h->signals, signals + 1);
    assert_int_equal(events_read(h), 0); /* acknowledged with events_clear */
    assert_int_equal(vgpu_model_irq_level(h->model), 0);
    assert_int_equal(h->drv->stats.display_events, 1);
    gpu_req_t r = vh_req_display_info(1);
    assert_int_equal(vh_call(h, &r), GPU_STATUS_OK);
    assert_int_equal(h->info->display.scanouts[0].rect.width, 1024);
    assert_int_equal(h->info->display.scanouts[0].rect.height, 768);
}

static void test_disconnect_event(void **state)
{
    vgpu_harness_t *h = *state;
    vgpu_model_set_scanout(h->model, 0, 1280, 800, 0);
    vh_run(h);
    assert_true(gpu_event_take(&h->info->event, NULL));
    gpu_req_t r = vh_req_display_info(1);
    assert_int_equal(vh_call(h, &r), GPU_STATUS_OK);
    assert_int_equal(h->info->display.scanouts[0].enabled, 0);
    vgpu_model_set_scanout(h->model, 0, 800, 600, 1);
    vh_run(h);
    assert_true(gpu_event_take(&h->info->event, NULL));
    assert_int_equal(vh_call(h, &r), GPU_STATUS_OK);
    assert_int_equal(h->info->display.scanouts[0].enabled, 1);
    assert_int_equal(h->info->display.scanouts[0].rect.width, 800);
}

/* An event arriving while commands are in flight: both are handled. */
static void test_event_during_commands(void **state)
{
    vgpu_harness_t *h = *state;
    vgpu_model_fault_hold(h->model, 1);
    gpu_req_t r = vh_req_create_2d(1, 1, GPU_FORMAT_B8G8R8X8_UNORM, 16, 16);
    assert_true(vh_push(h, &r));
    vh_kick(h);
    vgpu_model_set_scanout(h->model, 0, 640, 480, 1);
    vh_run(h);
    assert_true(gpu_event_take(&h->info->event, NULL));
    vgpu_model_fault_hold(h->model, 0);
    vgpu_model_fault_release(h->model);
    vh_run(h);
    gpu_resp_t resp;
    assert_true(vh_pop(h, &resp));
    assert_int_equal(resp.status, GPU_STATUS_OK);
}

static uint32_t unknown_event_bits(void *ctx, uint32_t offset, uint32_t value)
{
    (void)ctx;
    return offset == VIRTIO_MMIO_CONFIG ? value | 0x6u : value;
}

static void test_unknown_event_bits(void **state)
{
    (void)state;
    vh_options_t opt;
    vh_options_default(&opt);
    opt.read_filter = unknown_event_bits;
    vgpu_harness_t *h = vh_create(&opt);
    assert_non_null(h);
    vh_log_reset();
    vgpu_model_set_scanout(h->model, 0, 1024, 768, 1);
    vh_run(h);
    assert_int_equal(h->drv->stats.unknown_events, 1);
    assert_int_equal(h->drv->stats.display_events, 1);
    assert_int_equal(vh_log_count("unknown device events 0x6"), 1);
    assert_true(gpu_event_take(&h->info->event, NULL));
    assert_int_equal(vgpu_model_irq_level(h->model), 0);
    gpu_req_t r = vh_req_display_info(1);
    assert_int_equal(vh_call(h, &r), GPU_STATUS_OK);
    vh_destroy(h);
}

static uint32_t needs_reset_flag;

static uint32_t needs_reset(void *ctx, uint32_t offset, uint32_t value)
{
    (void)ctx;
    return offset == VIRTIO_MMIO_STATUS && needs_reset_flag && value != 0 ? value | VIRTIO_STATUS_DEVICE_NEEDS_RESET
                                                                          : value;
}

/* Pushes n creates with the model holding completions; returns with n commands in flight. */
static void hold_commands(vgpu_harness_t *h, uint32_t n)
{
    vgpu_model_fault_hold(h->model, 1);
    for (uint32_t i = 1; i <= n; i++) {
        gpu_req_t r = vh_req_create_2d(i, i, GPU_FORMAT_B8G8R8X8_UNORM, 16, 16);
        assert_true(vh_push(h, &r));
    }
    vh_kick(h);
    assert_int_equal(vgpu_model_fault_held(h->model), n);
}

static void assert_all_device_error(vgpu_harness_t *h, uint32_t n)
{
    gpu_resp_t resp;
    for (uint32_t i = 1; i <= n; i++) {
        assert_true(vh_pop(h, &resp));
        assert_int_equal(resp.status, GPU_STATUS_DEVICE_ERROR);
    }
    assert_false(vh_pop(h, &resp));
    gpu_req_t r = vh_req_display_info(100);
    assert_int_equal(vh_call(h, &r), GPU_STATUS_DEVICE_ERROR);
    assert_int_equal(vgpu_model_status(h->model), 0);
}

static void test_device_needs_reset(void **state)
{
    (void)state;
    vh_options_t opt;
    vh_options_default(&opt);
    opt.read_filter = needs_reset;
    needs_reset_flag = 0;
    vgpu_harness_t *h = vh_create(&opt);
    assert_non_null(h);
    hold_commands(h, 3);
    vh_log_reset();
    needs_reset_flag = 1;
    vgpu_model_set_scanout(h->model, 0, 1024, 768, 1); /* a configuration-change interrupt */
    vh_run(h);
    assert_int_equal(vh_log_count("DEVICE_NEEDS_RESET"), 1);
    assert_all_device_error(h, 3);
    vh_destroy(h);
}

/* Needs a reset, then never reads back 0 after one. */
static uint32_t stuck_needing_reset(void *ctx, uint32_t offset, uint32_t value)
{
    (void)ctx;
    if (offset != VIRTIO_MMIO_STATUS || !needs_reset_flag) {
        return value;
    }
    return value | VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DEVICE_NEEDS_RESET;
}

/* A device that fails at run time and then does not reset: logged, every command answered, no hang. */
static void test_failed_device_does_not_reset(void **state)
{
    (void)state;
    vh_options_t opt;
    vh_options_default(&opt);
    opt.read_filter = stuck_needing_reset;
    needs_reset_flag = 0;
    vgpu_harness_t *h = vh_create(&opt);
    assert_non_null(h);
    hold_commands(h, 2);
    vh_log_reset();
    needs_reset_flag = 1;
    vgpu_model_set_scanout(h->model, 0, 1024, 768, 1);
    vh_run(h);
    assert_int_equal(vh_log_count("did not return to 0"), 1);
    assert_int_equal(vh_log_count("may still write"), 1);
    assert_all_device_error(h, 2);
    assert_false(vgpu_model_irq_level(h->model));
    needs_reset_flag = 0;
    vh_destroy(h);
}

/* Two chains owed, used->idx moves by three: one element more than the device can owe fails it. */
static void test_used_index_runaway(void **state)
{
    vgpu_harness_t *h = *state;
    hold_commands(h, 2);
    vh_log_reset();
    h->drv->ctrl.used_shared->idx = (uint16_t)(h->drv->ctrl.used_shared->idx + 3);
    vgpu_model_fault_spurious_irq(h->model);
    vh_run(h);
    assert_int_equal(vh_log_count("ran past the chains made available"), 1);
    assert_all_device_error(h, 2);
}

/*
 * A failed device keeps being read for its interrupt cause and acknowledged:
 * on a level-triggered line an unacknowledged cause would interrupt again at
 * every IRQ ack, for ever. The cause is ignored (no display event is raised:
 * the virtualiser would re-query a dead device without end).
 */
static void test_interrupts_acknowledged_after_failure(void **state)
{
    vgpu_harness_t *h = *state;
    hold_commands(h, 1);
    h->drv->ctrl.used_shared->idx = (uint16_t)(h->drv->ctrl.used_shared->idx + h->drv->ctrl.size + 1);
    vgpu_model_fault_spurious_irq(h->model);
    vh_run(h);
    assert_all_device_error(h, 1);
    uint32_t signals = h->signals;
    vgpu_model_fault_spurious_irq(h->model);
    h->auto_irq = 0;
    gpu_driver_handle_irq(h->drv);
    assert_false(vgpu_model_irq_level(h->model));
    uint32_t generation;
    assert_false(gpu_event_take(&h->info->event, &generation));
    assert_false(gpu_driver_take_signal(h->drv));
    assert_int_equal(h->signals, signals);
}

int main(void)
{
    setenv("VH_QUIET", "1", 1);
    const struct CMUnitTest tests[] = {
            cmocka_unit_test_setup_teardown(test_display_change_event, dt_setup, dt_teardown),
            cmocka_unit_test_setup_teardown(test_disconnect_event, dt_setup, dt_teardown),
            cmocka_unit_test_setup_teardown(test_event_during_commands, dt_setup, dt_teardown),
            cmocka_unit_test(test_unknown_event_bits),
            cmocka_unit_test(test_device_needs_reset),
            cmocka_unit_test(test_failed_device_does_not_reset),
            cmocka_unit_test_setup_teardown(test_used_index_runaway, dt_setup, dt_teardown),
            cmocka_unit_test_setup_teardown(test_interrupts_acknowledged_after_failure, dt_setup, dt_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
