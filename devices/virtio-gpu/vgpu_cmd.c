/*
 * Control and cursor commands of the device model (virtio 1.2 section
 * 5.7.6), one function each. Checks and error codes follow QEMU's
 * hw/display/virtio-gpu.c where the specification leaves them open; the
 * README lists every place where the model differs. Each handler works on a
 * copy of the request and returns the response type.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vgpu_internal.h"

typedef uint32_t (*vgpu_cmd_fn)(vgpu_model_t *m, const uint8_t *req, uint32_t len, vgpu_resp_t *resp);

/* Copies the fixed part of a request; -1 if the request is shorter. */
static int req_copy(void *dst, size_t size, const uint8_t *req, uint32_t len)
{
    if (len < size) {
        return -1;
    }
    memcpy(dst, req, size);
    return 0;
}

#define REQ_COPY(var)                                                                                                  \
    do {                                                                                                               \
        if (req_copy(&(var), sizeof(var), req, len) != 0) {                                                            \
            return VIRTIO_GPU_RESP_ERR_UNSPEC;                                                                         \
        }                                                                                                              \
    } while (0)

/* Whether r lies inside w x h (64-bit, cannot overflow) and each side >= min_side. */
static int rect_inside(const virtio_gpu_rect_t *r, uint64_t w, uint64_t h, uint32_t min_side)
{
    return (uint64_t)r->x + r->width <= w && (uint64_t)r->y + r->height <= h && r->width >= min_side &&
           r->height >= min_side;
}

/* Resource lookup as QEMU's find_check_resource: unknown -> INVALID_RESOURCE_ID,
 * no backing when required -> ERR_UNSPEC. */
static uint32_t find_checked(vgpu_model_t *m, uint32_t id, int need_backing, vgpu_resource_t **out)
{
    *out = vgpu_resource_find(m, id);
    if (*out == NULL) {
        return VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID;
    }
    if (need_backing && (*out)->backing == NULL) {
        return VIRTIO_GPU_RESP_ERR_UNSPEC;
    }
    return 0;
}

static uint32_t cmd_get_display_info(vgpu_model_t *m, const uint8_t *req, uint32_t len, vgpu_resp_t *resp)
{
    (void)req;
    (void)len;
    virtio_gpu_resp_display_info_t info;
    memset(&info, 0, sizeof(info));
    info.hdr.type = VIRTIO_GPU_RESP_OK_DISPLAY_INFO;
    for (uint32_t i = 0; i < m->cfg.num_scanouts; i++) {
        const vgpu_scanout_t *s = &m->scanouts[i];
        if (s->connected) {
            info.pmodes[i].enabled = 1;
            info.pmodes[i].r.width = s->mode_w;
            info.pmodes[i].r.height = s->mode_h;
        }
    }
    memcpy(resp->bytes, &info, sizeof(info));
    resp->len = sizeof(info);
    return VIRTIO_GPU_RESP_OK_DISPLAY_INFO;
}

/* The fault knob vgpu_model_fault_edid(). */
static void spoil_edid(virtio_gpu_resp_edid_t *e, uint32_t fault)
{
    switch (fault) {
    case VGPU_EDID_FAULT_CHECKSUM:
        e->edid[20] ^= 0x01u;
        break;
    case VGPU_EDID_FAULT_HEADER:
        e->edid[0] = 0x55u;
        break;
    case VGPU_EDID_FAULT_SHORT:
        e->size = 64;
        break;
    case VGPU_EDID_FAULT_HUGE:
        e->size = UINT32_MAX;
        break;
    case VGPU_EDID_FAULT_NO_TIMING:
        e->edid[127] = (uint8_t)(e->edid[127] + e->edid[54] + e->edid[55]); /* keep the sum */
        e->edid[54] = 0;
        e->edid[55] = 0;
        break;
    default:
        break;
    }
}

