/*
 * Scanout composition: every format converted to XRGB8888, flush-time
 * updates, QEMU's transfer offset and stride semantics, multi-entry
 * backing, scanout rectangles, blob scanout from guest memory, several
 * scanouts, and PNG screenshots.
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
#pragma GCC diagnostic ignored "-Wmissing-prototypes"
#pragma GCC diagnostic ignored "-Wshadow"
#pragma GCC diagnostic ignored "-Wsign-compare"
#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wimplicit-fallthrough"
#ifdef __clang__
#pragma clang diagnostic ignored "-Weverything"
#endif
#define STB_IMAGE_IMPLEMENTATION
#define STBI_ONLY_PNG
#include <stb/stb_image.h>
#pragma GCC diagnostic pop

#include "harness.h"

#define F_ALL                                                                                                          \
    (VIRTIO_FEATURE_BIT(VIRTIO_F_VERSION_1) | VIRTIO_FEATURE_BIT(VIRTIO_GPU_F_RESOURCE_BLOB) |                         \
     VIRTIO_FEATURE_BIT(VIRTIO_GPU_F_EDID))
#define OK    VIRTIO_GPU_RESP_OK_NODATA
#define E_PAR VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER
#define XRGB  VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM

/* Component order in memory per format, written independently of the model. */
typedef struct fmt_layout {
    uint32_t format;
    const char *order;
} fmt_layout_t;

static const fmt_layout_t layouts[] = {
        {VIRTIO_GPU_FORMAT_B8G8R8A8_UNORM, "BGRA"}, {VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM, "BGRX"},
        {VIRTIO_GPU_FORMAT_A8R8G8B8_UNORM, "ARGB"}, {VIRTIO_GPU_FORMAT_X8R8G8B8_UNORM, "XRGB"},
        {VIRTIO_GPU_FORMAT_R8G8B8A8_UNORM, "RGBA"}, {VIRTIO_GPU_FORMAT_X8B8G8R8_UNORM, "XBGR"},
        {VIRTIO_GPU_FORMAT_A8B8G8R8_UNORM, "ABGR"}, {VIRTIO_GPU_FORMAT_R8G8B8X8_UNORM, "RGBX"},
};

static uint32_t pattern(uint32_t x, uint32_t y, uint32_t seed)
{
    uint8_t r = (uint8_t)(x * 7 + seed), g = (uint8_t)(y * 13 + seed * 3), b = (uint8_t)(x ^ y ^ seed);
    return ((uint32_t)r << 16) | ((uint32_t)g << 8) | b;
}

static void encode(const char *order, uint32_t xrgb, uint8_t *px)
{
    for (int i = 0; i < 4; i++) {
        switch (order[i]) {
        case 'R':
            px[i] = (uint8_t)(xrgb >> 16);
            break;
        case 'G':
            px[i] = (uint8_t)(xrgb >> 8);
            break;
        case 'B':
            px[i] = (uint8_t)xrgb;
            break;
        default:
            px[i] = 0x5a; /* alpha or padding: must not show */
            break;
        }
    }
}

/* Fills a w x h image with stride bytes per row, starting at dst. */
static void fill(uint8_t *dst, const char *order, uint32_t w, uint32_t h, uint32_t stride, uint32_t seed)
{
    for (uint32_t y = 0; y < h; y++) {
        for (uint32_t x = 0; x < w; x++) {
            encode(order, pattern(x, y, seed), dst + (size_t)y * stride + x * 4u);
        }
    }
}

static harness_t *running(void)
{
    harness_t *h = h_create_default();
    assert_int_equal(h_init(h, F_ALL) & VIRTIO_STATUS_DRIVER_OK, VIRTIO_STATUS_DRIVER_OK);
    return h;
}

