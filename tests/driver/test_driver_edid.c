/*
 * EDID (gpu_driver_edid.c) against the device model: the driver asks
 * GET_EDID for every scanout before passing on a GET_DISPLAY_INFO, after
 * each device start and each display event, and the answer carries the
 * preferred mode and physical size per scanout. Blocks the device spoils
 * are refused with a status, never believed.
 */
#include "driver_test.h"

#define MM(px) ((px)*264u / 1000u) /* the model's physical size: 264 um per pixel */

static void assert_edid(vgpu_harness_t *h, uint32_t scanout, uint32_t w, uint32_t hg)
{
    const gpu_scanout_info_t *s = &h->info->display.scanouts[scanout];
    assert_int_equal(s->edid_status, GPU_STATUS_OK);
    assert_int_equal(s->edid_width, w);
    assert_int_equal(s->edid_height, hg);
    assert_int_equal(s->width_mm, MM(w));
    assert_int_equal(s->height_mm, MM(hg));
}

static void assert_no_edid(vgpu_harness_t *h, uint32_t scanout, uint32_t status)
{
    const gpu_scanout_info_t *s = &h->info->display.scanouts[scanout];
    assert_int_equal(s->edid_status, status);
    assert_int_equal(s->edid_width, 0);
    assert_int_equal(s->edid_height, 0);
    assert_int_equal(s->width_mm, 0);
    assert_int_equal(s->height_mm, 0);
}

static uint32_t display_info(vgpu_harness_t *h, uint32_t id)
{
    gpu_req_t d = vh_req_display_info(id);
    return vh_call(h, &d);
}

/* vh_create()'s GET_DISPLAY_INFO already carried scanout 0's EDID; no extra display event was needed. */
static void test_edid_in_display_info(void **state)
{
    vgpu_harness_t *h = *state;
    assert_edid(h, 0, 1280, 800);
    assert_false(gpu_event_take(&h->info->event, NULL));
    assert_int_equal(vh_log_count("GPU_DRV|INFO: scanout 0 EDID: preferred mode 1280x800, 337x211 mm"), 1);
}

/* Two scanouts, one display change: both EDIDs fetched again, the changed one follows the new mode. */
static void test_edid_refetched_after_display_event(void **state)
{
    (void)state;
    vh_options_t opt;
    vh_options_default(&opt);
    opt.model.num_scanouts = 2;
    opt.model.enabled_mask = 3;
    opt.model.width[1] = 640;
    opt.model.height[1] = 480;
    vgpu_harness_t *h = vh_create(&opt);
    assert_non_null(h);
    assert_edid(h, 0, 1280, 800);
    assert_edid(h, 1, 640, 480);
    vgpu_model_set_scanout(h->model, 1, 1024, 768, 1);
    vh_run(h);
    assert_true(gpu_event_take(&h->info->event, NULL));
    assert_int_equal(display_info(h, 1), GPU_STATUS_OK);
    assert_edid(h, 0, 1280, 800);
    assert_edid(h, 1, 1024, 768);
    assert_int_equal(h->drv->stats.edid_fetched, 2);
    vh_destroy(h);
}

/* Every way the model can spoil a block: refused with INVALID_PARAMETER, display info itself still OK. */
static void test_spoiled_edid_refused(void **state)
{
    vgpu_harness_t *h = *state;
    static const uint32_t faults[] = {VGPU_EDID_FAULT_CHECKSUM, VGPU_EDID_FAULT_HEADER, VGPU_EDID_FAULT_SHORT,
                                      VGPU_EDID_FAULT_HUGE, VGPU_EDID_FAULT_NO_TIMING};
    for (size_t i = 0; i < sizeof(faults) / sizeof(faults[0]); i++) {
        vgpu_model_fault_edid(h->model, faults[i]);
        vgpu_model_fault_config_event(h->model, VIRTIO_GPU_EVENT_DISPLAY);
        vh_run(h);
        assert_int_equal(display_info(h, (uint32_t)i + 1), GPU_STATUS_OK);
        assert_no_edid(h, 0, GPU_STATUS_INVALID_PARAMETER);
        assert_int_equal(h->info->display.scanouts[0].rect.width, 1280);
        assert_int_equal(h->drv->stats.edid_refused, i + 1);
    }
    vgpu_model_fault_edid(h->model, VGPU_EDID_FAULT_NONE);
    vgpu_model_fault_config_event(h->model, VIRTIO_GPU_EVENT_DISPLAY);
    vh_run(h);
    assert_int_equal(display_info(h, 9), GPU_STATUS_OK);
    assert_edid(h, 0, 1280, 800);
}

/* A device answering GET_EDID with an error: UNSUPPORTED for that scanout; the display info is unharmed. */
static void test_edid_error_answer(void **state)
{
    vgpu_harness_t *h = *state;
    vgpu_model_fault_error_cmd(h->model, VIRTIO_GPU_CMD_GET_EDID, VIRTIO_GPU_RESP_ERR_UNSPEC);
    vgpu_model_fault_config_event(h->model, VIRTIO_GPU_EVENT_DISPLAY);
    vh_run(h);
    assert_int_equal(display_info(h, 1), GPU_STATUS_OK);
    assert_no_edid(h, 0, GPU_STATUS_UNSUPPORTED);
}

/* Without the EDID feature the driver sends no GET_EDID and says UNSUPPORTED. */
static void test_no_edid_feature(void **state)
{
    (void)state;
    vh_options_t opt;
    vh_options_default(&opt);
    opt.model.features = (1ull << VIRTIO_F_VERSION_1) | (1ull << VIRTIO_GPU_F_RESOURCE_BLOB);
    vgpu_harness_t *h = vh_create(&opt);
    assert_non_null(h);
    assert_no_edid(h, 0, GPU_STATUS_UNSUPPORTED);
    vgpu_model_stats_t st;
    vgpu_model_stats(h->model, &st);
    assert_true(st.commands == 1); /* vh_create()'s GET_DISPLAY_INFO alone */
    vh_destroy(h);
}

/* A recovery forgets what the old device said and asks the new one. */
static void test_edid_after_recovery(void **state)
{
    vgpu_harness_t *h = *state;
    vgpu_model_fault_needs_reset(h->model);
    vh_run(h);
    assert_int_equal(h->drv->device_epoch, 1);
    assert_int_equal(h->drv->edid[0].status, GPU_STATUS_NOT_READY);
    assert_int_equal(display_info(h, 1), GPU_STATUS_OK);
    assert_edid(h, 0, 1280, 800);
}

int main(void)
{
    setenv("VH_QUIET", "1", 1);
    const struct CMUnitTest tests[] = {
            cmocka_unit_test_setup_teardown(test_edid_in_display_info, dt_setup, dt_teardown),
            cmocka_unit_test(test_edid_refetched_after_display_event),
            cmocka_unit_test_setup_teardown(test_spoiled_edid_refused, dt_setup, dt_teardown),
            cmocka_unit_test_setup_teardown(test_edid_error_answer, dt_setup, dt_teardown),
            cmocka_unit_test(test_no_edid_feature),
            cmocka_unit_test_setup_teardown(test_edid_after_recovery, dt_setup, dt_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
