/*
 * The hosted runner: starts every PD of a system description as its own
 * Linux process and schedules them with Microkit's semantics on one virtual
 * CPU (platform/hosted/README.md).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "hosted_proto.h"
#include "sdf.h"

#define RUNNER_MAX_IRQ_FDS 4
#define RUNNER_OUT_MAX     4096
#define RUNNER_MAX_WRAPS   8

typedef enum {
    PD_IDLE,    /* blocked waiting for RUN (or INIT) */
    PD_RUNNING, /* in a handler: the runner waits for its DONE or PREEMPT */
    PD_WAITING, /* sent PREEMPT: waits for RESUME */
    PD_DEAD,
} pd_state_t;

/* A process whose output the runner prefixes: a PD or the device back-end. */
typedef struct {
    char name[SDF_NAME_MAX];
    pid_t pid;
    int out; /* read end of its stdout/stderr pipe, -1 once closed */
    size_t outlen;
    char outbuf[RUNNER_OUT_MAX];
    bool reaped;
    bool stopped_by_parent;
} proc_t;

typedef struct {
    proc_t proc;
    unsigned priority;
    int ctl; /* our end of its control socket, -1 once closed */
    pd_state_t state;
    bool ready; /* init() has returned */
    uint64_t pending;
    uint64_t irqs;   /* bit n: channel n is an irq */
    uint64_t masked; /* irqs delivered and not yet acknowledged */
    uint64_t faults; /* bit n: child n died, its fault not yet delivered to us */
    bool restart;    /* restart once reaped */
    uint32_t fault_label;
    uint64_t fault_b, fault_c; /* address (or signal) and instruction of its death, for the parent */
    int inbox[HOSTED_MAX_CH];
    int irq_fd[HOSTED_MAX_CH][RUNNER_MAX_IRQ_FDS];
    unsigned nirq_fd[HOSTED_MAX_CH];
} rpd_t;

typedef struct {
    const char *pd;
    const char *cmd;
} wrap_t;

typedef struct {
    const char *system;
    const char *bindir;
    const char *device_cmd;
    const char *display_cmd;
    unsigned display_scanouts;
    unsigned timeout_s;
    unsigned nwraps;
    wrap_t wraps[RUNNER_MAX_WRAPS];
} runner_opts_t;

typedef struct {
    sdf_system_t *sys;
    runner_opts_t opts;
    int mr_fd[SDF_MAX_MRS];
    int device_pd;    /* the PD that maps a device region, -1 if none */
    int device_sock;  /* the runner's copy of that PD's end, -1 if none */
    int device_other; /* the back-end's end */
    proc_t device;
    bool has_device;
    int display_sock;  /* the device PD's end of the display socket, -1 if none */
    int display_other; /* the display process's end */
    proc_t display;
    bool has_display;
    unsigned npds;
    rpd_t pds[SDF_MAX_PDS];
    int stack[SDF_MAX_PDS];
    unsigned depth;
    int epoll;
    int sigfd;
    int timerfd;
    bool stopping;
    bool trace; /* HOSTED_TRACE set: every scheduling step printed */
    int status; /* the runner's exit status */
} runner_t;

/* runner_plan.c: regions, eventfds, the plan each PD receives. */
int runner_prepare(runner_t *r);
int runner_send_plan(runner_t *r, unsigned p);

/* runner_spawn.c: processes and their output. */
int runner_spawn_pd(runner_t *r, unsigned p);
int runner_spawn_device(runner_t *r);
int runner_restart_device(runner_t *r); /* the device PD's end of a fresh back-end's socket, or -1 */
int runner_spawn_display(runner_t *r);
int runner_output(runner_t *r, proc_t *pc); /* 1 if it read something */
void runner_output_flush(proc_t *pc);
void runner_reap(runner_t *r);
void runner_kill_all(runner_t *r);

/* runner_sched.c: the event loop. */
int runner_run(runner_t *r);
/* PD p's process ended with wait status `status`: a fault for its parent, or a pending restart. */
void runner_pd_died(runner_t *r, unsigned p, int status);

/* epoll tags */
#define TAG_KIND(t)       ((unsigned)((t) >> 56))
#define TAG_PD(t)         ((unsigned)(((t) >> 16) & 0xffffu))
#define TAG_CH(t)         ((unsigned)((t)&0xffffu))
#define TAG(kind, pd, ch) (((uint64_t)(kind) << 56) | ((uint64_t)(pd) << 16) | (uint64_t)(ch))

enum {
    K_CTL = 1,
    K_OUT,
    K_INBOX,
    K_IRQ,
    K_SIGNAL,
    K_TIMER,
    K_DEVOUT,
    K_DISPOUT
};

int runner_epoll_add(runner_t *r, int fd, uint64_t tag, uint32_t events);

void runner_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
