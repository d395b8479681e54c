/*
 * Protocol conformance on the driver connection (docs/protocol.md section
 * 1: the virtualiser is the client, the virtio-gpu driver the server): the
 * rows below are requests a virtualiser could send, each with the status the
 * protocol promises, made straight to the driver core over its queues with
 * the device model behind it (tests/support/vgpu_harness.c). Our
 * virtualiser never sends the refused ones (it checks first), so only this
 * suite holds the driver to them.
 *
 * Three phases, in order: before the first GET_DISPLAY_INFO (section 4),
 * live, and after a device reset and recovery (section 11). A row marked
 * DRIVER must be answered without reaching the device.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "vgpu_harness.h"

#define DRIVER 0u /* answered by the driver itself */
#define DEVICE 1u /* reaches the device */

typedef struct link_row {
    const char *name;
    uint32_t where;
    uint32_t expect;
    gpu_req_t req;
} link_row_t;

#define B8G8R8X8 GPU_FORMAT_B8G8R8X8_UNORM

static gpu_req_t unknown_code(void)
{
    gpu_req_t r = vh_req_display_info(0);
    r.code = GPU_REQ_MAX + 1;
    return r;
}

/* PRESENT is a client-connection request (docs/protocol.md): the virtualiser sends its two halves instead. */
static gpu_req_t present(void)
{
    gpu_req_t r = {.code = GPU_REQ_PRESENT};
    r.present = (gpu_req_present_t){.scanout_id = 0, .resource_id = 1, .fence = 1};
    return r;
}

static uint64_t device_commands(vgpu_harness_t *h)
{
    vgpu_model_stats_t st;
    vgpu_model_stats(h->model, &st);
    return st.commands;
}

/* Runs rows[0..n) in order (request id = row number); every row must get its status, from the right party. */
static void run_rows(vgpu_harness_t *h, const link_row_t *rows, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        gpu_req_t req = rows[i].req;
        req.id = (uint32_t)i + 1;
        uint64_t before = device_commands(h);
        uint32_t got = vh_call(h, &req);
        bool reached = device_commands(h) != before;
        printf("# %s %s: status %u%s\n", got == rows[i].expect ? "ok" : "not ok", rows[i].name, (unsigned)got,
               reached ? " (device)" : " (driver)");
        if (got != rows[i].expect || reached != (rows[i].where == DEVICE)) {
            fail_msg("driver link row '%s': status %u %s, the protocol says %u %s", rows[i].name, (unsigned)got,
                     reached ? "from the device" : "from the driver", (unsigned)rows[i].expect,
                     rows[i].where == DEVICE ? "from the device" : "from the driver");
        }
    }
}

