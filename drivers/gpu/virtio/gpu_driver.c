/*
 * Driver core, part 2: requests down, completions and events up.
 *
 * Flow control. A request is taken from the virtualiser only when (a) a
 * command slot and its two descriptors are free and (b) the response queue
 * has room for one more answer beyond the answers already owed to commands
 * in flight. So every command in flight owns a response slot and an answer
 * can always be published. When (a) fails we stop and resume at the next
 * completion; when (b) fails with nothing in flight we arm the response
 * queue's space signal.
 */
#include "gpu_driver_internal.h"

#include <stddef.h>
#include <string.h>

#include <sddf/gpu/event.h>
#include <virtio/virtio_gpu.h>
#include <virtio/virtio_mmio.h>

#define SDDF_LOG_COMPONENT "GPU_DRV"
#include <sddf/log.h>

static const virtio_transport_ops_t *ops(const gpu_driver_t *drv)
{
    return drv->cfg.transport->ops;
}

static void *tctx(const gpu_driver_t *drv)
{
    return drv->cfg.transport->ctx;
}

static uint32_t in_flight(const gpu_driver_t *drv)
{
    return drv->num_slots - drv->num_free_slots;
}

void gpu_driver_respond(gpu_driver_t *drv, uint32_t code, uint32_t id, uint32_t status)
{
    if (code == GPU_DRIVER_REQ_EDID) {
        return; /* the driver's own command: nobody waits for an answer */
    }
    gpu_resp_t r = {.code = code, .id = id, .status = status};
    if (!gpu_resp_enqueue(&drv->resp_q, &r)) {
        /* Only possible if the virtualiser corrupted its head index. */
        drv->stats.lost_responses++;
        LOG_ERR("response queue full despite reservation: request %u (code %u) unanswered\n", (unsigned)id,
                (unsigned)code);
        return;
    }
    drv->resp_pushed = true;
}

void gpu_driver_release_slot(gpu_driver_t *drv, uint32_t slot)
{
    if (drv->slots[slot].req_code == GPU_REQ_GET_DISPLAY_INFO) {
        drv->info_in_flight--;
    }
    if (gpu_driver_is_cursor(drv->slots[slot].req_code)) {
        drv->cursor_in_flight--;
    }
    drv->slots[slot].in_use = 0;
    drv->free_slots[drv->num_free_slots++] = (uint16_t)slot;
}

/* --- completions ------------------------------------------------------------------------------------------------ */

static void publish_display_info(gpu_driver_t *drv, const uint8_t *resp)
{
    virtio_gpu_resp_display_info_t di;
    memcpy(&di, resp, sizeof(di)); /* read the device's answer once */
    gpu_display_info_t *out = &drv->cfg.info->display;
    out->num_scanouts = drv->num_scanouts;
    out->features = gpu_driver_features(drv);
    out->device_epoch = drv->device_epoch;
    for (uint32_t i = 0; i < GPU_MAX_SCANOUTS; i++) {
        bool valid = i < drv->num_scanouts;
        gpu_scanout_info_t s = {
                .rect = {.x = di.pmodes[i].r.x,
                         .y = di.pmodes[i].r.y,
                         .width = di.pmodes[i].r.width,
                         .height = di.pmodes[i].r.height},
                .enabled = valid && di.pmodes[i].enabled != 0,
                .edid_status = drv->edid[i].status,
                .edid_width = drv->edid[i].width,
                .edid_height = drv->edid[i].height,
                .width_mm = drv->edid[i].width_mm,
                .height_mm = drv->edid[i].height_mm,
        };
        out->scanouts[i] = valid ? s : (gpu_scanout_info_t){0};
    }
}

/*
 * Every command carries VIRTIO_GPU_FLAG_FENCE and its own fence id, which the
 * device echoes in the response header (virtio 1.2, "Device Operation: Request header"; QEMU's
 * virtio_gpu_ctrl_response). A header without them is not this command's
 * answer: a stale one left in the buffer, or one the device wrote elsewhere.
 */
