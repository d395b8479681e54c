/*
 * Driver core, part 6: UPDATE_CURSOR and MOVE_CURSOR on the cursor queue.
 *
 * A cursor command is one device-readable buffer (struct
 * virtio_gpu_update_cursor in the command part of a slot) and has no
 * response: the device returns the buffer with used length 0 (QEMU's
 * virtio_gpu_handle_cursor), and that is answered OK.
 *
 * Ordering. The device serves its two queues independently, yet requests
 * of one connection must take effect in the order they were enqueued
 * (docs/protocol.md section 6): an UPDATE_CURSOR must see the TRANSFER that
 * filled its image, and an UNREF after it must not run first. So:
 *
 *   - a cursor command is sent only when nothing else is in flight (the
 *     control commands before it have completed, and so has any earlier
 *     cursor command: virtio does not promise that a queue is served in
 *     order);
 *   - a control command is sent only when no cursor command is in flight.
 *
 * A request that must wait is held (one private copy, gpu_driver.c's
 * next_request()); nothing is taken behind it, so it keeps the response
 * slot reserved when it was taken, and the completion that ends the wait
 * lets it go. Control commands stream as before while no cursor is used.
 */
#include "gpu_driver_internal.h"

#include <string.h>

#include <virtio/virtio_gpu.h>

#define SDDF_LOG_COMPONENT "GPU_DRV"
#include <sddf/log.h>

/* The stateless checks of docs/protocol.md section 7 and the virtio encoding of UPDATE_CURSOR. */
static uint32_t build_update(gpu_driver_t *drv, const gpu_req_update_cursor_t *r, virtio_gpu_update_cursor_t *c)
{
    if (r->scanout_id >= drv->num_scanouts) {
        return GPU_STATUS_INVALID_SCANOUT_ID; /* QEMU ignores it silently: there is no response to say so */
    }
    gpu_driver_cursor_t cur = {0, 0, 0};
    if (r->resource_id != GPU_RESOURCE_ID_NONE) {
        if (r->hot_x >= GPU_CURSOR_SIDE || r->hot_y >= GPU_CURSOR_SIDE) {
            return GPU_STATUS_INVALID_PARAMETER;
        }
        if (r->x > GPU_CURSOR_MAX_POS || r->y > GPU_CURSOR_MAX_POS) {
            return GPU_STATUS_OUT_OF_BOUNDS;
        }
        cur = (gpu_driver_cursor_t){r->resource_id, r->hot_x, r->hot_y};
    }
    *c = (virtio_gpu_update_cursor_t){
            .hdr = {.type = VIRTIO_GPU_CMD_UPDATE_CURSOR},
            .pos = {.scanout_id = r->scanout_id,
                    .x = cur.resource_id != 0 ? r->x : 0,
                    .y = cur.resource_id != 0 ? r->y : 0},
            .resource_id = cur.resource_id,
            .hot_x = cur.hot_x,
            .hot_y = cur.hot_y,
    };
    drv->cursors[r->scanout_id] = cur;
    return GPU_STATUS_OK;
}

/* MOVE_CURSOR repeats the scanout's last UPDATE_CURSOR: QEMU shows a moved cursor only if the move names it. */
static uint32_t build_move(const gpu_driver_t *drv, const gpu_req_move_cursor_t *r, virtio_gpu_update_cursor_t *c)
{
    if (r->scanout_id >= drv->num_scanouts) {
        return GPU_STATUS_INVALID_SCANOUT_ID;
    }
    if (r->x > GPU_CURSOR_MAX_POS || r->y > GPU_CURSOR_MAX_POS) {
        return GPU_STATUS_OUT_OF_BOUNDS;
    }
    const gpu_driver_cursor_t *cur = &drv->cursors[r->scanout_id];
    *c = (virtio_gpu_update_cursor_t){
            .hdr = {.type = VIRTIO_GPU_CMD_MOVE_CURSOR},
            .pos = {.scanout_id = r->scanout_id, .x = r->x, .y = r->y},
            .resource_id = cur->resource_id,
            .hot_x = cur->hot_x,
            .hot_y = cur->hot_y,
    };
    return GPU_STATUS_OK;
}

