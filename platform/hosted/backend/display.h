/*
 * The back-end's window (display_sdl.c), used with --sdl.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

bool display_open(void);
/* Shows picture px (XRGB8888, w x h) in scanout idx's window (created, or resized, on demand). */
void display_show(uint32_t idx, const uint32_t *px, uint32_t w, uint32_t h);
/* Handles window events; false once the user closed a window. */
bool display_pump(void);
void display_close(void);
