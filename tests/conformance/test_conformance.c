/*
 * Protocol conformance through the whole stack: every row of conform_rows.c
 * from a client library connection, through the virtualiser and the driver,
 * to the device model, once on a device with blob resources and once on one
 * without. Each row's status must be the one docs/protocol.md promises; the
 * same rows run on QEMU and seL4 (tests/qemu/e2e-conform.sh).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include <virtio/virtio_gpu.h>
#include <virtio/virtio_mmio.h>

#include "conform.h"
#include "system_rig.h"

#define FEATURES_ALL    ((1ull << VIRTIO_F_VERSION_1) | (1ull << VIRTIO_GPU_F_EDID) | (1ull << VIRTIO_GPU_F_RESOURCE_BLOB))
#define FEATURES_NOBLOB ((1ull << VIRTIO_F_VERSION_1) | (1ull << VIRTIO_GPU_F_EDID))

static void report(void *ctx, uint32_t n, const conform_row_t *row, uint32_t got, uint32_t verdict)
{
    (void)ctx;
    static const char *const what[] = {"ok", "not ok", "skip", "not ok (fixture)"};
    if (verdict != CONFORM_PASS && verdict != CONFORM_SKIP) {
        printf("# %s %u - %s: got status %u, the protocol says %u\n", what[verdict], n, row->name, got, row->expect);
    }
}

static void on_display(gpu_client_t *c, void *ctx)
{
    (void)c;
    conform_display_changed(ctx);
}

static conform_t run(uint64_t features)
{
    vh_options_t opt;
    vh_options_default(&opt);
    opt.model.features = features;
    sys_client_spec_t spec = {.num_scanouts = 2,
                              .scanouts = {0, 5},
                              .data_size = CONFORM_DATA_SIZE,
                              .max_resources = CONFORM_MAX_RESOURCES};
    sys_rig_t *r = sys_rig_new(&opt, 1, &spec);
    assert_int_equal(r->virt_init, GPU_VIRT_OK);
    conform_t cf;
    conform_init(&cf, &r->clients[0].client, report, NULL);
    r->clients[0].on_display = on_display;
    r->clients[0].on_display_ctx = &cf;
    assert_true(conform_stage_before_ready(&cf));
    sys_client_start(r, 0);
    for (int i = 0; i < 10000 && !cf.done; i++) {
        sys_rig_run(r);
    }
    assert_true(cf.done);
    sys_rig_free(r);
    return cf;
}

static void test_blob_device(void **state)
{
    (void)state;
    conform_t cf = run(FEATURES_ALL);
    printf("# blob device: %u rows passed, %u failed, %u skipped\n", cf.passed, cf.failed, cf.skipped);
    assert_int_equal(cf.failed, 0);
    assert_int_equal(cf.passed + cf.skipped, conform_num_rows + 1);
}

static void test_device_without_blob(void **state)
{
    (void)state;
    conform_t cf = run(FEATURES_NOBLOB);
    printf("# device without blob: %u rows passed, %u failed, %u skipped\n", cf.passed, cf.failed, cf.skipped);
    assert_int_equal(cf.failed, 0);
    assert_int_equal(cf.passed + cf.skipped, conform_num_rows + 1);
}

/* Every row that the virtualiser forwards must be one a correct device accepts. */
static void test_rows_consistent(void **state)
{
    (void)state;
    for (uint32_t i = 0; i < conform_num_rows; i++) {
        const conform_row_t *row = &conform_rows[i];
        if (row->where == CONFORM_DEVICE && row->expect != GPU_STATUS_OK) {
            fail_msg("row '%s': forwarded rows must expect OK", row->name);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_rows_consistent),
            cmocka_unit_test(test_blob_device),
            cmocka_unit_test(test_device_without_blob),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
