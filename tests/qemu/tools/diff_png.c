#include "diff_png.h"

#include <stddef.h>
#include <stdlib.h>

#include <stb/stb_image_write.h>

int write_diff_png(const char *path, const image_t *img, const unsigned char *marks)
{
    size_t pixels = (size_t)img->w * (size_t)img->h;
    unsigned char *out = malloc(pixels * 3);
    if (out == NULL) {
        return -1;
    }
    for (size_t p = 0; p < pixels; p++) {
        for (int c = 0; c < 3; c++) {
            out[p * 3 + c] = marks[p] ? (c == 0 ? 255 : 0) : (unsigned char)(img->rgb[p * 3 + c] / 3);
        }
    }
    int ok = stbi_write_png(path, img->w, img->h, 3, out, img->w * 3);
    free(out);
    return ok ? 0 : -1;
}
