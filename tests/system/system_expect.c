/*
 * Expected pictures of the whole-stack tests: see system_expect.h.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <img2c_image.h>

#include "multi_client.h"
#include "system_expect.h"

extern const img2c_image_t demo_image;

static uint32_t image_at(int64_t ix, int64_t iy)
{
    return demo_image.pixels[iy * demo_image.width + ix] & 0x00ffffffu;
}

uint32_t sys_demo_expected(uint32_t state, uint32_t x, uint32_t y, uint32_t sw, uint32_t sh)
{
    int64_t ix = (int64_t)x - ((int64_t)sw - (int64_t)demo_image.width) / 2;
    int64_t iy = (int64_t)y - ((int64_t)sh - (int64_t)demo_image.height) / 2;
    if (state == 3 || state == 6 || ix < 0 || iy < 0 || ix >= demo_image.width || iy >= demo_image.height) {
        return 0;
    }
    bool right = ix >= demo_image.width / 2;
    bool top = iy < demo_image.height / 2;
    if ((state == 2 && !(right && top)) || (state == 5 && !(right && !top))) {
        return 0;
    }
    return image_at(ix, iy);
}

uint32_t sys_mismatches(const uint32_t *fb, uint32_t w, uint32_t h, sys_want_fn want, void *ctx)
{
    uint32_t wrong = 0;
    for (uint32_t y = 0; y < h; y++) {
        for (uint32_t x = 0; x < w; x++) {
            uint32_t got = fb[(size_t)y * w + x] & 0x00ffffffu;
            uint32_t exp = want(x, y, ctx) & 0x00ffffffu;
            if (got != exp && wrong++ < 3) {
                fprintf(stderr, "pixel (%u,%u): %06x, expected %06x\n", x, y, got, exp);
            }
        }
    }
    return wrong;
}

uint32_t sys_want_demo(uint32_t x, uint32_t y, void *ctx)
{
    const sys_demo_want_t *d = ctx;
    return sys_demo_expected(d->state, x, y, d->w, d->h);
}

uint32_t sys_want_centred_image(uint32_t x, uint32_t y, void *ctx)
{
    const sys_demo_want_t *d = ctx;
    return sys_demo_expected(1, x, y, d->w, d->h);
}

uint32_t sys_want_pattern(uint32_t x, uint32_t y, void *ctx)
{
    (void)ctx;
    return multi_pattern_pixel(x, y);
}
