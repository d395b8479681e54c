/*
 * The back-end's window (display_sdl.c), used with --sdl.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "vgpu_model.h"

bool display_open(void);
/* Shows scanout idx's framebuffer in its window (created, or resized, on demand). */
void display_show(vgpu_model_t *m, uint32_t idx);
/* Handles window events; false once the user closed a window. */
bool display_pump(void);
void display_close(void);
