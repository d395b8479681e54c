/*
 * The PD side of the hosted platform: main() of every PD process. It takes
 * its plan from the runner (regions to map, channels, irqs, setvar values),
 * maps the regions at the description's addresses, sets the setvar symbols,
 * then runs init() and each batch of notified() calls when the runner says
 * so. The OS seam (sddf/os.h) and hosted/hosted.h are implemented here.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <hosted/hosted.h>
#include <sddf/os.h>

#define SDDF_LOG_COMPONENT "hosted"
#include <sddf/log.h>

#include "hosted_proto.h"
#include "pd_runtime.h"

#define PERM_R 1u
#define PERM_W 2u
#define PERM_X 4u

typedef struct {
    char name[HOSTED_NAME_MAX];
    unsigned priority;
    int notify_fd[HOSTED_MAX_CH];
    unsigned peer_priority[HOSTED_MAX_CH];
    uint64_t irqs;     /* bit n: channel n is an irq */
    uint64_t deferred; /* sddf_deferred_notify() in the current handler */
    int device_fd;
    int display_fd;
    unsigned display_scanouts;
    unsigned ndma;
    hosted_dma_region_t dma[HOSTED_MAX_DMA];
    char dma_names[HOSTED_MAX_DMA][HOSTED_NAME_MAX];
    uintptr_t last_map; /* where the last PLAN_MAP's region went */
} pd_rt_t;

static pd_rt_t rt;

static _Noreturn void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static _Noreturn void fatal(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    dprintf(STDOUT_FILENO, "hosted|FATAL: %s: ", rt.name);
    vdprintf(STDOUT_FILENO, fmt, ap);
    va_end(ap);
    exit(70);
}

void sddf_log(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vdprintf(STDOUT_FILENO, fmt, ap);
    va_end(ap);
}

static void send_or_die(hosted_msg_type_t type, sddf_channel_t ch, int fd)
{
    hosted_msg_t m = {.type = type, .ch = ch};
    if (hosted_msg_send(HOSTED_CTL_FD, &m, fd) != 0) {
        exit(0); /* the runner is gone: so is the system */
    }
}

void pd_runtime_send(hosted_msg_type_t type, sddf_channel_t ch, uint64_t a)
{
    hosted_msg_t m = {.type = type, .ch = ch, .a = a};
    if (hosted_msg_send(HOSTED_CTL_FD, &m, -1) != 0) {
        exit(0); /* the runner is gone: so is the system */
    }
}

/* Blocks for the next message from the runner; returns its type (the runner closing ends the PD). */
static uint32_t wait_runner(hosted_msg_t *m, int *fd)
{
    int rc = hosted_msg_recv(HOSTED_CTL_FD, m, fd);
    if (rc == 0) {
        exit(0);
    }
    if (rc < 0) {
        fatal("bad message from the runner: %s\n", strerror(errno));
    }
    return m->type;
}

/*
 * At the map's vaddr if that range is free; otherwise (under valgrind, say, whose own mappings may sit there)
 * wherever the kernel puts it: setvar_vaddr symbols then carry the real address, as on the other platforms,
 * but code that uses the header's SDF_MR_*_VADDR for this region would see the wrong one, so it is logged.
 */
static void map_region(const hosted_msg_t *m, int fd)
{
    int prot =
            ((m->c & PERM_R) ? PROT_READ : 0) | ((m->c & PERM_W) ? PROT_WRITE : 0) | ((m->c & PERM_X) ? PROT_EXEC : 0);
    void *want = (void *)(uintptr_t)m->a;
    void *got = mmap(want, m->b, prot, MAP_SHARED | MAP_FIXED_NOREPLACE, fd, 0);
    if (got != want && got != MAP_FAILED) {
        munmap(got, m->b); /* a kernel or tool that treats MAP_FIXED_NOREPLACE as a hint */
    }
    if (got != want) {
        got = mmap(NULL, m->b, prot, MAP_SHARED, fd, 0);
        if (got == MAP_FAILED) {
            fatal("cannot map region %s (%llu bytes): %s\n", m->name, (unsigned long long)m->b, strerror(errno));
        }
        sddf_log("hosted|WARN: %s: region %s mapped at %p, not at its vaddr 0x%llx (in use): its setvar_vaddr "
                 "says so, SDF_MR_*_VADDR does not\n",
                 rt.name, m->name, got, (unsigned long long)m->a);
    }
    rt.last_map = (uintptr_t)got;
    close(fd);
}

