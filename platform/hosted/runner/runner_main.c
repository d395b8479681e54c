/*
 * hosted-run: runs a system description's PDs as Linux processes.
 *
 *   hosted-run [-b BINDIR] [-d DEVICE_CMD [-D DISPLAY_CMD [-s SCANOUTS]]] [-w PD=WRAPPER]... [-t SECONDS] SYSTEM_FILE
 *
 * -b   where the PD binaries are, one per PD, named after it (default .)
 * -d   the device back-end: `sh -c DEVICE_CMD` with its vhost-user socket as fd 3
 * -D   a display process for a vhost-user-gpu device (QEMU's): `sh -c DISPLAY_CMD` with fd 3 the socket the
 *      driver hands the device (VHOST_USER_GPU_SET_SOCKET); -s how many scanouts it has (default 1)
 * -w   run PD as `sh -c 'exec WRAPPER "$0"' BINARY`, e.g. -w 'client=valgrind -q'
 * -t   stop after SECONDS (default: run until SIGINT or SIGTERM)
 *
 * See platform/hosted/README.md.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "runner.h"

static void usage(void)
{
    fprintf(stderr, "usage: hosted-run [-b BINDIR] [-d DEVICE_CMD [-D DISPLAY_CMD [-s SCANOUTS]]] [-w PD=WRAPPER]... "
                    "[-t SECONDS] SYSTEM_FILE\n");
}

static int add_wrap(runner_opts_t *o, char *arg)
{
    char *eq = strchr(arg, '=');
    if (eq == NULL || o->nwraps == RUNNER_MAX_WRAPS) {
        return -1;
    }
    *eq = '\0';
    o->wraps[o->nwraps++] = (wrap_t){.pd = arg, .cmd = eq + 1};
    return 0;
}

static int parse_options(int argc, char **argv, runner_opts_t *o)
{
    o->bindir = ".";
    int c;
    o->display_scanouts = 1;
    while ((c = getopt(argc, argv, "b:d:D:s:w:t:")) != -1) {
        switch (c) {
        case 'D':
            o->display_cmd = optarg;
            break;
        case 's':
            o->display_scanouts = (unsigned)strtoul(optarg, NULL, 10);
            break;
        case 'b':
            o->bindir = optarg;
            break;
        case 'd':
            o->device_cmd = optarg;
            break;
        case 'w':
            if (add_wrap(o, optarg) != 0) {
                return -1;
            }
            break;
        case 't':
            o->timeout_s = (unsigned)strtoul(optarg, NULL, 10);
            break;
        default:
            return -1;
        }
    }
    if (optind + 1 != argc || (o->display_cmd != NULL && o->device_cmd == NULL)) {
        return -1;
    }
    o->system = argv[optind];
    return 0;
}

static int setup_events(runner_t *r)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGCHLD);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigprocmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);
    r->epoll = epoll_create1(EPOLL_CLOEXEC);
    r->sigfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
    if (r->epoll < 0 || r->sigfd < 0 || runner_epoll_add(r, r->sigfd, TAG(K_SIGNAL, 0, 0), EPOLLIN) != 0) {
        return -1;
    }
    r->timerfd = -1;
    if (r->opts.timeout_s == 0) {
        return 0;
    }
    r->timerfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
    struct itimerspec its = {.it_value = {.tv_sec = (time_t)r->opts.timeout_s}};
    if (r->timerfd < 0 || timerfd_settime(r->timerfd, 0, &its, NULL) != 0) {
        return -1;
    }
    return runner_epoll_add(r, r->timerfd, TAG(K_TIMER, 0, 0), EPOLLIN);
}

static int start_all(runner_t *r)
{
    if (runner_spawn_device(r) != 0 || runner_spawn_display(r) != 0) {
        return -1;
    }
    for (unsigned p = 0; p < r->npds; p++) {
        if (runner_spawn_pd(r, p) != 0) {
            return -1;
        }
    }
    if (r->device_sock >= 0) {
        close(r->device_sock); /* the driver PD has its own copy now */
        r->device_sock = -1;
    }
    if (r->display_sock >= 0) {
        close(r->display_sock);
        r->display_sock = -1;
    }
    runner_say("hosted|INFO: %s: %u protection domains%s\n", r->opts.system, r->npds,
               r->has_device ? ", device back-end started" : "");
    return 0;
}

int main(int argc, char **argv)
{
    static runner_t r;
    if (parse_options(argc, argv, &r.opts) != 0) {
        usage();
        return 2;
    }
    r.sys = calloc(1, sizeof(*r.sys));
    char err[SDF_ERR_MAX] = "";
    if (r.sys == NULL || sdf_parse_file(r.sys, r.opts.system, err) != 0 || sdf_layout_qemu(r.sys, err) != 0) {
        fprintf(stderr, "hosted-run: %s\n", err[0] != '\0' ? err : "out of memory");
        return 1;
    }
    r.trace = getenv("HOSTED_TRACE") != NULL;
    int rc = 1;
    if (setup_events(&r) == 0 && runner_prepare(&r) == 0 && start_all(&r) == 0) {
        rc = runner_run(&r);
    } else {
        runner_kill_all(&r);
    }
    free(r.sys);
    return rc;
}
