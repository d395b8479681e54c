/*
 * img2c: turn a PNG or JPEG into a C source holding an img2c_image_t.
 * The conversion functions are separate from main() so that tests link them.
 */
#pragma once

#include <stdint.h>
#include <stdio.h>

/* Largest width or height accepted: the protocol's 2D resource limit. */
#define IMG2C_MAX_DIM 16384u

/* Packs 8-bit channels into the embedded pixel form 0xffRRGGBB. */
uint32_t img2c_pack(uint8_t r, uint8_t g, uint8_t b);

/*
 * Loads an image file into newly allocated packed pixels. Returns NULL and
 * sets *err to a message on failure (unreadable, not an image, too large).
 */
uint32_t *img2c_load(const char *path, uint32_t *width, uint32_t *height, const char **err);

/* Writes the C source defining `const img2c_image_t <name>`. Returns 0, or -1 on a write error. */
int img2c_write_c(FILE *out, const char *name, const uint32_t *pixels, uint32_t width, uint32_t height);

/* True if `name` is a valid C identifier. */
int img2c_name_valid(const char *name);
