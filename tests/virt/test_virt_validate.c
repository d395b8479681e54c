/*
 * Validation: every row of the protocol's tables (tests/conformance/
 * conform_rows.c: each request kind with each malformed input and the exact
 * status docs/protocol.md promises) against a scripted driver that answers
 * OK. Rows the device answers must reach the driver and come back OK; every
 * other row is answered by the virtualiser without reaching it. Every row runs
 * on a fresh fixture, so a forwarded one cannot disturb the next. The same
 * rows run through the whole stack in tests/conformance.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "conform.h"
#include "virt_env.h"

/*
 * Client 0 of two: owns virtual scanout 0 (device 0) and virtual 1 (device 5,
 * which the 4-scanout device lacks); client 1 owns device scanout 1. The
 * resources are conform_fixture's (tests/conformance/conform.h).
 */
static void fixture(uint32_t features)
{
    env_opts_t o;
    env_default_opts(&o, 2);
    o.num_scanouts[0] = 2;
    o.scanouts[0][0] = 0;
    o.scanouts[0][1] = 5;
    o.scanouts[1][0] = 1;
    o.data_size[0] = CONFORM_DATA_SIZE;
    o.max_resources[0] = CONFORM_MAX_RESOURCES;
    o.max_memory[0] = CONFORM_MAX_MEMORY;
    o.device.features = features;
    env_setup_ready(&o);
    uint32_t n = (features & GPU_FEATURE_BLOB) ? CONFORM_FIXTURE_ALL : CONFORM_FIXTURE_2D;
    for (uint32_t i = 0; i < n; i++) {
        gpu_req_t req = conform_fixture[i];
        assert_int_equal(env_call(0, &req), GPU_STATUS_OK);
    }
}

/* One row on a fresh fixture: its status, and forwarded exactly when the row says the device answers it. */
static bool run_row(const conform_row_t *row, uint32_t features)
{
    fixture(features);
    gpu_req_t req = row->req;
    uint32_t id = env_client_send(0, &req);
    uint32_t served = env_driver_serve();
    gpu_resp_t resp = {0};
    bool answered = env_client_recv(0, &resp);
    bool extra = env_client_pending(0) != 0;
    bool want_fwd = row->where == CONFORM_DEVICE;
    if (!answered || extra || resp.id != id || resp.code != req.code || resp.status != row->expect ||
        (served != 0) != want_fwd) {
        printf("# row '%s': answered %d extra %d status %u (want %u) forwarded %u (want %d)\n", row->name, answered,
               extra, resp.status, row->expect, served, want_fwd);
        return false;
    }
    return true;
}

/* Every row of the protocol's tables (tests/conformance/conform_rows.c) this device can run. */
static void run_rows(uint32_t features)
{
    bool blob = (features & GPU_FEATURE_BLOB) != 0;
    unsigned failures = 0;
    for (uint32_t i = 0; i < conform_num_rows; i++) {
        const conform_row_t *row = &conform_rows[i];
        if (row->needs != CONFORM_ANY && (row->needs == CONFORM_BLOB) != blob) {
            continue;
        }
        failures += run_row(row, features) ? 0 : 1;
    }
    assert_int_equal(failures, 0);
}

static void test_rows_blob_device(void **state)
{
    (void)state;
    run_rows(GPU_FEATURE_BLOB | GPU_FEATURE_EDID);
}

static void test_rows_device_without_blob(void **state)
{
    (void)state;
    run_rows(GPU_FEATURE_EDID);
}

/* Before a successful GET_DISPLAY_INFO every other request, valid or not, is NOT_READY. */
static void test_not_ready(void **state)
{
    (void)state;
    env_opts_t o;
    env_default_opts(&o, 1);
    assert_int_equal(env_setup(&o), GPU_VIRT_OK);
    env_driver_serve();
    for (uint32_t code = GPU_REQ_RESOURCE_CREATE_2D; code <= GPU_REQ_MAX; code++) {
        gpu_req_t r = req_code(code);
        assert_int_equal(env_call_local(0, &r), GPU_STATUS_NOT_READY);
    }
    gpu_req_t ok = req_create_2d(1, GPU_FORMAT_B8G8R8X8_UNORM, 4, 4);
    assert_int_equal(env_call_local(0, &ok), GPU_STATUS_NOT_READY);
    gpu_req_t bad = req_code(99);
    assert_int_equal(env_call_local(0, &bad), GPU_STATUS_UNSUPPORTED);
    gpu_req_t info = req_display_info();
    assert_int_equal(env_call_local(0, &info), GPU_STATUS_OK);
    assert_int_equal(env_call(0, &ok), GPU_STATUS_OK);
}

