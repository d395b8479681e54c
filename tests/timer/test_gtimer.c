/*
 * The timer PD's core (drivers/timer/arm/gtimer.c): the period from CNTFRQ
 * and the tick length, refused when 0 or out of range; deadlines one period
 * apart whatever the interrupt latency; one tick, not a burst, after a
 * stall; early interrupts refused; and the same behaviour when the counter
 * wraps past UINT64_MAX, where the compare value must stay programmable.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "gtimer.h"

#define HALF (UINT64_C(1) << 63)

typedef struct {
    uint64_t freq_hz;
    uint32_t tick_ms;
    gtimer_status_t status;
    uint64_t period; /* when status is GTIMER_OK */
} period_case_t;

static const period_case_t period_cases[] = {
        {0, 1000, GTIMER_ERR_FREQUENCY, 0},
        {0, 0, GTIMER_ERR_FREQUENCY, 0},
        {62500000, 0, GTIMER_ERR_PERIOD, 0},
        {62500000, 1000, GTIMER_OK, 62500000}, /* QEMU virt, and seL4's CONFIG_TIMER_FREQUENCY */
        {24000000, 1, GTIMER_OK, 24000},
        {1, 1000, GTIMER_OK, 1},
        {1, 999, GTIMER_ERR_PERIOD, 0}, /* rounds to 0 counter ticks */
        {999, 1, GTIMER_ERR_PERIOD, 0}, /* likewise */
        {1999, 1, GTIMER_OK, 1},        /* rounded down */
        {1999, 1000, GTIMER_OK, 1999},
        {1000000007, 7, GTIMER_OK, 7000000},
        {1000, UINT32_MAX, GTIMER_OK, UINT32_MAX},
        {UINT64_MAX, 1, GTIMER_OK, UINT64_MAX / 1000},  /* freq * ms would overflow; the result does not */
        {UINT64_MAX, 1000, GTIMER_ERR_PERIOD, 0},       /* 2^64 - 1 ticks: not below 2^63 */
        {UINT64_MAX, UINT32_MAX, GTIMER_ERR_PERIOD, 0}, /* q * ms overflows */
        {HALF - 1, 1000, GTIMER_OK, HALF - 1},          /* the largest period */
        {HALF, 1000, GTIMER_ERR_PERIOD, 0},             /* one more */
        /* q * ms is 2^63 - 275; the remainder's share (548 or 999 * 501 / 1000) decides */
        {UINT64_C(18409924225259033548), 501, GTIMER_OK, HALF - 1},
        {UINT64_C(18409924225259033999), 501, GTIMER_ERR_PERIOD, 0},
};

static void test_period_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(period_cases) / sizeof(period_cases[0]); i++) {
        const period_case_t *c = &period_cases[i];
        uint64_t period = 0xdeadu;
        gtimer_status_t status = gtimer_period(c->freq_hz, c->tick_ms, &period);
        if (status != c->status || (status == GTIMER_OK && period != c->period) ||
            (status != GTIMER_OK && period != 0xdeadu)) {
            fail_msg("case %zu (%llu Hz, %u ms): status %d period %llu, expected %d %llu", i,
                     (unsigned long long)c->freq_hz, c->tick_ms, status, (unsigned long long)period, c->status,
                     (unsigned long long)c->period);
        }
    }
}

static void test_start_refuses_and_leaves_state(void **state)
{
    (void)state;
    gtimer_t t = {.period = 7, .deadline = 9};
    assert_int_equal(gtimer_start(&t, 0, 1000, 123), GTIMER_ERR_FREQUENCY);
    assert_int_equal(gtimer_start(&t, 1000, 0, 123), GTIMER_ERR_PERIOD);
    assert_int_equal(t.period, 7);
    assert_int_equal(t.deadline, 9);
    assert_string_equal(gtimer_status_str(GTIMER_ERR_FREQUENCY), "counter frequency (CNTFRQ) is 0");
    assert_string_equal(gtimer_status_str(GTIMER_OK), "ok");
    assert_string_equal(gtimer_status_str((gtimer_status_t)99), "unknown status");
}

/* One interrupt: the counter when it is handled, whether a tick is due, and what is armed next. */
typedef struct {
    uint64_t now;
    bool due;
    uint64_t deadline;
    uint64_t compare;
} step_t;

static void run_steps(uint64_t start, uint64_t period, const step_t *steps, size_t n)
{
    gtimer_t t;
    assert_int_equal(gtimer_start(&t, period, 1000, start), GTIMER_OK); /* 1000 ms: period == freq */
    assert_int_equal(t.period, period);
    assert_int_equal(t.deadline, start + period);
    for (size_t i = 0; i < n; i++) {
        const step_t *s = &steps[i];
        bool due = gtimer_expire(&t, s->now);
        uint64_t compare = gtimer_compare_value(&t, s->now);
        if (due != s->due || t.deadline != s->deadline || compare != s->compare) {
            fail_msg("step %zu (now %llu): due %d deadline %llu compare %llu, expected %d %llu %llu", i,
                     (unsigned long long)s->now, due, (unsigned long long)t.deadline, (unsigned long long)compare,
                     s->due, (unsigned long long)s->deadline, (unsigned long long)s->compare);
        }
    }
}

