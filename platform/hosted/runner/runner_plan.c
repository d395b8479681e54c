/*
 * What the runner creates from the description before any PD starts, and the
 * plan each PD receives over its control socket:
 *
 * - a memfd per memory region without phys_addr, mapped (MAP_SHARED) only by
 *   the PDs whose <map> names it, at the map's vaddr;
 * - an eventfd per channel end: the PD at the other end writes it to notify,
 *   the runner reads it and delivers the notification;
 * - for the PD that maps a device region (phys_addr): a vhost-user socket to
 *   the device back-end, and the DMA regions (every region named in a
 *   <setvar region_paddr>, at its IO address: the qemu platform's layout).
 *
 * Device regions are not mapped: on this platform the device is a back-end
 * process, not registers.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "runner.h"

static int make_region(runner_t *r, unsigned i)
{
    const sdf_mr_t *mr = &r->sys->mrs[i];
    r->mr_fd[i] = -1;
    if (mr->has_phys_addr) {
        return 0;
    }
    int fd = memfd_create(mr->name, MFD_CLOEXEC);
    if (fd < 0 || ftruncate(fd, (off_t)mr->size) != 0) {
        runner_say("hosted|ERROR: region %s (%llu bytes): %s\n", mr->name, (unsigned long long)mr->size,
                   strerror(errno));
        if (fd >= 0) {
            close(fd);
        }
        return -1;
    }
    r->mr_fd[i] = fd;
    return 0;
}

static int make_inboxes(runner_t *r)
{
    for (unsigned c = 0; c < r->sys->nchannels; c++) {
        for (unsigned e = 0; e < 2; e++) {
            const sdf_end_t *end = &r->sys->channels[c].ends[e];
            int fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
            if (fd < 0) {
                runner_say("hosted|ERROR: eventfd: %s\n", strerror(errno));
                return -1;
            }
            r->pds[end->pd].inbox[end->id] = fd;
            if (runner_epoll_add(r, fd, TAG(K_INBOX, end->pd, end->id), EPOLLIN) != 0) {
                return -1;
            }
        }
    }
    return 0;
}

/* The PD that maps a region with phys_addr is the one the device belongs to; at most one. */
static int find_device_pd(runner_t *r)
{
    r->device_pd = -1;
    for (unsigned p = 0; p < r->sys->npds; p++) {
        const sdf_pd_t *pd = &r->sys->pds[p];
        for (unsigned m = 0; m < pd->nmaps; m++) {
            if (!r->sys->mrs[pd->maps[m].mr].has_phys_addr || r->device_pd == (int)p) {
                continue;
            }
            if (r->device_pd >= 0) {
                runner_say("hosted|ERROR: %s and %s both map device regions; one device PD is supported\n",
                           r->sys->pds[r->device_pd].name, pd->name);
                return -1;
            }
            r->device_pd = (int)p;
        }
    }
    return 0;
}

static int make_device_link(runner_t *r)
{
    r->device_sock = r->device_other = r->display_sock = r->display_other = -1;
    if (find_device_pd(r) != 0) {
        return -1;
    }
    if (r->opts.device_cmd == NULL) {
        return 0;
    }
    if (r->device_pd < 0) {
        runner_say("hosted|ERROR: a device was given, but no PD maps a device region\n");
        return -1;
    }
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
        runner_say("hosted|ERROR: socketpair: %s\n", strerror(errno));
        return -1;
    }
    r->device_sock = sv[0];
    r->device_other = sv[1];
    if (r->opts.display_cmd == NULL) {
        return 0;
    }
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
        runner_say("hosted|ERROR: socketpair: %s\n", strerror(errno));
        return -1;
    }
    r->display_sock = sv[0];
    r->display_other = sv[1];
    return 0;
}

int runner_prepare(runner_t *r)
{
    r->npds = r->sys->npds;
    for (unsigned p = 0; p < r->npds; p++) {
        rpd_t *pd = &r->pds[p];
        snprintf(pd->proc.name, sizeof(pd->proc.name), "%s", r->sys->pds[p].name);
        pd->priority = r->sys->pds[p].priority;
        pd->ctl = pd->proc.out = -1;
        for (unsigned ch = 0; ch < HOSTED_MAX_CH; ch++) {
            pd->inbox[ch] = -1;
        }
        for (unsigned i = 0; i < r->sys->pds[p].nirqs; i++) {
            pd->irqs |= UINT64_C(1) << r->sys->pds[p].irqs[i].id;
        }
    }
    for (unsigned i = 0; i < r->sys->nmrs; i++) {
        if (make_region(r, i) != 0) {
            return -1;
        }
    }
    return make_inboxes(r) != 0 ? -1 : make_device_link(r);
}

static int send_item(runner_t *r, unsigned p, hosted_msg_t m, int fd)
{
    if (hosted_msg_send(r->pds[p].ctl, &m, fd) != 0) {
        runner_say("hosted|ERROR: %s: sending its plan: %s\n", r->pds[p].proc.name, strerror(errno));
        return -1;
    }
    return 0;
}

