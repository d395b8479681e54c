/*
 * Isolation under attack, through the whole stack (client library,
 * virtualiser, driver, device model): one honest client draws a fixed
 * script on its scanout while two hostile clients, driven by the input,
 * flood their queues with arbitrary requests, scribble on the queue indices
 * they own, never read their responses (or read them at random), and
 * exhaust their quotas and memory budgets. The honest client's statuses and
 * the pixels of its scanout must be exactly those of a run without the
 * hostile clients.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <virtio/virtio_gpu.h>
#include <virtio/virtio_mmio.h>

#include "fuzz_reader.h"
#include "system_rig.h"

#define HONEST       0u
#define NCLIENTS     3u
#define FB_W         64u
#define FB_H         48u
#define FRAMES       4u
#define STEPS        (1u + FRAMES)
#define FEATURES_ALL ((1ull << VIRTIO_F_VERSION_1) | (1ull << VIRTIO_GPU_F_EDID) | (1ull << VIRTIO_GPU_F_RESOURCE_BLOB))

#define CHECK(cond, ...)                                                                                               \
    do {                                                                                                               \
        if (!(cond)) {                                                                                                 \
            fprintf(stderr, "fuzz-isolation: check failed: %s: ", #cond);                                              \
            fprintf(stderr, __VA_ARGS__);                                                                              \
            fprintf(stderr, "\n");                                                                                     \
            abort();                                                                                                   \
        }                                                                                                              \
    } while (0)

typedef struct honest {
    gpu_client_t *c;
    uint8_t *data;
    gpu_client_op_t op;
    uint32_t step;               /* next script step, STEPS when done */
    uint32_t status[STEPS];      /* each step's op status */
    uint32_t failed_code[STEPS]; /* and the code of its first failed request */
    bool ready;
    bool busy;
} honest_t;

typedef struct outcome {
    uint32_t status[STEPS];
    uint32_t failed_code[STEPS];
    uint32_t pixels[FB_W * FB_H];
} outcome_t;

static void honest_done(gpu_client_t *c, gpu_client_op_t *op)
{
    (void)c;
    honest_t *h = op->ctx;
    h->status[h->step] = op->status;
    h->failed_code[h->step] = op->failed_code;
    h->step++;
    h->busy = false;
}

static void honest_display(gpu_client_t *c, void *ctx)
{
    (void)c;
    ((honest_t *)ctx)->ready = true;
}

static void draw(honest_t *h, uint32_t frame)
{
    uint32_t *px = (uint32_t *)h->data;
    for (uint32_t y = 0; y < FB_H; y++) {
        for (uint32_t x = 0; x < FB_W; x++) {
            px[y * FB_W + x] = (x * 4 + frame * 40) << 16 | (y * 5) << 8 | ((x ^ y) + frame * 17);
        }
    }
}

/* Stages the next step of the script, if the last one is done. */
static void honest_advance(honest_t *h)
{
    if (!h->ready || h->busy || h->step == STEPS) {
        return;
    }
    gpu_rect_t all = {0, 0, FB_W, FB_H};
    gpu_client_op_init(&h->op, honest_done, h);
    if (h->step == 0) {
        gpu_client_create_2d(h->c, &h->op, 1, GPU_FORMAT_B8G8R8X8_UNORM, FB_W, FB_H);
        gpu_client_attach_backing(h->c, &h->op, 1, 0, FB_W * FB_H * 4);
        gpu_client_set_scanout(h->c, &h->op, 0, 1, all);
    } else {
        draw(h, h->step);
        gpu_client_transfer_to_2d(h->c, &h->op, 1, all, 0);
        gpu_client_flush(h->c, &h->op, 1, all);
    }
    h->busy = true;
    gpu_client_submit(h->c);
}

/* ---- the hostile clients ---- */

typedef struct hostile {
    sys_client_t *sc;
    gpu_queue_t req; /* its own producer handle: the client library is not used */
    gpu_queue_t resp;
} hostile_t;

