/*
 * gpu_client: request ids, batching, response matching and display info.
 * See gpu_client.h for the model; docs/protocol.md for the rules.
 *
 * Ids. The low bits of an id index the pending table, the high bits are a
 * sequence number, so a response is matched in O(1) and a stale or forged id
 * (slot free, or sequence or code different) is dropped rather than
 * completing someone else's request.
 */
#define SDDF_LOG_COMPONENT "GPU_CLIENT"

#include <string.h>

#include <sddf/gpu/event.h>
#include <sddf/log.h>

#include "gpu_client.h"

_Static_assert((GPU_CLIENT_MAX_PENDING & (GPU_CLIENT_MAX_PENDING - 1)) == 0, "pending table is a power of two");

#define SLOT_MASK  (GPU_CLIENT_MAX_PENDING - 1)
#define SLOT_BITS  6u
#define RESP_BATCH 16u

_Static_assert((1u << SLOT_BITS) == GPU_CLIENT_MAX_PENDING, "SLOT_BITS matches the table");

static void client_request_info(gpu_client_t *c);

static bool config_valid(const gpu_client_config_t *cfg)
{
    if (cfg->magic != GPU_CLIENT_CONFIG_MAGIC || cfg->version != GPU_CLIENT_CONFIG_VERSION) {
        LOG_ERR("config magic 0x%x version %u, expected 0x%x version %u\n", cfg->magic, cfg->version,
                GPU_CLIENT_CONFIG_MAGIC, GPU_CLIENT_CONFIG_VERSION);
        return false;
    }
    if (cfg->req_region == NULL || cfg->resp_region == NULL || cfg->info == NULL || cfg->notify == NULL) {
        LOG_ERR("config lacks a queue region, the info region or notify\n");
        return false;
    }
    if (!gpu_queue_capacity_valid(cfg->req_capacity) || !gpu_queue_capacity_valid(cfg->resp_capacity)) {
        LOG_ERR("queue capacities %u/%u are not powers of two\n", cfg->req_capacity, cfg->resp_capacity);
        return false;
    }
    if (cfg->data == NULL && cfg->data_size != 0) {
        LOG_ERR("config has a data size but no data region\n");
        return false;
    }
    return true;
}

bool gpu_client_init(gpu_client_t *c, const gpu_client_config_t *cfg)
{
    memset(c, 0, sizeof(*c));
    if (!config_valid(cfg)) {
        return false;
    }
    c->cfg = *cfg;
    gpu_queue_init(&c->req_q, cfg->req_region, cfg->req_capacity, true);
    gpu_queue_init(&c->resp_q, cfg->resp_region, cfg->resp_capacity, false);
    c->next_seq = 1;
    return true;
}

void gpu_client_op_init(gpu_client_op_t *op, gpu_client_done_fn done, void *ctx)
{
    memset(op, 0, sizeof(*op));
    op->done = done;
    op->ctx = ctx;
}

bool gpu_client_op_busy(const gpu_client_op_t *op)
{
    return op->outstanding != 0;
}

uint32_t gpu_client_capacity(const gpu_client_t *c)
{
    return GPU_CLIENT_MAX_PENDING - c->pending_count;
}

uint32_t gpu_client_staged(const gpu_client_t *c)
{
    return c->staged_count;
}

bool gpu_client_ready(const gpu_client_t *c)
{
    return c->ready;
}

const gpu_display_info_t *gpu_client_display(const gpu_client_t *c)
{
    return &c->display;
}

bool gpu_client_has_blob(const gpu_client_t *c)
{
    return c->ready && (c->display.features & GPU_FEATURE_BLOB) != 0;
}

void gpu_client_get_stats(const gpu_client_t *c, gpu_client_stats_t *out)
{
    *out = c->stats;
}

static uint32_t pending_alloc(gpu_client_t *c)
{
    for (uint32_t i = 0; i < GPU_CLIENT_MAX_PENDING; i++) {
        uint32_t slot = (c->next_slot + i) & SLOT_MASK;
        if (!c->pending[slot].in_use) {
            c->next_slot = (slot + 1) & SLOT_MASK;
            return slot;
        }
    }
    return GPU_CLIENT_MAX_PENDING;
}

