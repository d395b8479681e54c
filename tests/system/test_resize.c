/*
 * Live resize through the whole stack (issue 15, item 4): the device model
 * changes a scanout's preferred mode, or disconnects and reconnects its
 * display, at run time (vgpu_model_set_scanout); the driver raises the
 * display-info event, the virtualiser re-queries and raises it for each
 * client whose own scanouts changed (docs/protocol.md section 5), and the
 * examples re-create their framebuffers at the new size. Checked after each
 * change: every pixel of every head, the size of what is scanned out, which
 * clients got an event, and that the old resources were freed on the device.
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

#include "gpu_demo.h"
#include "multi_client.h"
#include "system_expect.h"
#include "system_rig.h"
#include "system_wire.h"

extern const img2c_image_t demo_image;

#define FEATURES_ALL ((1ull << VIRTIO_F_VERSION_1) | (1ull << VIRTIO_GPU_F_EDID) | (1ull << VIRTIO_GPU_F_RESOURCE_BLOB))

/* --- wiring --- */

static sys_rig_t *demo_rig(gpu_demo_t *d, uint32_t w, uint32_t h)
{
    sys_rig_t *r = sys_rig_one_head(FEATURES_ALL, w, h);
    assert_int_equal(r->virt_init, GPU_VIRT_OK);
    gpu_demo_config_t cfg = {.image = &demo_image, .scanout_id = 0, .fb_offset = 0};
    gpu_demo_init(d, &r->clients[0].client, &cfg);
    r->clients[0].on_display = sys_demo_display;
    r->clients[0].on_display_ctx = d;
    sys_client_start(r, 0);
    sys_rig_run(r);
    return r;
}

/* Two heads: client 0 owns device scanout 0 (640x480), client 1 device scanout 1 (800x600), client 2 none. */
static sys_rig_t *two_head_rig(void)
{
    sys_rig_t *r = sys_rig_two_heads();
    assert_int_equal(r->virt_init, GPU_VIRT_OK);
    return r;
}

static void attach_multi(sys_rig_t *r, uint32_t i, multi_client_t *m, uint32_t role, const char *name,
                         uint32_t fallback_w, uint32_t fallback_h)
{
    multi_client_config_t cfg = {.name = name,
                                 .role = role,
                                 .image = &demo_image,
                                 .fb_offset = 0,
                                 .fallback_width = fallback_w,
                                 .fallback_height = fallback_h};
    multi_client_init(m, &r->clients[i].client, &cfg);
    r->clients[i].on_display = sys_multi_display;
    r->clients[i].on_display_ctx = m;
    sys_client_start(r, i);
}

/* multi_a (image) on head 0, multi_b (pattern) on head 1, multi_c (no scanout); all drawn. */
static sys_rig_t *multi_rig(multi_client_t m[3], uint32_t fallback_w, uint32_t fallback_h)
{
    sys_rig_t *r = two_head_rig();
    attach_multi(r, 0, &m[0], MULTI_ROLE_IMAGE, "multi-a", fallback_w, fallback_h);
    attach_multi(r, 1, &m[1], MULTI_ROLE_PATTERN, "multi-b", fallback_w, fallback_h);
    attach_multi(r, 2, &m[2], MULTI_ROLE_NO_SCANOUT, "multi-c", 0, 0);
    sys_rig_run(r);
    assert_int_equal(m[0].draws, 1);
    assert_int_equal(m[1].draws, 1);
    assert_true(m[2].refused);
    return r;
}

/* --- checks --- */

/* Head idx scans out exactly `want` on a w x h resource rectangle. */
static void check_head(sys_rig_t *r, uint32_t idx, uint32_t w, uint32_t h, sys_want_fn want, void *ctx)
{
    uint32_t sw, sh;
    const uint32_t *fb = sys_rig_screen(r, idx, &sw, &sh);
    assert_non_null(fb);
    assert_int_equal(sw, w);
    assert_int_equal(sh, h);
    vgpu_model_scanout_state_t st;
    assert_int_equal(vgpu_model_scanout_state(r->h->model, idx, &st), 0);
    assert_int_not_equal(st.resource_id, 0);
    assert_int_equal(st.width, w); /* the resource shown has the new size: re-created, not only re-centred */
    assert_int_equal(st.height, h);
    assert_int_equal(sys_mismatches(fb, sw, sh, want, ctx), 0);
}