/* Configuration errors, each found at init. */
static void test_config(void **state)
{
    (void)state;
    env_opts_t o;
    env_default_opts(&o, 3);
    assert_int_equal(env_setup(&o), GPU_VIRT_OK);

    gpu_virt_config_t good = E->cfg;
    gpu_virt_config_t c;
    gpu_virt_notify_t n = {0};
    unsigned failures = 0;
#define CFG_CASE(what, mutation, want)                                                                                 \
    do {                                                                                                               \
        c = good;                                                                                                      \
        mutation;                                                                                                      \
        int got = gpu_virt_init(&E->virt, &c, &n);                                                                     \
        if (got != (want)) {                                                                                           \
            printf("# config case '%s': got %d want %d\n", what, got, want);                                           \
            failures++;                                                                                                \
        }                                                                                                              \
    } while (0)
    CFG_CASE("good", (void)0, GPU_VIRT_OK);
    CFG_CASE("magic", c.magic ^= 1, GPU_VIRT_ERR_MAGIC);
    CFG_CASE("version", c.version = GPU_VIRT_CONFIG_VERSION + 1, GPU_VIRT_ERR_VERSION);
    CFG_CASE("budgets fill the device memory", c.device_memory = 3 * ENV_MAX_MEMORY, GPU_VIRT_OK);
    CFG_CASE("budgets exceed the device memory", c.device_memory = 3 * ENV_MAX_MEMORY - 1, GPU_VIRT_ERR_MEMORY);
    CFG_CASE("budget max", c.clients[2].max_memory = UINT64_MAX, GPU_VIRT_ERR_MEMORY);
    CFG_CASE("budget 0: blobs only", c.clients[2].max_memory = 0, GPU_VIRT_OK);
    CFG_CASE("no clients", c.num_clients = 0, GPU_VIRT_ERR_CLIENTS);
    CFG_CASE("too many clients", c.num_clients = GPU_VIRT_MAX_CLIENTS + 1, GPU_VIRT_ERR_CLIENTS);
    CFG_CASE("driver capacity", c.driver.req_capacity = 3, GPU_VIRT_ERR_QUEUE);
    CFG_CASE("driver region", c.driver.info = 0, GPU_VIRT_ERR_QUEUE);
    CFG_CASE("client capacity", c.clients[2].conn.resp_capacity = 0, GPU_VIRT_ERR_QUEUE);
    CFG_CASE("client region", c.clients[1].conn.req_queue = 0, GPU_VIRT_ERR_QUEUE);
    CFG_CASE("quota 0", c.clients[1].max_resources = 0, GPU_VIRT_ERR_RESOURCES);
    CFG_CASE("quota above maximum", c.clients[1].max_resources = GPU_VIRT_MAX_RESOURCES_PER_CLIENT + 1,
             GPU_VIRT_ERR_RESOURCES);
    CFG_CASE("io range wraps", (c.clients[0].data_io_base = UINT64_MAX - 10, c.clients[0].data_size = 11),
             GPU_VIRT_ERR_DATA);
    CFG_CASE("io windows overlap", c.clients[1].data_io_base = c.clients[0].data_io_base + ENV_DATA_SIZE - 1,
             GPU_VIRT_ERR_DATA);
    CFG_CASE("io windows touch", c.clients[1].data_io_base = c.clients[0].data_io_base + ENV_DATA_SIZE, GPU_VIRT_OK);
    CFG_CASE("io window inside another",
             (c.clients[2].data_io_base = c.clients[0].data_io_base + 4096, c.clients[2].data_size = 4096),
             GPU_VIRT_ERR_DATA);
    CFG_CASE("empty window anywhere",
             (c.clients[2].data_io_base = c.clients[0].data_io_base, c.clients[2].data_size = 0), GPU_VIRT_OK);
    CFG_CASE("scanout owned twice", c.clients[2].scanouts[0] = 0, GPU_VIRT_ERR_SCANOUTS);
    CFG_CASE("scanout twice in one client", (c.clients[0].num_scanouts = 2, c.clients[0].scanouts[1] = 0),
             GPU_VIRT_ERR_SCANOUTS);
    CFG_CASE("scanout out of range", c.clients[0].scanouts[0] = GPU_MAX_SCANOUTS, GPU_VIRT_ERR_SCANOUTS);
    CFG_CASE("too many scanouts", c.clients[0].num_scanouts = GPU_MAX_SCANOUTS + 1, GPU_VIRT_ERR_SCANOUTS);
    CFG_CASE("one client owns all",
             (c.num_clients = 1, c.clients[0].num_scanouts = GPU_MAX_SCANOUTS,
              memcpy(c.clients[0].scanouts, (uint8_t[]){0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15},
                     GPU_MAX_SCANOUTS)),
             GPU_VIRT_OK);
#undef CFG_CASE
    assert_int_equal(failures, 0);
}

/*
 * Quotas that together exceed the device-id space are refused, so no client
 * can starve another. The tests are built with GPU_VIRT_MAX_DEVICE_RESOURCES
 * = 128: four clients of 32 fit exactly.
 */
static void test_config_quota_sum(void **state)
{
    (void)state;
    _Static_assert(GPU_VIRT_MAX_DEVICE_RESOURCES == 128, "tests/virt/module.mk sets the device-id space");
    env_opts_t o;
    env_default_opts(&o, 4);
    assert_int_equal(env_setup(&o), GPU_VIRT_OK);
    o.max_resources[3] = 33;
    assert_int_equal(env_setup(&o), GPU_VIRT_ERR_RESOURCES);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_rows_blob_device), cmocka_unit_test(test_rows_device_without_blob),
            cmocka_unit_test(test_not_ready),        cmocka_unit_test(test_config),
            cmocka_unit_test(test_config_quota_sum),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
