/*
 * Configuration-change interrupts: display events reach the info region and
 * the virtualiser, are acknowledged with events_clear; unknown event bits are
 * acknowledged (written back to events_clear) and logged; a device that is
 * down still has its interrupts acknowledged. Device faults and recovery:
 * test_driver_recovery.c.
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

/*
 * Bits of events_read that no specification defines are written back to
 * events_clear with the known ones: a device that keeps them set would
 * otherwise raise configuration interrupts for ever.
 */
static void test_unknown_event_bits_cleared(void **state)
{
    vgpu_harness_t *h = *state;
    vh_log_reset();
    vgpu_model_fault_config_event(h->model, 0x80000004u);
    vh_run(h);
    assert_int_equal(events_read(h), 0);
    assert_int_equal(h->drv->stats.unknown_events, 1);
    assert_int_equal(vh_log_count("unknown device events 0x80000004"), 1);
    assert_false(gpu_event_take(&h->info->event, NULL)); /* nothing the virtualiser must know */
    vgpu_model_fault_config_event(h->model, VIRTIO_GPU_EVENT_DISPLAY | 0x10u);
    vh_run(h);
    assert_int_equal(events_read(h), 0);
    assert_true(gpu_event_take(&h->info->event, NULL));
    assert_int_equal(h->drv->stats.unknown_events, 2);
}

static uint32_t refuse_flag; /* while set, the device will not go live again (vh_refuse_driver_ok) */

/*
 * A device that is down (it faulted and will not initialise again) keeps
 * being read for its interrupt cause and acknowledged: on a level-triggered
 * line an unacknowledged cause would interrupt again at every IRQ ack, for
 * ever. The cause is ignored (no display event is raised: the virtualiser
 * would re-query a dead device without end).
 */
static void test_interrupts_acknowledged_while_down(void **state)
{
    (void)state;
    vh_options_t opt;
    vh_options_default(&opt);
    opt.read_filter = vh_refuse_driver_ok;
    opt.filter_ctx = &refuse_flag;
    refuse_flag = 0;
    vgpu_harness_t *h = vh_create(&opt);
    assert_non_null(h);
    assert_int_equal(h->init_result, GPU_DRIVER_INIT_OK);
    refuse_flag = 1;
    vgpu_model_fault_needs_reset(h->model);
    vh_run(h);
    assert_false(h->drv->ready);
    uint32_t signals = h->signals;
    vgpu_model_fault_spurious_irq(h->model);
    vgpu_model_fault_config_event(h->model, VIRTIO_GPU_EVENT_DISPLAY);
    h->auto_irq = 0;
    gpu_driver_handle_irq(h->drv);
    assert_false(vgpu_model_irq_level(h->model));
    uint32_t generation;
    assert_false(gpu_event_take(&h->info->event, &generation));
    assert_false(gpu_driver_take_signal(h->drv));
    assert_int_equal(h->signals, signals);
    refuse_flag = 0;
    vh_destroy(h);
}

int main(void)
{
    setenv("VH_QUIET", "1", 1);
    const struct CMUnitTest tests[] = {
            cmocka_unit_test_setup_teardown(test_display_change_event, dt_setup, dt_teardown),
            cmocka_unit_test_setup_teardown(test_disconnect_event, dt_setup, dt_teardown),
            cmocka_unit_test_setup_teardown(test_event_during_commands, dt_setup, dt_teardown),
            cmocka_unit_test(test_unknown_event_bits),
            cmocka_unit_test_setup_teardown(test_unknown_event_bits_cleared, dt_setup, dt_teardown),
            cmocka_unit_test(test_interrupts_acknowledged_while_down),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