static bool fence_matches(gpu_driver_t *drv, const gpu_driver_slot_t *s, const virtio_gpu_ctrl_hdr_t *h)
{
    if ((h->flags & VIRTIO_GPU_FLAG_FENCE) != 0 && h->fence_id == s->fence_id) {
        return true;
    }
    drv->stats.bad_fences++;
    LOG_ERR("request %u (code %u): response flags 0x%x fence %llu, command fence %llu\n", (unsigned)s->req_id,
            (unsigned)s->req_code, (unsigned)h->flags, (unsigned long long)h->fence_id,
            (unsigned long long)s->fence_id);
    return false;
}

/* The status for a completed command, from the used length and the response header. */
static uint32_t check_response(gpu_driver_t *drv, const gpu_driver_slot_t *s, const virtq_completion_t *c,
                               const uint8_t *resp)
{
    if (c->len < sizeof(virtio_gpu_ctrl_hdr_t) || c->len > c->writable_len) {
        drv->stats.bad_responses++;
        LOG_ERR("request %u: used length %u outside [%u, %u]\n", (unsigned)s->req_id, (unsigned)c->len,
                (unsigned)sizeof(virtio_gpu_ctrl_hdr_t), (unsigned)c->writable_len);
        return GPU_STATUS_DEVICE_ERROR;
    }
    virtio_gpu_ctrl_hdr_t hdr;
    memcpy(&hdr, resp, sizeof(hdr)); /* read the device's header once */
    if (!fence_matches(drv, s, &hdr)) {
        return GPU_STATUS_DEVICE_ERROR;
    }
    uint32_t type = hdr.type;
    if (type == s->ok_type) {
        if (c->len >= s->ok_len) {
            return GPU_STATUS_OK;
        }
        drv->stats.bad_responses++;
        LOG_ERR("request %u: response 0x%x of %u bytes, needs %u\n", (unsigned)s->req_id, (unsigned)type,
                (unsigned)c->len, (unsigned)s->ok_len);
        return GPU_STATUS_DEVICE_ERROR;
    }
    uint32_t status = gpu_driver_map_device_error(type);
    if (status == GPU_STATUS_DEVICE_ERROR) {
        drv->stats.bad_responses++;
        LOG_ERR("request %u (code %u): unexpected response type 0x%x\n", (unsigned)s->req_id, (unsigned)s->req_code,
                (unsigned)type);
    }
    return status;
}

static void complete(gpu_driver_t *drv, const virtq_completion_t *c)
{
    uint32_t slot = c->token; /* our own cookie, always a valid slot */
    gpu_driver_slot_t *s = &drv->slots[slot];
    bool edid = s->req_code == GPU_DRIVER_REQ_EDID;
    const uint8_t *resp = edid ? gpu_driver_edid_buffer(drv, s->scanout)
                               : drv->slot_mem + (size_t)slot * GPU_DRIVER_SLOT_BYTES + GPU_DRIVER_CMD_BYTES;
    uint32_t status = check_response(drv, s, c, resp);
    if (edid) {
        gpu_driver_edid_complete(drv, s, status);
    }
    if (status == GPU_STATUS_OK && s->req_code == GPU_REQ_GET_DISPLAY_INFO) {
        publish_display_info(drv, resp);
        drv->display_known = true;
    }
    drv->stats.completed++;
    gpu_driver_respond(drv, s->req_code, s->req_id, status);
    gpu_driver_release_slot(drv, slot);
}

/*
 * A bogus used id cannot name its request, but it still is the one used
 * element the device returns for some chain. Once the driver has consumed as
 * many used elements as chains it made available (see virtq_take_orphan), the
 * commands still in flight can never complete: answer each DEVICE_ERROR and
 * free its slot, keeping the device in service for everyone else. Returns how
 * many there were. `whose` names the queue in the log ("its", or "the
 * cursor queue's").
 */
