/*
 * Unit tests of the SPSC queues in <sddf/gpu/queue.h>, single-threaded: both
 * sides of a queue are driven from one thread, step by step, so every
 * interleaving of interest is scripted exactly. Indices start near UINT32_MAX
 * so that wrap-around happens while the queue is full, empty and in the middle
 * of a batch. The region is allocated at its exact size, so under ASan any
 * slot access outside it (a missing mask, a clamp that lets through a corrupt
 * index) is reported. The concurrent behaviour is tested by
 * tests/stress/queue_stress.c and tests/model/.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <sddf/gpu/queue.h>

#define CAP          8u
#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* One queue of uint32_t entries with both of its sides. */
typedef struct fixture {
    void *region;
    gpu_queue_t prod;
    gpu_queue_t cons;
} fixture_t;

static void fixture_open(fixture_t *f, uint32_t capacity, size_t entry_size, uint32_t start)
{
    f->region = malloc(GPU_QUEUE_REGION_SIZE(capacity, entry_size));
    assert_non_null(f->region);
    memset(f->region, 0xa5, GPU_QUEUE_REGION_SIZE(capacity, entry_size));
    gpu_queue_region_reset(f->region, start);
    assert_true(gpu_queue_init(&f->prod, f->region, capacity, true));
    assert_true(gpu_queue_init(&f->cons, f->region, capacity, false));
}

static void fixture_close(fixture_t *f)
{
    free(f->region);
    f->region = NULL;
}

static gpu_queue_shared_t *shared(fixture_t *f)
{
    return (gpu_queue_shared_t *)f->region;
}

static uint32_t push_u32(fixture_t *f, const uint32_t *v, uint32_t n)
{
    return gpu_queue_push(&f->prod, v, n, sizeof(uint32_t));
}

static uint32_t pop_u32(fixture_t *f, uint32_t *v, uint32_t n)
{
    return gpu_queue_pop(&f->cons, v, n, sizeof(uint32_t));
}

/* Push `n` consecutive values starting at *next, one call; returns how many went in. */
static uint32_t push_seq(fixture_t *f, uint32_t *next, uint32_t n)
{
    uint32_t v[4 * CAP];
    assert_true(n <= ARRAY_LEN(v));
    for (uint32_t i = 0; i < n; i++) {
        v[i] = *next + i;
    }
    uint32_t got = push_u32(f, v, n);
    *next += got;
    return got;
}

/* Pop up to `n` values in one call and check they continue the sequence at *next. */
static uint32_t pop_seq(fixture_t *f, uint32_t *next, uint32_t n)
{
    uint32_t v[4 * CAP];
    assert_true(n <= ARRAY_LEN(v));
    uint32_t got = pop_u32(f, v, n);
    for (uint32_t i = 0; i < got; i++) {
        assert_int_equal(v[i], *next + i);
    }
    *next += got;
    return got;
}

/* ---- capacity validation ---- */

static void test_capacity_valid(void **state)
{
    (void)state;
    static const struct {
        uint32_t capacity;
        bool valid;
    } cases[] = {
            {0, false},        {1, true},           {2, true},
            {3, false},        {6, false},          {64, true},
            {100, false},      {1u << 30, true},    {(1u << 30) + 1, false},
            {1u << 31, false}, {UINT32_MAX, false},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        assert_int_equal(gpu_queue_capacity_valid(cases[i].capacity), cases[i].valid);
    }
}

static void test_init_rejects_bad_capacity(void **state)
{
    (void)state;
    static const uint32_t bad[] = {0, 3, 5, 12, 1000, 1u << 31, UINT32_MAX};
    uint8_t region[GPU_QUEUE_REGION_SIZE(4, 4)] = {0};
    for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
        gpu_queue_t q = {0};
        assert_false(gpu_queue_init(&q, region, bad[i], true));
        assert_false(gpu_queue_init(&q, region, bad[i], false));
        assert_null(q.shared);
    }
    gpu_queue_t q;
    assert_true(gpu_queue_init(&q, region, 4, true));
    assert_int_equal(gpu_queue_capacity(&q), 4);
}

static void test_region_size(void **state)
{
    (void)state;
    assert_int_equal(GPU_QUEUE_REGION_SIZE(8, 64), 2 * GPU_CACHE_LINE + 8 * 64);
    assert_int_equal(GPU_QUEUE_REGION_SIZE(1u << 30, sizeof(gpu_req_t)), 128 + ((size_t)1 << 36));
}

