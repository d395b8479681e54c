/*
 * Back-pressure: hundreds of queued requests against a handful of
 * descriptors, a response queue smaller than the work, and the notification
 * handshakes with the virtualiser in both directions.
 */
#include "driver_test.h"

#define MANY 300u

static vgpu_harness_t *make(uint32_t queue_size, uint32_t resp_capacity)
{
    vh_options_t opt;
    vh_options_default(&opt);
    opt.queue_size = queue_size;
    opt.resp_capacity = resp_capacity;
    vgpu_harness_t *h = vh_create(&opt);
    assert_non_null(h);
    assert_int_equal(h->init_result, GPU_DRIVER_INIT_OK);
    return h;
}

/* Request i of the stream: creates, transfers-to-nothing and display infos mixed (all succeed). */
static gpu_req_t stream_req(uint32_t i)
{
    switch (i % 3) {
    case 0:
        return vh_req_create_2d(i, i + 1, GPU_FORMAT_B8G8R8X8_UNORM, 16, 16);
    case 1:
        return vh_req_display_info(i);
    default:
        return vh_req_unref(i, i - 1); /* the resource created two requests earlier */
    }
}

static void push_stream(vgpu_harness_t *h, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        gpu_req_t r = stream_req(i);
        assert_true(vh_push(h, &r));
    }
}

/* Pops every response; each id < n at most once, all OK; `in_order` demands ascending ids. */
static uint32_t drain(vgpu_harness_t *h, uint8_t *seen, uint32_t n, uint32_t *next, bool in_order)
{
    uint32_t count = 0;
    gpu_resp_t resp;
    while (vh_pop(h, &resp)) {
        assert_true(resp.id < n);
        assert_int_equal(seen[resp.id], 0);
        seen[resp.id] = 1;
        assert_int_equal(resp.status, GPU_STATUS_OK);
        if (in_order) {
            assert_int_equal(resp.id, *next);
        }
        (*next)++;
        count++;
    }
    return count;
}

static void test_descriptor_exhaustion(void **state)
{
    (void)state;
    vgpu_harness_t *h = make(8, 1024); /* 8 descriptors: 4 commands in flight */
    assert_int_equal(h->drv->num_slots, 4);
    vgpu_model_fault_hold(h->model, 1);
    push_stream(h, MANY);
    vh_kick(h);
    assert_int_equal(h->drv->stats.submitted, 4);
    assert_int_equal(virtq_num_free(&h->drv->ctrl), 0);
    assert_int_equal(h->drv->stats.requests, 4); /* the rest waits in the request queue */
    uint8_t seen[MANY] = {0};
    uint32_t next = 0, total = 0;
    for (int rounds = 0; total < MANY && rounds < 1000; rounds++) {
        assert_true(h->drv->stats.submitted - h->drv->stats.completed <= 4);
        vgpu_model_fault_release(h->model);
        vh_run(h);
        total += drain(h, seen, MANY, &next, true);
    }
    assert_int_equal(total, MANY);
    assert_int_equal(virtq_num_free(&h->drv->ctrl), 8);
    assert_int_equal(vgpu_model_resource_count(h->model), 0);
    vh_destroy(h);
}

static void test_exhaustion_out_of_order(void **state)
{
    (void)state;
    vgpu_harness_t *h = make(8, 1024);
    vgpu_model_fault_reorder(h->model, 1);
    push_stream(h, MANY);
    vh_kick(h);
    uint8_t seen[MANY] = {0};
    uint32_t next = 0;
    assert_int_equal(drain(h, seen, MANY, &next, false), MANY);
    assert_int_equal(virtq_num_free(&h->drv->ctrl), 8);
    vh_destroy(h);
}

