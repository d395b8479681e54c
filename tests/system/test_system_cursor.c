/*
 * The cursor through the whole stack (client library, virtualiser, driver,
 * device model), between two clients that each own one output, checked on
 * what the model displays (vgpu_model_composed()): a client reaches only
 * its own output's cursor, with its own resources; another client's
 * attempts are refused and change no pixel; a client's release hides its
 * cursor and leaves the other's.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "system_rig.h"

#define SW          256u /* both outputs */
#define SH          128u
#define FB_ID       1u
#define CURSOR_ID   2u
#define CURSOR_OFF  (1u << 20) /* the cursor image in each client's data region */
#define CURSOR_SIDE 64u

static const uint32_t backgrounds[2] = {0x203040u, 0x604020u};
static const uint32_t cursor_colours[2] = {0xff00c000u, 0xffc00000u}; /* opaque green (A), opaque red (B) */

static sys_rig_t *two_client_rig(void)
{
    vh_options_t opt;
    vh_options_default(&opt);
    opt.model.num_scanouts = 2;
    opt.model.enabled_mask = 3;
    for (uint32_t i = 0; i < 2; i++) {
        opt.model.width[i] = SW;
        opt.model.height[i] = SH;
    }
    sys_client_spec_t specs[2] = {{.num_scanouts = 1, .scanouts = {0}}, {.num_scanouts = 1, .scanouts = {1}}};
    sys_rig_t *r = sys_rig_new(&opt, 2, specs);
    assert_int_equal(r->virt_init, GPU_VIRT_OK);
    for (uint32_t i = 0; i < 2; i++) {
        sys_client_start(r, i);
    }
    sys_rig_run(r);
    return r;
}

/* Submits what is staged under `op` and runs the stack; returns the op's status. */
static uint32_t finish(sys_rig_t *r, uint32_t c, gpu_client_op_t *op)
{
    gpu_client_submit(&r->clients[c].client);
    sys_rig_run(r);
    assert_false(gpu_client_op_busy(op));
    return op->status;
}

/* Client c: its background on its scanout, and cursor image CURSOR_ID (one opaque colour) transferred. */
static void draw_client(sys_rig_t *r, uint32_t c)
{
    gpu_client_t *cl = &r->clients[c].client;
    uint32_t *fb = (uint32_t *)(void *)r->clients[c].data;
    uint32_t *img = (uint32_t *)(void *)(r->clients[c].data + CURSOR_OFF);
    for (uint32_t i = 0; i < SW * SH; i++) {
        fb[i] = backgrounds[c];
    }
    for (uint32_t i = 0; i < CURSOR_SIDE * CURSOR_SIDE; i++) {
        img[i] = cursor_colours[c];
    }
    gpu_rect_t all = {0, 0, SW, SH};
    gpu_rect_t square = {0, 0, CURSOR_SIDE, CURSOR_SIDE};
    gpu_client_op_t op;
    gpu_client_op_init(&op, NULL, NULL);
    assert_true(gpu_client_create_2d(cl, &op, FB_ID, GPU_FORMAT_B8G8R8X8_UNORM, SW, SH));
    assert_true(gpu_client_attach_backing(cl, &op, FB_ID, 0, SW * SH * 4));
    assert_true(gpu_client_set_scanout(cl, &op, 0, FB_ID, all));
    assert_true(gpu_client_transfer_to_2d(cl, &op, FB_ID, all, 0));
    assert_true(gpu_client_flush(cl, &op, FB_ID, all));
    assert_true(gpu_client_create_2d(cl, &op, CURSOR_ID, GPU_CURSOR_FORMAT, CURSOR_SIDE, CURSOR_SIDE));
    assert_true(gpu_client_attach_backing(cl, &op, CURSOR_ID, CURSOR_OFF, CURSOR_SIDE * CURSOR_SIDE * 4));
    assert_true(gpu_client_transfer_to_2d(cl, &op, CURSOR_ID, square, 0));
    assert_int_equal(finish(r, c, &op), GPU_STATUS_OK);
}

static uint32_t update_cursor(sys_rig_t *r, uint32_t c, uint32_t scanout, uint32_t id, uint32_t x, uint32_t y)
{
    gpu_client_op_t op;
    gpu_client_op_init(&op, NULL, NULL);
    assert_true(gpu_client_update_cursor(&r->clients[c].client, &op, scanout, id, x, y, 0, 0));
    return finish(r, c, &op);
}

static uint32_t move_cursor(sys_rig_t *r, uint32_t c, uint32_t scanout, uint32_t x, uint32_t y)
{
    gpu_client_op_t op;
    gpu_client_op_init(&op, NULL, NULL);
    assert_true(gpu_client_move_cursor(&r->clients[c].client, &op, scanout, x, y));
    return finish(r, c, &op);
}

