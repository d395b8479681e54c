/*
 * One function per protocol request: each builds its virtio-gpu command in
 * DMA memory. mem_addr fields are already IO addresses (the virtualiser
 * translated and range-checked them). What is checked here: what the virtio
 * encoding itself needs (non-empty, no wrap-around, entry count, blob page
 * alignment), what the device lacks (blob), and the checks of
 * docs/protocol.md section 7 that need no state (formats, sizes, empty or
 * too small rectangles): virtio-gpu devices accept some of those (QEMU
 * creates a 2D resource of width 0 and transfers an empty rectangle), so the
 * driver keeps its side of the protocol itself. What needs the device's
 * state (resources, backing, bounds) the device checks.
 */
#include "gpu_driver_internal.h"

#include <string.h>

#include <virtio/virtio_gpu.h>
#include <virtio/virtio_mmio.h>

static virtio_gpu_ctrl_hdr_t hdr(uint32_t type)
{
    virtio_gpu_ctrl_hdr_t h = {.type = type};
    return h;
}

static virtio_gpu_rect_t rect(gpu_rect_t r)
{
    virtio_gpu_rect_t v = {.x = r.x, .y = r.y, .width = r.width, .height = r.height};
    return v;
}

static uint32_t expect_nodata(gpu_driver_slot_t *s, uint32_t cmd_len)
{
    s->cmd_len = cmd_len;
    s->ok_type = VIRTIO_GPU_RESP_OK_NODATA;
    s->ok_len = sizeof(virtio_gpu_ctrl_hdr_t);
    return GPU_STATUS_OK;
}

static bool has_blob(const gpu_driver_t *drv)
{
    return (drv->features & VIRTIO_FEATURE_BIT(VIRTIO_GPU_F_RESOURCE_BLOB)) != 0;
}

/*
 * Describes [addr, addr + size) as mem entries of at most
 * GPU_DRIVER_MEM_ENTRY_MAX bytes each (a page multiple, so every entry of a
 * page-aligned range stays page-aligned). Returns the entry count, 0 if the
 * range is empty, wraps, or needs more than GPU_DRIVER_MAX_MEM_ENTRIES.
 */
static uint32_t mem_entries(virtio_gpu_mem_entry_t *out, uint64_t addr, uint64_t size)
{
    if (size == 0 || size > UINT64_MAX - addr) {
        return 0;
    }
    uint64_t count = (size - 1) / GPU_DRIVER_MEM_ENTRY_MAX + 1;
    if (count > GPU_DRIVER_MAX_MEM_ENTRIES) {
        return 0;
    }
    for (uint32_t i = 0; i < count; i++) {
        uint64_t done = (uint64_t)i * GPU_DRIVER_MEM_ENTRY_MAX;
        uint64_t left = size - done;
        virtio_gpu_mem_entry_t e = {
                .addr = addr + done,
                .length = (uint32_t)(left < GPU_DRIVER_MEM_ENTRY_MAX ? left : GPU_DRIVER_MEM_ENTRY_MAX),
        };
        memcpy(&out[i], &e, sizeof(e));
    }
    return (uint32_t)count;
}

static bool rect_empty(gpu_rect_t r)
{
    return r.width == 0 || r.height == 0;
}

static bool scanout_rect_too_small(gpu_rect_t r)
{
    return r.width < GPU_MIN_SCANOUT_SIDE || r.height < GPU_MIN_SCANOUT_SIDE;
}

static bool size_valid(uint32_t width, uint32_t height)
{
    return width != 0 && height != 0 && width <= GPU_MAX_DIMENSION && height <= GPU_MAX_DIMENSION;
}

static uint32_t build_get_display_info(uint8_t *cmd, gpu_driver_slot_t *s)
{
    virtio_gpu_ctrl_hdr_t c = hdr(VIRTIO_GPU_CMD_GET_DISPLAY_INFO);
    memcpy(cmd, &c, sizeof(c));
    s->cmd_len = sizeof(c);
    s->ok_type = VIRTIO_GPU_RESP_OK_DISPLAY_INFO;
    s->ok_len = sizeof(virtio_gpu_resp_display_info_t);
    return GPU_STATUS_OK;
}

