/*
 * The animated example's pure core: a square bounces across a fixed
 * background on one scanout, double-buffered and tear-free. Two
 * framebuffers take turns: each frame is drawn into the one not shown (the
 * back buffer), erasing the square where that buffer last had it and
 * drawing it at its new place; the damaged rectangle is transferred (2D)
 * and the buffer is shown with one PRESENT, whose fence tells when the
 * other buffer is no longer shown. A buffer is drawn into only once the
 * completion word says so (docs/protocol.md, PRESENT). A one-second tick
 * prints the frame rate: "anim: N frames/s".
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <gpu_client.h>
#include <gpu_fb.h>

typedef struct anim_config {
    uint32_t scanout_id;
    uint64_t fb_offset;  /* page-aligned backing start in the data region */
    uint32_t box;        /* side of the square in pixels */
    uint32_t step;       /* pixels moved per frame along each axis */
    uint32_t max_frames; /* stop after this many frames; 0 = run forever */
    bool use_blob;       /* use a blob framebuffer when the server offers blob */
} anim_config_t;

#define ANIM_BUFFERS 2u

/* One of the two framebuffers. */
typedef struct anim_buffer {
    gpu_fb_t fb;
    gpu_client_op_t op; /* the frame drawn into it: TRANSFER_TO_2D (2D) + PRESENT */
    bool busy;          /* op is in flight */
    uint64_t free_at;   /* it may be drawn into once the completion word reads this (UINT64_MAX: shown) */
    uint32_t x, y;      /* where its pixels have the square */
} anim_buffer_t;

typedef struct anim {
    anim_config_t cfg;
    gpu_client_t *client;
    gpu_client_op_t op; /* building the framebuffers */
    anim_buffer_t buf[ANIM_BUFFERS];
    uint32_t back;  /* the buffer the next frame is drawn into */
    uint64_t fence; /* of the latest PRESENT staged; grows for the client's lifetime */
    bool live;      /* the framebuffers' resources exist */
    bool busy;      /* the build op is in flight */
    bool resize;    /* the scanout changed: rebuild once nothing is in flight */
    uint32_t width, height;
    uint32_t x, y;   /* square's top-left corner */
    int32_t dx, dy;  /* direction */
    uint32_t frames; /* frames presented successfully (the build's first picture counts as one) */
    uint32_t frames_in_second;
    uint32_t last_fps; /* frames counted in the last full second */
    uint32_t failures;
    uint64_t damage_pixels; /* sum of presented damage areas (to show partial updates) */
} anim_t;

void anim_init(anim_t *a, gpu_client_t *c, const anim_config_t *cfg);

/* The client library reports (new) display info: (re)build the framebuffer and start animating. */
void anim_display_changed(anim_t *a);

/* Allows `n` more frames (for a client with max_frames) and resumes if the animation had stopped. */
void anim_run_frames(anim_t *a, uint32_t n);

/* One second passed: print and restart the frame count. */
void anim_tick(anim_t *a);

/* The device was reset (gpu_client_config_t.device_reset): the framebuffer is gone; make it again. */
void anim_device_reset(anim_t *a);

/* The background at pixel (x, y), 0xffRRGGBB. */
uint32_t anim_background(uint32_t x, uint32_t y);

/* The square's colour. */
#define ANIM_BOX_COLOUR 0xffffd040u
