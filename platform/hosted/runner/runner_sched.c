/*
 * Microkit's semantics on one virtual CPU, as the qemu platform gives them
 * (platform/qemu/README.md, "Differences from seL4 and Microkit"): at most one
 * PD runs a handler at a time.
 *
 * - init() of every PD once, highest priority first (equal: declaration
 *   order), before the runner delivers any notification, except to a PD of
 *   higher priority than the one in init(), which preempts it.
 * - A notification sets a bit in the receiver's pending set; the runner runs
 *   the highest-priority PD with pending bits and hands it the whole set
 *   (notified() in ascending channel order), again while bits arrive.
 * - A notify to a PD of strictly higher priority than the sender stops the
 *   sender (PREEMPT) until every PD above it with work has run.
 * - An irq is delivered when one of its fds becomes readable, then masked
 *   until the PD acknowledges it. Interrupts never preempt a running handler.
 *
 * The stack holds the PDs that are in a handler: only the top one runs, the
 * others wait for RESUME. A PD that dies is reported and dropped from it; the
 * others keep running.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "runner.h"

#include <microkit.h>
#include <sys/wait.h>

int runner_epoll_add(runner_t *r, int fd, uint64_t tag, uint32_t events)
{
    struct epoll_event ev = {.events = events, .data.u64 = tag};
    if (epoll_ctl(r->epoll, EPOLL_CTL_ADD, fd, &ev) != 0) {
        runner_say("hosted|ERROR: epoll_ctl: %s\n", strerror(errno));
        return -1;
    }
    return 0;
}

static void send_to(runner_t *r, unsigned p, hosted_msg_type_t type, uint64_t a)
{
    hosted_msg_t m = {.type = type, .a = a};
    if (r->pds[p].ctl < 0 || hosted_msg_send(r->pds[p].ctl, &m, -1) != 0) {
        r->pds[p].state = PD_DEAD; /* its end is reported when it is reaped */
    }
}

static int top(const runner_t *r)
{
    return r->depth == 0 ? -1 : r->stack[r->depth - 1];
}

/* The child whose death PD p hears of next (lowest id first), as a FAULT message. */
static hosted_msg_t next_fault(runner_t *r, unsigned p)
{
    rpd_t *pd = &r->pds[p];
    unsigned id = (unsigned)__builtin_ctzll(pd->faults);
    pd->faults &= ~(UINT64_C(1) << id);
    hosted_msg_t m = {.type = HOSTED_FAULT, .ch = id};
    for (unsigned q = 0; q < r->npds; q++) {
        const sdf_pd_t *c = &r->sys->pds[q];
        if (c->parent == (int)p && c->child_id == id) {
            m.a = r->pds[q].fault_label;
            m.b = r->pds[q].fault_b;
            m.c = r->pds[q].fault_c;
        }
    }
    return m;
}

static void start(runner_t *r, unsigned p, hosted_msg_type_t type)
{
    rpd_t *pd = &r->pds[p];
    if (type == HOSTED_RUN && pd->faults != 0) {
        hosted_msg_t m = next_fault(r, p);
        pd->state = PD_RUNNING;
        r->stack[r->depth++] = (int)p;
        if (hosted_msg_send(pd->ctl, &m, -1) != 0) {
            pd->state = PD_DEAD;
        }
        return;
    }
    uint64_t batch = type == HOSTED_RUN ? pd->pending : 0; /* what arrives before init() waits for the first RUN */
    if (r->trace) {
        runner_say("hosted|TRACE: %s %s 0x%llx\n", type == HOSTED_RUN ? "run" : "init", pd->proc.name,
                   (unsigned long long)batch);
    }
    pd->pending &= ~batch;
    pd->state = PD_RUNNING;
    r->stack[r->depth++] = (int)p;
    send_to(r, p, type, batch);
}

/* Highest priority first, equal priorities in declaration order. */
static int best(const runner_t *r, bool want_init)
{
    int b = -1;
    for (unsigned p = 0; p < r->npds; p++) {
        const rpd_t *pd = &r->pds[p];
        bool work = pd->pending != 0 || pd->faults != 0;
        bool want = pd->state == PD_IDLE && (want_init ? !pd->ready : (pd->ready && work));
        if (want && (b < 0 || pd->priority > r->pds[b].priority)) {
            b = (int)p;
        }
    }
    return b;
}

