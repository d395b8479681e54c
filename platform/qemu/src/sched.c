/*
 * Microkit semantics for the PDs linked into the image, on one CPU without
 * isolation:
 *
 * - Every PD's init() runs once at boot, highest priority first.
 * - A notification or interrupt sets a bit in the target PD's pending set.
 *   The main loop runs the highest-priority PD with pending bits (equal
 *   priorities: the one declared first), calling notified() for each bit in
 *   ascending order, then sends the PD's deferred notifications.
 * - A notification that gives work to a PD of strictly higher priority than
 *   the running one runs that PD at once, before sddf_notify() returns, as
 *   seL4 would preempt the sender; and when it is done, any other PD above
 *   the sender that now has work, highest first. The call stack therefore
 *   only ever holds PDs of increasing priority, each at most once.
 * - Interrupts are taken between handlers, never in the middle of one: a
 *   device interrupt is masked at the GIC until its PD calls sddf_irq_ack(),
 *   as seL4 does.
 * - The runtime has no timer of its own: a timer is a PD that claims the
 *   generic timer's interrupt (a PPI, INTID 30) like any other irq
 *   (drivers/timer/arm).
 */
#include <sddf/os.h>

#include <qemu/sdf_tables.h>

#include "runtime.h"

#define MAX_PDS 64

typedef struct {
    uint64_t pending;  /* channels signalled and not yet delivered */
    uint64_t deferred; /* sddf_deferred_notify() during the current batch */
    int ready;         /* init() has returned */
} pd_state_t;

typedef struct {
    int16_t pd;
    uint8_t ch;
} irq_owner_t;

static pd_state_t sched_state[MAX_PDS];
static irq_owner_t irq_owner[QEMU_MAX_INTID];
static int current = -1; /* the PD whose code is running, -1 for the runtime */

static void run_pd(int p);
static int next_pd(int (*want)(int p));

static int wants_run(int p)
{
    return sched_state[p].ready && sched_state[p].pending != 0;
}

static int wants_preempt(int p)
{
    return wants_run(p) && current >= 0 && qemu_pds[p].priority > qemu_pds[current].priority;
}

/* Run, highest first, every PD with work whose priority is above the running PD's. */
static void preempt(void)
{
    for (int p = next_pd(wants_preempt); p >= 0; p = next_pd(wants_preempt)) {
        run_pd(p);
    }
}

static void signal_pd(int p, unsigned ch)
{
    sched_state[p].pending |= (uint64_t)1 << ch;
    if (current >= 0) {
        preempt();
    }
}

static void notify_from(int p, unsigned ch)
{
    const qemu_ch_t *c = ch < QEMU_MAX_CHANNELS ? &qemu_pds[p].ch[ch] : NULL;
    if (c == NULL || c->kind != QEMU_CH_CHANNEL || !c->flag) {
        qemu_printf("qemu|ERROR: %s: notify on channel %u, which it may not notify\n", qemu_pds[p].name, ch);
        return;
    }
    signal_pd(c->peer_pd, c->peer_ch);
}

static void flush_deferred(int p)
{
    uint64_t d = sched_state[p].deferred;
    sched_state[p].deferred = 0;
    for (unsigned ch = 0; d != 0; ch++, d >>= 1) {
        if (d & 1u) {
            notify_from(p, ch);
        }
    }
}

static void deliver_batch(int p)
{
    uint64_t batch = sched_state[p].pending;
    sched_state[p].pending = 0;
    for (unsigned ch = 0; batch != 0; ch++, batch >>= 1) {
        if (batch & 1u) {
            qemu_pds[p].notified(ch);
        }
    }
}

static void run_pd(int p)
{
    int prev = current;
    current = p;
    while (sched_state[p].pending != 0) {
        deliver_batch(p);
        flush_deferred(p);
    }
    current = prev;
}

