/*
 * The GPU demo's pure core: a state machine over the client library, ticked
 * once a second by the glue's timer notification. Each tick moves to the
 * next of six states:
 *
 *   1  full image, 2D resource              (CREATE_2D, ATTACH, SET_SCANOUT, TRANSFER, FLUSH)
 *   2  top-right quadrant only, 2D          (fresh resource; TRANSFER of the quadrant only)
 *   3  destroy everything, disable scanout  (SET_SCANOUT 0, UNREF all)
 *   4  full image, blob resource            (CREATE_BLOB, SET_SCANOUT_BLOB, FLUSH)
 *   5  bottom-right quadrant only, blob     (fresh blob over the same memory, redrawn)
 *   6  destroy everything
 *
 * The cursor (gpu_demo_cursor.c): state 1 also creates a 64x64 arrow
 * (resource 5), sets it as the scanout's cursor at a quarter of the
 * scanout and moves it to the centre; state 2 moves it to the bottom-right
 * corner, where the edges clip it; state 3 hides it (6 if it shows). Each cursor
 * response gets a console line, "gpu-demo: cursor set at (X, Y): OK",
 * "gpu-demo: cursor moved to (X, Y): OK", "gpu-demo: cursor hidden: OK".
 *
 * Every draw step creates a fresh resource; all share one backing at
 * `fb_offset` in the data region, sized to the scanout. The image is centred
 * on the scanout (cropped centrally if larger). Blob states are skipped with
 * one console line when the server lacks blob. On a display-info event the
 * demo re-centres: the current state is drawn again at the new size.
 *
 * Console: one line per state, "gpu-demo: state N <what>: <outcome>".
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <gpu_client.h>
#include <gpu_fb.h>
#include <img2c_image.h>

#define GPU_DEMO_STATES 6u
/* Resource ids used: 1, 2 (2D), 3, 4 (blob) and 5 (the cursor). A client's quota must allow 5. */
#define GPU_DEMO_MAX_RESOURCE 5u
#define GPU_DEMO_CURSOR_ID    5u
#define GPU_DEMO_CURSOR_HOT_X 1u /* the arrow's tip */
#define GPU_DEMO_CURSOR_HOT_Y 1u

/* Where the cursor's hot spot is put. */
typedef struct gpu_demo_cursor_pos {
    uint32_t x, y;
} gpu_demo_cursor_pos_t;

/* The demo's cursor: its requests in flight, one op each (gpu_demo_cursor.c). */
typedef struct gpu_demo_cursor {
    gpu_client_op_t ops[2];
    uint32_t what[2]; /* per op: 0 set, 1 moved, 2 hidden */
    gpu_demo_cursor_pos_t at[2];
    uint32_t staged;   /* ops used by the current state */
    uint32_t busy;     /* of those, not answered yet: the next state waits for them */
    uint32_t failures; /* cursor requests answered other than OK */
    bool shown;        /* an UPDATE_CURSOR showing it was sent since the last hide */
} gpu_demo_cursor_t;

typedef struct gpu_demo_config {
    const img2c_image_t *image;
    uint32_t scanout_id; /* the client's scanout to use (0 for a client that owns one) */
    uint64_t fb_offset;  /* page-aligned start of the shared backing in the data region */
} gpu_demo_config_t;

/* Where the image lands on a scanout: src (in the image) and dst (on the scanout) of the visible part. */
typedef struct gpu_demo_placement {
    uint32_t src_x, src_y;
    uint32_t dst_x, dst_y;
    uint32_t width, height;
} gpu_demo_placement_t;

typedef struct gpu_demo {
    gpu_demo_config_t cfg;
    gpu_client_t *client;
    gpu_client_op_t op;
    uint32_t state;   /* state whose requests are in flight or last completed: 0 (none) or 1..6 */
    uint32_t running; /* state of the op in flight, 0 when idle */
    bool tick_pending;
    bool redraw_pending;
    bool redrawing; /* the op in flight redraws `state` after a display change */
    uint32_t width, height;
    gpu_fb_t fb[GPU_DEMO_MAX_RESOURCE + 1]; /* indexed by resource id */
    uint32_t live;                          /* bit id: resource exists (its create succeeded) */
    uint32_t maybe;                         /* bit id: may exist (an op touching it failed) */
    uint32_t creating;                      /* bit id: created by the op in flight */
    uint32_t dying;                         /* bit id: unreffed by the op in flight */
    bool stage_failed;                      /* the op in flight lacks some of its requests */
    uint32_t states_done;                   /* states completed (successfully or not) */
    uint32_t failures;                      /* states whose op failed */
    gpu_demo_cursor_t cursor;
} gpu_demo_t;

void gpu_demo_init(gpu_demo_t *d, gpu_client_t *c, const gpu_demo_config_t *cfg);

/* The client library reports (new) display info: first time ready, later re-centre. */
void gpu_demo_display_changed(gpu_demo_t *d);

/* One second passed: run the next state (or once the current one completes). */
void gpu_demo_tick(gpu_demo_t *d);

/* The device was reset (gpu_client_config_t.device_reset): every resource is gone; draw the current state again. */
void gpu_demo_device_reset(gpu_demo_t *d);

/* The cursor image (B8G8R8A8 as 0xAARRGGBB) at (x, y) of its 64x64; hot spot (GPU_DEMO_CURSOR_HOT_X, _Y). */
uint32_t gpu_demo_cursor_pixel(uint32_t x, uint32_t y);

/* Where `state` (1 or 2) puts the hot spot on a sw x sh scanout; state 1 has two steps, 0 then 1. */
gpu_demo_cursor_pos_t gpu_demo_cursor_position(uint32_t state, uint32_t step, uint32_t sw, uint32_t sh);

/* Internal to the demo (gpu_demo.c and gpu_demo_cursor.c). */
bool gpu_demo_cursor_stage(gpu_demo_t *d, uint32_t state, bool redraw); /* state 1 or 2, after its draw */
bool gpu_demo_cursor_stage_hide(gpu_demo_t *d);                         /* before disabling the scanout */
bool gpu_demo_cleanup_id(gpu_demo_t *d, uint32_t id);
void gpu_demo_resume(gpu_demo_t *d);

/* Centred placement of an iw x ih image on a sw x sh scanout. */
gpu_demo_placement_t gpu_demo_place(uint32_t iw, uint32_t ih, uint32_t sw, uint32_t sh);
