/*
 * Device faults and recovery, against the device model: DEVICE_NEEDS_RESET,
 * a used index that runs past what was published, a command past its
 * deadline. Each time every command in flight is answered DEVICE_ERROR
 * exactly once, the device is reset and initialised again, device_epoch goes
 * up, the display event is raised, and a client's sequence afterwards puts
 * exact pixels on the model's scanout. Re-initialisations that fail are
 * retried on ticks with a bounded backoff; while the device is down every
 * request is answered DEVICE_ERROR at once.
 */
#include "driver_test.h"

#define ALL_STATUS                                                                                                     \
    (VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK)

/* Pushes creates for resources first..first+n-1 (request id = resource id) with the model holding completions. */
static void hold_creates(vgpu_harness_t *h, uint32_t first, uint32_t n)
{
    vgpu_model_fault_hold(h->model, 1);
    for (uint32_t i = 0; i < n; i++) {
        gpu_req_t r = vh_req_create_2d(first + i, first + i, GPU_FORMAT_B8G8R8X8_UNORM, 16, 16);
        assert_true(vh_push(h, &r));
    }
    vh_kick(h);
    assert_int_equal(vgpu_model_fault_held(h->model), n);
    vgpu_model_fault_hold(h->model, 0); /* the knob stays off; what is held now is dropped by the reset */
}

/* Pops exactly the answers to ids first..first+n-1, each once, each DEVICE_ERROR. */
static void expect_device_errors(vgpu_harness_t *h, uint32_t first, uint32_t n)
{
    uint8_t seen[64] = {0};
    gpu_resp_t resp;
    for (uint32_t i = 0; i < n; i++) {
        assert_true(vh_pop(h, &resp));
        assert_in_range(resp.id, first, first + n - 1);
        assert_int_equal(seen[resp.id - first], 0);
        seen[resp.id - first] = 1;
        assert_int_equal(resp.status, GPU_STATUS_DEVICE_ERROR);
    }
    assert_false(vh_pop(h, &resp));
}

static void assert_all_free(vgpu_harness_t *h)
{
    assert_int_equal(h->drv->num_free_slots, h->drv->num_slots);
    assert_int_equal(virtq_num_free(&h->drv->ctrl), h->drv->ctrl.size);
}

/* The driver is live again at `epoch`: the event was raised, and GET_DISPLAY_INFO answers with that epoch. */
static void assert_recovered(vgpu_harness_t *h, uint32_t epoch)
{
    assert_true(h->drv->ready);
    assert_int_equal(h->drv->device_epoch, epoch);
    assert_int_equal(vgpu_model_status(h->model), ALL_STATUS);
    assert_true(gpu_event_take(&h->info->event, NULL));
    gpu_req_t d = vh_req_display_info(900 + epoch);
    assert_int_equal(vh_call(h, &d), GPU_STATUS_OK);
    assert_int_equal(h->info->display.device_epoch, epoch);
    assert_int_equal(h->info->display.scanouts[0].rect.width, 1280);
    assert_all_free(h);
}

/*
 * A client's whole sequence, enqueued back to back as a client may:
 * create, attach, set_scanout, transfer, flush; every answer OK and the
 * scanout shows exactly the pattern for `seed`.
 */
static void client_sequence(vgpu_harness_t *h, uint32_t rid, uint32_t seed)
{
    const uint32_t w = 64, hg = 40;
    dt_fill(h, VH_DATA_IO, w, hg, w * 4, seed);
    const gpu_req_t reqs[] = {
            vh_req_create_2d(500, rid, GPU_FORMAT_B8G8R8X8_UNORM, w, hg),
            vh_req_attach(501, rid, VH_DATA_IO, (uint64_t)w * hg * 4),
            vh_req_set_scanout(502, 0, rid, vh_rect(0, 0, w, hg)),
            vh_req_transfer(503, rid, vh_rect(0, 0, w, hg), 0),
            vh_req_flush(504, rid, vh_rect(0, 0, w, hg)),
    };
    for (size_t i = 0; i < sizeof(reqs) / sizeof(reqs[0]); i++) {
        assert_true(vh_push(h, &reqs[i]));
    }
    vh_kick(h);
    gpu_resp_t resp;
    for (uint32_t id = 500; id <= 504; id++) {
        assert_true(vh_pop(h, &resp));
        assert_int_equal(resp.id, id); /* the model completes in order */
        assert_int_equal(resp.status, GPU_STATUS_OK);
    }
    dt_assert_screen(h, 0, w, hg, seed);
}