static uint32_t cmd_get_edid(vgpu_model_t *m, const uint8_t *req, uint32_t len, vgpu_resp_t *resp)
{
    virtio_gpu_get_edid_t c;
    REQ_COPY(c);
    if (c.scanout >= m->cfg.num_scanouts) {
        return VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER;
    }
    virtio_gpu_resp_edid_t e;
    memset(&e, 0, sizeof(e));
    e.hdr.type = VIRTIO_GPU_RESP_OK_EDID;
    e.size = VGPU_EDID_BASE_BYTES;
    vgpu_edid_build(e.edid, m->scanouts[c.scanout].mode_w, m->scanouts[c.scanout].mode_h, c.scanout);
    spoil_edid(&e, m->faults.edid);
    memcpy(resp->bytes, &e, sizeof(e));
    resp->len = sizeof(e);
    return VIRTIO_GPU_RESP_OK_EDID;
}

static uint32_t create_2d_checks(vgpu_model_t *m, const virtio_gpu_resource_create_2d_t *c, uint64_t *bytes)
{
    if (c->resource_id == 0 || vgpu_resource_find(m, c->resource_id) != NULL) {
        return VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID;
    }
    if (!vgpu_format_known(c->format)) {
        return VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER;
    }
    *bytes = (uint64_t)c->width * c->height * 4u;
    /* As QEMU: the new total must stay below max_hostmem; sizes past 4 GiB fail. */
    if (*bytes > UINT32_MAX || *bytes + m->hostmem >= m->cfg.max_hostmem || m->nr_resources >= m->cfg.max_resources) {
        return VIRTIO_GPU_RESP_ERR_OUT_OF_MEMORY;
    }
    return 0;
}

static uint32_t cmd_resource_create_2d(vgpu_model_t *m, const uint8_t *req, uint32_t len, vgpu_resp_t *resp)
{
    (void)resp;
    virtio_gpu_resource_create_2d_t c;
    uint64_t bytes = 0;
    REQ_COPY(c);
    uint32_t err = create_2d_checks(m, &c, &bytes);
    if (err) {
        return err;
    }
    vgpu_resource_t *res = calloc(1, sizeof(*res));
    uint8_t *pixels = vgpu_pixels_alloc(bytes);
    if (res == NULL || pixels == NULL) {
        goto oom;
    }
    *res = (vgpu_resource_t){
            .id = c.resource_id, .format = c.format, .width = c.width, .height = c.height, .pixels = pixels};
    res->hostmem = bytes;
    if (vgpu_resource_add(m, res) != 0) {
        goto oom;
    }
    return VIRTIO_GPU_RESP_OK_NODATA;
oom:
    vgpu_pixels_free(pixels);
    free(res);
    return VIRTIO_GPU_RESP_ERR_OUT_OF_MEMORY;
}

static uint32_t cmd_resource_unref(vgpu_model_t *m, const uint8_t *req, uint32_t len, vgpu_resp_t *resp)
{
    (void)resp;
    virtio_gpu_resource_unref_t c;
    vgpu_resource_t *res;
    REQ_COPY(c);
    uint32_t err = find_checked(m, c.resource_id, 0, &res);
    if (err) {
        return err;
    }
    vgpu_resource_destroy(m, res);
    return VIRTIO_GPU_RESP_OK_NODATA;
}

/*
 * The checks SET_SCANOUT and SET_SCANOUT_BLOB share, in QEMU's order: the
 * scanout exists; resource 0 disables it (answered OK_NODATA here); otherwise
 * the resource exists and has backing. Returns 0 with *res set when the
 * command goes on, else its response type.
 */
static uint32_t scanout_target(vgpu_model_t *m, uint32_t scanout_id, uint32_t resource_id, vgpu_resource_t **res)
{
    if (scanout_id >= m->cfg.num_scanouts) {
        return VIRTIO_GPU_RESP_ERR_INVALID_SCANOUT_ID;
    }
    if (resource_id == 0) {
        vgpu_scanout_disable(m, scanout_id);
        return VIRTIO_GPU_RESP_OK_NODATA;
    }
    return find_checked(m, resource_id, 1, res);
}

static uint32_t scanout_attach(vgpu_model_t *m, uint32_t scanout_id, vgpu_resource_t *res,
                               const vgpu_model_scanout_state_t *st)
{
    return vgpu_scanout_attach(m, scanout_id, res, st) ? VIRTIO_GPU_RESP_ERR_OUT_OF_MEMORY : VIRTIO_GPU_RESP_OK_NODATA;
}

