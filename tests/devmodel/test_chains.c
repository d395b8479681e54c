/*
 * Descriptor chains: malformed chains and rings are device errors
 * (DEVICE_NEEDS_RESET plus a configuration interrupt, nothing published,
 * the device stops until reset); unusual but valid chains work.
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

typedef struct chain_ctx {
    harness_t *h;
    uint64_t rq, rs;
} chain_ctx_t;

static void set_desc(harness_t *h, uint32_t idx, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next)
{
    virtq_desc_t *d = h_desc(h, 0, idx);
    d->addr = addr;
    d->len = len;
    d->flags = flags;
    d->next = next;
}

static chain_ctx_t ctx_new(void)
{
    chain_ctx_t c = {.h = h_create_default()};
    assert_int_equal(h_init(c.h, F_ALL) & VIRTIO_STATUS_DRIVER_OK, VIRTIO_STATUS_DRIVER_OK);
    virtio_gpu_resource_create_2d_t req = {.hdr.type = VIRTIO_GPU_CMD_RESOURCE_CREATE_2D};
    req.resource_id = 1;
    req.format = XRGB;
    req.width = req.height = 16;
    c.rq = h_alloc(c.h, sizeof(req), 8);
    c.rs = h_alloc(c.h, 64, 8);
    memcpy(h_ptr(c.h, c.rq), &req, sizeof(req));
    return c;
}

typedef void (*malform_fn)(chain_ctx_t *c);

static void m_head_out_of_range(chain_ctx_t *c)
{
    h_publish_head(c->h, 0, H_QNUM);
}

static void m_next_out_of_range(chain_ctx_t *c)
{
    set_desc(c->h, 0, c->rq, 40, VIRTQ_DESC_F_NEXT, 200);
    h_publish_head(c->h, 0, 0);
}

static void m_loop(chain_ctx_t *c)
{
    set_desc(c->h, 0, c->rq, 40, VIRTQ_DESC_F_NEXT, 1);
    set_desc(c->h, 1, c->rs, 24, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 2);
    set_desc(c->h, 2, c->rs, 24, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 1);
    h_publish_head(c->h, 0, 0);
}

static void m_self_loop(chain_ctx_t *c)
{
    set_desc(c->h, 5, c->rq, 40, VIRTQ_DESC_F_NEXT, 5);
    h_publish_head(c->h, 0, 5);
}

static void m_read_after_write(chain_ctx_t *c)
{
    set_desc(c->h, 0, c->rs, 24, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 1);
    set_desc(c->h, 1, c->rq, 40, 0, 0);
    h_publish_head(c->h, 0, 0);
}

static void m_indirect(chain_ctx_t *c)
{
    set_desc(c->h, 0, c->rq, 16, VIRTQ_DESC_F_INDIRECT, 0);
    h_publish_head(c->h, 0, 0);
}

static void m_unexposed_buffer(chain_ctx_t *c)
{
    set_desc(c->h, 0, c->rq, 40, VIRTQ_DESC_F_NEXT, 1);
    set_desc(c->h, 1, 0x1000, 24, VIRTQ_DESC_F_WRITE, 0);
    h_publish_head(c->h, 0, 0);
}

static void m_wrapping_buffer(chain_ctx_t *c)
{
    set_desc(c->h, 0, UINT64_MAX - 10, 100, 0, 0);
    h_publish_head(c->h, 0, 0);
}

static void m_avail_idx_jump(chain_ctx_t *c)
{
    virtq_avail_t *avail = h_ptr(c->h, c->h->q[0].avail);
    avail->idx = H_QNUM + 1;
}

static const malform_fn malformed[] = {
        m_head_out_of_range, m_next_out_of_range, m_loop,           m_self_loop, m_read_after_write, m_indirect,
        m_unexposed_buffer,  m_wrapping_buffer,   m_avail_idx_jump,
};

static void expect_device_error(harness_t *h)
{
    uint32_t st = h_read(h, VIRTIO_MMIO_STATUS);
    assert_int_equal(st & VIRTIO_STATUS_DEVICE_NEEDS_RESET, VIRTIO_STATUS_DEVICE_NEEDS_RESET);
    assert_int_equal(h_read(h, VIRTIO_MMIO_INTERRUPT_STATUS) & VIRTIO_MMIO_INT_CONFIG, VIRTIO_MMIO_INT_CONFIG);
    assert_int_equal(h_used_idx(h, 0), 0);
    assert_string_not_equal(vgpu_model_last_error(h->m), "");
    vgpu_model_stats_t stats;
    vgpu_model_stats(h->m, &stats);
    assert_int_equal(stats.malformed, 1);
}

static void test_malformed_chains_are_device_errors(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(malformed) / sizeof(malformed[0]); i++) {
        chain_ctx_t c = ctx_new();
        malformed[i](&c);
        h_notify(c.h, 0);
        assert_int_equal(vgpu_model_process(c.h->m), 0);
        expect_device_error(c.h);
        assert_false(vgpu_model_resource_exists(c.h->m, 1));
        h_destroy(c.h);
    }
}

static void test_device_stays_stopped_until_reset(void **state)
{
    (void)state;
    chain_ctx_t c = ctx_new();
    m_loop(&c);
    h_notify(c.h, 0);
    vgpu_model_process(c.h->m);
    expect_device_error(c.h);
    /* The driver cannot clear DEVICE_NEEDS_RESET by writing status. */
    h_write(c.h, VIRTIO_MMIO_STATUS,
            VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK);
    assert_true(h_read(c.h, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_DEVICE_NEEDS_RESET);
    h_buf_t bufs[2] = {{c.rq, 40, 0}, {c.rs, 64, 1}};
    c.h->q[0].next_desc = 10;
    h_submit(c.h, 0, bufs, 2);
    h_notify(c.h, 0);
    assert_int_equal(vgpu_model_process(c.h->m), 0);
    /* Reset and re-initialise: works again. */
    assert_int_equal(h_init(c.h, F_ALL) & VIRTIO_STATUS_DEVICE_NEEDS_RESET, 0);
    assert_int_equal(h_create_2d(c.h, 1, XRGB, 16, 16), OK);
    h_destroy(c.h);
}

