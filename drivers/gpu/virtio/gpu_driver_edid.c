/*
 * Driver core, part 5: EDID.
 *
 * When the device offers VIRTIO_GPU_F_EDID, the driver asks GET_EDID for
 * every scanout before it passes on a GET_DISPLAY_INFO, once after each
 * device start and again after each display event (the display may have
 * changed). These commands are the driver's own: they answer no request.
 * Each answer lands in a buffer of its scanout's (GPU_DRIVER_EDID_BYTES, in
 * the DMA region after the command slots) and is checked before anything
 * in it is believed: the OK_EDID type and fence, a size of at least the
 * 128-byte base block and at most the buffer, the fixed header, the
 * checksum, and a first detailed timing descriptor with a pixel clock. What
 * is kept is the preferred mode and the physical size; every
 * GET_DISPLAY_INFO answer carries them per scanout (gpu_scanout_info_t),
 * with a status saying why when there is nothing to carry.
 */
#include "gpu_driver_internal.h"

#include <string.h>

#include <sddf/gpu/event.h>
#include <virtio/virtio_gpu.h>
#include <virtio/virtio_mmio.h>

#define SDDF_LOG_COMPONENT "GPU_DRV"
#include <sddf/log.h>

#define EDID_BASE      128u
#define EDID_DTD       54u /* the first detailed timing descriptor */
#define EDID_CM_WIDTH  21u
#define EDID_CM_HEIGHT 22u

static const uint8_t edid_magic[8] = {0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00};

uint32_t gpu_driver_edid_parse(const uint8_t *block, uint32_t size, gpu_driver_edid_t *out)
{
    memset(out, 0, sizeof(*out));
    out->status = GPU_STATUS_INVALID_PARAMETER;
    if (size < EDID_BASE || memcmp(block, edid_magic, sizeof(edid_magic)) != 0) {
        return out->status;
    }
    uint8_t sum = 0;
    for (uint32_t i = 0; i < EDID_BASE; i++) {
        sum = (uint8_t)(sum + block[i]);
    }
    const uint8_t *d = block + EDID_DTD;
    if (sum != 0 || (d[0] | d[1]) == 0) { /* a pixel clock of 0 marks a display descriptor, not a timing */
        return out->status;
    }
    out->width = d[2] | ((uint32_t)(d[4] & 0xf0u) << 4);
    out->height = d[5] | ((uint32_t)(d[7] & 0xf0u) << 4);
    out->width_mm = d[12] | ((uint32_t)(d[14] & 0xf0u) << 4);
    out->height_mm = d[13] | ((uint32_t)(d[14] & 0x0fu) << 8);
    if (out->width_mm == 0 || out->height_mm == 0) { /* the timing does not say: the basic block's centimetres */
        out->width_mm = block[EDID_CM_WIDTH] * 10u;
        out->height_mm = block[EDID_CM_HEIGHT] * 10u;
    }
    if (out->width == 0 || out->height == 0) {
        memset(out, 0, sizeof(*out));
        out->status = GPU_STATUS_INVALID_PARAMETER;
        return out->status;
    }
    out->status = GPU_STATUS_OK;
    return out->status;
}

/* After a device start: every scanout's EDID is unknown, to be fetched if the device has any. */
void gpu_driver_edid_reset(gpu_driver_t *drv)
{
    bool offered = (drv->features & VIRTIO_FEATURE_BIT(VIRTIO_GPU_F_EDID)) != 0 && drv->edid_io != 0;
    for (uint32_t i = 0; i < GPU_MAX_SCANOUTS; i++) {
        drv->edid[i] = (gpu_driver_edid_t){.status = offered ? GPU_STATUS_NOT_READY : GPU_STATUS_UNSUPPORTED};
    }
    drv->edid_wanted = offered ? gpu_driver_edid_all(drv) : 0;
}

