/*
 * PRESENT in the virtualiser against the scripted driver: the two driver
 * requests and their translation, the completion word (stored only when
 * both parts worked, and before the answer), one present per client at a
 * time, the held flush when the driver has room for one request only,
 * device errors, isolation, the rules that need state the conformance rows
 * cannot set up (nothing shown, fences not above the word), and release.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "virt_env.h"

#define FMT GPU_FORMAT_B8G8R8X8_UNORM

static gpu_req_t req_present(uint32_t scanout, uint32_t id, uint64_t fence)
{
    gpu_req_t r = {.code = GPU_REQ_PRESENT};
    r.present = (gpu_req_present_t){.scanout_id = scanout, .resource_id = id, .fence = fence};
    return r;
}

static uint64_t word(uint32_t c)
{
    return __atomic_load_n(&E->clients[c].info.event.present_fence, __ATOMIC_ACQUIRE);
}

/* Two clients, each owns its scanout; client 0 has 2D resources 1 and 2 (64x32, backed), 1 shown. */
static void setup_2d(uint32_t drv_cap)
{
    env_opts_t o;
    env_default_opts(&o, 2);
    if (drv_cap != 0) {
        o.drv_req_cap = drv_cap;
    }
    env_setup_ready(&o);
    gpu_req_t reqs[] = {
            req_create_2d(1, FMT, 64, 32),       req_attach(1, 0, 8192),
            req_create_2d(2, FMT, 64, 32),       req_attach(2, 8192, 8192),
            req_set_scanout(0, 1, 0, 0, 64, 32),
    };
    for (size_t i = 0; i < sizeof(reqs) / sizeof(reqs[0]); i++) {
        assert_int_equal(env_call(0, &reqs[i]), GPU_STATUS_OK);
    }
}

/* Send a present; the driver gets SET_SCANOUT then RESOURCE_FLUSH of the shown rectangle. */
static void take_parts(gpu_req_t *set, gpu_req_t *flush)
{
    assert_true(env_driver_take(set));
    assert_true(env_driver_take(flush));
    assert_int_equal(env_driver_pending(), 0);
}

static void test_parts_and_fence(void **state)
{
    (void)state;
    setup_2d(0);
    gpu_req_t p = req_present(0, 2, 7);
    uint32_t id = env_client_send(0, &p);
    gpu_req_t set, flush;
    take_parts(&set, &flush);
    assert_int_equal(set.code, GPU_REQ_SET_SCANOUT);
    assert_int_equal(set.set_scanout.scanout_id, 0);
    assert_int_equal(set.set_scanout.rect.width, 64);
    assert_int_equal(set.set_scanout.rect.height, 32);
    assert_int_equal(flush.code, GPU_REQ_RESOURCE_FLUSH);
    assert_int_equal(flush.flush.resource_id, set.set_scanout.resource_id);
    assert_int_equal(flush.flush.rect.width, 64);
    /* Answers in the other order: nothing until both are back. */
    env_driver_answer(flush.id, flush.code, GPU_STATUS_OK);
    env_driver_kick();
    assert_int_equal(env_client_pending(0), 0);
    assert_int_equal(word(0), 0);
    env_driver_answer(set.id, set.code, GPU_STATUS_OK);
    env_driver_kick();
    gpu_resp_t resp;
    assert_true(env_client_recv(0, &resp));
    assert_int_equal(resp.id, id);
    assert_int_equal(resp.code, GPU_REQ_PRESENT);
    assert_int_equal(resp.status, GPU_STATUS_OK);
    assert_int_equal(word(0), 7);
    assert_int_equal(word(1), 0);
    /* Resource 2 is shown now: presenting 1 is the flip back; fences must grow. */
    gpu_req_t same = req_present(0, 1, 7);
    assert_int_equal(env_call_local(0, &same), GPU_STATUS_INVALID_PARAMETER);
    gpu_req_t lower = req_present(0, 1, 6);
    assert_int_equal(env_call_local(0, &lower), GPU_STATUS_INVALID_PARAMETER);
    gpu_req_t back = req_present(0, 1, 8);
    assert_int_equal(env_call(0, &back), GPU_STATUS_OK);
    assert_int_equal(word(0), 8);
    /* Resource 2 is no longer shown: a blob-style unref check would wait otherwise. */
    gpu_req_t unref = req_unref(2);
    assert_int_equal(env_call(0, &unref), GPU_STATUS_OK);
}

