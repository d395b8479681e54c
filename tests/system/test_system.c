/*
 * Whole-stack tests: client library + virtualiser core + driver core
 * (virtio-mmio transport) + device model in one process. Pixels are read
 * from the device model's scanouts and compared with pictures computed here
 * from the source image or pattern formulas alone.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <virtio/virtio_gpu.h>
#include <virtio/virtio_mmio.h>

#include "anim.h"
#include "gpu_demo.h"
#include "multi_client.h"
#include "system_expect.h"
#include "system_rig.h"
#include "system_wire.h"

extern const img2c_image_t demo_image;

#define FEATURES_ALL    ((1ull << VIRTIO_F_VERSION_1) | (1ull << VIRTIO_GPU_F_EDID) | (1ull << VIRTIO_GPU_F_RESOURCE_BLOB))
#define FEATURES_NOBLOB ((1ull << VIRTIO_F_VERSION_1) | (1ull << VIRTIO_GPU_F_EDID))

/* --- expected pictures (the rest are in system_expect.c) --- */

static uint32_t want_anim(uint32_t x, uint32_t y, void *ctx)
{
    const anim_t *a = ctx;
    bool in_box = x >= a->x && x < a->x + a->cfg.box && y >= a->y && y < a->y + a->cfg.box;
    return in_box ? ANIM_BOX_COLOUR : anim_background(x, y);
}

/* Scanout idx shows the demo's `state` at the device's current size. A disabled scanout is black. */
static void check_demo_screen(sys_rig_t *r, uint32_t idx, uint32_t state, uint32_t sw, uint32_t sh)
{
    uint32_t w, h;
    const uint32_t *fb = sys_rig_screen(r, idx, &w, &h);
    assert_non_null(fb);
    assert_int_equal(w, sw);
    assert_int_equal(h, sh);
    sys_demo_want_t d = {state, w, h};
    assert_int_equal(sys_mismatches(fb, w, h, sys_want_demo, &d), 0);
}

/* --- wiring example cores to rig clients --- */

static void attach_demo(sys_rig_t *r, uint32_t i, gpu_demo_t *d)
{
    gpu_demo_config_t cfg = {.image = &demo_image, .scanout_id = 0, .fb_offset = 0};
    gpu_demo_init(d, &r->clients[i].client, &cfg);
    r->clients[i].on_display = sys_demo_display;
    r->clients[i].on_display_ctx = d;
    sys_client_start(r, i);
}

static void attach_multi(sys_rig_t *r, uint32_t i, multi_client_t *m, uint32_t role, const char *name)
{
    multi_client_config_t cfg = {.name = name, .role = role, .image = &demo_image, .fb_offset = 0};
    multi_client_init(m, &r->clients[i].client, &cfg);
    r->clients[i].on_display = sys_multi_display;
    r->clients[i].on_reset = sys_multi_reset;
    r->clients[i].on_display_ctx = m;
    sys_client_start(r, i);
}

static void attach_anim(sys_rig_t *r, uint32_t i, anim_t *a, uint32_t frames)
{
    anim_config_t cfg = {.scanout_id = 0, .fb_offset = 0, .box = 32, .step = 7, .max_frames = frames};
    anim_init(a, &r->clients[i].client, &cfg);
    r->clients[i].on_display = sys_anim_display;
    r->clients[i].on_display_ctx = a;
    sys_client_start(r, i);
}

static sys_rig_t *one_client_rig(uint64_t features, uint32_t w, uint32_t h)
{
    sys_rig_t *r = sys_rig_one_head(features, w, h);
    assert_int_equal(r->virt_init, GPU_VIRT_OK);
    assert_int_equal(r->h->init_result, GPU_DRIVER_INIT_OK);
    return r;
}

/* Two outputs: client 0 owns device scanout 0, client 1 device scanout 1, client 2 none. */
static sys_rig_t *three_client_rig(void)
{
    sys_rig_t *r = sys_rig_two_heads();
    assert_int_equal(r->virt_init, GPU_VIRT_OK);
    return r;
}

