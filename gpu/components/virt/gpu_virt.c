/*
 * GPU virtualiser core: the entry points and the event loop. See gpu_virt.h
 * for the interface, README.md for the policy, gpu_virt_internal.h for
 * which file holds what. Nothing in the core trusts a client or the driver.
 *
 * One event (a notification, or a release) is handled in three steps: take
 * every driver answer there is; send the virtualiser's own display query
 * and settle a device loss; serve the clients (the one that notified, or
 * all of them in turn). Only then are the queues published and the peers'
 * signals looked at, once per queue (notify_collect()).
 */
#define SDDF_LOG_COMPONENT "GPU_VIRT"

#include <string.h>

#include <sddf/gpu/event.h>
#include <sddf/log.h>

#include "gpu_virt_internal.h"

/* ---- the event loop ---- */

/*
 * Publish what this event staged and say whom to signal: each queue's index
 * is stored once (release), then the peer's signal flag is looked at once.
 */
static inline __attribute__((always_inline)) void notify_collect_driver(gpu_virt_t *virt, gpu_virt_notify_t *notify)
{
    if (virt->drv_req_published) {
        gpu_queue_producer_flush(&virt->drv_req); /* (R1): pairs with the driver's (A1) */
        if (gpu_queue_producer_must_signal(&virt->drv_req)) {
            notify->driver = true;
        }
    }
    if (virt->drv_resp_released && gpu_queue_consumer_must_signal(&virt->drv_resp)) {
        notify->driver = true;
    }
    virt->drv_req_published = 0;
    virt->drv_resp_released = 0;
}

static void notify_collect(gpu_virt_t *virt, gpu_virt_notify_t *notify)
{
    notify_collect_driver(virt, notify);
    uint32_t signal = virt->pending_events;
    for (uint32_t m = virt->resp_staged; m != 0; m &= m - 1) {
        gpu_queue_t *resp = &virt->clients[__builtin_ctz(m)].resp;
        gpu_queue_producer_flush(resp); /* (R1): pairs with the client's (A1) */
        if (gpu_queue_producer_must_signal(resp)) {
            signal |= m & -m;
        }
    }
    for (uint32_t m = virt->req_freed; m != 0; m &= m - 1) {
        if (gpu_queue_consumer_must_signal(&virt->clients[__builtin_ctz(m)].req)) {
            signal |= m & -m;
        }
    }
    notify->clients |= signal;
    if (virt->pending_released != 0) {
        notify->released |= virt->pending_released;
        virt->pending_released = 0;
    }
    virt->resp_staged = 0;
    virt->req_freed = 0;
    virt->pending_events = 0;
}

/*
 * notify_collect() after client `cl`'s own notification, without its loops:
 * only `cl`'s queues and the driver's request queue can have been touched
 * (the serve takes only its requests, answers only it and drains nothing;
 * display events come only with driver answers), and a release it finished
 * is reported as always.
 */
static void notify_collect_client(gpu_virt_t *virt, gpu_virt_client_t *cl, gpu_virt_notify_t *notify)
{
    notify_collect_driver(virt, notify);
    bool signal = false;
    if (virt->resp_staged != 0) {
        gpu_queue_producer_flush(&cl->resp); /* (R1): pairs with the client's (A1) */
        signal = gpu_queue_producer_must_signal(&cl->resp);
    }
    if (virt->req_freed != 0 && gpu_queue_consumer_must_signal(&cl->req)) {
        signal = true;
    }
    if (signal) {
        notify->clients |= cl->bit;
    }
    if (virt->pending_released != 0) {
        notify->released |= virt->pending_released;
        virt->pending_released = 0;
    }
    virt->resp_staged = 0;
    virt->req_freed = 0;
}

/*
 * One turn of every client, GPU_VIRT_BATCH requests each, starting with the
 * one after the last client that sent the driver a request (so room is
 * shared in turn). Returns true if some client used its whole turn: it may
 * have more, so another round is due.
 */
