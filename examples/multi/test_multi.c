/*
 * The multi-client core against the fake server, one client at a time
 * (isolation between them is tested on the real stack in tests/system).
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
#include <sddf/gpu/event.h>

#include "multi_client.h"

extern const img2c_image_t demo_image;

static void on_display(gpu_client_t *c, void *ctx)
{
    (void)c;
    multi_client_display_changed(ctx);
}

static rig_t *start(multi_client_t *m, uint32_t role, const char *name, uint32_t scanouts, uint32_t w, uint32_t h)
{
    rig_t *r = rig_new(64, 64, scanouts, w, h, 0);
    multi_client_config_t cfg = {.name = name, .role = role, .image = &demo_image, .fb_offset = 0};
    multi_client_init(m, &r->client, &cfg);
    r->on_display = on_display;
    r->on_display_ctx = m;
    rig_log_clear();
    gpu_client_start(&r->client);
    rig_pump(r);
    return r;
}

static uint32_t live_resources(const rig_t *r)
{
    uint32_t n = 0;
    for (uint32_t id = 1; id <= FAKE_MAX_RESOURCES; id++) {
        n += r->fs.res[id].used ? 1u : 0u;
    }
    return n;
}

static uint32_t expected_image(uint32_t x, uint32_t y, uint32_t sw, uint32_t sh)
{
    int64_t ix = (int64_t)x - ((int64_t)sw - demo_image.width) / 2;
    int64_t iy = (int64_t)y - ((int64_t)sh - demo_image.height) / 2;
    if (ix < 0 || iy < 0 || ix >= demo_image.width || iy >= demo_image.height) {
        return 0;
    }
    return demo_image.pixels[iy * demo_image.width + ix] & 0xffffffu;
}

static void test_image_client_draws_centred(void **state)
{
    (void)state;
    multi_client_t m;
    rig_t *r = start(&m, MULTI_ROLE_IMAGE, "multi-a", 1, 400, 300);
    assert_int_equal(m.draws, 1);
    uint32_t w, h;
    const uint32_t *fb = fake_server_fb(&r->fs, 0, &w, &h);
    for (uint32_t y = 0; y < h; y++) {
        for (uint32_t x = 0; x < w; x++) {
            assert_int_equal(fb[y * w + x], expected_image(x, y, w, h));
        }
    }
    assert_true(rig_log_contains("multi-a: drew the image on its scanout 0 (400x300): ok"));
    rig_free(r);
}

static void test_pattern_client_redraws_on_resize(void **state)
{
    (void)state;
    multi_client_t m;
    rig_t *r = start(&m, MULTI_ROLE_PATTERN, "multi-b", 1, 200, 100);
    fake_server_display_change(&r->fs, 0, 320, 240);
    rig_pump(r);
    assert_int_equal(m.draws, 2);
    assert_int_equal(m.failures, 0);
    uint32_t w, h;
    const uint32_t *fb = fake_server_fb(&r->fs, 0, &w, &h);
    assert_int_equal(w, 320);
    for (uint32_t y = 0; y < h; y++) {
        for (uint32_t x = 0; x < w; x++) {
            assert_int_equal(fb[y * w + x], multi_pattern_pixel(x, y) & 0xffffffu);
        }
    }
    /* A fresh resource of the new size (id 2) is shown; the old one (id 1) was unreffed. */
    assert_int_equal(live_resources(r), 1);
    assert_int_equal(r->fs.res[2].used, 1);
    assert_int_equal(r->fs.res[2].width, 320);
    assert_int_equal(r->fs.res[2].height, 240);
    rig_free(r);
}