static void check_demo(sys_rig_t *r, uint32_t state, uint32_t w, uint32_t h)
{
    sys_demo_want_t want = {state, w, h};
    check_head(r, 0, w, h, sys_want_demo, &want);
}

static void check_image_head(sys_rig_t *r, uint32_t idx, uint32_t w, uint32_t h)
{
    sys_demo_want_t want = {1, w, h};
    check_head(r, idx, w, h, sys_want_centred_image, &want);
}

/* Head idx shows nothing: no resource on it, every pixel black. */
static void check_head_dark(sys_rig_t *r, uint32_t idx)
{
    vgpu_model_scanout_state_t st;
    assert_int_equal(vgpu_model_scanout_state(r->h->model, idx, &st), 0);
    assert_int_equal(st.resource_id, 0);
    uint32_t w, h;
    const uint32_t *fb = sys_rig_screen(r, idx, &w, &h);
    assert_non_null(fb);
    for (size_t i = 0; i < (size_t)w * h; i++) {
        assert_int_equal(fb[i] & 0xffffffu, 0);
    }
}

static uint64_t events_of(sys_rig_t *r, uint32_t i)
{
    gpu_client_stats_t st;
    gpu_client_get_stats(&r->clients[i].client, &st);
    return st.events;
}

static void set_head(sys_rig_t *r, uint32_t idx, uint32_t w, uint32_t h, int enabled)
{
    vgpu_model_set_scanout(r->h->model, idx, w, h, enabled);
    sys_rig_run(r);
}

/* --- the gpu demo --- */

/* Grow and shrink in every drawn state (2D and blob): each time a fresh resource of the new size. */
static void test_demo_grow_shrink_recreates(void **state)
{
    (void)state;
    gpu_demo_t d;
    sys_rig_t *r = demo_rig(&d, 1280, 800);
    const uint32_t sizes[][2] = {{1920, 1080}, {301, 203}, {1280, 800}, {160, 120}, {1600, 1200}};
    uint32_t change = 0;
    for (uint32_t s = 1; s <= 6; s++) {
        gpu_demo_tick(&d);
        sys_rig_run(r);
        if (s == 3 || s == 6) {
            continue; /* nothing drawn; the next state draws at whatever size is current */
        }
        for (uint32_t k = 0; k < 2; k++) {
            const uint32_t *size = sizes[change++ % 5];
            set_head(r, 0, size[0], size[1], 1);
            check_demo(r, s, size[0], size[1]);
            /* every other resource unreffed; states 1 and 2 also keep the cursor's (resource 5) */
            assert_int_equal(vgpu_model_resource_count(r->h->model), s <= 2 ? 2 : 1);
        }
        vgpu_model_scanout_state_t st;
        assert_int_equal(vgpu_model_scanout_state(r->h->model, 0, &st), 0);
        assert_int_equal(st.blob, s == 4 || s == 5);
    }
    assert_int_equal(vgpu_model_resource_count(r->h->model), 0); /* state 6 destroyed everything */
    assert_int_equal(d.failures, 0);
    assert_int_equal(vh_log_count("gpu-demo: re-centred state"), 8);
    sys_rig_free(r);
}

/* The display goes away: the demo frees its resources and waits; it comes back (any size): drawn afresh. */
static void test_demo_disconnect_reconnect(void **state)
{
    (void)state;
    gpu_demo_t d;
    vh_log_reset();
    sys_rig_t *r = demo_rig(&d, 1280, 800);
    gpu_demo_tick(&d);
    sys_rig_run(r);
    gpu_demo_tick(&d);
    sys_rig_run(r); /* state 2: resources 1 and 2 live, and the cursor's (5) */
    assert_int_equal(vgpu_model_resource_count(r->h->model), 3);
    set_head(r, 0, 1280, 800, 0);
    assert_int_equal(vgpu_model_resource_count(r->h->model), 0);
    check_head_dark(r, 0);
    assert_int_equal(vh_log_count("gpu-demo: no display on scanout 0: freed state 2's resources: OK"), 1);
    gpu_demo_tick(&d); /* no display: the state does not move on */
    sys_rig_run(r);
    assert_int_equal(d.state, 2);
    assert_int_equal(vgpu_model_resource_count(r->h->model), 0);
    set_head(r, 0, 1280, 800, 1); /* back, at the size it had */
    check_demo(r, 2, 1280, 800);
    assert_int_equal(vgpu_model_resource_count(r->h->model), 2); /* the quarter and the cursor's */
    set_head(r, 0, 1280, 800, 0);
    set_head(r, 0, 1024, 768, 1); /* back, at another size */
    check_demo(r, 2, 1024, 768);
    assert_int_equal(vgpu_model_resource_count(r->h->model), 2);
    gpu_demo_tick(&d);
    sys_rig_run(r);
    gpu_demo_tick(&d);
    sys_rig_run(r); /* state 4, blob, at the new size */
    check_demo(r, 4, 1024, 768);
    assert_int_equal(d.failures, 0);
    sys_rig_free(r);
}