static void demo_tick(sys_rig_t *r, gpu_demo_t *d)
{
    gpu_demo_tick(d);
    sys_rig_run(r);
}

/* --- the demo --- */

static void test_demo_six_states(void **state)
{
    (void)state;
    sys_rig_t *r = one_client_rig(FEATURES_ALL, 1280, 800);
    gpu_demo_t d;
    vh_log_reset();
    attach_demo(r, 0, &d);
    sys_rig_run(r);
    assert_true(gpu_client_ready(&r->clients[0].client));
    assert_true(gpu_client_has_blob(&r->clients[0].client));
    /* The display's EDID, fetched by the driver, reaches the client through the virtualiser. */
    const gpu_scanout_info_t *si = &gpu_client_display(&r->clients[0].client)->scanouts[0];
    assert_int_equal(si->edid_status, GPU_STATUS_OK);
    assert_int_equal(si->edid_width, 1280);
    assert_int_equal(si->edid_height, 800);
    assert_int_equal(si->width_mm, 337);
    assert_int_equal(si->height_mm, 211);
    assert_int_equal(vh_log_count("gpu-demo: scanout 0 EDID: preferred 1280x800, 337x211 mm"), 1);
    for (uint32_t cycle = 0; cycle < 2; cycle++) {
        for (uint32_t s = 1; s <= 6; s++) {
            char line[48];
            snprintf(line, sizeof(line), "gpu-demo: state %u ", s);
            uint32_t before = vh_log_count(line);
            demo_tick(r, &d);
            assert_int_equal(vh_log_count(line), before + 1);
            check_demo_screen(r, 0, s, 1280, 800);
        }
    }
    assert_int_equal(d.failures, 0);
    assert_int_equal(vh_log_count(": ok"), 12);
    assert_int_equal(vgpu_model_resource_count(r->h->model), 0);
    sys_rig_free(r);
}

/* --- the demo's cursor, on what the model displays (primary plane and cursor plane composed) --- */

typedef struct cursor_want {
    sys_demo_want_t demo;
    bool shown;
    gpu_demo_cursor_pos_t at; /* hot spot position */
} cursor_want_t;

static uint32_t blend_channel(uint32_t src, uint32_t dst, uint32_t a)
{
    return (src * a + dst * (255u - a) + 127u) / 255u; /* vgpu_model_composed()'s documented rule */
}

/* The demo's state with its arrow, hot spot GPU_DEMO_CURSOR_HOT_X/_Y at `at`, alpha-blended on top. */
static uint32_t want_cursor(uint32_t x, uint32_t y, void *ctx)
{
    const cursor_want_t *c = ctx;
    uint32_t base = sys_demo_expected(c->demo.state, x, y, c->demo.w, c->demo.h);
    int64_t cx = (int64_t)x - ((int64_t)c->at.x - GPU_DEMO_CURSOR_HOT_X);
    int64_t cy = (int64_t)y - ((int64_t)c->at.y - GPU_DEMO_CURSOR_HOT_Y);
    if (!c->shown || cx < 0 || cy < 0 || cx >= GPU_CURSOR_SIDE || cy >= GPU_CURSOR_SIDE) {
        return base;
    }
    uint32_t p = gpu_demo_cursor_pixel((uint32_t)cx, (uint32_t)cy);
    uint32_t a = p >> 24;
    return blend_channel(p >> 16 & 0xffu, base >> 16 & 0xffu, a) << 16 |
           blend_channel(p >> 8 & 0xffu, base >> 8 & 0xffu, a) << 8 | blend_channel(p & 0xffu, base & 0xffu, a);
}

/*
 * What the display shows is exactly the demo's state with the cursor as
 * `want` says (and the primary plane stays the state alone). Returns how
 * many pixels the cursor changed.
 */
