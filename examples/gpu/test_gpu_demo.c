/*
 * The demo core against the fake server of tests/client: every state's
 * pixels against the expected picture computed here from the source image,
 * blob skipping, re-centring on a display change, cropping, recovery from a
 * failed state, one shared backing, one notification per state.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <client_rig.h>

#include "gpu_demo.h"

extern const img2c_image_t demo_image;

typedef struct demo_rig {
    rig_t *r;
    gpu_demo_t demo;
} demo_rig_t;

static void on_display(gpu_client_t *c, void *ctx)
{
    (void)c;
    gpu_demo_display_changed(ctx);
}

static demo_rig_t *demo_rig_new(uint32_t w, uint32_t h, uint32_t features)
{
    demo_rig_t *dr = calloc(1, sizeof(*dr));
    dr->r = rig_new(64, 64, 1, w, h, features);
    gpu_demo_config_t cfg = {.image = &demo_image, .scanout_id = 0, .fb_offset = 0};
    gpu_demo_init(&dr->demo, &dr->r->client, &cfg);
    dr->r->on_display = on_display;
    dr->r->on_display_ctx = &dr->demo;
    rig_log_clear();
    gpu_client_start(&dr->r->client);
    rig_pump(dr->r);
    return dr;
}

static void demo_rig_free(demo_rig_t *dr)
{
    rig_free(dr->r);
    free(dr);
}

static void tick(demo_rig_t *dr)
{
    gpu_demo_tick(&dr->demo);
    rig_pump(dr->r);
}

/* What scanout pixel (x, y) must show in `state` on a sw x sh scanout, computed from the image alone. */
static uint32_t expected_pixel(uint32_t state, uint32_t x, uint32_t y, uint32_t sw, uint32_t sh)
{
    const img2c_image_t *img = &demo_image;
    int64_t ox = ((int64_t)sw - (int64_t)img->width) / 2;
    int64_t oy = ((int64_t)sh - (int64_t)img->height) / 2;
    int64_t ix = (int64_t)x - ox;
    int64_t iy = (int64_t)y - oy;
    if (state == 3 || state == 6 || ix < 0 || iy < 0 || ix >= img->width || iy >= img->height) {
        return 0;
    }
    bool right = ix >= img->width / 2;
    bool top = iy < img->height / 2;
    if ((state == 2 && !(right && top)) || (state == 5 && !(right && !top))) {
        return 0;
    }
    return img->pixels[iy * img->width + ix] & 0x00ffffffu;
}

static void check_screen(demo_rig_t *dr, uint32_t state)
{
    uint32_t w, h;
    const uint32_t *fb = fake_server_fb(&dr->r->fs, 0, &w, &h);
    uint32_t wrong = 0;
    for (uint32_t y = 0; y < h; y++) {
        for (uint32_t x = 0; x < w; x++) {
            if (fb[y * w + x] != expected_pixel(state, x, y, w, h)) {
                if (wrong++ < 3) {
                    fprintf(stderr, "state %u: pixel (%u,%u) is %06x, expected %06x\n", state, x, y, fb[y * w + x],
                            expected_pixel(state, x, y, w, h));
                }
            }
        }
    }
    assert_int_equal(wrong, 0);
}

static void test_six_states_pixel_exact(void **state)
{
    (void)state;
    demo_rig_t *dr = demo_rig_new(640, 480, GPU_FEATURE_BLOB);
    assert_true(rig_log_contains("gpu-demo: scanout 0 is 640x480"));
    for (uint32_t cycle = 0; cycle < 2; cycle++) {
        for (uint32_t s = 1; s <= 6; s++) {
            char line[64];
            snprintf(line, sizeof(line), "gpu-demo: state %u ", s);
            uint32_t before = rig_log_count_matching(line);
            tick(dr);
            assert_int_equal(rig_log_count_matching(line), before + 1);
            check_screen(dr, s);
        }
    }
    assert_int_equal(dr->demo.failures, 0);
    assert_int_equal(dr->demo.states_done, 12);
    assert_int_equal(rig_log_count_matching(": ok"), 12);
    for (uint32_t id = 1; id <= 4; id++) {
        assert_false(dr->r->fs.res[id].used); /* state 6 destroyed everything */
    }
    demo_rig_free(dr);
}