/* --- the multi example --- */

/* Head 0 grows, then shrinks: multi_a re-creates; multi_b's head stays exact and it gets no event. */
static void test_multi_one_head_changes(void **state)
{
    (void)state;
    multi_client_t m[3];
    sys_rig_t *r = multi_rig(m, 0, 0);
    uint64_t ev_b = events_of(r, 1);
    uint64_t ev_c = events_of(r, 2);
    uint32_t changes_b = r->clients[1].display_changes;
    const uint32_t sizes[][2] = {{1024, 768}, {200, 150}, {641, 479}};
    for (uint32_t i = 0; i < 3; i++) {
        set_head(r, 0, sizes[i][0], sizes[i][1], 1);
        check_image_head(r, 0, sizes[i][0], sizes[i][1]);
        check_head(r, 1, 800, 600, sys_want_pattern, NULL);
        assert_int_equal(vgpu_model_resource_count(r->h->model), 2); /* A's old resource unreffed */
    }
    assert_int_equal(m[0].draws, 4);
    assert_int_equal(m[1].draws, 1);
    assert_int_equal(events_of(r, 1), ev_b); /* B's scanouts did not change: no event for it */
    assert_int_equal(events_of(r, 2), ev_c);
    assert_int_equal(r->clients[1].display_changes, changes_b);
    /* And the other way round. */
    uint64_t ev_a = events_of(r, 0);
    set_head(r, 1, 320, 200, 1);
    check_head(r, 1, 320, 200, sys_want_pattern, NULL);
    check_image_head(r, 0, 641, 479);
    assert_int_equal(events_of(r, 0), ev_a);
    assert_int_equal(events_of(r, 1), ev_b + 1);
    assert_int_equal(vgpu_model_resource_count(r->h->model), 2);
    assert_int_equal(m[0].failures + m[1].failures + m[2].failures, 0);
    sys_rig_free(r);
}

/* Head 1's display goes away and comes back: multi_b frees its framebuffer, then draws afresh; A untouched. */
static void test_multi_disconnect_reconnect(void **state)
{
    (void)state;
    multi_client_t m[3];
    vh_log_reset();
    sys_rig_t *r = multi_rig(m, 0, 0);
    uint64_t ev_a = events_of(r, 0);
    set_head(r, 1, 800, 600, 0);
    check_head_dark(r, 1);
    check_image_head(r, 0, 640, 480);
    assert_int_equal(vgpu_model_resource_count(r->h->model), 1);
    assert_int_equal(vh_log_count("multi-b: no display on its scanout: released its framebuffer: ok"), 1);
    assert_false(multi_client_redraw(&m[1])); /* nothing shown to present again */
    set_head(r, 1, 800, 600, 1);
    check_head(r, 1, 800, 600, sys_want_pattern, NULL);
    set_head(r, 1, 800, 600, 0);
    set_head(r, 1, 1920, 1080, 1);
    check_head(r, 1, 1920, 1080, sys_want_pattern, NULL);
    check_image_head(r, 0, 640, 480);
    assert_int_equal(vgpu_model_resource_count(r->h->model), 2);
    assert_int_equal(events_of(r, 0), ev_a);
    assert_int_equal(m[1].draws, 3);
    assert_int_equal(m[0].failures + m[1].failures, 0);
    sys_rig_free(r);
}

