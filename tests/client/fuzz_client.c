/*
 * libFuzzer target: the client library facing a hostile server. The input
 * drives the client (stage and submit requests under a few ops) and the
 * "server", which writes arbitrary responses (guessed or real ids, any code
 * and status), arbitrary display info and events, consumes requests, and
 * scribbles on the queue headers. Invariants: no crash or sanitizer report,
 * an op completes at most once per use and only after as many responses as
 * it has requests, the pending table never over- or underflows.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sddf/gpu/event.h>

#define SDDF_LOG_COMPONENT "FUZZ"
#include <sddf/log.h>

#include "gpu_client.h"

#define CAP  16u
#define OPS  4u
#define DATA (64u * 1024)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

void sddf_log(const char *fmt, ...)
{
    (void)fmt;
}

typedef struct fuzz_state {
    _Alignas(64) uint8_t req[GPU_QUEUE_REGION_SIZE(CAP, sizeof(gpu_req_t))];
    _Alignas(64) uint8_t resp[GPU_QUEUE_REGION_SIZE(CAP, sizeof(gpu_resp_t))];
    _Alignas(64) gpu_info_region_t info;
    _Alignas(4096) uint8_t data[DATA];
    gpu_client_t client;
    gpu_client_op_t ops[OPS];
    uint32_t staged_in[OPS]; /* requests staged under ops[i] since its init */
    uint32_t done[OPS];      /* completions of ops[i] since its init */
    gpu_queue_t srv_req;     /* server: consumer */
    gpu_queue_t srv_resp;    /* server: producer */
    uint32_t seen_ids[CAP];  /* ids the server took from the request queue */
    uint32_t seen_codes[CAP];
} fuzz_state_t;

static fuzz_state_t *S;

static void on_done(gpu_client_t *c, gpu_client_op_t *op)
{
    (void)c;
    uint32_t i = (uint32_t)(op - S->ops);
    S->done[i]++;
    if (S->done[i] > 1 || op->count != S->staged_in[i] || op->outstanding != 0) {
        abort(); /* completed twice, or before all its answers */
    }
}

static void on_notify(void *ctx)
{
    (void)ctx;
}

static uint32_t take(const uint8_t **p, const uint8_t *end, uint32_t bytes)
{
    uint32_t v = 0;
    for (uint32_t i = 0; i < bytes && *p < end; i++) {
        v |= (uint32_t) * (*p)++ << (8 * i);
    }
    return v;
}

static void client_stage(const uint8_t **p, const uint8_t *end)
{
    uint32_t i = take(p, end, 1) % OPS;
    gpu_client_op_t *op = &S->ops[i];
    if (!gpu_client_op_busy(op)) {
        gpu_client_op_init(op, on_done, NULL);
        S->staged_in[i] = 0;
        S->done[i] = 0;
    }
    uint32_t n = take(p, end, 1) % 4 + 1;
    for (uint32_t k = 0; k < n; k++) {
        gpu_req_t req = {.code = take(p, end, 1) % (GPU_REQ_MAX + 2)};
        if (gpu_client_enqueue(&S->client, op, &req)) {
            S->staged_in[i]++;
        }
    }
    gpu_client_submit(&S->client);
}

static void server_consume(void)
{
    gpu_req_t req;
    for (uint32_t k = 0; k < CAP && gpu_req_dequeue(&S->srv_req, &req); k++) {
        S->seen_ids[k] = req.id;
        S->seen_codes[k] = req.code;
    }
}

static void server_respond(const uint8_t **p, const uint8_t *end)
{
    uint32_t pick = take(p, end, 1);
    gpu_resp_t resp = {.status = take(p, end, 1) % (GPU_STATUS_MAX + 2)};
    if (pick & 0x80u) {
        resp.id = take(p, end, 4);
        resp.code = take(p, end, 1);
    } else {
        resp.id = S->seen_ids[pick % CAP];
        resp.code = S->seen_codes[pick % CAP];
    }
    gpu_resp_enqueue(&S->srv_resp, &resp);
    gpu_client_notified(&S->client);
}

static void server_scribble(const uint8_t **p, const uint8_t *end)
{
    uint32_t what = take(p, end, 1) % 5;
    uint32_t v = take(p, end, 4);
    gpu_queue_shared_t *rq = (gpu_queue_shared_t *)S->req;
    gpu_queue_shared_t *sq = (gpu_queue_shared_t *)S->resp;
    switch (what) {
    case 0:
        rq->head = v; /* the client reads the consumer's head of its request queue */
        break;
    case 1:
        sq->tail = v; /* and the producer's tail of its response queue */
        break;
    case 2:
        memcpy(&S->info.display, S->data, sizeof(S->info.display));
        memcpy(&S->info.display, &v, sizeof(v));
        gpu_event_raise(&S->info.event);
        break;
    case 3:
        rq->producer_signal = v;
        sq->consumer_signal = v;
        break;
    default:
        S->info.event.pending = v;
        break;
    }
    gpu_client_notified(&S->client);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (S == NULL) {
        S = aligned_alloc(4096, (sizeof(fuzz_state_t) + 4095) & ~(size_t)4095);
    }
    memset(S, 0, sizeof(*S));
    gpu_client_config_t cfg = {
            .magic = GPU_CLIENT_CONFIG_MAGIC,
            .version = GPU_CLIENT_CONFIG_VERSION,
            .req_region = S->req,
            .req_capacity = CAP,
            .resp_region = S->resp,
            .resp_capacity = CAP,
            .info = &S->info,
            .data = S->data,
            .data_size = DATA,
            .notify = on_notify,
    };
    if (!gpu_client_init(&S->client, &cfg)) {
        abort();
    }
    gpu_queue_init(&S->srv_req, S->req, CAP, false);
    gpu_queue_init(&S->srv_resp, S->resp, CAP, true);
    gpu_client_start(&S->client);
    const uint8_t *p = data;
    const uint8_t *end = data + size;
    while (p < end) {
        switch (take(&p, end, 1) % 4) {
        case 0:
            client_stage(&p, end);
            break;
        case 1:
            server_consume();
            break;
        case 2:
            server_respond(&p, end);
            break;
        default:
            server_scribble(&p, end);
            break;
        }
        if (S->client.pending_count > GPU_CLIENT_MAX_PENDING || S->client.staged_count > GPU_CLIENT_MAX_STAGED) {
            abort();
        }
    }
    return 0;
}