/* The requests of a resize, in order: the new picture is shown before the old resource goes. */
static void test_resize_shows_new_before_unref(void **state)
{
    (void)state;
    multi_client_t m;
    rig_t *r = start(&m, MULTI_ROLE_IMAGE, "multi-a", 1, 400, 300);
    uint32_t first = r->fs.log_count;
    fake_server_display_change(&r->fs, 0, 500, 250);
    rig_pump(r);
    const uint32_t want[] = {GPU_REQ_GET_DISPLAY_INFO, GPU_REQ_RESOURCE_CREATE_2D, GPU_REQ_RESOURCE_ATTACH_BACKING,
                             GPU_REQ_SET_SCANOUT,      GPU_REQ_TRANSFER_TO_2D,     GPU_REQ_RESOURCE_FLUSH,
                             GPU_REQ_RESOURCE_UNREF};
    assert_int_equal(r->fs.log_count - first, sizeof(want) / sizeof(want[0]));
    for (uint32_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        assert_int_equal(r->fs.log[first + i].code, want[i]);
    }
    assert_int_equal(r->fs.log[first + 1].create_2d.resource_id, 2);
    assert_int_equal(r->fs.log[first + 1].create_2d.width, 500);
    assert_int_equal(r->fs.log[first + 3].set_scanout.rect.width, 500);
    assert_int_equal(r->fs.log[first + 6].unref.resource_id, 1);
    uint32_t w, h;
    const uint32_t *fb = fake_server_fb(&r->fs, 0, &w, &h);
    for (uint32_t y = 0; y < h; y++) {
        for (uint32_t x = 0; x < w; x++) {
            assert_int_equal(fb[y * w + x], expected_image(x, y, w, h));
        }
    }
    /* A third size goes back to id 1. */
    fake_server_display_change(&r->fs, 0, 200, 150);
    rig_pump(r);
    assert_int_equal(live_resources(r), 1);
    assert_int_equal(r->fs.res[1].width, 200);
    assert_int_equal(m.draws, 3);
    assert_int_equal(m.failures, 0);
    rig_free(r);
}

/* The display goes away (no fallback mode): the framebuffer is freed; it comes back: drawn afresh. */
static void test_disconnect_releases_then_redraws(void **state)
{
    (void)state;
    multi_client_t m;
    rig_t *r = start(&m, MULTI_ROLE_PATTERN, "multi-b", 1, 200, 100);
    r->fs.display.scanouts[0].enabled = 0;
    r->fs.display.scanouts[0].rect = (gpu_rect_t){0};
    gpu_event_raise(&r->fs.info.event);
    r->fs.client_wakeups++;
    rig_pump(r);
    assert_int_equal(live_resources(r), 0);
    assert_true(rig_log_contains("multi-b: no display on its scanout: released its framebuffer: ok"));
    assert_false(multi_client_redraw(&m)); /* nothing shown */
    r->fs.display.scanouts[0].enabled = 1;
    fake_server_display_change(&r->fs, 0, 200, 100); /* the same size as before */
    rig_pump(r);
    assert_int_equal(live_resources(r), 1);
    assert_int_equal(m.draws, 2);
    assert_int_equal(m.failures, 0);
    uint32_t w, h;
    const uint32_t *fb = fake_server_fb(&r->fs, 0, &w, &h);
    assert_int_equal(w, 200);
    for (uint32_t y = 0; y < h; y++) {
        for (uint32_t x = 0; x < w; x++) {
            assert_int_equal(fb[y * w + x], multi_pattern_pixel(x, y) & 0xffffffu);
        }
    }
    rig_free(r);
}

static void test_no_scanout_client_refused(void **state)
{
    (void)state;
    multi_client_t m;
    rig_t *r = start(&m, MULTI_ROLE_NO_SCANOUT, "multi-c", 0, 64, 64);
    assert_true(m.refused);
    assert_int_equal(m.failures, 0);
    assert_true(rig_log_contains("multi-c: scanout request refused as expected: INVALID_SCANOUT_ID"));
    assert_int_equal(r->fs.res[1].used, 0); /* it cleaned up */
    rig_free(r);
}

