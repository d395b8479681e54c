/*
 * Back-pressure, never loss: a full driver queue, a full in-flight table and
 * a full client response queue each stop the virtualiser without dropping or
 * duplicating an answer, and it resumes on the notification the queue
 * protocol promises. A client that never drains stalls only itself.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "virt_env.h"

#define FMT     GPU_FORMAT_B8G8R8X8_UNORM
#define MAX_IDS 256

/* Which request ids of each client are still unanswered. */
static uint32_t outstanding[ENV_MAX_CLIENTS][MAX_IDS];
static uint32_t num_outstanding[ENV_MAX_CLIENTS];

static void track_reset(void)
{
    memset(num_outstanding, 0, sizeof(num_outstanding));
}

static uint32_t push_tracked(uint32_t c, gpu_req_t req)
{
    uint32_t id = env_client_push(c, &req);
    assert_true(num_outstanding[c] < MAX_IDS);
    outstanding[c][num_outstanding[c]++] = id;
    return id;
}

/* Receive everything waiting; each answer must match exactly one outstanding id. */
static uint32_t drain_tracked(uint32_t c)
{
    uint32_t got = 0;
    gpu_resp_t r;
    while (env_client_recv(c, &r)) {
        uint32_t i = 0;
        while (i < num_outstanding[c] && outstanding[c][i] != r.id) {
            i++;
        }
        assert_true(i < num_outstanding[c]); /* answered twice, or never asked */
        outstanding[c][i] = outstanding[c][--num_outstanding[c]];
        got++;
    }
    return got;
}

static void ready_with_resource(const env_opts_t *o)
{
    env_setup_ready(o);
    track_reset();
    for (uint32_t c = 0; c < o->num_clients; c++) {
        gpu_req_t r = req_create_2d(1, FMT, 8, 8);
        assert_int_equal(env_call(c, &r), GPU_STATUS_OK);
    }
}

static void test_driver_queue_full(void **state)
{
    (void)state;
    env_opts_t o;
    env_default_opts(&o, 2);
    o.drv_req_cap = 4;
    ready_with_resource(&o);
    for (int i = 0; i < 10; i++) {
        push_tracked(0, req_flush(1, 0, 0, 8, 8));
    }
    env_client_kick(0);
    assert_int_equal(env_driver_pending(), 4);
    assert_int_equal(env_client_pending(0), 0);

    /* Client 1 is not held up for answers the virtualiser gives itself; its device request waits. */
    gpu_req_t bad = req_flush(9, 0, 0, 1, 1);
    assert_int_equal(env_call_local(1, &bad), GPU_STATUS_INVALID_RESOURCE_ID);
    push_tracked(1, req_flush(1, 0, 0, 8, 8));
    env_client_kick(1);
    assert_int_equal(env_client_pending(1), 0);

    /* The driver frees slots; its signal (through env_driver_take) refills the queue. */
    gpu_req_t d;
    uint32_t taken = 0;
    bool saw_client1 = false;
    while (env_driver_take(&d)) {
        taken++;
        saw_client1 = saw_client1 || gpu_virt_driver_request_client(&E->virt, d.id) == 1;
        env_driver_answer(d.id, d.code, GPU_STATUS_OK);
        assert_true(env_driver_pending() <= 4);
        if (taken % 3 == 0) {
            env_driver_kick();
        }
    }
    env_driver_kick();
    assert_int_equal(taken, 11);
    assert_true(saw_client1);
    assert_int_equal(drain_tracked(0), 10);
    assert_int_equal(drain_tracked(1), 1);
    assert_int_equal(num_outstanding[0] + num_outstanding[1], 0);
}

