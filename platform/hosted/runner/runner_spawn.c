/*
 * Processes: each PD (its binary BINDIR/NAME, or a wrapper command around it,
 * e.g. valgrind or gdbserver), and the device back-end. Their stdout and
 * stderr go to one pipe each, printed line by line with "[name] " in front.
 * A process that ends is reported with its name and exit status.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runner.h"

void runner_say(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char line[1024];
    int n = vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    if (n > 0) {
        size_t len = (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1;
        if (write(STDOUT_FILENO, line, len) < 0) {
            /* nowhere left to report it */
        }
    }
}

static void print_line(const proc_t *pc, const char *s, size_t len)
{
    char line[RUNNER_OUT_MAX + SDF_NAME_MAX + 8];
    int n = snprintf(line, sizeof(line), "[%s] %.*s\n", pc->name, (int)len, s);
    if (n > 0 && write(STDOUT_FILENO, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1) < 0) {
        /* nowhere left to report it */
    }
}

void runner_output_flush(proc_t *pc)
{
    if (pc->outlen > 0) {
        print_line(pc, pc->outbuf, pc->outlen);
        pc->outlen = 0;
    }
}

/* Prints every complete line; a line longer than the buffer is printed in pieces. */
static void split_lines(proc_t *pc)
{
    size_t start = 0;
    for (size_t i = 0; i < pc->outlen; i++) {
        if (pc->outbuf[i] == '\n') {
            print_line(pc, pc->outbuf + start, i - start);
            start = i + 1;
        }
    }
    memmove(pc->outbuf, pc->outbuf + start, pc->outlen - start);
    pc->outlen -= start;
    if (pc->outlen == sizeof(pc->outbuf)) {
        runner_output_flush(pc);
    }
}

int runner_output(runner_t *r, proc_t *pc)
{
    ssize_t n = read(pc->out, pc->outbuf + pc->outlen, sizeof(pc->outbuf) - pc->outlen);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
        return 0;
    }
    if (n <= 0) {
        runner_output_flush(pc);
        epoll_ctl(r->epoll, EPOLL_CTL_DEL, pc->out, NULL);
        close(pc->out);
        pc->out = -1;
        return 0;
    }
    pc->outlen += (size_t)n;
    split_lines(pc);
    return 1;
}

static const char *wrapper_of(const runner_t *r, const char *pd)
{
    for (unsigned i = 0; i < r->opts.nwraps; i++) {
        if (strcmp(r->opts.wraps[i].pd, pd) == 0) {
            return r->opts.wraps[i].cmd;
        }
    }
    return NULL;
}

/* In the child: fd 3 = control socket (or device socket), 1 and 2 = the output pipe; then exec. */
static _Noreturn void child_exec(int ctl, int out, const char *wrapper, const char *path, const char *name)
{
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    setenv("HOSTED_PD", name, 1); /* the PD runtime's name until its plan names it */
    if (dup2(out, STDOUT_FILENO) < 0 || dup2(out, STDERR_FILENO) < 0 || (ctl >= 0 && dup2(ctl, HOSTED_CTL_FD) < 0)) {
        _exit(127);
    }
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    if (wrapper != NULL) {
        execl("/bin/sh", "sh", "-c", wrapper, path, (char *)NULL);
    } else {
        execl(path, path, (char *)NULL);
    }
    dprintf(STDOUT_FILENO, "hosted|ERROR: cannot run %s: %s\n", path, strerror(errno));
    _exit(127);
}

/* Forks `pc` with its output pipe registered under `tag`. */
static int spawn(runner_t *r, proc_t *pc, uint64_t tag, int ctl, const char *wrapper, const char *path)
{
    int pipefd[2];
    if (pipe2(pipefd, O_CLOEXEC) != 0 || fcntl(pipefd[0], F_SETFL, O_NONBLOCK) != 0) {
        runner_say("hosted|ERROR: pipe: %s\n", strerror(errno));
        return -1;
    }
    pid_t pid = fork();
    if (pid < 0) {
        runner_say("hosted|ERROR: fork: %s\n", strerror(errno));
        close(pipefd[0]);
        close(pipefd[1]);
        return -1;
    }
    if (pid == 0) {
        child_exec(ctl, pipefd[1], wrapper, path, pc->name);
    }
    close(pipefd[1]);
    pc->pid = pid;
    pc->out = pipefd[0];
    pc->reaped = false;
    return runner_epoll_add(r, pc->out, tag, EPOLLIN);
}

int runner_spawn_pd(runner_t *r, unsigned p)
{
    rpd_t *pd = &r->pds[p];
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) {
        runner_say("hosted|ERROR: socketpair: %s\n", strerror(errno));
        return -1;
    }
    char path[SDF_PATH_MAX + SDF_NAME_MAX + 2];
    snprintf(path, sizeof(path), "%s/%s", r->opts.bindir, pd->proc.name);
    if (access(path, X_OK) != 0) {
        runner_say("hosted|ERROR: no program for PD %s: %s: %s\n", pd->proc.name, path, strerror(errno));
        close(sv[0]);
        close(sv[1]);
        return -1;
    }
    const char *wrapper = wrapper_of(r, pd->proc.name);
    char script[1024];
    if (wrapper != NULL) {
        snprintf(script, sizeof(script), "exec %s \"$0\"", wrapper); /* sh -c 'exec WRAPPER "$0"' BINARY */
    }
    int rc = spawn(r, &pd->proc, TAG(K_OUT, p, 0), sv[1], wrapper != NULL ? script : NULL, path);
    close(sv[1]);
    pd->ctl = sv[0];
    pd->state = PD_IDLE;
    if (rc != 0 || runner_epoll_add(r, pd->ctl, TAG(K_CTL, p, 0), EPOLLIN) != 0) {
        return -1;
    }
    return runner_send_plan(r, p);
}

