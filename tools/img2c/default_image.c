/*
 * Draws the default demo image and writes it as a PNG (stb_image_write):
 * our own picture, so no third-party image is needed.
 *
 *   default_image OUTPUT.png
 *
 * 320 x 240 pixels: a red-green gradient (every pixel differs from its
 * neighbours, so an offset or a swapped quadrant shows in a pixel check), a
 * ring in the middle, and a different coloured square near each corner so
 * the quadrants are told apart at a glance.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <stb/stb_image_write.h>

#define W 320
#define H 240

typedef struct colour {
    uint8_t r, g, b;
} colour_t;

static colour_t corner_colour(int x, int y)
{
    int right = x >= W / 2;
    int bottom = y >= H / 2;
    static const colour_t colours[4] = {{230, 40, 40}, {40, 200, 60}, {50, 80, 230}, {240, 220, 30}};
    return colours[bottom * 2 + right];
}

static int in_corner_square(int x, int y)
{
    int cx = x < W / 2 ? x - 16 : W - 1 - 16 - x;
    int cy = y < H / 2 ? y - 16 : H - 1 - 16 - y;
    return cx >= 0 && cx < 40 && cy >= 0 && cy < 40;
}

static colour_t pixel(int x, int y)
{
    if (in_corner_square(x, y)) {
        return corner_colour(x, y);
    }
    int dx = x - W / 2;
    int dy = y - H / 2;
    int d2 = dx * dx + dy * dy;
    if (d2 >= 60 * 60 && d2 < 72 * 72) {
        return (colour_t){250, 250, 250};
    }
    return (colour_t){(uint8_t)(x * 255 / (W - 1)), (uint8_t)(y * 255 / (H - 1)), (uint8_t)(96 + (x ^ y) % 64)};
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: default_image OUTPUT.png\n");
        return 2;
    }
    static uint8_t rgb[W * H * 3];
    for (int y = 0; y < H; y++) {
        for (int x = 0; x < W; x++) {
            colour_t c = pixel(x, y);
            uint8_t *p = &rgb[(y * W + x) * 3];
            p[0] = c.r;
            p[1] = c.g;
            p[2] = c.b;
        }
    }
    if (!stbi_write_png(argv[1], W, H, 3, rgb, W * 3)) {
        fprintf(stderr, "default_image: cannot write %s\n", argv[1]);
        return 1;
    }
    return 0;
}
