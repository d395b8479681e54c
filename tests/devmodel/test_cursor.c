/*
 * The cursor plane: UPDATE_CURSOR copies a 64x64 image when it runs,
 * MOVE_CURSOR moves it, either hides it when it names resource 0 (as
 * QEMU), and vgpu_model_composed() and screenshots show it alpha-blended
 * over the scanout, hot spot subtracted and clipped at every edge, while
 * vgpu_model_framebuffer() stays the primary plane. Expected pixels are
 * computed here from the documented formula, per pixel.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wstrict-prototypes"
#include <stb/stb_image.h> /* implemented in test_scanout.c */
#pragma GCC diagnostic pop

#include "harness.h"

#define OK    VIRTIO_GPU_RESP_OK_NODATA
#define XRGB  VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM
#define ARGB  VIRTIO_GPU_FORMAT_B8G8R8A8_UNORM
#define SW    128u /* the scanout */
#define SH    96u
#define SIDE  64u
#define BG_ID 1u
#define CU_ID 2u

static uint32_t background(uint32_t x, uint32_t y)
{
    return (x * 2u) << 16 | (y * 2u) << 8 | 0x40u;
}

/* The cursor image of `seed`: opaque below the diagonal, transparent above, half alpha on it. */
static uint32_t cursor_pixel(uint32_t x, uint32_t y, uint32_t seed)
{
    uint32_t a = x < y ? 0xffu : x == y ? 0x80u : 0u;
    return a << 24 | ((x * 4u + seed) & 0xffu) << 16 | ((y * 4u) & 0xffu) << 8 | 0x90u;
}

static uint32_t mix(uint32_t s, uint32_t d, uint32_t a)
{
    return (s * a + d * (255u - a) + 127u) / 255u;
}

/* The documented blend of ARGB `c` over XRGB `d`. */
static uint32_t over(uint32_t c, uint32_t d)
{
    uint32_t a = c >> 24;
    return mix(c >> 16 & 0xffu, d >> 16 & 0xffu, a) << 16 | mix(c >> 8 & 0xffu, d >> 8 & 0xffu, a) << 8 |
           mix(c & 0xffu, d & 0xffu, a);
}

typedef struct cursor_fx {
    harness_t *h;
    uint64_t cursor_io;
} cursor_fx_t;

static void cursor_fill(cursor_fx_t *f, uint32_t seed)
{
    uint32_t *px = h_ptr(f->h, f->cursor_io);
    for (uint32_t y = 0; y < SIDE; y++) {
        for (uint32_t x = 0; x < SIDE; x++) {
            px[y * SIDE + x] = cursor_pixel(x, y, seed); /* B8G8R8A8 in memory is 0xAARRGGBB little-endian */
        }
    }
    assert_int_equal(h_transfer(f->h, CU_ID, 0, 0, SIDE, SIDE, 0), OK);
}

/* A 128x96 scanout showing the background, and cursor resource 2 filled with seed 0. */
static int setup(void **state)
{
    vgpu_model_config_t cfg;
    h_config(&cfg);
    cfg.width[0] = SW;
    cfg.height[0] = SH;
    cursor_fx_t *f = calloc(1, sizeof(*f));
    f->h = h_create(&cfg);
    h_init(f->h, VIRTIO_FEATURE_BIT(VIRTIO_F_VERSION_1) | VIRTIO_FEATURE_BIT(VIRTIO_GPU_F_RESOURCE_BLOB));
    uint64_t io;
    assert_int_equal(h_create_2d(f->h, BG_ID, XRGB, SW, SH), OK);
    assert_int_equal(h_attach_new(f->h, BG_ID, SW * SH * 4u, &io), OK);
    uint32_t *px = h_ptr(f->h, io);
    for (uint32_t y = 0; y < SH; y++) {
        for (uint32_t x = 0; x < SW; x++) {
            px[y * SW + x] = background(x, y);
        }
    }
    assert_int_equal(h_transfer(f->h, BG_ID, 0, 0, SW, SH, 0), OK);
    assert_int_equal(h_set_scanout(f->h, 0, BG_ID, 0, 0, SW, SH), OK);
    assert_int_equal(h_flush(f->h, BG_ID, 0, 0, SW, SH), OK);
    assert_int_equal(h_create_2d(f->h, CU_ID, ARGB, SIDE, SIDE), OK);
    assert_int_equal(h_attach_new(f->h, CU_ID, SIDE * SIDE * 4u, &f->cursor_io), OK);
    cursor_fill(f, 0);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    cursor_fx_t *f = *state;
    h_destroy(f->h);
    free(f);
    return 0;
}