uint32_t gpu_driver_answer_orphans(gpu_driver_t *drv, virtq_t *vq, const char *whose)
{
    uint32_t n = 0;
    uint32_t slot;
    while (drv->ready && virtq_take_orphan(vq, &slot)) {
        gpu_driver_slot_t *s = &drv->slots[slot]; /* our own cookie, always a valid slot */
        drv->stats.orphaned++;
        LOG_ERR("request %u (code %u): the device used up %s elements without naming this command; answered "
                "DEVICE_ERROR\n",
                (unsigned)s->req_id, (unsigned)s->req_code, whose);
        gpu_driver_respond(drv, s->req_code, s->req_id, GPU_STATUS_DEVICE_ERROR);
        gpu_driver_release_slot(drv, slot);
        n++;
    }
    return n;
}

/* A used entry whose id heads no command in flight (gpu_driver_harvest_queue()): counted, logged, skipped. */
void gpu_driver_bogus_used(gpu_driver_t *drv, const gpu_driver_queue_names_t *names, uint32_t bad_id)
{
    drv->stats.bogus_used++;
    LOG_ERR("%sused entry names descriptor %u, which heads no command in flight; skipped\n", names->prefix,
            (unsigned)bad_id);
}

/* Takes every used entry of the control queue, then of the cursor queue while a cursor command is out. */
static uint32_t harvest(gpu_driver_t *drv)
{
    static const gpu_driver_queue_names_t ctrl = {"", "its", "used index ran past the chains made available"};
    uint32_t seen = gpu_driver_harvest_queue(drv, &drv->ctrl, complete, &ctrl);
    /* The cursor queue only while a cursor command is out: a device that writes its used ring meanwhile is caught
     * (used index past the chains) at the next one. */
    return drv->ready && drv->cursor_in_flight != 0 ? seen + gpu_driver_cursor_harvest(drv) : seen;
}

/* --- configuration changes ---------------------------------------------------------------------------------------- */

static void handle_config_change(gpu_driver_t *drv)
{
    uint32_t status = ops(drv)->get_status(tctx(drv));
    if ((status & VIRTIO_STATUS_DEVICE_NEEDS_RESET) != 0) {
        gpu_driver_fault(drv, "device set DEVICE_NEEDS_RESET");
        return;
    }
    uint32_t events = ops(drv)->config_read32(tctx(drv), offsetof(virtio_gpu_config_t, events_read));
    if ((events & VIRTIO_GPU_EVENT_DISPLAY) != 0) {
        drv->stats.display_events++;
        drv->num_scanouts = gpu_driver_read_num_scanouts(drv);
        if (drv->edid_io != 0 && (drv->features & VIRTIO_FEATURE_BIT(VIRTIO_GPU_F_EDID)) != 0) {
            drv->edid_wanted = gpu_driver_edid_all(drv); /* the display may have changed: ask again */
        }
        gpu_event_raise(&drv->cfg.info->event);
        drv->signal_virt = true;
    }
    if ((events & ~VIRTIO_GPU_EVENT_DISPLAY) != 0) {
        drv->stats.unknown_events++;
        LOG_WARN("unknown device events 0x%x acknowledged\n", (unsigned)(events & ~VIRTIO_GPU_EVENT_DISPLAY));
    }
    if (events != 0) {
        ops(drv)->config_write32(tctx(drv), offsetof(virtio_gpu_config_t, events_clear), events);
    }
}

static void note_spurious(gpu_driver_t *drv, uint32_t cause)
{
    drv->stats.spurious_irqs++;
    uint64_t n = drv->stats.spurious_irqs;
    if ((n & (n - 1)) == 0) { /* log the 1st, 2nd, 4th, ... so a stuck line cannot flood the log */
        LOG_WARN("interrupt with nothing to do (cause 0x%x, %llu so far)\n", (unsigned)cause, (unsigned long long)n);
    }
}

