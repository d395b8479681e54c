/*
 * The qemu runtime's delivery rules (platform/qemu/src/sched.c), run on the
 * host against a fake GIC: init order, priority order, preemption by
 * notify, deferred notifications, irq masking until ack, a timer PD on the
 * generic timer's PPI (INTID 30) like any other PD with an irq, and
 * refusals of bad channels. The runtime file is included so that each test
 * can reset its state.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../platform/qemu/src/sched.c"

/* ---- fakes of the rest of the runtime ---- */

static bool gic_enabled[QEMU_MAX_INTID];
static int gic_edge[QEMU_MAX_INTID];
static unsigned gic_raised[16];
static unsigned gic_nraised;
static char printed[1024];
static jmp_buf panic_jump;
static bool panic_armed;

void qemu_gic_configure(unsigned intid, int edge)
{
    gic_edge[intid] = edge;
}

void qemu_gic_enable(unsigned intid)
{
    gic_enabled[intid] = true;
}

void qemu_gic_disable(unsigned intid)
{
    gic_enabled[intid] = false;
}

/* The first raised interrupt that is enabled, as the GIC would signal it. */
unsigned qemu_gic_ack(void)
{
    for (unsigned i = 0; i < gic_nraised; i++) {
        unsigned intid = gic_raised[i];
        if (gic_enabled[intid]) {
            memmove(&gic_raised[i], &gic_raised[i + 1], (gic_nraised - i - 1) * sizeof(gic_raised[0]));
            gic_nraised--;
            return intid;
        }
    }
    return 1023;
}

void qemu_gic_eoi(unsigned intid)
{
    (void)intid;
}

void qemu_idle(void)
{
}

void qemu_stack_check(void)
{
}

void qemu_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    size_t n = strlen(printed);
    vsnprintf(printed + n, sizeof(printed) - n, fmt, ap);
    va_end(ap);
}

_Noreturn void qemu_panic(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(printed, sizeof(printed), fmt, ap);
    va_end(ap);
    if (panic_armed) {
        longjmp(panic_jump, 1);
    }
    fail_msg("unexpected panic: %s", printed);
    abort();
}

static void raise_irq(unsigned intid)
{
    gic_raised[gic_nraised++] = intid;
}

/* ---- the system under test ---- */

enum {
    PD_TIMER,
    PD_LOW,
    PD_HIGH,
    PD_SAME,
    PD_MID,
    NPDS
};

static char trace[1024];
static uintptr_t low_setvar;
static uintptr_t low_setvar_seen_in_init;
static int low_acks_irq; /* low acks irq channel 5 when notified on it */

enum {
    TIMER_IRQ_INTID = 30, /* the EL1 physical timer, a PPI, as drivers/timer/arm claims it */
    TIMER_IRQ_CH = 2,
};

static void record(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    size_t n = strlen(trace);
    vsnprintf(trace + n, sizeof(trace) - n, fmt, ap);
    va_end(ap);
}

static void timer_init(void)
{
    record("init:timer ");
}

/* As drivers/timer/arm/timer.c: on its irq, ack, then notify each channel once. */
static void timer_notified(unsigned ch)
{
    record("timer:%u[", ch);
    if (ch == TIMER_IRQ_CH) {
        sddf_irq_ack(TIMER_IRQ_CH);
        sddf_notify(0); /* to low: lower, only marked pending */
        sddf_notify(1); /* to same */
    }
    record("] ");
}

static void low_init(void)
{
    low_setvar_seen_in_init = low_setvar;
    record("init:low ");
}

static void high_init(void)
{
    record("init:high ");
}

static void same_init(void)
{
    record("init:same ");
}

static void mid_init(void)
{
    record("init:mid ");
}

static void low_notified(unsigned ch)
{
    record("low:%u[", ch);
    if (ch == 3) {
        sddf_notify(1); /* to high: runs at once */
    }
    if (ch == 5 && low_acks_irq) {
        sddf_irq_ack(5);
    }
    if (ch == 4) {
        sddf_notify(4); /* to the timer (its channel 3), higher: runs at once, as any PD */
    }
    record("] ");
}

static void high_notified(unsigned ch)
{
    record("high:%u[", ch);
    if (ch == 0) {
        sddf_deferred_notify(0);
        sddf_deferred_notify(0); /* same channel twice: one signal */
        sddf_notify(2);          /* to mid, lower: only marked pending */
    }
    record("] ");
}