static void assert_screen_black(vgpu_harness_t *h)
{
    uint32_t fw = 0, fh = 0;
    const uint32_t *fb = vgpu_model_framebuffer(h->model, 0, &fw, &fh);
    assert_non_null(fb);
    for (uint32_t i = 0; i < fw * fh; i++) {
        assert_int_equal(fb[i], 0);
    }
}

/* DEVICE_NEEDS_RESET with three commands in flight and a picture on screen. */
static void test_needs_reset_recovers(void **state)
{
    vgpu_harness_t *h = *state;
    client_sequence(h, 7, 1);
    hold_creates(h, 1, 3);
    uint32_t signals = h->signals;
    vh_log_reset();
    vgpu_model_fault_needs_reset(h->model);
    vh_run(h);
    expect_device_errors(h, 1, 3);
    assert_int_equal(vh_log_count("GPU_DRV|WARN: device fault: device set DEVICE_NEEDS_RESET; device reset, 3 "
                                  "commands in flight answered DEVICE_ERROR"),
                     1);
    assert_int_equal(vh_log_count("GPU_DRV|INFO: device recovered: epoch 1"), 1);
    assert_int_equal(h->drv->stats.device_faults, 1);
    assert_int_equal(h->drv->stats.recoveries, 1);
    assert_int_equal(h->signals, signals + 1);
    assert_int_equal(vgpu_model_fault_held(h->model), 0);
    assert_int_equal(vgpu_model_resource_count(h->model), 0); /* everything on the device is gone */
    assert_screen_black(h);
    assert_recovered(h, 1);
    client_sequence(h, 7, 2); /* the same resource id again: the device lost the old one */
}

/*
 * The issue 12 sequence on the model: one element published with used->idx
 * one ahead, then an element with a bogus id. The ring is refused at once:
 * both commands answered, the device recovered, nothing leaked.
 */
static void test_used_idx_ahead_recovers(void **state)
{
    vgpu_harness_t *h = *state;
    vh_log_reset();
    vgpu_model_fault_used_idx_ahead(h->model, 1);
    vgpu_model_fault_bogus_used_id(h->model, 5000);
    for (uint32_t i = 1; i <= 2; i++) {
        gpu_req_t r = vh_req_create_2d(i, i, GPU_FORMAT_B8G8R8X8_UNORM, 16, 16);
        assert_true(vh_push(h, &r));
    }
    vh_kick(h);
    expect_device_errors(h, 1, 2);
    assert_int_equal(vh_log_count("used index ran past the chains made available"), 1);
    assert_recovered(h, 1);
    client_sequence(h, 1, 3);
    for (uint32_t i = 0; i < 300; i++) { /* a full window many times over: no slot was leaked */
        gpu_req_t r = vh_req_display_info(1000 + i);
        assert_true(vh_push(h, &r));
    }
    vh_kick(h);
    assert_int_equal(vh_pending(h), 300);
}

/*
 * A stuck command: answered DEVICE_ERROR on the first tick at which it has
 * been outstanding for more than deadline_ticks (3) ticks, not before.
 */
static void test_deadline_recovers(void **state)
{
    vgpu_harness_t *h = *state;
    client_sequence(h, 2, 4);
    vh_tick(h); /* a command sent after some ticks counts from its own submission */
    hold_creates(h, 1, 1);
    vh_log_reset();
    for (uint32_t t = 1; t <= GPU_DRIVER_DEFAULT_DEADLINE_TICKS; t++) {
        vh_tick(h);
        assert_int_equal(vh_pending(h), 0);
        assert_true(h->drv->ready);
    }
    vh_tick(h);
    expect_device_errors(h, 1, 1);
    assert_int_equal(vh_log_count("request 1 (code 2, fence"), 1);
    assert_int_equal(vh_log_count("outstanding for 4 ticks, deadline 3"), 1);
    assert_int_equal(vh_log_count("device fault: a command missed its deadline"), 1);
    assert_int_equal(h->drv->stats.deadlines, 1);
    assert_screen_black(h);
    assert_recovered(h, 1);
    client_sequence(h, 2, 5);
}