static uint32_t check_composed(sys_rig_t *r, const cursor_want_t *want)
{
    uint32_t w = 0, h = 0;
    uint32_t *px = vgpu_model_composed(r->h->model, 0, &w, &h);
    assert_non_null(px);
    assert_int_equal(w, want->demo.w);
    assert_int_equal(h, want->demo.h);
    assert_int_equal(sys_mismatches(px, w, h, want_cursor, (void *)want), 0);
    check_demo_screen(r, 0, want->demo.state, w, h);
    uint32_t changed = 0;
    for (uint32_t y = 0; y < h; y++) {
        for (uint32_t x = 0; x < w; x++) {
            changed += (px[(size_t)y * w + x] & 0xffffffu) != sys_demo_expected(want->demo.state, x, y, w, h);
        }
    }
    free(px);
    return changed;
}

/* Pixels of the arrow (not transparent) whose place is on a sw x sh scanout when its hot spot is at `at`. */
static uint32_t arrow_pixels_on_screen(gpu_demo_cursor_pos_t at, uint32_t sw, uint32_t sh)
{
    uint32_t n = 0;
    for (uint32_t cy = 0; cy < GPU_CURSOR_SIDE; cy++) {
        for (uint32_t cx = 0; cx < GPU_CURSOR_SIDE; cx++) {
            int64_t x = (int64_t)at.x - GPU_DEMO_CURSOR_HOT_X + cx;
            int64_t y = (int64_t)at.y - GPU_DEMO_CURSOR_HOT_Y + cy;
            n += x < sw && y < sh && gpu_demo_cursor_pixel(cx, cy) >> 24 != 0;
        }
    }
    return n;
}

/*
 * The demo's cursor through the whole stack, pixel for pixel on the
 * model's composed display: state 1 shows the arrow where its last move put
 * it (the centre), state 2 at the bottom-right corner, clipped by both
 * edges, states 3 to 6 show none (hidden in state 3), and the next cycle
 * shows it again. Every cursor response is OK on the console.
 */
static void test_demo_cursor_composed(void **state)
{
    (void)state;
    const uint32_t sw = 1280, sh = 800;
    sys_rig_t *r = one_client_rig(FEATURES_ALL, sw, sh);
    gpu_demo_t d;
    vh_log_reset();
    attach_demo(r, 0, &d);
    sys_rig_run(r);
    for (uint32_t cycle = 0; cycle < 2; cycle++) {
        for (uint32_t s = 1; s <= 6; s++) {
            demo_tick(r, &d);
            cursor_want_t want = {{s, sw, sh}, s <= 2, gpu_demo_cursor_position(s, 1, sw, sh)};
            uint32_t changed = check_composed(r, &want);
            if (s == 2) {
                assert_true(want.at.x - GPU_DEMO_CURSOR_HOT_X + GPU_CURSOR_SIDE > sw); /* clipped on the right */
                assert_true(want.at.y - GPU_DEMO_CURSOR_HOT_Y + GPU_CURSOR_SIDE > sh); /* and at the bottom */
            }
            /* every non-transparent arrow pixel on the screen changed its pixel (none of the image is white or black
             * there) */
            assert_true(s <= 2 ? changed > 0 && changed <= arrow_pixels_on_screen(want.at, sw, sh) : changed == 0);
        }
    }
    char line[64];
    gpu_demo_cursor_pos_t a = gpu_demo_cursor_position(1, 0, sw, sh);
    snprintf(line, sizeof(line), "gpu-demo: cursor set at (%u, %u): OK", a.x, a.y);
    assert_int_equal(vh_log_count(line), 2);
    gpu_demo_cursor_pos_t b = gpu_demo_cursor_position(1, 1, sw, sh);
    snprintf(line, sizeof(line), "gpu-demo: cursor moved to (%u, %u): OK", b.x, b.y);
    assert_int_equal(vh_log_count(line), 2);
    gpu_demo_cursor_pos_t c = gpu_demo_cursor_position(2, 0, sw, sh);
    snprintf(line, sizeof(line), "gpu-demo: cursor moved to (%u, %u): OK", c.x, c.y);
    assert_int_equal(vh_log_count(line), 2);
    assert_int_equal(vh_log_count("gpu-demo: cursor hidden: OK"), 2);
    assert_int_equal(vh_log_count("gpu-demo: cursor"), 8);
    assert_int_equal(d.cursor.failures, 0);
    assert_int_equal(d.failures, 0);
    assert_int_equal(vgpu_model_resource_count(r->h->model), 0);
    sys_rig_free(r);
}