static uint32_t cmd_set_scanout(vgpu_model_t *m, const uint8_t *req, uint32_t len, vgpu_resp_t *resp)
{
    (void)resp;
    virtio_gpu_set_scanout_t c;
    vgpu_resource_t *res;
    REQ_COPY(c);
    uint32_t err = scanout_target(m, c.scanout_id, c.resource_id, &res);
    if (err) {
        return err;
    }
    if (res->blob || !rect_inside(&c.r, res->width, res->height, VGPU_MIN_SCANOUT_SIDE) || c.r.width > VGPU_MAX_DIM ||
        c.r.height > VGPU_MAX_DIM) {
        return VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER;
    }
    vgpu_model_scanout_state_t st = {
            .resource_id = c.resource_id, .x = c.r.x, .y = c.r.y, .width = c.r.width, .height = c.r.height};
    return scanout_attach(m, c.scanout_id, res, &st);
}

/* As QEMU: a blob flush must touch (edges included) a scanout showing it. */
static int blob_flush_touches_scanout(const vgpu_model_t *m, const vgpu_resource_t *res, const virtio_gpu_rect_t *r)
{
    for (uint32_t i = 0; i < m->cfg.num_scanouts; i++) {
        const vgpu_model_scanout_state_t *s = &m->scanouts[i].set;
        if (!(res->scanout_mask & (1u << i))) {
            continue;
        }
        if (r->x < (uint64_t)s->x + s->width && (uint64_t)r->x + r->width >= s->x &&
            r->y < (uint64_t)s->y + s->height && (uint64_t)r->y + r->height >= s->y) {
            return 1;
        }
    }
    return 0;
}

static uint32_t cmd_resource_flush(vgpu_model_t *m, const uint8_t *req, uint32_t len, vgpu_resp_t *resp)
{
    (void)resp;
    virtio_gpu_resource_flush_t c;
    vgpu_resource_t *res;
    REQ_COPY(c);
    uint32_t err = find_checked(m, c.resource_id, 0, &res);
    if (err) {
        return err;
    }
    if (res->blob ? !blob_flush_touches_scanout(m, res, &c.r) : !rect_inside(&c.r, res->width, res->height, 0)) {
        return VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER;
    }
    for (uint32_t i = 0; i < m->cfg.num_scanouts; i++) {
        if (res->scanout_mask & (1u << i)) {
            vgpu_scanout_flush(m, i, &c.r);
        }
    }
    return VIRTIO_GPU_RESP_OK_NODATA;
}

/*
 * As QEMU: row h of the rectangle comes from backing offset
 * `offset + h * stride` with stride = resource width * 4, whatever r.x and
 * r.y are; a backing too short for a row leaves the rest of it unchanged.
 */
static void transfer_rows(vgpu_model_t *m, vgpu_resource_t *res, const virtio_gpu_transfer_to_host_2d_t *c)
{
    uint64_t stride = (uint64_t)res->width * 4u;
    for (uint64_t h = 0; h < c->r.height; h++) {
        uint8_t *dst = res->pixels + (c->r.y + h) * stride + (uint64_t)c->r.x * 4u;
        uint64_t src = c->offset + h * stride;
        if (src < c->offset) {
            break; /* offset so large that the source wraps: nothing more to read */
        }
        (void)vgpu_backing_read(m, res, src, dst, (uint64_t)c->r.width * 4u);
    }
}

static uint32_t cmd_transfer_to_host_2d(vgpu_model_t *m, const uint8_t *req, uint32_t len, vgpu_resp_t *resp)
{
    (void)resp;
    virtio_gpu_transfer_to_host_2d_t c;
    vgpu_resource_t *res;
    REQ_COPY(c);
    uint32_t err = find_checked(m, c.resource_id, 1, &res);
    if (err) {
        return err;
    }
    if (res->blob) {
        return VIRTIO_GPU_RESP_OK_NODATA; /* as QEMU: accepted, no effect */
    }
    if (!rect_inside(&c.r, res->width, res->height, 0)) {
        return VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER;
    }
    vgpu_tear_transfer(m, res);
    transfer_rows(m, res, &c);
    return VIRTIO_GPU_RESP_OK_NODATA;
}

