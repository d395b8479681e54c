/*
 * Protocol conformance: the rows of docs/protocol.md's tables as data
 * (conform_rows.c), and a runner (conform.c) that drives them through a
 * gpu_client connection, so that the same rows run through the whole stack
 * on our device model (tests/conformance/test_conformance.c), on QEMU's
 * virtio-gpu and on seL4 (conform_pd.c, tests/qemu/e2e-conform.sh).
 *
 * Every row is one request, made against the fixture, with the status the
 * protocol promises for it. The fixture, made before each row and removed
 * after it, is (client resource ids):
 *
 *   1  2D 64x32 B8G8R8X8, backed by data [0, 8192)
 *   2  2D 16x16, no backing
 *   5  2D 8x8 backed by only 100 bytes at 4096
 *   7  2D 64x64 B8G8R8A8 (a cursor image), backed by [8192, 24576)
 *   8  2D 64x64 B8G8R8A8, no backing
 *  10  2D 64x64 B8G8R8X8, backed by [24576, 40960)
 *  11  2D 16x64 B8G8R8A8, backed by [40960, 45056)
 *      (1 shown on scanout 0 as 64x32, until blob 6 replaces it)
 *   3  blob of 16384 bytes at 65536                  (blob devices only)
 *   4  blob of 8192 at 131072, detached              (blob devices only)
 *   6  blob of 16384 at 196608, shown on scanout 0   (blob devices only)
 *      as a 64x64 framebuffer, stride 256
 *  12  blob of 8192 at 262144                        (blob devices only)
 *
 * The client owns virtual scanout 0 (a device scanout that exists) and
 * virtual scanout 1 (device scanout 5, which the device lacks), has a data
 * region of CONFORM_DATA_SIZE bytes, CONFORM_MAX_RESOURCES ids and a
 * device-memory budget of CONFORM_MAX_MEMORY.
 *
 * Pure C over the client library; no platform header.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <gpu_client.h>

#include "conform_config.h"

#define CONFORM_FIXTURE_2D  13u /* the first fixture requests: the 2D resources (1 shown on scanout 0) */
#define CONFORM_FIXTURE_ALL 19u /* and the blobs */

/* conform_row_t.needs */
#define CONFORM_ANY     0u /* any device */
#define CONFORM_BLOB    1u /* a device with blob resources (the fixture's blobs, blob requests) */
#define CONFORM_NO_BLOB 2u /* a device without them */
/* conform_row_t.where: who answers a correct implementation's request */
#define CONFORM_VIRT   0u /* the virtualiser, at once */
#define CONFORM_DEVICE 1u /* the device: the virtualiser forwards it (and then expect is OK) */

typedef struct conform_row {
    const char *name; /* "SET_SCANOUT: 8x8: sides under 16" */
    uint8_t needs;
    uint8_t where;
    uint16_t _pad;
    uint32_t expect; /* GPU_STATUS_* */
    gpu_req_t req;
} conform_row_t;

extern const gpu_req_t conform_fixture[CONFORM_FIXTURE_ALL];
extern const conform_row_t conform_rows[];
extern const uint32_t conform_num_rows;
/* Made before the connection's first GET_DISPLAY_INFO. */
extern const conform_row_t conform_before_ready;

/* Verdicts passed to the report callback. */
#define CONFORM_PASS    0u
#define CONFORM_FAIL    1u /* the status differs from the promise */
#define CONFORM_SKIP    2u /* the device lacks (or has) what the row needs */
#define CONFORM_NOSETUP 3u /* the fixture could not be made: got is that request's status */

/* One row done. `n` counts rows from 1 in report order. */
typedef void (*conform_report_fn)(void *ctx, uint32_t n, const conform_row_t *row, uint32_t got, uint32_t verdict);

typedef struct conform {
    gpu_client_t *client;
    conform_report_fn report;
    void *ctx;
    gpu_client_op_t op;
    gpu_client_op_t before_ready_op;
    uint32_t next;  /* index of the next row of conform_rows */
    uint32_t phase; /* CONFORM_PHASE_* (conform.c) */
    uint32_t reported;
    bool blob; /* the device offers blob resources */
    bool started;
    bool done;
    uint32_t passed, failed, skipped;
    uint64_t present_fence; /* what the completion word must read: the fence of the last OK PRESENT row */
} conform_t;

void conform_init(conform_t *cf, gpu_client_t *c, conform_report_fn report, void *ctx);

/* Stages conform_before_ready. Call after gpu_client_init() and before gpu_client_start(). */
bool conform_stage_before_ready(conform_t *cf);

/* The client library reported display info: the first call starts the rows. */
void conform_display_changed(conform_t *cf);