static void same_notified(unsigned ch)
{
    record("same:%u ", ch);
}

static void mid_notified(unsigned ch)
{
    record("mid:%u ", ch);
}

static const qemu_setvar_t low_setvars[] = {{&low_setvar, 0x50001000u}, {0, 0}};

const qemu_pd_t qemu_pds[] = {
        [PD_TIMER] = {.name = "timer",
                      .priority = 254,
                      .init = timer_init,
                      .notified = timer_notified,
                      .ch = {[0] = {QEMU_CH_CHANNEL, PD_LOW, 3, 0, 1},
                             [1] = {QEMU_CH_CHANNEL, PD_SAME, 4, 0, 1},
                             [TIMER_IRQ_CH] = {QEMU_CH_IRQ, -1, 0, TIMER_IRQ_INTID, 0},
                             [3] = {QEMU_CH_CHANNEL, PD_LOW, 4, 0, 0}}},
        [PD_LOW] = {.name = "low",
                    .priority = 10,
                    .init = low_init,
                    .notified = low_notified,
                    .setvars = low_setvars,
                    .ch = {[3] = {QEMU_CH_CHANNEL, PD_TIMER, 0, 0, 1},
                           [1] = {QEMU_CH_CHANNEL, PD_HIGH, 0, 0, 1},
                           [2] = {QEMU_CH_CHANNEL, PD_MID, 0, 0, 1},
                           [4] = {QEMU_CH_CHANNEL, PD_TIMER, 3, 0, 1},
                           [5] = {QEMU_CH_IRQ, -1, 0, 40, 0}}},
        [PD_HIGH] = {.name = "high",
                     .priority = 200,
                     .init = high_init,
                     .notified = high_notified,
                     .ch = {[0] = {QEMU_CH_CHANNEL, PD_LOW, 1, 0, 1},
                            [2] = {QEMU_CH_CHANNEL, PD_MID, 1, 0, 1},
                            [6] = {QEMU_CH_IRQ, -1, 0, 41, 1}}},
        [PD_SAME] = {.name = "same",
                     .priority = 10,
                     .init = same_init,
                     .notified = same_notified,
                     .ch = {[4] = {QEMU_CH_CHANNEL, PD_TIMER, 1, 0, 1}}},
        [PD_MID] = {.name = "mid",
                    .priority = 100,
                    .init = mid_init,
                    .notified = mid_notified,
                    .ch = {[0] = {QEMU_CH_CHANNEL, PD_LOW, 2, 0, 0}, [1] = {QEMU_CH_CHANNEL, PD_HIGH, 2, 0, 1}}},
};
const unsigned qemu_npds = NPDS;
const qemu_mr_t qemu_mrs[] = {{0, 0, 0, 0}};
const unsigned qemu_nmrs = 0;

static int setup(void **state)
{
    (void)state;
    memset(sched_state, 0, sizeof(sched_state));
    current = -1;
    memset(gic_enabled, 0, sizeof(gic_enabled));
    gic_nraised = 0;
    memset(gic_edge, 0xff, sizeof(gic_edge)); /* -1: never configured */
    trace[0] = printed[0] = '\0';
    low_setvar = low_setvar_seen_in_init = 0;
    low_acks_irq = 0;
    panic_armed = false;
    return 0;
}

static void run_until_idle(void)
{
    for (int i = 0; i < 100 && qemu_sched_step(); i++) {
    }
}

static void boot(void)
{
    qemu_sched_boot();
    trace[0] = '\0';
}

static void test_init_order_and_setvars(void **state)
{
    (void)state;
    qemu_sched_boot();
    assert_string_equal(trace, "init:timer init:high init:mid init:low init:same ");
    assert_int_equal(low_setvar_seen_in_init, 0x50001000u);
    assert_true(gic_enabled[TIMER_IRQ_INTID]); /* a PPI, claimed like any irq */
    assert_int_equal(gic_edge[TIMER_IRQ_INTID], 0);
    assert_true(gic_enabled[40]);
    assert_true(gic_enabled[41]);
    assert_int_equal(gic_edge[40], 0);
    assert_int_equal(gic_edge[41], 1);
    for (unsigned intid = 0; intid < QEMU_MAX_INTID; intid++) {
        bool claimed = intid == TIMER_IRQ_INTID || intid == 40 || intid == 41;
        assert_int_equal(gic_edge[intid] != -1, claimed); /* the runtime configures no irq of its own */
        assert_int_equal(gic_enabled[intid], claimed);
    }
    assert_false(qemu_sched_step()); /* nothing pending after boot */
}