static void test_inflight_table_full(void **state)
{
    (void)state;
    env_opts_t o;
    env_default_opts(&o, 2);
    o.drv_req_cap = ENV_MAX_CAP;
    o.drv_resp_cap = ENV_MAX_CAP;
    for (int c = 0; c < 2; c++) {
        o.req_cap[c] = ENV_MAX_CAP;
        o.resp_cap[c] = ENV_MAX_CAP;
    }
    ready_with_resource(&o);
    for (int i = 0; i < 50; i++) {
        push_tracked(0, req_flush(1, 0, 0, 8, 8));
        push_tracked(1, req_flush(1, 0, 0, 8, 8));
    }
    env_client_kick(0);
    env_client_kick(1);
    gpu_req_t held[ENV_MAX_CAP];
    uint32_t n = 0;
    while (env_driver_take(&held[n])) {
        n++;
    }
    assert_int_equal(n, GPU_VIRT_MAX_INFLIGHT); /* the table, not the queue, is the limit */
    assert_int_equal(env_driver_pending(), 0);
    for (uint32_t i = 0; i < 10; i++) {
        env_driver_answer(held[i].id, held[i].code, GPU_STATUS_OK);
    }
    env_driver_kick();
    assert_int_equal(env_driver_pending(), 10);
    for (uint32_t i = 10; i < n; i++) {
        env_driver_answer(held[i].id, held[i].code, GPU_STATUS_OK);
    }
    env_driver_kick();
    env_driver_serve();
    assert_int_equal(drain_tracked(0), 50);
    assert_int_equal(drain_tracked(1), 50);
}

static void test_response_queue_full(void **state)
{
    (void)state;
    env_opts_t o;
    env_default_opts(&o, 2);
    o.resp_cap[0] = 4;
    ready_with_resource(&o);
    for (int i = 0; i < 10; i++) {
        push_tracked(0, req_flush(1, 0, 0, 8, 8));
    }
    env_client_kick(0);
    /* Only as many are taken as there is room to answer. */
    assert_int_equal(env_driver_pending(), 4);
    assert_int_equal(gpu_queue_space(&E->clients[0].req), 16 - 6);
    env_driver_serve();
    assert_int_equal(env_client_pending(0), 4);
    assert_int_equal(gpu_queue_space(&E->clients[0].req), 16 - 6);
    assert_int_equal(env_driver_pending(), 0);

    /* The other client is unaffected. */
    gpu_req_t f = req_flush(1, 0, 0, 8, 8);
    assert_int_equal(env_call(1, &f), GPU_STATUS_OK);

    /* Client 0 drains one: its signal (through env_client_recv) lets one more in. */
    gpu_resp_t r;
    assert_true(env_client_recv(0, &r));
    num_outstanding[0]--;
    for (uint32_t i = 0; i < num_outstanding[0]; i++) {
        if (outstanding[0][i] == r.id) {
            outstanding[0][i] = outstanding[0][num_outstanding[0]];
        }
    }
    assert_int_equal(env_driver_pending(), 1);
    uint32_t total = 1;
    for (int rounds = 0; rounds < 20 && total < 10; rounds++) {
        env_driver_serve();
        total += drain_tracked(0);
    }
    assert_int_equal(total, 10);
    assert_int_equal(num_outstanding[0], 0);
}

/* When the driver is the bottleneck, the room it frees is shared out round-robin. */
static void test_round_robin_under_saturation(void **state)
{
    (void)state;
    env_opts_t o;
    env_default_opts(&o, 3);
    o.drv_req_cap = 4;
    ready_with_resource(&o);
    for (uint32_t c = 0; c < 3; c++) {
        for (int i = 0; i < 12; i++) {
            push_tracked(c, req_flush(1, 0, 0, 8, 8));
        }
        env_client_kick(c);
    }
    assert_int_equal(env_driver_pending(), 4); /* client 0 came first and filled the queue */
    uint32_t per_client[3] = {0, 0, 0};
    gpu_req_t d;
    for (int i = 0; i < 4; i++) { /* drain the first fill without counting it */
        assert_true(env_driver_take(&d));
        env_driver_answer(d.id, d.code, GPU_STATUS_OK);
    }
    env_driver_kick();
    for (int i = 0; i < 24; i++) { /* then one answer at a time */
        assert_true(env_driver_take(&d));
        per_client[gpu_virt_driver_request_client(&E->virt, d.id)]++;
        env_driver_answer(d.id, d.code, GPU_STATUS_OK);
        env_driver_kick();
    }
    print_message("# forwarded per client under saturation: %u %u %u\n", per_client[0], per_client[1], per_client[2]);
    for (uint32_t c = 0; c < 3; c++) {
        assert_true(per_client[c] >= 24 / 3 - GPU_VIRT_BATCH);
    }
    env_driver_serve();
    for (uint32_t c = 0; c < 3; c++) {
        assert_int_equal(drain_tracked(c), 12);
    }
}