/* Commands that do complete are never faulted, however many ticks pass between them. */
static void test_deadline_spares_completed(void **state)
{
    vgpu_harness_t *h = *state;
    for (uint32_t i = 0; i < 20; i++) {
        gpu_req_t d = vh_req_display_info(i);
        assert_int_equal(vh_call(h, &d), GPU_STATUS_OK);
        vh_tick(h);
        vh_tick(h);
    }
    assert_int_equal(h->drv->stats.device_faults, 0);
    assert_int_equal(h->drv->device_epoch, 0);
}

/* deadline_ticks from the configuration: 1 faults on the second tick. */
static void test_deadline_configured(void **state)
{
    (void)state;
    vh_options_t opt;
    vh_options_default(&opt);
    opt.deadline_ticks = 1;
    vgpu_harness_t *h = vh_create(&opt);
    assert_non_null(h);
    hold_creates(h, 1, 2);
    vh_tick(h);
    assert_int_equal(vh_pending(h), 0);
    vh_tick(h);
    expect_device_errors(h, 1, 2);
    assert_recovered(h, 1);
    vh_destroy(h);
}

static uint32_t refuse_flag; /* while set, the device will not go live (vh_refuse_driver_ok) */

static vgpu_harness_t *make_refusing(bool ticked)
{
    vh_options_t opt;
    vh_options_default(&opt);
    opt.read_filter = vh_refuse_driver_ok;
    opt.filter_ctx = &refuse_flag;
    opt.ticked = ticked;
    refuse_flag = 0;
    vgpu_harness_t *h = vh_create(&opt);
    assert_non_null(h);
    assert_int_equal(h->init_result, GPU_DRIVER_INIT_OK);
    return h;
}

/* While down, every request is answered DEVICE_ERROR at once (unknown codes UNSUPPORTED), none reaches the device. */
static void assert_down(vgpu_harness_t *h)
{
    assert_false(h->drv->ready);
    vgpu_model_stats_t before, after;
    vgpu_model_stats(h->model, &before);
    for (uint32_t i = 0; i < 40; i++) {
        gpu_req_t r = vh_req_create_2d(700 + i, 1, GPU_FORMAT_B8G8R8X8_UNORM, 16, 16);
        assert_true(vh_push(h, &r));
    }
    gpu_req_t u = vh_req_code(99, 740);
    assert_true(vh_push(h, &u));
    vh_kick(h);
    gpu_resp_t resp;
    for (uint32_t i = 0; i < 41; i++) {
        assert_true(vh_pop(h, &resp));
        assert_int_equal(resp.status, i < 40 ? GPU_STATUS_DEVICE_ERROR : GPU_STATUS_UNSUPPORTED);
    }
    assert_false(vh_pop(h, &resp));
    vgpu_model_stats(h->model, &after);
    assert_int_equal(after.commands, before.commands);
}

/*
 * Re-initialisation keeps failing: attempts on ticks 1, 3, 7, 15, 31, then
 * every 32 ticks (the backoff doubles up to GPU_DRIVER_RETRY_MAX_TICKS), each
 * logged; the driver stays down and answers everything meanwhile. Once the
 * device behaves, the next attempt brings it back.
 */
