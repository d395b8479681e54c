/*
 * Client library tests against the fake server: the handshake, ids and
 * matching, batching with one notification, out-of-order and forged
 * responses, a full request queue, display-info events.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <sddf/gpu/event.h>

#include "client_rig.h"
#include "gpu_fb.h"

typedef struct done_record {
    uint32_t calls;
    uint32_t status;
    uint32_t failed_code;
    uint32_t failed_index;
} done_record_t;

static void record_done(gpu_client_t *c, gpu_client_op_t *op)
{
    (void)c;
    done_record_t *d = op->ctx;
    d->calls++;
    d->status = op->status;
    d->failed_code = op->failed_code;
    d->failed_index = op->failed_index;
}

/* A rig whose client has finished the handshake. */
static rig_t *ready_rig(uint32_t req_cap, uint32_t resp_cap)
{
    rig_t *r = rig_new(req_cap, resp_cap, 1, 640, 480, GPU_FEATURE_BLOB);
    gpu_client_start(&r->client);
    rig_pump(r);
    assert_true(gpu_client_ready(&r->client));
    return r;
}

static void test_init_rejects_bad_config(void **state)
{
    (void)state;
    rig_t *r = rig_new(16, 16, 1, 64, 64, 0);
    gpu_client_t c;
    gpu_client_config_t cfg = r->cfg;
    cfg.magic = 0;
    assert_false(gpu_client_init(&c, &cfg));
    cfg = r->cfg;
    cfg.version = GPU_CLIENT_CONFIG_VERSION + 1;
    assert_false(gpu_client_init(&c, &cfg));
    cfg = r->cfg;
    cfg.req_capacity = 12;
    assert_false(gpu_client_init(&c, &cfg));
    cfg = r->cfg;
    cfg.resp_capacity = 0;
    assert_false(gpu_client_init(&c, &cfg));
    cfg = r->cfg;
    cfg.notify = NULL;
    assert_false(gpu_client_init(&c, &cfg));
    cfg = r->cfg;
    cfg.data = NULL;
    assert_false(gpu_client_init(&c, &cfg));
    assert_true(gpu_client_init(&c, &r->cfg));
    rig_free(r);
}

static void test_handshake_sends_display_info_first(void **state)
{
    (void)state;
    rig_t *r = rig_new(16, 16, 2, 800, 600, GPU_FEATURE_BLOB | GPU_FEATURE_EDID);
    gpu_client_start(&r->client);
    assert_false(gpu_client_ready(&r->client));
    assert_int_equal(r->fs.server_wakeups, 1); /* the fake server armed at start */
    fake_server_process(&r->fs);
    assert_int_equal(r->fs.log_count, 1);
    assert_int_equal(r->fs.log[0].code, GPU_REQ_GET_DISPLAY_INFO);
    assert_int_equal(r->display_changes, 0);
    rig_pump(r);
    assert_true(gpu_client_ready(&r->client));
    assert_int_equal(r->display_changes, 1);
    const gpu_display_info_t *d = gpu_client_display(&r->client);
    assert_int_equal(d->num_scanouts, 2);
    assert_int_equal(d->scanouts[1].rect.width, 800);
    assert_int_equal(d->scanouts[1].rect.height, 600);
    assert_true(gpu_client_has_blob(&r->client));
    rig_free(r);
}

static void test_batch_one_notification_one_completion(void **state)
{
    (void)state;
    rig_t *r = ready_rig(16, 16);
    uint32_t wakeups = r->fs.server_wakeups;
    done_record_t d = {0};
    gpu_client_op_t op;
    gpu_client_op_init(&op, record_done, &d);
    assert_true(gpu_client_create_2d(&r->client, &op, 1, GPU_FORMAT_B8G8R8X8_UNORM, 64, 64));
    assert_true(gpu_client_attach_backing(&r->client, &op, 1, 0, 64 * 64 * 4));
    assert_true(gpu_client_set_scanout(&r->client, &op, 0, 1, (gpu_rect_t){0, 0, 64, 64}));
    assert_true(gpu_client_transfer_to_2d(&r->client, &op, 1, (gpu_rect_t){0, 0, 64, 64}, 0));
    assert_true(gpu_client_flush(&r->client, &op, 1, (gpu_rect_t){0, 0, 64, 64}));
    assert_int_equal(gpu_client_staged(&r->client), 5);
    assert_int_equal(r->fs.server_wakeups, wakeups); /* staging alone sends nothing */
    gpu_client_submit(&r->client);
    assert_int_equal(r->fs.server_wakeups, wakeups + 1);
    assert_int_equal(gpu_client_staged(&r->client), 0);
    assert_true(gpu_client_op_busy(&op));
    uint32_t before = r->fs.log_count;
    rig_pump(r);
    assert_int_equal(r->fs.log_count - before, 5);
    for (uint32_t i = before; i < r->fs.log_count; i++) {
        for (uint32_t j = before; j < i; j++) {
            assert_int_not_equal(r->fs.log[i].id, r->fs.log[j].id);
        }
    }
    assert_int_equal(d.calls, 1);
    assert_int_equal(d.status, GPU_STATUS_OK);
    assert_false(gpu_client_op_busy(&op));
    rig_free(r);
}