/* A plausible size: small ones, a scanout's, the limit, or anything. */
static uint32_t pick_size(reader_t *r)
{
    static const uint32_t sizes[] = {1, 16, 64, 640, 1280, 16384};
    uint8_t b = rd8(r);
    return b < 240 ? sizes[b % 6] : rd32(r);
}

/* Arbitrary bytes, or a well-formed request of a random kind with plausible fields. */
static void hostile_request(gpu_req_t *q, reader_t *r)
{
    uint8_t k = rd8(r);
    q->code = 1u + k % GPU_REQ_MAX;
    if (k >= 200) {
        for (size_t i = 0; i < sizeof(q->raw); i++) {
            q->raw[i] = rd8(r);
        }
        return;
    }
    uint32_t id = rd8(r) % 5;
    gpu_rect_t rect = {rd8(r) % 2 * 16, 0, pick_size(r), pick_size(r)};
    uint64_t off = (uint64_t)(rd8(r) % 4) * 4096u;
    uint64_t len = (uint64_t)pick_size(r) * pick_size(r) * 4u;
    switch (q->code) {
    case GPU_REQ_RESOURCE_CREATE_2D:
        q->create_2d = (gpu_req_create_2d_t){id, GPU_FORMAT_B8G8R8X8_UNORM, rect.width, rect.height};
        break;
    case GPU_REQ_RESOURCE_CREATE_BLOB:
        q->create_blob = (gpu_req_create_blob_t){.resource_id = id, .mem_addr = off, .size = len & ~4095ull};
        break;
    case GPU_REQ_RESOURCE_ATTACH_BACKING:
        q->attach_backing = (gpu_req_attach_backing_t){.resource_id = id, .mem_addr = off, .size = len};
        break;
    case GPU_REQ_SET_SCANOUT:
        q->set_scanout = (gpu_req_set_scanout_t){rd8(r) % 3, id, rect};
        break;
    case GPU_REQ_SET_SCANOUT_BLOB:
        q->set_scanout_blob = (gpu_req_set_scanout_blob_t){
                rd8(r) % 3, id, rect, GPU_FORMAT_B8G8R8X8_UNORM, rect.width, rect.height, rect.width * 4u, 0};
        break;
    case GPU_REQ_TRANSFER_TO_2D:
        q->transfer_to_2d = (gpu_req_transfer_to_2d_t){.resource_id = id, .rect = rect, .offset = off};
        break;
    case GPU_REQ_RESOURCE_FLUSH:
        q->flush = (gpu_req_flush_t){id, rect};
        break;
    default: /* GET_DISPLAY_INFO, UNREF, DETACH_BACKING: the id is all */
        q->unref.resource_id = id;
        break;
    }
}

static void hostile_send(hostile_t *x, reader_t *r)
{
    gpu_req_t q;
    memset(&q, 0, sizeof(q));
    hostile_request(&q, r);
    q.id = rd32(r);
    gpu_req_enqueue(&x->req, &q);
    x->sc->to_virt = true;
}

/* Writes garbage over one of the indices this client owns (its request tail, its response head). */
static void hostile_scribble(hostile_t *x, reader_t *r)
{
    uint32_t v = rd32(r);
    if (v & 1) {
        __atomic_store_n(&x->req.shared->tail, v, __ATOMIC_RELEASE);
    } else {
        __atomic_store_n(&x->resp.shared->head, v, __ATOMIC_RELEASE);
    }
    x->sc->to_virt = true;
}

static void hostile_drain(hostile_t *x, reader_t *r)
{
    gpu_resp_t resp;
    for (uint32_t n = rd8(r) % 16; n > 0 && gpu_resp_dequeue(&x->resp, &resp); n--) {
    }
    x->sc->to_virt = true;
}

/* ---- one run ---- */