static void test_reinit_retried_with_backoff(void **state)
{
    (void)state;
    vgpu_harness_t *h = make_refusing(true);
    refuse_flag = 1;
    vh_log_reset();
    vgpu_model_fault_needs_reset(h->model);
    vh_run(h);
    assert_int_equal(h->drv->stats.reinit_failed, 1); /* the immediate attempt */
    assert_int_equal(vh_log_count("re-initialisation failed: device did not go live after DRIVER_OK; next attempt in 1 "
                                  "ticks"),
                     1);
    assert_down(h);
    const uint32_t attempts_at[] = {1, 3, 7, 15, 31, 63, 95, 127};
    uint32_t k = 0;
    for (uint32_t t = 1; t <= 127; t++) {
        vh_tick(h);
        if (k < sizeof(attempts_at) / sizeof(attempts_at[0]) && t == attempts_at[k]) {
            k++;
        }
        if (h->drv->stats.reinit_failed != 1 + k) {
            fail_msg("tick %u: %llu failed attempts, want %u", (unsigned)t,
                     (unsigned long long)h->drv->stats.reinit_failed, (unsigned)(1 + k));
        }
    }
    assert_int_equal(vh_log_count("next attempt in 32 ticks"), 4); /* after ticks 31, 63, 95, 127 */
    assert_int_equal(vh_log_count("GPU_DRV|INFO: re-initialising the device"), 8);
    assert_down(h);
    refuse_flag = 0;
    for (uint32_t t = 0; t < 31; t++) {
        vh_tick(h);
        assert_false(h->drv->ready);
    }
    vh_tick(h);
    assert_recovered(h, 1);
    client_sequence(h, 3, 6);
    vh_destroy(h);
}

/*
 * A device that faults again soon after a recovery is re-initialised on a
 * later tick (2, then 4 ticks), not at once; after GPU_DRIVER_RETRY_MAX_TICKS
 * ticks of good behaviour a fault is again recovered from at once.
 */
static void test_repeated_faults_back_off(void **state)
{
    vgpu_harness_t *h = *state;
    vgpu_model_fault_needs_reset(h->model);
    vh_run(h);
    assert_recovered(h, 1);
    vh_log_reset();
    vgpu_model_fault_needs_reset(h->model);
    vh_run(h);
    assert_int_equal(vh_log_count("device faulted 0 ticks after its last recovery; re-initialising in 2 ticks"), 1);
    assert_down(h);
    vh_tick(h);
    assert_false(h->drv->ready);
    vh_tick(h);
    assert_recovered(h, 2);
    vgpu_model_fault_needs_reset(h->model);
    vh_run(h);
    assert_int_equal(vh_log_count("re-initialising in 4 ticks"), 1);
    for (uint32_t t = 0; t < 4; t++) {
        vh_tick(h);
    }
    assert_recovered(h, 3);
    for (uint32_t t = 0; t < GPU_DRIVER_RETRY_MAX_TICKS; t++) {
        vh_tick(h);
    }
    vgpu_model_fault_needs_reset(h->model);
    vh_run(h);
    assert_recovered(h, 4); /* stable for long enough: at once */
    client_sequence(h, 4, 7);
}

/* Without ticks: each fault gets one immediate re-initialisation; if that fails the device stays down. */
static void test_no_ticks(void **state)
{
    (void)state;
    vgpu_harness_t *h = make_refusing(false);
    for (uint32_t epoch = 1; epoch <= 3; epoch++) { /* no backoff without ticks */
        vgpu_model_fault_needs_reset(h->model);
        vh_run(h);
        assert_recovered(h, epoch);
    }
    refuse_flag = 1;
    vh_log_reset();
    vgpu_model_fault_needs_reset(h->model);
    vh_run(h);
    assert_int_equal(vh_log_count("no tick to retry on, the device stays down"), 1);
    assert_false(h->drv->recovering);
    assert_down(h);
    refuse_flag = 0;
    vh_destroy(h);
}

static uint32_t stuck_flag;

/* While stuck_flag is set the device needs a reset and never finishes one. */
static uint32_t stuck_needing_reset(void *ctx, uint32_t offset, uint32_t value)
{
    (void)ctx;
    if (offset != VIRTIO_MMIO_STATUS || !stuck_flag) {
        return value;
    }
    return value | VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DEVICE_NEEDS_RESET;
}

