/*
 * The split virtqueue on its own, with the test playing the device: index
 * wrap-around at 2^16, chains freed once, every kind of bogus used entry,
 * chains orphaned by a bogus entry, and a used index bounded by the chains
 * published and not yet returned.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "virtq.h"

#define QSIZE 8u
#define IO    0x1000ull

static _Alignas(16) uint8_t mem[4096];
static virtq_t q;

static int setup(void **state)
{
    (void)state;
    memset(mem, 0, sizeof(mem));
    return virtq_init(&q, QSIZE, mem, IO) ? 0 : -1;
}

/* Device side: publish a used entry. */
static void device_use(uint32_t id, uint32_t len)
{
    virtq_used_t *u = q.used_shared;
    u->ring[u->idx % QSIZE] = (virtq_used_elem_t){.id = id, .len = len};
    __atomic_store_n(&u->idx, (uint16_t)(u->idx + 1), __ATOMIC_RELEASE);
}

/* Device side: the head at avail position `pos`. */
static uint16_t avail_head(uint16_t pos)
{
    return q.avail_shared->ring[pos % QSIZE];
}

static bool add_pair(uint32_t token)
{
    virtq_buf_t bufs[2] = {{.io_addr = 0x9000, .len = 24}, {.io_addr = 0xa000, .len = 512, .device_writes = 1}};
    return virtq_add(&q, bufs, 2, token);
}

static void test_layout(void **state)
{
    (void)state;
    assert_int_equal(q.desc_io, IO);
    assert_int_equal(q.avail_io, IO + 16 * QSIZE);
    assert_int_equal(q.used_io % 4, 0);
    assert_true(q.used_io >= q.avail_io + 4 + 2 * QSIZE + 2);
    assert_true(virtq_mem_bytes(QSIZE) >= (q.used_io - IO) + 4 + 8 * QSIZE + 2);
    virtq_t bad;
    assert_false(virtq_init(&bad, 6, mem, IO));         /* not a power of two */
    assert_false(virtq_init(&bad, 512, mem, IO));       /* above the driver's maximum */
    assert_false(virtq_init(&bad, QSIZE, mem, IO + 8)); /* misaligned */
}

static void test_chain_shape(void **state)
{
    (void)state;
    assert_true(add_pair(7));
    assert_true(virtq_publish(&q));
    assert_int_equal(q.avail_shared->idx, 1);
    uint16_t head = avail_head(0);
    virtq_desc_t *d = &q.desc_shared[head];
    assert_int_equal(d->flags, VIRTQ_DESC_F_NEXT);
    assert_int_equal(d->len, 24);
    virtq_desc_t *r = &q.desc_shared[d->next];
    assert_int_equal(r->flags, VIRTQ_DESC_F_WRITE);
    assert_int_equal(r->len, 512);
    assert_false(virtq_publish(&q)); /* nothing new: no notify */
}

static void test_exhaustion_and_reuse(void **state)
{
    (void)state;
    for (uint32_t i = 0; i < QSIZE / 2; i++) {
        assert_true(add_pair(i));
    }
    assert_false(add_pair(99));
    assert_int_equal(virtq_num_free(&q), 0);
    virtq_publish(&q);
    device_use(avail_head(2), 24);
    virtq_completion_t c;
    assert_int_equal(virtq_get_used(&q, &c), VIRTQ_USED_OK);
    assert_int_equal(c.token, 2);
    assert_int_equal(c.writable_len, 512);
    assert_int_equal(virtq_num_free(&q), 2);
    assert_true(add_pair(100));
    assert_int_equal(virtq_get_used(&q, &c), VIRTQ_USED_NONE);
}

/* Free-running 16-bit indices across 2^16: start both rings just below the wrap. */
static void test_index_wrap(void **state)
{
    (void)state;
    q.avail_idx = q.published = q.last_used = 65530;
    q.avail_shared->idx = 65530;
    q.used_shared->idx = 65530;
    uint16_t pos = 65530;
    for (uint32_t i = 0; i < 40; i++) {
        assert_true(add_pair(i));
        virtq_publish(&q);
        device_use(avail_head(pos++), 24);
        virtq_completion_t c;
        assert_int_equal(virtq_get_used(&q, &c), VIRTQ_USED_OK);
        assert_int_equal(c.token, i);
    }
    assert_int_equal(q.avail_shared->idx, (uint16_t)(65530 + 40));
    assert_int_equal(virtq_num_free(&q), QSIZE);
}

