/*
 * Screenshots of a scanout's framebuffer as PNG, through stb_image_write
 * (Debian libstb-dev). This is the only file that compiles stb's
 * implementation; its own warnings are silenced here only.
 */
#include <stdint.h>
#include <stdlib.h>

#include "vgpu_internal.h"

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

int vgpu_model_screenshot_png(const vgpu_model_t *m, uint32_t idx, const char *path)
{
    if (idx >= m->cfg.num_scanouts || path == NULL) {
        return -1;
    }
    uint32_t fw = 0, fh = 0;
    uint32_t *px = vgpu_model_composed(m, idx, &fw, &fh); /* what the display shows: the cursor too */
    size_t n = (size_t)fw * fh;
    uint8_t *rgb = px != NULL ? malloc(n * 3u + 1u) : NULL;
    if (rgb != NULL) {
        for (size_t i = 0; i < n; i++) {
            rgb[3 * i] = (uint8_t)(px[i] >> 16);
            rgb[3 * i + 1] = (uint8_t)(px[i] >> 8);
            rgb[3 * i + 2] = (uint8_t)px[i];
        }
    }
    free(px);
    int w = (int)fw, h = (int)fh;
    if (rgb == NULL) {
        return -1;
    }
    int ok = stbi_write_png(path, w, h, 3, rgb, w * 3);
    free(rgb);
    return ok ? 0 : -1;
}