/* Checks fb pixel (fx, fy) .. against pattern at (x0 + fx, y0 + fy). */
static void expect_region(harness_t *h, uint32_t scanout, uint32_t fx, uint32_t fy, uint32_t w, uint32_t hh,
                          uint32_t x0, uint32_t y0, uint32_t seed)
{
    uint32_t fw, fh;
    const uint32_t *fb = vgpu_model_framebuffer(h->m, scanout, &fw, &fh);
    assert_non_null(fb);
    for (uint32_t y = fy; y < fy + hh; y++) {
        for (uint32_t x = fx; x < fx + w; x++) {
            assert_int_equal(fb[y * fw + x], pattern(x0 + x, y0 + y, seed));
        }
    }
}

static void expect_black(harness_t *h, uint32_t scanout)
{
    uint32_t fw, fh;
    const uint32_t *fb = vgpu_model_framebuffer(h->m, scanout, &fw, &fh);
    for (uint32_t i = 0; i < fw * fh; i++) {
        assert_int_equal(fb[i], 0);
    }
}

/* A w x h resource `id` in `format` with a filled linear backing, transferred. */
static uint64_t resource_with_image(harness_t *h, uint32_t id, const fmt_layout_t *f, uint32_t w, uint32_t hh,
                                    uint32_t seed)
{
    uint64_t io;
    assert_int_equal(h_create_2d(h, id, f->format, w, hh), OK);
    assert_int_equal(h_attach_new(h, id, (uint64_t)w * hh * 4u, &io), OK);
    fill(h_ptr(h, io), f->order, w, hh, w * 4u, seed);
    assert_int_equal(h_transfer(h, id, 0, 0, w, hh, 0), OK);
    return io;
}

static void test_every_format_composes(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(layouts) / sizeof(layouts[0]); i++) {
        harness_t *h = running();
        resource_with_image(h, 1, &layouts[i], 32, 16, (uint32_t)i);
        assert_int_equal(h_set_scanout(h, 0, 1, 0, 0, 32, 16), OK);
        uint32_t fw, fh;
        vgpu_model_framebuffer(h->m, 0, &fw, &fh);
        assert_int_equal(fw, 32);
        assert_int_equal(fh, 16);
        expect_black(h, 0); /* nothing shows before the flush */
        assert_int_equal(h_flush(h, 1, 0, 0, 32, 16), OK);
        expect_region(h, 0, 0, 0, 32, 16, 0, 0, (uint32_t)i);
        h_destroy(h);
    }
}

static void test_flush_updates_only_its_rect(void **state)
{
    (void)state;
    harness_t *h = running();
    resource_with_image(h, 1, &layouts[1], 32, 16, 1);
    assert_int_equal(h_set_scanout(h, 0, 1, 0, 0, 32, 16), OK);
    assert_int_equal(h_flush(h, 1, 4, 2, 8, 4), OK);
    uint32_t fw, fh;
    const uint32_t *fb = vgpu_model_framebuffer(h->m, 0, &fw, &fh);
    expect_region(h, 0, 4, 2, 8, 4, 0, 0, 1);
    assert_int_equal(fb[0], 0);
    assert_int_equal(fb[2 * fw + 12], 0);
    assert_int_equal(fb[6 * fw + 4], 0);
    vgpu_model_scanout_state_t st;
    vgpu_model_scanout_state(h->m, 0, &st);
    assert_int_equal(st.flushes, 1);
    h_destroy(h);
}