static void test_no_notification_when_server_busy(void **state)
{
    (void)state;
    rig_t *r = ready_rig(16, 16);
    /* The server consumed everything and armed; simulate it being busy again by clearing its flag. */
    r->fs.req_q.shared->consumer_signal = 0;
    uint32_t wakeups = r->fs.server_wakeups;
    assert_true(gpu_client_unref(&r->client, NULL, 5));
    gpu_client_submit(&r->client);
    assert_int_equal(r->fs.server_wakeups, wakeups);
    assert_int_equal(gpu_queue_length(&r->fs.req_q), 1);
    rig_free(r);
}

static void test_out_of_order_responses_matched_by_id(void **state)
{
    (void)state;
    rig_t *r = ready_rig(16, 16);
    done_record_t da = {0}, db = {0};
    gpu_client_op_t a, b;
    gpu_client_op_init(&a, record_done, &da);
    gpu_client_op_init(&b, record_done, &db);
    r->fs.hold = true;
    r->fs.reverse = true;
    assert_true(gpu_client_create_2d(&r->client, &a, 1, GPU_FORMAT_B8G8R8X8_UNORM, 8, 8));
    assert_true(gpu_client_unref(&r->client, &a, 1));
    assert_true(gpu_client_unref(&r->client, &b, 9)); /* fails: unknown */
    gpu_client_submit(&r->client);
    fake_server_process(&r->fs);
    assert_int_equal(fake_server_release(&r->fs), 3); /* b's answer first, then a's two reversed */
    rig_deliver(r);
    assert_int_equal(da.calls, 1);
    assert_int_equal(da.status, GPU_STATUS_OK);
    assert_int_equal(db.calls, 1);
    assert_int_equal(db.status, GPU_STATUS_INVALID_RESOURCE_ID);
    assert_int_equal(db.failed_code, GPU_REQ_RESOURCE_UNREF);
    rig_free(r);
}

static void test_first_failure_in_staging_order(void **state)
{
    (void)state;
    rig_t *r = ready_rig(16, 16);
    done_record_t d = {0};
    gpu_client_op_t op;
    gpu_client_op_init(&op, record_done, &d);
    r->fs.hold = true;
    r->fs.reverse = true;
    assert_true(gpu_client_create_2d(&r->client, &op, 1, GPU_FORMAT_B8G8R8X8_UNORM, 8, 8));
    assert_true(gpu_client_create_2d(&r->client, &op, 0, GPU_FORMAT_B8G8R8X8_UNORM, 8, 8)); /* fails */
    assert_true(gpu_client_set_scanout(&r->client, &op, 7, 1, (gpu_rect_t){0, 0, 8, 8}));   /* fails */
    gpu_client_submit(&r->client);
    fake_server_process(&r->fs);
    fake_server_release(&r->fs);
    rig_deliver(r);
    assert_int_equal(d.calls, 1);
    assert_int_equal(d.status, GPU_STATUS_INVALID_RESOURCE_ID);
    assert_int_equal(d.failed_code, GPU_REQ_RESOURCE_CREATE_2D);
    assert_int_equal(d.failed_index, 1);
    rig_free(r);
}