/* Device scanout `idx` displays `bg` everywhere, with an opaque `colour` square at (x, y) when `shown`. */
static void assert_display(sys_rig_t *r, uint32_t idx, uint32_t bg, bool shown, uint32_t colour, uint32_t x, uint32_t y)
{
    uint32_t w = 0, h = 0;
    uint32_t *px = vgpu_model_composed(r->h->model, idx, &w, &h);
    assert_non_null(px);
    assert_int_equal(w, SW);
    assert_int_equal(h, SH);
    for (uint32_t sy = 0; sy < SH; sy++) {
        for (uint32_t sx = 0; sx < SW; sx++) {
            bool in = shown && sx >= x && sx - x < CURSOR_SIDE && sy >= y && sy - y < CURSOR_SIDE;
            uint32_t want = in ? colour & 0xffffffu : bg;
            if (px[sy * SW + sx] != want) {
                free(px);
                fail_msg("scanout %u (%u, %u): 0x%06x, want 0x%06x", idx, sx, sy, px[sy * SW + sx], want);
            }
        }
    }
    free(px);
}

static void test_cursor_is_the_owners_alone(void **state)
{
    (void)state;
    sys_rig_t *r = two_client_rig();
    draw_client(r, 0);
    draw_client(r, 1);
    assert_int_equal(update_cursor(r, 0, 0, CURSOR_ID, 50, 40), GPU_STATUS_OK);
    assert_display(r, 0, backgrounds[0], true, cursor_colours[0], 50, 40);
    /* B names A's output as its scanout 1, which it does not own; its resource ids are its own */
    assert_int_equal(move_cursor(r, 1, 1, 0, 0), GPU_STATUS_INVALID_SCANOUT_ID);
    assert_int_equal(update_cursor(r, 1, 1, GPU_RESOURCE_ID_NONE, 0, 0), GPU_STATUS_INVALID_SCANOUT_ID);
    assert_int_equal(update_cursor(r, 1, 1, CURSOR_ID, 0, 0), GPU_STATUS_INVALID_SCANOUT_ID);
    assert_int_equal(update_cursor(r, 1, 0, 7, 0, 0), GPU_STATUS_INVALID_RESOURCE_ID);
    assert_int_equal(move_cursor(r, 1, 0, 10, 10), GPU_STATUS_OK); /* its own output: no cursor there yet */
    assert_display(r, 0, backgrounds[0], true, cursor_colours[0], 50, 40);
    assert_display(r, 1, backgrounds[1], false, 0, 0, 0);
    /* B's own cursor, with its own image, clipped by its output's right and bottom edges */
    assert_int_equal(update_cursor(r, 1, 0, CURSOR_ID, SW - 20, SH - 10), GPU_STATUS_OK);
    assert_display(r, 1, backgrounds[1], true, cursor_colours[1], SW - 20, SH - 10);
    assert_int_equal(move_cursor(r, 0, 0, 100, 60), GPU_STATUS_OK);
    assert_display(r, 0, backgrounds[0], true, cursor_colours[0], 100, 60);
    assert_display(r, 1, backgrounds[1], true, cursor_colours[1], SW - 20, SH - 10);
    sys_rig_free(r);
}

/* A's release hides A's cursor (and turns its output dark); B's stays where it is. */
static void test_release_hides_the_cursor(void **state)
{
    (void)state;
    sys_rig_t *r = two_client_rig();
    draw_client(r, 0);
    draw_client(r, 1);
    assert_int_equal(update_cursor(r, 0, 0, CURSOR_ID, 10, 20), GPU_STATUS_OK);
    assert_int_equal(update_cursor(r, 1, 0, CURSOR_ID, 30, 40), GPU_STATUS_OK);
    gpu_virt_notify_t n = {0};
    assert_true(gpu_virt_release_client(r->virt, 0, &n));
    if (n.driver) {
        gpu_driver_handle_requests(r->h->drv);
        r->h->signals += gpu_driver_take_signal(r->h->drv);
    }
    sys_rig_run(r);
    assert_int_equal(r->virt->clients[0].release_phase, GPU_VIRT_RELEASE_NONE);
    assert_display(r, 0, 0x000000u, false, 0, 0, 0);
    assert_display(r, 1, backgrounds[1], true, cursor_colours[1], 30, 40);
    assert_int_equal(vgpu_model_resource_count(r->h->model), 2); /* only B's */
    sys_rig_free(r);
}

int main(void)
{
    setenv("VH_QUIET", "1", 1);
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_cursor_is_the_owners_alone),
            cmocka_unit_test(test_release_hides_the_cursor),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