static void test_demo_blob_uses_model_blob(void **state)
{
    (void)state;
    sys_rig_t *r = one_client_rig(FEATURES_ALL, 640, 480);
    gpu_demo_t d;
    attach_demo(r, 0, &d);
    sys_rig_run(r);
    for (uint32_t s = 1; s <= 5; s++) {
        demo_tick(r, &d);
    }
    vgpu_model_scanout_state_t st;
    assert_int_equal(vgpu_model_scanout_state(r->h->model, 0, &st), 0);
    assert_true(st.blob);
    assert_int_equal(st.blob_stride, 640 * 4);
    /* Zero copy: changing the client's memory and flushing changes the screen. */
    uint32_t *px = (uint32_t *)(void *)r->clients[0].data;
    px[0] = 0xff123456u;
    gpu_client_op_t op;
    gpu_client_op_init(&op, NULL, NULL);
    assert_true(gpu_client_flush(&r->clients[0].client, &op, 4, (gpu_rect_t){0, 0, 1, 1}));
    gpu_client_submit(&r->clients[0].client);
    sys_rig_run(r);
    uint32_t w, h;
    const uint32_t *fb = sys_rig_screen(r, 0, &w, &h);
    assert_int_equal(fb[0] & 0xffffffu, 0x123456u);
    sys_rig_free(r);
}

static void test_demo_without_blob_skips(void **state)
{
    (void)state;
    sys_rig_t *r = one_client_rig(FEATURES_NOBLOB, 800, 600);
    gpu_demo_t d;
    vh_log_reset();
    attach_demo(r, 0, &d);
    sys_rig_run(r);
    assert_false(gpu_client_has_blob(&r->clients[0].client));
    for (uint32_t s = 1; s <= 6; s++) {
        demo_tick(r, &d);
        check_demo_screen(r, 0, s == 4 || s == 5 ? 3 : s, 800, 600);
    }
    assert_int_equal(vh_log_count("skipped, device lacks blob"), 2);
    assert_int_equal(d.failures, 0);
    demo_tick(r, &d);
    check_demo_screen(r, 0, 1, 800, 600);
    sys_rig_free(r);
}

static void test_demo_display_change_recentres(void **state)
{
    (void)state;
    sys_rig_t *r = one_client_rig(FEATURES_ALL, 1280, 800);
    gpu_demo_t d;
    attach_demo(r, 0, &d);
    sys_rig_run(r);
    const uint32_t sizes[][2] = {{1024, 768}, {640, 360}, {301, 203}, {1920, 1080}};
    uint32_t change = 0;
    for (uint32_t s = 1; s <= 6; s++) {
        demo_tick(r, &d);
        if (s == 3 || s == 6) {
            continue;
        }
        const uint32_t *size = sizes[change++ % 4];
        vgpu_model_set_scanout(r->h->model, 0, size[0], size[1], 1);
        sys_rig_run(r);
        assert_int_equal(d.width, size[0]);
        check_demo_screen(r, 0, s, size[0], size[1]);
    }
    assert_int_equal(d.failures, 0);
    sys_rig_free(r);
}

/* --- several clients --- */