/* A failed part: the first failure is the answer (the set-scanout's before the flush's), the word stays. */
static void test_device_error_keeps_fence(void **state)
{
    (void)state;
    setup_2d(0);
    gpu_req_t p = req_present(0, 2, 3);
    env_client_send(0, &p);
    gpu_req_t set, flush;
    take_parts(&set, &flush);
    env_driver_answer(flush.id, flush.code, GPU_STATUS_INVALID_PARAMETER);
    env_driver_answer(set.id, set.code, GPU_STATUS_DEVICE_ERROR);
    env_driver_kick();
    gpu_resp_t resp;
    assert_true(env_client_recv(0, &resp));
    assert_int_equal(resp.status, GPU_STATUS_DEVICE_ERROR);
    assert_int_equal(word(0), 0);
    /* The scanout still shows 1 (the set-scanout failed): presenting 2 again works with the same fence. */
    gpu_req_t again = req_present(0, 2, 3);
    assert_int_equal(env_call(0, &again), GPU_STATUS_OK);
    assert_int_equal(word(0), 3);
}

/* A second present waits until the first is answered, so the word only grows. */
static void test_one_at_a_time(void **state)
{
    (void)state;
    setup_2d(0);
    gpu_req_t p1 = req_present(0, 2, 1);
    gpu_req_t p2 = req_present(0, 1, 2);
    env_client_push(0, &p1);
    env_client_push(0, &p2);
    env_client_kick(0);
    gpu_req_t set, flush;
    take_parts(&set, &flush);
    env_driver_answer(set.id, set.code, GPU_STATUS_OK);
    env_driver_kick();
    assert_int_equal(env_driver_pending(), 0); /* the flush of the first is still out */
    env_driver_answer(flush.id, flush.code, GPU_STATUS_OK);
    env_driver_kick();
    assert_int_equal(word(0), 1);
    gpu_resp_t resp;
    assert_true(env_client_recv(0, &resp));
    assert_int_equal(resp.status, GPU_STATUS_OK);
    take_parts(&set, &flush);
    assert_int_equal(set.set_scanout.resource_id, flush.flush.resource_id);
    env_driver_answer(set.id, set.code, GPU_STATUS_OK);
    env_driver_answer(flush.id, flush.code, GPU_STATUS_OK);
    env_driver_kick();
    assert_true(env_client_recv(0, &resp));
    assert_int_equal(word(0), 2);
}

/* A driver queue with room for one request: the flush waits (held), and nothing of the client's goes between. */
static void test_held_flush(void **state)
{
    (void)state;
    setup_2d(1);
    gpu_req_t p = req_present(0, 2, 5);
    gpu_req_t t = req_transfer(1, 0, 0, 64, 32, 0);
    env_client_push(0, &p);
    env_client_push(0, &t);
    env_client_kick(0);
    gpu_req_t set, flush, transfer;
    assert_true(env_driver_take(&set));
    assert_int_equal(set.code, GPU_REQ_SET_SCANOUT);
    /* Taking it freed the slot and signalled the waiting virtualiser: the held present sent its flush. */
    assert_true(env_driver_take(&flush));
    assert_int_equal(flush.code, GPU_REQ_RESOURCE_FLUSH);
    assert_true(env_driver_take(&transfer)); /* only then the client's next request */
    assert_int_equal(transfer.code, GPU_REQ_TRANSFER_TO_2D);
    env_driver_answer_ok(&transfer);
    env_driver_kick();
    env_driver_answer_ok(&set);
    env_driver_kick();
    assert_int_equal(word(0), 0);
    env_driver_answer_ok(&flush);
    env_driver_kick();
    assert_int_equal(word(0), 5);
    gpu_resp_t a, b;
    assert_true(env_client_recv(0, &a));
    assert_true(env_client_recv(0, &b));
    assert_int_equal(a.code, GPU_REQ_TRANSFER_TO_2D);
    assert_int_equal(b.code, GPU_REQ_PRESENT);
    assert_int_equal(b.status, GPU_STATUS_OK);
}