/* Maps the nr mem entries that follow a request of `fixed` bytes. */
static uint32_t map_entries(vgpu_model_t *m, const uint8_t *req, uint32_t len, size_t fixed, uint32_t nr,
                            vgpu_resource_t *res)
{
    if (nr > VGPU_MAX_MEM_ENTRIES || len - fixed < (uint64_t)nr * sizeof(virtio_gpu_mem_entry_t)) {
        return VIRTIO_GPU_RESP_ERR_UNSPEC;
    }
    uint32_t err = vgpu_backing_map(m, req + fixed, nr, res);
    if (err == 0 && res->blob && res->backing != NULL && res->backing_len < res->blob_size) {
        vgpu_backing_free(res);
        return VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER; /* model: a blob's memory must be backed */
    }
    return err;
}

static uint32_t cmd_attach_backing(vgpu_model_t *m, const uint8_t *req, uint32_t len, vgpu_resp_t *resp)
{
    (void)resp;
    virtio_gpu_resource_attach_backing_t c;
    vgpu_resource_t *res;
    REQ_COPY(c);
    uint32_t err = find_checked(m, c.resource_id, 0, &res);
    if (err) {
        return err;
    }
    if (res->backing != NULL) {
        return VIRTIO_GPU_RESP_ERR_UNSPEC;
    }
    err = map_entries(m, req, len, sizeof(c), c.nr_entries, res);
    return err ? err : VIRTIO_GPU_RESP_OK_NODATA;
}

static uint32_t cmd_detach_backing(vgpu_model_t *m, const uint8_t *req, uint32_t len, vgpu_resp_t *resp)
{
    (void)resp;
    virtio_gpu_resource_detach_backing_t c;
    vgpu_resource_t *res;
    REQ_COPY(c);
    uint32_t err = find_checked(m, c.resource_id, 1, &res);
    if (err) {
        return err;
    }
    vgpu_backing_free(res);
    return VIRTIO_GPU_RESP_OK_NODATA;
}

static uint32_t create_blob_checks(vgpu_model_t *m, const virtio_gpu_resource_create_blob_t *c)
{
    if (c->resource_id == 0) {
        return VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID;
    }
    if (c->blob_mem != VIRTIO_GPU_BLOB_MEM_GUEST) {
        return VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER;
    }
    if (vgpu_resource_find(m, c->resource_id) != NULL) {
        return VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID;
    }
    if (m->nr_resources >= m->cfg.max_resources) {
        return VIRTIO_GPU_RESP_ERR_OUT_OF_MEMORY;
    }
    return 0;
}

static uint32_t cmd_create_blob(vgpu_model_t *m, const uint8_t *req, uint32_t len, vgpu_resp_t *resp)
{
    (void)resp;
    virtio_gpu_resource_create_blob_t c;
    REQ_COPY(c);
    uint32_t err = create_blob_checks(m, &c);
    if (err) {
        return err;
    }
    vgpu_resource_t *res = calloc(1, sizeof(*res));
    if (res == NULL) {
        return VIRTIO_GPU_RESP_ERR_OUT_OF_MEMORY;
    }
    *res = (vgpu_resource_t){.id = c.resource_id, .blob = 1, .blob_size = c.size};
    err = map_entries(m, req, len, sizeof(c), c.nr_entries, res);
    if (err == 0 && vgpu_resource_add(m, res) != 0) {
        err = VIRTIO_GPU_RESP_ERR_OUT_OF_MEMORY;
    }
    if (err) {
        vgpu_backing_free(res);
        free(res);
        return err;
    }
    return VIRTIO_GPU_RESP_OK_NODATA;
}

/* QEMU's check that rows r.y .. r.y + r.height - 1 (whole strides) starting
 * at offsets[0] + r.x * 4 lie in the blob, without overflow. The caller has
 * checked that r lies inside width x height. */
static int blob_rows_fit(const virtio_gpu_set_scanout_blob_t *c, uint64_t blob_size)
{
    uint64_t stride = c->strides[0];
    uint64_t rows = (uint64_t)c->r.y + c->r.height;
    if (stride != 0 && rows > blob_size / stride) {
        return 0;
    }
    uint64_t head = (uint64_t)c->offsets[0] + (uint64_t)c->r.x * 4u;
    return head <= blob_size - rows * stride;
}