/* Client 0's image on device scanout 0 and client 1's pattern on device scanout 1, both exact. */
static void check_two_heads(sys_rig_t *r)
{
    uint32_t w, h;
    const uint32_t *fb = sys_rig_screen(r, 0, &w, &h);
    sys_demo_want_t dw = {1, w, h};
    assert_int_equal(w, 640);
    assert_int_equal(sys_mismatches(fb, w, h, sys_want_centred_image, &dw), 0);
    fb = sys_rig_screen(r, 1, &w, &h);
    assert_int_equal(w, 800);
    assert_int_equal(sys_mismatches(fb, w, h, sys_want_pattern, NULL), 0);
}

static void test_multi_isolation_in_pixels(void **state)
{
    (void)state;
    sys_rig_t *r = three_client_rig();
    multi_client_t a, b, c;
    vh_log_reset();
    attach_multi(r, 0, &a, MULTI_ROLE_IMAGE, "multi-a");
    attach_multi(r, 1, &b, MULTI_ROLE_PATTERN, "multi-b");
    attach_multi(r, 2, &c, MULTI_ROLE_NO_SCANOUT, "multi-c");
    sys_rig_run(r);
    assert_int_equal(a.draws, 1);
    assert_int_equal(b.draws, 1);
    assert_int_equal(gpu_client_display(&r->clients[0].client)->num_scanouts, 1);
    assert_int_equal(gpu_client_display(&r->clients[2].client)->num_scanouts, 0);
    check_two_heads(r); /* B's output shows only B's pattern */
    /* Both clients used resource id 1: the virtualiser kept them apart. */
    assert_int_equal(vgpu_model_resource_count(r->h->model), 2);
    assert_true(c.refused);
    assert_int_equal(c.failures, 0);
    assert_int_equal(vh_log_count("multi-c: scanout request refused as expected: INVALID_SCANOUT_ID"), 1);
    sys_rig_free(r);
}

static void assert_screen_black(sys_rig_t *r, uint32_t idx)
{
    uint32_t w, h;
    const uint32_t *fb = sys_rig_screen(r, idx, &w, &h);
    for (size_t i = 0; fb != NULL && i < (size_t)w * h; i++) {
        assert_int_equal(fb[i], 0);
    }
}

/*
 * Device loss through the whole stack (docs/protocol.md section 11): two
 * clients drawing on two heads, then a device fault. The driver resets and
 * re-initialises the device (it lost every resource: both heads go black),
 * the virtualiser forgets every client's state, each client's device_reset
 * callback runs and the clients draw again: both heads exact, no reboot.
 * `inject` makes the fault: DEVICE_NEEDS_RESET, or a command the device
 * holds past the driver's deadline.
 */
static void fault_then_recovery(void (*inject)(sys_rig_t *r, multi_client_t *a))
{
    sys_rig_t *r = three_client_rig();
    multi_client_t a, b, c;
    vh_log_reset();
    attach_multi(r, 0, &a, MULTI_ROLE_IMAGE, "multi-a");
    attach_multi(r, 1, &b, MULTI_ROLE_PATTERN, "multi-b");
    attach_multi(r, 2, &c, MULTI_ROLE_NO_SCANOUT, "multi-c");
    sys_rig_run(r);
    check_two_heads(r);
    inject(r, &a);
    assert_int_equal(r->h->drv->stats.device_faults, 1);
    assert_int_equal(r->h->drv->device_epoch, 1);
    assert_int_equal(vh_log_count("GPU_DRV|INFO: device recovered: epoch 1"), 1);
    for (uint32_t i = 0; i < 3; i++) {
        assert_int_equal(r->clients[i].device_resets, 1);
        assert_int_equal(gpu_client_display(&r->clients[i].client)->device_epoch, 1);
    }
    assert_int_equal(vh_log_count("multi-a: the device was reset"), 1);
    assert_int_equal(a.draws, 2);
    assert_int_equal(b.draws, 2);
    check_two_heads(r);
    assert_int_equal(vgpu_model_resource_count(r->h->model), 2); /* nothing of the old device lingers */
    assert_int_equal(a.failures, 0);
    assert_int_equal(b.failures, 0);
    sys_rig_free(r);
}