/* Each kind of bogus used id is skipped; the four elements are the device's one per chain, so three are orphaned. */
static void test_bogus_entries(void **state)
{
    (void)state;
    for (uint32_t t = 1; t <= 4; t++) {
        assert_true(add_pair(t));
    }
    virtq_publish(&q);
    uint16_t a = avail_head(0);
    virtq_completion_t c;
    device_use(QSIZE, 24); /* out of range */
    assert_int_equal(virtq_get_used(&q, &c), VIRTQ_USED_BOGUS_ID);
    assert_int_equal(c.bad_id, QSIZE);
    device_use(0xffffffffu, 24);
    assert_int_equal(virtq_get_used(&q, &c), VIRTQ_USED_BOGUS_ID);
    device_use(q.desc_shared[a].next, 24); /* a response descriptor, not a head */
    assert_int_equal(virtq_get_used(&q, &c), VIRTQ_USED_BOGUS_ID);
    device_use(a, 24);
    assert_int_equal(virtq_get_used(&q, &c), VIRTQ_USED_OK);
    assert_int_equal(c.token, 1);
    assert_int_equal(virtq_in_flight(&q), 3);
    uint32_t t;
    uint32_t orphans = 0;
    while (virtq_take_orphan(&q, &t)) {
        orphans++;
    }
    assert_int_equal(orphans, 3);
    assert_int_equal(virtq_num_free(&q), QSIZE);
}

/* The same head twice, in place of another chain's element: not freed twice; the other chain is orphaned. */
static void test_duplicate_element(void **state)
{
    (void)state;
    assert_true(add_pair(1));
    assert_true(add_pair(2));
    virtq_publish(&q);
    uint16_t a = avail_head(0);
    virtq_completion_t c;
    device_use(a, 24);
    assert_int_equal(virtq_get_used(&q, &c), VIRTQ_USED_OK);
    device_use(a, 24);
    assert_int_equal(virtq_get_used(&q, &c), VIRTQ_USED_BOGUS_ID);
    assert_int_equal(virtq_num_free(&q), QSIZE - 2);
    uint32_t t;
    assert_true(virtq_take_orphan(&q, &t));
    assert_int_equal(t, 2);
    assert_int_equal(virtq_num_free(&q), QSIZE);
}

/* Sets used->idx (the device's store) `ahead` elements past the driver's last_used. */
static void device_set_used_idx(uint16_t ahead)
{
    __atomic_store_n(&q.used_shared->idx, (uint16_t)(q.last_used + ahead), __ATOMIC_RELEASE);
}

/*
 * used->idx may move by at most the chains published and not yet returned:
 * exactly that many is fine, one more is a broken ring, whether the device
 * has returned some already or none, and chains added but not published do
 * not count. Nothing is taken from a broken ring.
 */
static void test_used_idx_bounded_by_published(void **state)
{
    (void)state;
    for (uint32_t t = 1; t <= 3; t++) {
        assert_true(add_pair(t));
    }
    virtq_publish(&q);
    assert_true(add_pair(4)); /* not published */
    virtq_completion_t c;
    device_set_used_idx(4);
    assert_int_equal(virtq_get_used(&q, &c), VIRTQ_USED_IDX_BROKEN);
    assert_int_equal(q.last_used, 0);
    device_set_used_idx(0); /* the device takes it back */
    device_use(avail_head(0), 24);
    assert_int_equal(virtq_get_used(&q, &c), VIRTQ_USED_OK);
    device_set_used_idx(3);
    assert_int_equal(virtq_get_used(&q, &c), VIRTQ_USED_IDX_BROKEN); /* two owed, three claimed */
    assert_int_equal(virtq_get_used(&q, &c), VIRTQ_USED_IDX_BROKEN); /* and again: nothing was taken */
    assert_int_equal(q.last_used, 1);
    device_set_used_idx(2);
    assert_int_equal(virtq_get_used(&q, &c), VIRTQ_USED_BOGUS_ID); /* ring slots never written: id 0 is free */
    assert_int_equal(virtq_get_used(&q, &c), VIRTQ_USED_BOGUS_ID);
    assert_int_equal(q.last_used, q.published);
    device_set_used_idx(1); /* nothing owed at all */
    assert_int_equal(virtq_get_used(&q, &c), VIRTQ_USED_IDX_BROKEN);
}

/*
 * The issue 12 sequence: used->idx runs one element ahead of the chains made
 * available; a later element with a bogus id would then look like the one
 * element owed for a chain in flight and leave that chain unanswered for
 * ever. The ring is refused as soon as it runs ahead, across the 16-bit wrap.
 */
static void test_used_idx_ahead_then_bogus(void **state)
{
    (void)state;
    q.avail_idx = q.published = q.last_used = 65535;
    q.avail_shared->idx = 65535;
    q.used_shared->idx = 65535;
    assert_true(add_pair(1));
    assert_true(add_pair(2));
    virtq_publish(&q);
    device_use(avail_head(65535), 24);
    device_use(avail_head(0), 24);
    device_use(5000, 24); /* a third element for two chains */
    virtq_completion_t c;
    assert_int_equal(virtq_get_used(&q, &c), VIRTQ_USED_IDX_BROKEN);
    assert_int_equal(q.last_used, 65535);
}

/* Drains virtq_take_orphan(), storing the tokens. Returns how many chains it reclaimed. */
static uint32_t take_orphans(uint32_t *tokens, uint32_t max)
{
    uint32_t n = 0;
    uint32_t t;
    while (virtq_take_orphan(&q, &t)) {
        assert_true(n < max);
        tokens[n++] = t;
    }
    return n;
}