/* --- requests ------------------------------------------------------------------------------------------------------
 */

/* Asks for a fence on the command just built in `cmd` (the device answers it as usual, echoing the id). */
static void stamp_fence(gpu_driver_t *drv, gpu_driver_slot_t *s, uint8_t *cmd)
{
    uint32_t flags = VIRTIO_GPU_FLAG_FENCE;
    s->fence_id = drv->next_fence++;
    memcpy(cmd + offsetof(virtio_gpu_ctrl_hdr_t, flags), &flags, sizeof(flags));
    memcpy(cmd + offsetof(virtio_gpu_ctrl_hdr_t, fence_id), &s->fence_id, sizeof(s->fence_id));
}

/* Sends the command built in `slot` (the top of the free list), its answer going to [resp_io, + resp_len). */
static void send(gpu_driver_t *drv, uint32_t slot, uint64_t resp_io, uint32_t resp_len)
{
    gpu_driver_slot_t *s = &drv->slots[slot];
    uint8_t *cmd = drv->slot_mem + (size_t)slot * GPU_DRIVER_SLOT_BYTES;
    stamp_fence(drv, s, cmd);
    uint64_t io = drv->slot_io + (uint64_t)slot * GPU_DRIVER_SLOT_BYTES;
    virtq_buf_t bufs[2] = {
            {.io_addr = io, .len = s->cmd_len, .device_writes = 0},
            {.io_addr = resp_io, .len = resp_len, .device_writes = 1},
    };
    /* Cannot fail: the caller checked for two free descriptors. */
    virtq_add(&drv->ctrl, bufs, 2, slot);
    drv->num_free_slots--;
    s->in_use = 1;
    s->submit_tick = drv->ticks;
    if (s->req_code == GPU_REQ_GET_DISPLAY_INFO) {
        drv->info_in_flight++;
    }
    drv->stats.submitted++;
}

static void submit(gpu_driver_t *drv, const gpu_req_t *req)
{
    uint32_t slot = drv->free_slots[drv->num_free_slots - 1];
    gpu_driver_slot_t *s = &drv->slots[slot];
    uint8_t *cmd = drv->slot_mem + (size_t)slot * GPU_DRIVER_SLOT_BYTES;
    uint32_t status = gpu_driver_build_command(drv, req, cmd, s);
    if (status != GPU_STATUS_OK) {
        gpu_driver_respond(drv, req->code, req->id, status);
        return;
    }
    s->req_code = req->code;
    s->req_id = req->id;
    uint64_t io = drv->slot_io + (uint64_t)slot * GPU_DRIVER_SLOT_BYTES;
    send(drv, slot, io + GPU_DRIVER_CMD_BYTES, GPU_DRIVER_RESP_BYTES);
}

/*
 * Before a GET_DISPLAY_INFO goes out: the GET_EDID of every scanout whose
 * EDID is wanted, if slots and descriptors remain for all of them and the
 * GET_DISPLAY_INFO itself (else they wait for the next one). A device that
 * completes in order answers them first, so that display info carries them.
 */
static void submit_wanted_edids(gpu_driver_t *drv)
{
    uint32_t n = (uint32_t)__builtin_popcount(drv->edid_wanted);
    if (n == 0 || drv->num_free_slots < n + 1 || virtq_num_free(&drv->ctrl) < 2 * (n + 1)) {
        return;
    }
    while (drv->edid_wanted != 0) {
        uint32_t scanout = (uint32_t)__builtin_ctz(drv->edid_wanted);
        drv->edid_wanted &= drv->edid_wanted - 1;
        uint32_t slot = drv->free_slots[drv->num_free_slots - 1];
        gpu_driver_slot_t *s = &drv->slots[slot];
        gpu_driver_edid_build(drv, s, drv->slot_mem + (size_t)slot * GPU_DRIVER_SLOT_BYTES, scanout);
        send(drv, slot, gpu_driver_edid_buffer_io(drv, scanout), GPU_DRIVER_EDID_BYTES);
    }
}

