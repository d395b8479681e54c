/*
 * Tear-free presents through the whole stack (client library, the
 * double-buffered animation, virtualiser, driver, device model): no client
 * write ever lands in what a scanout shows, while the device is slow
 * (stalls), holds its answers back and returns them in reverse order.
 *
 * The model counts the violations (devices/virtio-gpu/vgpu_tear.c):
 * transfers into a 2D resource that a scanout shows, and changes to the
 * bytes of a blob while it is scanned out. The first two tests show that
 * the counters see such writes; the others run the animation for many
 * frames and require zero, plus exact pixels: at every pause the screen is
 * one whole frame the animation drew, and at the end the last one.
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
#include "system_rig.h"
#include "system_wire.h"

#define FEATURES_ALL    ((1ull << VIRTIO_F_VERSION_1) | (1ull << VIRTIO_GPU_F_EDID) | (1ull << VIRTIO_GPU_F_RESOURCE_BLOB))
#define FEATURES_NOBLOB ((1ull << VIRTIO_F_VERSION_1) | (1ull << VIRTIO_GPU_F_EDID))
#define WIDTH           320u
#define HEIGHT          200u
#define BOX             32u
#define STEP            7u
#define MAX_MOVES       4096u

typedef struct fixture {
    sys_rig_t *r;
    anim_t a;
    /* Where the square was after each move (index = fence: the build's picture is 0). */
    uint32_t seen_x[MAX_MOVES], seen_y[MAX_MOVES];
    uint64_t seen;  /* highest fence recorded */
    int32_t dx, dy; /* the bounce's direction after move `seen` */
} fixture_t;

static fixture_t *start(uint64_t features, uint32_t frames)
{
    fixture_t *f = calloc(1, sizeof(*f));
    assert_non_null(f);
    f->r = sys_rig_one_head(features, WIDTH, HEIGHT);
    assert_int_equal(f->r->virt_init, GPU_VIRT_OK);
    vgpu_model_tear_detect(f->r->h->model, 1);
    anim_config_t cfg = {.box = BOX, .step = STEP, .max_frames = frames, .use_blob = true};
    anim_init(&f->a, &f->r->clients[0].client, &cfg);
    f->r->clients[0].on_display = sys_anim_display;
    f->r->clients[0].on_display_ctx = &f->a;
    f->r->clients[0].on_reset = sys_anim_reset;
    f->dx = 1;
    f->dy = 1;
    sys_client_start(f->r, 0);
    return f;
}

static void finish(fixture_t *f)
{
    sys_rig_free(f->r);
    free(f);
}

/*
 * The square's place for every fence the animation staged so far: it moves
 * the square as it draws each frame, so after a run the latest fence's place
 * is (a.x, a.y); the places in between follow the same bounce from the
 * previous one (replayed here with the animation's own rule).
 */
static uint32_t bounce(uint32_t pos, int32_t *dir, uint32_t limit)
{
    if (*dir > 0) {
        if (limit - pos <= STEP) {
            *dir = -1;
            return limit;
        }
        return pos + STEP;
    }
    if (pos <= STEP) {
        *dir = 1;
        return 0;
    }
    return pos - STEP;
}

static void record(fixture_t *f)
{
    while (f->seen < f->a.fence) {
        assert_true(f->seen + 1 < MAX_MOVES);
        f->seen_x[f->seen + 1] = bounce(f->seen_x[f->seen], &f->dx, WIDTH - BOX);
        f->seen_y[f->seen + 1] = bounce(f->seen_y[f->seen], &f->dy, HEIGHT - BOX);
        f->seen++;
    }
    assert_int_equal(f->seen_x[f->seen], f->a.x);
    assert_int_equal(f->seen_y[f->seen], f->a.y);
}

