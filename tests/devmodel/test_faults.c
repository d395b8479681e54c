/*
 * Fault injection: error for the n-th command and per command type,
 * held (delayed) completions, out-of-order completion, bogus used id and
 * length, spurious interrupts, a wrong fence, DEVICE_NEEDS_RESET, a used
 * index run ahead, configuration events, a stalled device.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "harness.h"

#define F_ALL                                                                                                          \
    (VIRTIO_FEATURE_BIT(VIRTIO_F_VERSION_1) | VIRTIO_FEATURE_BIT(VIRTIO_GPU_F_RESOURCE_BLOB) |                         \
     VIRTIO_FEATURE_BIT(VIRTIO_GPU_F_EDID))
#define OK   VIRTIO_GPU_RESP_OK_NODATA
#define XRGB VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM

static int setup(void **state)
{
    harness_t *h = h_create_default();
    assert_int_equal(h_init(h, F_ALL) & VIRTIO_STATUS_DRIVER_OK, VIRTIO_STATUS_DRIVER_OK);
    *state = h;
    return 0;
}

static int teardown(void **state)
{
    h_destroy(*state);
    return 0;
}

/* Queues CREATE_2D for ids first..first+n-1 without processing; returns heads. */
static void queue_creates(harness_t *h, uint32_t first, uint32_t n, uint16_t *heads, uint64_t *resp)
{
    for (uint32_t i = 0; i < n; i++) {
        virtio_gpu_resource_create_2d_t req = {.hdr.type = VIRTIO_GPU_CMD_RESOURCE_CREATE_2D};
        req.resource_id = first + i;
        req.format = XRGB;
        req.width = req.height = 4;
        uint64_t rq = h_alloc(h, sizeof(req), 8);
        resp[i] = h_alloc(h, 24, 8);
        memcpy(h_ptr(h, rq), &req, sizeof(req));
        h_buf_t bufs[2] = {{rq, sizeof(req), 0}, {resp[i], 24, 1}};
        heads[i] = h_submit(h, 0, bufs, 2);
    }
    h_notify(h, 0);
}

static uint32_t resp_type(harness_t *h, uint64_t io)
{
    virtio_gpu_ctrl_hdr_t hdr;
    memcpy(&hdr, h_ptr(h, io), sizeof(hdr));
    return hdr.type;
}

static void test_error_nth(void **state)
{
    harness_t *h = *state;
    vgpu_model_fault_error_nth(h->m, 2, VIRTIO_GPU_RESP_ERR_OUT_OF_MEMORY);
    assert_int_equal(h_create_2d(h, 1, XRGB, 4, 4), OK);
    assert_int_equal(h_create_2d(h, 2, XRGB, 4, 4), VIRTIO_GPU_RESP_ERR_OUT_OF_MEMORY);
    assert_false(vgpu_model_resource_exists(h->m, 2));   /* an injected error has no effect */
    assert_int_equal(h_create_2d(h, 2, XRGB, 4, 4), OK); /* one-shot */
    vgpu_model_fault_error_nth(h->m, 1, VIRTIO_GPU_RESP_ERR_UNSPEC);
    vgpu_model_fault_error_nth(h->m, 0, 0); /* cancelled */
    assert_int_equal(h_create_2d(h, 3, XRGB, 4, 4), OK);
    vgpu_model_stats_t st;
    vgpu_model_stats(h->m, &st);
    assert_int_equal(st.errors, 1);
}

static void test_error_nth_keeps_fence(void **state)
{
    harness_t *h = *state;
    vgpu_model_fault_error_nth(h->m, 1, VIRTIO_GPU_RESP_ERR_UNSPEC);
    virtio_gpu_ctrl_hdr_t req = {.type = VIRTIO_GPU_CMD_GET_DISPLAY_INFO, .flags = VIRTIO_GPU_FLAG_FENCE};
    req.fence_id = 77;
    virtio_gpu_resp_display_info_t info;
    assert_int_equal(h_cmd(h, &req, sizeof(req), &info, sizeof(info)), sizeof(virtio_gpu_ctrl_hdr_t));
    assert_int_equal(info.hdr.type, VIRTIO_GPU_RESP_ERR_UNSPEC);
    assert_true(info.hdr.fence_id == 77);
}

