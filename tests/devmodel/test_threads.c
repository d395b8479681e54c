/*
 * The model driven by a device thread while the test thread acts as the
 * driver: registers, rings and responses cross threads only through the
 * model's lock and the rings' acquire/release indices. Built with TSan as
 * check devmodel-tsan.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "harness.h"

#define F_BASE     VIRTIO_FEATURE_BIT(VIRTIO_F_VERSION_1)
#define N_COMMANDS 3000u
#define IN_FLIGHT  16u /* chains of 2 descriptors in a queue of H_QNUM */

typedef struct device_thread {
    vgpu_model_t *m;
    int stop;
    unsigned irqs;
} device_thread_t;

static void *device_main(void *arg)
{
    device_thread_t *d = arg;
    while (!__atomic_load_n(&d->stop, __ATOMIC_ACQUIRE)) {
        if (vgpu_model_process(d->m) == 0) {
            sched_yield();
        }
    }
    return NULL;
}

static void irq_count(void *ctx)
{
    device_thread_t *d = ctx;
    __atomic_fetch_add(&d->irqs, 1, __ATOMIC_RELAXED);
}

/* Request and response slots, one pair per chain in flight. */
typedef struct slots {
    uint64_t rq[IN_FLIGHT], rs[IN_FLIGHT];
    uint16_t head[IN_FLIGHT];
} slots_t;

static void submit(harness_t *h, slots_t *s, uint32_t i)
{
    uint32_t k = i % IN_FLIGHT;
    virtio_gpu_resource_create_2d_t c = {.hdr.type = VIRTIO_GPU_CMD_RESOURCE_CREATE_2D};
    c.hdr.type = (i % 2 == 0) ? VIRTIO_GPU_CMD_RESOURCE_CREATE_2D : VIRTIO_GPU_CMD_RESOURCE_UNREF;
    c.resource_id = 1 + (i / 2) % 8;
    c.format = VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM;
    c.width = c.height = 4;
    memcpy(h_ptr(h, s->rq[k]), &c, sizeof(c));
    memset(h_ptr(h, s->rs[k]), 0, 24);
    h_buf_t bufs[2] = {{s->rq[k], sizeof(c), 0}, {s->rs[k], 24, 1}};
    s->head[k] = h_submit(h, 0, bufs, 2);
    h_notify(h, 0);
}

static void complete(harness_t *h, slots_t *s, uint32_t i)
{
    uint32_t id, len;
    while (!h_pop_used(h, 0, &id, &len)) {
        sched_yield();
    }
    uint32_t k = i % IN_FLIGHT;
    assert_int_equal(id, s->head[k]);
    assert_int_equal(len, 24);
    virtio_gpu_ctrl_hdr_t resp;
    memcpy(&resp, h_ptr(h, s->rs[k]), sizeof(resp));
    assert_int_equal(resp.type, VIRTIO_GPU_RESP_OK_NODATA);
}

static void test_driver_and_device_threads(void **state)
{
    (void)state;
    device_thread_t d = {0};
    vgpu_model_config_t cfg;
    h_config(&cfg);
    cfg.irq_notify = irq_count;
    cfg.irq_ctx = &d;
    harness_t *h = h_create(&cfg);
    d.m = h->m;
    assert_int_equal(h_init(h, F_BASE) & VIRTIO_STATUS_DRIVER_OK, VIRTIO_STATUS_DRIVER_OK);
    slots_t s;
    for (uint32_t k = 0; k < IN_FLIGHT; k++) {
        s.rq[k] = h_alloc(h, 64, 8);
        s.rs[k] = h_alloc(h, 64, 8);
    }
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, device_main, &d), 0);
    for (uint32_t i = 0; i < N_COMMANDS; i++) {
        if (i >= IN_FLIGHT) {
            complete(h, &s, i - IN_FLIGHT);
        }
        submit(h, &s, i);
    }
    for (uint32_t i = N_COMMANDS - IN_FLIGHT; i < N_COMMANDS; i++) {
        complete(h, &s, i);
    }
    __atomic_store_n(&d.stop, 1, __ATOMIC_RELEASE);
    pthread_join(t, NULL);
    assert_int_equal(vgpu_model_resource_count(h->m), 0);
    assert_true(__atomic_load_n(&d.irqs, __ATOMIC_RELAXED) > 0);
    h_destroy(h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_driver_and_device_threads),
    };
    return cmocka_run_group_tests_name("devmodel_threads", tests, NULL, NULL);
}
