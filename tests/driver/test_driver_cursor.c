/*
 * UPDATE_CURSOR and MOVE_CURSOR: sent on the cursor queue, answered OK when
 * the device returns the buffer with used length 0, kept in order with the
 * control commands (a cursor command waits for the control commands before
 * it, a control command for a cursor command in flight), and answered
 * DEVICE_ERROR when the device fails under them. Effects are checked on
 * what the device model displays (vgpu_model_composed()).
 */
#include "driver_test.h"

#define SW    128u
#define SH    64u
#define BG    1u /* the scanout's resource */
#define CUR   2u /* the cursor's */
#define BG_IO VH_DATA_IO
#define CU_IO (VH_DATA_IO + 65536)

/* The cursor image of `seed`: every pixel opaque, its colour from seed and position. */
static void cursor_fill(vgpu_harness_t *h, uint32_t seed)
{
    uint32_t *px = vh_data(h, CU_IO, 64 * 64 * 4);
    assert_non_null(px);
    for (uint32_t i = 0; i < 64 * 64; i++) {
        px[i] = 0xff000000u | ((seed * 40u + i) & 0xffffffu);
    }
}

static uint32_t cursor_pixel(uint32_t x, uint32_t y, uint32_t seed)
{
    return (seed * 40u + y * 64u + x) & 0xffffffu;
}

/* A SW x SH scanout showing resource BG (seed 1), and cursor resource CUR (64x64 B8G8R8A8, backed, seed 0). */
static int setup(void **state)
{
    vh_options_t opt;
    vh_options_default(&opt);
    opt.model.width[0] = SW;
    opt.model.height[0] = SH;
    vgpu_harness_t *h = vh_create(&opt);
    if (h == NULL || h->init_result != GPU_DRIVER_INIT_OK) {
        vh_destroy(h);
        return -1;
    }
    dt_make_2d(h, BG, SW, SH, BG_IO, 1);
    gpu_req_t reqs[] = {
            vh_req_transfer(10, BG, vh_rect(0, 0, SW, SH), 0),
            vh_req_set_scanout(11, 0, BG, vh_rect(0, 0, SW, SH)),
            vh_req_flush(12, BG, vh_rect(0, 0, SW, SH)),
            vh_req_create_2d(13, CUR, GPU_FORMAT_B8G8R8A8_UNORM, 64, 64),
            vh_req_attach(14, CUR, CU_IO, 64 * 64 * 4),
    };
    cursor_fill(h, 0);
    for (size_t i = 0; i < sizeof(reqs) / sizeof(reqs[0]); i++) {
        assert_int_equal(vh_call(h, &reqs[i]), GPU_STATUS_OK);
    }
    *state = h;
    return 0;
}

/* The display shows the background with, if `seed` >= 0, the cursor image of `seed` at top-left (x, y). */
static void assert_display(vgpu_harness_t *h, int seed, uint32_t x, uint32_t y)
{
    uint32_t w = 0, hh = 0;
    uint32_t *px = vgpu_model_composed(h->model, 0, &w, &hh);
    assert_non_null(px);
    assert_int_equal(w, SW);
    for (uint32_t sy = 0; sy < SH; sy++) {
        for (uint32_t sx = 0; sx < SW; sx++) {
            bool in = seed >= 0 && sx >= x && sx < x + 64 && sy >= y && sy < y + 64;
            uint32_t want = in ? cursor_pixel(sx - x, sy - y, (uint32_t)seed) : dt_pattern(sx, sy, 1);
            if (px[sy * SW + sx] != want) {
                free(px);
                fail_msg("(%u, %u): 0x%06x, want 0x%06x", sx, sy, px[sy * SW + sx], want);
            }
        }
    }
    free(px);
}

static void transfer_cursor(vgpu_harness_t *h, uint32_t id)
{
    gpu_req_t t = vh_req_transfer(id, CUR, vh_rect(0, 0, 64, 64), 0);
    assert_true(vh_push(h, &t));
}

/* Every response waiting has its expected status, in any order; returns how many there were. */
static uint32_t expect_all(vgpu_harness_t *h, uint32_t first_id, uint32_t n, uint32_t status)
{
    gpu_resp_t r;
    uint32_t seen = 0;
    while (vh_pop(h, &r)) {
        assert_true(r.id >= first_id && r.id < first_id + n);
        assert_int_equal(r.status, status);
        seen++;
    }
    return seen;
}