static void test_forged_and_duplicate_responses_dropped(void **state)
{
    (void)state;
    rig_t *r = ready_rig(16, 16);
    done_record_t d = {0};
    gpu_client_op_t op;
    gpu_client_op_init(&op, record_done, &d);
    r->fs.hold = true;
    assert_true(gpu_client_create_2d(&r->client, &op, 1, GPU_FORMAT_B8G8R8X8_UNORM, 8, 8));
    assert_true(gpu_client_create_2d(&r->client, &op, 2, GPU_FORMAT_B8G8R8X8_UNORM, 8, 8));
    gpu_client_submit(&r->client);
    fake_server_process(&r->fs);
    gpu_resp_t first = r->fs.held[0];
    /* Wrong code, unknown slot, stale sequence: none completes anything. */
    fake_server_respond(&r->fs, GPU_REQ_RESOURCE_UNREF, first.id, GPU_STATUS_OK);
    fake_server_respond(&r->fs, first.code, first.id ^ 0x20u, GPU_STATUS_OK);
    fake_server_respond(&r->fs, first.code, first.id + (1u << 6) * 1000u, GPU_STATUS_OK);
    /* The real first answer, then a duplicate of it. */
    fake_server_respond(&r->fs, first.code, first.id, GPU_STATUS_OK);
    fake_server_respond(&r->fs, first.code, first.id, GPU_STATUS_OK);
    rig_deliver(r);
    gpu_client_stats_t st;
    gpu_client_get_stats(&r->client, &st);
    assert_int_equal(st.bad_responses, 4);
    assert_int_equal(d.calls, 0);
    assert_int_equal(op.outstanding, 1);
    r->fs.hold = false;
    fake_server_respond(&r->fs, r->fs.held[1].code, r->fs.held[1].id, GPU_STATUS_OK);
    rig_deliver(r);
    assert_int_equal(d.calls, 1);
    rig_free(r);
}

static void test_response_for_unpublished_request_dropped(void **state)
{
    (void)state;
    rig_t *r = ready_rig(16, 16);
    done_record_t d = {0};
    gpu_client_op_t op;
    gpu_client_op_init(&op, record_done, &d);
    assert_true(gpu_client_unref(&r->client, &op, 1));
    /* Staged, not submitted: a server guessing its id cannot complete it. */
    uint32_t id = r->client.staged[0].id;
    fake_server_respond(&r->fs, GPU_REQ_RESOURCE_UNREF, id, GPU_STATUS_OK);
    rig_deliver(r); /* the handler's end publishes the staged request */
    assert_int_equal(d.calls, 0);
    gpu_client_stats_t st;
    gpu_client_get_stats(&r->client, &st);
    assert_int_equal(st.bad_responses, 1);
    rig_pump(r); /* the real answer */
    assert_int_equal(d.calls, 1);
    rig_free(r);
}

/*
 * A client restarted after a fault attaches to the same queues: a response
 * still queued for the old instance, with the very id the new instance gives
 * its first request, must not be taken for the new request's answer.
 */
static void test_restart_drops_stale_responses(void **state)
{
    (void)state;
    rig_t *r = rig_new(16, 16, 1, 640, 480, 0);
    gpu_client_start(&r->client);
    uint32_t old_id = r->client.pending[0].id;
    rig_pump(r);
    assert_true(gpu_client_ready(&r->client));
    fake_server_respond(&r->fs, GPU_REQ_GET_DISPLAY_INFO, old_id, GPU_STATUS_DEVICE_ERROR);

    assert_true(gpu_client_init(&r->client, &r->cfg)); /* the restarted instance */
    gpu_client_start(&r->client);
    assert_int_equal(r->client.pending[0].id, old_id);
    rig_pump(r);
    gpu_client_stats_t st;
    gpu_client_get_stats(&r->client, &st);
    assert_int_equal(st.stale_responses, 1);
    assert_int_equal(st.display_errors, 0);
    assert_int_equal(st.bad_responses, 0);
    assert_true(gpu_client_ready(&r->client));
    rig_free(r);
}

static uint32_t resets;

static void count_reset(gpu_client_t *c, void *ctx)
{
    (void)c;
    (void)ctx;
    resets++;
}

/* Display info with a new device_epoch means the device was reset: device_reset runs once, before display_changed. */
static void test_device_reset_reported(void **state)
{
    (void)state;
    rig_t *r = rig_new(16, 16, 1, 640, 480, 0);
    resets = 0;
    r->client.cfg.device_reset = count_reset;
    gpu_client_start(&r->client);
    rig_pump(r);
    assert_true(gpu_client_ready(&r->client));
    fake_server_display_change(&r->fs, 0, 640, 480); /* an event, same epoch: no reset */
    rig_pump(r);
    assert_int_equal(resets, 0);
    r->fs.display.device_epoch++;
    fake_server_display_change(&r->fs, 0, 640, 480);
    rig_pump(r);
    assert_int_equal(resets, 1);
    gpu_client_stats_t st;
    gpu_client_get_stats(&r->client, &st);
    assert_int_equal(st.device_resets, 1);
    rig_free(r);
}