static uint32_t build_create_2d(const gpu_req_create_2d_t *r, uint8_t *cmd, gpu_driver_slot_t *s)
{
    if (!gpu_format_valid(r->format) || !size_valid(r->width, r->height)) {
        return GPU_STATUS_INVALID_PARAMETER;
    }
    virtio_gpu_resource_create_2d_t c = {
            .hdr = hdr(VIRTIO_GPU_CMD_RESOURCE_CREATE_2D),
            .resource_id = r->resource_id,
            .format = r->format,
            .width = r->width,
            .height = r->height,
    };
    memcpy(cmd, &c, sizeof(c));
    return expect_nodata(s, sizeof(c));
}

static uint32_t build_create_blob(const gpu_driver_t *drv, const gpu_req_create_blob_t *r, uint8_t *cmd,
                                  gpu_driver_slot_t *s)
{
    if (!has_blob(drv)) {
        return GPU_STATUS_UNSUPPORTED;
    }
    if (r->mem_addr % GPU_DRIVER_BLOB_ALIGN != 0 || r->size % GPU_DRIVER_BLOB_ALIGN != 0) {
        return GPU_STATUS_INVALID_PARAMETER;
    }
    virtio_gpu_resource_create_blob_t c = {
            .hdr = hdr(VIRTIO_GPU_CMD_RESOURCE_CREATE_BLOB),
            .resource_id = r->resource_id,
            .blob_mem = VIRTIO_GPU_BLOB_MEM_GUEST,
            .blob_flags = VIRTIO_GPU_BLOB_FLAG_USE_SHAREABLE,
            .size = r->size,
    };
    c.nr_entries = mem_entries((virtio_gpu_mem_entry_t *)(void *)(cmd + sizeof(c)), r->mem_addr, r->size);
    if (c.nr_entries == 0) {
        return GPU_STATUS_INVALID_PARAMETER;
    }
    memcpy(cmd, &c, sizeof(c));
    return expect_nodata(s, sizeof(c) + c.nr_entries * sizeof(virtio_gpu_mem_entry_t));
}

static uint32_t build_resource_cmd(uint32_t type, const gpu_req_resource_t *r, uint8_t *cmd, gpu_driver_slot_t *s)
{
    virtio_gpu_resource_unref_t c = {.hdr = hdr(type), .resource_id = r->resource_id};
    memcpy(cmd, &c, sizeof(c));
    return expect_nodata(s, sizeof(c));
}

static uint32_t build_attach_backing(const gpu_req_attach_backing_t *r, uint8_t *cmd, gpu_driver_slot_t *s)
{
    virtio_gpu_resource_attach_backing_t c = {
            .hdr = hdr(VIRTIO_GPU_CMD_RESOURCE_ATTACH_BACKING),
            .resource_id = r->resource_id,
    };
    c.nr_entries = mem_entries((virtio_gpu_mem_entry_t *)(void *)(cmd + sizeof(c)), r->mem_addr, r->size);
    if (c.nr_entries == 0) {
        return GPU_STATUS_INVALID_PARAMETER;
    }
    memcpy(cmd, &c, sizeof(c));
    return expect_nodata(s, sizeof(c) + c.nr_entries * sizeof(virtio_gpu_mem_entry_t));
}

static uint32_t build_set_scanout(const gpu_req_set_scanout_t *r, uint8_t *cmd, gpu_driver_slot_t *s)
{
    if (r->resource_id != GPU_RESOURCE_ID_NONE && scanout_rect_too_small(r->rect)) {
        return GPU_STATUS_INVALID_PARAMETER;
    }
    virtio_gpu_set_scanout_t c = {
            .hdr = hdr(VIRTIO_GPU_CMD_SET_SCANOUT),
            .r = rect(r->rect),
            .scanout_id = r->scanout_id,
            .resource_id = r->resource_id,
    };
    memcpy(cmd, &c, sizeof(c));
    return expect_nodata(s, sizeof(c));
}

/* The blob framebuffer's fields (stride >= width * 4 cannot overflow: width <= 16384). */
static bool blob_layout_valid(const gpu_req_set_scanout_blob_t *r)
{
    return gpu_format_valid(r->format) && size_valid(r->width, r->height) &&
           r->stride >= r->width * GPU_BYTES_PER_PIXEL && !scanout_rect_too_small(r->rect);
}