static void test_error_by_command(void **state)
{
    harness_t *h = *state;
    vgpu_model_fault_error_cmd(h->m, VIRTIO_GPU_CMD_RESOURCE_CREATE_2D, VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);
    vgpu_model_fault_error_cmd(h->m, VIRTIO_GPU_CMD_GET_DISPLAY_INFO, VIRTIO_GPU_RESP_ERR_UNSPEC);
    for (uint32_t i = 1; i <= 3; i++) {
        assert_int_equal(h_create_2d(h, i, XRGB, 4, 4), VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);
    }
    virtio_gpu_ctrl_hdr_t req = {.type = VIRTIO_GPU_CMD_GET_DISPLAY_INFO};
    assert_int_equal(h_cmd_type(h, &req, sizeof(req)), VIRTIO_GPU_RESP_ERR_UNSPEC);
    assert_int_equal(vgpu_model_resource_count(h->m), 0);
    /* Changing one type's error replaces it; 0 clears it. */
    vgpu_model_fault_error_cmd(h->m, VIRTIO_GPU_CMD_RESOURCE_CREATE_2D, VIRTIO_GPU_RESP_ERR_OUT_OF_MEMORY);
    assert_int_equal(h_create_2d(h, 1, XRGB, 4, 4), VIRTIO_GPU_RESP_ERR_OUT_OF_MEMORY);
    vgpu_model_fault_error_cmd(h->m, VIRTIO_GPU_CMD_RESOURCE_CREATE_2D, 0);
    assert_int_equal(h_create_2d(h, 1, XRGB, 4, 4), OK);
    assert_int_equal(h_cmd_type(h, &req, sizeof(req)), VIRTIO_GPU_RESP_ERR_UNSPEC);
}

static void test_error_on_cursor_command(void **state)
{
    harness_t *h = *state;
    vgpu_model_fault_error_cmd(h->m, VIRTIO_GPU_CMD_MOVE_CURSOR, VIRTIO_GPU_RESP_ERR_UNSPEC);
    virtio_gpu_update_cursor_t c = {.hdr.type = VIRTIO_GPU_CMD_MOVE_CURSOR};
    c.pos.x = 9;
    assert_int_equal(h_cursor(h, &c), 0);
    vgpu_model_cursor_t cur;
    vgpu_model_cursor_state(h->m, &cur);
    assert_int_equal(cur.moves, 0);
    assert_int_equal(cur.x, 0);
}