/* Every setvar symbol must exist, as the Microkit tool and the qemu link require. */
static void set_symbol(const char *name, uintptr_t value)
{
    uintptr_t *var = dlsym(RTLD_DEFAULT, name);
    if (var == NULL) {
        fatal("the description sets symbol %s, which the PD does not define\n", name);
    }
    *var = value;
}

static void add_dma(const hosted_msg_t *m, int fd)
{
    if (rt.ndma == HOSTED_MAX_DMA) {
        fatal("more than %u DMA regions\n", HOSTED_MAX_DMA);
    }
    unsigned i = rt.ndma++;
    memcpy(rt.dma_names[i], m->name, HOSTED_NAME_MAX);
    rt.dma[i] = (hosted_dma_region_t){.fd = fd, .io = m->a, .size = m->b, .name = rt.dma_names[i]};
}

static bool plan_item(const hosted_msg_t *m, int fd)
{
    bool needs_fd = m->type == HOSTED_PLAN_MAP || m->type == HOSTED_PLAN_NOTIFY || m->type == HOSTED_PLAN_DMA ||
                    m->type == HOSTED_PLAN_DEVICE || m->type == HOSTED_PLAN_DISPLAY;
    if (needs_fd != (fd >= 0) || m->ch >= HOSTED_MAX_CH) {
        fatal("malformed plan item %u\n", (unsigned)m->type);
    }
    switch (m->type) {
    case HOSTED_PLAN_MAP:
        map_region(m, fd);
        return true;
    case HOSTED_PLAN_NOTIFY:
        rt.notify_fd[m->ch] = fd;
        rt.peer_priority[m->ch] = (unsigned)m->a;
        return true;
    case HOSTED_PLAN_IRQ:
        rt.irqs |= UINT64_C(1) << m->ch;
        return true;
    case HOSTED_PLAN_SETVAR:
        set_symbol(m->name, (uintptr_t)m->a);
        return true;
    case HOSTED_PLAN_SETVAR_VADDR:
        set_symbol(m->name, rt.last_map);
        return true;
    case HOSTED_PLAN_DMA:
        add_dma(m, fd);
        return true;
    case HOSTED_PLAN_DEVICE:
        rt.device_fd = fd;
        return true;
    case HOSTED_PLAN_DISPLAY:
        rt.display_fd = fd;
        rt.display_scanouts = (unsigned)m->a;
        return true;
    case HOSTED_PLAN_END:
        memcpy(rt.name, m->name, HOSTED_NAME_MAX);
        rt.priority = (unsigned)m->a;
        return false;
    default:
        fatal("unexpected message %u in the plan\n", (unsigned)m->type);
    }
}

static void take_plan(void)
{
    for (unsigned ch = 0; ch < HOSTED_MAX_CH; ch++) {
        rt.notify_fd[ch] = -1;
    }
    rt.device_fd = rt.display_fd = -1;
    hosted_msg_t m;
    int fd;
    do {
        wait_runner(&m, &fd);
    } while (plan_item(&m, fd));
}

static void signal_peer(sddf_channel_t ch)
{
    uint64_t one = 1;
    if (write(rt.notify_fd[ch], &one, sizeof(one)) != (ssize_t)sizeof(one)) {
        fatal("notify on channel %u: %s\n", ch, strerror(errno));
    }
    if (rt.peer_priority[ch] > rt.priority) {
        hosted_msg_t m;
        int fd;
        send_or_die(HOSTED_PREEMPT, ch, -1);
        if (wait_runner(&m, &fd) != HOSTED_RESUME) {
            fatal("expected RESUME from the runner, got %u\n", (unsigned)m.type);
        }
    }
}

void sddf_notify(sddf_channel_t ch)
{
    if (ch >= HOSTED_MAX_CH || rt.notify_fd[ch] < 0) {
        sddf_log("hosted|ERROR: %s: notify on channel %u, which it may not notify\n", rt.name, ch);
        return;
    }
    signal_peer(ch);
}