static sys_rig_t *rig_build(honest_t *h, hostile_t *x)
{
    vh_options_t opt;
    vh_options_default(&opt);
    opt.model.features = FEATURES_ALL;
    opt.model.num_scanouts = 2;
    opt.model.enabled_mask = 3;
    sys_client_spec_t specs[NCLIENTS] = {
            {.num_scanouts = 1, .scanouts = {0}},
            {.num_scanouts = 1, .scanouts = {1}},
            {.num_scanouts = 0},
    };
    sys_rig_t *rig = sys_rig_new(&opt, NCLIENTS, specs);
    CHECK(rig->virt_init == GPU_VIRT_OK, "virtualiser init %d", rig->virt_init);
    memset(h, 0, sizeof(*h));
    h->c = &rig->clients[HONEST].client;
    h->data = rig->clients[HONEST].data;
    rig->clients[HONEST].on_display = honest_display;
    rig->clients[HONEST].on_display_ctx = h;
    sys_client_start(rig, HONEST);
    for (uint32_t i = 1; i < NCLIENTS; i++) {
        x[i].sc = &rig->clients[i];
        x[i].sc->deaf = true; /* the virtualiser's notifications are never taken */
        gpu_queue_init(&x[i].req, x[i].sc->req_region, SYS_QUEUE_CAP, true);
        gpu_queue_init(&x[i].resp, x[i].sc->resp_region, SYS_QUEUE_CAP, false);
    }
    return rig;
}

static void step(sys_rig_t *rig, honest_t *h, hostile_t *x, reader_t *r)
{
    uint8_t op = rd8(r);
    hostile_t *who = &x[1 + (op >> 7)];
    switch (op & 7) {
    case 0:
    case 1:
    case 2:
        hostile_send(who, r);
        break;
    case 3:
        hostile_scribble(who, r);
        break;
    case 4:
        hostile_drain(who, r);
        break;
    case 5:
        honest_advance(h);
        break;
    default:
        sys_rig_run(rig);
        break;
    }
}

static void finish(sys_rig_t *rig, honest_t *h, outcome_t *out)
{
    for (int round = 0; round < 1000 && h->step < STEPS; round++) {
        honest_advance(h);
        sys_rig_run(rig);
    }
    CHECK(h->step == STEPS, "the honest client finished %u of %u steps", h->step, STEPS);
    memcpy(out->status, h->status, sizeof(out->status));
    memcpy(out->failed_code, h->failed_code, sizeof(out->failed_code));
    uint32_t w = 0;
    uint32_t hh = 0;
    const uint32_t *screen = sys_rig_screen(rig, 0, &w, &hh);
    CHECK(screen != NULL && w >= FB_W && hh >= FB_H, "scanout 0 is %ux%u", w, hh);
    for (uint32_t y = 0; y < FB_H; y++) {
        memcpy(&out->pixels[y * FB_W], &screen[(size_t)y * w], FB_W * 4);
    }
}

static void run(const uint8_t *data, size_t size, outcome_t *out)
{
    static honest_t h;
    static hostile_t x[NCLIENTS];
    sys_rig_t *rig = rig_build(&h, x);
    reader_t r = {data, size};
    while (r.n > 0) {
        step(rig, &h, x, &r);
    }
    finish(rig, &h, out);
    sys_rig_free(rig);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static outcome_t reference;
    static bool have_reference;
    if (!have_reference) {
        setenv("VH_QUIET", "1", 0); /* the stack's log lines, thousands a second, would drown the fuzzer */
        run(NULL, 0, &reference);   /* the honest client alone */
        for (uint32_t i = 0; i < STEPS; i++) {
            CHECK(reference.status[i] == GPU_STATUS_OK, "alone, step %u: status %u", i, reference.status[i]);
        }
        have_reference = true;
    }
    static outcome_t got;
    run(data, size, &got);
    for (uint32_t i = 0; i < STEPS; i++) {
        CHECK(got.status[i] == reference.status[i] && got.failed_code[i] == reference.failed_code[i],
              "step %u: status %u (code %u), alone %u", i, got.status[i], got.failed_code[i], reference.status[i]);
    }
    CHECK(memcmp(got.pixels, reference.pixels, sizeof(got.pixels)) == 0, "the honest scanout's pixels differ");
    return 0;
}