static void test_driver_link(void **state)
{
    (void)state;
    const link_row_t before_ready[] = {
            {"driver link: CREATE_2D before GET_DISPLAY_INFO", DRIVER, GPU_STATUS_NOT_READY,
             vh_req_create_2d(0, 1, B8G8R8X8, 16, 16)},
            {"driver link: RESOURCE_FLUSH before GET_DISPLAY_INFO", DRIVER, GPU_STATUS_NOT_READY,
             vh_req_flush(0, 1, vh_rect(0, 0, 16, 16))},
            {"driver link: unknown code before GET_DISPLAY_INFO", DRIVER, GPU_STATUS_UNSUPPORTED, unknown_code()},
            {"driver link: UPDATE_CURSOR before GET_DISPLAY_INFO", DRIVER, GPU_STATUS_NOT_READY,
             vh_req_update_cursor(0, 0, 1, 0, 0, 0, 0)},
            {"driver link: MOVE_CURSOR before GET_DISPLAY_INFO", DRIVER, GPU_STATUS_NOT_READY,
             vh_req_move_cursor(0, 0, 0, 0)},
            {"driver link: PRESENT before GET_DISPLAY_INFO", DRIVER, GPU_STATUS_NOT_READY, present()},
            {"driver link: GET_DISPLAY_INFO", DEVICE, GPU_STATUS_OK, vh_req_display_info(0)},
    };
    const link_row_t live[] = {
            {"driver link: CREATE_2D width 0", DRIVER, GPU_STATUS_INVALID_PARAMETER,
             vh_req_create_2d(0, 1, B8G8R8X8, 0, 16)},
            {"driver link: CREATE_2D height 0", DRIVER, GPU_STATUS_INVALID_PARAMETER,
             vh_req_create_2d(0, 1, B8G8R8X8, 16, 0)},
            {"driver link: CREATE_2D width 16385", DRIVER, GPU_STATUS_INVALID_PARAMETER,
             vh_req_create_2d(0, 1, B8G8R8X8, 16385, 16)},
            {"driver link: CREATE_2D format 0", DRIVER, GPU_STATUS_INVALID_PARAMETER,
             vh_req_create_2d(0, 1, 0, 16, 16)},
            {"driver link: CREATE_2D 64x64", DEVICE, GPU_STATUS_OK, vh_req_create_2d(0, 1, B8G8R8X8, 64, 64)},
            {"driver link: ATTACH_BACKING", DEVICE, GPU_STATUS_OK, vh_req_attach(0, 1, VH_DATA_IO, 64 * 64 * 4)},
            {"driver link: SET_SCANOUT 8x8: sides under 16", DRIVER, GPU_STATUS_INVALID_PARAMETER,
             vh_req_set_scanout(0, 0, 1, vh_rect(0, 0, 8, 8))},
            {"driver link: SET_SCANOUT 1x48", DRIVER, GPU_STATUS_INVALID_PARAMETER,
             vh_req_set_scanout(0, 0, 1, vh_rect(0, 0, 1, 48))},
            {"driver link: SET_SCANOUT 16x16", DEVICE, GPU_STATUS_OK,
             vh_req_set_scanout(0, 0, 1, vh_rect(0, 0, 16, 16))},
            {"driver link: SET_SCANOUT disable, any rect", DEVICE, GPU_STATUS_OK,
             vh_req_set_scanout(0, 0, GPU_RESOURCE_ID_NONE, vh_rect(0, 0, 0, 0))},
            {"driver link: SET_SCANOUT_BLOB 8x8: sides under 16", DRIVER, GPU_STATUS_INVALID_PARAMETER,
             vh_req_set_scanout_blob(0, 0, 2, vh_rect(0, 0, 8, 8), B8G8R8X8, 64, 64, 256, 0)},
            {"driver link: SET_SCANOUT_BLOB format 0", DRIVER, GPU_STATUS_INVALID_PARAMETER,
             vh_req_set_scanout_blob(0, 0, 2, vh_rect(0, 0, 64, 64), 0, 64, 64, 256, 0)},
            {"driver link: SET_SCANOUT_BLOB width 0", DRIVER, GPU_STATUS_INVALID_PARAMETER,
             vh_req_set_scanout_blob(0, 0, 2, vh_rect(0, 0, 64, 64), B8G8R8X8, 0, 64, 256, 0)},
            {"driver link: SET_SCANOUT_BLOB stride under width * 4", DRIVER, GPU_STATUS_INVALID_PARAMETER,
             vh_req_set_scanout_blob(0, 0, 2, vh_rect(0, 0, 64, 64), B8G8R8X8, 64, 64, 255, 0)},
            {"driver link: TRANSFER_TO_2D empty rect", DRIVER, GPU_STATUS_INVALID_PARAMETER,
             vh_req_transfer(0, 1, vh_rect(0, 0, 0, 16), 0)},
            {"driver link: TRANSFER_TO_2D", DEVICE, GPU_STATUS_OK, vh_req_transfer(0, 1, vh_rect(0, 0, 64, 64), 0)},
            {"driver link: RESOURCE_FLUSH empty rect", DRIVER, GPU_STATUS_INVALID_PARAMETER,
             vh_req_flush(0, 1, vh_rect(0, 0, 16, 0))},
            {"driver link: RESOURCE_FLUSH", DEVICE, GPU_STATUS_OK, vh_req_flush(0, 1, vh_rect(0, 0, 64, 64))},
            {"driver link: CREATE_BLOB offset not page-aligned", DRIVER, GPU_STATUS_INVALID_PARAMETER,
             vh_req_create_blob(0, 2, VH_DATA_IO + 100, 4096)},
            {"driver link: unknown code", DRIVER, GPU_STATUS_UNSUPPORTED, unknown_code()},
            {"driver link: UPDATE_CURSOR scanout the device lacks", DRIVER, GPU_STATUS_INVALID_SCANOUT_ID,
             vh_req_update_cursor(0, 1, 1, 0, 0, 0, 0)},
            {"driver link: UPDATE_CURSOR hide, scanout the device lacks", DRIVER, GPU_STATUS_INVALID_SCANOUT_ID,
             vh_req_update_cursor(0, UINT32_MAX, GPU_RESOURCE_ID_NONE, 0, 0, 0, 0)},
            {"driver link: UPDATE_CURSOR hot_x 64", DRIVER, GPU_STATUS_INVALID_PARAMETER,
             vh_req_update_cursor(0, 0, 1, 10, 10, 64, 0)},
            {"driver link: UPDATE_CURSOR hot_y max", DRIVER, GPU_STATUS_INVALID_PARAMETER,
             vh_req_update_cursor(0, 0, 1, 10, 10, 0, UINT32_MAX)},
            {"driver link: UPDATE_CURSOR x 16385", DRIVER, GPU_STATUS_OUT_OF_BOUNDS,
             vh_req_update_cursor(0, 0, 1, 16385, 10, 0, 0)},
            {"driver link: UPDATE_CURSOR y max", DRIVER, GPU_STATUS_OUT_OF_BOUNDS,
             vh_req_update_cursor(0, 0, 1, 10, UINT32_MAX, 0, 0)},
            {"driver link: UPDATE_CURSOR hot spot 63, at 16384", DEVICE, GPU_STATUS_OK,
             vh_req_update_cursor(0, 0, 1, 16384, 16384, 63, 63)},
            {"driver link: UPDATE_CURSOR", DEVICE, GPU_STATUS_OK, vh_req_update_cursor(0, 0, 1, 10, 20, 1, 2)},
            {"driver link: MOVE_CURSOR scanout the device lacks", DRIVER, GPU_STATUS_INVALID_SCANOUT_ID,
             vh_req_move_cursor(0, 1, 0, 0)},
            {"driver link: MOVE_CURSOR x max", DRIVER, GPU_STATUS_OUT_OF_BOUNDS,
             vh_req_move_cursor(0, 0, UINT32_MAX, 0)},
            {"driver link: MOVE_CURSOR y 16385", DRIVER, GPU_STATUS_OUT_OF_BOUNDS, vh_req_move_cursor(0, 0, 0, 16385)},
            {"driver link: MOVE_CURSOR", DEVICE, GPU_STATUS_OK, vh_req_move_cursor(0, 0, 16384, 0)},
            {"driver link: UPDATE_CURSOR hide, other fields ignored", DEVICE, GPU_STATUS_OK,
             vh_req_update_cursor(0, 0, GPU_RESOURCE_ID_NONE, UINT32_MAX, UINT32_MAX, UINT32_MAX, UINT32_MAX)},
            {"driver link: PRESENT (client connection only)", DRIVER, GPU_STATUS_UNSUPPORTED, present()},
    };
    const link_row_t after_reset[] = {
            {"driver link: after a device reset, CREATE_2D before GET_DISPLAY_INFO", DRIVER, GPU_STATUS_DEVICE_ERROR,
             vh_req_create_2d(0, 1, B8G8R8X8, 64, 64)},
            {"driver link: after a device reset, UPDATE_CURSOR before GET_DISPLAY_INFO", DRIVER,
             GPU_STATUS_DEVICE_ERROR, vh_req_update_cursor(0, 0, GPU_RESOURCE_ID_NONE, 0, 0, 0, 0)},
            {"driver link: after a device reset, MOVE_CURSOR before GET_DISPLAY_INFO", DRIVER, GPU_STATUS_DEVICE_ERROR,
             vh_req_move_cursor(0, 0, 0, 0)},
            {"driver link: after a device reset, GET_DISPLAY_INFO", DEVICE, GPU_STATUS_OK, vh_req_display_info(0)},
            {"driver link: after a device reset, CREATE_2D of an id the old device had", DEVICE, GPU_STATUS_OK,
             vh_req_create_2d(0, 1, B8G8R8X8, 64, 64)},
    };
    vh_options_t opt;
    vh_options_default(&opt);
    opt.display_info_first = false; /* this suite is the virtualiser */
    vgpu_harness_t *h = vh_create(&opt);
    assert_non_null(h);
    run_rows(h, before_ready, sizeof(before_ready) / sizeof(before_ready[0]));
    run_rows(h, live, sizeof(live) / sizeof(live[0]));
    assert_int_equal(h->info->event.present_fence, 0); /* the driver connection's word stays 0 */
    vgpu_model_fault_needs_reset(h->model);
    vh_run(h);
    assert_int_equal(h->drv->device_epoch, 1);
    run_rows(h, after_reset, sizeof(after_reset) / sizeof(after_reset[0]));
    assert_int_equal(h->info->display.device_epoch, 1);
    vh_destroy(h);
}

int main(void)
{
    setenv("VH_QUIET", "1", 1);
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_driver_link),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