/* Answers the virtualiser gives itself also wait for room. */
static void test_response_queue_full_local(void **state)
{
    (void)state;
    env_opts_t o;
    env_default_opts(&o, 1);
    o.resp_cap[0] = 2;
    ready_with_resource(&o);
    for (int i = 0; i < 5; i++) {
        push_tracked(0, req_code(0));
    }
    env_client_kick(0);
    assert_int_equal(env_client_pending(0), 2);
    uint32_t total = 0;
    for (int rounds = 0; rounds < 10 && total < 5; rounds++) {
        total += drain_tracked(0);
    }
    assert_int_equal(total, 5);
}

/* A client that never reads its responses: bounded work taken, nobody else affected. */
static void test_client_never_drains(void **state)
{
    (void)state;
    env_opts_t o;
    env_default_opts(&o, 3);
    o.resp_cap[1] = 4;
    ready_with_resource(&o);
    for (int i = 0; i < 16; i++) {
        push_tracked(1, req_flush(1, 0, 0, 8, 8));
    }
    env_client_kick(1);
    for (int round = 0; round < 5; round++) {
        env_client_kick(1); /* nagging changes nothing */
        env_driver_serve();
        gpu_req_t f = req_flush(1, 0, 0, 8, 8);
        assert_int_equal(env_call(0, &f), GPU_STATUS_OK);
        assert_int_equal(env_call(2, &f), GPU_STATUS_OK);
    }
    assert_int_equal(env_client_pending(1), 4);
    assert_int_equal(gpu_queue_space(&E->clients[1].req), 4);
}

/* Notifications follow the consumers' requests for them, once per event. */
static void test_notifications(void **state)
{
    (void)state;
    env_opts_t o;
    env_default_opts(&o, 2);
    ready_with_resource(&o);
    gpu_req_t bad = req_code(0);
    env_notify_clear();
    env_call_local(0, &bad);
    assert_false(E->notify.clients & 1u); /* client 0 did not ask */

    assert_true(gpu_queue_consumer_arm(&E->clients[0].resp));
    env_notify_clear();
    env_call_local(0, &bad);
    assert_int_equal(E->notify.clients, 1u);
    assert_false(E->notify.driver);

    assert_true(gpu_queue_consumer_arm(&E->drv_req));
    env_notify_clear();
    gpu_req_t f = req_flush(1, 0, 0, 8, 8);
    env_client_push(1, &f);
    env_client_push(1, &f);
    env_client_kick(1);
    assert_true(E->notify.driver);
    assert_int_equal(E->notify.clients, 0);
    env_driver_serve();
}

/* Client 0 of two: four more flushes, then its notification. Returns how many it pushed. */
static uint32_t busy_client_push(void)
{
    for (int i = 0; i < 4; i++) {
        push_tracked(0, req_flush(1, 0, 0, 8, 8));
    }
    env_client_kick(0);
    return 4;
}

/* Two clients with a resource each; client 0 fills a 4-slot driver queue. */
static uint32_t busy_client_setup(void)
{
    env_opts_t o;
    env_default_opts(&o, 2);
    o.drv_req_cap = 4;
    ready_with_resource(&o);
    return busy_client_push();
}

/*
 * One round of a busy driver: it takes and answers every request, but
 * client 0's next notification is handled before the driver's. Returns how
 * many of the requests the driver took were sent for client 1.
 */
static uint32_t busy_round(uint32_t *pushed0)
{
    uint32_t for_client1 = 0;
    gpu_req_t d;
    while (gpu_req_dequeue(&E->drv_req, &d)) {
        for_client1 += gpu_virt_driver_request_client(&E->virt, d.id) == 1;
        env_driver_answer(d.id, d.code, GPU_STATUS_OK);
    }
    *pushed0 += busy_client_push();
    env_driver_kick();
    return for_client1;
}

