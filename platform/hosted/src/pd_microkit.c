/*
 * include/microkit.h on the hosted platform: child control and fault
 * delivery, over the control socket. See that header for how a process's
 * death becomes a fault.
 */
#define _GNU_SOURCE
#include <microkit.h>

#include <signal.h>
#include <stddef.h>
#include <string.h>
#include <ucontext.h>

#include "hosted_proto.h"
#include "pd_runtime.h"

#define SDDF_LOG_COMPONENT "hosted"
#include <sddf/log.h>

#define FAULT_MRS 2u

extern seL4_Bool fault(microkit_child child, microkit_msginfo msginfo, microkit_msginfo *reply_msginfo)
        __attribute__((weak));

static seL4_Word fault_mr[FAULT_MRS];

seL4_Word microkit_msginfo_get_label(microkit_msginfo msginfo)
{
    return msginfo.label;
}

seL4_Word microkit_mr_get(seL4_Word mr)
{
    return mr < FAULT_MRS ? fault_mr[mr] : 0;
}

void microkit_pd_stop(microkit_child child)
{
    pd_runtime_send(HOSTED_PD_STOP, child, 0);
}

void microkit_pd_restart(microkit_child child, seL4_Word entry)
{
    (void)entry;
    pd_runtime_send(HOSTED_PD_RESTART, child, 0);
}

void pd_runtime_fault(const hosted_msg_t *m)
{
    if (fault == NULL) {
        LOG_ERR("child %u faulted, but this PD defines no fault()\n", (unsigned)m->ch);
        return;
    }
    fault_mr[seL4_VMFault_IP] = (seL4_Word)m->c;
    fault_mr[seL4_VMFault_Addr] = (seL4_Word)m->b;
    if (m->a != seL4_Fault_VMFault) {
        fault_mr[0] = (seL4_Word)m->b; /* the signal, or 256 + exit status */
    }
    microkit_msginfo reply = {0};
    (void)fault(m->ch, (microkit_msginfo){.label = (seL4_Word)m->a}, &reply);
    memset(fault_mr, 0, sizeof(fault_mr));
}

/* A memory fault: tell the runner where, then die of it (the handler is reset, the access repeats). */
static void on_segv(int sig, siginfo_t *si, void *uc_void)
{
    ucontext_t *uc = uc_void;
    uint64_t ip = 0;
#if defined(__x86_64__)
    ip = (uint64_t)uc->uc_mcontext.gregs[REG_RIP];
#elif defined(__aarch64__)
    ip = (uint64_t)uc->uc_mcontext.pc;
#else
    (void)uc;
#endif
    hosted_msg_t m = {.type = HOSTED_FAULT_INFO, .ch = (uint32_t)sig, .a = (uint64_t)(uintptr_t)si->si_addr, .b = ip};
    hosted_msg_send(HOSTED_CTL_FD, &m, -1);
}

void pd_runtime_catch_faults(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO | SA_RESETHAND;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGBUS, &sa, NULL);
}