/* Attaching to a region in use takes both indices from it (a restarted side). */
static void test_init_mid_stream(void **state)
{
    (void)state;
    fixture_t f;
    uint32_t in = 0, out = 0;
    fixture_open(&f, CAP, sizeof(uint32_t), UINT32_MAX - 1);
    assert_int_equal(push_seq(&f, &in, 5), 5);
    assert_int_equal(pop_seq(&f, &out, 2), 2);
    gpu_queue_t p2, c2;
    assert_true(gpu_queue_init(&p2, f.region, CAP, true));
    assert_true(gpu_queue_init(&c2, f.region, CAP, false));
    assert_int_equal(p2.own, (uint32_t)(UINT32_MAX - 1 + 5));
    assert_int_equal(c2.own, (uint32_t)(UINT32_MAX - 1 + 2));
    assert_int_equal(gpu_queue_space(&p2), CAP - 3);
    assert_int_equal(gpu_queue_length(&c2), 3);
    fixture_close(&f);
}

/* ---- fill and drain across wrap-around ---- */

/*
 * From each start index: fill one by one to full, check that a full queue
 * refuses, drain one by one, check that an empty queue refuses; three rounds,
 * so the indices wrap past UINT32_MAX in every position relative to the cycle.
 */
static void test_fill_drain_from_starts(void **state)
{
    (void)state;
    static const uint32_t starts[] = {
            0, 1, UINT32_MAX, UINT32_MAX - 1, UINT32_MAX - CAP + 1, UINT32_MAX - CAP, UINT32_MAX - CAP / 2, 1u << 31,
    };
    for (size_t s = 0; s < ARRAY_LEN(starts); s++) {
        fixture_t f;
        fixture_open(&f, CAP, sizeof(uint32_t), starts[s]);
        uint32_t in = starts[s] * 7u, out = in;
        for (int round = 0; round < 3; round++) {
            for (uint32_t i = 0; i < CAP; i++) {
                assert_int_equal(gpu_queue_space(&f.prod), CAP - i);
                assert_int_equal(gpu_queue_length(&f.cons), i);
                assert_int_equal(push_seq(&f, &in, 1), 1);
            }
            assert_int_equal(gpu_queue_space(&f.prod), 0);
            assert_int_equal(gpu_queue_length(&f.cons), CAP);
            assert_int_equal(push_seq(&f, &in, 1), 0);
            assert_int_equal(shared(&f)->tail - shared(&f)->head, CAP);
            for (uint32_t i = 0; i < CAP; i++) {
                assert_int_equal(gpu_queue_length(&f.cons), CAP - i);
                assert_int_equal(pop_seq(&f, &out, 1), 1);
            }
            assert_int_equal(gpu_queue_length(&f.cons), 0);
            assert_int_equal(gpu_queue_space(&f.prod), CAP);
            assert_int_equal(pop_seq(&f, &out, 1), 0);
            assert_int_equal(shared(&f)->tail, shared(&f)->head);
        }
        assert_int_equal(shared(&f)->tail, (uint32_t)(starts[s] + 3 * CAP));
        fixture_close(&f);
    }
}

/*
 * Table of batch scenarios, each starting near UINT32_MAX: `pre` entries are
 * pushed and popped first (moving both indices), then `fill` entries are
 * left in the queue, then one batch push of `push` entries is asked for and
 * `pushed` expected, then one batch pop of `pop` asked for and `popped`
 * expected. `wrap` names where the index passes UINT32_MAX.
 */
