/*
 * PNG files of XRGB8888 pictures (0x00RRGGBB): the model's screenshots, and
 * the hosted back-ends' frames and dumps. Needs nothing else of the model.
 */
#pragma once

#include <stdint.h>

/* The w x h picture px (rows of w pixels) written to path; 0 on success, -1 on failure. */
int vgpu_png_write_xrgb(const char *path, const uint32_t *px, uint32_t w, uint32_t h);
