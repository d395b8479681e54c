/*
 * The GPU demo's cursor (see gpu_demo.h): a 64x64 arrow in a 2D resource
 * of its own, shown in state 1 and moved across the scanout, moved again in
 * state 2 to where the right and bottom edges clip it, hidden in state 3
 * (and 6, if it shows). Its image lives in the last 16 KiB page-aligned block of the data
 * region, apart from the framebuffer. UPDATE_CURSOR and MOVE_CURSOR each
 * have an op of their own, so the console gets one line per cursor
 * response: "gpu-demo: cursor set at (X, Y): OK", "gpu-demo: cursor moved to
 * (X, Y): OK", "gpu-demo: cursor hidden: OK" (another status name if not OK).
 */
#define SDDF_LOG_COMPONENT "GPU_DEMO"

#include <sddf/log.h>

#include "gpu_demo.h"

#define CURSOR_BYTES (GPU_CURSOR_SIDE * GPU_CURSOR_SIDE * GPU_BYTES_PER_PIXEL)

#define ARROW_OUTLINE 0xff000000u /* opaque black */
#define ARROW_FILL    0xffffffffu /* opaque white */
#define ARROW_SHADOW  0x80000000u /* half-transparent black */

/* The arrow's shape: a wedge with its tip at (1, 1) and a tail towards the bottom right. */
static bool arrow_covers(int32_t x, int32_t y)
{
    bool head = x >= 1 && x <= 24 && y >= x && y <= 40 - x / 2;
    int32_t along = 2 * (x - 10) - (y - 30);
    bool tail = y >= 30 && y <= 52 && along >= -6 && along <= 6;
    return head || tail;
}

uint32_t gpu_demo_cursor_pixel(uint32_t x, uint32_t y)
{
    int32_t ix = (int32_t)x;
    int32_t iy = (int32_t)y;
    if (arrow_covers(ix, iy)) {
        bool edge = !arrow_covers(ix - 1, iy) || !arrow_covers(ix + 1, iy) || !arrow_covers(ix, iy - 1) ||
                    !arrow_covers(ix, iy + 1);
        return edge ? ARROW_OUTLINE : ARROW_FILL;
    }
    return arrow_covers(ix - 2, iy - 2) ? ARROW_SHADOW : 0u;
}

gpu_demo_cursor_pos_t gpu_demo_cursor_position(uint32_t state, uint32_t step, uint32_t sw, uint32_t sh)
{
    if (state == 1) {
        return step == 0 ? (gpu_demo_cursor_pos_t){sw / 4, sh / 4} : (gpu_demo_cursor_pos_t){sw / 2, sh / 2};
    }
    /* state 2: 24 columns and 20 rows of the 64x64 image stay on the scanout */
    return (gpu_demo_cursor_pos_t){sw > 23 ? sw - 23 : 0, sh > 19 ? sh - 19 : 0};
}

/* Offset of the cursor image: the last CURSOR_BYTES, page-aligned, of the data region; 0 if there is no room. */
static uint64_t image_offset(const gpu_demo_t *d)
{
    uint64_t size = d->client->cfg.data_size / GPU_FB_PAGE_SIZE * GPU_FB_PAGE_SIZE;
    uint64_t fb_end = d->cfg.fb_offset + gpu_fb_bytes(d->width, d->height);
    if (size < CURSOR_BYTES || fb_end > size - CURSOR_BYTES) {
        return 0;
    }
    return size - CURSOR_BYTES;
}

static const char *const what_names[] = {"set at", "moved to", "hidden"};

/* A cursor request answered: one console line with its status. */
static void cursor_done(gpu_client_t *c, gpu_client_op_t *op)
{
    (void)c;
    gpu_demo_t *d = op->ctx;
    uint32_t i = (uint32_t)(op - d->cursor.ops);
    const gpu_demo_cursor_pos_t *p = &d->cursor.at[i];
    if (d->cursor.what[i] == 2) {
        sddf_log("gpu-demo: cursor hidden: %s\n", gpu_client_status_name(op->status));
    } else {
        sddf_log("gpu-demo: cursor %s (%u, %u): %s\n", what_names[d->cursor.what[i]], p->x, p->y,
                 gpu_client_status_name(op->status));
    }
    d->cursor.failures += op->status != GPU_STATUS_OK;
    d->cursor.busy--;
    gpu_demo_resume(d);
}