static void test_no_writable_buffer(void **state)
{
    (void)state;
    chain_ctx_t c = ctx_new();
    h_buf_t buf = {c.rq, 40, 0};
    uint16_t head = h_submit(c.h, 0, &buf, 1);
    h_notify(c.h, 0);
    assert_int_equal(vgpu_model_process(c.h->m), 1);
    uint32_t id, len;
    assert_int_equal(h_pop_used(c.h, 0, &id, &len), 1);
    assert_int_equal(id, head);
    assert_int_equal(len, 0);
    assert_true(vgpu_model_resource_exists(c.h->m, 1)); /* the command still ran */
    h_destroy(c.h);
}

static void test_split_request_and_response(void **state)
{
    (void)state;
    chain_ctx_t c = ctx_new();
    uint64_t r2 = h_alloc(c.h, 64, 8);
    h_buf_t bufs[5] = {{c.rq, 7, 0}, {c.rq + 7, 0, 0}, {c.rq + 7, 33, 0}, {c.rs, 10, 1}, {r2, 14, 1}};
    memset(h_ptr(c.h, c.rs), 0xee, 64);
    h_submit(c.h, 0, bufs, 5);
    h_notify(c.h, 0);
    assert_int_equal(vgpu_model_process(c.h->m), 1);
    uint32_t id, len;
    assert_int_equal(h_pop_used(c.h, 0, &id, &len), 1);
    assert_int_equal(len, 24);
    uint8_t resp[24];
    memcpy(resp, h_ptr(c.h, c.rs), 10);
    memcpy(resp + 10, h_ptr(c.h, r2), 14);
    virtio_gpu_ctrl_hdr_t hdr;
    memcpy(&hdr, resp, sizeof(hdr));
    assert_int_equal(hdr.type, OK);
    assert_int_equal(((uint8_t *)h_ptr(c.h, c.rs))[10], 0xee); /* nothing past the descriptor */
    h_destroy(c.h);
}