static void dispatch(runner_t *r)
{
    for (;;) {
        int t = top(r);
        if (t >= 0 && r->pds[t].state == PD_RUNNING) {
            return;
        }
        if (t >= 0 && r->pds[t].state == PD_DEAD) {
            r->depth--;
            continue;
        }
        int b = best(r, false);
        if (t < 0) {
            int i = best(r, true);
            if (i >= 0 || b >= 0) {
                start(r, (unsigned)(i >= 0 ? i : b), i >= 0 ? HOSTED_INIT : HOSTED_RUN);
            }
            return;
        }
        if (b >= 0 && r->pds[b].priority > r->pds[t].priority) {
            start(r, (unsigned)b, HOSTED_RUN);
            return;
        }
        r->pds[t].state = PD_RUNNING;
        if (r->trace) {
            runner_say("hosted|TRACE: resume %s\n", r->pds[t].proc.name);
        }
        send_to(r, (unsigned)t, HOSTED_RESUME, 0);
    }
}

static void take_inbox(runner_t *r, unsigned p, unsigned ch)
{
    uint64_t v;
    if (read(r->pds[p].inbox[ch], &v, sizeof(v)) == (ssize_t)sizeof(v)) {
        r->pds[p].pending |= UINT64_C(1) << ch;
    }
}

/*
 * A source that hung up (a dead peer) stays readable for ever: it fires this once more and is then dropped, or
 * it would storm the irq. Which fd it was is not in the tag, so every hung-up source of the irq is dropped.
 */
static void drop_hung_up(runner_t *r, unsigned p, unsigned ch)
{
    rpd_t *pd = &r->pds[p];
    unsigned kept = 0;
    for (unsigned i = 0; i < pd->nirq_fd[ch]; i++) {
        int fd = pd->irq_fd[ch][i];
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        if (poll(&pfd, 1, 0) == 1 && (pfd.revents & (POLLHUP | POLLERR)) != 0) {
            epoll_ctl(r->epoll, EPOLL_CTL_DEL, fd, NULL);
            close(fd);
            runner_say("hosted|INFO: %s: a source of irq channel %u hung up; it no longer feeds the irq\n",
                       pd->proc.name, ch);
            continue;
        }
        pd->irq_fd[ch][kept++] = fd;
    }
    pd->nirq_fd[ch] = kept;
}

static void take_irq(runner_t *r, unsigned p, unsigned ch, uint32_t events)
{
    rpd_t *pd = &r->pds[p];
    pd->pending |= UINT64_C(1) << ch;
    pd->masked |= UINT64_C(1) << ch; /* EPOLLONESHOT disarmed the fd that fired; ack re-arms all */
    if ((events & (EPOLLHUP | EPOLLERR)) != 0) {
        drop_hung_up(r, p, ch);
    }
}

static void irq_ack(runner_t *r, unsigned p, unsigned ch)
{
    rpd_t *pd = &r->pds[p];
    if ((pd->masked & (UINT64_C(1) << ch)) == 0) {
        return;
    }
    pd->masked &= ~(UINT64_C(1) << ch);
    for (unsigned i = 0; i < pd->nirq_fd[ch]; i++) {
        struct epoll_event ev = {.events = EPOLLIN | EPOLLONESHOT, .data.u64 = TAG(K_IRQ, p, ch)};
        epoll_ctl(r->epoll, EPOLL_CTL_MOD, pd->irq_fd[ch][i], &ev);
    }
}

static void irq_bind(runner_t *r, unsigned p, unsigned ch, int fd)
{
    rpd_t *pd = &r->pds[p];
    if (pd->nirq_fd[ch] == RUNNER_MAX_IRQ_FDS ||
        runner_epoll_add(r, fd, TAG(K_IRQ, p, ch), EPOLLIN | EPOLLONESHOT) != 0) {
        runner_say("hosted|ERROR: %s: cannot bind another fd to irq channel %u\n", pd->proc.name, ch);
        close(fd);
        return;
    }
    pd->irq_fd[ch][pd->nirq_fd[ch]++] = fd;
}

/* The peer of PD p's channel ch, for reading its inbox at once on PREEMPT. */
static void preempt(runner_t *r, unsigned p, unsigned ch)
{
    r->pds[p].state = PD_WAITING;
    const sdf_system_t *sys = r->sys;
    for (unsigned c = 0; c < sys->nchannels; c++) {
        for (unsigned e = 0; e < 2; e++) {
            const sdf_end_t *end = &sys->channels[c].ends[e];
            const sdf_end_t *peer = &sys->channels[c].ends[1 - e];
            if (end->pd == (int)p && end->id == ch) {
                take_inbox(r, (unsigned)peer->pd, peer->id);
            }
        }
    }
}

