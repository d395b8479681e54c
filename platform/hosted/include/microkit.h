/*
 * The part of libmicrokit's API (microkit.h) that a supervisor PD uses, for
 * the hosted platform: fault() delivery from a child PD, stopping and
 * restarting it (platform/microkit/supervisor/supervisor.c builds against
 * this unchanged). Everything else goes through the OS seam, sddf/os.h.
 *
 * On this platform a child's fault is the death of its process. A SIGSEGV or
 * SIGBUS arrives as seL4_Fault_VMFault with the faulting address and
 * instruction in message registers seL4_VMFault_Addr and seL4_VMFault_IP;
 * any other death (kill -9, abort) as seL4_Fault_UserException with the
 * signal number (or 256 + the exit status) in message register 0. The label
 * values are this header's, not seL4's. fault()'s return value and reply are
 * ignored: a dead process cannot be resumed, only restarted.
 */
#pragma once

#include <stdint.h>

typedef uintptr_t seL4_Word;
typedef int8_t seL4_Bool;
#define seL4_True  ((seL4_Bool)1)
#define seL4_False ((seL4_Bool)0)

typedef unsigned int microkit_child;

typedef struct microkit_msginfo {
    seL4_Word label;
} microkit_msginfo;

enum {
    seL4_Fault_NullFault = 0,
    seL4_Fault_UserException = 3,
    seL4_Fault_VMFault = 5,
};

enum {
    seL4_VMFault_IP = 0,
    seL4_VMFault_Addr = 1,
};

seL4_Word microkit_msginfo_get_label(microkit_msginfo msginfo);

/* Message register mr of the fault being delivered (0 outside fault()). */
seL4_Word microkit_mr_get(seL4_Word mr);

/* Stop child `child` (kill its process if it still runs). */
void microkit_pd_stop(microkit_child child);

/* Start child `child` afresh: a new process, its plan again, init(), then notifications. `entry` is ignored. */
void microkit_pd_restart(microkit_child child, seL4_Word entry);

/* Defined by a PD that has children. */
seL4_Bool fault(microkit_child child, microkit_msginfo msginfo, microkit_msginfo *reply_msginfo);