/* Rules on state: nothing shown, the other kind, isolation, before GET_DISPLAY_INFO. */
static void test_state_rules(void **state)
{
    (void)state;
    env_opts_t o;
    env_default_opts(&o, 2);
    o.device.features = GPU_FEATURE_BLOB;
    env_setup_ready(&o);
    gpu_req_t reqs[] = {req_create_2d(1, FMT, 64, 32), req_attach(1, 0, 8192), req_create_blob(3, 65536, 16384)};
    for (size_t i = 0; i < sizeof(reqs) / sizeof(reqs[0]); i++) {
        assert_int_equal(env_call(0, &reqs[i]), GPU_STATUS_OK);
    }
    gpu_req_t nothing_shown = req_present(0, 1, 1);
    assert_int_equal(env_call_local(0, &nothing_shown), GPU_STATUS_INVALID_PARAMETER);
    gpu_req_t show = req_set_scanout_blob(0, 3, 64, 64, 256, 0);
    assert_int_equal(env_call(0, &show), GPU_STATUS_OK);
    gpu_req_t other_kind = req_present(0, 1, 1);
    assert_int_equal(env_call_local(0, &other_kind), GPU_STATUS_INVALID_PARAMETER);
    /* Client 1 names its own scanout 0 (device scanout 1) and resource ids of its own: none of client 0's. */
    gpu_req_t foreign = req_present(1, 1, 1);
    assert_int_equal(env_call_local(1, &foreign), GPU_STATUS_INVALID_SCANOUT_ID);
    gpu_req_t foreign_res = req_present(0, 3, 1);
    assert_int_equal(env_call_local(1, &foreign_res), GPU_STATUS_INVALID_RESOURCE_ID);
    /* A blob present keeps the layout: the driver gets SET_SCANOUT_BLOB with it. */
    gpu_req_t p = req_present(0, 3, 9);
    env_client_send(0, &p);
    gpu_req_t set, flush;
    take_parts(&set, &flush);
    assert_int_equal(set.code, GPU_REQ_SET_SCANOUT_BLOB);
    assert_int_equal(set.set_scanout_blob.stride, 256);
    assert_int_equal(set.set_scanout_blob.width, 64);
    assert_int_equal(set.set_scanout_blob.format, FMT);
    env_driver_answer_ok(&set);
    env_driver_answer_ok(&flush);
    env_driver_kick();
    gpu_resp_t resp;
    assert_true(env_client_recv(0, &resp));
    assert_int_equal(resp.status, GPU_STATUS_OK);
    assert_int_equal(word(0), 9);
}

/* A release forgets the fences: the word reads 0 again and a restarted client starts at 1. */
static void test_release_resets_word(void **state)
{
    (void)state;
    setup_2d(0);
    gpu_req_t p = req_present(0, 2, 40);
    assert_int_equal(env_call(0, &p), GPU_STATUS_OK);
    assert_int_equal(word(0), 40);
    gpu_virt_notify_t n = {0};
    assert_true(gpu_virt_release_client(&E->virt, 0, &n));
    env_driver_serve();
    assert_int_equal(word(0), 0);
    assert_int_equal(word(1), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_parts_and_fence), cmocka_unit_test(test_device_error_keeps_fence),
            cmocka_unit_test(test_one_at_a_time),   cmocka_unit_test(test_held_flush),
            cmocka_unit_test(test_state_rules),     cmocka_unit_test(test_release_resets_word),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