static void test_chain_as_long_as_the_queue(void **state)
{
    (void)state;
    chain_ctx_t c = ctx_new();
    h_buf_t bufs[H_QNUM];
    for (uint32_t i = 0; i < H_QNUM - 1; i++) {
        bufs[i] = (h_buf_t){c.rq + (i < 40 ? i : 40), i < 40 ? 1u : 0u, 0};
    }
    bufs[H_QNUM - 1] = (h_buf_t){c.rs, 24, 1};
    h_submit(c.h, 0, bufs, H_QNUM);
    h_notify(c.h, 0);
    assert_int_equal(vgpu_model_process(c.h->m), 1);
    assert_true(vgpu_model_resource_exists(c.h->m, 1));
    h_destroy(c.h);
}

static void test_batch_in_order(void **state)
{
    (void)state;
    harness_t *h = h_create_default();
    assert_int_equal(h_init(h, F_ALL) & VIRTIO_STATUS_DRIVER_OK, VIRTIO_STATUS_DRIVER_OK);
    uint16_t heads[4];
    for (uint32_t i = 0; i < 4; i++) {
        virtio_gpu_resource_create_2d_t req = {.hdr.type = VIRTIO_GPU_CMD_RESOURCE_CREATE_2D};
        req.resource_id = i == 3 ? 1 : i + 1; /* the fourth repeats id 1 */
        req.format = XRGB;
        req.width = req.height = 4;
        uint64_t rq = h_alloc(h, sizeof(req), 8), rs = h_alloc(h, 24, 8);
        memcpy(h_ptr(h, rq), &req, sizeof(req));
        h_buf_t bufs[2] = {{rq, sizeof(req), 0}, {rs, 24, 1}};
        heads[i] = h_submit(h, 0, bufs, 2);
    }
    h_notify(h, 0);
    assert_int_equal(vgpu_model_process(h->m), 4);
    for (uint32_t i = 0; i < 4; i++) {
        uint32_t id, len;
        assert_int_equal(h_pop_used(h, 0, &id, &len), 1);
        assert_int_equal(id, heads[i]);
    }
    assert_int_equal(vgpu_model_resource_count(h->m), 3);
    h_destroy(h);
}

static void test_ring_wraps(void **state)
{
    (void)state;
    harness_t *h = h_create_default();
    assert_int_equal(h_init(h, F_ALL) & VIRTIO_STATUS_DRIVER_OK, VIRTIO_STATUS_DRIVER_OK);
    /* 3 * H_QNUM commands: the avail and used rings wrap several times. */
    for (uint32_t i = 0; i < 3 * H_QNUM; i++) {
        assert_int_equal(h_create_2d(h, i + 1, XRGB, 1, 1), OK);
    }
    assert_int_equal(h_used_idx(h, 0), 3 * H_QNUM);
    h_destroy(h);
}

/* Ring memory that stops being exposed after QueueReady is a device error too. */
static void test_rings_hidden_after_ready(void **state)
{
    (void)state;
    for (int part = 0; part < 3; part++) {
        chain_ctx_t c = ctx_new();
        h_buf_t bufs[2] = {{c.rq, 40, 0}, {c.rs, 64, 1}};
        h_submit(c.h, 0, bufs, 2);
        const h_queue_t *q = &c.h->q[0];
        uint64_t at = part == 0 ? q->desc : (part == 1 ? q->avail : q->used);
        c.h->hole_lo = at;
        c.h->hole_hi = at + 1;
        h_notify(c.h, 0);
        assert_int_equal(vgpu_model_process(c.h->m), 0);
        assert_true(vgpu_model_status(c.h->m) & VIRTIO_STATUS_DEVICE_NEEDS_RESET);
        c.h->hole_lo = c.h->hole_hi = 0;
        assert_int_equal(h_used_idx(c.h, 0), 0);
        h_destroy(c.h);
    }
}

int devmodel_chain_tests(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_malformed_chains_are_device_errors),
            cmocka_unit_test(test_device_stays_stopped_until_reset),
            cmocka_unit_test(test_no_writable_buffer),
            cmocka_unit_test(test_split_request_and_response),
            cmocka_unit_test(test_chain_as_long_as_the_queue),
            cmocka_unit_test(test_batch_in_order),
            cmocka_unit_test(test_ring_wraps),
            cmocka_unit_test(test_rings_hidden_after_ready),
    };
    return cmocka_run_group_tests_name("devmodel_chains", tests, NULL, NULL);
}