static int send_setvar(runner_t *r, unsigned p, const char *symbol, uint64_t value)
{
    if (symbol[0] == '\0') {
        return 0;
    }
    hosted_msg_t m = {.type = HOSTED_PLAN_SETVAR, .a = value};
    snprintf(m.name, sizeof(m.name), "%s", symbol);
    return send_item(r, p, m, -1);
}

static int send_maps(runner_t *r, unsigned p)
{
    const sdf_pd_t *pd = &r->sys->pds[p];
    for (unsigned i = 0; i < pd->nmaps; i++) {
        const sdf_map_t *map = &pd->maps[i];
        const sdf_mr_t *mr = &r->sys->mrs[map->mr];
        if (!mr->has_phys_addr) {
            hosted_msg_t m = {.type = HOSTED_PLAN_MAP, .a = map->vaddr, .b = mr->size, .c = map->perms};
            snprintf(m.name, sizeof(m.name), "%s", mr->name);
            if (send_item(r, p, m, r->mr_fd[map->mr]) != 0) {
                return -1;
            }
        }
        hosted_msg_t sv = {.type = HOSTED_PLAN_SETVAR_VADDR};
        snprintf(sv.name, sizeof(sv.name), "%s", map->setvar_vaddr);
        bool vaddr_ok = map->setvar_vaddr[0] == '\0' ||
                        (mr->has_phys_addr ? send_setvar(r, p, map->setvar_vaddr, map->vaddr) == 0
                                           : send_item(r, p, sv, -1) == 0);
        if (!vaddr_ok || send_setvar(r, p, map->setvar_size, mr->size) != 0) {
            return -1;
        }
    }
    return 0;
}

static int send_irqs_and_setvars(runner_t *r, unsigned p)
{
    const sdf_pd_t *pd = &r->sys->pds[p];
    for (unsigned i = 0; i < pd->nirqs; i++) {
        hosted_msg_t m = {.type = HOSTED_PLAN_IRQ, .ch = pd->irqs[i].id, .a = pd->irqs[i].irq};
        if (send_item(r, p, m, -1) != 0 || send_setvar(r, p, pd->irqs[i].setvar_id, pd->irqs[i].id) != 0) {
            return -1;
        }
    }
    for (unsigned i = 0; i < pd->nsetvars; i++) {
        if (send_setvar(r, p, pd->setvars[i].symbol, r->sys->mrs[pd->setvars[i].mr].qemu_addr) != 0) {
            return -1;
        }
    }
    return 0;
}

static int send_channels(runner_t *r, unsigned p)
{
    for (unsigned c = 0; c < r->sys->nchannels; c++) {
        for (unsigned e = 0; e < 2; e++) {
            const sdf_end_t *end = &r->sys->channels[c].ends[e];
            const sdf_end_t *peer = &r->sys->channels[c].ends[1 - e];
            if (end->pd != (int)p) {
                continue;
            }
            if (send_setvar(r, p, end->setvar_id, end->id) != 0) {
                return -1;
            }
            hosted_msg_t m = {.type = HOSTED_PLAN_NOTIFY, .ch = end->id, .a = r->pds[peer->pd].priority};
            if (end->notify && send_item(r, p, m, r->pds[peer->pd].inbox[peer->id]) != 0) {
                return -1;
            }
        }
    }
    return 0;
}

static bool named_by_setvar(const sdf_system_t *sys, unsigned mr)
{
    for (unsigned p = 0; p < sys->npds; p++) {
        for (unsigned i = 0; i < sys->pds[p].nsetvars; i++) {
            if (sys->pds[p].setvars[i].mr == (int)mr) {
                return true;
            }
        }
    }
    return false;
}

static int send_device(runner_t *r, unsigned p)
{
    if ((int)p != r->device_pd || r->device_sock < 0) {
        return 0;
    }
    for (unsigned i = 0; i < r->sys->nmrs; i++) {
        const sdf_mr_t *mr = &r->sys->mrs[i];
        if (mr->has_phys_addr || !named_by_setvar(r->sys, i)) {
            continue;
        }
        hosted_msg_t m = {.type = HOSTED_PLAN_DMA, .a = mr->qemu_addr, .b = mr->size};
        snprintf(m.name, sizeof(m.name), "%s", mr->name);
        if (send_item(r, p, m, r->mr_fd[i]) != 0) {
            return -1;
        }
    }
    hosted_msg_t display = {.type = HOSTED_PLAN_DISPLAY, .a = r->opts.display_scanouts};
    if (r->display_sock >= 0 && send_item(r, p, display, r->display_sock) != 0) {
        return -1;
    }
    return send_item(r, p, (hosted_msg_t){.type = HOSTED_PLAN_DEVICE}, r->device_sock);
}

int runner_send_plan(runner_t *r, unsigned p)
{
    if (send_maps(r, p) != 0 || send_irqs_and_setvars(r, p) != 0 || send_channels(r, p) != 0 ||
        send_device(r, p) != 0) {
        return -1;
    }
    hosted_msg_t end = {.type = HOSTED_PLAN_END, .a = r->pds[p].priority};
    snprintf(end.name, sizeof(end.name), "%s", r->pds[p].proc.name);
    return send_item(r, p, end, -1);
}
