/*
 * The conformance runner: see conform.h. For each row, three operations in
 * turn, each one batch of requests: the fixture, the row's request, and the
 * teardown (scanout 0 off, every id the rows use unreffed; their statuses do
 * not matter). Rows the device cannot run are reported as skipped.
 */
#include <string.h>

#include "conform.h"

#define CONFORM_PHASE_FIXTURE  0u
#define CONFORM_PHASE_REQUEST  1u
#define CONFORM_PHASE_TEARDOWN 2u

/* Every id a fixture or a row may leave behind. */
static const uint32_t teardown_ids[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 32};

static void conform_done(gpu_client_t *c, gpu_client_op_t *op);

static void report(conform_t *cf, const conform_row_t *row, uint32_t got, uint32_t verdict)
{
    cf->reported++;
    if (verdict == CONFORM_PASS) {
        cf->passed++;
    } else if (verdict == CONFORM_SKIP) {
        cf->skipped++;
    } else {
        cf->failed++;
    }
    cf->report(cf->ctx, cf->reported, row, got, verdict);
}

static bool runnable(const conform_t *cf, const conform_row_t *row)
{
    return row->needs == CONFORM_ANY || (row->needs == CONFORM_BLOB) == cf->blob;
}

/* Stage `n` requests under the op and submit them; false if the client library refused one. */
static bool submit(conform_t *cf, const gpu_req_t *reqs, uint32_t n)
{
    gpu_client_op_init(&cf->op, conform_done, cf);
    for (uint32_t i = 0; i < n; i++) {
        if (!gpu_client_enqueue(cf->client, &cf->op, &reqs[i])) {
            return false;
        }
    }
    gpu_client_submit(cf->client);
    return true;
}

static bool stage_teardown(conform_t *cf)
{
    gpu_req_t reqs[2 + sizeof(teardown_ids) / sizeof(teardown_ids[0])];
    memset(reqs, 0, sizeof(reqs));
    reqs[0].code = GPU_REQ_SET_SCANOUT;   /* scanout 0, resource 0: off */
    reqs[1].code = GPU_REQ_UPDATE_CURSOR; /* scanout 0, resource 0: cursor hidden */
    for (uint32_t i = 0; i < sizeof(teardown_ids) / sizeof(teardown_ids[0]); i++) {
        reqs[2 + i].code = GPU_REQ_RESOURCE_UNREF;
        reqs[2 + i].unref.resource_id = teardown_ids[i];
    }
    cf->phase = CONFORM_PHASE_TEARDOWN;
    return submit(cf, reqs, sizeof(reqs) / sizeof(reqs[0]));
}

/* Skips the rows this device cannot run, then stages the next one's fixture; done after the last. */
static void next_row(conform_t *cf)
{
    while (cf->next < conform_num_rows && !runnable(cf, &conform_rows[cf->next])) {
        report(cf, &conform_rows[cf->next++], 0, CONFORM_SKIP);
    }
    if (cf->next == conform_num_rows) {
        cf->done = true;
        return;
    }
    cf->phase = CONFORM_PHASE_FIXTURE;
    if (!submit(cf, conform_fixture, cf->blob ? CONFORM_FIXTURE_ALL : CONFORM_FIXTURE_2D)) {
        report(cf, &conform_rows[cf->next++], GPU_STATUS_UNSPEC, CONFORM_NOSETUP);
        cf->done = true; /* the client library itself is out of room: nothing more can run */
    }
}

static void fixture_done(conform_t *cf)
{
    const conform_row_t *row = &conform_rows[cf->next];
    if (cf->op.status != GPU_STATUS_OK) {
        report(cf, row, cf->op.status, CONFORM_NOSETUP);
        cf->next++;
        stage_teardown(cf);
        return;
    }
    cf->phase = CONFORM_PHASE_REQUEST;
    submit(cf, &row->req, 1);
}

/*
 * The row's verdict: its status, and for PRESENT also the completion word
 * (the fence of an OK present, unchanged by a failed one).
 */
static uint32_t row_verdict(conform_t *cf, const conform_row_t *row, uint32_t got)
{
    bool pass = got == row->expect;
    if (row->req.code == GPU_REQ_PRESENT) {
        if (got == GPU_STATUS_OK) {
            cf->present_fence = row->req.present.fence;
        }
        pass = pass && gpu_client_present_fence(cf->client) == cf->present_fence;
    }
    return pass ? CONFORM_PASS : CONFORM_FAIL;
}

static void conform_done(gpu_client_t *c, gpu_client_op_t *op)
{
    (void)c;
    conform_t *cf = op->ctx;
    switch (cf->phase) {
    case CONFORM_PHASE_FIXTURE:
        fixture_done(cf);
        break;
    case CONFORM_PHASE_REQUEST: {
        const conform_row_t *row = &conform_rows[cf->next++];
        report(cf, row, op->status, row_verdict(cf, row, op->status));
        stage_teardown(cf);
        break;
    }
    default:
        next_row(cf);
        break;
    }
}

void conform_init(conform_t *cf, gpu_client_t *c, conform_report_fn fn, void *ctx)
{
    memset(cf, 0, sizeof(*cf));
    cf->client = c;
    cf->report = fn;
    cf->ctx = ctx;
}

static void before_ready_done(gpu_client_t *c, gpu_client_op_t *op)
{
    (void)c;
    conform_t *cf = op->ctx;
    const conform_row_t *row = &conform_before_ready;
    report(cf, row, op->status, op->status == row->expect ? CONFORM_PASS : CONFORM_FAIL);
}

bool conform_stage_before_ready(conform_t *cf)
{
    gpu_client_op_init(&cf->before_ready_op, before_ready_done, cf);
    return gpu_client_enqueue(cf->client, &cf->before_ready_op, &conform_before_ready.req);
}

void conform_display_changed(conform_t *cf)
{
    if (cf->started) {
        return;
    }
    cf->started = true;
    cf->blob = gpu_client_has_blob(cf->client);
    next_row(cf);
}