/* Update, move, hide: on the cursor queue, OK each, and the moved cursor still shows (the move names it). */
static void test_cursor_commands(void **state)
{
    vgpu_harness_t *h = *state;
    gpu_req_t t = vh_req_transfer(1, CUR, vh_rect(0, 0, 64, 64), 0);
    assert_int_equal(vh_call(h, &t), GPU_STATUS_OK);
    gpu_req_t u = vh_req_update_cursor(2, 0, CUR, 20, 10, 4, 3);
    assert_int_equal(vh_call(h, &u), GPU_STATUS_OK);
    assert_display(h, 0, 16, 7);
    gpu_req_t m = vh_req_move_cursor(3, 0, 100, 40);
    assert_int_equal(vh_call(h, &m), GPU_STATUS_OK);
    assert_display(h, 0, 96, 37);
    gpu_req_t hide = vh_req_update_cursor(4, 0, GPU_RESOURCE_ID_NONE, 0, 0, 0, 0);
    assert_int_equal(vh_call(h, &hide), GPU_STATUS_OK);
    assert_display(h, -1, 0, 0);
    gpu_req_t m2 = vh_req_move_cursor(5, 0, 50, 50); /* a hidden cursor stays hidden */
    assert_int_equal(vh_call(h, &m2), GPU_STATUS_OK);
    assert_display(h, -1, 0, 0);
    assert_int_equal(h->drv->stats.cursor_cmds, 4);
    assert_int_equal(h->drv->stats.bad_responses, 0);
    assert_int_equal(h->drv->cursor_in_flight, 0);
    assert_int_equal(h->drv->num_free_slots, h->drv->num_slots);
}

/*
 * TRANSFER, UPDATE_CURSOR, UNREF back to back while the device holds its
 * completions: the cursor waits for the transfer's completion and the unref
 * for the cursor's, so the cursor shows the transferred image and the unref
 * does not take it away first.
 */
static void test_cursor_waits_for_control_and_control_for_cursor(void **state)
{
    vgpu_harness_t *h = *state;
    cursor_fill(h, 5);
    vgpu_model_fault_hold(h->model, 1);
    transfer_cursor(h, 1);
    gpu_req_t u = vh_req_update_cursor(2, 0, CUR, 0, 0, 0, 0);
    gpu_req_t unref = vh_req_unref(3, CUR);
    assert_true(vh_push(h, &u));
    assert_true(vh_push(h, &unref));
    vh_kick(h);
    vgpu_model_cursor_t cur;
    vgpu_model_cursor_state(h->model, &cur);
    assert_int_equal(cur.updates, 0); /* held by the driver: the transfer is still in flight */
    assert_true(h->drv->has_held);
    assert_int_equal(h->drv->held.code, GPU_REQ_UPDATE_CURSOR);
    vgpu_model_fault_hold(h->model, 0);
    vgpu_model_fault_release(h->model);
    vh_run(h);
    vgpu_model_cursor_state(h->model, &cur);
    assert_int_equal(cur.updates, 1);
    assert_false(vgpu_model_resource_exists(h->model, CUR));
    assert_int_equal(expect_all(h, 1, 3, GPU_STATUS_OK), 3);
    assert_display(h, 5, 0, 0);              /* the image as transferred, copied before the unref */
    assert_int_equal(h->drv->stats.held, 2); /* the cursor behind the transfer, the unref behind the cursor */
}

/* A control command behind a cursor command in flight waits for it. */
static void test_control_waits_for_cursor_in_flight(void **state)
{
    vgpu_harness_t *h = *state;
    vgpu_model_fault_hold(h->model, 1);
    gpu_req_t u = vh_req_update_cursor(1, 0, CUR, 0, 0, 0, 0);
    gpu_req_t c = vh_req_create_2d(2, 7, GPU_FORMAT_B8G8R8X8_UNORM, 16, 16);
    assert_true(vh_push(h, &u));
    assert_true(vh_push(h, &c));
    vh_kick(h);
    assert_int_equal(h->drv->cursor_in_flight, 1);
    assert_false(vgpu_model_resource_exists(h->model, 7));
    assert_int_equal(h->drv->held.code, GPU_REQ_RESOURCE_CREATE_2D);
    vgpu_model_fault_hold(h->model, 0);
    vgpu_model_fault_release(h->model);
    vh_run(h);
    assert_true(vgpu_model_resource_exists(h->model, 7));
    assert_int_equal(expect_all(h, 1, 2, GPU_STATUS_OK), 2);
}

