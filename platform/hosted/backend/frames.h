/*
 * What a back-end shows of its scanouts: a PNG per changed frame (at most one
 * per 100 ms per scanout, the last of a burst always written, the path
 * printed) and the SDL window (display_sdl.c, at most 60 updates a second).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#define FRAMES_MAX 16u

/* The picture scanout idx shows now (XRGB8888), or NULL. */
typedef const uint32_t *(*frames_image_fn)(void *ctx, uint32_t idx, uint32_t *w, uint32_t *h);

typedef struct frames {
    const char *png_dir; /* NULL: no PNG frames */
    bool sdl;            /* the window is open */
    const char *component;
    uint32_t nscanouts;
    frames_image_fn image;
    void *ctx;
    uint64_t last_png_ns[FRAMES_MAX], last_shown_ns[FRAMES_MAX];
    unsigned frame_no[FRAMES_MAX];
    bool dirty[FRAMES_MAX];  /* a PNG is due */
    bool unseen[FRAMES_MAX]; /* the window is behind */
} frames_t;

/* Scanout idx shows something new. */
void frames_changed(frames_t *f, uint32_t idx);

/* Writes what is due; returns ms until the next output is due (16 at most with a window), or -1. */
int frames_poll(frames_t *f);