static void test_full_request_queue_waits_for_space(void **state)
{
    (void)state;
    rig_t *r = ready_rig(4, 64);
    done_record_t d = {0};
    gpu_client_op_t op;
    gpu_client_op_init(&op, record_done, &d);
    for (uint32_t i = 1; i <= 10; i++) {
        assert_true(gpu_client_create_2d(&r->client, &op, i, GPU_FORMAT_B8G8R8X8_UNORM, 4, 4));
    }
    gpu_client_submit(&r->client);
    assert_int_equal(gpu_client_staged(&r->client), 6);
    assert_int_equal(r->fs.req_q.shared->producer_signal, 1); /* armed: wake me when there is space */
    rig_pump(r);
    assert_int_equal(gpu_client_staged(&r->client), 0);
    assert_int_equal(d.calls, 1);
    assert_int_equal(d.status, GPU_STATUS_OK);
    for (uint32_t i = 1; i <= 10; i++) {
        assert_true(r->fs.res[i].used);
    }
    gpu_client_stats_t st;
    gpu_client_get_stats(&r->client, &st);
    assert_true(st.queue_full >= 1);
    rig_free(r);
}

static void test_pending_table_limit(void **state)
{
    (void)state;
    rig_t *r = ready_rig(128, 128);
    for (uint32_t i = 0; i < GPU_CLIENT_MAX_PENDING; i++) {
        assert_true(gpu_client_unref(&r->client, NULL, 1000 + i));
    }
    assert_int_equal(gpu_client_capacity(&r->client), 0);
    assert_false(gpu_client_unref(&r->client, NULL, 1));
    gpu_client_submit(&r->client);
    rig_pump(r);
    assert_int_equal(gpu_client_capacity(&r->client), GPU_CLIENT_MAX_PENDING);
    rig_free(r);
}

static void test_ids_unique_over_many_round_trips(void **state)
{
    (void)state;
    rig_t *r = ready_rig(8, 8);
    uint32_t last = 0;
    for (uint32_t i = 0; i < 5000; i++) {
        done_record_t d = {0};
        gpu_client_op_t op;
        gpu_client_op_init(&op, record_done, &d);
        assert_true(gpu_client_unref(&r->client, &op, 3));
        gpu_client_submit(&r->client);
        rig_pump(r);
        assert_int_equal(d.calls, 1);
        uint32_t id = r->fs.log[(r->fs.log_count - 1) % FAKE_MAX_LOG].id;
        assert_int_not_equal(id, last);
        last = id;
        r->fs.log_count = 0;
    }
    rig_free(r);
}

static void test_response_queue_armed_after_drain(void **state)
{
    (void)state;
    rig_t *r = ready_rig(16, 16);
    assert_int_equal(r->fs.resp_q.shared->consumer_signal, 1);
    rig_free(r);
}

static void test_server_waiting_for_response_space_is_woken(void **state)
{
    (void)state;
    rig_t *r = ready_rig(16, 16);
    r->fs.resp_q.shared->producer_signal = 1; /* the server found our response queue full and armed */
    assert_true(gpu_client_unref(&r->client, NULL, 4));
    r->fs.req_q.shared->consumer_signal = 0; /* and is not waiting for requests */
    gpu_client_submit(&r->client);
    uint32_t wakeups = r->fs.server_wakeups;
    fake_server_process(&r->fs);
    rig_deliver(r);
    assert_int_equal(r->fs.server_wakeups, wakeups + 1);
    assert_int_equal(r->fs.resp_q.shared->producer_signal, 0);
    rig_free(r);
}

static void test_event_requeries_and_reports(void **state)
{
    (void)state;
    rig_t *r = ready_rig(16, 16);
    assert_int_equal(r->display_changes, 1);
    fake_server_display_change(&r->fs, 0, 1024, 768);
    uint32_t before = r->fs.log_count;
    rig_pump(r);
    assert_int_equal(r->fs.log_count - before, 1);
    assert_int_equal(r->fs.log[before].code, GPU_REQ_GET_DISPLAY_INFO);
    assert_int_equal(r->display_changes, 2);
    assert_int_equal(gpu_client_display(&r->client)->scanouts[0].rect.width, 1024);
    gpu_client_stats_t st;
    gpu_client_get_stats(&r->client, &st);
    assert_int_equal(st.events, 1);
    rig_free(r);
}

