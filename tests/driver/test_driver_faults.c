/*
 * Device misbehaviour, one fault-injection knob of the model per test:
 * held and reordered completions, bogus used ids and lengths, spurious
 * interrupts. The request concerned gets an error (for a bogus used id: once
 * the device has returned an element for every chain, the command left in
 * flight gets DEVICE_ERROR), a log line is written, and everything else
 * keeps working.
 */
#include "driver_test.h"

/* Pushes creates for resources first..first+n-1 (request id = resource id). */
static void push_creates(vgpu_harness_t *h, uint32_t first, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        gpu_req_t r = vh_req_create_2d(first + i, first + i, GPU_FORMAT_B8G8R8X8_UNORM, 16, 16);
        assert_true(vh_push(h, &r));
    }
}

/* Pops every response, checking each id in [first, first + n) appears once with `status`. Returns the count. */
static uint32_t pop_all(vgpu_harness_t *h, uint32_t first, uint32_t n, uint32_t status, uint32_t *order)
{
    uint8_t seen[512] = {0};
    uint32_t count = 0;
    gpu_resp_t resp;
    while (vh_pop(h, &resp)) {
        assert_in_range(resp.id, first, first + n - 1);
        assert_int_equal(seen[resp.id - first], 0);
        seen[resp.id - first] = 1;
        assert_int_equal(resp.status, status);
        if (order != NULL) {
            order[count] = resp.id;
        }
        count++;
    }
    return count;
}

static void assert_still_serving(vgpu_harness_t *h, uint32_t id)
{
    gpu_req_t r = vh_req_display_info(id);
    assert_int_equal(vh_call(h, &r), GPU_STATUS_OK);
}

static void test_hold_and_release(void **state)
{
    vgpu_harness_t *h = *state;
    vgpu_model_fault_hold(h->model, 1);
    push_creates(h, 1, 5);
    vh_kick(h);
    assert_int_equal(vh_pending(h), 0);
    assert_int_equal(vgpu_model_fault_held(h->model), 5);
    assert_int_equal(h->drv->num_free_slots, h->drv->num_slots - 5);
    assert_int_equal(virtq_in_flight(&h->drv->ctrl), 5);
    vgpu_model_fault_hold(h->model, 0);
    assert_int_equal(vgpu_model_fault_release(h->model), 5);
    vh_run(h);
    assert_int_equal(pop_all(h, 1, 5, GPU_STATUS_OK, NULL), 5);
    assert_int_equal(h->drv->num_free_slots, h->drv->num_slots);
    assert_int_equal(virtq_num_free(&h->drv->ctrl), h->drv->ctrl.size);
}

static void test_out_of_order_completion(void **state)
{
    vgpu_harness_t *h = *state;
    vgpu_model_fault_reorder(h->model, 1);
    push_creates(h, 1, 8);
    vh_kick(h);
    uint32_t order[8];
    assert_int_equal(pop_all(h, 1, 8, GPU_STATUS_OK, order), 8);
    assert_int_equal(order[0], 8); /* the model published the batch in reverse */
    assert_int_equal(order[7], 1);
    for (uint32_t i = 1; i <= 8; i++) {
        assert_true(vgpu_model_resource_exists(h->model, i));
    }
    assert_int_equal(virtq_num_free(&h->drv->ctrl), h->drv->ctrl.size);
}

/* Reordered and held, with display info in the mix: each answer reaches its own request. */
static void test_out_of_order_display_info(void **state)
{
    vgpu_harness_t *h = *state;
    vgpu_model_fault_reorder(h->model, 1);
    vgpu_model_fault_hold(h->model, 1);
    gpu_req_t d = vh_req_display_info(1);
    assert_true(vh_push(h, &d));
    push_creates(h, 2, 3);
    vh_kick(h);
    vgpu_model_fault_hold(h->model, 0);
    vgpu_model_fault_release(h->model);
    vh_run(h);
    assert_int_equal(pop_all(h, 1, 4, GPU_STATUS_OK, NULL), 4);
    assert_int_equal(h->info->display.scanouts[0].rect.width, 1280);
}

/* Checks the driver's queue and slots are all free again (nothing leaked, nothing freed twice). */
static void assert_all_free(vgpu_harness_t *h)
{
    assert_int_equal(h->drv->num_free_slots, h->drv->num_slots);
    assert_int_equal(virtq_num_free(&h->drv->ctrl), h->drv->ctrl.size);
    assert_int_equal(virtq_in_flight(&h->drv->ctrl), 0);
}