bool gpu_client_enqueue(gpu_client_t *c, gpu_client_op_t *op, const gpu_req_t *req)
{
    if (c->pending_count >= GPU_CLIENT_MAX_PENDING || c->staged_count >= GPU_CLIENT_MAX_STAGED) {
        return false;
    }
    uint32_t slot = pending_alloc(c);
    if (slot >= GPU_CLIENT_MAX_PENDING) {
        return false; /* cannot happen while pending_count is right; refuse rather than overwrite */
    }
    gpu_client_pending_t *p = &c->pending[slot];
    p->id = (c->next_seq++ << SLOT_BITS) | slot;
    p->code = req->code;
    p->op = op;
    p->in_use = 1;
    p->published = 0;
    c->pending_count++;
    if (op != NULL) {
        p->index = op->count++;
        op->outstanding++;
    }
    gpu_req_t *staged = &c->staged[c->staged_count++];
    *staged = *req;
    staged->id = p->id;
    return true;
}

/* Pushes as much of the staging area as fits; arms for space when some is left. True if anything went out. */
static bool publish_staged(gpu_client_t *c)
{
    bool any = false;
    while (c->staged_count != 0) {
        uint32_t n = gpu_req_enqueue_batch(&c->req_q, c->staged, c->staged_count);
        if (n != 0) {
            any = true;
            for (uint32_t i = 0; i < n; i++) {
                c->pending[c->staged[i].id & SLOT_MASK].published = 1;
            }
            c->stats.requests += n;
            c->staged_count -= n;
            memmove(c->staged, c->staged + n, (size_t)c->staged_count * sizeof(gpu_req_t));
            continue;
        }
        c->stats.queue_full++;
        if (gpu_queue_producer_arm(&c->req_q)) {
            break; /* still full: the server notifies us when it frees a slot */
        }
    }
    return any;
}

static void submit_now(gpu_client_t *c)
{
    if (publish_staged(c) && gpu_queue_producer_must_signal(&c->req_q)) {
        c->want_notify = true;
    }
    if (c->want_notify) {
        c->want_notify = false;
        c->stats.notifications++;
        c->cfg.notify(c->cfg.ctx);
    }
}

void gpu_client_submit(gpu_client_t *c)
{
    if (!c->in_handler) {
        submit_now(c); /* inside the handler, its end publishes everything staged */
    }
}

static void op_record(gpu_client_op_t *op, const gpu_client_pending_t *p, uint32_t status)
{
    if (status != GPU_STATUS_OK && (op->status == GPU_STATUS_OK || p->index < op->failed_index)) {
        op->status = status;
        op->failed_code = p->code;
        op->failed_index = p->index;
    }
}

static void dispatch_response(gpu_client_t *c, const gpu_resp_t *resp)
{
    gpu_client_pending_t *p = &c->pending[resp->id & SLOT_MASK];
    if (!p->in_use || !p->published || p->id != resp->id || p->code != resp->code) {
        c->stats.bad_responses++;
        LOG_WARN("dropped response id 0x%x code %u: matches no request in flight\n", resp->id, resp->code);
        return;
    }
    gpu_client_op_t *op = p->op;
    p->in_use = 0;
    c->pending_count--;
    c->stats.responses++;
    if (op == NULL) {
        return;
    }
    op_record(op, p, resp->status);
    if (op->outstanding != 0) {
        op->outstanding--;
    }
    if (op->outstanding == 0 && op->done != NULL) {
        op->done(c, op);
    }
}

/* Drains the response queue, then arms it; loops if responses slipped in. */
static void drain_responses(gpu_client_t *c)
{
    gpu_resp_t batch[RESP_BATCH];
    for (;;) {
        uint32_t n;
        while ((n = gpu_resp_dequeue_batch(&c->resp_q, batch, RESP_BATCH)) != 0) {
            if (gpu_queue_consumer_must_signal(&c->resp_q)) {
                c->want_notify = true; /* the server waits for space in our response queue */
            }
            for (uint32_t i = 0; i < n; i++) {
                dispatch_response(c, &batch[i]);
            }
        }
        if (gpu_queue_consumer_arm(&c->resp_q)) {
            return;
        }
    }
}

/* Copies display info out of shared memory once and checks the copy. */
static bool display_copy(gpu_client_t *c)
{
    gpu_display_info_t copy;
    memcpy(&copy, &c->cfg.info->display, sizeof(copy));
    if (copy.num_scanouts > GPU_MAX_SCANOUTS) {
        LOG_ERR("display info lists %u scanouts (max %u): ignored\n", copy.num_scanouts, GPU_MAX_SCANOUTS);
        return false;
    }
    c->display = copy;
    return true;
}

