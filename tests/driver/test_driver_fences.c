/*
 * Fences: every control command carries VIRTIO_GPU_FLAG_FENCE and a fence id
 * of its own (1, 2, 3... per driver), and a response counts as the command's
 * answer only if its header echoes both, as QEMU's does. A response that does
 * not is a device fault for that command alone: DEVICE_ERROR, logged,
 * counted, and every other command keeps its own answer.
 */
#include "driver_test.h"

/* The header of the command in slot `slot` of the DMA region (as the device reads it). */
static virtio_gpu_ctrl_hdr_t command_header(vgpu_harness_t *h, uint32_t slot)
{
    virtio_gpu_ctrl_hdr_t c;
    memcpy(&c, h->drv->slot_mem + (size_t)slot * GPU_DRIVER_SLOT_BYTES, sizeof(c));
    return c;
}

/* Commands held by the device: each is fenced, with the ids in submission order, whatever the request. */
static void test_every_command_fenced(void **state)
{
    vgpu_harness_t *h = *state;
    vgpu_model_fault_hold(h->model, 1);
    const gpu_req_t reqs[] = {
            vh_req_display_info(1),
            vh_req_create_2d(2, 1, GPU_FORMAT_B8G8R8X8_UNORM, 16, 16),
            vh_req_attach(3, 1, VH_DATA_IO, 1024),
            vh_req_set_scanout(4, 0, 1, vh_rect(0, 0, 16, 16)),
            vh_req_transfer(5, 1, vh_rect(0, 0, 16, 16), 0),
            vh_req_flush(6, 1, vh_rect(0, 0, 16, 16)),
    };
    const uint32_t n = sizeof(reqs) / sizeof(reqs[0]);
    for (uint32_t i = 0; i < n; i++) {
        assert_true(vh_push(h, &reqs[i]));
    }
    vh_kick(h);
    uint32_t seen = 0;
    for (uint32_t slot = 0; slot < h->drv->num_slots; slot++) {
        const gpu_driver_slot_t *s = &h->drv->slots[slot];
        if (!s->in_use) {
            continue;
        }
        virtio_gpu_ctrl_hdr_t c = command_header(h, slot);
        assert_int_equal(c.flags, VIRTIO_GPU_FLAG_FENCE);
        assert_true(c.fence_id == s->fence_id);
        assert_true(s->fence_id == s->req_id + 2); /* vh_create()'s GET_EDID and GET_DISPLAY_INFO: 1 and 2 */
        seen++;
    }
    assert_int_equal(seen, n);
    vgpu_model_fault_hold(h->model, 0);
    vgpu_model_fault_release(h->model);
    vh_run(h);
    assert_int_equal(vh_pending(h), n);
    assert_int_equal(h->drv->stats.bad_fences, 0);
    assert_true(h->drv->next_fence == n + 3);
}

typedef struct fence_case {
    const char *name;
    uint32_t flags; /* what the device puts in the response header */
    int64_t offset; /* fence id relative to the command's */
    uint32_t status;
} fence_case_t;

static const fence_case_t fence_cases[] = {
        {"echoed", VIRTIO_GPU_FLAG_FENCE, 0, GPU_STATUS_OK},
        {"flag dropped", 0, 0, GPU_STATUS_DEVICE_ERROR},
        {"flag dropped, ring idx flag instead", VIRTIO_GPU_FLAG_INFO_RING_IDX, 0, GPU_STATUS_DEVICE_ERROR},
        {"previous command's fence", VIRTIO_GPU_FLAG_FENCE, -1, GPU_STATUS_DEVICE_ERROR},
        {"next command's fence", VIRTIO_GPU_FLAG_FENCE, 1, GPU_STATUS_DEVICE_ERROR},
        {"fence 0", VIRTIO_GPU_FLAG_FENCE, INT64_MIN, GPU_STATUS_DEVICE_ERROR},
        {"extra flag bits", VIRTIO_GPU_FLAG_FENCE | VIRTIO_GPU_FLAG_INFO_RING_IDX, 0, GPU_STATUS_OK},
};