static void test_one_backing_fresh_resources(void **state)
{
    (void)state;
    demo_rig_t *dr = demo_rig_new(640, 480, GPU_FEATURE_BLOB);
    uint32_t creates = 0;
    uint32_t ids_seen = 0;
    for (uint32_t s = 1; s <= 6; s++) {
        tick(dr);
    }
    for (uint32_t i = 0; i < dr->r->fs.log_count; i++) {
        const gpu_req_t *q = &dr->r->fs.log[i];
        if (q->code == GPU_REQ_RESOURCE_ATTACH_BACKING && q->attach_backing.resource_id == GPU_DEMO_CURSOR_ID) {
            /* the cursor image: the last 16 KiB of the data region, clear of the framebuffer */
            assert_int_equal(q->attach_backing.mem_addr, dr->r->client.cfg.data_size - 64 * 64 * 4);
            assert_int_equal(q->attach_backing.size, 64 * 64 * 4);
            assert_true(q->attach_backing.mem_addr >= 640 * 480 * 4);
        } else if (q->code == GPU_REQ_RESOURCE_ATTACH_BACKING) {
            assert_int_equal(q->attach_backing.mem_addr, 0);
        } else if (q->code == GPU_REQ_RESOURCE_CREATE_BLOB) {
            assert_int_equal(q->create_blob.mem_addr, 0);
        }
        if (q->code == GPU_REQ_RESOURCE_CREATE_2D || q->code == GPU_REQ_RESOURCE_CREATE_BLOB) {
            uint32_t id = q->code == GPU_REQ_RESOURCE_CREATE_2D ? q->create_2d.resource_id : q->create_blob.resource_id;
            assert_int_equal(ids_seen & (1u << id), 0); /* a fresh resource for every draw step */
            ids_seen |= 1u << id;
            creates++;
        }
    }
    assert_int_equal(creates, 5); /* four framebuffers and the cursor */
    demo_rig_free(dr);
}

/* Index in the log from `from` of the first request with `code` (and, if rid != 0, that resource id); -1 if none. */
static int find_request(const demo_rig_t *dr, uint32_t from, uint32_t code, uint32_t rid)
{
    for (uint32_t i = from; i < dr->r->fs.log_count; i++) {
        const gpu_req_t *q = &dr->r->fs.log[i];
        if (q->code == code && (rid == 0 || q->unref.resource_id == rid)) {
            return (int)i;
        }
    }
    return -1;
}

/*
 * The cursor's requests: state 1 creates the 64x64 B8G8R8A8 image and
 * transfers it before the UPDATE_CURSOR that copies it, then moves it;
 * state 2 moves it into the corner; state 3 hides it before the scanout
 * goes dark, and unrefs it. One console line per cursor response.
 */