#define NSTEPS(a) (sizeof(a) / sizeof((a)[0]))

/* Deadlines stay on the grid start + k * period whatever the latency below one period. */
static void test_no_drift(void **state)
{
    (void)state;
    static const step_t steps[] = {
            {999, false, 1000, 1000}, /* early: nothing changes */
            {1000, true, 2000, 2000}, /* on time */
            {2300, true, 3000, 3000}, /* 300 late: the next deadline does not move */
            {3999, true, 4000, 4000}, /* 999 late, still the grid */
            {4000, true, 5000, 5000},
            {4000, false, 5000, 5000}, /* a second interrupt for the same deadline: no second tick */
    };
    run_steps(0, 1000, steps, NSTEPS(steps));
}

/* A whole period or more late: one tick, and the grid restarts from now. */
static void test_stall_gives_one_tick(void **state)
{
    (void)state;
    static const step_t steps[] = {
            {2000, true, 3000, 3000},    /* exactly one period late (deadline 1000) */
            {13500, true, 14500, 14500}, /* ten periods late: one tick, not ten */
            {13600, false, 14500, 14500},
            {14500, true, 15500, 15500},
    };
    run_steps(0, 1000, steps, NSTEPS(steps));
}

/* Ticks on the grid across the wrap: the deadline after UINT64_MAX - 999 is 0. */
static void test_wrap_on_the_grid(void **state)
{
    (void)state;
    static const step_t steps[] = {
            {UINT64_MAX - 1899, true, UINT64_MAX - 999, UINT64_MAX - 999}, /* 100 late */
            {UINT64_MAX - 999, true, 0, UINT64_MAX},                       /* 0 is beyond the wrap */
            {UINT64_MAX, false, 0, UINT64_MAX}, /* the early interrupt at UINT64_MAX: no tick */
            {0, true, 1000, 1000},              /* the counter wrapped: the tick at 0 */
            {1000, true, 2000, 2000},
    };
    run_steps(UINT64_MAX - 2999, 1000, steps, NSTEPS(steps)); /* first deadline UINT64_MAX - 1999 */
}

/* Started 500 before the wrap: the first deadline, 499, waits at UINT64_MAX until the counter wraps. */
static void test_wrap_at_start(void **state)
{
    (void)state;
    static const step_t steps[] = {
            {UINT64_MAX, false, 499, UINT64_MAX}, /* still before the wrap */
            {3, false, 499, 499},                 /* wrapped: now the real deadline */
            {600, true, 1499, 1499},              /* 101 late, on the grid */
    };
    gtimer_t t;
    assert_int_equal(gtimer_start(&t, 1000, 1000, UINT64_MAX - 500), GTIMER_OK);
    assert_int_equal(t.deadline, 499);
    assert_int_equal(gtimer_compare_value(&t, UINT64_MAX - 500), UINT64_MAX);
    run_steps(UINT64_MAX - 500, 1000, steps, NSTEPS(steps));
}

/* A stall across the wrap restarts from now, modulo 2^64. */
static void test_stall_across_wrap(void **state)
{
    (void)state;
    static const step_t steps[] = {
            {4000, true, 5000, 5000}, /* deadline UINT64_MAX - 999, so 5000 late: restart from now */
            {5000, true, 6000, 6000},
    };
    run_steps(UINT64_MAX - 1999, 1000, steps, NSTEPS(steps));
}

/* A deadline already passed (not a state expire() leaves) gives a compare value that fires at once. */
static void test_compare_of_passed_deadline(void **state)
{
    (void)state;
    gtimer_t t;
    assert_int_equal(gtimer_start(&t, 1000, 1000, 0), GTIMER_OK);
    assert_int_equal(gtimer_compare_value(&t, 5000), 5000);
    assert_int_equal(gtimer_compare_value(&t, 1000), 1000); /* due now */
    assert_int_equal(gtimer_compare_value(&t, 0), 1000);
    t.deadline = UINT64_MAX;
    assert_int_equal(gtimer_compare_value(&t, UINT64_MAX - 1), UINT64_MAX);
    assert_int_equal(gtimer_compare_value(&t, 5), 5); /* passed modulo 2^64: not UINT64_MAX, which never comes */
}

/* The largest period still ticks on its grid and across the wrap. */
static void test_largest_period(void **state)
{
    (void)state;
    static const step_t steps[] = {
            {HALF - 1, true, UINT64_MAX - 1, UINT64_MAX - 1},
            {UINT64_MAX - 1, true, HALF - 3, UINT64_MAX}, /* wraps: HALF - 1 + HALF - 1 + HALF - 1 */
            {0, false, HALF - 3, HALF - 3},
            {HALF - 3, true, UINT64_MAX - 3, UINT64_MAX - 3},
    };
    run_steps(0, HALF - 1, steps, NSTEPS(steps));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_period_table),      cmocka_unit_test(test_start_refuses_and_leaves_state),
            cmocka_unit_test(test_no_drift),          cmocka_unit_test(test_stall_gives_one_tick),
            cmocka_unit_test(test_wrap_on_the_grid),  cmocka_unit_test(test_wrap_at_start),
            cmocka_unit_test(test_stall_across_wrap), cmocka_unit_test(test_compare_of_passed_deadline),
            cmocka_unit_test(test_largest_period),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