static void test_transfer_offset_as_qemu(void **state)
{
    (void)state;
    harness_t *h = running();
    uint64_t io;
    assert_int_equal(h_create_2d(h, 1, XRGB, 64, 32), OK);
    assert_int_equal(h_attach_new(h, 1, 64 * 32 * 4, &io), OK);
    fill(h_ptr(h, io), "BGRX", 64, 32, 256, 3);
    assert_int_equal(h_set_scanout(h, 0, 1, 0, 0, 64, 32), OK);
    /* The natural offset of (8, 4) copies the matching sub-image. */
    assert_int_equal(h_transfer(h, 1, 8, 4, 16, 8, 4 * 256 + 8 * 4), OK);
    /* Offset 0 with rect at (40, 20): row h comes from 0 + h * 256. */
    assert_int_equal(h_transfer(h, 1, 40, 20, 16, 8, 0), OK);
    assert_int_equal(h_flush(h, 1, 0, 0, 64, 32), OK);
    expect_region(h, 0, 8, 4, 16, 8, 0, 0, 3);
    uint32_t fw, fh;
    const uint32_t *fb = vgpu_model_framebuffer(h->m, 0, &fw, &fh);
    for (uint32_t y = 0; y < 8; y++) {
        for (uint32_t x = 0; x < 16; x++) {
            assert_int_equal(fb[(20 + y) * fw + 40 + x], pattern(x, y, 3));
        }
    }
    assert_int_equal(fb[0], 0); /* never transferred */
    h_destroy(h);
}

/*
 * QEMU copies a full-width rectangle (x 0, width = resource width) in one
 * piece: stride * height bytes from `offset` to row r.y, and as much as the
 * backing holds. The model's row-by-row copy must give exactly that: here
 * the backing holds 4 rows and 10 pixels, the rectangle is 8 rows at row 10.
 */
static void test_transfer_full_width_as_qemu(void **state)
{
    (void)state;
    harness_t *h = running();
    uint64_t io;
    uint8_t *image = calloc(5 * 256, 1);
    assert_non_null(image);
    fill(image, "BGRX", 64, 5, 256, 6);
    assert_int_equal(h_create_2d(h, 1, XRGB, 64, 32), OK);
    assert_int_equal(h_attach_new(h, 1, 4 * 256 + 10 * 4, &io), OK);
    memcpy(h_ptr(h, io), image, 4 * 256 + 10 * 4);
    free(image);
    assert_int_equal(h_set_scanout(h, 0, 1, 0, 0, 64, 32), OK);
    assert_int_equal(h_transfer(h, 1, 0, 10, 64, 8, 0), OK);
    assert_int_equal(h_flush(h, 1, 0, 0, 64, 32), OK);
    uint32_t fw, fh;
    const uint32_t *fb = vgpu_model_framebuffer(h->m, 0, &fw, &fh);
    for (uint32_t y = 0; y < 32; y++) {
        for (uint32_t x = 0; x < 64; x++) {
            int copied = (y >= 10 && y < 14) || (y == 14 && x < 10);
            assert_int_equal(fb[y * fw + x], copied ? pattern(x, y - 10, 6) : 0);
        }
    }
    h_destroy(h);
}

static void test_multi_entry_backing(void **state)
{
    (void)state;
    harness_t *h = running();
    const uint32_t w = 32, hh = 16, size = w * hh * 4; /* 2048 bytes in 3 pieces */
    uint8_t *image = malloc(size);
    assert_non_null(image);
    fill(image, "BGRX", w, hh, w * 4, 9);
    uint64_t a = h_alloc(h, 1000, 8), b = h_alloc(h, 4096, 4096) + 100, c = h_alloc(h, 2000, 8) + 52;
    virtio_gpu_mem_entry_t e[3] = {{.addr = a, .length = 1000}, {.addr = b, .length = 48}, {.addr = c, .length = 1000}};
    memcpy(h_ptr(h, a), image, 1000);
    memcpy(h_ptr(h, b), image + 1000, 48);
    memcpy(h_ptr(h, c), image + 1048, 1000);
    assert_int_equal(h_create_2d(h, 1, XRGB, w, hh), OK);
    assert_int_equal(h_attach(h, 1, e, 3), OK);
    assert_int_equal(h_transfer(h, 1, 0, 0, w, hh, 0), OK);
    assert_int_equal(h_set_scanout(h, 0, 1, 0, 0, w, hh), OK);
    assert_int_equal(h_flush(h, 1, 0, 0, w, hh), OK);
    expect_region(h, 0, 0, 0, w, hh, 0, 0, 9);
    free(image);
    h_destroy(h);
}

