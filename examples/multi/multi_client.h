/*
 * The multi-client example's pure core. Three clients share one GPU with
 * two outputs:
 *
 *   multi-a  owns scanout 0 (its scanout 0): draws the embedded image, centred;
 *   multi-b  owns scanout 1 (also its scanout 0): draws a procedural pattern;
 *   multi-c  owns no scanout: creates a resource, asks to show it, and must be
 *            refused with INVALID_SCANOUT_ID.
 *
 * Each draws once when display info arrives. When its scanout changes size it
 * draws again, re-centred, on a fresh framebuffer (resource and backing) of
 * the new size, shown before the old resource is unreffed; when the display
 * goes away (enabled 0 or size 0) and there is no fallback mode, it frees
 * what it showed, and draws afresh when a display comes back. Console lines:
 * "multi-X: ...".
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

/* What the op in flight does (multi_client_t.kind). */
#define MULTI_OP_DRAW    1u /* a fresh framebuffer at the current size, then the old one unreffed */
#define MULTI_OP_RELEASE 2u /* the shown framebuffer unreffed: no display */
#define MULTI_OP_REDRAW  3u /* the same framebuffer presented again (multi_client_redraw) */

typedef struct multi_client {
    multi_client_config_t cfg;
    gpu_client_t *client;
    gpu_client_op_t op;
    gpu_fb_t fb;            /* the framebuffer shown, or being created by the op in flight */
    uint32_t shown;         /* resource id on the scanout (1 or 2), 0 for none */
    uint32_t creating;      /* resource id the op in flight creates, 0 for none */
    uint32_t doubtful;      /* bit id: may exist after a failed op; unreffed before the next create */
    uint32_t kind;          /* MULTI_OP_* of the op in flight or last completed */
    bool stage_failed;      /* the op in flight lacks some of its requests */
    bool busy;              /* an op is in flight */
    bool redraw;            /* draw again when the op completes */
    bool refused;           /* MULTI_ROLE_NO_SCANOUT: the refusal came as expected */
    uint32_t width, height; /* mode to draw at; 0 x 0: no display (release) */
    uint32_t draws;         /* draws completed successfully */
    uint32_t failures;      /* ops that failed (for NO_SCANOUT: ops that were not refused as expected) */
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
