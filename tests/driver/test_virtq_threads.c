/*
 * The driver's split virtqueue (virtq.c) against a device on another thread,
 * under ThreadSanitizer (check driver-virtq-tsan).
 *
 * The device thread does what a device does and no more: it loads
 * avail->idx with acquire, then reads the avail ring, the descriptors and
 * the command buffers with plain loads; it writes the response buffer and
 * the used element with plain stores, then stores used->idx with release.
 * The test thread is the driver: it writes each command (plain stores),
 * then virtq_add() and virtq_publish(), and takes completions with
 * virtq_get_used() before reading the response (plain loads), reusing
 * descriptors and buffers all the time.
 *
 * So every plain access on one side is ordered after the other side's
 * plain accesses only by virtq.c's barriers: V1 (release store of
 * avail->idx) for the command and descriptors, V3 (acquire load of
 * used->idx) for the response and the reuse of descriptors. Weaken either to
 * a relaxed access and TSan reports a data race here (checked by doing so).
 * Each response also carries its command's sequence number, checked by the
 * driver, so a reordering that TSan missed would still fail.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <sched.h>
#include <cmocka.h>

#include "virtq.h"

#define QSIZE    16u
#define SLOTS    (QSIZE / 2u) /* two descriptors per command */
#define COMMANDS 20000u

typedef struct slot_mem {
    uint32_t cmd[4];  /* sequence number, then filler */
    uint32_t resp[4]; /* the device writes the sequence number back */
} slot_mem_t;

typedef struct rig {
    virtq_t q;
    void *ring_mem;
    slot_mem_t slots[SLOTS];
    uint32_t free_slots[SLOTS];
    uint32_t num_free;
    uint32_t expect[SLOTS]; /* the sequence number in flight per slot */
    uint32_t device_errors; /* written by the device thread only */
} rig_t;

/* IO addresses are host addresses here: the "device" shares the address space. */
static uint64_t io_of(const void *p)
{
    return (uint64_t)(uintptr_t)p;
}

static void *ptr_of(uint64_t io)
{
    return (void *)(uintptr_t)io;
}

/* One chain: read the command (device-readable descriptor), answer into the writable one. */
static uint32_t device_serve(rig_t *r, uint16_t head)
{
    const virtq_desc_t *d = &r->q.desc_shared[head % QSIZE];
    const uint32_t *cmd = ptr_of(d->addr);
    const virtq_desc_t *w = &r->q.desc_shared[d->next % QSIZE];
    uint32_t *resp = ptr_of(w->addr);
    if ((d->flags & VIRTQ_DESC_F_NEXT) == 0 || (w->flags & VIRTQ_DESC_F_WRITE) == 0) {
        r->device_errors++;
        return 0;
    }
    resp[0] = cmd[0];
    resp[1] = cmd[1] ^ 0xffffffffu;
    return 2 * sizeof(uint32_t);
}

static void *device_thread(void *arg)
{
    rig_t *r = arg;
    uint16_t seen = 0;
    uint32_t served = 0;
    while (served < COMMANDS) {
        /* Pairs with V1, virtq_publish()'s release store. */
        uint16_t avail = __atomic_load_n(&r->q.avail_shared->idx, __ATOMIC_ACQUIRE);
        for (; seen != avail; seen++, served++) {
            uint16_t head = r->q.avail_shared->ring[seen % QSIZE];
            uint32_t len = device_serve(r, head);
            virtq_used_elem_t e = {.id = head, .len = len};
            r->q.used_shared->ring[seen % QSIZE] = e;
            /* Pairs with V3, virtq_get_used()'s acquire load. */
            __atomic_store_n(&r->q.used_shared->idx, (uint16_t)(seen + 1), __ATOMIC_RELEASE);
        }
        if (seen == avail) {
            sched_yield();
        }
    }
    return NULL;
}

/* Takes every completion there is, checking each response. Returns how many. */
static uint32_t driver_reap(rig_t *r)
{
    uint32_t n = 0;
    virtq_completion_t c;
    virtq_used_result_t res;
    while ((res = virtq_get_used(&r->q, &c)) == VIRTQ_USED_OK) {
        const slot_mem_t *s = &r->slots[c.token];
        assert_int_equal(c.len, 2 * sizeof(uint32_t));
        assert_int_equal(s->resp[0], r->expect[c.token]);
        assert_int_equal(s->resp[1], s->cmd[1] ^ 0xffffffffu);
        r->free_slots[r->num_free++] = c.token;
        n++;
    }
    assert_int_equal(res, VIRTQ_USED_NONE);
    return n;
}

static void driver_submit(rig_t *r, uint32_t seq)
{
    uint32_t slot = r->free_slots[--r->num_free];
    slot_mem_t *s = &r->slots[slot];
    s->cmd[0] = seq;
    s->cmd[1] = seq * 2654435761u;
    s->resp[0] = 0;
    s->resp[1] = 0;
    r->expect[slot] = seq;
    virtq_buf_t bufs[2] = {
            {.io_addr = io_of(s->cmd), .len = sizeof(s->cmd), .device_writes = 0},
            {.io_addr = io_of(s->resp), .len = sizeof(s->resp), .device_writes = 1},
    };
    assert_true(virtq_add(&r->q, bufs, 2, slot));
}

static void test_device_thread(void **state)
{
    (void)state;
    rig_t *r = calloc(1, sizeof(*r));
    assert_non_null(r);
    r->ring_mem = aligned_alloc(4096, 4096 * 4);
    assert_non_null(r->ring_mem);
    memset(r->ring_mem, 0, 4096 * 4);
    assert_true(virtq_mem_bytes(QSIZE) <= 4096 * 4);
    assert_true(virtq_init(&r->q, QSIZE, r->ring_mem, io_of(r->ring_mem)));
    for (uint32_t i = 0; i < SLOTS; i++) {
        r->free_slots[r->num_free++] = i;
    }
    pthread_t dev;
    assert_int_equal(pthread_create(&dev, NULL, device_thread, r), 0);
    uint32_t done = 0;
    for (uint32_t seq = 1; seq <= COMMANDS;) {
        while (r->num_free > 0 && seq <= COMMANDS) {
            driver_submit(r, seq++);
        }
        (void)virtq_publish(&r->q);
        done += driver_reap(r);
    }
    while (done < COMMANDS) {
        done += driver_reap(r);
        sched_yield();
    }
    assert_int_equal(pthread_join(dev, NULL), 0);
    assert_int_equal(r->device_errors, 0);
    assert_int_equal(virtq_in_flight(&r->q), 0);
    free(r->ring_mem);
    free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_device_thread),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