static void info_done(gpu_client_t *c, gpu_client_op_t *op)
{
    c->info_in_flight = false;
    if (op->status != GPU_STATUS_OK || !display_copy(c)) {
        /* Not retried in a loop: the next display-info event asks again. */
        c->stats.display_errors++;
        LOG_ERR("GET_DISPLAY_INFO failed: %s\n", gpu_client_status_name(op->status));
        return;
    }
    bool reset = c->ready && c->display.device_epoch != c->device_epoch;
    c->device_epoch = c->display.device_epoch;
    c->ready = true;
    if (reset) {
        /* The device was reset: every resource of ours is gone (docs/protocol.md, "Device loss"). */
        c->stats.device_resets++;
        LOG_WARN("the device was reset: resources are gone\n");
        if (c->cfg.device_reset != NULL) {
            c->cfg.device_reset(c, c->cfg.ctx);
        }
    }
    if (c->cfg.display_changed != NULL) {
        c->cfg.display_changed(c, c->cfg.ctx);
    }
    if (c->info_again) {
        client_request_info(c); /* an event arrived while this query was in flight */
    }
}

static void client_request_info(gpu_client_t *c)
{
    if (c->info_in_flight) {
        c->info_again = true;
        return;
    }
    gpu_client_op_init(&c->info_op, info_done, NULL);
    if (!gpu_client_get_display_info(c, &c->info_op)) {
        c->info_again = true; /* pending table full: try again on the next notification */
        return;
    }
    c->info_in_flight = true;
    c->info_again = false;
    gpu_client_submit(c);
}

/*
 * Responses already in the queue before we sent anything belong to a
 * previous instance of this client (restarted after a fault, README.md):
 * drop them, so that none can match a new request with a reused id.
 */
static void drop_stale_responses(gpu_client_t *c)
{
    uint32_t n = gpu_queue_length(&c->resp_q);
    gpu_queue_consumer_release(&c->resp_q, n);
    c->stats.stale_responses += n;
}

void gpu_client_start(gpu_client_t *c)
{
    drop_stale_responses(c);
    c->in_handler = true;
    (void)gpu_event_take(&c->cfg.info->event, &c->event_generation); /* the query below answers any old event */
    client_request_info(c);
    drain_responses(c);
    c->in_handler = false;
    /* Notify whatever the server's signal flag says: a previous instance may have taken the flag and died before
     * its notification went out, and the server would wait for it for ever (docs/protocol.md section 10). */
    c->want_notify = true;
    submit_now(c);
}

static void take_event(gpu_client_t *c)
{
    uint32_t generation;
    if (gpu_event_take(&c->cfg.info->event, &generation)) {
        c->stats.events++;
        c->event_generation = generation;
        client_request_info(c);
    } else if (c->info_again && !c->info_in_flight) {
        client_request_info(c); /* an earlier query could not be staged */
    }
}

void gpu_client_notified(gpu_client_t *c)
{
    c->in_handler = true;
    drain_responses(c);
    take_event(c);
    c->in_handler = false;
    submit_now(c);
}

static bool stage(gpu_client_t *c, gpu_client_op_t *op, gpu_req_t *req, uint32_t code)
{
    req->code = code;
    req->id = 0;
    return gpu_client_enqueue(c, op, req);
}

bool gpu_client_get_display_info(gpu_client_t *c, gpu_client_op_t *op)
{
    gpu_req_t req = {0};
    return stage(c, op, &req, GPU_REQ_GET_DISPLAY_INFO);
}

bool gpu_client_create_2d(gpu_client_t *c, gpu_client_op_t *op, uint32_t resource_id, uint32_t format, uint32_t width,
                          uint32_t height)
{
    gpu_req_t req = {0};
    req.create_2d =
            (gpu_req_create_2d_t){.resource_id = resource_id, .format = format, .width = width, .height = height};
    return stage(c, op, &req, GPU_REQ_RESOURCE_CREATE_2D);
}

bool gpu_client_create_blob(gpu_client_t *c, gpu_client_op_t *op, uint32_t resource_id, uint64_t mem_offset,
                            uint64_t size)
{
    gpu_req_t req = {0};
    req.create_blob = (gpu_req_create_blob_t){.resource_id = resource_id, .mem_addr = mem_offset, .size = size};
    return stage(c, op, &req, GPU_REQ_RESOURCE_CREATE_BLOB);
}

bool gpu_client_unref(gpu_client_t *c, gpu_client_op_t *op, uint32_t resource_id)
{
    gpu_req_t req = {0};
    req.unref.resource_id = resource_id;
    return stage(c, op, &req, GPU_REQ_RESOURCE_UNREF);
}

