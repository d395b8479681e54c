/*
 * PNG files of XRGB8888 pictures (0x00RRGGBB), for the back-ends' frames and dumps.
 */
#pragma once

#include <stdint.h>

/* 0 on success, -1 on failure. */
int png_write_xrgb(const char *path, const uint32_t *px, uint32_t w, uint32_t h);