static void cursor_cmd(harness_t *h, uint32_t type, uint32_t rid, uint32_t x, uint32_t y, uint32_t hx, uint32_t hy)
{
    virtio_gpu_update_cursor_t c = {.hdr.type = type, .resource_id = rid, .hot_x = hx, .hot_y = hy};
    c.pos = (virtio_gpu_cursor_pos_t){.scanout_id = 0, .x = x, .y = y};
    assert_int_equal(h_cursor(h, &c), 0);
}

/* What the display must show: the background, and if `shown` the image of `seed` with its hot spot at (x, y). */
static uint32_t expected(uint32_t sx, uint32_t sy, int shown, int64_t x, int64_t y, uint32_t hx, uint32_t hy,
                         uint32_t seed)
{
    int64_t cx = (int64_t)sx - (x - hx), cy = (int64_t)sy - (y - hy);
    uint32_t bg = background(sx, sy);
    if (!shown || cx < 0 || cy < 0 || cx >= SIDE || cy >= SIDE) {
        return bg;
    }
    return over(cursor_pixel((uint32_t)cx, (uint32_t)cy, seed), bg);
}

/*
 * The composed image is exactly `expected()` everywhere and the primary
 * plane only the background. Returns how many pixels the cursor changed.
 */
static uint32_t display_check(harness_t *h, int shown, int64_t x, int64_t y, uint32_t hx, uint32_t hy, uint32_t seed)
{
    uint32_t w = 0, hh = 0, fw = 0, fh = 0;
    uint32_t *px = vgpu_model_composed(h->m, 0, &w, &hh);
    const uint32_t *fb = vgpu_model_framebuffer(h->m, 0, &fw, &fh);
    assert_non_null(px);
    assert_int_equal(w, SW);
    assert_int_equal(hh, SH);
    uint32_t covered = 0;
    for (uint32_t sy = 0; sy < SH; sy++) {
        for (uint32_t sx = 0; sx < SW; sx++) {
            uint32_t want = expected(sx, sy, shown, x, y, hx, hy, seed);
            if (px[sy * SW + sx] != want) {
                fail_msg("(%u, %u): 0x%06x, want 0x%06x", sx, sy, px[sy * SW + sx], want);
            }
            assert_int_equal(fb[sy * SW + sx], background(sx, sy));
            covered += want != background(sx, sy);
        }
    }
    free(px);
    return covered;
}

/* display_check(), with the cursor visible somewhere (shown) or nowhere (!shown). */
static void assert_display(harness_t *h, int shown, int64_t x, int64_t y, uint32_t hx, uint32_t hy, uint32_t seed)
{
    uint32_t covered = display_check(h, shown, x, y, hx, hy, seed);
    assert_true(shown ? covered > 0 : covered == 0);
}