/* With a fallback mode (as the multi and restart PDs have, for QEMU's headless heads) a disconnect draws at it. */
static void test_multi_disconnect_uses_fallback(void **state)
{
    (void)state;
    multi_client_t m[3];
    sys_rig_t *r = multi_rig(m, 400, 300);
    set_head(r, 0, 640, 480, 0);
    check_image_head(r, 0, 400, 300);
    check_head(r, 1, 800, 600, sys_want_pattern, NULL);
    assert_int_equal(vgpu_model_resource_count(r->h->model), 2);
    set_head(r, 0, 720, 400, 1);
    check_image_head(r, 0, 720, 400);
    assert_int_equal(vgpu_model_resource_count(r->h->model), 2);
    assert_int_equal(m[0].draws, 3);
    sys_rig_free(r);
}

/*
 * The device refuses the new framebuffer of a resize: the client reports the
 * failure, and the next change draws again from scratch, leaving nothing of
 * the failed attempt on the device.
 */
static void test_multi_failed_resize_recovers(void **state)
{
    (void)state;
    multi_client_t m[3];
    vh_log_reset();
    sys_rig_t *r = multi_rig(m, 0, 0);
    vgpu_model_fault_error_cmd(r->h->model, VIRTIO_GPU_CMD_RESOURCE_CREATE_2D, VIRTIO_GPU_RESP_ERR_OUT_OF_MEMORY);
    set_head(r, 0, 1024, 768, 1);
    vgpu_model_fault_error_cmd(r->h->model, VIRTIO_GPU_CMD_RESOURCE_CREATE_2D, 0);
    assert_int_equal(m[0].failures, 1);
    assert_int_equal(vh_log_count("multi-a: draw failed: OUT_OF_MEMORY"), 1);
    assert_false(multi_client_redraw(&m[0])); /* nothing it knows to be shown */
    check_head(r, 1, 800, 600, sys_want_pattern, NULL);
    set_head(r, 0, 800, 480, 1);
    check_image_head(r, 0, 800, 480);
    check_head(r, 1, 800, 600, sys_want_pattern, NULL);
    assert_int_equal(vgpu_model_resource_count(r->h->model), 2); /* A's one and B's one */
    assert_int_equal(m[0].failures, 1);
    assert_int_equal(m[0].draws, 2);
    sys_rig_free(r);
}

/* --- the restart example's clients: the multi core presenting again every tick --- */

/*
 * steady (image, head 0) and crasher (pattern, head 1) redraw every tick as
 * examples/restart's glue does. Head 1 changes while crasher's present is
 * in flight (the change waits for it), and again between ticks; each time
 * both heads are exact and the old resource is gone.
 */
static void test_restart_clients_resize_while_presenting(void **state)
{
    (void)state;
    multi_client_t m[3];
    sys_rig_t *r = multi_rig(m, 800, 600);
    const uint32_t sizes[][2] = {{1024, 768}, {512, 384}, {800, 600}};
    for (uint32_t t = 0; t < 3; t++) {
        assert_true(multi_client_redraw(&m[0]));
        assert_true(multi_client_redraw(&m[1]));
        vgpu_model_set_scanout(r->h->model, 1, sizes[t][0], sizes[t][1], 1); /* while both presents are queued */
        sys_rig_run(r);
        assert_false(m[1].busy);
        check_head(r, 1, sizes[t][0], sizes[t][1], sys_want_pattern, NULL);
        check_image_head(r, 0, 640, 480);
        assert_int_equal(vgpu_model_resource_count(r->h->model), 2);
        assert_true(multi_client_redraw(&m[1])); /* the next tick presents the new framebuffer */
        sys_rig_run(r);
        check_head(r, 1, sizes[t][0], sizes[t][1], sys_want_pattern, NULL);
    }
    assert_int_equal(m[0].failures + m[1].failures, 0);
    assert_int_equal(m[0].draws, 1 + 3);
    assert_int_equal(m[1].draws, 1 + 3 * 3);
    sys_rig_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_demo_grow_shrink_recreates),
            cmocka_unit_test(test_demo_disconnect_reconnect),
            cmocka_unit_test(test_multi_one_head_changes),
            cmocka_unit_test(test_multi_disconnect_reconnect),
            cmocka_unit_test(test_multi_disconnect_uses_fallback),
            cmocka_unit_test(test_multi_failed_resize_recovers),
            cmocka_unit_test(test_restart_clients_resize_while_presenting),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