/* Wrong pixels of the screen against the frame with the square at (bx, by). */
static uint32_t frame_mismatches(const uint32_t *fb, uint32_t bx, uint32_t by)
{
    uint32_t wrong = 0;
    for (uint32_t y = 0; y < HEIGHT; y++) {
        for (uint32_t x = 0; x < WIDTH; x++) {
            bool in_box = x >= bx && x < bx + BOX && y >= by && y < by + BOX;
            uint32_t want = (in_box ? ANIM_BOX_COLOUR : anim_background(x, y)) & 0xffffffu;
            wrong += (fb[y * WIDTH + x] & 0xffffffu) != want;
        }
    }
    return wrong;
}

/*
 * The screen is exactly one frame the animation presented: the one of the
 * completion word, or a later one whose present the device carried out
 * while its answer is still held.
 */
static void check_whole_frame(fixture_t *f)
{
    uint32_t w, h;
    const uint32_t *fb = sys_rig_screen(f->r, 0, &w, &h);
    assert_non_null(fb);
    assert_int_equal(w, WIDTH);
    assert_int_equal(h, HEIGHT);
    uint64_t done = gpu_client_present_fence(&f->r->clients[0].client);
    for (uint64_t n = done; n <= f->seen; n++) {
        if (frame_mismatches(fb, f->seen_x[n], f->seen_y[n]) == 0) {
            return;
        }
    }
    fail_msg("the screen is none of frames %llu..%llu", (unsigned long long)done, (unsigned long long)f->seen);
}

static void faults_off(vgpu_model_t *m)
{
    vgpu_model_fault_stall(m, 0);
    vgpu_model_fault_hold(m, 0);
    vgpu_model_fault_reorder(m, 0);
    (void)vgpu_model_fault_release(m);
}

/*
 * Runs the animation `frames` frames at a time, `rounds` times, each run
 * under one of: a stalled device, held answers, held and reversed answers,
 * no fault; checks the screen at every pause.
 */
static void run_faulty(fixture_t *f, uint32_t rounds, uint32_t frames)
{
    vgpu_model_t *m = f->r->h->model;
    for (uint32_t i = 0; i < rounds; i++) {
        uint32_t mode = i % 4;
        anim_run_frames(&f->a, frames);
        vgpu_model_fault_stall(m, mode == 1);
        vgpu_model_fault_hold(m, mode == 2 || mode == 3);
        vgpu_model_fault_reorder(m, mode == 3);
        sys_rig_run(f->r);
        record(f);
        check_whole_frame(f);
        vgpu_model_tear_check(m);
        faults_off(m);
        sys_rig_run(f->r);
        record(f);
        check_whole_frame(f);
    }
}

static void check_end(fixture_t *f, uint32_t frames)
{
    vgpu_model_t *m = f->r->h->model;
    faults_off(m);
    sys_rig_run(f->r);
    record(f);
    assert_int_equal(f->a.failures, 0);
    assert_int_equal(f->a.frames, frames);
    assert_int_equal(gpu_client_present_fence(&f->r->clients[0].client), f->a.fence);
    uint32_t w, h;
    const uint32_t *fb = sys_rig_screen(f->r, 0, &w, &h);
    assert_int_equal(frame_mismatches(fb, f->a.x, f->a.y), 0);
    vgpu_model_tear_check(m);
    vgpu_model_stats_t st;
    vgpu_model_stats(m, &st);
    assert_int_equal(st.shown_transfers, 0);
    assert_int_equal(st.shown_blob_writes, 0);
}

/* The instrument: a write into the shown blob is counted (a single-buffered client's tearing). */
static void test_counter_sees_blob_write(void **state)
{
    (void)state;
    fixture_t *f = start(FEATURES_ALL, 1);
    sys_rig_run(f->r);
    assert_true(f->a.buf[0].fb.blob);
    vgpu_model_stats_t st;
    vgpu_model_tear_check(f->r->h->model);
    vgpu_model_stats(f->r->h->model, &st);
    assert_int_equal(st.shown_blob_writes, 0);
    gpu_fb_pixels(&f->r->clients[0].client, &f->a.buf[0].fb)[WIDTH + 1] ^= 1u; /* buffer 0 is shown */
    vgpu_model_tear_check(f->r->h->model);
    vgpu_model_stats(f->r->h->model, &st);
    assert_int_equal(st.shown_blob_writes, 1);
    gpu_fb_pixels(&f->r->clients[0].client, &f->a.buf[1].fb)[WIDTH + 1] ^= 1u; /* buffer 1 is not */
    vgpu_model_tear_check(f->r->h->model);
    vgpu_model_stats(f->r->h->model, &st);
    assert_int_equal(st.shown_blob_writes, 1);
    finish(f);
}

