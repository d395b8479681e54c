/*
 * Internals shared by the driver core's source files. Not for the glue or
 * other components.
 */
#pragma once

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

/* num_scanouts from configuration space, clamped to GPU_MAX_SCANOUTS (logged). */
uint32_t gpu_driver_read_num_scanouts(gpu_driver_t *drv);
