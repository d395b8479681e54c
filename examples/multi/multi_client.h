/*
 * The multi-client example's pure core. Three clients share one GPU with
 * two outputs:
 *
 *   multi-a  owns scanout 0 (its scanout 0): draws the embedded image, centred;
 *   multi-b  owns scanout 1 (also its scanout 0): draws a procedural pattern;
 *   multi-c  owns no scanout: creates a resource, asks to show it, and must be
 *            refused with INVALID_SCANOUT_ID.
 *
 * Each draws once when display info arrives and again (re-centred) when its
 * scanout changes size. Console lines: "multi-X: ...".
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <gpu_client.h>
#include <gpu_fb.h>
#include <img2c_image.h>

#define MULTI_ROLE_IMAGE      1u /* draw cfg.image */
#define MULTI_ROLE_PATTERN    2u /* draw multi_pattern_pixel() */
#define MULTI_ROLE_NO_SCANOUT 3u /* try to use a scanout, expect refusal */

typedef struct multi_client_config {
    const char *name; /* "multi-a" */
    uint32_t role;
    const img2c_image_t *image; /* MULTI_ROLE_IMAGE */
    uint64_t fb_offset;         /* page-aligned backing start in the data region */
    /*
     * Mode to draw at when the scanout exists but reports no display
     * (enabled 0 or size 0), as QEMU does for every head but the first until
     * a window shows it; 0 x 0: do not draw then.
     */
    uint32_t fallback_width, fallback_height;
} multi_client_config_t;

typedef struct multi_client {
    multi_client_config_t cfg;
    gpu_client_t *client;
    gpu_client_op_t op;
    gpu_fb_t fb;
    bool live;    /* resource 1 exists */
    bool busy;    /* an op is in flight */
    bool redraw;  /* draw again when the op completes */
    bool refused; /* MULTI_ROLE_NO_SCANOUT: the refusal came as expected */
    uint32_t width, height;
    uint32_t draws;    /* draws completed successfully */
    uint32_t failures; /* ops that failed (for NO_SCANOUT: ops that were not refused as expected) */
} multi_client_t;

void multi_client_init(multi_client_t *m, gpu_client_t *c, const multi_client_config_t *cfg);

/* The client library reports (new) display info. */
void multi_client_display_changed(multi_client_t *m);

/* The device was reset (gpu_client_config_t.device_reset): resource 1 is gone; the next display info redraws. */
void multi_client_device_reset(multi_client_t *m);

/*
 * Draws the picture again into the same framebuffer and presents it (a client
 * that keeps drawing, examples/restart). False, doing nothing, while nothing
 * is shown yet or an op is in flight, and for MULTI_ROLE_NO_SCANOUT.
 */
bool multi_client_redraw(multi_client_t *m);

/* The pattern multi-b draws: pixel (x, y) as 0xffRRGGBB. */
uint32_t multi_pattern_pixel(uint32_t x, uint32_t y);