/* The PD that is child `id` of PD p, or -1. */
static int child_of(const runner_t *r, unsigned p, uint32_t id)
{
    for (unsigned q = 0; q < r->npds; q++) {
        if (r->sys->pds[q].parent == (int)p && r->sys->pds[q].child_id == id) {
            return (int)q;
        }
    }
    return -1;
}

/* A fresh process for PD q: its plan again, then init() when the runner next has nothing running. */
static void respawn(runner_t *r, unsigned q)
{
    rpd_t *pd = &r->pds[q];
    for (unsigned ch = 0; ch < HOSTED_MAX_CH; ch++) {
        for (unsigned i = 0; i < pd->nirq_fd[ch]; i++) {
            epoll_ctl(r->epoll, EPOLL_CTL_DEL, pd->irq_fd[ch][i], NULL);
            close(pd->irq_fd[ch][i]);
        }
        pd->nirq_fd[ch] = 0;
    }
    pd->ready = pd->restart = pd->proc.stopped_by_parent = false;
    pd->pending = pd->masked = pd->faults = 0;
    pd->fault_label = 0;
    pd->fault_b = pd->fault_c = 0;
    if (runner_spawn_pd(r, q) != 0) {
        runner_say("hosted|ERROR: %s: restart failed\n", pd->proc.name);
        pd->state = PD_DEAD;
    }
}

static void child_control(runner_t *r, unsigned p, const hosted_msg_t *m)
{
    unsigned q = (unsigned)child_of(r, p, m->ch);
    rpd_t *c = &r->pds[q];
    if (!c->proc.reaped) {
        c->proc.stopped_by_parent = true;
        kill(c->proc.pid, SIGKILL);
    }
    if (m->type == HOSTED_PD_RESTART) {
        if (c->proc.reaped) {
            respawn(r, q);
        } else {
            c->restart = true; /* once its end is reaped */
        }
    }
}

void runner_pd_died(runner_t *r, unsigned p, int status)
{
    rpd_t *pd = &r->pds[p];
    int parent = r->sys->pds[p].parent;
    if (pd->restart) {
        respawn(r, p);
        return;
    }
    if (parent < 0 || pd->proc.stopped_by_parent || r->pds[parent].state == PD_DEAD) {
        return;
    }
    int sig = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
    if ((sig == SIGSEGV || sig == SIGBUS) && pd->fault_label == seL4_Fault_VMFault) {
        /* address and instruction came with FAULT_INFO */
    } else {
        pd->fault_label = seL4_Fault_UserException;
        pd->fault_b = sig != 0 ? (uint64_t)sig : 256u + (uint64_t)WEXITSTATUS(status);
        pd->fault_c = 0;
    }
    r->pds[parent].faults |= UINT64_C(1) << r->sys->pds[p].child_id;
}

/* The reply to DEVICE_CONNECT: PLAN_DEVICE, with a fresh back-end's socket if there is one. */
static void device_connect(runner_t *r, unsigned p)
{
    int fd = runner_restart_device(r);
    hosted_msg_t reply = {.type = HOSTED_PLAN_DEVICE, .a = fd >= 0};
    if (hosted_msg_send(r->pds[p].ctl, &reply, fd) != 0) {
        runner_say("hosted|ERROR: %s: cannot answer DEVICE_CONNECT: %s\n", r->pds[p].proc.name, strerror(errno));
    }
    if (fd >= 0) {
        close(fd);
    }
}

static bool msg_ok(const runner_t *r, unsigned p, const hosted_msg_t *m, int fd)
{
    const rpd_t *pd = &r->pds[p];
    bool running = top(r) == (int)p && pd->state == PD_RUNNING;
    bool is_irq = m->ch < HOSTED_MAX_CH && (pd->irqs & (UINT64_C(1) << m->ch)) != 0;
    switch (m->type) {
    case HOSTED_DONE:
        return running && fd < 0;
    case HOSTED_PREEMPT:
        return running && fd < 0 && m->ch < HOSTED_MAX_CH;
    case HOSTED_IRQ_BIND:
        return running && is_irq && fd >= 0;
    case HOSTED_IRQ_ACK:
        return running && is_irq && fd < 0;
    case HOSTED_FAULT_INFO:
        return running && fd < 0;
    case HOSTED_PD_STOP:
    case HOSTED_PD_RESTART:
        return running && fd < 0 && child_of(r, p, m->ch) >= 0;
    case HOSTED_DEVICE_CONNECT:
        return running && fd < 0 && (int)p == r->device_pd;
    default:
        return false;
    }
}