static uint32_t build_set_scanout_blob(const gpu_driver_t *drv, const gpu_req_set_scanout_blob_t *r, uint8_t *cmd,
                                       gpu_driver_slot_t *s)
{
    if (!has_blob(drv)) {
        return GPU_STATUS_UNSUPPORTED;
    }
    if (r->resource_id != GPU_RESOURCE_ID_NONE && !blob_layout_valid(r)) {
        return GPU_STATUS_INVALID_PARAMETER;
    }
    virtio_gpu_set_scanout_blob_t c = {
            .hdr = hdr(VIRTIO_GPU_CMD_SET_SCANOUT_BLOB),
            .r = rect(r->rect),
            .scanout_id = r->scanout_id,
            .resource_id = r->resource_id,
            .width = r->width,
            .height = r->height,
            .format = r->format,
            .strides = {r->stride},
            .offsets = {r->offset},
    };
    memcpy(cmd, &c, sizeof(c));
    return expect_nodata(s, sizeof(c));
}

static uint32_t build_transfer_to_2d(const gpu_req_transfer_to_2d_t *r, uint8_t *cmd, gpu_driver_slot_t *s)
{
    if (rect_empty(r->rect)) {
        return GPU_STATUS_INVALID_PARAMETER;
    }
    virtio_gpu_transfer_to_host_2d_t c = {
            .hdr = hdr(VIRTIO_GPU_CMD_TRANSFER_TO_HOST_2D),
            .r = rect(r->rect),
            .offset = r->offset,
            .resource_id = r->resource_id,
    };
    memcpy(cmd, &c, sizeof(c));
    return expect_nodata(s, sizeof(c));
}

static uint32_t build_flush(const gpu_req_flush_t *r, uint8_t *cmd, gpu_driver_slot_t *s)
{
    if (rect_empty(r->rect)) {
        return GPU_STATUS_INVALID_PARAMETER;
    }
    virtio_gpu_resource_flush_t c = {
            .hdr = hdr(VIRTIO_GPU_CMD_RESOURCE_FLUSH),
            .r = rect(r->rect),
            .resource_id = r->resource_id,
    };
    memcpy(cmd, &c, sizeof(c));
    return expect_nodata(s, sizeof(c));
}

uint32_t gpu_driver_build_command(const gpu_driver_t *drv, const gpu_req_t *req, uint8_t *cmd, gpu_driver_slot_t *s)
{
    switch (req->code) {
    case GPU_REQ_GET_DISPLAY_INFO:
        return build_get_display_info(cmd, s);
    case GPU_REQ_RESOURCE_CREATE_2D:
        return build_create_2d(&req->create_2d, cmd, s);
    case GPU_REQ_RESOURCE_CREATE_BLOB:
        return build_create_blob(drv, &req->create_blob, cmd, s);
    case GPU_REQ_RESOURCE_UNREF:
        return build_resource_cmd(VIRTIO_GPU_CMD_RESOURCE_UNREF, &req->unref, cmd, s);
    case GPU_REQ_RESOURCE_ATTACH_BACKING:
        return build_attach_backing(&req->attach_backing, cmd, s);
    case GPU_REQ_RESOURCE_DETACH_BACKING:
        return build_resource_cmd(VIRTIO_GPU_CMD_RESOURCE_DETACH_BACKING, &req->detach_backing, cmd, s);
    case GPU_REQ_SET_SCANOUT:
        return build_set_scanout(&req->set_scanout, cmd, s);
    case GPU_REQ_SET_SCANOUT_BLOB:
        return build_set_scanout_blob(drv, &req->set_scanout_blob, cmd, s);
    case GPU_REQ_TRANSFER_TO_2D:
        return build_transfer_to_2d(&req->transfer_to_2d, cmd, s);
    case GPU_REQ_RESOURCE_FLUSH:
        return build_flush(&req->flush, cmd, s);
    default:
        return GPU_STATUS_UNSUPPORTED;
    }
}

uint32_t gpu_driver_map_device_error(uint32_t resp_type)
{
    switch (resp_type) {
    case VIRTIO_GPU_RESP_ERR_UNSPEC:
        return GPU_STATUS_UNSPEC;
    case VIRTIO_GPU_RESP_ERR_OUT_OF_MEMORY:
        return GPU_STATUS_OUT_OF_MEMORY;
    case VIRTIO_GPU_RESP_ERR_INVALID_SCANOUT_ID:
        return GPU_STATUS_INVALID_SCANOUT_ID;
    case VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID:
        return GPU_STATUS_INVALID_RESOURCE_ID;
    case VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER:
        return GPU_STATUS_INVALID_PARAMETER;
    default:
        return GPU_STATUS_DEVICE_ERROR;
    }
}