static bool clients_round(gpu_virt_t *virt)
{
    bool more = false;
    uint32_t c = virt->last_sent + 1 == virt->num_clients ? 0 : virt->last_sent + 1;
    for (uint32_t i = 0; i < virt->num_clients; i++) {
        gpu_virt_client_t *cl = &virt->clients[c];
        if (!virt_client_idle(cl) && virt_client_serve(virt, cl, GPU_VIRT_BATCH, true) == GPU_VIRT_BATCH) {
            more = true;
        }
        c = c + 1 == virt->num_clients ? 0 : c + 1;
    }
    return more;
}

/* Rounds while some client used its whole turn (out of line: most driver notifications find every client idle). */
__attribute__((noinline)) static void clients_rounds(gpu_virt_t *virt)
{
    while (clients_round(virt)) {
    }
}

/*
 * Driver answers first (they settle what requests wait for), then the
 * display query and a device loss, then every client in turn, round after
 * round while some client still has work. Nothing else needs a second look:
 * answers that arrive meanwhile come with a notification (the drain armed
 * it), and a client that got no driver room waits for the driver's. Each
 * phase with nothing to do costs one test: no query wanted, no loss, or
 * every client left idle by its latest serve (clients_idle; only a serve
 * sets a bit, and whatever makes a client busy clears it).
 */
static void virt_run(gpu_virt_t *virt, gpu_virt_notify_t *notify)
{
    virt_driver_drain(virt);
    if (virt->display_wanted) {
        virt_display_pump(virt);
    }
    if (virt->device_lost) {
        virt_device_forget(virt);
    }
    if (virt->clients_idle != virt->clients_all) {
        clients_rounds(virt);
    }
    notify_collect(virt, notify);
}

/* ---- configuration ---- */

static int config_check_client(const gpu_virt_client_config_t *c, uint8_t *owned)
{
    if (c->conn.req_queue == 0 || c->conn.resp_queue == 0 || c->conn.info == 0 ||
        !gpu_queue_capacity_valid(c->conn.req_capacity) || !gpu_queue_capacity_valid(c->conn.resp_capacity)) {
        return GPU_VIRT_ERR_QUEUE;
    }
    if (c->max_resources == 0 || c->max_resources > GPU_VIRT_MAX_RESOURCES_PER_CLIENT) {
        return GPU_VIRT_ERR_RESOURCES;
    }
    if (c->data_io_base + c->data_size < c->data_io_base) {
        return GPU_VIRT_ERR_DATA;
    }
    if (c->num_scanouts > GPU_MAX_SCANOUTS) {
        return GPU_VIRT_ERR_SCANOUTS;
    }
    for (uint32_t i = 0; i < c->num_scanouts; i++) {
        if (c->scanouts[i] >= GPU_MAX_SCANOUTS || owned[c->scanouts[i]]) {
            return GPU_VIRT_ERR_SCANOUTS; /* absent, or owned twice */
        }
        owned[c->scanouts[i]] = 1;
    }
    return GPU_VIRT_OK;
}

/* Data windows of different clients must not overlap in IO space: that is what keeps their memory apart. */
static bool config_windows_disjoint(const gpu_virt_config_t *cfg)
{
    for (uint32_t i = 0; i < cfg->num_clients; i++) {
        const gpu_virt_client_config_t *a = &cfg->clients[i];
        for (uint32_t j = i + 1; j < cfg->num_clients; j++) {
            const gpu_virt_client_config_t *b = &cfg->clients[j];
            bool apart = a->data_io_base + a->data_size <= b->data_io_base ||
                         b->data_io_base + b->data_size <= a->data_io_base;
            if (a->data_size != 0 && b->data_size != 0 && !apart) {
                return false;
            }
        }
    }
    return true;
}

/* The memory budgets together fit the device's memory, so no client's use can make another's create fail. */
static bool config_budgets_fit(const gpu_virt_config_t *cfg)
{
    uint64_t left = cfg->device_memory;
    for (uint32_t i = 0; i < cfg->num_clients; i++) {
        if (cfg->clients[i].max_memory > left) {
            return false;
        }
        left -= cfg->clients[i].max_memory;
    }
    return true;
}