static void test_tick_preemption_and_deferred(void **state)
{
    (void)state;
    boot();
    raise_irq(TIMER_IRQ_INTID);
    run_until_idle();
    /* The timer PD first, masked until its ack; then low (declared before same, equal priority);
     * high runs inside low's notify; mid, which high notified, is above low too and runs before
     * low resumes; high's two deferred notifies reach low once, in low's next batch; same (equal
     * to low) last. */
    assert_string_equal(trace, "timer:2[] low:3[high:0[] mid:1 ] low:1[] same:4 ");
    assert_true(gic_enabled[TIMER_IRQ_INTID]); /* acked by the timer PD */
    assert_int_equal(gic_nraised, 0);
}

static void test_irq_masked_until_ack(void **state)
{
    (void)state;
    boot();
    raise_irq(40);
    run_until_idle();
    assert_string_equal(trace, "low:5[] ");
    assert_false(gic_enabled[40]); /* masked until low acks */
    raise_irq(40);                 /* still asserted: not delivered while masked */
    run_until_idle();
    assert_string_equal(trace, "low:5[] ");
    current = PD_LOW;
    sddf_irq_ack(5);
    current = -1;
    assert_true(gic_enabled[40]);
    low_acks_irq = 1;
    run_until_idle();
    assert_string_equal(trace, "low:5[] low:5[] ");
    assert_true(gic_enabled[40]); /* acked inside the handler this time */
    assert_int_equal(gic_nraised, 0);
}

static void test_bad_channels_refused(void **state)
{
    (void)state;
    boot();
    current = PD_MID;
    sddf_notify(0); /* notify="false" end */
    assert_non_null(strstr(printed, "mid: notify on channel 0, which it may not notify"));
    printed[0] = '\0';
    sddf_notify(9); /* no such channel */
    assert_non_null(strstr(printed, "mid: notify on channel 9"));
    printed[0] = '\0';
    sddf_irq_ack(1); /* a channel, not an irq */
    assert_non_null(strstr(printed, "mid: irq ack on channel 1, which is not an irq"));
    current = -1;
    assert_int_equal(sched_state[PD_LOW].pending, 0);
    raise_irq(77); /* nobody's */
    gic_enabled[77] = true;
    run_until_idle();
    assert_non_null(strstr(printed, "interrupt 77 has no owner"));
    assert_false(gic_enabled[77]);
}

static void test_notify_outside_pd_panics(void **state)
{
    (void)state;
    boot();
    panic_armed = true;
    if (setjmp(panic_jump) == 0) {
        sddf_notify(1);
        fail_msg("no panic");
    }
    assert_non_null(strstr(printed, "outside a PD"));
}

static void test_lower_priority_waits(void **state)
{
    (void)state;
    boot();
    sched_state[PD_HIGH].pending = 1u << 0;
    assert_true(qemu_sched_step());
    /* high notified mid (lower) during its handler: mid ran only afterwards. */
    assert_string_equal(trace, "high:0[] ");
    run_until_idle();
    assert_string_equal(trace, "high:0[] mid:1 low:1[] ");
}

/* The timer is an ordinary PD now: a notify to it is delivered, and preempts a lower sender. */
static void test_notify_to_timer_delivered(void **state)
{
    (void)state;
    boot();
    current = PD_LOW;
    low_notified(4);
    current = -1;
    assert_string_equal(trace, "low:4[timer:3[] ] ");
    assert_string_equal(printed, ""); /* nothing refused or dropped */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test_setup(test_init_order_and_setvars, setup),
            cmocka_unit_test_setup(test_tick_preemption_and_deferred, setup),
            cmocka_unit_test_setup(test_irq_masked_until_ack, setup),
            cmocka_unit_test_setup(test_bad_channels_refused, setup),
            cmocka_unit_test_setup(test_notify_outside_pd_panics, setup),
            cmocka_unit_test_setup(test_lower_priority_waits, setup),
            cmocka_unit_test_setup(test_notify_to_timer_delivered, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
