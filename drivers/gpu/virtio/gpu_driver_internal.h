/*
 * Internals shared by the driver core's source files. Not for the glue or
 * other components.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "gpu_driver.h"

/*
 * Builds the virtio command for `req` into slot `s`'s command buffer `cmd`
 * (GPU_DRIVER_CMD_BYTES, zeroed by nobody: every byte sent is written).
 * Returns GPU_STATUS_OK with s->cmd_len, s->ok_type and s->ok_len set, or the
 * status to answer at once without reaching the device.
 */
uint32_t gpu_driver_build_command(const gpu_driver_t *drv, const gpu_req_t *req, uint8_t *cmd, gpu_driver_slot_t *s);

/* The protocol status for a virtio response type that is not the expected OK. */
uint32_t gpu_driver_map_device_error(uint32_t resp_type);

/* Writes 0 to the status register and waits for it to read back 0. NULL on success, else the reason. */
const char *gpu_driver_device_reset(gpu_driver_t *drv);

/* Sets FAILED (keeping the status bits already set), then resets the device. */
void gpu_driver_give_up(gpu_driver_t *drv);

/*
 * Initialises the device (virtio 1.2 section 3.1.1): reset, features, both
 * queues, command slots, num_scanouts, DRIVER_OK. Nothing may be in flight.
 * NULL on success, else the reason (the device is then in no usable state).
 */
const char *gpu_driver_device_start(gpu_driver_t *drv);

/* Answers a request (or counts it lost if the virtualiser corrupted its queue). */
void gpu_driver_respond(gpu_driver_t *drv, uint32_t code, uint32_t id, uint32_t status);

/* Returns command slot `slot` to the free list. */
void gpu_driver_release_slot(gpu_driver_t *drv, uint32_t slot);

/*
 * A device fault (gpu_driver_recover.c): logs `why`, resets the device,
 * answers every command in flight DEVICE_ERROR, then re-initialises the
 * device now or on a later tick (bounded backoff).
 */
void gpu_driver_fault(gpu_driver_t *drv, const char *why);

/* How the log names a virtqueue in gpu_driver_harvest_queue(). */
typedef struct gpu_driver_queue_names {
    const char *prefix;  /* starts its log lines: "" for the control queue */
    const char *whose;   /* its elements, in the line of an orphaned command */
    const char *overrun; /* the fault when its used index runs past the chains made available */
} gpu_driver_queue_names_t;

/* Completes one used entry whose id names a command in flight. */
typedef void (*gpu_driver_complete_fn)(gpu_driver_t *drv, const virtq_completion_t *c);

/* Answers DEVICE_ERROR every command of `vq` that a bogus used id orphaned (gpu_driver.c). Returns how many. */
uint32_t gpu_driver_answer_orphans(gpu_driver_t *drv, virtq_t *vq, const char *whose);

/* A used entry whose id heads no command in flight: counted and logged (gpu_driver.c). */
void gpu_driver_bogus_used(gpu_driver_t *drv, const gpu_driver_queue_names_t *names, uint32_t bad_id);

/*
 * Takes every used entry of `vq` (each completed by `done`, bogus ids
 * skipped, an overrun a fault), then answers DEVICE_ERROR every command a
 * bogus id orphaned. Returns how many there were. Inline, so that each
 * queue's `done` is a direct call on the completion path.
 */
static inline __attribute__((always_inline)) uint32_t gpu_driver_harvest_queue(gpu_driver_t *drv, virtq_t *vq,
                                                                               gpu_driver_complete_fn done,
                                                                               const gpu_driver_queue_names_t *names)
{
    uint32_t seen = 0;
    while (drv->ready) {
        virtq_completion_t c;
        virtq_used_result_t r = virtq_get_used(vq, &c); /* (V3) inside */
        if (r == VIRTQ_USED_NONE) {
            break;
        }
        seen++;
        if (r == VIRTQ_USED_OK) {
            done(drv, &c);
        } else if (r == VIRTQ_USED_BOGUS_ID) {
            gpu_driver_bogus_used(drv, names, c.bad_id);
        } else {
            gpu_driver_fault(drv, names->overrun);
            return seen; /* a fresh queue now: nothing to harvest or orphan */
        }
    }
    return seen + gpu_driver_answer_orphans(drv, vq, names->whose);
}

/* The tick's work: deadlines while live, a due re-initialisation while down. */
void gpu_driver_tick_work(gpu_driver_t *drv);

/* num_scanouts from configuration space, clamped to GPU_MAX_SCANOUTS (logged). */
uint32_t gpu_driver_read_num_scanouts(gpu_driver_t *drv);

/* gpu_driver_edid.c: the driver's own GET_EDID commands (see there). */
uint32_t gpu_driver_edid_parse(const uint8_t *block, uint32_t size, gpu_driver_edid_t *out);
void gpu_driver_edid_reset(gpu_driver_t *drv);
uint32_t gpu_driver_edid_all(const gpu_driver_t *drv);
void gpu_driver_edid_build(gpu_driver_t *drv, gpu_driver_slot_t *s, uint8_t *cmd, uint32_t scanout);
uint64_t gpu_driver_edid_buffer_io(const gpu_driver_t *drv, uint32_t scanout);
const uint8_t *gpu_driver_edid_buffer(const gpu_driver_t *drv, uint32_t scanout);
void gpu_driver_edid_complete(gpu_driver_t *drv, const gpu_driver_slot_t *s, uint32_t status);

/* gpu_driver_cursor.c: UPDATE_CURSOR and MOVE_CURSOR on the cursor queue (see there). */
static inline bool gpu_driver_is_cursor(uint32_t code)
{
    return code == GPU_REQ_UPDATE_CURSOR || code == GPU_REQ_MOVE_CURSOR;
}
/*
 * Would sending a request with `code` now break the ordering rule of
 * gpu_driver_cursor.c? A cursor command waits while anything is at the
 * device, anything else while a cursor command is; never on a down device
 * (it answers at once). Inline: every request asks.
 */
static inline bool gpu_driver_cursor_must_wait(const gpu_driver_t *drv, uint32_t code)
{
    if (!drv->ready) {
        return false;
    }
    if (gpu_driver_is_cursor(code)) {
        return drv->num_free_slots != drv->num_slots;
    }
    return drv->cursor_in_flight != 0;
}
void gpu_driver_cursor_submit(gpu_driver_t *drv, const gpu_req_t *req);
uint32_t gpu_driver_cursor_harvest(gpu_driver_t *drv);
void gpu_driver_cursor_publish(gpu_driver_t *drv);
void gpu_driver_cursor_reset(gpu_driver_t *drv);