void sddf_deferred_notify(sddf_channel_t ch)
{
    if (ch >= HOSTED_MAX_CH || rt.notify_fd[ch] < 0) {
        sddf_log("hosted|ERROR: %s: deferred notify on channel %u, which it may not notify\n", rt.name, ch);
        return;
    }
    rt.deferred |= UINT64_C(1) << ch;
}

static bool is_irq(sddf_channel_t ch)
{
    return ch < HOSTED_MAX_CH && (rt.irqs & (UINT64_C(1) << ch)) != 0;
}

void sddf_irq_ack(sddf_channel_t ch)
{
    if (!is_irq(ch)) {
        sddf_log("hosted|ERROR: %s: irq ack on channel %u, which is not an irq\n", rt.name, ch);
        return;
    }
    send_or_die(HOSTED_IRQ_ACK, ch, -1);
}

/* Linux processes on one machine share coherent memory: ordering is all that is needed. */
void sddf_cache_clean(uintptr_t start, uintptr_t end)
{
    (void)start;
    (void)end;
    atomic_thread_fence(memory_order_seq_cst);
}

void sddf_cache_invalidate(uintptr_t start, uintptr_t end)
{
    (void)start;
    (void)end;
    atomic_thread_fence(memory_order_seq_cst);
}

int hosted_irq_bind(sddf_channel_t ch, int fd)
{
    if (!is_irq(ch) || fd < 0) {
        return -1;
    }
    send_or_die(HOSTED_IRQ_BIND, ch, fd);
    return 0;
}

int hosted_device_fd(void)
{
    return rt.device_fd;
}

int hosted_device_reconnect(void)
{
    if (rt.device_fd < 0) {
        return -1;
    }
    hosted_msg_t m;
    int fd;
    send_or_die(HOSTED_DEVICE_CONNECT, 0, -1);
    if (wait_runner(&m, &fd) != HOSTED_PLAN_DEVICE) {
        fatal("expected PLAN_DEVICE from the runner, got %u\n", (unsigned)m.type);
    }
    if (fd >= 0) {
        rt.device_fd = fd;
    }
    return fd;
}

int hosted_display_fd(unsigned *scanouts)
{
    *scanouts = rt.display_scanouts;
    return rt.display_fd;
}

unsigned hosted_dma_count(void)
{
    return rt.ndma;
}

int hosted_dma_region(unsigned i, hosted_dma_region_t *out)
{
    if (i >= rt.ndma) {
        return -1;
    }
    *out = rt.dma[i];
    return 0;
}

static void flush_deferred(void)
{
    uint64_t d = rt.deferred;
    rt.deferred = 0;
    for (unsigned ch = 0; d != 0; ch++, d >>= 1) {
        if (d & 1u) {
            signal_peer(ch);
        }
    }
}

static void run_batch(uint64_t pending)
{
    for (unsigned ch = 0; pending != 0 && ch < HOSTED_MAX_CH; ch++, pending >>= 1) {
        if (pending & 1u) {
            notified(ch);
        }
    }
    flush_deferred();
}

int main(void)
{
    const char *name = getenv("HOSTED_PD");
    snprintf(rt.name, sizeof(rt.name), "%s", name != NULL ? name : "pd");
    pd_runtime_catch_faults();
    take_plan();
    hosted_msg_t m;
    int fd;
    if (wait_runner(&m, &fd) != HOSTED_INIT) {
        fatal("expected INIT from the runner, got %u\n", (unsigned)m.type);
    }
    init();
    flush_deferred();
    send_or_die(HOSTED_DONE, 0, -1);
    for (;;) {
        uint32_t type = wait_runner(&m, &fd);
        if (type == HOSTED_RUN) {
            run_batch(m.a);
        } else if (type == HOSTED_FAULT) {
            pd_runtime_fault(&m);
            flush_deferred();
        } else {
            fatal("expected RUN or FAULT from the runner, got %u\n", (unsigned)m.type);
        }
        send_or_die(HOSTED_DONE, 0, -1);
    }
}