static void test_event_during_query_asks_again(void **state)
{
    (void)state;
    rig_t *r = ready_rig(16, 16);
    r->fs.hold = true;
    fake_server_display_change(&r->fs, 0, 320, 200);
    rig_pump(r); /* query sent, answer held */
    fake_server_display_change(&r->fs, 0, 1920, 1080);
    rig_deliver(r); /* event while the query is in flight: no second query yet */
    r->fs.hold = false;
    fake_server_release(&r->fs);
    uint32_t before = r->fs.log_count;
    rig_pump(r);
    assert_int_equal(r->fs.log_count - before, 1); /* one more query */
    assert_int_equal(gpu_client_display(&r->client)->scanouts[0].rect.width, 1920);
    assert_int_equal(r->display_changes, 3);
    rig_free(r);
}

static void test_malformed_display_info_rejected(void **state)
{
    (void)state;
    rig_t *r = rig_new(16, 16, 1, 64, 64, 0);
    r->fs.display.num_scanouts = GPU_MAX_SCANOUTS + 1;
    gpu_client_start(&r->client);
    rig_pump(r);
    assert_false(gpu_client_ready(&r->client));
    assert_int_equal(r->display_changes, 0);
    gpu_client_stats_t st;
    gpu_client_get_stats(&r->client, &st);
    assert_int_equal(st.display_errors, 1);
    rig_free(r);
}

static void test_failed_display_info_not_ready(void **state)
{
    (void)state;
    rig_t *r = rig_new(16, 16, 1, 64, 64, 0);
    r->fs.fail_code = GPU_REQ_GET_DISPLAY_INFO;
    r->fs.fail_status = GPU_STATUS_DEVICE_ERROR;
    gpu_client_start(&r->client);
    rig_pump(r);
    assert_false(gpu_client_ready(&r->client));
    /* The next event asks again. */
    r->fs.fail_code = 0;
    fake_server_display_change(&r->fs, 0, 64, 64);
    rig_pump(r);
    assert_true(gpu_client_ready(&r->client));
    rig_free(r);
}

static void test_status_names(void **state)
{
    (void)state;
    assert_string_equal(gpu_client_status_name(GPU_STATUS_OK), "OK");
    assert_string_equal(gpu_client_status_name(GPU_STATUS_DEVICE_ERROR), "DEVICE_ERROR");
    assert_string_equal(gpu_client_status_name(GPU_STATUS_MAX + 1), "?");
}

static void test_fb_layout_checks(void **state)
{
    (void)state;
    rig_t *r = ready_rig(16, 16);
    gpu_fb_t fb;
    assert_true(gpu_fb_layout(&r->client, &fb, false, 0, 1, 640, 480, 0));
    assert_int_equal(fb.stride, 640 * 4);
    assert_int_equal(fb.mem_size, 640 * 480 * 4);
    assert_true(gpu_fb_layout(&r->client, &fb, false, 0, 1, 3, 3, 4)); /* 2D backing needs no alignment */
    assert_int_equal(fb.mem_size, 4096);
    assert_false(gpu_fb_layout(&r->client, &fb, true, 0, 1, 3, 3, 4)); /* blob memory is page aligned */
    assert_false(gpu_fb_layout(&r->client, &fb, false, 0, 1, 0, 480, 0));
    assert_false(gpu_fb_layout(&r->client, &fb, false, 0, 1, 16385, 1, 0));
    assert_false(gpu_fb_layout(&r->client, &fb, false, 0, 1, 1024, 1024, RIG_DATA_SIZE - 4096));
    assert_false(gpu_fb_layout(&r->client, &fb, false, 0, 1, 64, 64, UINT64_MAX - 10));
    assert_true(gpu_fb_layout(&r->client, &fb, false, 0, 1, 1024, 1024, RIG_DATA_SIZE - 4u * 1024 * 1024));
    rig_free(r);
}

