/*
 * libFuzzer target for the GPU virtualiser core: up to four clients send
 * random request streams, a fake driver answers randomly (errors, wrong
 * codes, stale and duplicate ids, bogus display info), clients are released
 * at random. The harness checks, besides the sanitizers:
 *   - every client request is answered exactly once (or, if it was taken
 *     before a release of its client, never), with its own code;
 *   - every driver request is sent for a client (or is the display query),
 *     names only device resources that client created and the device holds,
 *     memory inside that client's IO window and scanouts it owns;
 *   - after every step the bookkeeping agrees with itself: each device id is
 *     free or charged to one client, no client is charged beyond its quota,
 *     and what each scanout shows matches what its resource records;
 *   - a client marked as waiting for driver room has something to send, and
 *     while any is marked a driver notification is due;
 *   - after the input, with notifications only where the queue protocol asks
 *     for them, everything drains: no request is left unanswered.
 * FUZZ_VIRT_TRACE=1 in the environment prints every step and the state after
 * it, and the virtualiser's log.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sddf/gpu/event.h>
#include <sddf/gpu/queue.h>

#include "fuzz_reader.h"
#include "gpu_virt.h"

#define SDDF_LOG_COMPONENT "FUZZ_VIRT"
#include <sddf/log.h>

#define NC              4u
#define MAX_REQS        8192u
#define CAP             16u
#define DATA_SIZE       0x10000u
#define FUZZ_MAX_MEMORY (1u << 20) /* each client's device-memory budget: a few large resources exhaust it */
#define MAX_PEND        64u