/*
 * Until a GET_DISPLAY_INFO has been answered OK on the device as it is now,
 * every other request is refused without reaching it: NOT_READY at start
 * (docs/protocol.md section 4), DEVICE_ERROR after a recovery (section 11),
 * so that nothing the virtualiser meant for the old device reaches the new
 * one before the virtualiser has seen the new device_epoch.
 */
static uint32_t gate_status(const gpu_driver_t *drv, uint32_t code)
{
    if (!drv->ready) {
        return GPU_STATUS_DEVICE_ERROR;
    }
    if (drv->display_known || code == GPU_REQ_GET_DISPLAY_INFO) {
        return GPU_STATUS_OK;
    }
    return drv->device_epoch == 0 ? GPU_STATUS_NOT_READY : GPU_STATUS_DEVICE_ERROR;
}

static void handle_request(gpu_driver_t *drv, const gpu_req_t *req)
{
    drv->stats.requests++;
    uint32_t gate = gate_status(drv, req->code);
    if (req->code == 0 || req->code > GPU_REQ_MAX) {
        gpu_driver_respond(drv, req->code, req->id, GPU_STATUS_UNSUPPORTED);
    } else if (gate != GPU_STATUS_OK) {
        gpu_driver_respond(drv, req->code, req->id, gate);
    } else if (gpu_driver_is_cursor(req->code)) {
        gpu_driver_cursor_submit(drv, req);
    } else {
        if (req->code == GPU_REQ_GET_DISPLAY_INFO) {
            submit_wanted_edids(drv);
        }
        submit(drv, req);
    }
}

/* True if a command slot and its descriptors are free (always, once the device failed: answers are immediate). */
static bool have_command_resources(const gpu_driver_t *drv)
{
    return !drv->ready || (drv->num_free_slots > 0 && virtq_num_free(&drv->ctrl) >= 2);
}

/* True if the response queue has room for one more answer beyond those owed to commands in flight. */
static bool reserve_response(gpu_driver_t *drv)
{
    uint32_t owed = in_flight(drv);
    if (gpu_queue_cached_space(&drv->resp_q) > owed || gpu_queue_space(&drv->resp_q) > owed) {
        return true; /* the cached head is enough most of the time; refresh (A2) only when it is not */
    }
    if (owed > 0) {
        return false; /* the next completion resumes us */
    }
    /* Full and nothing in flight: ask the virtualiser to notify us when it frees a slot. */
    return !gpu_queue_producer_arm(&drv->resp_q);
}

/* Consumer side: hand back the `taken` request slots read since the last hand-back, once. */
static void release_requests(gpu_driver_t *drv, uint32_t *taken)
{
    if (*taken != 0) {
        gpu_queue_consumer_release(&drv->req_q, *taken); /* (R2): pairs with the virtualiser's (A2) */
        drv->req_popped = true;
        *taken = 0;
    }
}

/*
 * Consumer side: the next request from the queue into *req. The fill level
 * is read once per look (A1) into *ready and the slots are handed back once
 * per look (R2), not per request; each request is copied out of its slot
 * once and only the copy is used. Returns 1 for a request, 0 when the queue
 * is empty and armed, -1 to look again (the arm found a request).
 */
static int next_queued(gpu_driver_t *drv, gpu_req_t *req, uint32_t *taken, uint32_t *ready)
{
    if (*ready == 0) {
        release_requests(drv, taken);           /* before arming: the arm's re-check counts from our head */
        *ready = gpu_queue_length(&drv->req_q); /* (A1): pairs with the virtualiser's (R1) */
        if (*ready == 0 && gpu_queue_consumer_arm(&drv->req_q)) {
            return 0; /* empty: the virtualiser notifies us on its next enqueue */
        }
        *ready = gpu_queue_cached_length(&drv->req_q); /* the arm's re-check may have refreshed it */
        if (*ready == 0) {
            return -1;
        }
    }
    memcpy(req, gpu_queue_slot(&drv->req_q, drv->req_q.own + *taken, sizeof(*req)), sizeof(*req)); /* read once */
    (*taken)++;
    (*ready)--;
    return 1;
}