static void test_cursor_blended_at_hot_spot(void **state)
{
    cursor_fx_t *f = *state;
    assert_display(f->h, 0, 0, 0, 0, 0, 0); /* none yet */
    cursor_cmd(f->h, VIRTIO_GPU_CMD_UPDATE_CURSOR, CU_ID, 40, 20, 5, 7);
    assert_display(f->h, 1, 40, 20, 5, 7, 0);
    /* one pixel by hand: image (10, 3) is transparent, (3, 10) opaque, (9, 9) half */
    uint32_t w, hh;
    uint32_t *px = vgpu_model_composed(f->h->m, 0, &w, &hh);
    assert_int_equal(px[(20 - 7 + 3) * SW + (40 - 5 + 10)], background(45, 16));
    assert_int_equal(px[(20 - 7 + 10) * SW + (40 - 5 + 3)], cursor_pixel(3, 10, 0) & 0xffffffu);
    assert_int_equal(px[(20 - 7 + 9) * SW + (40 - 5 + 9)], over(cursor_pixel(9, 9, 0), background(44, 22)));
    free(px);
}

static void test_cursor_clipped_at_every_edge(void **state)
{
    cursor_fx_t *f = *state;
    cursor_cmd(f->h, VIRTIO_GPU_CMD_UPDATE_CURSOR, CU_ID, SW - 10, SH - 3, 0, 0); /* right and bottom */
    assert_display(f->h, 1, SW - 10, SH - 3, 0, 0, 0);
    cursor_cmd(f->h, VIRTIO_GPU_CMD_UPDATE_CURSOR, CU_ID, 2, 1, 63, 63); /* left and top: image starts at (-61, -62) */
    assert_display(f->h, 1, 2, 1, 63, 63, 0);
    /* hot spot (63, 63): the image covers [x - 63, x] x [y - 63, y] */
    cursor_cmd(f->h, VIRTIO_GPU_CMD_MOVE_CURSOR, CU_ID, SW + 63, SH + 63, 0, 0); /* just past the corner */
    assert_int_equal(display_check(f->h, 1, SW + 63, SH + 63, 63, 63, 0), 0);
    cursor_cmd(f->h, VIRTIO_GPU_CMD_MOVE_CURSOR, CU_ID, SW + 62, SH + 62, 0, 0); /* image (0, 0) on the last pixel */
    assert_int_equal(display_check(f->h, 1, SW + 62, SH + 62, 63, 63, 0), 1);
    cursor_cmd(f->h, VIRTIO_GPU_CMD_MOVE_CURSOR, CU_ID, UINT32_MAX, UINT32_MAX, 0, 0); /* far away: no wrap */
    assert_int_equal(display_check(f->h, 1, UINT32_MAX, UINT32_MAX, 63, 63, 0), 0);
}

static void test_cursor_move_and_hide(void **state)
{
    cursor_fx_t *f = *state;
    cursor_cmd(f->h, VIRTIO_GPU_CMD_UPDATE_CURSOR, CU_ID, 30, 30, 1, 2);
    cursor_cmd(f->h, VIRTIO_GPU_CMD_MOVE_CURSOR, CU_ID, 70, 50, 9, 9); /* a move keeps the hot spot */
    assert_display(f->h, 1, 70, 50, 1, 2, 0);
    cursor_cmd(f->h, VIRTIO_GPU_CMD_MOVE_CURSOR, 0, 60, 40, 0, 0); /* as QEMU: a move without resource hides */
    assert_display(f->h, 0, 0, 0, 0, 0, 0);
    cursor_cmd(f->h, VIRTIO_GPU_CMD_MOVE_CURSOR, CU_ID, 61, 41, 0, 0);
    assert_display(f->h, 1, 61, 41, 1, 2, 0);
    cursor_cmd(f->h, VIRTIO_GPU_CMD_UPDATE_CURSOR, 0, 61, 41, 0, 0); /* hide */
    assert_display(f->h, 0, 0, 0, 0, 0, 0);
}