static void test_scanout_rect_shows_sub_image(void **state)
{
    (void)state;
    harness_t *h = running();
    resource_with_image(h, 1, &layouts[4], 64, 32, 5);
    assert_int_equal(h_set_scanout(h, 0, 1, 8, 4, 16, 16), OK);
    assert_int_equal(h_flush(h, 1, 0, 0, 64, 32), OK);
    uint32_t fw, fh;
    vgpu_model_framebuffer(h->m, 0, &fw, &fh);
    assert_int_equal(fw, 16);
    assert_int_equal(fh, 16);
    expect_region(h, 0, 0, 0, 16, 16, 8, 4, 5);
    h_destroy(h);
}

static void test_disable_and_unref_blank_the_scanout(void **state)
{
    (void)state;
    harness_t *h = running();
    resource_with_image(h, 1, &layouts[1], 32, 16, 1);
    assert_int_equal(h_set_scanout(h, 0, 1, 0, 0, 32, 16), OK);
    assert_int_equal(h_flush(h, 1, 0, 0, 32, 16), OK);
    assert_int_equal(h_set_scanout(h, 0, 0, 0, 0, 0, 0), OK);
    uint32_t fw, fh;
    vgpu_model_framebuffer(h->m, 0, &fw, &fh);
    assert_int_equal(fw, 1280); /* back to the display mode */
    assert_int_equal(fh, 800);
    expect_black(h, 0);
    assert_int_equal(h_set_scanout(h, 0, 1, 0, 0, 32, 16), OK);
    assert_int_equal(h_flush(h, 1, 0, 0, 32, 16), OK);
    assert_int_equal(h_unref(h, 1), OK);
    vgpu_model_scanout_state_t st;
    vgpu_model_scanout_state(h->m, 0, &st);
    assert_int_equal(st.resource_id, 0);
    expect_black(h, 0);
    h_destroy(h);
}

static void test_display_mode_change_resizes_idle_scanout(void **state)
{
    (void)state;
    harness_t *h = running();
    vgpu_model_set_scanout(h->m, 0, 640, 480, 1);
    uint32_t fw, fh;
    vgpu_model_framebuffer(h->m, 0, &fw, &fh);
    assert_int_equal(fw, 640);
    assert_int_equal(fh, 480);
    assert_null(vgpu_model_framebuffer(h->m, 1, &fw, &fh));
    h_destroy(h);
}

/* Blob of two separate pages; image 48 x 16 at offset 256, stride 256. */
static uint64_t blob_pages[2];

static uint8_t *blob_byte(harness_t *h, uint64_t off)
{
    return h_ptr(h, blob_pages[off / 4096] + off % 4096);
}

static void blob_fill(harness_t *h, uint32_t seed)
{
    uint8_t row[48 * 4];
    for (uint32_t y = 0; y < 16; y++) {
        for (uint32_t x = 0; x < 48; x++) {
            encode("XRGB", pattern(x, y, seed), row + x * 4);
        }
        for (uint32_t i = 0; i < sizeof(row); i++) {
            *blob_byte(h, 256 + y * 256 + i) = row[i];
        }
    }
}

static harness_t *blob_setup(void)
{
    harness_t *h = running();
    blob_pages[0] = h_alloc(h, 4096, 4096);
    h_alloc(h, 4096, 4096); /* a gap */
    blob_pages[1] = h_alloc(h, 4096, 4096);
    virtio_gpu_mem_entry_t e[2] = {{.addr = blob_pages[0], .length = 4096}, {.addr = blob_pages[1], .length = 4096}};
    assert_int_equal(h_create_blob(h, 7, 8192, e, 2), OK);
    return h;
}