static int config_check(const gpu_virt_config_t *cfg)
{
    if (cfg->magic != GPU_VIRT_CONFIG_MAGIC) {
        return GPU_VIRT_ERR_MAGIC;
    }
    if (cfg->version != GPU_VIRT_CONFIG_VERSION) {
        return GPU_VIRT_ERR_VERSION;
    }
    if (cfg->num_clients == 0 || cfg->num_clients > GPU_VIRT_MAX_CLIENTS) {
        return GPU_VIRT_ERR_CLIENTS;
    }
    if (cfg->driver.req_queue == 0 || cfg->driver.resp_queue == 0 || cfg->driver.info == 0 ||
        !gpu_queue_capacity_valid(cfg->driver.req_capacity) || !gpu_queue_capacity_valid(cfg->driver.resp_capacity)) {
        return GPU_VIRT_ERR_QUEUE;
    }
    uint8_t owned[GPU_MAX_SCANOUTS] = {0};
    uint64_t quota = 0;
    for (uint32_t i = 0; i < cfg->num_clients; i++) {
        int err = config_check_client(&cfg->clients[i], owned);
        if (err != GPU_VIRT_OK) {
            return err;
        }
        quota += cfg->clients[i].max_resources;
    }
    if (!config_windows_disjoint(cfg)) {
        return GPU_VIRT_ERR_DATA;
    }
    if (!config_budgets_fit(cfg)) {
        return GPU_VIRT_ERR_MEMORY;
    }
    /* Quotas must fit the device-id space, so no client can starve another of ids. */
    return quota <= GPU_VIRT_MAX_DEVICE_RESOURCES ? GPU_VIRT_OK : GPU_VIRT_ERR_RESOURCES;
}

static void state_init(gpu_virt_t *virt, const gpu_virt_config_t *cfg)
{
    virt->cfg = cfg;
    virt->num_clients = cfg->num_clients;
    virt->clients_all = (1u << cfg->num_clients) - 1; /* at most 16 clients */
    virt->last_sent = cfg->num_clients - 1;           /* the first round starts with client 0 */
    for (uint32_t i = 0; i < GPU_VIRT_MAX_INFLIGHT; i++) {
        virt->inflight[i].key = i ^ GPU_VIRT_KEY_FREE; /* free; the first id of entry i is i + MAX */
        virt->inflight_stack[i] = (uint8_t)i;          /* entry 0 is taken first */
    }
    virt_devids_reset(virt);
    for (uint32_t s = 0; s < GPU_MAX_SCANOUTS; s++) {
        virt->scanouts[s].owner = GPU_VIRT_NO_OWNER;
    }
    virt->display_wanted = 1;
    virt->display_retries = GPU_VIRT_DISPLAY_RETRIES;
}

/* Client `i`'s queues, info region, slice of the resource pool (from `slot` on) and scanouts. */
static void client_init(gpu_virt_t *virt, uint32_t i, uint32_t slot)
{
    const gpu_virt_client_config_t *c = &virt->cfg->clients[i];
    gpu_virt_client_t *cl = &virt->clients[i];
    cl->cfg = c;
    cl->index = (uint8_t)i;
    cl->bit = 1u << i;
    cl->res = &virt->res[slot];
    cl->max_resources = c->max_resources;
    gpu_queue_init(&cl->req, (void *)(uintptr_t)c->conn.req_queue, c->conn.req_capacity, false);
    gpu_queue_init(&cl->resp, (void *)(uintptr_t)c->conn.resp_queue, c->conn.resp_capacity, true);
    cl->info = (gpu_info_region_t *)(uintptr_t)c->conn.info;
    for (uint32_t s = 0; s < c->num_scanouts; s++) {
        virt->scanouts[c->scanouts[s]].owner = (uint8_t)i;
    }
}

/* ---- entry points ---- */

