/*
 * What the screendump checkers (imgcmp, animcheck) share: an 8-bit RGB
 * image as stb_image loads it, and the diff picture they write.
 */
#pragma once

typedef struct {
    int w, h;
    unsigned char *rgb; /* w * h pixels, 3 bytes each, rows top to bottom */
} image_t;

/*
 * Writes PNG `path`: pixels with marks[p] != 0 (one byte per pixel) red,
 * the rest a dimmed copy of `img`. Returns 0, or -1 if it could not.
 */
int write_diff_png(const char *path, const image_t *img, const unsigned char *marks);