static void test_batch_table(void **state)
{
    (void)state;
    static const struct {
        const char *wrap;
        uint32_t start, fill, push, pushed, pop, popped;
    } cases[] = {
            {"none", 0, 0, 5, 5, 5, 5},
            {"mid-batch push", UINT32_MAX - 2, 0, 6, 6, 6, 6},
            {"mid-batch push, partial", UINT32_MAX - 2, 3, 9, 5, 20, 8},
            {"while full", UINT32_MAX - CAP + 1, 0, CAP, CAP, CAP, CAP},
            {"tail at 0 exactly when full", UINT32_MAX - CAP + 1, 4, 4, 4, 1, 1},
            {"while empty", UINT32_MAX, 0, 0, 0, 1, 0},
            {"mid-batch pop", UINT32_MAX - 3, 2, 5, 5, 7, 7},
            {"partial pop", UINT32_MAX - 1, 1, 2, 2, 2, 2},
            {"push into full queue", UINT32_MAX - 5, CAP, 1, 0, 3, 3},
            {"oversized batch", UINT32_MAX - 4, 0, 3 * CAP, CAP, 3 * CAP, CAP},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        fixture_t f;
        fixture_open(&f, CAP, sizeof(uint32_t), cases[i].start);
        uint32_t in = 0x1000u * (uint32_t)i, out = in;
        assert_int_equal(push_seq(&f, &in, cases[i].fill), cases[i].fill);
        uint32_t tail_before = shared(&f)->tail;
        assert_int_equal(push_seq(&f, &in, cases[i].push), cases[i].pushed);
        assert_int_equal(shared(&f)->tail, tail_before + cases[i].pushed);
        uint32_t head_before = shared(&f)->head;
        assert_int_equal(pop_seq(&f, &out, cases[i].pop), cases[i].popped);
        assert_int_equal(shared(&f)->head, head_before + cases[i].popped);
        /* Whatever is left comes out in order. */
        uint32_t left = cases[i].fill + cases[i].pushed - cases[i].popped;
        assert_int_equal(gpu_queue_length(&f.cons), left);
        assert_int_equal(pop_seq(&f, &out, 4 * CAP), left);
        assert_int_equal(out, in);
        fixture_close(&f);
    }
}

/* A batch that wraps puts its entries in the last slots and then the first ones. */
static void test_batch_slot_placement(void **state)
{
    (void)state;
    fixture_t f;
    fixture_open(&f, CAP, sizeof(uint32_t), UINT32_MAX - 1);
    uint32_t in = 10;
    assert_int_equal(push_seq(&f, &in, 5), 5);
    const uint32_t *slots = (const uint32_t *)((uint8_t *)f.region + sizeof(gpu_queue_shared_t));
    assert_int_equal(slots[CAP - 2], 10);
    assert_int_equal(slots[CAP - 1], 11);
    assert_int_equal(slots[0], 12);
    assert_int_equal(slots[1], 13);
    assert_int_equal(slots[2], 14);
    assert_int_equal(shared(&f)->tail, 3);
    fixture_close(&f);
}

/* A zero-length push or pop publishes nothing. */
static void test_zero_length_ops(void **state)
{
    (void)state;
    fixture_t f;
    fixture_open(&f, CAP, sizeof(uint32_t), UINT32_MAX);
    uint32_t v = 0;
    shared(&f)->tail = 77; /* would be overwritten by a publish */
    assert_int_equal(push_u32(&f, &v, 0), 0);
    assert_int_equal(shared(&f)->tail, 77);
    shared(&f)->tail = UINT32_MAX;
    shared(&f)->head = 55;
    assert_int_equal(pop_u32(&f, &v, 0), 0);
    assert_int_equal(shared(&f)->head, 55);
    fixture_close(&f);
}

/* The producer only refreshes its cached head when the cached one is not enough. */
static void test_producer_refreshes_when_needed(void **state)
{
    (void)state;
    fixture_t f;
    fixture_open(&f, CAP, sizeof(uint32_t), UINT32_MAX - 2);
    uint32_t in = 0, out = 0;
    assert_int_equal(push_seq(&f, &in, CAP), CAP);
    assert_int_equal(pop_seq(&f, &out, 3), 3);
    assert_int_equal(gpu_queue_cached_space(&f.prod), 0); /* stale */
    assert_int_equal(push_seq(&f, &in, 2), 2);            /* refreshed */
    assert_int_equal(gpu_queue_cached_space(&f.prod), 1);
    assert_int_equal(pop_seq(&f, &out, CAP), CAP - 1);
    assert_int_equal(gpu_queue_cached_length(&f.cons), 0);
    assert_int_equal(out, in);
    fixture_close(&f);
}

/* ---- corrupted peer indices ---- */