/*
 * Pops every response of ids [first, first + n): exactly one each; the ids in
 * `errors` (count n_err) must be DEVICE_ERROR, every other one OK.
 */
static void expect_answers(vgpu_harness_t *h, uint32_t first, uint32_t n, const uint32_t *errors, uint32_t n_err)
{
    uint8_t seen[512] = {0};
    uint32_t count = 0;
    gpu_resp_t resp;
    while (vh_pop(h, &resp)) {
        assert_in_range(resp.id, first, first + n - 1);
        assert_int_equal(seen[resp.id - first], 0);
        seen[resp.id - first] = 1;
        uint32_t want = GPU_STATUS_OK;
        for (uint32_t i = 0; i < n_err; i++) {
            want = resp.id == errors[i] ? GPU_STATUS_DEVICE_ERROR : want;
        }
        if (resp.status != want) {
            fail_msg("request %u: status %u, want %u", (unsigned)resp.id, (unsigned)resp.status, (unsigned)want);
        }
        count++;
    }
    assert_int_equal(count, n);
}

/* The used element of the only command in flight names nothing: that command gets DEVICE_ERROR. */
static void test_bogus_used_id_out_of_range(void **state)
{
    vgpu_harness_t *h = *state;
    vh_log_reset();
    vgpu_model_fault_bogus_used_id(h->model, 5000);
    push_creates(h, 1, 1);
    vh_kick(h);
    const uint32_t err[] = {1};
    expect_answers(h, 1, 1, err, 1);
    assert_int_equal(h->drv->stats.bogus_used, 1);
    assert_int_equal(h->drv->stats.orphaned, 1);
    assert_int_equal(vh_log_count("heads no command in flight"), 1);
    assert_int_equal(vh_log_count("request 1 (code 2): the device used up its elements without naming this command"),
                     1);
    assert_all_free(h);
    assert_still_serving(h, 100);
}

/* An id inside the ring that is not the head of a chain (a response descriptor). */
static void test_bogus_used_id_not_head(void **state)
{
    vgpu_harness_t *h = *state;
    vgpu_model_fault_bogus_used_id(h->model, 1);
    push_creates(h, 1, 1);
    vh_kick(h);
    const uint32_t err[] = {1};
    expect_answers(h, 1, 1, err, 1);
    assert_int_equal(h->drv->stats.bogus_used, 1);
    assert_all_free(h);
    assert_still_serving(h, 100);
}

/*
 * Three commands A B C completed in reverse; C's entry carries A's head. A
 * is answered (with C's answer: indistinguishable), B normally, and A's own
 * entry is then refused: a chain is never freed twice and nobody is answered
 * twice. The device has then returned three elements for three chains, so C
 * can never complete: it gets DEVICE_ERROR.
 */
static void test_bogus_used_id_duplicate(void **state)
{
    vgpu_harness_t *h = *state;
    push_creates(h, 1, 3);
    vgpu_model_fault_reorder(h->model, 1);
    vgpu_model_fault_bogus_used_id(h->model, 0); /* A's head: the first chain of a fresh queue */
    vh_kick(h);
    const uint32_t err[] = {3};
    expect_answers(h, 1, 3, err, 1);
    assert_int_equal(h->drv->stats.bogus_used, 1);
    assert_int_equal(h->drv->stats.orphaned, 1);
    assert_all_free(h);
    vgpu_model_fault_reorder(h->model, 0);
    assert_still_serving(h, 100);
}

/* In a batch of eight, only the command whose element was spoiled fails; in order, then out of order. */
static void test_bogus_used_id_in_batch(void **state)
{
    vgpu_harness_t *h = *state;
    vgpu_model_fault_bogus_used_id(h->model, 0xffffffffu);
    push_creates(h, 1, 8);
    vh_kick(h);
    const uint32_t first[] = {1}; /* published first */
    expect_answers(h, 1, 8, first, 1);
    vgpu_model_fault_reorder(h->model, 1);
    vgpu_model_fault_bogus_used_id(h->model, 0xffffffffu);
    push_creates(h, 11, 8);
    vh_kick(h);
    const uint32_t last[] = {18}; /* published first when the batch is reversed */
    expect_answers(h, 11, 8, last, 1);
    assert_int_equal(h->drv->stats.orphaned, 2);
    assert_all_free(h);
    assert_still_serving(h, 100);
}

/*
 * Several bogus ids, each in a batch bigger than the command slots (so the
 * driver publishes several batches per round): one DEVICE_ERROR per bogus id
 * and nothing leaked, so hundreds of requests afterwards still go through.
 */