static void inject_needs_reset(sys_rig_t *r, multi_client_t *a)
{
    (void)a;
    vgpu_model_fault_needs_reset(r->h->model);
    vh_run(r->h); /* the configuration interrupt: the driver resets and re-initialises the device */
    assert_screen_black(r, 0);
    assert_screen_black(r, 1);
    sys_rig_run(r);
}

/* Client A draws again while the device holds every command; the driver's ticks expire it. */
static void inject_deadline(sys_rig_t *r, multi_client_t *a)
{
    vgpu_model_fault_hold(r->h->model, 1);
    assert_true(multi_client_redraw(a));
    sys_rig_run(r);
    assert_true(vgpu_model_fault_held(r->h->model) > 0);
    vgpu_model_fault_hold(r->h->model, 0);
    for (uint32_t t = 0; t < 4 && r->h->drv->stats.device_faults == 0; t++) {
        vh_tick(r->h);
    }
    assert_int_equal(vh_log_count("missed its deadline"), 1);
    sys_rig_run(r);
    assert_int_equal(a->failures, 1); /* the held redraw was answered DEVICE_ERROR, as the protocol says */
    a->failures = 0;
}

static void test_device_fault_then_recovery(void **state)
{
    (void)state;
    fault_then_recovery(inject_needs_reset);
}

static void test_deadline_then_recovery(void **state)
{
    (void)state;
    fault_then_recovery(inject_deadline);
}

static void test_client_cannot_reach_other_scanout(void **state)
{
    (void)state;
    sys_rig_t *r = three_client_rig();
    multi_client_t a, b, c;
    attach_multi(r, 0, &a, MULTI_ROLE_IMAGE, "multi-a");
    attach_multi(r, 1, &b, MULTI_ROLE_PATTERN, "multi-b");
    attach_multi(r, 2, &c, MULTI_ROLE_NO_SCANOUT, "multi-c");
    sys_rig_run(r);
    /* A tries its scanout 1 (does not exist for it) and to disable scanout 1; nothing on B's output changes. */
    gpu_client_op_t op;
    gpu_client_op_init(&op, NULL, NULL);
    assert_true(gpu_client_set_scanout(&r->clients[0].client, &op, 1, 1, (gpu_rect_t){0, 0, 640, 480}));
    assert_true(gpu_client_set_scanout(&r->clients[0].client, &op, 1, 0, (gpu_rect_t){0}));
    gpu_client_submit(&r->clients[0].client);
    sys_rig_run(r);
    assert_int_equal(op.status, GPU_STATUS_INVALID_SCANOUT_ID);
    /* C tries to flush A's resource id: it names only its own (nonexistent) resource. */
    gpu_client_op_init(&op, NULL, NULL);
    assert_true(gpu_client_flush(&r->clients[2].client, &op, 1, (gpu_rect_t){0, 0, 8, 8}));
    gpu_client_submit(&r->clients[2].client);
    sys_rig_run(r);
    assert_int_equal(op.status, GPU_STATUS_INVALID_RESOURCE_ID);
    uint32_t w, h;
    const uint32_t *fb = sys_rig_screen(r, 1, &w, &h);
    assert_int_equal(sys_mismatches(fb, w, h, sys_want_pattern, NULL), 0);
    fb = sys_rig_screen(r, 0, &w, &h);
    sys_demo_want_t dw = {1, w, h};
    assert_int_equal(sys_mismatches(fb, w, h, sys_want_centred_image, &dw), 0);
    sys_rig_free(r);
}

/* Demo on output 0, animation on output 1; faults hit the animation's requests only. */
typedef struct fault_rig {
    sys_rig_t *r;
    gpu_demo_t demo;
    anim_t anim;
} fault_rig_t;