/* QEMU's checks plus the model's: the stride covers a row, sides <= VGPU_MAX_DIM. */
static int scanout_blob_fits(const virtio_gpu_set_scanout_blob_t *c, uint64_t blob_size)
{
    if (!vgpu_format_known(c->format) || c->strides[0] < (uint64_t)c->width * 4u) {
        return 0;
    }
    if (!rect_inside(&c->r, c->width, c->height, VGPU_MIN_SCANOUT_SIDE) || c->r.width > VGPU_MAX_DIM ||
        c->r.height > VGPU_MAX_DIM) {
        return 0;
    }
    return blob_rows_fit(c, blob_size);
}

static uint32_t cmd_set_scanout_blob(vgpu_model_t *m, const uint8_t *req, uint32_t len, vgpu_resp_t *resp)
{
    (void)resp;
    virtio_gpu_set_scanout_blob_t c;
    vgpu_resource_t *res;
    REQ_COPY(c);
    uint32_t err = scanout_target(m, c.scanout_id, c.resource_id, &res);
    if (err) {
        return err;
    }
    if (!res->blob || !scanout_blob_fits(&c, res->blob_size)) {
        return VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER;
    }
    vgpu_model_scanout_state_t st = {.resource_id = c.resource_id,
                                     .x = c.r.x,
                                     .y = c.r.y,
                                     .width = c.r.width,
                                     .height = c.r.height,
                                     .blob = 1,
                                     .blob_format = c.format,
                                     .blob_width = c.width,
                                     .blob_height = c.height,
                                     .blob_stride = c.strides[0],
                                     .blob_offset = c.offsets[0]};
    return scanout_attach(m, c.scanout_id, res, &st);
}

typedef struct vgpu_cmd_entry {
    uint32_t type;
    vgpu_cmd_fn fn;
    int feature;          /* feature bit the command needs, -1 for none */
    uint32_t without_err; /* answer when that feature was not negotiated */
} vgpu_cmd_entry_t;

static const vgpu_cmd_entry_t control_cmds[] = {
        {VIRTIO_GPU_CMD_GET_DISPLAY_INFO, cmd_get_display_info, -1, 0},
        {VIRTIO_GPU_CMD_GET_EDID, cmd_get_edid, VIRTIO_GPU_F_EDID, VIRTIO_GPU_RESP_ERR_UNSPEC},
        {VIRTIO_GPU_CMD_RESOURCE_CREATE_2D, cmd_resource_create_2d, -1, 0},
        {VIRTIO_GPU_CMD_RESOURCE_UNREF, cmd_resource_unref, -1, 0},
        {VIRTIO_GPU_CMD_SET_SCANOUT, cmd_set_scanout, -1, 0},
        {VIRTIO_GPU_CMD_RESOURCE_FLUSH, cmd_resource_flush, -1, 0},
        {VIRTIO_GPU_CMD_TRANSFER_TO_HOST_2D, cmd_transfer_to_host_2d, -1, 0},
        {VIRTIO_GPU_CMD_RESOURCE_ATTACH_BACKING, cmd_attach_backing, -1, 0},
        {VIRTIO_GPU_CMD_RESOURCE_DETACH_BACKING, cmd_detach_backing, -1, 0},
        {VIRTIO_GPU_CMD_RESOURCE_CREATE_BLOB, cmd_create_blob, VIRTIO_GPU_F_RESOURCE_BLOB,
         VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER},
        {VIRTIO_GPU_CMD_SET_SCANOUT_BLOB, cmd_set_scanout_blob, VIRTIO_GPU_F_RESOURCE_BLOB,
         VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER},
};

/* An injected error for this command, or 0. Counts toward the n-th fault. */
static uint32_t injected_error(vgpu_model_t *m, uint32_t type, int control)
{
    uint32_t err = 0;
    if (control && m->faults.nth_remaining > 0 && --m->faults.nth_remaining == 0) {
        err = m->faults.nth_err;
    }
    for (uint32_t i = 0; i < VGPU_MAX_CMD_FAULTS && err == 0; i++) {
        if (m->faults.by_cmd[i].err != 0 && m->faults.by_cmd[i].cmd_type == type) {
            err = m->faults.by_cmd[i].err;
        }
    }
    return err;
}

