/*
 * The conformance client PD: runs every row of the protocol's tables
 * (conform.h) through the system it is part of, on QEMU's virtio-gpu or on
 * seL4, and prints one line per row:
 *
 *   conform: ok N - NAME
 *   conform: not ok N - NAME: got STATUS, the protocol says STATUS
 *   conform: skip N - NAME (the device lacks blob resources)
 *   conform: done: P passed, F failed, S skipped
 *
 * tests/qemu/e2e-conform.sh turns these into TAP.
 */
#include <sddf/os.h>

#include "sdf_config.h"

#define SDDF_LOG_COMPONENT "CONFORM"
#include <sddf/log.h>

#include "client_glue.h"
#include "conform.h"

static gpu_client_t client;
static conform_t cf;
static bool started;

static void report(void *ctx, uint32_t n, const conform_row_t *row, uint32_t got, uint32_t verdict)
{
    (void)ctx;
    switch (verdict) {
    case CONFORM_PASS:
        sddf_log("conform: ok %u - %s\n", n, row->name);
        break;
    case CONFORM_SKIP:
        sddf_log("conform: skip %u - %s (the device %s blob resources)\n", n, row->name,
                 row->needs == CONFORM_BLOB ? "lacks" : "has");
        break;
    default:
        sddf_log("conform: not ok %u - %s: got %s, the protocol says %s%s\n", n, row->name, gpu_client_status_name(got),
                 gpu_client_status_name(row->expect), verdict == CONFORM_NOSETUP ? " (the fixture failed)" : "");
        break;
    }
}

static void display_changed(gpu_client_t *c, void *ctx)
{
    (void)c;
    conform_display_changed(ctx);
}

void init(void)
{
    if (!example_client_setup(&client, SDF_CH_GPU_VIRT, display_changed, NULL, &cf)) {
        return;
    }
    if (gpu_data_size != CONFORM_DATA_SIZE) {
        LOG_ERR("the data region is 0x%lx bytes; the rows are written for 0x%x\n", (unsigned long)gpu_data_size,
                CONFORM_DATA_SIZE);
        return;
    }
    conform_init(&cf, &client, report, NULL);
    if (!conform_stage_before_ready(&cf)) {
        LOG_ERR("could not stage the first row\n");
        return;
    }
    started = true;
    gpu_client_start(&client);
}

void notified(sddf_channel_t ch)
{
    if (!started || ch != SDF_CH_GPU_VIRT) {
        return;
    }
    bool was_done = cf.done;
    gpu_client_notified(&client);
    if (cf.done && !was_done) {
        sddf_log("conform: done: %u passed, %u failed, %u skipped\n", cf.passed, cf.failed, cf.skipped);
    }
}