/* The next cursor op, for `what` (0 set, 1 moved, 2 hidden) at `p`; counted busy by staged(). */
static gpu_client_op_t *next_op(gpu_demo_t *d, uint32_t what, gpu_demo_cursor_pos_t p)
{
    uint32_t i = d->cursor.staged++;
    d->cursor.what[i] = what;
    d->cursor.at[i] = p;
    gpu_client_op_init(&d->cursor.ops[i], cursor_done, d);
    return &d->cursor.ops[i];
}

/* The request of the op next_op() gave was staged (`ok`): its answer will come. */
static bool staged(gpu_demo_t *d, bool ok)
{
    d->cursor.busy += ok;
    return ok;
}

/* Resource GPU_DEMO_CURSOR_ID with the arrow, created under the state's op, then UPDATE_CURSOR at `p`. */
static bool stage_set(gpu_demo_t *d, uint64_t off, gpu_demo_cursor_pos_t p)
{
    uint32_t *px = (uint32_t *)(void *)(d->client->cfg.data + off);
    for (uint32_t y = 0; y < GPU_CURSOR_SIDE; y++) {
        for (uint32_t x = 0; x < GPU_CURSOR_SIDE; x++) {
            px[y * GPU_CURSOR_SIDE + x] = gpu_demo_cursor_pixel(x, y); /* 0xAARRGGBB: B8G8R8A8 in memory */
        }
    }
    if (d->client->cfg.cache_clean != NULL) {
        d->client->cfg.cache_clean(d->client->cfg.ctx, off, CURSOR_BYTES);
    }
    gpu_rect_t all = {0, 0, GPU_CURSOR_SIDE, GPU_CURSOR_SIDE};
    d->creating |= 1u << GPU_DEMO_CURSOR_ID;
    d->cursor.shown = true;
    /* The transfer takes effect before the UPDATE_CURSOR that copies the image (docs/protocol.md section 6). */
    return gpu_client_create_2d(d->client, &d->op, GPU_DEMO_CURSOR_ID, GPU_CURSOR_FORMAT, GPU_CURSOR_SIDE,
                                GPU_CURSOR_SIDE) &&
           gpu_client_attach_backing(d->client, &d->op, GPU_DEMO_CURSOR_ID, off, CURSOR_BYTES) &&
           gpu_client_transfer_to_2d(d->client, &d->op, GPU_DEMO_CURSOR_ID, all, 0) &&
           staged(d, gpu_client_update_cursor(d->client, next_op(d, 0, p), d->cfg.scanout_id, GPU_DEMO_CURSOR_ID, p.x,
                                              p.y, GPU_DEMO_CURSOR_HOT_X, GPU_DEMO_CURSOR_HOT_Y));
}

static bool stage_move(gpu_demo_t *d, gpu_demo_cursor_pos_t p)
{
    return staged(d, gpu_client_move_cursor(d->client, next_op(d, 1, p), d->cfg.scanout_id, p.x, p.y));
}

bool gpu_demo_cursor_stage(gpu_demo_t *d, uint32_t state, bool redraw)
{
    d->cursor.staged = 0;
    uint64_t off = image_offset(d);
    if (off == 0) {
        LOG_WARN("no room for the cursor image beside a %ux%u framebuffer: no cursor\n", d->width, d->height);
        return true;
    }
    gpu_demo_cursor_pos_t first = gpu_demo_cursor_position(state, 0, d->width, d->height);
    bool have = (d->live & (1u << GPU_DEMO_CURSOR_ID)) != 0 && d->cursor.shown && !redraw;
    if (state == 1 || !have) {
        if (!gpu_demo_cleanup_id(d, GPU_DEMO_CURSOR_ID) || !stage_set(d, off, first)) {
            return false;
        }
    }
    if (state == 1) {
        return stage_move(d, gpu_demo_cursor_position(1, 1, d->width, d->height));
    }
    return have ? stage_move(d, first) : true;
}

bool gpu_demo_cursor_stage_hide(gpu_demo_t *d)
{
    d->cursor.staged = 0;
    if (!d->cursor.shown) {
        return true;
    }
    d->cursor.shown = false;
    gpu_client_op_t *op = next_op(d, 2, (gpu_demo_cursor_pos_t){0, 0});
    return staged(d, gpu_client_update_cursor(d->client, op, d->cfg.scanout_id, GPU_RESOURCE_ID_NONE, 0, 0, 0, 0));
}
