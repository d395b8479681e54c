/*
 * virtio-probe: lists the populated virtio-mmio slots, then drives the
 * virtio-gpu device in the last slot far enough to prove that the modern
 * interface works and that its interrupt reaches us: negotiate VERSION_1,
 * set up the control queue, send GET_DISPLAY_INFO, print the answer when
 * the used-buffer interrupt arrives.
 */
#include <sddf/os.h>
#include <stdint.h>
#include <string.h>
#include <virtio/virtio_gpu.h>
#include <virtio/virtio_mmio.h>
#include <virtio/virtio_ring.h>

#include "sdf_config.h"

#define SDDF_LOG_COMPONENT "virtio-probe"
#include <sddf/log.h>

uintptr_t mmio_base;
uintptr_t vq_vaddr;
uintptr_t vq_paddr;

#define SLOTS      32u
#define GPU_SLOT   31u
#define QUEUE_SIZE 8u
#define OFF_DESC   0x0000u
#define OFF_AVAIL  0x0400u
#define OFF_USED   0x0800u
#define OFF_REQ    0x1000u
#define OFF_RESP   0x2000u

static volatile uint32_t *reg(unsigned slot, uint32_t off)
{
    return (volatile uint32_t *)(mmio_base + slot * VIRTIO_MMIO_REGION_SIZE + off);
}

static void list_slots(void)
{
    for (unsigned s = 0; s < SLOTS; s++) {
        uint32_t id = *reg(s, VIRTIO_MMIO_DEVICE_ID);
        if (*reg(s, VIRTIO_MMIO_MAGIC_VALUE) == VIRTIO_MMIO_MAGIC_VALUE_LE && id != 0) {
            LOG_INFO("slot %u at 0x%lx: version %u device id %u irq %u\n", s,
                     (unsigned long)(0xa000000u + s * VIRTIO_MMIO_REGION_SIZE), *reg(s, VIRTIO_MMIO_VERSION), id,
                     48 + s);
        }
    }
}

static void addr_pair(unsigned slot, uint32_t low, uint64_t addr)
{
    *reg(slot, low) = (uint32_t)addr;
    *reg(slot, low + 4) = (uint32_t)(addr >> 32);
}

static int negotiate(unsigned s)
{
    *reg(s, VIRTIO_MMIO_STATUS) = 0;
    *reg(s, VIRTIO_MMIO_STATUS) = VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER;
    *reg(s, VIRTIO_MMIO_DEVICE_FEATURES_SEL) = 1;
    uint32_t high = *reg(s, VIRTIO_MMIO_DEVICE_FEATURES);
    if (!(high & 1u)) {
        return -1;
    }
    *reg(s, VIRTIO_MMIO_DRIVER_FEATURES_SEL) = 1;
    *reg(s, VIRTIO_MMIO_DRIVER_FEATURES) = 1u; /* VERSION_1 only */
    *reg(s, VIRTIO_MMIO_DRIVER_FEATURES_SEL) = 0;
    *reg(s, VIRTIO_MMIO_DRIVER_FEATURES) = 0;
    *reg(s, VIRTIO_MMIO_STATUS) |= VIRTIO_STATUS_FEATURES_OK;
    return (*reg(s, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK) ? 0 : -1;
}

static int setup_controlq(unsigned s)
{
    *reg(s, VIRTIO_MMIO_QUEUE_SEL) = 0;
    if (*reg(s, VIRTIO_MMIO_QUEUE_NUM_MAX) < QUEUE_SIZE) {
        return -1;
    }
    *reg(s, VIRTIO_MMIO_QUEUE_NUM) = QUEUE_SIZE;
    addr_pair(s, VIRTIO_MMIO_QUEUE_DESC_LOW, vq_paddr + OFF_DESC);
    addr_pair(s, VIRTIO_MMIO_QUEUE_DRIVER_LOW, vq_paddr + OFF_AVAIL);
    addr_pair(s, VIRTIO_MMIO_QUEUE_DEVICE_LOW, vq_paddr + OFF_USED);
    *reg(s, VIRTIO_MMIO_QUEUE_READY) = 1;
    *reg(s, VIRTIO_MMIO_STATUS) |= VIRTIO_STATUS_DRIVER_OK;
    return 0;
}

static void send_get_display_info(unsigned s)
{
    virtq_desc_t *desc = (virtq_desc_t *)(vq_vaddr + OFF_DESC);
    virtq_avail_t *avail = (virtq_avail_t *)(vq_vaddr + OFF_AVAIL);
    virtio_gpu_ctrl_hdr_t *req = (virtio_gpu_ctrl_hdr_t *)(vq_vaddr + OFF_REQ);
    memset(req, 0, sizeof(*req));
    req->type = VIRTIO_GPU_CMD_GET_DISPLAY_INFO;
    desc[0] = (virtq_desc_t){vq_paddr + OFF_REQ, sizeof(*req), VIRTQ_DESC_F_NEXT, 1};
    desc[1] = (virtq_desc_t){vq_paddr + OFF_RESP, sizeof(virtio_gpu_resp_display_info_t), VIRTQ_DESC_F_WRITE, 0};
    avail->ring[0] = 0;
    __atomic_thread_fence(__ATOMIC_RELEASE); /* descriptors before the index; pairs with the device's read */
    avail->idx = 1;
    __atomic_thread_fence(__ATOMIC_SEQ_CST); /* index before the notify register write */
    *reg(s, VIRTIO_MMIO_QUEUE_NOTIFY) = 0;
}

void init(void)
{
    list_slots();
    unsigned s = GPU_SLOT;
    if (*reg(s, VIRTIO_MMIO_DEVICE_ID) != VIRTIO_ID_GPU || *reg(s, VIRTIO_MMIO_VERSION) != 2) {
        LOG_ERR("no modern virtio-gpu in slot %u\n", s);
        return;
    }
    if (negotiate(s) != 0 || setup_controlq(s) != 0) {
        LOG_ERR("device refused VERSION_1 or the control queue\n");
        return;
    }
    send_get_display_info(s);
    LOG_INFO("GET_DISPLAY_INFO sent, waiting for irq %u\n", 79u);
}

void notified(sddf_channel_t ch)
{
    if (ch != SDF_IRQ_79) {
        LOG_ERR("unexpected notification on channel %u\n", ch);
        return;
    }
    uint32_t status = *reg(GPU_SLOT, VIRTIO_MMIO_INTERRUPT_STATUS);
    *reg(GPU_SLOT, VIRTIO_MMIO_INTERRUPT_ACK) = status;
    sddf_irq_ack(ch);
    volatile virtq_used_t *used = (volatile virtq_used_t *)(vq_vaddr + OFF_USED);
    __atomic_thread_fence(__ATOMIC_ACQUIRE); /* used index before the response; pairs with the device's write */
    const virtio_gpu_resp_display_info_t *resp = (const virtio_gpu_resp_display_info_t *)(vq_vaddr + OFF_RESP);
    if (used->idx != 1 || resp->hdr.type != VIRTIO_GPU_RESP_OK_DISPLAY_INFO) {
        LOG_ERR("interrupt status 0x%x, used idx %u, response 0x%x\n", status, used->idx, resp->hdr.type);
        return;
    }
    LOG_INFO("irq %u: interrupt status 0x%x, display 0: %ux%u enabled %u\n", 79u, status, resp->pmodes[0].r.width,
             resp->pmodes[0].r.height, resp->pmodes[0].enabled);
    LOG_INFO("done\n");
}