static void test_bogus_used_ids_leak_nothing(void **state)
{
    vgpu_harness_t *h = *state;
    const uint32_t ids[] = {5000, 0xffffffffu, 64, 65535, 256, 1u << 16};
    const uint32_t n = 40;
    assert_true(n > h->drv->num_slots);
    for (uint32_t round = 0; round < sizeof(ids) / sizeof(ids[0]); round++) {
        uint32_t first = 1 + round * n;
        vgpu_model_fault_bogus_used_id(h->model, ids[round]);
        for (uint32_t i = 0; i < n; i++) {
            gpu_req_t r = vh_req_display_info(first + i);
            assert_true(vh_push(h, &r));
        }
        vh_kick(h);
        expect_answers(h, first, n, &first, 1); /* the first command's element is the first published */
        assert_all_free(h);
    }
    assert_int_equal(h->drv->stats.orphaned, sizeof(ids) / sizeof(ids[0]));
    for (uint32_t i = 0; i < 300; i++) {
        gpu_req_t r = vh_req_display_info(1000 + i);
        assert_true(vh_push(h, &r));
    }
    vh_kick(h);
    gpu_resp_t resp;
    uint32_t ok = 0;
    while (vh_pop(h, &resp)) {
        ok += resp.status == GPU_STATUS_OK;
    }
    assert_int_equal(ok, 300);
    assert_all_free(h);
}

/*
 * A bogus element while the device holds other completions: the device still
 * owes those (used idx < avail idx), so nothing is orphaned and nobody is
 * answered yet. When it releases them, every element is in: the held ones
 * get their answers and the spoiled one DEVICE_ERROR.
 */
static void test_bogus_used_id_while_held(void **state)
{
    vgpu_harness_t *h = *state;
    vgpu_model_fault_hold(h->model, 1);
    push_creates(h, 2, 2);
    vh_kick(h);
    assert_int_equal(vgpu_model_fault_held(h->model), 2);
    vgpu_model_fault_hold(h->model, 0);
    vgpu_model_fault_bogus_used_id(h->model, 5000);
    push_creates(h, 1, 1); /* processed and published at once, with the bogus id */
    vh_kick(h);
    assert_int_equal(h->drv->stats.bogus_used, 1);
    assert_int_equal(vh_pending(h), 0);
    assert_int_equal(h->drv->stats.orphaned, 0);
    assert_int_equal(virtq_in_flight(&h->drv->ctrl), 3);
    assert_int_equal(vgpu_model_fault_release(h->model), 2);
    vh_run(h);
    const uint32_t err[] = {1};
    expect_answers(h, 1, 3, err, 1);
    assert_all_free(h);
    assert_still_serving(h, 100);
}

/* The bogus id lands on one of the held completions when they are released. */
static void test_bogus_used_id_on_release(void **state)
{
    vgpu_harness_t *h = *state;
    vgpu_model_fault_hold(h->model, 1);
    push_creates(h, 1, 4);
    vh_kick(h);
    vgpu_model_fault_hold(h->model, 0);
    vgpu_model_fault_bogus_used_id(h->model, 5000);
    assert_int_equal(vgpu_model_fault_release(h->model), 4);
    vh_run(h);
    const uint32_t err[] = {1};
    expect_answers(h, 1, 4, err, 1);
    assert_all_free(h);
    assert_still_serving(h, 100);
}

/* A bogus id and a bogus length on the same element: one answer, DEVICE_ERROR; the length is never used. */
static void test_bogus_used_id_and_len(void **state)
{
    vgpu_harness_t *h = *state;
    vgpu_model_fault_bogus_used_id(h->model, 5000);
    vgpu_model_fault_bogus_used_len(h->model, UINT32_MAX);
    push_creates(h, 1, 2);
    vh_kick(h);
    const uint32_t err[] = {1};
    expect_answers(h, 1, 2, err, 1);
    assert_int_equal(h->drv->stats.bad_responses, 0);
    assert_int_equal(h->drv->stats.orphaned, 1);
    assert_all_free(h);
}

typedef struct len_case {
    uint32_t req_code;
    uint32_t len;
} len_case_t;