/*
 * Sends a cursor request (the gate passed, a slot is free, nothing is in
 * flight: gpu_driver_cursor_must_wait()), or answers it at once if a check
 * fails. Its command goes into the slot's command part; no fence (there is
 * no response to echo it).
 */
void gpu_driver_cursor_submit(gpu_driver_t *drv, const gpu_req_t *req)
{
    virtio_gpu_update_cursor_t c;
    uint32_t status = req->code == GPU_REQ_UPDATE_CURSOR ? build_update(drv, &req->update_cursor, &c)
                                                         : build_move(drv, &req->move_cursor, &c);
    if (status != GPU_STATUS_OK) {
        gpu_driver_respond(drv, req->code, req->id, status);
        return;
    }
    uint32_t slot = drv->free_slots[drv->num_free_slots - 1];
    memcpy(drv->slot_mem + (size_t)slot * GPU_DRIVER_SLOT_BYTES, &c, sizeof(c)); /* DMA memory: written once */
    virtq_buf_t buf = {
            .io_addr = drv->slot_io + (uint64_t)slot * GPU_DRIVER_SLOT_BYTES, .len = sizeof(c), .device_writes = 0};
    virtq_add(&drv->cursor, &buf, 1, slot); /* cannot fail: nothing is in flight on it */
    drv->slots[slot] = (gpu_driver_slot_t){
            .in_use = 1, .req_code = req->code, .req_id = req->id, .cmd_len = sizeof(c), .submit_tick = drv->ticks};
    drv->num_free_slots--;
    drv->cursor_in_flight++;
    drv->stats.submitted++;
    drv->stats.cursor_cmds++;
}

/* A cursor command came back: OK, unless the device claims to have written into a buffer it may only read. */
static void complete(gpu_driver_t *drv, const virtq_completion_t *c)
{
    const gpu_driver_slot_t *s = &drv->slots[c->token]; /* our own cookie, always a valid slot */
    uint32_t status = GPU_STATUS_OK;
    if (c->len != 0) {
        drv->stats.bad_responses++;
        LOG_ERR("request %u (code %u): cursor command returned with used length %u, expected 0\n", (unsigned)s->req_id,
                (unsigned)s->req_code, (unsigned)c->len);
        status = GPU_STATUS_DEVICE_ERROR;
    }
    drv->stats.completed++;
    gpu_driver_respond(drv, s->req_code, s->req_id, status);
    gpu_driver_release_slot(drv, c->token);
}

/* Takes every used entry of the cursor queue, as harvest() does for the control queue. Returns how many. */
uint32_t gpu_driver_cursor_harvest(gpu_driver_t *drv)
{
    static const gpu_driver_queue_names_t cursor = {"cursor queue: ", "the cursor queue's",
                                                    "cursor queue: used index ran past the chains made available"};
    return gpu_driver_harvest_queue(drv, &drv->cursor, complete, &cursor);
}

/* Makes the cursor commands added in this handler visible (V1, V2 inside) and notifies the device. */
void gpu_driver_cursor_publish(gpu_driver_t *drv)
{
    if (drv->ready && virtq_publish(&drv->cursor)) {
        drv->stats.notifies++;
        drv->cfg.transport->ops->queue_notify(drv->cfg.transport->ctx, VIRTIO_GPU_QUEUE_CURSOR);
    }
}

/* A fresh device (initialisation or recovery): no cursor command in flight, no cursor known. */
void gpu_driver_cursor_reset(gpu_driver_t *drv)
{
    drv->cursor_in_flight = 0;
    memset(drv->cursors, 0, sizeof(drv->cursors));
}