/* The producer reads a head the consumer (or a bug) wrote: too far ahead or behind means no space. */
static void test_producer_corrupt_head(void **state)
{
    (void)state;
    static const struct {
        int32_t head_minus_tail; /* head = tail + this */
        uint32_t space;
    } cases[] = {
            {0, CAP},
            {-1, CAP - 1},
            {-(int32_t)CAP, 0},     /* full */
            {-(int32_t)CAP - 1, 0}, /* consumer "behind" by more than capacity */
            {1, 0},                 /* head ahead of tail */
            {(int32_t)CAP, 0},      /* far ahead */
            {INT32_MAX, 0},         /* half the index space away */
            {INT32_MIN, 0},         /* the other half */
            {-(int32_t)CAP + 1, 1}, /* one slot free */
            {-(int32_t)(CAP / 2), CAP / 2},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        fixture_t f;
        fixture_open(&f, CAP, sizeof(uint32_t), UINT32_MAX - 3);
        uint32_t in = 0, tail = shared(&f)->tail;
        shared(&f)->head = tail + (uint32_t)cases[i].head_minus_tail;
        assert_int_equal(gpu_queue_space(&f.prod), cases[i].space);
        assert_int_equal(push_seq(&f, &in, 2 * CAP), cases[i].space);
        assert_int_equal(shared(&f)->tail, tail + cases[i].space);
        fixture_close(&f);
    }
}

/*
 * The consumer reads a tail the producer wrote: any fill level above capacity
 * (tail ahead by more, or tail behind head) is a corrupt header and reads as
 * empty, so a scribbling producer gets no work done and costs its consumer
 * nothing; pops never touch memory outside the region (ASan checks the
 * exact-size region).
 */
static void test_consumer_corrupt_tail(void **state)
{
    (void)state;
    static const struct {
        uint32_t tail_minus_head;
        uint32_t length;
    } cases[] = {
            {0, 0},
            {1, 1},
            {CAP, CAP},
            {CAP + 1, 0},
            {1u << 31, 0},
            {UINT32_MAX, 0}, /* tail one behind head */
            {UINT32_MAX - CAP, 0},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        fixture_t f;
        fixture_open(&f, CAP, sizeof(uint32_t), UINT32_MAX - 1);
        uint32_t head = shared(&f)->head;
        shared(&f)->tail = head + cases[i].tail_minus_head;
        assert_int_equal(gpu_queue_length(&f.cons), cases[i].length);
        uint32_t v[4 * CAP];
        assert_int_equal(pop_u32(&f, v, ARRAY_LEN(v)), cases[i].length);
        assert_int_equal(shared(&f)->head, head + cases[i].length);
        fixture_close(&f);
    }
}

/* A peer scribbling on our own index cannot move it: each side writes its private copy back. */
static void test_own_index_not_read_back(void **state)
{
    (void)state;
    fixture_t f;
    fixture_open(&f, CAP, sizeof(uint32_t), UINT32_MAX - 1);
    uint32_t in = 0, out = 0;
    assert_int_equal(push_seq(&f, &in, 3), 3);
    shared(&f)->tail = 12345; /* the consumer scribbles on the producer's index */
    assert_int_equal(push_seq(&f, &in, 1), 1);
    assert_int_equal(shared(&f)->tail, (uint32_t)(UINT32_MAX - 1 + 4));
    assert_int_equal(pop_seq(&f, &out, 1), 1);
    shared(&f)->head = 999; /* the producer scribbles on the consumer's index */
    assert_int_equal(pop_seq(&f, &out, 1), 1);
    assert_int_equal(shared(&f)->head, (uint32_t)(UINT32_MAX - 1 + 2));
    assert_int_equal(pop_seq(&f, &out, CAP), 2);
    assert_int_equal(out, in);
    fixture_close(&f);
}

/* ---- typed wrappers ---- */

static void fill_req(gpu_req_t *r, uint32_t seq)
{
    memset(r, 0, sizeof(*r));
    r->code = GPU_REQ_RESOURCE_FLUSH;
    r->id = seq;
    for (size_t i = 0; i < sizeof(r->raw); i++) {
        r->raw[i] = (uint8_t)(seq * 31u + i);
    }
}