/* A device that fails at run time and does not reset: logged, every command answered, no hang; back later. */
static void test_fault_without_reset(void **state)
{
    (void)state;
    vh_options_t opt;
    vh_options_default(&opt);
    opt.read_filter = stuck_needing_reset;
    stuck_flag = 0;
    vgpu_harness_t *h = vh_create(&opt);
    assert_non_null(h);
    hold_creates(h, 1, 2);
    vh_log_reset();
    stuck_flag = 1;
    vgpu_model_set_scanout(h->model, 0, 1024, 768, 1); /* a configuration-change interrupt */
    vh_run(h);
    assert_int_equal(vh_log_count("GPU_DRV|WARN: device status did not return to 0 within 50 ms of reset; the device "
                                  "may still write"),
                     1);
    expect_device_errors(h, 1, 2);
    assert_false(vgpu_model_irq_level(h->model)); /* acknowledged */
    assert_down(h);
    stuck_flag = 0;
    vh_tick(h);
    assert_true(h->drv->ready);
    assert_int_equal(h->drv->device_epoch, 1);
    vh_destroy(h);
}

/* Fence ids keep increasing across a recovery: an answer from before can never match a command after. */
static void test_fences_continue_across_recovery(void **state)
{
    vgpu_harness_t *h = *state;
    gpu_req_t d = vh_req_display_info(1);
    assert_int_equal(vh_call(h, &d), GPU_STATUS_OK);
    uint64_t next = h->drv->next_fence;
    vgpu_model_fault_needs_reset(h->model);
    vh_run(h);
    assert_true(h->drv->next_fence == next);
    vgpu_model_fault_hold(h->model, 1);
    d.id = 2;
    assert_true(vh_push(h, &d));
    vh_kick(h);
    uint32_t in_use = 0;
    for (uint32_t i = 0; i < h->drv->num_slots; i++) {
        if (h->drv->slots[i].in_use) {
            /* the new device's GET_EDID (next), then the GET_DISPLAY_INFO (next + 1) */
            assert_true(h->drv->slots[i].fence_id == next + in_use);
            in_use++;
        }
    }
    assert_int_equal(in_use, 2);
    vgpu_model_fault_hold(h->model, 0);
    vgpu_model_fault_release(h->model);
    vh_run(h);
    gpu_resp_t resp;
    assert_true(vh_pop(h, &resp));
    assert_int_equal(resp.status, GPU_STATUS_OK);
}

/*
 * docs/protocol.md section 11: after a recovery, until a GET_DISPLAY_INFO
 * has been answered OK by the new device, every other request is
 * DEVICE_ERROR and never reaches it (the virtualiser has not seen the new
 * epoch yet, so such a request was meant for the old device).
 */
static void test_requests_refused_until_display_info(void **state)
{
    vgpu_harness_t *h = *state;
    vgpu_model_fault_needs_reset(h->model);
    vh_run(h);
    assert_int_equal(h->drv->device_epoch, 1);
    vgpu_model_stats_t st;
    vgpu_model_stats(h->model, &st);
    uint64_t commands = st.commands;
    gpu_req_t create = vh_req_create_2d(1, 7, GPU_FORMAT_B8G8R8X8_UNORM, 16, 16);
    assert_int_equal(vh_call(h, &create), GPU_STATUS_DEVICE_ERROR);
    vgpu_model_stats(h->model, &st);
    assert_true(st.commands == commands);
    assert_recovered(h, 1);   /* GET_DISPLAY_INFO: OK, epoch 1 */
    client_sequence(h, 7, 3); /* the id the refused create named is free on the new device */
}

int main(void)
{
    setenv("VH_QUIET", "1", 1);
    const struct CMUnitTest tests[] = {
            cmocka_unit_test_setup_teardown(test_needs_reset_recovers, dt_setup, dt_teardown),
            cmocka_unit_test_setup_teardown(test_used_idx_ahead_recovers, dt_setup, dt_teardown),
            cmocka_unit_test_setup_teardown(test_deadline_recovers, dt_setup, dt_teardown),
            cmocka_unit_test_setup_teardown(test_deadline_spares_completed, dt_setup, dt_teardown),
            cmocka_unit_test(test_deadline_configured),
            cmocka_unit_test(test_reinit_retried_with_backoff),
            cmocka_unit_test_setup_teardown(test_repeated_faults_back_off, dt_setup, dt_teardown),
            cmocka_unit_test(test_no_ticks),
            cmocka_unit_test(test_fault_without_reset),
            cmocka_unit_test_setup_teardown(test_fences_continue_across_recovery, dt_setup, dt_teardown),
            cmocka_unit_test_setup_teardown(test_requests_refused_until_display_info, dt_setup, dt_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