static fault_rig_t *fault_rig_new(void)
{
    fault_rig_t *f = calloc(1, sizeof(*f));
    f->r = three_client_rig();
    attach_demo(f->r, 0, &f->demo);
    attach_anim(f->r, 1, &f->anim, 10);
    sys_rig_run(f->r);
    assert_int_equal(f->anim.frames, 10);
    return f;
}

static void check_both(fault_rig_t *f, uint32_t demo_state)
{
    check_demo_screen(f->r, 0, demo_state, 640, 480);
    uint32_t w, h;
    const uint32_t *fb = sys_rig_screen(f->r, 1, &w, &h);
    assert_int_equal(sys_mismatches(fb, w, h, want_anim, &f->anim), 0);
}

static void test_faults_leave_other_client_correct(void **state)
{
    (void)state;
    fault_rig_t *f = fault_rig_new();
    vgpu_model_t *m = f->r->h->model;
    demo_tick(f->r, &f->demo);
    check_both(f, 1);

    /* An error answer for the animation's next command. */
    vgpu_model_fault_error_nth(m, 1, VIRTIO_GPU_RESP_ERR_UNSPEC);
    anim_run_frames(&f->anim, 5);
    sys_rig_run(f->r);
    assert_int_equal(f->anim.failures, 1); /* exactly the faulted present, then a rebuild */
    assert_int_equal(f->anim.frames, 15);
    demo_tick(f->r, &f->demo);
    check_both(f, 2);

    /* Completions out of order for everything that follows. */
    vgpu_model_fault_reorder(m, 1);
    anim_run_frames(&f->anim, 5);
    demo_tick(f->r, &f->demo);
    check_both(f, 3);
    demo_tick(f->r, &f->demo);
    check_both(f, 4);

    /* Held completions: nothing finishes until released, then all of it does. */
    vgpu_model_fault_hold(m, 1);
    anim_run_frames(&f->anim, 3);
    demo_tick(f->r, &f->demo);
    vgpu_model_fault_hold(m, 0);
    vgpu_model_fault_release(m);
    sys_rig_run(f->r);
    check_both(f, 5);

    /* A spurious interrupt changes nothing. */
    vgpu_model_fault_spurious_irq(m);
    sys_rig_run(f->r);
    demo_tick(f->r, &f->demo);
    check_both(f, 6);
    demo_tick(f->r, &f->demo);
    check_both(f, 1);
    assert_true(f->anim.frames >= 20);

    /*
     * A used entry with a bogus id: the driver cannot tell which command it
     * meant, but once the device has returned one element per chain the
     * command left in flight gets DEVICE_ERROR. The animation sees exactly
     * one failed present, rebuilds, and carries on; the demo is untouched.
     */
    vh_log_reset();
    uint32_t frames = f->anim.frames;
    vgpu_model_fault_bogus_used_id(m, 0xbeef);
    anim_run_frames(&f->anim, 5);
    sys_rig_run(f->r);
    assert_int_equal(f->r->h->drv->stats.bogus_used, 1);
    assert_int_equal(f->r->h->drv->stats.orphaned, 1);
    assert_int_equal(vh_log_count("without naming this command"), 1);
    assert_int_equal(f->anim.failures, 1);
    assert_int_equal(f->anim.frames, frames + 5);
    assert_false(f->anim.busy);
    for (uint32_t s = 2; s <= 6; s++) {
        demo_tick(f->r, &f->demo);
        check_demo_screen(f->r, 0, s, 640, 480);
    }
    check_both(f, 6);
    anim_run_frames(&f->anim, 3); /* and it keeps going afterwards */
    sys_rig_run(f->r);
    assert_int_equal(f->anim.frames, frames + 8);
    assert_int_equal(f->anim.failures, 0);
    assert_int_equal(f->demo.failures, 0);
    sys_rig_free(f->r);
    free(f);
}