/*
 * A client whose notifications are always handled before the driver's cannot
 * take every slot the driver frees: a client already waiting for room gets
 * its turn (within a few rounds of the round-robin).
 */
static void test_waiting_client_not_overtaken(void **state)
{
    (void)state;
    uint32_t pushed0 = busy_client_setup();
    push_tracked(1, req_flush(1, 0, 0, 8, 8));
    env_client_kick(1);
    assert_int_equal(env_driver_pending(), 4); /* client 1 waits for room */
    uint32_t served1 = 0;
    for (int round = 0; round < 3 && served1 == 0; round++) {
        served1 = busy_round(&pushed0);
    }
    assert_int_equal(served1, 1);
    env_driver_serve();
    assert_int_equal(drain_tracked(0), pushed0);
    assert_int_equal(drain_tracked(1), 1);
}

/* Likewise a release: its requests to the driver get their turn even while another client keeps the driver busy. */
static void test_release_not_overtaken(void **state)
{
    (void)state;
    uint32_t pushed0 = busy_client_setup();
    env_notify_clear();
    gpu_virt_release_client(&E->virt, 1, &E->notify); /* must disable scanout 1 and unref resource 1 */
    uint32_t release_requests = 0;
    uint32_t drained0 = 0;
    for (int round = 0; round < 8 && E->notify.released == 0; round++) {
        release_requests += busy_round(&pushed0);
        drained0 += drain_tracked(0);
    }
    assert_int_equal(release_requests, 2);
    assert_int_equal(E->notify.released, 2u);
    env_driver_serve();
    assert_int_equal(drained0 + drain_tracked(0), pushed0);
}

/*
 * A release that waited for driver room but then had nothing to send (the
 * device lost the scanout it was going to disable) must stop counting as
 * waiting: otherwise a client serving its own notification defers to it
 * forever, and no driver notification comes to end that (nothing is at the
 * driver). Found by the fuzzer.
 */
static void test_finished_release_stops_waiting(void **state)
{
    (void)state;
    env_opts_t o;
    env_default_opts(&o, 2);
    o.drv_req_cap = 1;
    env_setup_ready(&o);
    track_reset();
    gpu_req_t create = req_create_2d(1, FMT, 8, 8);
    assert_int_equal(env_call(0, &create), GPU_STATUS_OK); /* client 1 holds nothing */

    /* Scanout 1 (client 1's) goes away; the display query fills the one-slot driver queue. */
    E->opts.device.num_scanouts = 1;
    env_display_event();
    assert_int_equal(env_driver_pending(), 1);

    /* Client 1's release must disable scanout 1 (still in the cache), and waits for room. */
    env_notify_clear();
    gpu_virt_release_client(&E->virt, 1, &E->notify);
    assert_int_equal(E->notify.released, 0);

    /* The driver answers the query before taking anything else: the release finds no scanout 1 any more. */
    gpu_req_t d;
    assert_true(gpu_req_dequeue(&E->drv_req, &d));
    assert_int_equal(d.code, GPU_REQ_GET_DISPLAY_INFO);
    env_driver_answer_ok(&d);
    env_driver_kick();
    assert_int_equal(E->notify.released, 2u);
    assert_int_equal(env_driver_pending(), 0);

    /* Nothing is at the driver: client 0's own notification must forward its request. */
    push_tracked(0, req_flush(1, 0, 0, 8, 8));
    env_client_kick(0);
    assert_int_equal(env_driver_pending(), 1);
    env_driver_serve();
    assert_int_equal(drain_tracked(0), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_driver_queue_full),
            cmocka_unit_test(test_inflight_table_full),
            cmocka_unit_test(test_round_robin_under_saturation),
            cmocka_unit_test(test_waiting_client_not_overtaken),
            cmocka_unit_test(test_release_not_overtaken),
            cmocka_unit_test(test_finished_release_stops_waiting),
            cmocka_unit_test(test_response_queue_full),
            cmocka_unit_test(test_response_queue_full_local),
            cmocka_unit_test(test_client_never_drains),
            cmocka_unit_test(test_notifications),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
