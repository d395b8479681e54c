/*
 * example-expect: the picture an example must show, computed from its
 * sources alone, written as PNG for exact comparison with a screendump.
 *
 *   example-expect demo STATE WIDTH HEIGHT IMAGE OUT.png   gpu demo state 1..6 on a WIDTH x HEIGHT scanout
 *   example-expect pattern WIDTH HEIGHT OUT.png            multi_b's pattern
 *
 * IMAGE is the file the build embedded (FB_IMG). The geometry is the demo's
 * documented one (examples/gpu/README.md): the image centred (cropped
 * centrally when larger), quadrants are image halves rounded down, states 3
 * and 6 are black. It is computed here independently of gpu_demo.c.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stb/stb_image_write.h>

#include "img2c.h"
#include "multi_client.h"

#define SDDF_LOG_COMPONENT "EXPECT"
#include <sddf/log.h>

void sddf_log(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
}

static uint32_t demo_pixel(const uint32_t *img, int64_t iw, int64_t ih, uint32_t state, int64_t x, int64_t y,
                           int64_t sw, int64_t sh)
{
    int64_t ix = x - (sw - iw) / 2;
    int64_t iy = y - (sh - ih) / 2;
    if (state == 3 || state == 6 || ix < 0 || iy < 0 || ix >= iw || iy >= ih) {
        return 0;
    }
    int right = ix >= iw / 2;
    int top = iy < ih / 2;
    if ((state == 2 && !(right && top)) || (state == 5 && !(right && !top))) {
        return 0;
    }
    return img[iy * iw + ix];
}

static int write_png(const char *path, const uint32_t *px, uint32_t w, uint32_t h)
{
    uint8_t *rgb = malloc((size_t)w * h * 3);
    if (rgb == NULL) {
        return 1;
    }
    for (size_t i = 0; i < (size_t)w * h; i++) {
        rgb[3 * i] = (uint8_t)(px[i] >> 16);
        rgb[3 * i + 1] = (uint8_t)(px[i] >> 8);
        rgb[3 * i + 2] = (uint8_t)px[i];
    }
    int ok = stbi_write_png(path, (int)w, (int)h, 3, rgb, (int)w * 3);
    free(rgb);
    if (!ok) {
        fprintf(stderr, "example-expect: cannot write %s\n", path);
    }
    return !ok;
}

static int usage(void)
{
    fprintf(stderr, "usage: example-expect demo STATE WIDTH HEIGHT IMAGE OUT.png\n"
                    "       example-expect pattern WIDTH HEIGHT OUT.png\n");
    return 2;
}

static uint32_t *screen(uint32_t w, uint32_t h)
{
    if (w == 0 || h == 0 || w > IMG2C_MAX_DIM || h > IMG2C_MAX_DIM) {
        return NULL;
    }
    return calloc((size_t)w * h, sizeof(uint32_t));
}

static int demo(char **argv)
{
    uint32_t state = (uint32_t)strtoul(argv[2], NULL, 10);
    uint32_t w = (uint32_t)strtoul(argv[3], NULL, 10);
    uint32_t h = (uint32_t)strtoul(argv[4], NULL, 10);
    uint32_t iw, ih;
    const char *err = NULL;
    uint32_t *img = img2c_load(argv[5], &iw, &ih, &err);
    uint32_t *px = screen(w, h);
    if (img == NULL || px == NULL || state < 1 || state > 6) {
        fprintf(stderr, "example-expect: bad state, size or image (%s)\n", err != NULL ? err : "-");
        return 1;
    }
    for (uint32_t y = 0; y < h; y++) {
        for (uint32_t x = 0; x < w; x++) {
            px[(size_t)y * w + x] = demo_pixel(img, iw, ih, state, x, y, w, h);
        }
    }
    int rc = write_png(argv[6], px, w, h);
    free(img);
    free(px);
    return rc;
}

static int pattern(char **argv)
{
    uint32_t w = (uint32_t)strtoul(argv[2], NULL, 10);
    uint32_t h = (uint32_t)strtoul(argv[3], NULL, 10);
    uint32_t *px = screen(w, h);
    if (px == NULL) {
        return usage();
    }
    for (uint32_t y = 0; y < h; y++) {
        for (uint32_t x = 0; x < w; x++) {
            px[(size_t)y * w + x] = multi_pattern_pixel(x, y);
        }
    }
    int rc = write_png(argv[4], px, w, h);
    free(px);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc == 7 && strcmp(argv[1], "demo") == 0) {
        return demo(argv);
    }
    if (argc == 5 && strcmp(argv[1], "pattern") == 0) {
        return pattern(argv);
    }
    return usage();
}