/* Response queue of 4: the driver never has more answers outstanding than fit, and resumes when signalled. */
static void test_response_queue_full(void **state)
{
    (void)state;
    vgpu_harness_t *h = make(0, 4);
    push_stream(h, 40);
    vh_kick(h);
    assert_int_equal(vh_pending(h), 4);
    assert_int_equal(h->drv->stats.requests, 4);
    assert_int_equal(h->resp_q.shared->producer_signal, 1); /* the driver asked to hear about space */
    uint32_t next = 0, total = 0;
    for (int rounds = 0; total < 40 && rounds < 100; rounds++) {
        gpu_resp_t resp;
        assert_true(vh_pop(h, &resp)); /* take one answer ... */
        assert_int_equal(resp.id, next);
        assert_int_equal(resp.status, GPU_STATUS_OK);
        next++;
        total++;
        if (gpu_queue_consumer_must_signal(&h->resp_q)) { /* ... and wake the driver as a virtualiser would */
            vh_kick(h);
        }
        assert_true(vh_pending(h) <= 4);
    }
    assert_int_equal(total, 40);
    vh_destroy(h);
}

/* Commands in flight own their answer's slot: with 4 slots held by commands, nothing more is taken. */
static void test_response_slots_reserved(void **state)
{
    (void)state;
    vgpu_harness_t *h = make(0, 4);
    vgpu_model_fault_hold(h->model, 1);
    push_stream(h, 10);
    vh_kick(h);
    assert_int_equal(h->drv->stats.submitted, 4);
    gpu_req_t bad = vh_req_display_info(99);
    bad.code = 77; /* would be answered at once, but has no response slot */
    assert_true(vh_push(h, &bad));
    vh_kick(h);
    assert_int_equal(h->drv->stats.requests, 4);
    vgpu_model_fault_hold(h->model, 0);
    vgpu_model_fault_release(h->model);
    vh_run(h);
    assert_int_equal(vh_pending(h), 4);
    assert_int_equal(h->drv->stats.lost_responses, 0);
    vh_destroy(h);
}

static void test_signals_to_virtualiser(void **state)
{
    (void)state;
    vgpu_harness_t *h = make(0, 64);
    /* Virtualiser idle on responses: it armed the consumer signal, so an answer notifies it. */
    assert_true(gpu_queue_consumer_arm(&h->resp_q));
    uint32_t before = h->signals;
    gpu_req_t r = vh_req_display_info(1);
    assert_true(vh_push(h, &r));
    vh_kick(h);
    assert_int_equal(h->signals, before + 1);
    /* Not armed: no notification. */
    gpu_resp_t resp;
    assert_true(vh_pop(h, &resp));
    before = h->signals;
    assert_true(vh_push(h, &r));
    vh_kick(h);
    assert_int_equal(h->signals, before);
    /* The driver, idle, armed the request queue's consumer signal so the virtualiser knows to notify. */
    assert_true(gpu_queue_producer_must_signal(&h->req_q));
    vh_destroy(h);
}

/* A virtualiser waiting for request-queue space is notified when the driver consumes. */
static void test_request_space_signal(void **state)
{
    (void)state;
    vh_options_t opt;
    vh_options_default(&opt);
    opt.req_capacity = 8;
    vgpu_harness_t *h = vh_create(&opt);
    assert_non_null(h);
    push_stream(h, 8);
    gpu_req_t r = vh_req_display_info(100);
    assert_false(vh_push(h, &r));
    assert_true(gpu_queue_producer_arm(&h->req_q));
    uint32_t before = h->signals;
    vh_kick(h);
    assert_true(h->signals > before);
    assert_true(vh_push(h, &r));
    vh_destroy(h);
}

int main(void)
{
    setenv("VH_QUIET", "1", 1);
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_descriptor_exhaustion),  cmocka_unit_test(test_exhaustion_out_of_order),
            cmocka_unit_test(test_response_queue_full),    cmocka_unit_test(test_response_slots_reserved),
            cmocka_unit_test(test_signals_to_virtualiser), cmocka_unit_test(test_request_space_signal),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