static void test_hold_and_release(void **state)
{
    harness_t *h = *state;
    uint16_t heads[3];
    uint64_t resp[3];
    vgpu_model_fault_hold(h->m, 1);
    queue_creates(h, 1, 3, heads, resp);
    assert_int_equal(vgpu_model_process(h->m), 0);
    assert_int_equal(h_used_idx(h, 0), 0);
    assert_int_equal(h_read(h, VIRTIO_MMIO_INTERRUPT_STATUS), 0);
    assert_int_equal(vgpu_model_fault_held(h->m), 3);
    assert_int_equal(vgpu_model_resource_count(h->m), 3); /* the commands did run */
    assert_int_equal(resp_type(h, resp[0]), OK);          /* responses written, not yet published */
    vgpu_model_fault_hold(h->m, 0);
    assert_int_equal(vgpu_model_fault_held(h->m), 3);
    assert_int_equal(vgpu_model_fault_release(h->m), 3);
    assert_int_equal(vgpu_model_fault_held(h->m), 0);
    assert_int_equal(h_read(h, VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_MMIO_INT_VRING);
    for (uint32_t i = 0; i < 3; i++) {
        uint32_t id, len;
        assert_int_equal(h_pop_used(h, 0, &id, &len), 1);
        assert_int_equal(id, heads[i]);
        assert_int_equal(len, 24);
    }
    assert_int_equal(vgpu_model_fault_release(h->m), 0);
}

static void test_reset_drops_held(void **state)
{
    harness_t *h = *state;
    uint16_t heads[2];
    uint64_t resp[2];
    vgpu_model_fault_hold(h->m, 1);
    queue_creates(h, 1, 2, heads, resp);
    vgpu_model_process(h->m);
    assert_int_equal(vgpu_model_fault_held(h->m), 2);
    h_write(h, VIRTIO_MMIO_STATUS, 0);
    assert_int_equal(vgpu_model_fault_held(h->m), 0);
    vgpu_model_fault_hold(h->m, 0);
}

static void test_reorder(void **state)
{
    harness_t *h = *state;
    uint16_t heads[4];
    uint64_t resp[4];
    vgpu_model_fault_reorder(h->m, 1);
    queue_creates(h, 1, 4, heads, resp);
    assert_int_equal(vgpu_model_process(h->m), 4);
    for (uint32_t i = 0; i < 4; i++) {
        uint32_t id, len;
        assert_int_equal(h_pop_used(h, 0, &id, &len), 1);
        assert_int_equal(id, heads[3 - i]);
    }
    /* Effects still happened in request order. */
    assert_int_equal(vgpu_model_resource_count(h->m), 4);
    vgpu_model_fault_reorder(h->m, 0);
    queue_creates(h, 5, 2, heads, resp);
    vgpu_model_process(h->m);
    uint32_t id, len;
    assert_int_equal(h_pop_used(h, 0, &id, &len), 1);
    assert_int_equal(id, heads[0]);
}

static void test_hold_then_reordered_release(void **state)
{
    harness_t *h = *state;
    uint16_t heads[3];
    uint64_t resp[3];
    vgpu_model_fault_hold(h->m, 1);
    queue_creates(h, 1, 3, heads, resp);
    vgpu_model_process(h->m);
    vgpu_model_fault_hold(h->m, 0);
    vgpu_model_fault_reorder(h->m, 1);
    assert_int_equal(vgpu_model_fault_release(h->m), 3);
    uint32_t id, len;
    assert_int_equal(h_pop_used(h, 0, &id, &len), 1);
    assert_int_equal(id, heads[2]);
}

static void test_bogus_used_id(void **state)
{
    harness_t *h = *state;
    uint16_t heads[2];
    uint64_t resp[2];
    vgpu_model_fault_bogus_used_id(h->m, 0xdead);
    queue_creates(h, 1, 2, heads, resp);
    assert_int_equal(vgpu_model_process(h->m), 2);
    uint32_t id, len;
    assert_int_equal(h_pop_used(h, 0, &id, &len), 1);
    assert_int_equal(id, 0xdead);
    assert_int_equal(len, 24);
    assert_int_equal(h_pop_used(h, 0, &id, &len), 1); /* one-shot */
    assert_int_equal(id, heads[1]);
}

static void test_bogus_used_len(void **state)
{
    harness_t *h = *state;
    uint16_t heads[2];
    uint64_t resp[2];
    vgpu_model_fault_bogus_used_len(h->m, 100000);
    queue_creates(h, 1, 2, heads, resp);
    assert_int_equal(vgpu_model_process(h->m), 2);
    uint32_t id, len;
    assert_int_equal(h_pop_used(h, 0, &id, &len), 1);
    assert_int_equal(id, heads[0]);
    assert_int_equal(len, 100000);
    assert_int_equal(h_pop_used(h, 0, &id, &len), 1);
    assert_int_equal(len, 24);
}

static void test_spurious_irq(void **state)
{
    harness_t *h = *state;
    assert_int_equal(vgpu_model_irq_level(h->m), 0);
    vgpu_model_fault_spurious_irq(h->m);
    assert_int_equal(vgpu_model_irq_level(h->m), 1);
    assert_int_equal(h_read(h, VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_MMIO_INT_VRING);
    assert_int_equal(h_used_idx(h, 0), 0);
    assert_int_equal(h_used_idx(h, 1), 0);
}

/* A fenced GET_DISPLAY_INFO; returns the response header. */
static virtio_gpu_ctrl_hdr_t fenced_display_info(harness_t *h, uint64_t fence)
{
    virtio_gpu_ctrl_hdr_t req = {.type = VIRTIO_GPU_CMD_GET_DISPLAY_INFO, .flags = VIRTIO_GPU_FLAG_FENCE};
    req.fence_id = fence;
    virtio_gpu_resp_display_info_t info;
    assert_int_equal(h_cmd(h, &req, sizeof(req), &info, sizeof(info)), sizeof(info));
    assert_int_equal(info.hdr.type, VIRTIO_GPU_RESP_OK_DISPLAY_INFO);
    return info.hdr;
}

static void test_bogus_fence(void **state)
{
    harness_t *h = *state;
    vgpu_model_fault_bogus_fence(h->m, 0, 5);
    virtio_gpu_ctrl_hdr_t r = fenced_display_info(h, 9);
    assert_int_equal(r.flags, 0); /* FENCE dropped */
    assert_true(r.fence_id == 5);
    vgpu_model_fault_bogus_fence(h->m, VIRTIO_GPU_FLAG_FENCE, 8);
    r = fenced_display_info(h, 9);
    assert_int_equal(r.flags, VIRTIO_GPU_FLAG_FENCE);
    assert_true(r.fence_id == 8);  /* another command's fence */
    r = fenced_display_info(h, 9); /* one-shot */
    assert_int_equal(r.flags, VIRTIO_GPU_FLAG_FENCE);
    assert_true(r.fence_id == 9);
}

static void test_needs_reset(void **state)
{
    harness_t *h = *state;
    uint16_t heads[1];
    uint64_t resp[1];
    vgpu_model_fault_needs_reset(h->m);
    assert_true(vgpu_model_status(h->m) & VIRTIO_STATUS_DEVICE_NEEDS_RESET);
    assert_int_equal(h_read(h, VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_MMIO_INT_CONFIG);
    queue_creates(h, 1, 1, heads, resp);
    assert_int_equal(vgpu_model_process(h->m), 0); /* stopped */
    vgpu_model_stats_t st;
    vgpu_model_stats(h->m, &st);
    assert_int_equal(st.malformed, 0); /* injected, not a malformed chain */
    h_write(h, VIRTIO_MMIO_STATUS, 0);
    assert_int_equal(vgpu_model_status(h->m), 0);
    assert_int_equal(h_init(h, F_ALL) & VIRTIO_STATUS_DRIVER_OK, VIRTIO_STATUS_DRIVER_OK);
    assert_int_equal(h_create_2d(h, 1, XRGB, 4, 4), OK);
}

static void test_used_idx_ahead(void **state)
{
    harness_t *h = *state;
    uint16_t heads[2];
    uint64_t resp[2];
    vgpu_model_fault_used_idx_ahead(h->m, 3);
    queue_creates(h, 1, 2, heads, resp);
    assert_int_equal(vgpu_model_process(h->m), 2);
    assert_int_equal(h_used_idx(h, 0), 2 + 3); /* one-shot: only the first entry jumped */
    uint32_t id, len;
    assert_int_equal(h_pop_used(h, 0, &id, &len), 1);
    assert_int_equal(id, heads[0]);
}

/* A stalled device takes nothing off its queues; the notifications are acted on once it resumes. */
static void test_stall(void **state)
{
    harness_t *h = *state;
    uint16_t heads[2];
    uint64_t resp[2];
    vgpu_model_fault_stall(h->m, 1);
    queue_creates(h, 1, 2, heads, resp);
    vgpu_model_process(h->m);
    assert_int_equal(vgpu_model_resource_count(h->m), 0);
    assert_int_equal(h_used_idx(h, 0), 0);
    assert_int_equal(vgpu_model_notified(h->m), 0); /* kept aside: a poller does not spin */
    vgpu_model_fault_stall(h->m, 0);
    assert_int_not_equal(vgpu_model_notified(h->m), 0);
    vgpu_model_process(h->m);
    assert_int_equal(vgpu_model_resource_count(h->m), 2);
    assert_int_equal(h_used_idx(h, 0), 2);
    assert_int_equal(resp_type(h, resp[1]), OK);
}

static void test_config_event(void **state)
{
    harness_t *h = *state;
    uint32_t events = VIRTIO_MMIO_CONFIG + offsetof(virtio_gpu_config_t, events_read);
    uint32_t clear = VIRTIO_MMIO_CONFIG + offsetof(virtio_gpu_config_t, events_clear);
    vgpu_model_fault_config_event(h->m, 0x6u);
    assert_int_equal(h_read(h, events), 0x6u);
    assert_int_equal(h_read(h, VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_MMIO_INT_CONFIG);
    h_write(h, clear, 0x2u);
    assert_int_equal(h_read(h, events), 0x4u); /* only the written bits clear */
    h_write(h, clear, 0x4u);
    assert_int_equal(h_read(h, events), 0);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int devmodel_fault_tests(void)
{
    const struct CMUnitTest tests[] = {
            T(test_error_nth),        T(test_error_nth_keeps_fence),
            T(test_error_by_command), T(test_error_on_cursor_command),
            T(test_hold_and_release), T(test_reset_drops_held),
            T(test_reorder),          T(test_hold_then_reordered_release),
            T(test_bogus_used_id),    T(test_bogus_used_len),
            T(test_spurious_irq),     T(test_bogus_fence),
            T(test_needs_reset),      T(test_used_idx_ahead),
            T(test_config_event),     T(test_stall),
    };
    return cmocka_run_group_tests_name("devmodel_faults", tests, NULL, NULL);
}
