/*
 * The animated example's pure core: a square bounces across a fixed
 * background on one scanout. Each frame erases the square's old position,
 * draws the new one, and presents only the damaged rectangle (the union of
 * the two) with one TRANSFER_TO_2D + RESOURCE_FLUSH (2D) or one
 * RESOURCE_FLUSH (blob). The next frame starts when the present completes,
 * so the frame rate is what the whole stack sustains. A one-second tick
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

typedef struct anim {
    anim_config_t cfg;
    gpu_client_t *client;
    gpu_client_op_t op;
    gpu_fb_t fb;
    bool live;   /* the framebuffer's resource exists */
    bool busy;   /* an op is in flight */
    bool resize; /* the scanout changed: rebuild when the op completes */
    uint32_t width, height;
    uint32_t x, y;   /* square's top-left corner */
    int32_t dx, dy;  /* direction */
    uint32_t frames; /* frames presented successfully */
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