static virtio_gpu_set_scanout_blob_t blob_cmd(uint32_t x, uint32_t y, uint32_t w, uint32_t hh)
{
    virtio_gpu_set_scanout_blob_t s = {.hdr.type = VIRTIO_GPU_CMD_SET_SCANOUT_BLOB};
    s.resource_id = 7;
    s.format = VIRTIO_GPU_FORMAT_X8R8G8B8_UNORM;
    s.width = 48;
    s.height = 16;
    s.strides[0] = 256;
    s.offsets[0] = 256;
    s.r = (virtio_gpu_rect_t){x, y, w, hh};
    return s;
}

static void test_blob_scanout_from_guest_memory(void **state)
{
    (void)state;
    harness_t *h = blob_setup();
    blob_fill(h, 11);
    virtio_gpu_set_scanout_blob_t s = blob_cmd(0, 0, 48, 16);
    assert_int_equal(h_set_scanout_blob(h, &s), OK);
    expect_black(h, 0);
    assert_int_equal(h_flush(h, 7, 0, 0, 48, 16), OK);
    expect_region(h, 0, 0, 0, 48, 16, 0, 0, 11);
    /* The guest changes its memory: shown only after the next flush. */
    blob_fill(h, 12);
    expect_region(h, 0, 0, 0, 48, 16, 0, 0, 11);
    assert_int_equal(h_flush(h, 7, 0, 0, 48, 16), OK);
    expect_region(h, 0, 0, 0, 48, 16, 0, 0, 12);
    vgpu_model_scanout_state_t st;
    vgpu_model_scanout_state(h->m, 0, &st);
    assert_int_equal(st.blob, 1);
    assert_int_equal(st.blob_stride, 256);
    assert_int_equal(st.blob_offset, 256);
    h_destroy(h);
}

/* Tear counters: writes into what a scanout shows (vgpu_tear.c). */
static void test_tear_counters(void **state)
{
    (void)state;
    harness_t *h = blob_setup();
    vgpu_model_stats_t st;
    vgpu_model_tear_detect(h->m, 1);
    blob_fill(h, 1);
    virtio_gpu_set_scanout_blob_t s = blob_cmd(0, 0, 48, 16);
    assert_int_equal(h_set_scanout_blob(h, &s), OK);
    assert_int_equal(h_flush(h, 7, 0, 0, 48, 16), OK);
    vgpu_model_tear_check(h->m);
    vgpu_model_stats(h->m, &st);
    assert_int_equal(st.shown_blob_writes, 0);
    blob_fill(h, 2); /* single buffering: written while shown, then flushed */
    assert_int_equal(h_flush(h, 7, 0, 0, 48, 16), OK);
    vgpu_model_stats(h->m, &st);
    assert_int_equal(st.shown_blob_writes, 1);
    *blob_byte(h, 0) ^= 1u; /* before the framebuffer's offset: not scanned out */
    vgpu_model_tear_check(h->m);
    vgpu_model_stats(h->m, &st);
    assert_int_equal(st.shown_blob_writes, 1);
    blob_fill(h, 3);
    vgpu_model_tear_check(h->m);
    vgpu_model_tear_check(h->m); /* hashed afresh: counted once */
    vgpu_model_stats(h->m, &st);
    assert_int_equal(st.shown_blob_writes, 2);
    /* 2D: a transfer counts only while the resource is shown. */
    uint64_t io;
    assert_int_equal(h_create_2d(h, 9, XRGB, 16, 16), OK);
    assert_int_equal(h_attach_new(h, 9, 16 * 16 * 4, &io), OK);
    assert_int_equal(h_transfer(h, 9, 0, 0, 16, 16, 0), OK);
    vgpu_model_stats(h->m, &st);
    assert_int_equal(st.shown_transfers, 0);
    assert_int_equal(h_set_scanout(h, 0, 9, 0, 0, 16, 16), OK); /* replaces the blob: it was not written since */
    assert_int_equal(h_transfer(h, 9, 0, 0, 16, 16, 0), OK);
    vgpu_model_stats(h->m, &st);
    assert_int_equal(st.shown_transfers, 1);
    assert_int_equal(st.shown_blob_writes, 2);
    h_destroy(h);
}

