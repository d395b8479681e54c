/*
 * The pictures the whole-stack tests expect, computed from the sources alone
 * (the embedded image, multi_b's pattern formula), never from screenshots;
 * and a pixel-exact comparison. Pixels are 0x00RRGGBB (the alpha byte is
 * ignored).
 */
#pragma once

#include <stdint.h>

/* The demo's state `state` at (x, y) on a sw x sh scanout: the image centred, masked to the state's region. */
uint32_t sys_demo_expected(uint32_t state, uint32_t x, uint32_t y, uint32_t sw, uint32_t sh);

/* What `want` expects of a picture; ctx is passed through. */
typedef uint32_t (*sys_want_fn)(uint32_t x, uint32_t y, void *ctx);

/* Pixels of the w x h picture fb that differ from `want` (the first three are printed). */
uint32_t sys_mismatches(const uint32_t *fb, uint32_t w, uint32_t h, sys_want_fn want, void *ctx);

/* ctx of sys_want_demo and sys_want_centred_image: the state and the scanout's size. */
typedef struct sys_demo_want {
    uint32_t state, w, h;
} sys_demo_want_t;

uint32_t sys_want_demo(uint32_t x, uint32_t y, void *ctx);          /* ctx: sys_demo_want_t */
uint32_t sys_want_centred_image(uint32_t x, uint32_t y, void *ctx); /* ctx: sys_demo_want_t (state ignored) */
uint32_t sys_want_pattern(uint32_t x, uint32_t y, void *ctx);       /* ctx unused */
