/*
 * Protocol header checks that static assertions cannot express: the
 * request union's members all fit, and the event helpers keep the
 * generation counter and pending flag in step.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sddf/gpu/event.h>
#include <sddf/gpu/protocol.h>
#include <virtio/virtio_gpu.h>

static void test_formats_match_virtio(void **state)
{
    (void)state;
    assert_int_equal(GPU_FORMAT_B8G8R8A8_UNORM, VIRTIO_GPU_FORMAT_B8G8R8A8_UNORM);
    assert_int_equal(GPU_FORMAT_B8G8R8X8_UNORM, VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM);
    assert_int_equal(GPU_FORMAT_A8R8G8B8_UNORM, VIRTIO_GPU_FORMAT_A8R8G8B8_UNORM);
    assert_int_equal(GPU_FORMAT_X8R8G8B8_UNORM, VIRTIO_GPU_FORMAT_X8R8G8B8_UNORM);
    assert_int_equal(GPU_FORMAT_R8G8B8A8_UNORM, VIRTIO_GPU_FORMAT_R8G8B8A8_UNORM);
    assert_int_equal(GPU_FORMAT_X8B8G8R8_UNORM, VIRTIO_GPU_FORMAT_X8B8G8R8_UNORM);
    assert_int_equal(GPU_FORMAT_A8B8G8R8_UNORM, VIRTIO_GPU_FORMAT_A8B8G8R8_UNORM);
    assert_int_equal(GPU_FORMAT_R8G8B8X8_UNORM, VIRTIO_GPU_FORMAT_R8G8B8X8_UNORM);
}

static void test_request_bodies_fit(void **state)
{
    (void)state;
    gpu_req_t req;
    assert_true(sizeof(req.set_scanout_blob) <= sizeof(req.raw));
    assert_true(sizeof(req.transfer_to_2d) <= sizeof(req.raw));
    assert_true(sizeof(req.create_blob) <= sizeof(req.raw));
    assert_int_equal(sizeof(req), 8 + sizeof(req.raw));
}

static void test_event_take_clears_and_counts(void **state)
{
    (void)state;
    gpu_event_t ev = {0};
    uint32_t gen = 99;
    assert_false(gpu_event_take(&ev, &gen));
    assert_int_equal(gen, 0);
    gpu_event_raise(&ev);
    gpu_event_raise(&ev);
    assert_true(gpu_event_take(&ev, &gen));
    assert_int_equal(gen, 2);
    assert_false(gpu_event_take(&ev, NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_formats_match_virtio),
            cmocka_unit_test(test_request_bodies_fit),
            cmocka_unit_test(test_event_take_clears_and_counts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