/* One command per case, each between two good ones: only the spoiled one fails. */
static void test_fence_mismatch_is_device_error(void **state)
{
    vgpu_harness_t *h = *state;
    uint32_t bad = 0;
    for (uint32_t i = 0; i < sizeof(fence_cases) / sizeof(fence_cases[0]); i++) {
        const fence_case_t *c = &fence_cases[i];
        vh_log_reset();
        uint64_t fence = h->drv->next_fence;
        uint64_t echoed = c->offset == INT64_MIN ? 0 : fence + (uint64_t)c->offset;
        vgpu_model_fault_bogus_fence(h->model, c->flags, echoed);
        gpu_req_t r = vh_req_create_2d(10 + i, 10 + i, GPU_FORMAT_B8G8R8X8_UNORM, 16, 16);
        uint32_t status = vh_call(h, &r);
        if (status != c->status) {
            fail_msg("%s: status %u, want %u", c->name, (unsigned)status, (unsigned)c->status);
        }
        bad += c->status != GPU_STATUS_OK;
        assert_int_equal(vh_log_count("command fence"), c->status != GPU_STATUS_OK);
        gpu_req_t d = vh_req_display_info(100 + i);
        assert_int_equal(vh_call(h, &d), GPU_STATUS_OK);
    }
    assert_int_equal(h->drv->stats.bad_fences, bad);
    assert_int_equal(h->drv->stats.bad_responses, 0);
    assert_int_equal(h->drv->num_free_slots, h->drv->num_slots);
}

/*
 * GET_DISPLAY_INFO with a wrong fence: DEVICE_ERROR, and the info region is
 * not touched (an answer that is not this command's must not be published).
 */
static void test_fence_mismatch_display_info_not_published(void **state)
{
    vgpu_harness_t *h = *state;
    gpu_req_t d = vh_req_display_info(1);
    assert_int_equal(vh_call(h, &d), GPU_STATUS_OK);
    vgpu_model_set_scanout(h->model, 0, 640, 480, 1);
    vh_run(h);
    h->drv->edid_wanted = 0; /* no GET_EDID this time: the wrong fence is for the GET_DISPLAY_INFO */
    vgpu_model_fault_bogus_fence(h->model, VIRTIO_GPU_FLAG_FENCE, h->drv->next_fence + 7);
    d.id = 2;
    assert_int_equal(vh_call(h, &d), GPU_STATUS_DEVICE_ERROR);
    assert_int_equal(h->info->display.scanouts[0].rect.width, 1280);
    d.id = 3;
    assert_int_equal(vh_call(h, &d), GPU_STATUS_OK);
    assert_int_equal(h->info->display.scanouts[0].rect.width, 640);
}

/* In a batch of eight, out of order, the one wrong fence spoils exactly its own command. */
static void test_fence_mismatch_in_reordered_batch(void **state)
{
    vgpu_harness_t *h = *state;
    vgpu_model_fault_reorder(h->model, 1);
    /* Lands on the first command processed (request 1), carrying a fence no command of the batch has. */
    vgpu_model_fault_bogus_fence(h->model, VIRTIO_GPU_FLAG_FENCE, h->drv->next_fence + 100);
    for (uint32_t i = 1; i <= 8; i++) {
        gpu_req_t r = vh_req_create_2d(i, i, GPU_FORMAT_B8G8R8X8_UNORM, 16, 16);
        assert_true(vh_push(h, &r));
    }
    vh_kick(h);
    gpu_resp_t resp;
    uint32_t count = 0;
    while (vh_pop(h, &resp)) {
        assert_int_equal(resp.status, resp.id == 1 ? GPU_STATUS_DEVICE_ERROR : GPU_STATUS_OK);
        count++;
    }
    assert_int_equal(count, 8);
    assert_int_equal(h->drv->stats.bad_fences, 1);
    for (uint32_t i = 2; i <= 8; i++) {
        assert_true(vgpu_model_resource_exists(h->model, i));
    }
}

int main(void)
{
    setenv("VH_QUIET", "1", 1);
    const struct CMUnitTest tests[] = {
            cmocka_unit_test_setup_teardown(test_every_command_fenced, dt_setup, dt_teardown),
            cmocka_unit_test_setup_teardown(test_fence_mismatch_is_device_error, dt_setup, dt_teardown),
            cmocka_unit_test_setup_teardown(test_fence_mismatch_display_info_not_published, dt_setup, dt_teardown),
            cmocka_unit_test_setup_teardown(test_fence_mismatch_in_reordered_batch, dt_setup, dt_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