static void test_no_scanout_client_notices_wrong_acceptance(void **state)
{
    (void)state;
    multi_client_t m;
    rig_t *r = start(&m, MULTI_ROLE_NO_SCANOUT, "multi-c", 1, 64, 64); /* a server that wrongly gives it one */
    assert_false(m.refused);
    assert_int_equal(m.failures, 1);
    assert_true(rig_log_contains("NOT refused"));
    rig_free(r);
}

static void test_disconnected_scanout_uses_fallback(void **state)
{
    (void)state;
    for (uint32_t fallback = 0; fallback < 2; fallback++) {
        multi_client_t m;
        rig_t *r = rig_new(64, 64, 1, 640, 480, 0);
        r->fs.display.scanouts[0].enabled = 0; /* as QEMU reports a head without a window */
        r->fs.display.scanouts[0].rect = (gpu_rect_t){0};
        multi_client_config_t cfg = {.name = "multi-b",
                                     .role = MULTI_ROLE_PATTERN,
                                     .fallback_width = fallback ? 320 : 0,
                                     .fallback_height = fallback ? 200 : 0};
        multi_client_init(&m, &r->client, &cfg);
        r->on_display = on_display;
        r->on_display_ctx = &m;
        gpu_client_start(&r->client);
        rig_pump(r);
        assert_int_equal(m.draws, fallback);
        bool set = false;
        for (uint32_t i = 0; i < r->fs.log_count; i++) {
            if (r->fs.log[i].code == GPU_REQ_SET_SCANOUT) {
                assert_int_equal(r->fs.log[i].set_scanout.rect.width, 320);
                set = true;
            }
        }
        assert_int_equal(set, fallback);
        rig_free(r);
    }
}

/* A redraw presents the same picture again, restoring pixels scribbled over in the backing. */
static void test_redraw_presents_again(void **state)
{
    (void)state;
    multi_client_t m;
    rig_t *r = rig_new(64, 64, 1, 160, 120, 0);
    multi_client_config_t cfg = {.name = "b", .role = MULTI_ROLE_PATTERN, .fb_offset = 0};
    multi_client_init(&m, &r->client, &cfg);
    assert_false(multi_client_redraw(&m)); /* nothing shown yet */
    r->on_display = on_display;
    r->on_display_ctx = &m;
    gpu_client_start(&r->client);
    rig_pump(r);
    assert_int_equal(m.draws, 1);
    memset(r->data, 0x55, 160 * 120 * 4);
    assert_true(multi_client_redraw(&m));
    assert_false(multi_client_redraw(&m)); /* the first is in flight */
    rig_pump(r);
    assert_int_equal(m.draws, 2);
    assert_int_equal(m.failures, 0);
    uint32_t w, h;
    const uint32_t *fb = fake_server_fb(&r->fs, 0, &w, &h);
    for (uint32_t y = 0; y < h; y++) {
        for (uint32_t x = 0; x < w; x++) {
            assert_int_equal(fb[y * w + x], multi_pattern_pixel(x, y) & 0xffffffu);
        }
    }
    rig_free(r);
}

static void test_pattern_distinct_from_image(void **state)
{
    (void)state;
    uint32_t same = 0;
    for (uint32_t y = 0; y < demo_image.height; y++) {
        for (uint32_t x = 0; x < demo_image.width; x++) {
            same += (multi_pattern_pixel(x, y) & 0xffffffu) ==
                    (demo_image.pixels[y * demo_image.width + x] & 0xffffffu);
        }
    }
    assert_true(same < demo_image.width * demo_image.height / 100);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_image_client_draws_centred),
            cmocka_unit_test(test_pattern_client_redraws_on_resize),
            cmocka_unit_test(test_resize_shows_new_before_unref),
            cmocka_unit_test(test_disconnect_releases_then_redraws),
            cmocka_unit_test(test_no_scanout_client_refused),
            cmocka_unit_test(test_no_scanout_client_notices_wrong_acceptance),
            cmocka_unit_test(test_disconnected_scanout_uses_fallback),
            cmocka_unit_test(test_redraw_presents_again),
            cmocka_unit_test(test_pattern_distinct_from_image),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