static void pd_message(runner_t *r, unsigned p, const hosted_msg_t *m, int fd)
{
    rpd_t *pd = &r->pds[p];
    if (r->trace) {
        runner_say("hosted|TRACE: %s says %u (channel %u)\n", pd->proc.name, (unsigned)m->type, (unsigned)m->ch);
    }
    if (!msg_ok(r, p, m, fd)) {
        runner_say("hosted|ERROR: %s: unexpected control message %u (channel %u): stopped\n", pd->proc.name,
                   (unsigned)m->type, (unsigned)m->ch);
        if (fd >= 0) {
            close(fd);
        }
        kill(pd->proc.pid, SIGKILL);
        pd->state = PD_DEAD;
        return;
    }
    switch (m->type) {
    case HOSTED_DONE:
        pd->ready = true;
        pd->state = PD_IDLE;
        r->depth--;
        break;
    case HOSTED_PREEMPT:
        preempt(r, p, m->ch);
        break;
    case HOSTED_IRQ_BIND:
        irq_bind(r, p, m->ch, fd);
        break;
    case HOSTED_IRQ_ACK:
        irq_ack(r, p, m->ch);
        break;
    case HOSTED_FAULT_INFO:
        pd->fault_label = seL4_Fault_VMFault;
        pd->fault_b = m->a;
        pd->fault_c = m->b;
        break;
    case HOSTED_PD_STOP:
    case HOSTED_PD_RESTART:
        child_control(r, p, m);
        break;
    case HOSTED_DEVICE_CONNECT:
        device_connect(r, p);
        break;
    }
}

static void ctl_event(runner_t *r, unsigned p)
{
    hosted_msg_t m;
    int fd;
    int rc = hosted_msg_recv(r->pds[p].ctl, &m, &fd);
    if (rc > 0) {
        pd_message(r, p, &m, fd);
        return;
    }
    /* End of file: the process is gone or going; runner_reap() reports how it ended. */
    epoll_ctl(r->epoll, EPOLL_CTL_DEL, r->pds[p].ctl, NULL);
    close(r->pds[p].ctl);
    r->pds[p].ctl = -1;
    r->pds[p].state = PD_DEAD;
}

static void signal_event(runner_t *r)
{
    struct signalfd_siginfo si;
    while (read(r->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
        if (si.ssi_signo == SIGCHLD) {
            runner_reap(r);
        } else {
            r->stopping = true;
        }
    }
}

static void handle(runner_t *r, uint64_t tag, uint32_t events)
{
    unsigned p = TAG_PD(tag);
    switch (TAG_KIND(tag)) {
    case K_CTL:
        ctl_event(r, p);
        break;
    case K_OUT:
        runner_output(r, &r->pds[p].proc);
        break;
    case K_DEVOUT:
        runner_output(r, &r->device);
        break;
    case K_DISPOUT:
        runner_output(r, &r->display);
        break;
    case K_INBOX:
        take_inbox(r, p, TAG_CH(tag));
        break;
    case K_IRQ:
        take_irq(r, p, TAG_CH(tag), events);
        break;
    case K_SIGNAL:
        signal_event(r);
        break;
    case K_TIMER:
        r->stopping = true;
        break;
    }
}

static bool all_dead(const runner_t *r)
{
    for (unsigned p = 0; p < r->npds; p++) {
        if (!r->pds[p].proc.reaped) {
            return false;
        }
    }
    return true;
}

/* Handles events until none is ready (timeout_ms 0) or one batch arrived (timeout_ms -1). */
static int poll_events(runner_t *r, int timeout_ms)
{
    struct epoll_event ev[64];
    int n = epoll_wait(r->epoll, ev, 64, timeout_ms);
    if (n < 0 && errno != EINTR) {
        runner_say("hosted|ERROR: epoll_wait: %s\n", strerror(errno));
        r->stopping = true;
        return 0;
    }
    for (int i = 0; i < n; i++) {
        handle(r, ev[i].data.u64, ev[i].events);
    }
    return n < 0 ? 0 : n;
}

int runner_run(runner_t *r)
{
    while (!r->stopping) {
        while (poll_events(r, 0) > 0 && !r->stopping) {
        }
        dispatch(r);
        if (all_dead(r)) {
            runner_say("hosted|ERROR: every PD has ended\n");
            r->status = 1;
            break;
        }
        poll_events(r, -1);
    }
    runner_kill_all(r);
    return r->status;
}