#define CHECK(cond, ...)                                                                                               \
    do {                                                                                                               \
        if (!(cond)) {                                                                                                 \
            fprintf(stderr, "fuzz-virt: check failed: %s: ", #cond);                                                   \
            fprintf(stderr, __VA_ARGS__);                                                                              \
            fprintf(stderr, "\n");                                                                                     \
            abort();                                                                                                   \
        }                                                                                                              \
    } while (0)

/* FUZZ_VIRT_TRACE=1 in the environment: print every step and the state at the end (to read a crash). */
static int trace_on = -1;

static bool tracing(void)
{
    if (trace_on < 0) {
        const char *e = getenv("FUZZ_VIRT_TRACE");
        trace_on = e != NULL && e[0] != '\0' && e[0] != '0';
    }
    return trace_on != 0;
}

#define TRACE(...)                                                                                                     \
    do {                                                                                                               \
        if (tracing()) {                                                                                               \
            fprintf(stderr, __VA_ARGS__);                                                                              \
        }                                                                                                              \
    } while (0)

void sddf_log(const char *fmt, ...)
{
    if (tracing()) {
        va_list ap;
        va_start(ap, fmt);
        vfprintf(stderr, fmt, ap);
        va_end(ap);
    }
}

enum {
    REQ_NEVER,
    REQ_OUTSTANDING,
    REQ_ANSWERED,
    REQ_DROPPED
};

typedef struct client {
    _Alignas(64) uint8_t req_region[GPU_QUEUE_REGION_SIZE(CAP, sizeof(gpu_req_t))];
    _Alignas(64) uint8_t resp_region[GPU_QUEUE_REGION_SIZE(CAP, sizeof(gpu_resp_t))];
    _Alignas(64) gpu_info_region_t info;
    gpu_queue_t req;
    gpu_queue_t resp;
    uint32_t next_id; /* ids 1.. in order */
    uint8_t state[MAX_REQS];
    uint8_t code[MAX_REQS];
    uint32_t drop_tail[MAX_REQS]; /* dropped: response queue tail at the release */
} client_t;

typedef struct pending {
    gpu_req_t req;
    int client;
    bool doomed;    /* made for a device that has since been reset: answered DEVICE_ERROR */
    bool by_driver; /* the first GET_DISPLAY_INFO after a reset: the driver answers it itself, OK */
} pending_t;

static struct {
    gpu_virt_t virt;
    gpu_virt_config_t cfg;
    client_t c[NC];
    uint32_t nc;
    _Alignas(64) uint8_t drv_req_region[GPU_QUEUE_REGION_SIZE(CAP, sizeof(gpu_req_t))];
    _Alignas(64) uint8_t drv_resp_region[GPU_QUEUE_REGION_SIZE(CAP, sizeof(gpu_resp_t))];
    _Alignas(64) gpu_info_region_t drv_info;
    gpu_queue_t drv_req;
    gpu_queue_t drv_resp;
    pending_t pend[MAX_PEND];
    uint32_t npend;
    uint32_t answered_ids[MAX_PEND]; /* recent driver ids, for duplicate answers */
    uint32_t nanswered;
    int dev_owner[GPU_VIRT_MAX_DEVICE_RESOURCES + 1]; /* device model: who holds each id, -1 none */
    gpu_display_info_t display;
    bool device_lost; /* the device was reset: requests are doomed until a GET_DISPLAY_INFO is taken */
    int lost_owner[GPU_VIRT_MAX_DEVICE_RESOURCES + 1]; /* who held each id before the resets */
    gpu_virt_notify_t notify;
} F;

/* ---- input ---- */

static uint32_t pick32(reader_t *r)
{
    static const uint32_t interesting[] = {
            0,         1, 2, 4, 7, 8, 16, 31, 32, 64, 256, 4096, 16384, 16385, 0x7fffffff, 0x80000000u, UINT32_MAX - 1,
            UINT32_MAX};
    uint8_t b = rd8(r);
    if (b < 128) {
        return b % 40;
    }
    if (b < 240) {
        return interesting[b % (sizeof(interesting) / sizeof(interesting[0]))];
    }
    return rd32(r);
}

static uint64_t pick64(reader_t *r)
{
    static const uint64_t interesting[] = {
            0, 4096, 8192, DATA_SIZE - 4096, DATA_SIZE, DATA_SIZE + 4096, UINT64_MAX, UINT64_MAX - 4095, 1ull << 63};
    uint8_t b = rd8(r);
    if (b < 100) {
        return (uint64_t)(b % 17) * 4096;
    }
    if (b < 200) {
        return interesting[b % (sizeof(interesting) / sizeof(interesting[0]))];
    }
    return (uint64_t)rd32(r) << 32 | rd32(r);
}

static uint32_t pick_format(reader_t *r)
{
    static const uint32_t formats[] = {1, 2, 3, 4, 67, 68, 121, 134};
    uint8_t b = rd8(r);
    return b < 224 ? formats[b % 8] : pick32(r);
}

static gpu_rect_t pick_rect(reader_t *r)
{
    gpu_rect_t rect = {pick32(r), pick32(r), pick32(r), pick32(r)};
    return rect;
}

static void random_request(reader_t *r, uint32_t c, gpu_req_t *q)
{
    memset(q, 0, sizeof(*q));
    uint8_t b = rd8(r);
    q->code = b < 240 ? 1u + b % GPU_REQ_MAX : pick32(r);
    uint32_t id = rd8(r) % (F.cfg.clients[c].max_resources + 2);
    switch (q->code) {
    case GPU_REQ_RESOURCE_CREATE_2D:
        q->create_2d = (gpu_req_create_2d_t){id, pick_format(r), pick32(r), pick32(r)};
        break;
    case GPU_REQ_RESOURCE_CREATE_BLOB:
        q->create_blob = (gpu_req_create_blob_t){id, 0, pick64(r), pick64(r)};
        break;
    case GPU_REQ_RESOURCE_ATTACH_BACKING:
        q->attach_backing = (gpu_req_attach_backing_t){id, 0, pick64(r), pick64(r)};
        break;
    case GPU_REQ_SET_SCANOUT:
        q->set_scanout = (gpu_req_set_scanout_t){rd8(r) % 4, id, pick_rect(r)};
        break;
    case GPU_REQ_SET_SCANOUT_BLOB:
        if (b & 1) { /* a plausible framebuffer, so that valid ones get through too */
            uint32_t w = 1 + rd8(r) % 64;
            uint32_t h = 1 + rd8(r) % 64;
            q->set_scanout_blob = (gpu_req_set_scanout_blob_t){rd8(r) % 4, id, {0, 0, w, h}, GPU_FORMAT_B8G8R8X8_UNORM,
                                                               w,          h,  w * 4,        4 * (rd8(r) % 4)};
        } else {
            q->set_scanout_blob = (gpu_req_set_scanout_blob_t){rd8(r) % 4, id,        pick_rect(r), pick_format(r),
                                                               pick32(r),  pick32(r), pick32(r),    pick32(r)};
        }
        break;
    case GPU_REQ_TRANSFER_TO_2D:
        q->transfer_to_2d = (gpu_req_transfer_to_2d_t){id, pick_rect(r), 0, pick64(r)};
        break;
    case GPU_REQ_RESOURCE_FLUSH:
        q->flush = (gpu_req_flush_t){id, pick_rect(r)};
        break;
    default:
        q->unref.resource_id = id; /* unref, detach; ignored by the others */
        break;
    }
}

/* ---- clients ---- */

static void client_push(uint32_t c, gpu_req_t *q, bool kick)
{
    client_t *cl = &F.c[c];
    if (cl->next_id >= MAX_REQS || gpu_queue_space(&cl->req) == 0) {
        return;
    }
    q->id = cl->next_id++;
    cl->state[q->id] = REQ_OUTSTANDING;
    cl->code[q->id] = (uint8_t)(q->code <= GPU_REQ_MAX ? q->code : 0xff);
    gpu_req_enqueue(&cl->req, q);
    bool signal = gpu_queue_producer_must_signal(&cl->req);
    TRACE("client %u push id %u code %u kick %d signal %d\n", c, q->id, q->code, kick, signal);
    if (signal || kick) {
        gpu_virt_handle_client(&F.virt, c, &F.notify);
    }
}

/* A client sees its two configured scanouts only; the second (device scanout c + 4) never exists. */
static void check_view(uint32_t c)
{
    static const gpu_scanout_info_t none;
    gpu_display_info_t v = F.c[c].info.display;
    CHECK(v.num_scanouts == 2, "client %u sees %u scanouts", c, v.num_scanouts);
    CHECK((v.features & ~GPU_FEATURE_BLOB) == 0, "client %u sees features 0x%x", c, v.features);
    for (uint32_t s = 1; s < GPU_MAX_SCANOUTS; s++) {
        CHECK(memcmp(&v.scanouts[s], &none, sizeof(none)) == 0, "client %u sees something at scanout %u", c, s);
    }
}

static uint32_t client_drain(uint32_t c, uint32_t max)
{
    client_t *cl = &F.c[c];
    gpu_resp_t resp;
    uint32_t n = 0;
    uint32_t index = cl->resp.own;
    while (n < max && gpu_resp_dequeue(&cl->resp, &resp)) {
        n++;
        CHECK(resp.id > 0 && resp.id < cl->next_id, "client %u: response for id %u never sent", c, resp.id);
        /* A request taken before a release may only have been answered before it. */
        bool early = cl->state[resp.id] == REQ_DROPPED && (int32_t)(cl->drop_tail[resp.id] - index) > 0;
        index++;
        CHECK(cl->state[resp.id] == REQ_OUTSTANDING || early, "client %u: id %u answered in state %u", c, resp.id,
              cl->state[resp.id]);
        uint32_t code = resp.code <= GPU_REQ_MAX ? resp.code : 0xff;
        CHECK(code == cl->code[resp.id] || (cl->code[resp.id] == 0xff && code != cl->code[resp.id]),
              "client %u: id %u answered with code %u", c, resp.id, resp.code);
        CHECK(resp.status <= GPU_STATUS_MAX, "client %u: status %u", c, resp.status);
        if (resp.code == GPU_REQ_GET_DISPLAY_INFO && resp.status == GPU_STATUS_OK) {
            check_view(c);
        }
        cl->state[resp.id] = REQ_ANSWERED;
        TRACE("client %u got id %u status %u\n", c, resp.id, resp.status);
    }
    if (n != 0 && gpu_queue_consumer_must_signal(&cl->resp)) {
        gpu_virt_handle_client(&F.virt, c, &F.notify);
    }
    if (n < max) {
        gpu_queue_consumer_arm(&cl->resp); /* idle: ask to be told about the next response */
    }
    return n;
}

/*
 * Requests enqueued before this release will never be answered: those the
 * virtualiser took, and those it had not taken yet, which the release drops.
 */
static void client_release(uint32_t c)
{
    client_t *cl = &F.c[c];
    uint32_t tail = __atomic_load_n(&cl->resp.shared->tail, __ATOMIC_ACQUIRE);
    /* A release already under way goes on; requests enqueued since it began are handled normally. */
    bool starts = F.virt.clients[c].release_phase == GPU_VIRT_RELEASE_NONE;
    for (uint32_t id = 1; starts && id < cl->next_id; id++) {
        if (cl->state[id] == REQ_OUTSTANDING) {
            cl->state[id] = REQ_DROPPED;
            cl->drop_tail[id] = tail;
        }
    }
    TRACE("release client %u\n", c);
    gpu_virt_release_client(&F.virt, c, &F.notify);
}

/* ---- the driver ---- */

static bool io_inside(int c, uint64_t addr, uint64_t size)
{
    uint64_t base = F.cfg.clients[c].data_io_base;
    uint64_t end = base + F.cfg.clients[c].data_size;
    return addr >= base && addr <= end && size <= end - addr;
}

static bool scanout_owned(int c, uint32_t ds)
{
    const gpu_virt_client_config_t *cc = &F.cfg.clients[c];
    for (uint32_t i = 0; i < cc->num_scanouts; i++) {
        if (cc->scanouts[i] == ds) {
            return true;
        }
    }
    return false;
}

static void check_owner(int c, uint32_t dev, const char *what)
{
    CHECK(dev >= 1 && dev <= GPU_VIRT_MAX_DEVICE_RESOURCES, "%s: device id %u", what, dev);
    /* Until the virtualiser has learnt of a reset (it may fail to read display info), it may name what it lost. */
    bool stale = F.virt.display.device_epoch != F.display.device_epoch && F.lost_owner[dev] == c;
    CHECK(F.dev_owner[dev] == c || stale, "%s: client %d names device id %u held by %d", what, c, dev,
          F.dev_owner[dev]);
}

static void check_driver_request(const gpu_req_t *d, int c)
{
    if (d->code == GPU_REQ_GET_DISPLAY_INFO) {
        CHECK(c == -1, "display query sent for client %d", c);
        return;
    }
    CHECK(c >= 0 && c < (int)F.nc, "driver request code %u for no client", d->code);
    switch (d->code) {
    case GPU_REQ_RESOURCE_CREATE_BLOB:
        CHECK(io_inside(c, d->create_blob.mem_addr, d->create_blob.size), "blob of client %d outside its window", c);
        /* fall through */
    case GPU_REQ_RESOURCE_CREATE_2D:
        CHECK(d->create_2d.resource_id >= 1 && d->create_2d.resource_id <= GPU_VIRT_MAX_DEVICE_RESOURCES, "create id");
        CHECK(F.dev_owner[d->create_2d.resource_id] == -1, "create of live device id %u", d->create_2d.resource_id);
        break;
    case GPU_REQ_RESOURCE_ATTACH_BACKING:
        CHECK(io_inside(c, d->attach_backing.mem_addr, d->attach_backing.size), "backing of %d outside its window", c);
        check_owner(c, d->attach_backing.resource_id, "attach");
        break;
    case GPU_REQ_SET_SCANOUT:
    case GPU_REQ_SET_SCANOUT_BLOB:
        CHECK(scanout_owned(c, d->set_scanout.scanout_id), "client %d sets scanout %u", c, d->set_scanout.scanout_id);
        if (d->set_scanout.resource_id != 0) {
            check_owner(c, d->set_scanout.resource_id, "set scanout");
        }
        break;
    case GPU_REQ_RESOURCE_UNREF:
    case GPU_REQ_RESOURCE_DETACH_BACKING:
    case GPU_REQ_TRANSFER_TO_2D:
    case GPU_REQ_RESOURCE_FLUSH:
        check_owner(c, d->unref.resource_id, "resource request");
        break;
    case GPU_REQ_UPDATE_CURSOR:
        CHECK(scanout_owned(c, d->update_cursor.scanout_id), "client %d sets the cursor of scanout %u", c,
              d->update_cursor.scanout_id);
        if (d->update_cursor.resource_id != 0) {
            check_owner(c, d->update_cursor.resource_id, "update cursor");
        }
        break;
    case GPU_REQ_MOVE_CURSOR:
        CHECK(scanout_owned(c, d->move_cursor.scanout_id), "client %d moves the cursor of scanout %u", c,
              d->move_cursor.scanout_id);
        break;
    default:
        CHECK(false, "driver request with code %u", d->code);
    }
}

static void driver_take(uint32_t max)
{
    gpu_req_t d;
    uint32_t n = 0;
    while (n < max && F.npend < MAX_PEND && gpu_req_dequeue(&F.drv_req, &d)) {
        n++;
        int c = gpu_virt_driver_request_client(&F.virt, d.id);
        /* As the driver does after a reset: everything before the next GET_DISPLAY_INFO fails. */
        bool doomed = F.device_lost && d.code != GPU_REQ_GET_DISPLAY_INFO;
        bool by_driver = F.device_lost && !doomed;
        F.device_lost = F.device_lost && doomed;
        if (!doomed) {
            check_driver_request(&d, c); /* a doomed request may name what the reset took */
        }
        F.pend[F.npend++] = (pending_t){d, c, doomed, by_driver};
        TRACE("driver take id %u code %u for client %d\n", d.id, d.code, c);
    }
    if (n != 0 && gpu_queue_consumer_must_signal(&F.drv_req)) {
        gpu_virt_handle_driver(&F.virt, &F.notify);
    }
    if (n < max && F.npend < MAX_PEND) {
        gpu_queue_consumer_arm(&F.drv_req);
    }
}

/* The device model applies a request that is answered OK with its own code. */
static void device_apply(const pending_t *p)
{
    const gpu_req_t *d = &p->req;
    if (d->code == GPU_REQ_RESOURCE_CREATE_2D || d->code == GPU_REQ_RESOURCE_CREATE_BLOB) {
        F.dev_owner[d->create_2d.resource_id] = p->client;
    } else if (d->code == GPU_REQ_RESOURCE_UNREF) {
        F.dev_owner[d->unref.resource_id] = -1;
    } else if (d->code == GPU_REQ_GET_DISPLAY_INFO) {
        F.drv_info.display = F.display;
    }
}

static void driver_send(uint32_t id, uint32_t code, uint32_t status)
{
    gpu_resp_t resp = {.code = code, .id = id, .status = status, ._pad = 0};
    gpu_resp_enqueue(&F.drv_resp, &resp);
    bool signal = gpu_queue_producer_must_signal(&F.drv_resp);
    TRACE("driver answer id %u code %u status %u signal %d\n", id, code, status, signal);
    if (signal) {
        gpu_virt_handle_driver(&F.virt, &F.notify);
    }
}

/* Answer pending request `i`: mode 0 OK, 1 random status, 2 wrong code. */
static void driver_answer(uint32_t i, uint8_t mode, uint32_t status)
{
    if (gpu_queue_space(&F.drv_resp) == 0) {
        return;
    }
    pending_t p = F.pend[i];
    F.pend[i] = F.pend[--F.npend];
    uint32_t code = p.req.code;
    if (mode == 0) {
        status = GPU_STATUS_OK;
    } else if (mode == 2) {
        code = code % GPU_REQ_MAX + 1;
    }
    if (p.doomed || p.by_driver) {
        code = p.req.code;
        status = p.doomed ? GPU_STATUS_DEVICE_ERROR : GPU_STATUS_OK;
    }
    if (p.by_driver) {
        F.display.num_scanouts %= 5; /* the driver's own display info is well formed (scanouts 0..3 here) */
    }
    if (status == GPU_STATUS_OK && code == p.req.code) {
        device_apply(&p);
    }
    F.answered_ids[F.nanswered++ % MAX_PEND] = p.req.id;
    driver_send(p.req.id, code, status);
}

static void display_change(reader_t *r)
{
    uint8_t b = rd8(r);
    F.display.num_scanouts = b < 240 ? b % 5 : b;
    F.display.features = rd8(r) & 3;
    for (uint32_t s = 0; s < GPU_MAX_SCANOUTS; s++) {
        F.display.scanouts[s].rect.width = 100u * (rd8(r) % 3);
        F.display.scanouts[s].enabled = s < 4 ? 1 : 0;
    }
    if (rd8(r) % 4 == 0) { /* the driver reset the device: everything on it is gone */
        F.display.device_epoch++;
        F.device_lost = true;
        for (uint32_t i = 0; i < F.npend; i++) {
            F.pend[i].doomed = true;
        }
        for (uint32_t id = 0; id <= GPU_VIRT_MAX_DEVICE_RESOURCES; id++) {
            if (F.dev_owner[id] != -1) { /* resets in a row: remember the last owner of each id */
                F.lost_owner[id] = F.dev_owner[id];
            }
            F.dev_owner[id] = -1;
        }
    }
    TRACE("display change: %u scanouts features %u epoch %u\n", F.display.num_scanouts, F.display.features,
          F.display.device_epoch);
    gpu_event_raise(&F.drv_info.event);
    gpu_virt_handle_driver(&F.virt, &F.notify);
}

/* ---- tracing ---- */

/* Entries in a queue, read from its shared indices (no handle is touched). */
static uint32_t fill(const gpu_queue_t *q)
{
    return __atomic_load_n(&q->shared->tail, __ATOMIC_ACQUIRE) - __atomic_load_n(&q->shared->head, __ATOMIC_ACQUIRE);
}

static void trace_state(const char *when)
{
    if (!tracing()) {
        return;
    }
    const gpu_virt_t *v = &F.virt;
    fprintf(stderr, "  [%s] drv_waiting=0x%x last_sent=%u inflight=%u drv_req len=%u pend=%u display v%u w%u i%u f%u\n",
            when, v->drv_waiting, v->last_sent, v->inflight_count, fill(&F.drv_req), F.npend, v->display_valid,
            v->display_wanted, v->display_inflight, v->display_failed);
    for (uint32_t c = 0; c < F.nc; c++) {
        const gpu_virt_client_t *cl = &v->clients[c];
        fprintf(stderr,
                "    client %u: held %u (code %u id %u) owed %u inflight %u req_armed %u resp_armed %u release %u "
                "req len %u resp len %u devids %u\n",
                c, cl->has_held, cl->held.code, cl->held.id, cl->owed, gpu_virt_client_at_driver(v, c), cl->req_armed,
                cl->resp_armed, cl->release_phase, fill(&F.c[c].req), fill(&F.c[c].resp), cl->devids);
    }
}

/* ---- bookkeeping invariants ---- */

/* Every device id is on the free list or charged to a client; live resources hold distinct charged ids. */
static void check_device_ids(void)
{
    static uint8_t seen[GPU_VIRT_MAX_DEVICE_RESOURCES + 1];
    memset(seen, 0, sizeof(seen));
    uint32_t free_ids = 0;
    for (uint32_t id = F.virt.devid_free; id != 0; id = F.virt.devid_next[id]) {
        CHECK(id <= GPU_VIRT_MAX_DEVICE_RESOURCES && !seen[id], "free list broken at device id %u", id);
        seen[id] = 1;
        free_ids++;
    }
    uint32_t charged = 0;
    for (uint32_t c = 0; c < F.nc; c++) {
        const gpu_virt_client_t *cl = &F.virt.clients[c];
        CHECK(cl->devids <= cl->cfg->max_resources, "client %u charged %u device ids", c, cl->devids);
        charged += cl->devids;
        uint64_t live_memory = 0;
        for (uint32_t i = 0; i < cl->cfg->max_resources; i++) {
            uint32_t dev = cl->res[i].device_id;
            if (cl->res[i].state == GPU_VIRT_RES_LIVE && cl->res[i].kind == GPU_VIRT_KIND_2D) {
                live_memory += (uint64_t)cl->res[i].width * cl->res[i].height * 4u;
            }
            if (cl->res[i].state == GPU_VIRT_RES_LIVE) {
                CHECK(dev >= 1 && dev <= GPU_VIRT_MAX_DEVICE_RESOURCES && !seen[dev], "client %u id %u: device id %u",
                      c, i + 1, dev);
                seen[dev] = 1;
            }
        }
        /* Memory is charged like ids: every live 2D resource, plus what retired ids may still hold. */
        CHECK(live_memory <= cl->memory && cl->memory <= cl->cfg->max_memory, "client %u memory %llu, live %llu", c,
              (unsigned long long)cl->memory, (unsigned long long)live_memory);
        CHECK(F.virt.devid_orphans != 0 || cl->memory == live_memory,
              "client %u: %llu bytes charged, %llu live, no id retired", c, (unsigned long long)cl->memory,
              (unsigned long long)live_memory);
    }
    CHECK(free_ids + charged == GPU_VIRT_MAX_DEVICE_RESOURCES, "%u free + %u charged device ids", free_ids, charged);
}

/* A scanout shows a live resource of its owner exactly when that resource records it. */
static void check_scanouts(void)
{
    for (uint32_t s = 0; s < GPU_MAX_SCANOUTS; s++) {
        const gpu_virt_scanout_t *sc = &F.virt.scanouts[s];
        if (sc->resource_id == 0) {
            continue;
        }
        CHECK(sc->owner < F.nc, "scanout %u shows resource %u of no client", s, sc->resource_id);
        const gpu_virt_client_t *cl = &F.virt.clients[sc->owner];
        CHECK(sc->resource_id <= cl->cfg->max_resources, "scanout %u shows id %u", s, sc->resource_id);
        const gpu_virt_resource_t *r = &cl->res[sc->resource_id - 1];
        CHECK(r->state == GPU_VIRT_RES_LIVE && (r->scanout_mask & (1u << s)), "scanout %u: resource %u disagrees", s,
              sc->resource_id);
    }
    for (uint32_t c = 0; c < F.nc; c++) {
        const gpu_virt_client_t *cl = &F.virt.clients[c];
        for (uint32_t i = 0; i < cl->cfg->max_resources; i++) {
            for (uint32_t m = cl->res[i].scanout_mask; m != 0; m &= m - 1) {
                uint32_t s = (uint32_t)__builtin_ctz(m);
                CHECK(F.virt.scanouts[s].owner == c && F.virt.scanouts[s].resource_id == i + 1,
                      "client %u id %u claims scanout %u", c, i + 1, s);
            }
        }
    }
}

/*
 * A client marked as waiting for driver room is really waiting for something
 * (a request it holds, or its release), and while any is marked a driver
 * notification is due: the in-flight table is full, or the virtualiser asked
 * the driver to signal when it frees request slots. Otherwise a client
 * deferring to the marked ones could wait forever.
 */
static void check_waiting(void)
{
    const gpu_virt_t *v = &F.virt;
    for (uint32_t m = v->drv_waiting; m != 0; m &= m - 1) {
        uint32_t c = (uint32_t)__builtin_ctz(m);
        CHECK(c < F.nc && (v->clients[c].has_held || v->clients[c].release_phase != GPU_VIRT_RELEASE_NONE),
              "client %u marked waiting for driver room with nothing to send", c);
    }
    bool due = v->inflight_count == GPU_VIRT_MAX_INFLIGHT ||
               __atomic_load_n(&F.drv_req.shared->producer_signal, __ATOMIC_ACQUIRE) != 0;
    CHECK(v->drv_waiting == 0 || due, "clients 0x%x wait for driver room, but no driver notification is due",
          v->drv_waiting);
    /* A client a driver notification skips as idle really is: nothing held, no release, and a signal asked for. */
    for (uint32_t m = v->clients_idle; m != 0; m &= m - 1) {
        const gpu_virt_client_t *cl = &v->clients[__builtin_ctz(m)];
        CHECK(__builtin_ctz(m) < (int)F.nc && !cl->has_held && cl->release_phase == GPU_VIRT_RELEASE_NONE &&
                      (cl->req_armed || cl->resp_armed),
              "client %d skipped as idle, but it has work", __builtin_ctz(m));
    }
}

/* ---- setup ---- */

static void conn(gpu_virt_conn_config_t *cc, void *req, void *resp, void *info, uint32_t rc, uint32_t pc)
{
    *cc = (gpu_virt_conn_config_t){
            (uint64_t)(uintptr_t)req, (uint64_t)(uintptr_t)resp, (uint64_t)(uintptr_t)info, rc, pc, 0, 0};
}

static bool setup(reader_t *r)
{
    memset(&F, 0, sizeof(F));
    F.nc = 1 + rd8(r) % NC;
    F.cfg.magic = GPU_VIRT_CONFIG_MAGIC;
    F.cfg.version = GPU_VIRT_CONFIG_VERSION;
    F.cfg.num_clients = F.nc;
    F.cfg.device_memory = FUZZ_MAX_MEMORY * NC;
    uint8_t caps = rd8(r);
    conn(&F.cfg.driver, F.drv_req_region, F.drv_resp_region, &F.drv_info, 1u << (caps % 5), 1u << (caps / 5 % 5));
    for (uint32_t c = 0; c < F.nc; c++) {
        client_t *cl = &F.c[c];
        uint8_t cc = rd8(r);
        gpu_virt_client_config_t *k = &F.cfg.clients[c];
        conn(&k->conn, cl->req_region, cl->resp_region, &cl->info, 1u << (cc % 5), 1u << (cc / 5 % 5));
        k->data_size = DATA_SIZE;
        k->data_io_base = (uint64_t)(c + 1) << 32;
        k->max_resources = GPU_VIRT_MAX_RESOURCES_PER_CLIENT;
        k->max_memory = FUZZ_MAX_MEMORY;
        k->num_scanouts = 2;
        k->scanouts[0] = (uint8_t)c;       /* exists when the device has >= c + 1 scanouts */
        k->scanouts[1] = (uint8_t)(c + 4); /* never exists on this device model */
        k->release_channel = GPU_VIRT_NO_CHANNEL;
        gpu_queue_init(&cl->req, cl->req_region, k->conn.req_capacity, true);
        gpu_queue_init(&cl->resp, cl->resp_region, k->conn.resp_capacity, false);
        cl->next_id = 1;
    }
    gpu_queue_init(&F.drv_req, F.drv_req_region, F.cfg.driver.req_capacity, false);
    gpu_queue_init(&F.drv_resp, F.drv_resp_region, F.cfg.driver.resp_capacity, true);
    for (uint32_t i = 0; i <= GPU_VIRT_MAX_DEVICE_RESOURCES; i++) {
        F.dev_owner[i] = -1;
        F.lost_owner[i] = -1;
    }
    F.display.num_scanouts = 4;
    F.display.features = GPU_FEATURE_BLOB;
    for (uint32_t s = 0; s < 4; s++) {
        F.display.scanouts[s].rect.width = 640;
        F.display.scanouts[s].rect.height = 480;
        F.display.scanouts[s].enabled = 1;
    }
    return gpu_virt_init(&F.virt, &F.cfg, &F.notify) == GPU_VIRT_OK;
}

/* ---- the run ---- */

static void step(reader_t *r)
{
    uint8_t op = rd8(r);
    uint32_t c = rd8(r) % F.nc;
    gpu_req_t q;
    switch (op % 10) {
    case 0:
    case 1:
    case 2:
        random_request(r, c, &q);
        client_push(c, &q, (op & 0x80) != 0);
        break;
    case 3:
        client_drain(c, 1 + rd8(r) % 8);
        break;
    case 4:
        driver_take(1 + rd8(r) % 8);
        break;
    case 5:
    case 6:
        if (F.npend != 0) {
            uint8_t m = rd8(r);
            driver_answer(rd8(r) % F.npend, m < 200 ? 0 : (m < 240 ? 1 : 2), m % 13);
        }
        break;
    case 7: /* a duplicate answer, or one for an id never sent (live ids stay below 2^31 here) */
        if (gpu_queue_space(&F.drv_resp) != 0) {
            uint32_t id = F.nanswered != 0 && (op & 0x40) ? F.answered_ids[rd8(r) % MAX_PEND] : rd32(r) | 0x80000000u;
            driver_send(id, 1 + rd8(r) % GPU_REQ_MAX, rd8(r) % 12);
        }
        break;
    case 8:
        if (op < 0x20) {
            client_release(c);
        } else if (op < 0x60) {
            display_change(r);
        } else {
            TRACE("spurious client %u notification\n", c);
            gpu_virt_handle_client(&F.virt, c, &F.notify); /* spurious */
        }
        break;
    default:
        TRACE("spurious driver notification\n");
        gpu_virt_handle_driver(&F.virt, &F.notify); /* spurious */
        break;
    }
}

/* A healthy device from now on, notifications only as the protocol asks: everything must drain. */
static void quiesce(void)
{
    F.display.num_scanouts %= 5; /* a sane device from now on: at most scanouts 0..3 */
    for (int round = 0; round < 1000; round++) {
        uint32_t moved = 0;
        uint32_t before = F.npend;
        driver_take(MAX_PEND);
        moved += F.npend - before;
        while (F.npend != 0 && gpu_queue_space(&F.drv_resp) != 0) {
            driver_answer(F.npend - 1, 0, 0);
            moved++;
        }
        for (uint32_t c = 0; c < F.nc; c++) {
            moved += client_drain(c, UINT32_MAX);
        }
        if (moved == 0) {
            break;
        }
    }
    trace_state("quiesced");
    check_waiting();
    CHECK(F.npend == 0 && gpu_queue_length(&F.drv_req) == 0, "driver work left after quiescence");
    for (uint32_t c = 0; c < F.nc; c++) {
        for (uint32_t id = 1; id < F.c[c].next_id; id++) {
            CHECK(F.c[c].state[id] != REQ_OUTSTANDING, "client %u: request %u (code %u) never answered", c, id,
                  F.c[c].code[id]);
        }
        CHECK(F.virt.clients[c].release_phase == GPU_VIRT_RELEASE_NONE, "client %u release unfinished", c);
    }
    CHECK(F.virt.inflight_count == 0, "%u driver requests still in flight", F.virt.inflight_count);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    reader_t r = {data, size};
    if (!setup(&r)) {
        return 0;
    }
    while (r.n != 0) {
        step(&r);
        trace_state("step");
        check_device_ids();
        check_scanouts();
        check_waiting();
    }
    quiesce();
    check_device_ids();
    check_scanouts();
    return 0;
}