static void test_fb_clip(void **state)
{
    (void)state;
    gpu_fb_t fb = {.width = 100, .height = 50};
    gpu_rect_t r = gpu_fb_clip(&fb, (gpu_rect_t){90, 40, 20, 20});
    assert_int_equal(r.width, 10);
    assert_int_equal(r.height, 10);
    r = gpu_fb_clip(&fb, (gpu_rect_t){100, 0, 5, 5});
    assert_int_equal(r.width, 0);
    r = gpu_fb_clip(&fb, (gpu_rect_t){10, 10, UINT32_MAX, UINT32_MAX});
    assert_int_equal(r.width, 90);
    assert_int_equal(r.height, 40);
}

static void test_fb_2d_requests(void **state)
{
    (void)state;
    rig_t *r = ready_rig(16, 16);
    gpu_fb_t fb;
    gpu_client_op_t op;
    gpu_client_op_init(&op, NULL, NULL);
    assert_true(gpu_fb_layout(&r->client, &fb, false, 0, 7, 320, 200, 8192));
    assert_true(gpu_fb_create(&r->client, &op, &fb));
    assert_true(gpu_fb_present(&r->client, &op, &fb, (gpu_rect_t){10, 20, 30, 40}));
    assert_true(gpu_fb_destroy(&r->client, &op, &fb));
    gpu_client_submit(&r->client);
    uint32_t first = r->fs.log_count;
    rig_pump(r);
    const gpu_req_t *q = &r->fs.log[first];
    assert_int_equal(r->fs.log_count - first, 6);
    assert_int_equal(q[0].code, GPU_REQ_RESOURCE_CREATE_2D);
    assert_int_equal(q[0].create_2d.format, GPU_FORMAT_B8G8R8X8_UNORM);
    assert_int_equal(q[0].create_2d.width, 320);
    assert_int_equal(q[1].code, GPU_REQ_RESOURCE_ATTACH_BACKING);
    assert_int_equal(q[1].attach_backing.mem_addr, 8192);
    assert_int_equal(q[1].attach_backing.size, (320 * 200 * 4 + 4095) / 4096 * 4096);
    assert_int_equal(q[2].code, GPU_REQ_SET_SCANOUT);
    assert_int_equal(q[2].set_scanout.rect.width, 320);
    assert_int_equal(q[3].code, GPU_REQ_TRANSFER_TO_2D);
    assert_int_equal(q[3].transfer_to_2d.offset, 20 * 320 * 4 + 10 * 4);
    assert_int_equal(q[4].code, GPU_REQ_RESOURCE_FLUSH);
    assert_int_equal(q[4].flush.rect.x, 10);
    assert_int_equal(q[5].code, GPU_REQ_RESOURCE_UNREF);
    assert_int_equal(op.status, GPU_STATUS_OK);
    rig_free(r);
}

/* The cursor builders stage exactly the protocol's bodies; the op completes with the first failure. */
static void test_cursor_requests(void **state)
{
    (void)state;
    rig_t *r = ready_rig(16, 16);
    done_record_t d = {0};
    gpu_client_op_t op;
    gpu_client_op_init(&op, record_done, &d);
    assert_true(gpu_client_update_cursor(&r->client, &op, 0, 7, 100, 200, 3, 4));
    assert_true(gpu_client_move_cursor(&r->client, &op, 0, 5, 6));
    assert_true(gpu_client_move_cursor(&r->client, &op, 3, 0, 0)); /* a scanout the fake server lacks */
    gpu_client_submit(&r->client);
    uint32_t first = r->fs.log_count;
    rig_pump(r);
    const gpu_req_t *q = &r->fs.log[first];
    assert_int_equal(r->fs.log_count - first, 3);
    assert_int_equal(q[0].code, GPU_REQ_UPDATE_CURSOR);
    const gpu_req_update_cursor_t want = {0, 7, 100, 200, 3, 4};
    assert_memory_equal(&q[0].update_cursor, &want, sizeof(want));
    for (size_t i = sizeof(want); i < sizeof(q[0].raw); i++) {
        assert_int_equal(q[0].raw[i], 0);
    }
    assert_int_equal(q[1].code, GPU_REQ_MOVE_CURSOR);
    const gpu_req_move_cursor_t move = {0, 5, 6};
    assert_memory_equal(&q[1].move_cursor, &move, sizeof(move));
    assert_int_equal(d.calls, 1);
    assert_int_equal(d.status, GPU_STATUS_INVALID_SCANOUT_ID);
    assert_int_equal(op.failed_code, GPU_REQ_MOVE_CURSOR);
    assert_int_equal(op.failed_index, 2);
    rig_free(r);
}