static void test_blob_scanout_sub_rect(void **state)
{
    (void)state;
    harness_t *h = blob_setup();
    blob_fill(h, 4);
    virtio_gpu_set_scanout_blob_t s = blob_cmd(16, 0, 32, 16);
    assert_int_equal(h_set_scanout_blob(h, &s), OK);
    assert_int_equal(h_flush(h, 7, 0, 0, 48, 16), OK);
    uint32_t fw, fh;
    vgpu_model_framebuffer(h->m, 0, &fw, &fh);
    assert_int_equal(fw, 32);
    expect_region(h, 0, 0, 0, 32, 16, 16, 0, 4);
    /* A flush that touches no scanout showing the blob (as QEMU). */
    assert_int_equal(h_flush(h, 7, 0, 0, 8, 8), E_PAR);
    h_destroy(h);
}

static void test_blob_flush_needs_scanout(void **state)
{
    (void)state;
    harness_t *h = blob_setup();
    assert_int_equal(h_flush(h, 7, 0, 0, 16, 16), E_PAR);
    h_destroy(h);
}

static void test_blob_detached_while_shown(void **state)
{
    (void)state;
    harness_t *h = blob_setup();
    blob_fill(h, 2);
    virtio_gpu_set_scanout_blob_t s = blob_cmd(0, 0, 48, 16);
    assert_int_equal(h_set_scanout_blob(h, &s), OK);
    assert_int_equal(h_flush(h, 7, 0, 0, 48, 16), OK);
    assert_int_equal(h_detach(h, 7), OK);
    blob_fill(h, 3);
    assert_int_equal(h_flush(h, 7, 0, 0, 48, 16), OK);
    expect_region(h, 0, 0, 0, 48, 16, 0, 0, 2); /* nothing to read: unchanged */
    h_destroy(h);
}

static void test_two_scanouts_one_resource(void **state)
{
    (void)state;
    vgpu_model_config_t cfg;
    h_config(&cfg);
    cfg.num_scanouts = 2;
    cfg.enabled_mask = 3;
    harness_t *h = h_create(&cfg);
    assert_int_equal(h_init(h, F_ALL) & VIRTIO_STATUS_DRIVER_OK, VIRTIO_STATUS_DRIVER_OK);
    resource_with_image(h, 1, &layouts[0], 64, 32, 6);
    assert_int_equal(h_set_scanout(h, 0, 1, 0, 0, 32, 32), OK);
    assert_int_equal(h_set_scanout(h, 1, 1, 32, 0, 32, 32), OK);
    assert_int_equal(h_flush(h, 1, 0, 0, 64, 32), OK);
    expect_region(h, 0, 0, 0, 32, 32, 0, 0, 6);
    expect_region(h, 1, 0, 0, 32, 32, 32, 0, 6);
    /* Moving scanout 1 to another resource leaves scanout 0 alone. */
    resource_with_image(h, 2, &layouts[0], 32, 32, 8);
    assert_int_equal(h_set_scanout(h, 1, 2, 0, 0, 32, 32), OK);
    assert_int_equal(h_flush(h, 2, 0, 0, 32, 32), OK);
    expect_region(h, 1, 0, 0, 32, 32, 0, 0, 8);
    assert_int_equal(h_unref(h, 1), OK);
    expect_black(h, 0);
    expect_region(h, 1, 0, 0, 32, 32, 0, 0, 8);
    h_destroy(h);
}