/*
 * The next request to handle, into *req: the held one once the ordering
 * rule lets it go, else the next one from the queue (which the rule may hold
 * in turn: gpu_driver_cursor.c). Returns 1 for a request, 0 to stop (empty
 * and armed, or held), -1 to look again.
 */
static int next_request(gpu_driver_t *drv, gpu_req_t *req, uint32_t *taken, uint32_t *ready)
{
    if (drv->has_held) {
        if (gpu_driver_cursor_must_wait(drv, drv->held.code)) {
            return 0; /* a completion resumes us */
        }
        *req = drv->held;
        drv->has_held = false;
        return 1;
    }
    int got = next_queued(drv, req, taken, ready);
    if (got > 0 && gpu_driver_cursor_must_wait(drv, req->code)) {
        drv->held = *req; /* its response slot stays reserved: nothing else is taken before it */
        drv->has_held = true;
        drv->stats.held++;
        return 0;
    }
    return got;
}

static void take_requests(gpu_driver_t *drv)
{
    uint32_t taken = 0;
    uint32_t ready = 0;
    while (have_command_resources(drv) && reserve_response(drv)) {
        gpu_req_t req;
        int got = next_request(drv, &req, &taken, &ready);
        if (got == 0) {
            break;
        }
        if (got > 0) {
            handle_request(drv, &req);
        }
    }
    release_requests(drv, &taken);
    if (drv->ready && virtq_publish(&drv->ctrl)) {
        drv->stats.notifies++;
        ops(drv)->queue_notify(tctx(drv), VIRTIO_GPU_QUEUE_CONTROL);
    }
    if (drv->ready && drv->cursor_in_flight != 0) {
        gpu_driver_cursor_publish(drv);
    }
}

/* After a handler: does the virtualiser want to hear about responses or freed request slots? */
static void finish(gpu_driver_t *drv)
{
    if (drv->resp_pushed && gpu_queue_producer_must_signal(&drv->resp_q)) {
        drv->signal_virt = true;
    }
    if (drv->req_popped && gpu_queue_consumer_must_signal(&drv->req_q)) {
        drv->signal_virt = true;
    }
    drv->resp_pushed = false;
    drv->req_popped = false;
}

/*
 * The cause is taken (read and acknowledged) even from a failed device: on a
 * level-triggered line an unacknowledged cause would interrupt again after
 * every IRQ ack. A failed device's causes are otherwise ignored (a display
 * event would only make the virtualiser re-query a device that cannot answer).
 */
void gpu_driver_handle_irq(gpu_driver_t *drv)
{
    uint32_t cause = drv->cfg.transport != NULL ? ops(drv)->interrupt_take(tctx(drv)) : 0;
    uint32_t work = 0;
    if (drv->ready && (cause & VIRTIO_MMIO_INT_CONFIG) != 0) {
        handle_config_change(drv);
        work++;
    }
    if (drv->ready && (cause & VIRTIO_MMIO_INT_VRING) != 0) {
        work += harvest(drv);
    }
    if (work == 0) {
        note_spurious(drv, cause);
    }
    take_requests(drv);
    finish(drv);
}

void gpu_driver_handle_requests(gpu_driver_t *drv)
{
    take_requests(drv);
    finish(drv);
}

void gpu_driver_tick(gpu_driver_t *drv)
{
    if (drv->cfg.transport != NULL) {
        gpu_driver_tick_work(drv);
    }
    take_requests(drv);
    finish(drv);
}

bool gpu_driver_take_signal(gpu_driver_t *drv)
{
    bool s = drv->signal_virt;
    drv->signal_virt = false;
    return s;
}