static void test_fb_blob_requests(void **state)
{
    (void)state;
    rig_t *r = ready_rig(16, 16);
    gpu_fb_t fb;
    gpu_client_op_t op;
    gpu_client_op_init(&op, NULL, NULL);
    assert_true(gpu_fb_layout(&r->client, &fb, true, 0, 3, 100, 10, 4096));
    assert_int_equal(fb.mem_size, 4096);
    assert_true(gpu_fb_create(&r->client, &op, &fb));
    assert_true(gpu_fb_present(&r->client, &op, &fb, (gpu_rect_t){0, 0, 100, 10}));
    assert_true(gpu_fb_disable_scanout(&r->client, &op, &fb));
    gpu_client_submit(&r->client);
    uint32_t first = r->fs.log_count;
    rig_pump(r);
    const gpu_req_t *q = &r->fs.log[first];
    assert_int_equal(r->fs.log_count - first, 4);
    assert_int_equal(q[0].code, GPU_REQ_RESOURCE_CREATE_BLOB);
    assert_int_equal(q[0].create_blob.size, 4096);
    assert_int_equal(q[1].code, GPU_REQ_SET_SCANOUT_BLOB);
    assert_int_equal(q[1].set_scanout_blob.stride, 400);
    assert_int_equal(q[2].code, GPU_REQ_RESOURCE_FLUSH); /* no transfer for a blob */
    assert_int_equal(q[3].code, GPU_REQ_SET_SCANOUT_BLOB);
    assert_int_equal(q[3].set_scanout_blob.resource_id, 0);
    assert_int_equal(op.status, GPU_STATUS_OK);
    rig_free(r);
}

static uint64_t cleaned_off, cleaned_len;
static uint32_t cleanings;

static void record_clean(void *ctx, uint64_t off, uint64_t len)
{
    (void)ctx;
    cleaned_off = off;
    cleaned_len = len;
    cleanings++;
}

static void test_fb_present_cleans_cache(void **state)
{
    (void)state;
    rig_t *r = ready_rig(16, 16);
    r->client.cfg.cache_clean = record_clean;
    gpu_fb_t fb;
    assert_true(gpu_fb_layout(&r->client, &fb, false, 0, 1, 64, 64, 4096));
    gpu_client_op_t op;
    gpu_client_op_init(&op, NULL, NULL);
    cleanings = 0;
    assert_true(gpu_fb_present(&r->client, &op, &fb, (gpu_rect_t){4, 2, 8, 3}));
    assert_int_equal(cleanings, 1);
    /* Rows 2..4 of the damage: from the start of row 2 to the end of the rectangle in row 4. */
    assert_int_equal(cleaned_off, 4096 + 2 * 256);
    assert_int_equal(cleaned_len, 2 * 256 + (4 + 8) * 4);
    rig_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_init_rejects_bad_config),
            cmocka_unit_test(test_handshake_sends_display_info_first),
            cmocka_unit_test(test_batch_one_notification_one_completion),
            cmocka_unit_test(test_no_notification_when_server_busy),
            cmocka_unit_test(test_out_of_order_responses_matched_by_id),
            cmocka_unit_test(test_first_failure_in_staging_order),
            cmocka_unit_test(test_forged_and_duplicate_responses_dropped),
            cmocka_unit_test(test_response_for_unpublished_request_dropped),
            cmocka_unit_test(test_restart_drops_stale_responses),
            cmocka_unit_test(test_device_reset_reported),
            cmocka_unit_test(test_full_request_queue_waits_for_space),
            cmocka_unit_test(test_pending_table_limit),
            cmocka_unit_test(test_ids_unique_over_many_round_trips),
            cmocka_unit_test(test_response_queue_armed_after_drain),
            cmocka_unit_test(test_server_waiting_for_response_space_is_woken),
            cmocka_unit_test(test_event_requeries_and_reports),
            cmocka_unit_test(test_event_during_query_asks_again),
            cmocka_unit_test(test_malformed_display_info_rejected),
            cmocka_unit_test(test_failed_display_info_not_ready),
            cmocka_unit_test(test_status_names),
            cmocka_unit_test(test_fb_layout_checks),
            cmocka_unit_test(test_fb_clip),
            cmocka_unit_test(test_fb_2d_requests),
            cmocka_unit_test(test_cursor_requests),
            cmocka_unit_test(test_fb_blob_requests),
            cmocka_unit_test(test_fb_present_cleans_cache),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