void sddf_notify(sddf_channel_t ch)
{
    if (current < 0) {
        qemu_panic("sddf_notify(%u) outside a PD\n", ch);
    }
    notify_from(current, ch);
}

void sddf_deferred_notify(sddf_channel_t ch)
{
    if (current < 0 || ch >= QEMU_MAX_CHANNELS) {
        qemu_panic("sddf_deferred_notify(%u) outside a PD or out of range\n", ch);
    }
    sched_state[current].deferred |= (uint64_t)1 << ch;
}

void sddf_irq_ack(sddf_channel_t ch)
{
    if (current < 0 || ch >= QEMU_MAX_CHANNELS || qemu_pds[current].ch[ch].kind != QEMU_CH_IRQ) {
        qemu_printf("qemu|ERROR: %s: irq ack on channel %u, which is not an irq\n",
                    current >= 0 ? qemu_pds[current].name : "runtime", ch);
        return;
    }
    qemu_gic_enable(qemu_pds[current].ch[ch].irq);
}

static void apply_setvars(const qemu_pd_t *pd)
{
    for (const qemu_setvar_t *sv = pd->setvars; sv != NULL && sv->var != NULL; sv++) {
        *sv->var = sv->value;
    }
}

static void claim_irqs(int p)
{
    for (unsigned ch = 0; ch < QEMU_MAX_CHANNELS; ch++) {
        const qemu_ch_t *c = &qemu_pds[p].ch[ch];
        if (c->kind == QEMU_CH_IRQ) {
            irq_owner[c->irq] = (irq_owner_t){.pd = (int16_t)p, .ch = (uint8_t)ch};
            qemu_gic_configure(c->irq, c->flag);
            qemu_gic_enable(c->irq);
        }
    }
}

/* Highest priority first; equal priorities in declaration order. */
static int next_pd(int (*want)(int p))
{
    int best = -1;
    for (int p = 0; p < (int)qemu_npds; p++) {
        if (want(p) && (best < 0 || qemu_pds[p].priority > qemu_pds[best].priority)) {
            best = p;
        }
    }
    return best;
}

static int wants_init(int p)
{
    return !sched_state[p].ready;
}

void qemu_sched_boot(void)
{
    if (qemu_npds > MAX_PDS) {
        qemu_panic("%u protection domains, at most %u\n", qemu_npds, MAX_PDS);
    }
    for (int p = 0; p < (int)qemu_npds; p++) {
        apply_setvars(&qemu_pds[p]);
    }
    for (unsigned i = 0; i < QEMU_MAX_INTID; i++) {
        irq_owner[i].pd = -1;
    }
    for (int p = 0; p < (int)qemu_npds; p++) {
        claim_irqs(p);
    }
    for (int p = next_pd(wants_init); p >= 0; p = next_pd(wants_init)) {
        current = p;
        qemu_pds[p].init();
        qemu_stack_check();
        flush_deferred(p);
        current = -1;
        sched_state[p].ready = 1;
    }
}

static void take_interrupt(unsigned intid)
{
    if (irq_owner[intid].pd >= 0) {
        qemu_gic_disable(intid); /* until the PD acks, as on seL4 */
        signal_pd(irq_owner[intid].pd, irq_owner[intid].ch);
    } else {
        qemu_printf("qemu|WARN: interrupt %u has no owner; disabled\n", intid);
        qemu_gic_disable(intid);
    }
    qemu_gic_eoi(intid);
}

static void poll_interrupts(void)
{
    for (unsigned intid = qemu_gic_ack(); intid < QEMU_MAX_INTID; intid = qemu_gic_ack()) {
        take_interrupt(intid);
    }
}

bool qemu_sched_step(void)
{
    poll_interrupts();
    int p = next_pd(wants_run);
    if (p < 0) {
        return false;
    }
    run_pd(p);
    return true;
}

_Noreturn void qemu_sched_run(void)
{
    for (;;) {
        qemu_stack_check();
        if (!qemu_sched_step()) {
            qemu_idle();
        }
    }
}
