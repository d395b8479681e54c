/*
 * img2c tests: exact PNG conversion, JPEG conversion within JPEG's loss,
 * errors, the emitted C text, and the image embedded for the demos
 * (IMG2C_TEST_IMAGE, the FB_IMG the build used) against its source file.
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

#include <stb/stb_image_write.h>

#include "img2c.h"
#include "img2c_image.h"

extern const img2c_image_t demo_image;

static void temp_path(char *buf, size_t len, const char *ext)
{
    snprintf(buf, len, "/tmp/img2c-test-%ld%s", (long)getpid(), ext);
}

static void fill_rgb(uint8_t *rgb, int w, int h)
{
    for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
            uint8_t *p = &rgb[(y * w + x) * 3];
            p[0] = (uint8_t)(x * 40);
            p[1] = (uint8_t)(y * 50);
            p[2] = (uint8_t)(x * y + 7);
        }
    }
}

static void test_pack(void **state)
{
    (void)state;
    assert_int_equal(img2c_pack(0x12, 0x34, 0x56), 0xff123456u);
    assert_int_equal(img2c_pack(0, 0, 0), 0xff000000u);
}

static void test_png_exact(void **state)
{
    (void)state;
    enum {
        W = 5,
        H = 3
    };
    uint8_t rgb[W * H * 3];
    fill_rgb(rgb, W, H);
    char path[64];
    temp_path(path, sizeof(path), ".png");
    assert_true(stbi_write_png(path, W, H, 3, rgb, W * 3) != 0);
    uint32_t w = 0, h = 0;
    const char *err = NULL;
    uint32_t *px = img2c_load(path, &w, &h, &err);
    remove(path);
    assert_non_null(px);
    assert_int_equal(w, W);
    assert_int_equal(h, H);
    for (int i = 0; i < W * H; i++) {
        assert_int_equal(px[i], img2c_pack(rgb[3 * i], rgb[3 * i + 1], rgb[3 * i + 2]));
    }
    free(px);
}

static void test_jpeg_close(void **state)
{
    (void)state;
    enum {
        W = 16,
        H = 16
    };
    uint8_t rgb[W * H * 3];
    memset(rgb, 0, sizeof(rgb));
    for (int i = 0; i < W * H; i++) {
        rgb[3 * i] = 200; /* flat colour: JPEG keeps it within a few steps */
        rgb[3 * i + 1] = 100;
        rgb[3 * i + 2] = 50;
    }
    char path[64];
    temp_path(path, sizeof(path), ".jpg");
    assert_true(stbi_write_jpg(path, W, H, 3, rgb, 100) != 0);
    uint32_t w = 0, h = 0;
    const char *err = NULL;
    uint32_t *px = img2c_load(path, &w, &h, &err);
    remove(path);
    assert_non_null(px);
    assert_int_equal(w, W);
    for (int i = 0; i < W * H; i++) {
        int r = (int)((px[i] >> 16) & 0xff), g = (int)((px[i] >> 8) & 0xff), b = (int)(px[i] & 0xff);
        assert_true(abs(r - 200) <= 4 && abs(g - 100) <= 4 && abs(b - 50) <= 4);
        assert_int_equal(px[i] >> 24, 0xff);
    }
    free(px);
}

static void test_errors(void **state)
{
    (void)state;
    uint32_t w = 0, h = 0;
    const char *err = NULL;
    assert_null(img2c_load("/nonexistent/image.png", &w, &h, &err));
    assert_non_null(err);
    char path[64];
    temp_path(path, sizeof(path), ".txt");
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("not an image at all", f);
    fclose(f);
    err = NULL;
    assert_null(img2c_load(path, &w, &h, &err));
    remove(path);
    assert_non_null(err);
}

static void test_names(void **state)
{
    (void)state;
    assert_true(img2c_name_valid("demo_image"));
    assert_true(img2c_name_valid("_x9"));
    assert_false(img2c_name_valid(""));
    assert_false(img2c_name_valid("9lives"));
    assert_false(img2c_name_valid("a-b"));
    assert_false(img2c_name_valid("a b"));
}

static void test_c_text(void **state)
{
    (void)state;
    const uint32_t px[3] = {0xff010203u, 0xffa0b0c0u, 0xff000000u};
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    assert_int_equal(img2c_write_c(f, "pic", px, 3, 1), 0);
    fclose(f);
    assert_non_null(strstr(buf, "static const uint32_t pic_pixels[3] = {"));
    assert_non_null(strstr(buf, "0xff010203, 0xffa0b0c0, 0xff000000"));
    assert_non_null(strstr(buf, "const img2c_image_t pic = {3, 1, pic_pixels};"));
    free(buf);
}

static void test_embedded_demo_image_matches_source(void **state)
{
    (void)state;
    uint32_t w = 0, h = 0;
    const char *err = NULL;
    uint32_t *px = img2c_load(IMG2C_TEST_IMAGE, &w, &h, &err);
    assert_non_null(px);
    assert_int_equal(demo_image.width, w);
    assert_int_equal(demo_image.height, h);
    assert_memory_equal(demo_image.pixels, px, (size_t)w * h * sizeof(uint32_t));
    free(px);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_pack),
            cmocka_unit_test(test_png_exact),
            cmocka_unit_test(test_jpeg_close),
            cmocka_unit_test(test_errors),
            cmocka_unit_test(test_names),
            cmocka_unit_test(test_c_text),
            cmocka_unit_test(test_embedded_demo_image_matches_source),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
