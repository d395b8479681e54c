/*
 * An image embedded at build time by tools/img2c: width x height pixels,
 * row by row, each XRGB8888 as a 32-bit value 0xffRRGGBB (the X byte is
 * 0xff), which in little-endian memory is GPU_FORMAT_B8G8R8X8_UNORM.
 */
#pragma once

#include <stdint.h>

typedef struct img2c_image {
    uint32_t width;
    uint32_t height;
    const uint32_t *pixels;
} img2c_image_t;