int gpu_virt_init(gpu_virt_t *virt, const gpu_virt_config_t *cfg, gpu_virt_notify_t *notify)
{
    memset(virt, 0, sizeof(*virt));
    int err = config_check(cfg);
    if (err != GPU_VIRT_OK) {
        return err;
    }
    state_init(virt, cfg);
    gpu_queue_init(&virt->drv_req, (void *)(uintptr_t)cfg->driver.req_queue, cfg->driver.req_capacity, true);
    gpu_queue_init(&virt->drv_resp, (void *)(uintptr_t)cfg->driver.resp_queue, cfg->driver.resp_capacity, false);
    virt->drv_info = (gpu_info_region_t *)(uintptr_t)cfg->driver.info;
    uint32_t slot = 0;
    for (uint32_t i = 0; i < cfg->num_clients; i++) {
        client_init(virt, i, slot);
        slot += cfg->clients[i].max_resources; /* the quotas fit the pool: config_check() */
    }
    virt_run(virt, notify);
    return GPU_VIRT_OK;
}

void gpu_virt_handle_client(gpu_virt_t *virt, uint32_t client, gpu_virt_notify_t *notify)
{
    if (client >= virt->num_clients) {
        LOG_WARN("notification for unknown client %u\n", client);
        return;
    }
    gpu_virt_client_t *cl = &virt->clients[client];
    cl->req_armed = 0;
    cl->resp_armed = 0;
    virt->clients_idle &= ~cl->bit; /* it may have work: a driver notification looks at it again */
    /*
     * Only this client can have changed. It takes no driver room another
     * client waits for (the driver gate): room comes back with a driver
     * notification, and handle_driver shares it out round-robin. A run of
     * streaming requests takes the fast path, which publishes itself when
     * it took everything; whatever it leaves, it hands to
     * virt_client_serve_rest(). A tail call: this frame saves nothing.
     */
    virt_stream_serve(virt, cl, notify);
}

void virt_client_serve_rest(gpu_virt_t *virt, gpu_virt_client_t *cl, gpu_virt_notify_t *notify)
{
    virt_client_serve(virt, cl, UINT32_MAX, false);
    notify_collect_client(virt, cl, notify);
}

void gpu_virt_handle_driver(gpu_virt_t *virt, gpu_virt_notify_t *notify)
{
    if (gpu_event_take(&virt->drv_info->event, NULL)) {
        virt->display_wanted = 1;
        virt->display_retries = GPU_VIRT_DISPLAY_RETRIES;
        virt->display_failed = 0;
    }
    virt_run(virt, notify);
}

bool gpu_virt_release_client(gpu_virt_t *virt, uint32_t client, gpu_virt_notify_t *notify)
{
    if (client >= virt->num_clients) {
        LOG_WARN("release of unknown client %u\n", client);
        return false;
    }
    if (virt->clients[client].release_phase == GPU_VIRT_RELEASE_NONE) {
        virt_release_begin(virt, &virt->clients[client]);
    }
    virt_run(virt, notify);
    return true;
}

uint32_t gpu_virt_client_at_driver(const gpu_virt_t *virt, uint32_t client)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < GPU_VIRT_MAX_INFLIGHT; i++) {
        const gpu_virt_inflight_t *e = &virt->inflight[i];
        bool live = ((e->key ^ i) & (GPU_VIRT_MAX_INFLIGHT - 1)) != GPU_VIRT_KEY_FREE;
        if (live && e->client == client &&
            (e->origin == GPU_VIRT_ORIGIN_CLIENT || e->origin == GPU_VIRT_ORIGIN_PRESENT)) {
            n++;
        }
    }
    return n;
}

int gpu_virt_driver_request_client(const gpu_virt_t *virt, uint32_t driver_id)
{
    const gpu_virt_inflight_t *e = &virt->inflight[driver_id & (GPU_VIRT_MAX_INFLIGHT - 1)];
    if ((e->key ^ driver_id) > GPU_VIRT_KEY_LONG ||
        (e->origin != GPU_VIRT_ORIGIN_CLIENT && e->origin != GPU_VIRT_ORIGIN_RELEASE &&
         e->origin != GPU_VIRT_ORIGIN_PRESENT)) {
        return -1;
    }
    return e->client;
}