static void test_typed_requests_and_responses(void **state)
{
    (void)state;
    fixture_t req, resp;
    fixture_open(&req, 4, sizeof(gpu_req_t), UINT32_MAX - 2);
    fixture_open(&resp, 4, sizeof(gpu_resp_t), UINT32_MAX);
    gpu_req_t in[6], out[6];
    for (uint32_t i = 0; i < 6; i++) {
        fill_req(&in[i], 500 + i);
    }
    assert_true(gpu_req_enqueue(&req.prod, &in[0]));
    assert_int_equal(gpu_req_enqueue_batch(&req.prod, &in[1], 5), 3);
    assert_false(gpu_req_enqueue(&req.prod, &in[4]));
    assert_true(gpu_req_dequeue(&req.cons, &out[0]));
    assert_int_equal(gpu_req_dequeue_batch(&req.cons, &out[1], 5), 3);
    assert_false(gpu_req_dequeue(&req.cons, &out[4]));
    assert_memory_equal(in, out, 4 * sizeof(gpu_req_t));

    gpu_resp_t r[5], back[5];
    for (uint32_t i = 0; i < 5; i++) {
        r[i] = (gpu_resp_t){.code = GPU_REQ_RESOURCE_FLUSH, .id = 500 + i, .status = i, ._pad = 0};
    }
    assert_int_equal(gpu_resp_enqueue_batch(&resp.prod, r, 5), 4);
    assert_false(gpu_resp_enqueue(&resp.prod, &r[4]));
    assert_true(gpu_resp_dequeue(&resp.cons, &back[0]));
    assert_true(gpu_resp_enqueue(&resp.prod, &r[4]));
    assert_int_equal(gpu_resp_dequeue_batch(&resp.cons, &back[1], 5), 4);
    assert_false(gpu_resp_dequeue(&resp.cons, &back[0]));
    assert_memory_equal(r, back, sizeof(r));
    fixture_close(&req);
    fixture_close(&resp);
}

/* ---- notification suppression ---- */

/* One step of a scripted exchange between the two sides of one queue. */
typedef enum {
    PUSH,      /* producer pushes `arg` entries; expect how many went in */
    POP,       /* consumer pops up to `arg` entries; expect how many came out */
    CONS_ARM,  /* gpu_queue_consumer_arm(); expect its result */
    PROD_MUST, /* gpu_queue_producer_must_signal(); expect its result */
    PROD_ARM,  /* gpu_queue_producer_arm(); expect its result */
    CONS_MUST, /* gpu_queue_consumer_must_signal(); expect its result */
    CONS_FLAG, /* expect shared consumer_signal */
    PROD_FLAG, /* expect shared producer_signal */
    CONS_LOOK, /* consumer reads its length (refreshes its cached tail); expect it */
    PROD_LOOK, /* producer reads its space (refreshes its cached head); expect it */
    END,
} step_op_t;

typedef struct step {
    step_op_t op;
    uint32_t arg;
    uint32_t expect;
} step_t;

typedef struct script {
    const char *name;
    step_t steps[16];
} script_t;

static uint32_t run_step(fixture_t *f, const step_t *s, uint32_t *in, uint32_t *out)
{
    switch (s->op) {
    case PUSH:
        return push_seq(f, in, s->arg);
    case POP:
        return pop_seq(f, out, s->arg);
    case CONS_ARM:
        return gpu_queue_consumer_arm(&f->cons);
    case PROD_MUST:
        return gpu_queue_producer_must_signal(&f->prod);
    case PROD_ARM:
        return gpu_queue_producer_arm(&f->prod);
    case CONS_MUST:
        return gpu_queue_consumer_must_signal(&f->cons);
    case CONS_FLAG:
        return shared(f)->consumer_signal;
    case PROD_FLAG:
        return shared(f)->producer_signal;
    case CONS_LOOK:
        return gpu_queue_length(&f->cons);
    case PROD_LOOK:
        return gpu_queue_space(&f->prod);
    case END:
        break;
    }
    fail_msg("bad step");
    return 0;
}