static void test_bogus_used_len(void **state)
{
    vgpu_harness_t *h = *state;
    const len_case_t cases[] = {
            {GPU_REQ_RESOURCE_CREATE_2D, 0},
            {GPU_REQ_RESOURCE_CREATE_2D, sizeof(virtio_gpu_ctrl_hdr_t) - 1},
            {GPU_REQ_RESOURCE_CREATE_2D, GPU_DRIVER_RESP_BYTES + 1}, /* more than the buffer */
            {GPU_REQ_RESOURCE_CREATE_2D, UINT32_MAX},
            {GPU_REQ_GET_DISPLAY_INFO, sizeof(virtio_gpu_ctrl_hdr_t)}, /* header without the modes */
            {GPU_REQ_GET_DISPLAY_INFO, sizeof(virtio_gpu_resp_display_info_t) - 1},
    };
    for (uint32_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        vgpu_model_fault_bogus_used_len(h->model, cases[i].len);
        gpu_req_t r = cases[i].req_code == GPU_REQ_GET_DISPLAY_INFO
                              ? vh_req_display_info(i)
                              : vh_req_create_2d(i, 10 + i, GPU_FORMAT_B8G8R8X8_UNORM, 16, 16);
        uint32_t status = vh_call(h, &r);
        if (status != GPU_STATUS_DEVICE_ERROR) {
            fail_msg("case %u: status %u", (unsigned)i, (unsigned)status);
        }
    }
    assert_int_equal(h->drv->stats.bad_responses, sizeof(cases) / sizeof(cases[0]));
    assert_int_equal(virtq_num_free(&h->drv->ctrl), h->drv->ctrl.size);
    assert_still_serving(h, 100);
}

/* A longer length than needed (but within the buffer) is accepted. */
static void test_generous_used_len(void **state)
{
    vgpu_harness_t *h = *state;
    vgpu_model_fault_bogus_used_len(h->model, GPU_DRIVER_RESP_BYTES);
    gpu_req_t r = vh_req_create_2d(1, 1, GPU_FORMAT_B8G8R8X8_UNORM, 16, 16);
    assert_int_equal(vh_call(h, &r), GPU_STATUS_OK);
}

static void test_spurious_interrupt(void **state)
{
    vgpu_harness_t *h = *state;
    vh_log_reset();
    vgpu_model_fault_spurious_irq(h->model);
    vh_run(h);
    assert_int_equal(h->drv->stats.spurious_irqs, 1);
    assert_int_equal(vh_log_count("nothing to do"), 1);
    assert_int_equal(vh_pending(h), 0);
    assert_int_equal(vgpu_model_irq_level(h->model), 0); /* acknowledged */
    assert_still_serving(h, 1);
}

/* An interrupt handler call with no cause at all (shared line, or a stale IRQ). */
static void test_interrupt_without_cause(void **state)
{
    vgpu_harness_t *h = *state;
    gpu_driver_handle_irq(h->drv);
    gpu_driver_handle_irq(h->drv);
    assert_int_equal(h->drv->stats.spurious_irqs, 2);
    assert_still_serving(h, 1);
}

int main(void)
{
    setenv("VH_QUIET", "1", 1);
    const struct CMUnitTest tests[] = {
            cmocka_unit_test_setup_teardown(test_hold_and_release, dt_setup, dt_teardown),
            cmocka_unit_test_setup_teardown(test_out_of_order_completion, dt_setup, dt_teardown),
            cmocka_unit_test_setup_teardown(test_out_of_order_display_info, dt_setup, dt_teardown),
            cmocka_unit_test_setup_teardown(test_bogus_used_id_out_of_range, dt_setup, dt_teardown),
            cmocka_unit_test_setup_teardown(test_bogus_used_id_not_head, dt_setup, dt_teardown),
            cmocka_unit_test_setup_teardown(test_bogus_used_id_duplicate, dt_setup, dt_teardown),
            cmocka_unit_test_setup_teardown(test_bogus_used_id_in_batch, dt_setup, dt_teardown),
            cmocka_unit_test_setup_teardown(test_bogus_used_ids_leak_nothing, dt_setup, dt_teardown),
            cmocka_unit_test_setup_teardown(test_bogus_used_id_while_held, dt_setup, dt_teardown),
            cmocka_unit_test_setup_teardown(test_bogus_used_id_on_release, dt_setup, dt_teardown),
            cmocka_unit_test_setup_teardown(test_bogus_used_id_and_len, dt_setup, dt_teardown),
            cmocka_unit_test_setup_teardown(test_bogus_used_len, dt_setup, dt_teardown),
            cmocka_unit_test_setup_teardown(test_generous_used_len, dt_setup, dt_teardown),
            cmocka_unit_test_setup_teardown(test_spurious_interrupt, dt_setup, dt_teardown),
            cmocka_unit_test_setup_teardown(test_interrupt_without_cause, dt_setup, dt_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