uint32_t gpu_driver_edid_all(const gpu_driver_t *drv)
{
    return drv->num_scanouts >= 32 ? UINT32_MAX : (1u << drv->num_scanouts) - 1u;
}

/* Builds GET_EDID for one scanout in the slot's command half; the answer goes to the scanout's EDID buffer. */
void gpu_driver_edid_build(gpu_driver_t *drv, gpu_driver_slot_t *s, uint8_t *cmd, uint32_t scanout)
{
    virtio_gpu_get_edid_t c = {.hdr = {.type = VIRTIO_GPU_CMD_GET_EDID}, .scanout = scanout};
    memcpy(cmd, &c, sizeof(c));
    memset(drv->edid_mem + (size_t)scanout * GPU_DRIVER_EDID_BYTES, 0, GPU_DRIVER_EDID_BYTES);
    s->cmd_len = sizeof(c);
    s->ok_type = VIRTIO_GPU_RESP_OK_EDID;
    s->ok_len = (uint32_t)offsetof(virtio_gpu_resp_edid_t, edid) + EDID_BASE;
    s->scanout = scanout;
    s->req_code = GPU_DRIVER_REQ_EDID;
    s->req_id = 0;
}

uint64_t gpu_driver_edid_buffer_io(const gpu_driver_t *drv, uint32_t scanout)
{
    return drv->edid_io + (uint64_t)scanout * GPU_DRIVER_EDID_BYTES;
}

const uint8_t *gpu_driver_edid_buffer(const gpu_driver_t *drv, uint32_t scanout)
{
    return drv->edid_mem + (size_t)scanout * GPU_DRIVER_EDID_BYTES;
}

static void log_edid(uint32_t scanout, const gpu_driver_edid_t *e)
{
    if (e->status == GPU_STATUS_OK) {
        LOG_INFO("scanout %u EDID: preferred mode %ux%u, %ux%u mm\n", (unsigned)scanout, (unsigned)e->width,
                 (unsigned)e->height, (unsigned)e->width_mm, (unsigned)e->height_mm);
    } else {
        LOG_WARN("scanout %u EDID refused (status %u): not used\n", (unsigned)scanout, (unsigned)e->status);
    }
}

/*
 * A GET_EDID completed with `status` (the response checks of any command
 * done). Parses the block; if no GET_DISPLAY_INFO is at the device to carry
 * the result, raises the display event so that the virtualiser asks again.
 */
void gpu_driver_edid_complete(gpu_driver_t *drv, const gpu_driver_slot_t *s, uint32_t status)
{
    gpu_driver_edid_t e = {.status = status};
    if (status == GPU_STATUS_OK) {
        virtio_gpu_resp_edid_t head;
        const uint8_t *buf = gpu_driver_edid_buffer(drv, s->scanout);
        memcpy(&head, buf, offsetof(virtio_gpu_resp_edid_t, edid)); /* the size is read once */
        uint32_t room = GPU_DRIVER_EDID_BYTES - (uint32_t)offsetof(virtio_gpu_resp_edid_t, edid);
        uint32_t size = head.size <= room ? head.size : 0;
        (void)gpu_driver_edid_parse(buf + offsetof(virtio_gpu_resp_edid_t, edid), size, &e);
    } else if (status != GPU_STATUS_DEVICE_ERROR) {
        e.status = GPU_STATUS_UNSUPPORTED; /* the device answered with an error: it has no EDID for this scanout */
    }
    if (e.status == GPU_STATUS_OK) {
        drv->stats.edid_fetched++;
    } else {
        drv->stats.edid_refused++;
    }
    bool changed = memcmp(&drv->edid[s->scanout], &e, sizeof(e)) != 0;
    drv->edid[s->scanout] = e;
    if (changed) {
        log_edid(s->scanout, &e);
    }
    if (changed && drv->info_in_flight == 0 && drv->display_known) {
        gpu_event_raise(&drv->cfg.info->event);
        drv->signal_virt = true;
    }
}
