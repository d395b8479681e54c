/*
 * Screenshots of what a scanout shows, as PNG (vgpu_png_write.c writes the
 * file).
 */
#include <stdint.h>
#include <stdlib.h>

#include "vgpu_internal.h"
#include "vgpu_png_write.h"

int vgpu_model_screenshot_png(const vgpu_model_t *m, uint32_t idx, const char *path)
{
    if (idx >= m->cfg.num_scanouts || path == NULL) {
        return -1;
    }
    uint32_t w = 0, h = 0;
    uint32_t *px = vgpu_model_composed(m, idx, &w, &h); /* what the display shows: the cursor too */
    int rc = vgpu_png_write_xrgb(path, px, w, h);
    free(px);
    return rc;
}