/* The device fails with a cursor command in flight: DEVICE_ERROR, once, and nothing leaks. */
static void test_cursor_in_flight_at_device_fault(void **state)
{
    vgpu_harness_t *h = *state;
    vgpu_model_fault_hold(h->model, 1);
    gpu_req_t u = vh_req_update_cursor(1, 0, CUR, 0, 0, 0, 0);
    assert_true(vh_push(h, &u));
    vh_kick(h);
    assert_int_equal(h->drv->cursor_in_flight, 1);
    vgpu_model_fault_needs_reset(h->model);
    vh_run(h);
    assert_int_equal(expect_all(h, 1, 1, GPU_STATUS_DEVICE_ERROR), 1);
    assert_int_equal(h->drv->cursor_in_flight, 0);
    assert_int_equal(h->drv->num_free_slots, h->drv->num_slots);
    assert_int_equal(h->drv->device_epoch, 1);
}

/* A cursor command held behind a control command when the device fails: both answered DEVICE_ERROR. */
static void test_held_cursor_at_device_fault(void **state)
{
    vgpu_harness_t *h = *state;
    vgpu_model_fault_hold(h->model, 1);
    transfer_cursor(h, 1);
    gpu_req_t u = vh_req_update_cursor(2, 0, CUR, 0, 0, 0, 0);
    assert_true(vh_push(h, &u));
    vh_kick(h);
    assert_true(h->drv->has_held);
    vgpu_model_fault_needs_reset(h->model);
    vh_run(h);
    vgpu_model_fault_hold(h->model, 0);
    assert_int_equal(expect_all(h, 1, 2, GPU_STATUS_DEVICE_ERROR), 2);
    assert_false(h->drv->has_held);
    vgpu_model_cursor_t cur;
    vgpu_model_cursor_state(h->model, &cur);
    assert_int_equal(cur.updates, 0);
}

/* A device that claims to have written into a cursor command's read-only buffer: DEVICE_ERROR, logged. */
static void test_cursor_used_length_not_zero(void **state)
{
    vgpu_harness_t *h = *state;
    vh_log_reset();
    vgpu_model_fault_bogus_used_len(h->model, 4);
    gpu_req_t u = vh_req_update_cursor(1, 0, CUR, 0, 0, 0, 0);
    assert_int_equal(vh_call(h, &u), GPU_STATUS_DEVICE_ERROR);
    assert_int_equal(h->drv->stats.bad_responses, 1);
    assert_int_equal(vh_log_count("expected 0"), 1);
    gpu_req_t m = vh_req_move_cursor(2, 0, 1, 1);
    assert_int_equal(vh_call(h, &m), GPU_STATUS_OK);
}

/* A cursor command the device never returns misses its deadline like any command: a fault, DEVICE_ERROR. */
static void test_cursor_deadline(void **state)
{
    vgpu_harness_t *h = *state;
    vgpu_model_fault_hold(h->model, 1);
    gpu_req_t u = vh_req_update_cursor(1, 0, CUR, 0, 0, 0, 0);
    assert_true(vh_push(h, &u));
    vh_kick(h);
    for (uint32_t i = 0; i <= GPU_DRIVER_DEFAULT_DEADLINE_TICKS; i++) {
        vh_tick(h);
    }
    assert_int_equal(expect_all(h, 1, 1, GPU_STATUS_DEVICE_ERROR), 1);
    assert_int_equal(h->drv->stats.deadlines, 1);
    assert_int_equal(h->drv->cursor_in_flight, 0);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, dt_teardown)

int main(void)
{
    setenv("VH_QUIET", "1", 1);
    const struct CMUnitTest tests[] = {
            T(test_cursor_commands),
            T(test_cursor_waits_for_control_and_control_for_cursor),
            T(test_control_waits_for_cursor_in_flight),
            T(test_cursor_in_flight_at_device_fault),
            T(test_held_cursor_at_device_fault),
            T(test_cursor_used_length_not_zero),
            T(test_cursor_deadline),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