static void test_cursor_requests_in_order(void **state)
{
    (void)state;
    demo_rig_t *dr = demo_rig_new(640, 480, GPU_FEATURE_BLOB);
    uint32_t from = dr->r->fs.log_count;
    tick(dr);
    int create = find_request(dr, from, GPU_REQ_RESOURCE_CREATE_2D, GPU_DEMO_CURSOR_ID);
    int transfer = find_request(dr, from, GPU_REQ_TRANSFER_TO_2D, GPU_DEMO_CURSOR_ID);
    int update = find_request(dr, from, GPU_REQ_UPDATE_CURSOR, 0);
    int move = find_request(dr, from, GPU_REQ_MOVE_CURSOR, 0);
    assert_true(create >= 0 && create < transfer && transfer < update && update < move);
    const gpu_req_t *c = &dr->r->fs.log[create];
    assert_int_equal(c->create_2d.format, GPU_FORMAT_B8G8R8A8_UNORM);
    assert_int_equal(c->create_2d.width, 64);
    assert_int_equal(c->create_2d.height, 64);
    const gpu_req_update_cursor_t want = {0, GPU_DEMO_CURSOR_ID, 160, 120, 1, 1};
    assert_memory_equal(&dr->r->fs.log[update].update_cursor, &want, sizeof(want));
    assert_int_equal(dr->r->fs.log[move].move_cursor.x, 320);
    assert_int_equal(dr->r->fs.log[move].move_cursor.y, 240);
    assert_true(rig_log_contains("gpu-demo: cursor set at (160, 120): OK"));
    assert_true(rig_log_contains("gpu-demo: cursor moved to (320, 240): OK"));
    from = dr->r->fs.log_count;
    tick(dr);
    move = find_request(dr, from, GPU_REQ_MOVE_CURSOR, 0);
    assert_true(move >= 0 && find_request(dr, from, GPU_REQ_UPDATE_CURSOR, 0) < 0);
    assert_int_equal(dr->r->fs.log[move].move_cursor.x, 640 - 23);
    assert_int_equal(dr->r->fs.log[move].move_cursor.y, 480 - 19);
    from = dr->r->fs.log_count;
    tick(dr);
    int hide = find_request(dr, from, GPU_REQ_UPDATE_CURSOR, 0);
    int off = find_request(dr, from, GPU_REQ_SET_SCANOUT, 0);
    assert_true(hide >= 0 && hide < off);
    assert_int_equal(dr->r->fs.log[hide].update_cursor.resource_id, GPU_RESOURCE_ID_NONE);
    assert_true(find_request(dr, from, GPU_REQ_RESOURCE_UNREF, GPU_DEMO_CURSOR_ID) > off);
    assert_true(rig_log_contains("gpu-demo: cursor hidden: OK"));
    assert_false(dr->r->fs.res[GPU_DEMO_CURSOR_ID].used);
    assert_int_equal(dr->demo.cursor.failures, 0);
    demo_rig_free(dr);
}

static void test_one_notification_per_state(void **state)
{
    (void)state;
    demo_rig_t *dr = demo_rig_new(640, 480, GPU_FEATURE_BLOB);
    for (uint32_t s = 1; s <= 6; s++) {
        uint32_t before = dr->r->fs.server_wakeups;
        uint32_t log_before = dr->r->fs.log_count;
        tick(dr);
        assert_int_equal(dr->r->fs.server_wakeups, before + 1);
        assert_true(dr->r->fs.log_count - log_before >= 1);
    }
    demo_rig_free(dr);
}

static void test_blob_states_skipped_without_blob(void **state)
{
    (void)state;
    demo_rig_t *dr = demo_rig_new(640, 480, 0);
    for (uint32_t s = 1; s <= 6; s++) {
        tick(dr);
        check_screen(dr, s == 4 || s == 5 ? 3 : s); /* stays dark after state 3 */
    }
    assert_int_equal(rig_log_count_matching("skipped, device lacks blob"), 2);
    assert_int_equal(dr->demo.failures, 0);
    for (uint32_t i = 0; i < dr->r->fs.log_count; i++) {
        assert_int_not_equal(dr->r->fs.log[i].code, GPU_REQ_RESOURCE_CREATE_BLOB);
    }
    tick(dr); /* the cycle goes on */
    check_screen(dr, 1);
    demo_rig_free(dr);
}

