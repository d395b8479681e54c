/*
 * The glue (virt.c) against a recording OS seam: configuration checked at
 * init, channels dispatched to the core, the core's notify set turned into
 * deferred notifications, IO bases taken from setvar symbols, release
 * triggered and acknowledged on the release channel.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <sddf/os.h>

#include "virt_env.h"

extern gpu_virt_config_t gpu_virt_config;
extern uintptr_t gpu_virt_data_paddr1;

#define CH_DRIVER   0u
#define CH_CLIENT0  1u
#define CH_CLIENT1  2u
#define CH_RELEASE1 11u
#define CH_UNUSED   40u
#define IO_SETVAR   0xabc000000ull

static uint64_t deferred; /* bit ch: sddf_deferred_notify(ch) since the last clear */

void sddf_notify(sddf_channel_t ch)
{
    deferred |= 1ull << ch;
}

void sddf_deferred_notify(sddf_channel_t ch)
{
    deferred |= 1ull << ch;
}

void sddf_irq_ack(sddf_channel_t ch)
{
    (void)ch;
    fail_msg("the virtualiser has no interrupts");
}

void sddf_cache_clean(uintptr_t start, uintptr_t end)
{
    (void)start;
    (void)end;
}

void sddf_cache_invalidate(uintptr_t start, uintptr_t end)
{
    (void)start;
    (void)end;
}

static void build_config(void)
{
    env_opts_t o;
    env_default_opts(&o, 2);
    env_build(&o);
    gpu_virt_config = E->cfg;
    gpu_virt_config.driver.channel = CH_DRIVER;
    gpu_virt_config.clients[0].conn.channel = CH_CLIENT0;
    gpu_virt_config.clients[1].conn.channel = CH_CLIENT1;
    gpu_virt_config.clients[1].release_channel = CH_RELEASE1;
    gpu_virt_config.clients[1].data_io_base = GPU_VIRT_IO_BASE_SETVAR;
    gpu_virt_data_paddr1 = IO_SETVAR;
}

/* Runs first: the glue stays down after a bad configuration. */
static void test_bad_config_rejected(void **state)
{
    (void)state;
    build_config();
    gpu_virt_config.version = GPU_VIRT_CONFIG_VERSION + 1;
    init();
    assert_non_null(strstr(E->last_log, "GPU_VIRT|ERROR"));
    notified(CH_DRIVER);
    notified(CH_CLIENT0);
    assert_int_equal(env_driver_pending(), 0);
    assert_int_equal(deferred, 0);
}

static void driver_answer_all(void)
{
    gpu_req_t d;
    while (gpu_req_dequeue(&E->drv_req, &d)) {
        if (d.code == GPU_REQ_GET_DISPLAY_INFO) {
            E->drv_info.display = E->opts.device;
        }
        env_driver_answer(d.id, d.code, GPU_STATUS_OK);
    }
    notified(CH_DRIVER);
}

static uint32_t client_call(uint32_t c, sddf_channel_t ch, gpu_req_t req, gpu_req_t *seen_by_driver)
{
    env_client_push(c, &req);
    assert_true(gpu_queue_consumer_arm(&E->clients[c].resp));
    deferred = 0;
    notified(ch);
    if (seen_by_driver != NULL) {
        assert_true(gpu_queue_consumer_arm(&E->drv_req) || env_driver_pending() != 0);
        assert_true(gpu_req_dequeue(&E->drv_req, seen_by_driver));
        env_driver_answer(seen_by_driver->id, seen_by_driver->code, GPU_STATUS_OK);
        notified(CH_DRIVER);
    }
    assert_true(deferred & (1ull << ch)); /* the client asked to be told */
    gpu_resp_t r;
    assert_true(gpu_resp_dequeue(&E->clients[c].resp, &r));
    assert_int_equal(r.id, req.id);
    return r.status;
}

static void test_glue_end_to_end(void **state)
{
    (void)state;
    build_config();
    assert_true(gpu_queue_consumer_arm(&E->drv_req)); /* the driver sleeps until told */
    deferred = 0;
    init();
    assert_int_equal(deferred, 1ull << CH_DRIVER);
    assert_int_equal(env_driver_pending(), 1); /* the first display query */
    driver_answer_all();

    assert_int_equal(client_call(1, CH_CLIENT1, req_display_info(), NULL), GPU_STATUS_OK);
    gpu_req_t d;
    assert_int_equal(client_call(1, CH_CLIENT1, req_create_2d(1, GPU_FORMAT_B8G8R8X8_UNORM, 16, 16), &d),
                     GPU_STATUS_OK);
    assert_int_equal(client_call(1, CH_CLIENT1, req_attach(1, 0x2000, 1024), &d), GPU_STATUS_OK);
    assert_int_equal(d.attach_backing.mem_addr, IO_SETVAR + 0x2000); /* IO base from the setvar symbol */
    assert_int_equal(client_call(1, CH_CLIENT1, req_set_scanout(0, 1, 0, 0, 16, 16), &d), GPU_STATUS_OK);
    assert_int_equal(d.set_scanout.scanout_id, 1);

    /* Client 0 keeps its configured IO base. */
    assert_int_equal(client_call(0, CH_CLIENT0, req_display_info(), NULL), GPU_STATUS_OK);
    assert_int_equal(client_call(0, CH_CLIENT0, req_create_blob(1, 0x1000, 0x1000), &d), GPU_STATUS_OK);
    assert_int_equal(d.create_blob.mem_addr, E->opts.io_base[0] + 0x1000);

    /* A monitor releases client 1 and hears back on the same channel once it is done. */
    deferred = 0;
    notified(CH_RELEASE1);
    assert_int_equal(env_driver_pending(), 2); /* disable its scanout, unref its resource */
    assert_false(deferred & (1ull << CH_RELEASE1));
    driver_answer_all();
    assert_true(deferred & (1ull << CH_RELEASE1));
    assert_int_equal(client_call(1, CH_CLIENT1, req_flush(1, 0, 0, 1, 1), NULL), GPU_STATUS_NOT_READY);

    uint32_t logs = E->log_lines;
    notified(CH_UNUSED);
    assert_int_equal(E->log_lines, logs + 1);
    assert_non_null(strstr(E->last_log, "GPU_VIRT|WARN"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_bad_config_rejected),
            cmocka_unit_test(test_glue_end_to_end),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
