/*
 * PNG writing through stb_image_write (Debian libstb-dev). This is the only
 * file of the model and the hosted back-ends that compiles stb's
 * implementation; its own warnings are silenced here only.
 */
#include "vgpu_png_write.h"

#include <stddef.h>
#include <stdlib.h>

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-prototypes"
#pragma GCC diagnostic ignored "-Wshadow"
#pragma GCC diagnostic ignored "-Wsign-compare"
#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wstrict-prototypes"
#pragma GCC diagnostic ignored "-Wvla"
#pragma GCC diagnostic ignored "-Wimplicit-fallthrough"
#define STB_IMAGE_WRITE_IMPLEMENTATION
#define STB_IMAGE_WRITE_STATIC
#include <stb/stb_image_write.h>
#pragma GCC diagnostic pop

int vgpu_png_write_xrgb(const char *path, const uint32_t *px, uint32_t w, uint32_t h)
{
    if (px == NULL || w == 0 || h == 0 || w > 16384 || h > 16384) {
        return -1;
    }
    size_t n = (size_t)w * h;
    uint8_t *rgb = malloc(n * 3u);
    if (rgb == NULL) {
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        rgb[3 * i] = (uint8_t)(px[i] >> 16);
        rgb[3 * i + 1] = (uint8_t)(px[i] >> 8);
        rgb[3 * i + 2] = (uint8_t)px[i];
    }
    int ok = stbi_write_png(path, (int)w, (int)h, 3, rgb, (int)w * 3);
    free(rgb);
    return ok ? 0 : -1;
}
