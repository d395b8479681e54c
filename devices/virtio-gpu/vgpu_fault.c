/*
 * Fault injection knobs of the device model. Error and fence faults act when
 * a command is handled (vgpu_cmd.c); completion faults when a used entry is
 * published (vgpu_queue.c); status and event faults at once.
 */
#include <stdint.h>

#include "vgpu_internal.h"

void vgpu_model_fault_error_nth(vgpu_model_t *m, uint32_t n, uint32_t virtio_err)
{
    vgpu_lock(m);
    m->faults.nth_remaining = n;
    m->faults.nth_err = virtio_err;
    vgpu_unlock(m);
}

/* Replaces the slot for cmd_type, or takes a free one; err 0 clears it. */
void vgpu_model_fault_error_cmd(vgpu_model_t *m, uint32_t cmd_type, uint32_t virtio_err)
{
    vgpu_lock(m);
    vgpu_cmd_fault_t *slot = NULL;
    for (uint32_t i = 0; i < VGPU_MAX_CMD_FAULTS; i++) {
        vgpu_cmd_fault_t *f = &m->faults.by_cmd[i];
        if (f->err != 0 && f->cmd_type == cmd_type) {
            slot = f;
            break;
        }
        if (f->err == 0 && slot == NULL) {
            slot = f;
        }
    }
    if (slot != NULL) {
        slot->cmd_type = cmd_type;
        slot->err = virtio_err;
    }
    vgpu_unlock(m);
}

void vgpu_model_fault_hold(vgpu_model_t *m, int hold)
{
    vgpu_lock(m);
    m->faults.hold = hold != 0;
    vgpu_unlock(m);
}

unsigned vgpu_model_fault_release(vgpu_model_t *m)
{
    vgpu_lock(m);
    unsigned n = vgpu_publish_batch(m, &m->faults.held);
    vgpu_unlock(m);
    return n;
}

unsigned vgpu_model_fault_held(const vgpu_model_t *m)
{
    vgpu_lock(m);
    unsigned n = m->faults.held.count;
    vgpu_unlock((vgpu_model_t *)m);
    return n;
}

void vgpu_model_fault_reorder(vgpu_model_t *m, int on)
{
    vgpu_lock(m);
    m->faults.reorder = on != 0;
    vgpu_unlock(m);
}

void vgpu_model_fault_bogus_used_id(vgpu_model_t *m, uint32_t id)
{
    vgpu_lock(m);
    m->faults.bogus_id_armed = 1;
    m->faults.bogus_id = id;
    vgpu_unlock(m);
}

void vgpu_model_fault_bogus_used_len(vgpu_model_t *m, uint32_t len)
{
    vgpu_lock(m);
    m->faults.bogus_len_armed = 1;
    m->faults.bogus_len = len;
    vgpu_unlock(m);
}

void vgpu_model_fault_spurious_irq(vgpu_model_t *m)
{
    vgpu_lock(m);
    vgpu_raise_irq(m, VIRTIO_MMIO_INT_VRING);
    vgpu_unlock(m);
}

void vgpu_model_fault_bogus_fence(vgpu_model_t *m, uint32_t flags, uint64_t fence_id)
{
    vgpu_lock(m);
    m->faults.bogus_fence_armed = 1;
    m->faults.bogus_fence_flags = flags;
    m->faults.bogus_fence_id = fence_id;
    vgpu_unlock(m);
}

void vgpu_model_fault_needs_reset(vgpu_model_t *m)
{
    vgpu_lock(m);
    vgpu_needs_reset(m, "injected DEVICE_NEEDS_RESET");
    vgpu_unlock(m);
}

void vgpu_model_fault_used_idx_ahead(vgpu_model_t *m, uint16_t extra)
{
    vgpu_lock(m);
    m->faults.used_idx_skip = extra;
    vgpu_unlock(m);
}

void vgpu_model_fault_config_event(vgpu_model_t *m, uint32_t bits)
{
    vgpu_lock(m);
    m->events_read |= bits;
    vgpu_config_changed(m);
    vgpu_unlock(m);
}

void vgpu_model_fault_edid(vgpu_model_t *m, uint32_t fault)
{
    vgpu_lock(m);
    m->faults.edid = fault;
    vgpu_unlock(m);
}