/* The instrument: a transfer into the shown 2D resource is counted. */
static void test_counter_sees_shown_transfer(void **state)
{
    (void)state;
    fixture_t *f = start(FEATURES_NOBLOB, 1);
    sys_rig_run(f->r);
    assert_false(f->a.buf[0].fb.blob);
    gpu_client_op_t op;
    gpu_client_op_init(&op, NULL, NULL);
    assert_true(gpu_fb_transfer(&f->r->clients[0].client, &op, &f->a.buf[0].fb, gpu_fb_rect(&f->a.buf[0].fb)));
    gpu_client_submit(&f->r->clients[0].client);
    sys_rig_run(f->r);
    vgpu_model_stats_t st;
    vgpu_model_stats(f->r->h->model, &st);
    assert_int_equal(st.shown_transfers, 1);
    finish(f);
}

static void test_blob_tear_free(void **state)
{
    (void)state;
    fixture_t *f = start(FEATURES_ALL, 1);
    sys_rig_run(f->r);
    assert_true(f->a.buf[0].fb.blob);
    run_faulty(f, 200, 3);
    check_end(f, 1 + 200 * 3);
    finish(f);
}

static void test_2d_tear_free(void **state)
{
    (void)state;
    fixture_t *f = start(FEATURES_NOBLOB, 1);
    sys_rig_run(f->r);
    assert_false(f->a.buf[0].fb.blob);
    run_faulty(f, 200, 3);
    check_end(f, 1 + 200 * 3);
    finish(f);
}

/*
 * Device loss with a present in flight (its commands done by the device,
 * their answers held): the present is answered DEVICE_ERROR and the
 * completion word does not advance for it; the animation rebuilds on the
 * fresh device and goes on, tear-free, with fences above the lost one.
 */
static void test_device_loss_keeps_fence(void **state)
{
    (void)state;
    fixture_t *f = start(FEATURES_ALL, 1);
    vgpu_model_t *m = f->r->h->model;
    sys_rig_run(f->r);
    run_faulty(f, 8, 3);
    uint64_t before = gpu_client_present_fence(&f->r->clients[0].client);
    assert_int_equal(before, f->a.fence);
    vgpu_model_fault_hold(m, 1);
    anim_run_frames(&f->a, 1);
    sys_rig_run(f->r);
    assert_int_equal(f->a.fence, before + 1);
    assert_int_equal(vgpu_model_fault_held(m), 2); /* its set-scanout and flush */
    vgpu_model_fault_needs_reset(m);
    vgpu_model_fault_hold(m, 0);
    vh_run(f->r->h); /* the driver resets the device (dropping what it held) and answers DEVICE_ERROR */
    sys_rig_run(f->r);
    assert_int_equal(f->r->h->drv->device_epoch, 1);
    /* The lost present (DEVICE_ERROR), then the rebuild it started before the virtualiser forgot us (NOT_READY). */
    assert_int_equal(f->a.failures, 2);
    assert_int_equal(gpu_client_present_fence(&f->r->clients[0].client), before);
    /* The rebuild (counted as a frame) shows the square where the lost frame put it; then on above the lost fence. */
    record(f);
    check_whole_frame(f);
    f->a.failures = 0;
    uint32_t frames = f->a.frames;
    run_faulty(f, 8, 3);
    check_end(f, frames + 8 * 3);
    assert_true(f->a.fence > before + 1);
    finish(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_counter_sees_blob_write), cmocka_unit_test(test_counter_sees_shown_transfer),
            cmocka_unit_test(test_blob_tear_free),          cmocka_unit_test(test_2d_tear_free),
            cmocka_unit_test(test_device_loss_keeps_fence),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