/* The image is the resource's content when UPDATE_CURSOR runs: later transfers and the unref do not change it. */
static void test_cursor_image_copied_at_update(void **state)
{
    cursor_fx_t *f = *state;
    cursor_cmd(f->h, VIRTIO_GPU_CMD_UPDATE_CURSOR, CU_ID, 50, 50, 0, 0);
    cursor_fill(f, 77);
    assert_display(f->h, 1, 50, 50, 0, 0, 0);
    assert_int_equal(h_unref(f->h, CU_ID), OK);
    assert_display(f->h, 1, 50, 50, 0, 0, 0);
    /* an unknown resource keeps the old image (as QEMU), but shows it */
    cursor_cmd(f->h, VIRTIO_GPU_CMD_UPDATE_CURSOR, CU_ID, 20, 20, 0, 0);
    assert_display(f->h, 1, 20, 20, 0, 0, 0);
}

/* A resource that is not 64x64 leaves the image as it was: at first, all transparent. */
static void test_cursor_wrong_size_not_copied(void **state)
{
    cursor_fx_t *f = *state;
    cursor_cmd(f->h, VIRTIO_GPU_CMD_UPDATE_CURSOR, BG_ID, 50, 50, 0, 0);
    assert_display(f->h, 0, 0, 0, 0, 0, 0); /* shown, but transparent: nothing changes */
}

/* A blob of at least 64 * 64 * 4 bytes is read from guest memory, as QEMU does. */
static void test_cursor_from_blob(void **state)
{
    cursor_fx_t *f = *state;
    uint64_t io = h_alloc(f->h, SIDE * SIDE * 4u, 4096);
    memcpy(h_ptr(f->h, io), h_ptr(f->h, f->cursor_io), SIDE * SIDE * 4u);
    virtio_gpu_mem_entry_t e = {.addr = io, .length = SIDE * SIDE * 4u};
    assert_int_equal(h_create_blob(f->h, 9, SIDE * SIDE * 4u, &e, 1), OK);
    cursor_cmd(f->h, VIRTIO_GPU_CMD_UPDATE_CURSOR, 9, 64, 48, 32, 32);
    assert_display(f->h, 1, 64, 48, 32, 32, 0);
}

/* Screenshots are what the display shows; a device reset forgets the cursor. */
static void test_cursor_in_screenshot_and_reset(void **state)
{
    cursor_fx_t *f = *state;
    cursor_cmd(f->h, VIRTIO_GPU_CMD_UPDATE_CURSOR, CU_ID, 100, 80, 4, 4);
    char path[] = "/tmp/devmodel-cursor-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    assert_int_equal(vgpu_model_screenshot_png(f->h->m, 0, path), 0);
    int w = 0, hh = 0, n = 0;
    uint8_t *rgb = stbi_load(path, &w, &hh, &n, 3);
    unlink(path);
    assert_non_null(rgb);
    assert_int_equal(w, SW);
    for (uint32_t sy = 0; sy < SH; sy++) {
        for (uint32_t sx = 0; sx < SW; sx++) {
            const uint8_t *p = &rgb[(sy * SW + sx) * 3];
            uint32_t got = (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
            assert_int_equal(got, expected(sx, sy, 1, 100, 80, 4, 4, 0));
        }
    }
    stbi_image_free(rgb);
    h_init(f->h, VIRTIO_FEATURE_BIT(VIRTIO_F_VERSION_1));
    uint32_t cw = 0, ch = 0;
    uint32_t *px = vgpu_model_composed(f->h->m, 0, &cw, &ch);
    const uint32_t *fb = vgpu_model_framebuffer(f->h->m, 0, &cw, &ch);
    assert_memory_equal(px, fb, (size_t)cw * ch * 4u);
    free(px);
    assert_null(vgpu_model_composed(f->h->m, 1, &cw, &ch));
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int devmodel_cursor_tests(void)
{
    const struct CMUnitTest tests[] = {
            T(test_cursor_blended_at_hot_spot),     T(test_cursor_clipped_at_every_edge), T(test_cursor_move_and_hide),
            T(test_cursor_image_copied_at_update),  T(test_cursor_wrong_size_not_copied), T(test_cursor_from_blob),
            T(test_cursor_in_screenshot_and_reset),
    };
    return cmocka_run_group_tests_name("cursor", tests, NULL, NULL);
}