static void test_device_error_on_one_client_only(void **state)
{
    (void)state;
    fault_rig_t *f = fault_rig_new();
    vgpu_model_t *m = f->r->h->model;
    /* Every TRANSFER_TO_HOST_2D fails: the animation's presents fail, the demo's blob states do not need it. */
    demo_tick(f->r, &f->demo);
    demo_tick(f->r, &f->demo);
    demo_tick(f->r, &f->demo);
    check_both(f, 3);
    vgpu_model_fault_error_cmd(m, VIRTIO_GPU_CMD_TRANSFER_TO_HOST_2D, VIRTIO_GPU_RESP_ERR_UNSPEC);
    uint32_t frames = f->anim.frames;
    anim_run_frames(&f->anim, 3);
    sys_rig_run(f->r);
    assert_int_equal(f->anim.frames, frames);
    assert_true(f->anim.failures >= 1);
    demo_tick(f->r, &f->demo);
    check_demo_screen(f->r, 0, 4, 640, 480);
    vgpu_model_fault_error_cmd(m, VIRTIO_GPU_CMD_TRANSFER_TO_HOST_2D, 0);
    anim_run_frames(&f->anim, 3);
    sys_rig_run(f->r);
    demo_tick(f->r, &f->demo);
    check_both(f, 5);
    assert_int_equal(f->demo.failures, 0);
    sys_rig_free(f->r);
    free(f);
}

/* A client that floods requests and never reads a response stalls only itself. */
static void test_flooding_client_stalls_only_itself(void **state)
{
    (void)state;
    sys_rig_t *r = three_client_rig();
    gpu_demo_t d;
    attach_demo(r, 0, &d);
    sys_rig_run(r);
    /* Client 1 bypasses the library: raw requests, no draining, no notifications taken. */
    sys_client_t *bad = &r->clients[1];
    bad->deaf = true;
    gpu_queue_t q;
    assert_true(gpu_queue_init(&q, bad->req_region, SYS_QUEUE_CAP, true));
    uint32_t pushed = 0;
    for (uint32_t s = 1; s <= 6; s++) {
        gpu_req_t req = {.code = GPU_REQ_GET_DISPLAY_INFO};
        while (gpu_req_enqueue(&q, &req)) {
            req.id = ++pushed;
            req.code = pushed % 3 == 0 ? GPU_REQ_GET_DISPLAY_INFO : GPU_REQ_RESOURCE_UNREF;
            req.unref.resource_id = pushed % 20;
        }
        bad->to_virt = true;
        demo_tick(r, &d);
        check_demo_screen(r, 0, s, 640, 480);
    }
    /* It filled its own response queue and request queue, and nothing more was taken from it. */
    gpu_queue_t resp;
    assert_true(gpu_queue_init(&resp, bad->resp_region, SYS_QUEUE_CAP, false));
    assert_int_equal(gpu_queue_length(&resp), SYS_QUEUE_CAP);
    assert_int_equal(gpu_queue_space(&q), 0);
    assert_true(pushed >= 2 * SYS_QUEUE_CAP);
    assert_int_equal(d.failures, 0);
    sys_rig_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_demo_six_states),
            cmocka_unit_test(test_demo_cursor_composed),
            cmocka_unit_test(test_demo_blob_uses_model_blob),
            cmocka_unit_test(test_demo_without_blob_skips),
            cmocka_unit_test(test_demo_display_change_recentres),
            cmocka_unit_test(test_multi_isolation_in_pixels),
            cmocka_unit_test(test_client_cannot_reach_other_scanout),
            cmocka_unit_test(test_device_fault_then_recovery),
            cmocka_unit_test(test_deadline_then_recovery),
            cmocka_unit_test(test_faults_leave_other_client_correct),
            cmocka_unit_test(test_device_error_on_one_client_only),
            cmocka_unit_test(test_flooding_client_stalls_only_itself),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