static void test_display_change_recentres(void **state)
{
    (void)state;
    demo_rig_t *dr = demo_rig_new(640, 480, GPU_FEATURE_BLOB);
    const uint32_t sizes[][2] = {{1024, 768}, {500, 300}, {333, 251}};
    for (uint32_t s = 1; s <= 5; s++) {
        tick(dr);
        if (s == 3) {
            continue;
        }
        const uint32_t *size = sizes[s % 3];
        fake_server_display_change(&dr->r->fs, 0, size[0], size[1]);
        rig_pump(dr->r);
        assert_true(rig_log_contains("re-centring"));
        check_screen(dr, s);
    }
    assert_int_equal(dr->demo.failures, 0);
    demo_rig_free(dr);
}

static void test_scanout_smaller_than_image_crops(void **state)
{
    (void)state;
    demo_rig_t *dr = demo_rig_new(demo_image.width / 2 + 1, demo_image.height / 2 + 3, GPU_FEATURE_BLOB);
    for (uint32_t s = 1; s <= 6; s++) {
        tick(dr);
        check_screen(dr, s);
    }
    demo_rig_free(dr);
}

static void test_failed_state_reported_and_recovered(void **state)
{
    (void)state;
    demo_rig_t *dr = demo_rig_new(640, 480, GPU_FEATURE_BLOB);
    dr->r->fs.fail_code = GPU_REQ_SET_SCANOUT;
    dr->r->fs.fail_status = GPU_STATUS_INVALID_SCANOUT_ID;
    tick(dr);
    assert_true(rig_log_contains("gpu-demo: state 1 full image (2D): failed, INVALID_SCANOUT_ID"));
    assert_int_equal(dr->demo.failures, 1);
    dr->r->fs.fail_code = 0;
    for (uint32_t s = 2; s <= 6; s++) {
        tick(dr);
        check_screen(dr, s);
    }
    tick(dr);
    check_screen(dr, 1);
    assert_int_equal(dr->demo.failures, 1);
    for (uint32_t id = 2; id <= 4; id++) {
        assert_false(dr->r->fs.res[id].used);
    }
    demo_rig_free(dr);
}

static void test_ticks_while_busy_coalesce(void **state)
{
    (void)state;
    demo_rig_t *dr = demo_rig_new(640, 480, GPU_FEATURE_BLOB);
    dr->r->fs.hold = true;
    gpu_demo_tick(&dr->demo);
    rig_pump(dr->r);
    gpu_demo_tick(&dr->demo); /* state 1 still in flight */
    gpu_demo_tick(&dr->demo);
    assert_int_equal(dr->demo.state, 1);
    dr->r->fs.hold = false;
    fake_server_release(&dr->r->fs);
    rig_pump(dr->r); /* state 1 completes, the pending tick runs state 2 once */
    assert_int_equal(dr->demo.state, 2);
    check_screen(dr, 2);
    demo_rig_free(dr);
}

static void test_placement(void **state)
{
    (void)state;
    gpu_demo_placement_t p = gpu_demo_place(300, 200, 640, 480);
    assert_int_equal(p.dst_x, 170);
    assert_int_equal(p.dst_y, 140);
    assert_int_equal(p.src_x, 0);
    assert_int_equal(p.width, 300);
    p = gpu_demo_place(300, 200, 101, 50);
    assert_int_equal(p.src_x, 99);
    assert_int_equal(p.src_y, 75);
    assert_int_equal(p.dst_x, 0);
    assert_int_equal(p.width, 101);
    assert_int_equal(p.height, 50);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_six_states_pixel_exact),
            cmocka_unit_test(test_one_backing_fresh_resources),
            cmocka_unit_test(test_one_notification_per_state),
            cmocka_unit_test(test_cursor_requests_in_order),
            cmocka_unit_test(test_blob_states_skipped_without_blob),
            cmocka_unit_test(test_display_change_recentres),
            cmocka_unit_test(test_scanout_smaller_than_image_crops),
            cmocka_unit_test(test_failed_state_reported_and_recovered),
            cmocka_unit_test(test_ticks_while_busy_coalesce),
            cmocka_unit_test(test_placement),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
