/*
 * Request builders shared by the host tests (tests/driver, tests/system
 * through vgpu_harness.h, tests/virt through virt_env.c).
 */
#include "vh_req.h"

#include <string.h>

gpu_rect_t vh_rect(uint32_t x, uint32_t y, uint32_t w, uint32_t hgt)
{
    gpu_rect_t r = {.x = x, .y = y, .width = w, .height = hgt};
    return r;
}

gpu_req_t vh_req_code(uint32_t code, uint32_t id)
{
    gpu_req_t r;
    memset(&r, 0, sizeof(r));
    r.code = code;
    r.id = id;
    return r;
}

gpu_req_t vh_req_display_info(uint32_t id)
{
    return vh_req_code(GPU_REQ_GET_DISPLAY_INFO, id);
}

gpu_req_t vh_req_create_2d(uint32_t id, uint32_t rid, uint32_t format, uint32_t w, uint32_t hgt)
{
    gpu_req_t r = vh_req_code(GPU_REQ_RESOURCE_CREATE_2D, id);
    r.create_2d = (gpu_req_create_2d_t){.resource_id = rid, .format = format, .width = w, .height = hgt};
    return r;
}

gpu_req_t vh_req_create_blob(uint32_t id, uint32_t rid, uint64_t io, uint64_t size)
{
    gpu_req_t r = vh_req_code(GPU_REQ_RESOURCE_CREATE_BLOB, id);
    r.create_blob = (gpu_req_create_blob_t){.resource_id = rid, .mem_addr = io, .size = size};
    return r;
}

gpu_req_t vh_req_unref(uint32_t id, uint32_t rid)
{
    gpu_req_t r = vh_req_code(GPU_REQ_RESOURCE_UNREF, id);
    r.unref.resource_id = rid;
    return r;
}

gpu_req_t vh_req_attach(uint32_t id, uint32_t rid, uint64_t io, uint64_t size)
{
    gpu_req_t r = vh_req_code(GPU_REQ_RESOURCE_ATTACH_BACKING, id);
    r.attach_backing = (gpu_req_attach_backing_t){.resource_id = rid, .mem_addr = io, .size = size};
    return r;
}

gpu_req_t vh_req_detach(uint32_t id, uint32_t rid)
{
    gpu_req_t r = vh_req_code(GPU_REQ_RESOURCE_DETACH_BACKING, id);
    r.detach_backing.resource_id = rid;
    return r;
}

gpu_req_t vh_req_set_scanout(uint32_t id, uint32_t scanout, uint32_t rid, gpu_rect_t rect)
{
    gpu_req_t r = vh_req_code(GPU_REQ_SET_SCANOUT, id);
    r.set_scanout = (gpu_req_set_scanout_t){.scanout_id = scanout, .resource_id = rid, .rect = rect};
    return r;
}

gpu_req_t vh_req_set_scanout_blob(uint32_t id, uint32_t scanout, uint32_t rid, gpu_rect_t rect, uint32_t format,
                                  uint32_t w, uint32_t hgt, uint32_t stride, uint32_t offset)
{
    gpu_req_t r = vh_req_code(GPU_REQ_SET_SCANOUT_BLOB, id);
    r.set_scanout_blob = (gpu_req_set_scanout_blob_t){
            .scanout_id = scanout,
            .resource_id = rid,
            .rect = rect,
            .format = format,
            .width = w,
            .height = hgt,
            .stride = stride,
            .offset = offset,
    };
    return r;
}

gpu_req_t vh_req_transfer(uint32_t id, uint32_t rid, gpu_rect_t rect, uint64_t offset)
{
    gpu_req_t r = vh_req_code(GPU_REQ_TRANSFER_TO_2D, id);
    r.transfer_to_2d = (gpu_req_transfer_to_2d_t){.resource_id = rid, .rect = rect, .offset = offset};
    return r;
}

gpu_req_t vh_req_flush(uint32_t id, uint32_t rid, gpu_rect_t rect)
{
    gpu_req_t r = vh_req_code(GPU_REQ_RESOURCE_FLUSH, id);
    r.flush = (gpu_req_flush_t){.resource_id = rid, .rect = rect};
    return r;
}

gpu_req_t vh_req_update_cursor(uint32_t id, uint32_t scanout, uint32_t rid, uint32_t x, uint32_t y, uint32_t hot_x,
                               uint32_t hot_y)
{
    gpu_req_t r = vh_req_code(GPU_REQ_UPDATE_CURSOR, id);
    r.update_cursor = (gpu_req_update_cursor_t){scanout, rid, x, y, hot_x, hot_y};
    return r;
}

gpu_req_t vh_req_move_cursor(uint32_t id, uint32_t scanout, uint32_t x, uint32_t y)
{
    gpu_req_t r = vh_req_code(GPU_REQ_MOVE_CURSOR, id);
    r.move_cursor = (gpu_req_move_cursor_t){scanout, x, y};
    return r;
}
