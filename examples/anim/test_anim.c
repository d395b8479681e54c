/*
 * The animated core against the fake server: the picture after N frames,
 * double buffering (presents alternate between the two buffers with
 * growing fences, transfers cover only the damage), blob presents, frame
 * counting, resize.
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

#include "anim.h"

static void on_display(gpu_client_t *c, void *ctx)
{
    (void)c;
    anim_display_changed(ctx);
}

static rig_t *start(anim_t *a, uint32_t features, bool blob, uint32_t frames)
{
    rig_t *r = rig_new(64, 64, 1, 320, 200, features);
    anim_config_t cfg = {.box = 24, .step = 5, .max_frames = frames, .use_blob = blob};
    anim_init(a, &r->client, &cfg);
    r->on_display = on_display;
    r->on_display_ctx = a;
    rig_log_clear();
    gpu_client_start(&r->client);
    rig_pump(r);
    return r;
}

static void check_picture(const rig_t *r, const anim_t *a)
{
    uint32_t w, h;
    const uint32_t *fb = fake_server_fb(&r->fs, 0, &w, &h);
    for (uint32_t y = 0; y < h; y++) {
        for (uint32_t x = 0; x < w; x++) {
            bool in_box = x >= a->x && x < a->x + a->cfg.box && y >= a->y && y < a->y + a->cfg.box;
            uint32_t want = (in_box ? ANIM_BOX_COLOUR : anim_background(x, y)) & 0xffffffu;
            assert_int_equal(fb[y * w + x], want);
        }
    }
}

static void test_frames_and_picture_2d(void **state)
{
    (void)state;
    anim_t a;
    rig_t *r = start(&a, 0, false, 200);
    assert_int_equal(a.frames, 200);
    assert_int_equal(a.failures, 0);
    check_picture(r, &a);
    /*
     * The build transfers both buffers whole; after that every transfer
     * covers only the damage in the back buffer: where it had the square two
     * frames ago and the square's new place, two steps apart. Presents
     * alternate between the buffers, with fences 1, 2, 3, ...
     */
    uint32_t transfers = 0, presents = 0;
    for (uint32_t i = 0; i < r->fs.log_count; i++) {
        const gpu_req_t *q = &r->fs.log[i];
        if (q->code == GPU_REQ_TRANSFER_TO_2D && transfers++ >= 2) {
            assert_true(q->transfer_to_2d.rect.width <= 24 + 2 * 5 && q->transfer_to_2d.rect.height <= 24 + 2 * 5);
        }
        if (q->code == GPU_REQ_PRESENT) {
            presents++;
            assert_int_equal(q->present.fence, presents);
            assert_int_equal(q->present.resource_id, presents % 2 == 1 ? 2 : 1);
        }
    }
    assert_int_equal(transfers, 2 + 199);
    assert_int_equal(presents, 199);
    assert_int_equal(r->fs.info.event.present_fence, 199);
    rig_free(r);
}

static void test_bounces_inside_screen(void **state)
{
    (void)state;
    anim_t a;
    rig_t *r = start(&a, 0, false, 400);
    assert_true(a.x + a.cfg.box <= 320 && a.y + a.cfg.box <= 200);
    check_picture(r, &a);
    rig_free(r);
}

static void test_blob_frames_flush_only(void **state)
{
    (void)state;
    anim_t a;
    rig_t *r = start(&a, GPU_FEATURE_BLOB, true, 100);
    assert_int_equal(a.frames, 100);
    check_picture(r, &a);
    uint32_t presents = 0;
    for (uint32_t i = 0; i < r->fs.log_count; i++) {
        assert_int_not_equal(r->fs.log[i].code, GPU_REQ_TRANSFER_TO_2D);
        presents += r->fs.log[i].code == GPU_REQ_PRESENT;
    }
    assert_int_equal(presents, 99);
    rig_free(r);
}

static void test_fps_tick(void **state)
{
    (void)state;
    anim_t a;
    rig_t *r = start(&a, 0, false, 37);
    anim_tick(&a);
    assert_int_equal(a.last_fps, 37);
    assert_true(rig_log_contains("anim: 37 frames/s"));
    anim_tick(&a);
    assert_int_equal(a.last_fps, 0);
    rig_free(r);
}

static void test_resize_rebuilds(void **state)
{
    (void)state;
    anim_t a;
    rig_t *r = start(&a, 0, false, 50);
    fake_server_display_change(&r->fs, 0, 640, 480);
    a.cfg.max_frames = 120;
    rig_pump(r);
    assert_int_equal(a.width, 640);
    assert_int_equal(a.frames, 120);
    check_picture(r, &a);
    rig_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_frames_and_picture_2d),  cmocka_unit_test(test_bounces_inside_screen),
            cmocka_unit_test(test_blob_frames_flush_only), cmocka_unit_test(test_fps_tick),
            cmocka_unit_test(test_resize_rebuilds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