static const script_t signal_scripts[] = {
        {"consumer arm on empty queue sleeps and is signalled exactly once",
         {{CONS_ARM, 0, true},
          {CONS_FLAG, 0, 1},
          {PUSH, 1, 1},
          {PROD_MUST, 0, true},
          {CONS_FLAG, 0, 0},
          {PUSH, 2, 2},
          {PROD_MUST, 0, false},
          {POP, 8, 3},
          {END, 0, 0}}},
        {"no arm, no signal", {{PUSH, 3, 3}, {PROD_MUST, 0, false}, {POP, 3, 3}, {PROD_MUST, 0, false}, {END, 0, 0}}},
        {"consumer arm with entries waiting cancels",
         {{PUSH, 1, 1},
          {CONS_ARM, 0, false},
          {CONS_FLAG, 0, 0},
          {PUSH, 1, 1},
          {PROD_MUST, 0, false},
          {POP, 2, 2},
          {END, 0, 0}}},
        /* The consumer saw empty, then entries arrived before it armed: the re-check must see them. */
        {"consumer re-check sees entries its cached tail missed",
         {{CONS_LOOK, 0, 0},
          {PUSH, 2, 2},
          {PROD_MUST, 0, false},
          {CONS_ARM, 0, false},
          {CONS_FLAG, 0, 0},
          {POP, 2, 2},
          {END, 0, 0}}},
        {"consumer re-arms after each wake-up",
         {{CONS_ARM, 0, true},
          {PUSH, 1, 1},
          {PROD_MUST, 0, true},
          {POP, 1, 1},
          {CONS_ARM, 0, true},
          {PUSH, 4, 4},
          {PROD_MUST, 0, true},
          {PROD_MUST, 0, false},
          {POP, 4, 4},
          {END, 0, 0}}},
        {"producer arm on full queue waits and is signalled exactly once",
         {{PUSH, CAP, CAP},
          {PROD_ARM, 0, true},
          {PROD_FLAG, 0, 1},
          {POP, 1, 1},
          {CONS_MUST, 0, true},
          {PROD_FLAG, 0, 0},
          {POP, 2, 2},
          {CONS_MUST, 0, false},
          {PUSH, CAP, 3},
          {END, 0, 0}}},
        {"producer arm with space cancels",
         {{PUSH, CAP - 1, CAP - 1},
          {PROD_ARM, 0, false},
          {PROD_FLAG, 0, 0},
          {POP, 1, 1},
          {CONS_MUST, 0, false},
          {END, 0, 0}}},
        /* The producer saw full, then the consumer freed slots before it armed. */
        {"producer re-check sees space its cached head missed",
         {{PUSH, CAP, CAP},
          {PROD_LOOK, 0, 0},
          {POP, 1, 1},
          {CONS_MUST, 0, false},
          {PROD_ARM, 0, false},
          {PROD_FLAG, 0, 0},
          {PUSH, 2, 1},
          {END, 0, 0}}},
        {"no producer arm, no consumer signal",
         {{PUSH, CAP, CAP}, {POP, CAP, CAP}, {CONS_MUST, 0, false}, {END, 0, 0}}},
        {"both directions armed at once are independent",
         {{PUSH, CAP, CAP},
          {PROD_ARM, 0, true},
          {POP, CAP, CAP},
          {CONS_ARM, 0, true},
          {CONS_MUST, 0, true},
          {CONS_FLAG, 0, 1},
          {PUSH, 1, 1},
          {PROD_MUST, 0, true},
          {PROD_FLAG, 0, 0},
          {CONS_FLAG, 0, 0},
          {END, 0, 0}}},
};

static void test_signal_scripts(void **state)
{
    (void)state;
    static const uint32_t starts[] = {0, UINT32_MAX, UINT32_MAX - CAP + 1, UINT32_MAX - 2};
    for (size_t s = 0; s < ARRAY_LEN(starts); s++) {
        for (size_t i = 0; i < ARRAY_LEN(signal_scripts); i++) {
            fixture_t f;
            fixture_open(&f, CAP, sizeof(uint32_t), starts[s]);
            uint32_t in = 0, out = 0;
            for (const step_t *st = signal_scripts[i].steps; st->op != END; st++) {
                uint32_t got = run_step(&f, st, &in, &out);
                if (got != st->expect) {
                    fail_msg("script \"%s\" (start %u) step %d: got %u, expected %u", signal_scripts[i].name, starts[s],
                             (int)(st - signal_scripts[i].steps), got, st->expect);
                }
            }
            fixture_close(&f);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_capacity_valid),
            cmocka_unit_test(test_init_rejects_bad_capacity),
            cmocka_unit_test(test_region_size),
            cmocka_unit_test(test_init_mid_stream),
            cmocka_unit_test(test_fill_drain_from_starts),
            cmocka_unit_test(test_batch_table),
            cmocka_unit_test(test_batch_slot_placement),
            cmocka_unit_test(test_zero_length_ops),
            cmocka_unit_test(test_producer_refreshes_when_needed),
            cmocka_unit_test(test_producer_corrupt_head),
            cmocka_unit_test(test_consumer_corrupt_tail),
            cmocka_unit_test(test_own_index_not_read_back),
            cmocka_unit_test(test_typed_requests_and_responses),
            cmocka_unit_test(test_signal_scripts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