static uint32_t dispatch(vgpu_model_t *m, uint32_t type, const uint8_t *req, uint32_t len, vgpu_resp_t *resp)
{
    for (size_t i = 0; i < sizeof(control_cmds) / sizeof(control_cmds[0]); i++) {
        const vgpu_cmd_entry_t *e = &control_cmds[i];
        if (e->type != type) {
            continue;
        }
        if (e->feature >= 0 && !vgpu_has_feature(m, (unsigned)e->feature)) {
            return e->without_err;
        }
        return e->fn(m, req, len, resp);
    }
    return VIRTIO_GPU_RESP_ERR_UNSPEC; /* as QEMU: unknown or unsupported command */
}

/* Completes resp: a bare header unless the handler built a full response,
 * and the fence echoed as QEMU does. */
static void finish_resp(vgpu_model_t *m, const virtio_gpu_ctrl_hdr_t *req_hdr, uint32_t type, vgpu_resp_t *resp)
{
    virtio_gpu_ctrl_hdr_t hdr;
    if (resp->len == 0 || type >= VIRTIO_GPU_RESP_ERR_UNSPEC) {
        resp->len = sizeof(hdr);
        memset(resp->bytes, 0, sizeof(hdr));
    }
    memcpy(&hdr, resp->bytes, sizeof(hdr));
    hdr.type = type;
    if (req_hdr != NULL && (req_hdr->flags & VIRTIO_GPU_FLAG_FENCE)) {
        hdr.flags |= VIRTIO_GPU_FLAG_FENCE;
        hdr.fence_id = req_hdr->fence_id;
        hdr.ctx_id = req_hdr->ctx_id;
    }
    if (m->faults.bogus_fence_armed) {
        hdr.flags = m->faults.bogus_fence_flags;
        hdr.fence_id = m->faults.bogus_fence_id;
        m->faults.bogus_fence_armed = 0;
    }
    memcpy(resp->bytes, &hdr, sizeof(hdr));
    if (type >= VIRTIO_GPU_RESP_ERR_UNSPEC) {
        m->stats.errors++;
    }
}

void vgpu_cmd_control(vgpu_model_t *m, const uint8_t *req, uint32_t len, vgpu_resp_t *resp)
{
    virtio_gpu_ctrl_hdr_t hdr;
    resp->len = 0;
    m->stats.commands++;
    if (req_copy(&hdr, sizeof(hdr), req, len) != 0) {
        finish_resp(m, NULL, VIRTIO_GPU_RESP_ERR_UNSPEC, resp); /* QEMU would answer OK_NODATA */
        return;
    }
    uint32_t type = injected_error(m, hdr.type, 1);
    if (type == 0) {
        type = dispatch(m, hdr.type, req, len, resp);
    }
    finish_resp(m, &hdr, type, resp);
}

/* Cursor commands get no response (as QEMU: used length 0); short or
 * unknown ones, and those with an injected error, have no effect. */
void vgpu_cmd_cursor(vgpu_model_t *m, const uint8_t *req, uint32_t len)
{
    virtio_gpu_update_cursor_t c;
    m->stats.commands++;
    if (req_copy(&c, sizeof(c), req, len) != 0 || c.pos.scanout_id >= m->cfg.num_scanouts) {
        return;
    }
    if (injected_error(m, c.hdr.type, 0) != 0) {
        m->stats.errors++;
        return;
    }
    if (c.hdr.type == VIRTIO_GPU_CMD_UPDATE_CURSOR) {
        m->cursor.resource_id = c.resource_id;
        m->cursor.hot_x = c.hot_x;
        m->cursor.hot_y = c.hot_y;
        m->cursor.updates++;
    } else if (c.hdr.type == VIRTIO_GPU_CMD_MOVE_CURSOR) {
        m->cursor.moves++;
    } else {
        return;
    }
    m->cursor.scanout_id = c.pos.scanout_id;
    m->cursor.x = c.pos.x;
    m->cursor.y = c.pos.y;
    vgpu_cursor_command(m, &c);
}
