/*
 * Request builders for host tests: a zeroed gpu_req_t with its code, the id
 * the caller chose and the command's fields. Shared by the driver and system
 * tests (through vgpu_harness.h) and the virtualiser tests (virt_env.c).
 */
#pragma once

#include <stdint.h>

#include <sddf/gpu/protocol.h>

gpu_req_t vh_req_code(uint32_t code, uint32_t id);
gpu_req_t vh_req_display_info(uint32_t id);
gpu_req_t vh_req_create_2d(uint32_t id, uint32_t rid, uint32_t format, uint32_t w, uint32_t hgt);
gpu_req_t vh_req_create_blob(uint32_t id, uint32_t rid, uint64_t io, uint64_t size);
gpu_req_t vh_req_unref(uint32_t id, uint32_t rid);
gpu_req_t vh_req_attach(uint32_t id, uint32_t rid, uint64_t io, uint64_t size);
gpu_req_t vh_req_detach(uint32_t id, uint32_t rid);
gpu_req_t vh_req_set_scanout(uint32_t id, uint32_t scanout, uint32_t rid, gpu_rect_t r);
gpu_req_t vh_req_set_scanout_blob(uint32_t id, uint32_t scanout, uint32_t rid, gpu_rect_t r, uint32_t format,
                                  uint32_t w, uint32_t hgt, uint32_t stride, uint32_t offset);
gpu_req_t vh_req_transfer(uint32_t id, uint32_t rid, gpu_rect_t r, uint64_t offset);
gpu_req_t vh_req_flush(uint32_t id, uint32_t rid, gpu_rect_t r);
gpu_req_t vh_req_update_cursor(uint32_t id, uint32_t scanout, uint32_t rid, uint32_t x, uint32_t y, uint32_t hot_x,
                               uint32_t hot_y);
gpu_req_t vh_req_move_cursor(uint32_t id, uint32_t scanout, uint32_t x, uint32_t y);
gpu_rect_t vh_rect(uint32_t x, uint32_t y, uint32_t w, uint32_t hgt);