bool gpu_client_attach_backing(gpu_client_t *c, gpu_client_op_t *op, uint32_t resource_id, uint64_t mem_offset,
                               uint64_t size)
{
    gpu_req_t req = {0};
    req.attach_backing = (gpu_req_attach_backing_t){.resource_id = resource_id, .mem_addr = mem_offset, .size = size};
    return stage(c, op, &req, GPU_REQ_RESOURCE_ATTACH_BACKING);
}

bool gpu_client_detach_backing(gpu_client_t *c, gpu_client_op_t *op, uint32_t resource_id)
{
    gpu_req_t req = {0};
    req.detach_backing.resource_id = resource_id;
    return stage(c, op, &req, GPU_REQ_RESOURCE_DETACH_BACKING);
}

bool gpu_client_set_scanout(gpu_client_t *c, gpu_client_op_t *op, uint32_t scanout_id, uint32_t resource_id,
                            gpu_rect_t rect)
{
    gpu_req_t req = {0};
    req.set_scanout = (gpu_req_set_scanout_t){.scanout_id = scanout_id, .resource_id = resource_id, .rect = rect};
    return stage(c, op, &req, GPU_REQ_SET_SCANOUT);
}

bool gpu_client_set_scanout_blob(gpu_client_t *c, gpu_client_op_t *op, const gpu_req_set_scanout_blob_t *body)
{
    gpu_req_t req = {0};
    req.set_scanout_blob = *body;
    return stage(c, op, &req, GPU_REQ_SET_SCANOUT_BLOB);
}

bool gpu_client_transfer_to_2d(gpu_client_t *c, gpu_client_op_t *op, uint32_t resource_id, gpu_rect_t rect,
                               uint64_t offset)
{
    gpu_req_t req = {0};
    req.transfer_to_2d = (gpu_req_transfer_to_2d_t){.resource_id = resource_id, .rect = rect, .offset = offset};
    return stage(c, op, &req, GPU_REQ_TRANSFER_TO_2D);
}

bool gpu_client_flush(gpu_client_t *c, gpu_client_op_t *op, uint32_t resource_id, gpu_rect_t rect)
{
    gpu_req_t req = {0};
    req.flush = (gpu_req_flush_t){.resource_id = resource_id, .rect = rect};
    return stage(c, op, &req, GPU_REQ_RESOURCE_FLUSH);
}

bool gpu_client_update_cursor(gpu_client_t *c, gpu_client_op_t *op, uint32_t scanout_id, uint32_t resource_id,
                              uint32_t x, uint32_t y, uint32_t hot_x, uint32_t hot_y)
{
    gpu_req_t req = {0};
    req.update_cursor = (gpu_req_update_cursor_t){
            .scanout_id = scanout_id, .resource_id = resource_id, .x = x, .y = y, .hot_x = hot_x, .hot_y = hot_y};
    return stage(c, op, &req, GPU_REQ_UPDATE_CURSOR);
}

bool gpu_client_move_cursor(gpu_client_t *c, gpu_client_op_t *op, uint32_t scanout_id, uint32_t x, uint32_t y)
{
    gpu_req_t req = {0};
    req.move_cursor = (gpu_req_move_cursor_t){.scanout_id = scanout_id, .x = x, .y = y};
    return stage(c, op, &req, GPU_REQ_MOVE_CURSOR);
}

bool gpu_client_present(gpu_client_t *c, gpu_client_op_t *op, uint32_t scanout_id, uint32_t resource_id, uint64_t fence)
{
    gpu_req_t req = {0};
    req.present = (gpu_req_present_t){.scanout_id = scanout_id, .resource_id = resource_id, .fence = fence};
    return stage(c, op, &req, GPU_REQ_PRESENT);
}

uint64_t gpu_client_present_fence(const gpu_client_t *c)
{
    /* (A) pairs with the server's release store of the word after the device showed the resource */
    return __atomic_load_n(&c->cfg.info->event.present_fence, __ATOMIC_ACQUIRE);
}

const char *gpu_client_status_name(uint32_t status)
{
    static const char *const names[] = {
            "OK",
            "UNSPEC",
            "OUT_OF_MEMORY",
            "INVALID_SCANOUT_ID",
            "INVALID_RESOURCE_ID",
            "INVALID_PARAMETER",
            "OUT_OF_BOUNDS",
            "UNSUPPORTED",
            "NOT_READY",
            "DEVICE_ERROR",
    };
    _Static_assert(sizeof(names) / sizeof(names[0]) == GPU_STATUS_MAX + 1, "a name per status");
    return status <= GPU_STATUS_MAX ? names[status] : "?";
}