/* The back-end runs `sh -c DEVICE_CMD` with its end of the vhost-user socket as fd 3. */
int runner_spawn_device(runner_t *r)
{
    if (r->opts.device_cmd == NULL) {
        return 0;
    }
    snprintf(r->device.name, sizeof(r->device.name), "device");
    r->has_device = true;
    int rc = spawn(r, &r->device, TAG(K_DEVOUT, 0, 0), r->device_other, r->opts.device_cmd, "device");
    close(r->device_other);
    r->device_other = -1;
    return rc;
}

/*
 * A fresh back-end for the device PD, if the last one has ended and there is no display process (QEMU's
 * vhost-user-gpu holds the display socket, which is not renewed): a new socketpair, the back-end started on
 * one end as at start. Returns the device PD's end, or -1.
 */
int runner_restart_device(runner_t *r)
{
    runner_reap(r); /* a back-end that has just died may not be reaped yet */
    if (!r->has_device || !r->device.reaped || r->has_display || r->stopping) {
        return -1;
    }
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
        runner_say("hosted|ERROR: socketpair: %s\n", strerror(errno));
        return -1;
    }
    if (r->device.out >= 0) {
        epoll_ctl(r->epoll, EPOLL_CTL_DEL, r->device.out, NULL);
        close(r->device.out);
        r->device.out = -1;
    }
    r->device.outlen = 0;
    r->device_other = sv[1];
    if (runner_spawn_device(r) != 0) {
        close(sv[0]);
        return -1;
    }
    runner_say("hosted|INFO: device back-end restarted (pid %d)\n", (int)r->device.pid);
    return sv[0];
}

/* The display process runs `sh -c DISPLAY_CMD` with its end of the display socket as fd 3. */
int runner_spawn_display(runner_t *r)
{
    if (r->opts.display_cmd == NULL) {
        return 0;
    }
    snprintf(r->display.name, sizeof(r->display.name), "display");
    r->has_display = true;
    int rc = spawn(r, &r->display, TAG(K_DISPOUT, 0, 0), r->display_other, r->opts.display_cmd, "display");
    close(r->display_other);
    r->display_other = -1;
    return rc;
}

static void describe_exit(const proc_t *pc, int status)
{
    if (pc->stopped_by_parent) {
        runner_say("hosted|INFO: %s stopped by its parent\n", pc->name);
    } else if (WIFSIGNALED(status)) {
        int sig = WTERMSIG(status);
        runner_say("hosted|ERROR: %s died: killed by signal %d (%s)\n", pc->name, sig, strsignal(sig));
    } else if (WEXITSTATUS(status) != 0) {
        runner_say("hosted|ERROR: %s died: exit status %d\n", pc->name, WEXITSTATUS(status));
    } else {
        runner_say("hosted|INFO: %s exited: status 0\n", pc->name);
    }
}

static proc_t *find_proc(runner_t *r, pid_t pid, int *pd_index)
{
    *pd_index = -1;
    for (unsigned p = 0; p < r->npds; p++) {
        if (r->pds[p].proc.pid == pid) {
            *pd_index = (int)p;
            return &r->pds[p].proc;
        }
    }
    if (r->has_display && r->display.pid == pid) {
        return &r->display;
    }
    return r->has_device && r->device.pid == pid ? &r->device : NULL;
}

static void pd_gone(runner_t *r, rpd_t *pd)
{
    pd->state = PD_DEAD;
    if (pd->ctl >= 0) {
        epoll_ctl(r->epoll, EPOLL_CTL_DEL, pd->ctl, NULL);
        close(pd->ctl);
        pd->ctl = -1;
    }
}

void runner_reap(runner_t *r)
{
    int status;
    pid_t pid;
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
        int p;
        proc_t *pc = find_proc(r, pid, &p);
        if (pc == NULL) {
            continue;
        }
        while (pc->out >= 0 && runner_output(r, pc) > 0) {
            /* everything it printed comes before the report of its end */
        }
        pc->reaped = true;
        if (!r->stopping) {
            describe_exit(pc, status);
        }
        if (p >= 0) {
            pd_gone(r, &r->pds[p]);
            runner_pd_died(r, (unsigned)p, status);
        }
    }
}

void runner_kill_all(runner_t *r)
{
    for (unsigned p = 0; p < r->npds; p++) {
        if (r->pds[p].proc.pid > 0 && !r->pds[p].proc.reaped) {
            kill(r->pds[p].proc.pid, SIGKILL);
        }
    }
    if (r->has_device && r->device.pid > 0 && !r->device.reaped) {
        kill(r->device.pid, SIGTERM);
    }
    if (r->has_display && r->display.pid > 0 && !r->display.reaped) {
        kill(r->display.pid, SIGTERM);
    }
}