/*
 * Chains whose used element was spent on a bogus id are reclaimed only once
 * the device has returned one element per published chain; a late element
 * naming a reclaimed head is then one element too many: a broken ring.
 */
static void test_orphans(void **state)
{
    (void)state;
    uint32_t tokens[QSIZE];
    assert_int_equal(take_orphans(tokens, QSIZE), 0); /* nothing in flight */
    for (uint32_t t = 1; t <= 3; t++) {
        assert_true(add_pair(t));
    }
    assert_int_equal(take_orphans(tokens, QSIZE), 0); /* added, not published: not orphans */
    virtq_publish(&q);
    uint16_t a = avail_head(0);
    virtq_completion_t c;
    device_use(QSIZE, 24);
    assert_int_equal(virtq_get_used(&q, &c), VIRTQ_USED_BOGUS_ID);
    device_use(avail_head(1), 24);
    assert_int_equal(virtq_get_used(&q, &c), VIRTQ_USED_OK);
    assert_int_equal(take_orphans(tokens, QSIZE), 0); /* one element still owed (held completion) */
    device_use(0xffffffffu, 24);
    assert_int_equal(virtq_get_used(&q, &c), VIRTQ_USED_BOGUS_ID);
    assert_int_equal(take_orphans(tokens, QSIZE), 2); /* three elements for three chains */
    assert_int_equal(tokens[0] + tokens[1], 1 + 3);
    assert_int_equal(virtq_num_free(&q), QSIZE);
    assert_int_equal(virtq_in_flight(&q), 0);
    device_use(a, 24); /* a late fourth element for three chains: a broken ring, nothing freed */
    assert_int_equal(virtq_get_used(&q, &c), VIRTQ_USED_IDX_BROKEN);
    assert_int_equal(virtq_num_free(&q), QSIZE);
    assert_int_equal(take_orphans(tokens, QSIZE), 0);
}

/* The orphan rule across the 16-bit wrap of both indices. */
static void test_orphans_wrap(void **state)
{
    (void)state;
    q.avail_idx = q.published = q.last_used = 65534;
    q.avail_shared->idx = 65534;
    q.used_shared->idx = 65534;
    for (uint32_t t = 1; t <= 4; t++) {
        assert_true(add_pair(t));
    }
    virtq_publish(&q);
    virtq_completion_t c;
    uint32_t tokens[QSIZE];
    for (uint32_t i = 0; i < 3; i++) {
        device_use(5000, 24);
        assert_int_equal(virtq_get_used(&q, &c), VIRTQ_USED_BOGUS_ID);
        assert_int_equal(take_orphans(tokens, QSIZE), 0);
    }
    device_use(avail_head((uint16_t)(65534u + 2u)), 24); /* position 0 after the wrap */
    assert_int_equal(virtq_get_used(&q, &c), VIRTQ_USED_OK);
    assert_int_equal(c.token, 3);
    assert_int_equal(q.last_used, 2);
    assert_int_equal(take_orphans(tokens, QSIZE), 3);
    assert_int_equal(virtq_num_free(&q), QSIZE);
}

/* A device that scribbles on the descriptor table cannot corrupt the free list. */
static void test_table_scribble(void **state)
{
    (void)state;
    assert_true(add_pair(1));
    virtq_publish(&q);
    uint16_t a = avail_head(0);
    memset(q.desc_shared, 0xff, 16 * QSIZE);
    device_use(a, 24);
    virtq_completion_t c;
    assert_int_equal(virtq_get_used(&q, &c), VIRTQ_USED_OK);
    assert_int_equal(virtq_num_free(&q), QSIZE);
    for (uint32_t i = 0; i < QSIZE / 2; i++) {
        assert_true(add_pair(i));
    }
    assert_int_equal(virtq_num_free(&q), 0);
}

static void test_no_notify_flag(void **state)
{
    (void)state;
    q.used_shared->flags = VIRTQ_USED_F_NO_NOTIFY;
    assert_true(add_pair(1));
    assert_false(virtq_publish(&q));
    assert_int_equal(q.avail_shared->idx, 1); /* published all the same */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test_setup(test_layout, setup),
            cmocka_unit_test_setup(test_chain_shape, setup),
            cmocka_unit_test_setup(test_exhaustion_and_reuse, setup),
            cmocka_unit_test_setup(test_index_wrap, setup),
            cmocka_unit_test_setup(test_bogus_entries, setup),
            cmocka_unit_test_setup(test_duplicate_element, setup),
            cmocka_unit_test_setup(test_used_idx_bounded_by_published, setup),
            cmocka_unit_test_setup(test_used_idx_ahead_then_bogus, setup),
            cmocka_unit_test_setup(test_orphans, setup),
            cmocka_unit_test_setup(test_orphans_wrap, setup),
            cmocka_unit_test_setup(test_table_scribble, setup),
            cmocka_unit_test_setup(test_no_notify_flag, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