static void test_screenshot_png(void **state)
{
    (void)state;
    harness_t *h = running();
    resource_with_image(h, 1, &layouts[2], 32, 16, 10);
    assert_int_equal(h_set_scanout(h, 0, 1, 0, 0, 32, 16), OK);
    assert_int_equal(h_flush(h, 1, 0, 0, 32, 16), OK);
    char path[64];
    snprintf(path, sizeof(path), "/tmp/devmodel-shot-%d.png", (int)getpid());
    assert_int_equal(vgpu_model_screenshot_png(h->m, 0, path), 0);
    int w = 0, hh = 0, n = 0;
    unsigned char *img = stbi_load(path, &w, &hh, &n, 3);
    unlink(path);
    assert_non_null(img);
    assert_int_equal(w, 32);
    assert_int_equal(hh, 16);
    for (int y = 0; y < hh; y++) {
        for (int x = 0; x < w; x++) {
            const unsigned char *p = img + (y * w + x) * 3;
            uint32_t rgb = ((uint32_t)p[0] << 16) | ((uint32_t)p[1] << 8) | p[2];
            assert_int_equal(rgb, pattern((uint32_t)x, (uint32_t)y, 10));
        }
    }
    stbi_image_free(img);
    assert_int_equal(vgpu_model_screenshot_png(h->m, 3, path), -1);
    assert_int_equal(vgpu_model_screenshot_png(h->m, 0, "/nonexistent-dir/x.png"), -1);
    h_destroy(h);
}

/* Backing memory hidden after ATTACH: the transfer reads what it can (as
 * QEMU would copy a short iovec) and leaves the rest unchanged. */
static void test_backing_hidden_after_attach(void **state)
{
    (void)state;
    harness_t *h = running();
    uint64_t io = resource_with_image(h, 1, &layouts[1], 32, 16, 7);
    assert_int_equal(h_set_scanout(h, 0, 1, 0, 0, 32, 16), OK);
    assert_int_equal(h_unref(h, 1), OK);
    assert_int_equal(h_create_2d(h, 1, XRGB, 32, 16), OK);
    virtio_gpu_mem_entry_t e = {.addr = io, .length = 32 * 16 * 4};
    assert_int_equal(h_attach(h, 1, &e, 1), OK);
    h->hole_lo = io + 8 * 128;
    h->hole_hi = io + 16 * 128;
    assert_int_equal(h_transfer(h, 1, 0, 0, 32, 16, 0), OK);
    h->hole_lo = h->hole_hi = 0;
    assert_int_equal(h_set_scanout(h, 0, 1, 0, 0, 32, 16), OK);
    assert_int_equal(h_flush(h, 1, 0, 0, 32, 16), OK);
    expect_region(h, 0, 0, 0, 32, 8, 0, 0, 7);
    uint32_t fw, fh;
    const uint32_t *fb = vgpu_model_framebuffer(h->m, 0, &fw, &fh);
    assert_int_equal(fb[8 * fw], 0);
    assert_int_equal(fb[15 * fw + 31], 0);
    h_destroy(h);
}

int devmodel_scanout_tests(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_every_format_composes),
            cmocka_unit_test(test_flush_updates_only_its_rect),
            cmocka_unit_test(test_transfer_offset_as_qemu),
            cmocka_unit_test(test_transfer_full_width_as_qemu),
            cmocka_unit_test(test_multi_entry_backing),
            cmocka_unit_test(test_scanout_rect_shows_sub_image),
            cmocka_unit_test(test_disable_and_unref_blank_the_scanout),
            cmocka_unit_test(test_display_mode_change_resizes_idle_scanout),
            cmocka_unit_test(test_blob_scanout_from_guest_memory),
            cmocka_unit_test(test_blob_scanout_sub_rect),
            cmocka_unit_test(test_tear_counters),
            cmocka_unit_test(test_blob_flush_needs_scanout),
            cmocka_unit_test(test_blob_detached_while_shown),
            cmocka_unit_test(test_two_scanouts_one_resource),
            cmocka_unit_test(test_screenshot_png),
            cmocka_unit_test(test_backing_hidden_after_attach),
    };
    return cmocka_run_group_tests_name("devmodel_scanout", tests, NULL, NULL);
}
