/*
 * vgpu-backend: the device model as a vhost-user back-end process.
 *
 *   vgpu-backend --fd N [--scanouts N] [--mode WxH] [--png DIR] [--ctl SOCKET] [--sdl 1]
 *
 * --fd       the connected vhost-user socket (the hosted runner passes 3)
 * --scanouts number of scanouts (1..16), each with the preferred mode --mode (default 1280x800)
 * --png      after a flush changes a scanout (or it is disabled or enabled), write DIR/scanout-I-NNNN.png (at most 10 a
 * second each; the last frame of a burst is always written) and print its path
 * --sdl 1    a window per scanout (SDL2), updated after each flush that changed it, at most 60 times a second
 * --ctl      a Unix socket for requests, one line each, answered with one line:
 *              dump I PATH      the framebuffer of scanout I as PNG -> "ok WxH FLUSHES"
 *              mode I W H ON    change scanout I's display (a display-change event) -> "ok"
 *              flushes I        -> "ok FLUSHES"
 *
 * Guest memory is only what the front-end registered (SET_MEM_TABLE).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "backend.h"
#include "display.h"

#define FRAME_GAP_NS  100000000ull /* PNG frames: at most one per 100 ms per scanout */
#define WINDOW_GAP_NS 16000000ull  /* the window: at most one update per 16 ms per scanout */

typedef struct {
    const char *png_dir;
    const char *ctl_path;
    bool sdl;
    uint32_t scanouts, width, height;
    int fd;
} be_opts_t;

typedef struct {
    uint32_t flushes_seen[VGPU_MODEL_MAX_SCANOUTS];
    uint32_t resource_seen[VGPU_MODEL_MAX_SCANOUTS]; /* 0: disabled (the framebuffer turns black) */
    uint64_t last_png_ns[VGPU_MODEL_MAX_SCANOUTS];
    uint64_t last_shown_ns[VGPU_MODEL_MAX_SCANOUTS];
    unsigned frame_no[VGPU_MODEL_MAX_SCANOUTS];
    bool dirty[VGPU_MODEL_MAX_SCANOUTS];  /* a PNG is due */
    bool unseen[VGPU_MODEL_MAX_SCANOUTS]; /* the window is behind */
} frames_t;

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int parse_opts(int argc, char **argv, be_opts_t *o)
{
    *o = (be_opts_t){.scanouts = 1, .width = 1280, .height = 800, .fd = -1};
    for (int i = 1; i + 1 < argc; i += 2) {
        const char *k = argv[i];
        const char *v = argv[i + 1];
        if (strcmp(k, "--fd") == 0) {
            o->fd = atoi(v);
        } else if (strcmp(k, "--scanouts") == 0) {
            o->scanouts = (uint32_t)strtoul(v, NULL, 10);
        } else if (strcmp(k, "--mode") == 0) {
            if (sscanf(v, "%ux%u", &o->width, &o->height) != 2) {
                return -1;
            }
        } else if (strcmp(k, "--png") == 0) {
            o->png_dir = v;
        } else if (strcmp(k, "--ctl") == 0) {
            o->ctl_path = v;
        } else if (strcmp(k, "--sdl") == 0) {
            o->sdl = strcmp(v, "0") != 0;
        } else {
            return -1;
        }
    }
    return argc % 2 == 1 && o->fd >= 0 ? 0 : -1;
}

static vgpu_model_t *make_model(backend_t *b, const be_opts_t *o)
{
    vgpu_model_config_t cfg;
    vgpu_model_config_default(&cfg);
    cfg.num_scanouts = o->scanouts;
    for (uint32_t i = 0; i < VGPU_MODEL_MAX_SCANOUTS; i++) {
        cfg.width[i] = o->width;
        cfg.height[i] = o->height;
    }
    cfg.enabled_mask = o->scanouts >= 32 ? UINT32_MAX : (UINT32_C(1) << o->scanouts) - 1;
    cfg.translate = be_translate;
    cfg.translate_ctx = b;
    return vgpu_model_create(&cfg);
}

static void write_frame(backend_t *b, const be_opts_t *o, frames_t *f, uint32_t i)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/scanout-%u-%04u.png", o->png_dir, (unsigned)i, f->frame_no[i]++);
    f->dirty[i] = false;
    f->last_png_ns[i] = now_ns();
    if (vgpu_model_screenshot_png(b->model, i, path) == 0) {
        printf("VGPU|INFO: frame %s\n", path);
        fflush(stdout);
    } else {
        fprintf(stderr, "VGPU|ERROR: cannot write %s\n", path);
    }
}

/* ms until `gap` has passed since `last`, 0 if it has. */
static int due_in(uint64_t last, uint64_t gap)
{
    uint64_t since = now_ns() - last;
    return since >= gap ? 0 : (int)((gap - since) / 1000000u) + 1;
}

static int sooner(int wait, int ms)
{
    return wait < 0 || ms < wait ? ms : wait;
}

/* Writes the PNG and updates the window of scanout i if due; returns ms until the next is due, or -1. */
static int frame_outputs(backend_t *b, const be_opts_t *o, frames_t *f, uint32_t i)
{
    int wait = -1;
    if (f->dirty[i] && o->png_dir != NULL) {
        int ms = due_in(f->last_png_ns[i], FRAME_GAP_NS);
        if (ms == 0) {
            write_frame(b, o, f, i);
        } else {
            wait = sooner(wait, ms);
        }
    }
    if (f->unseen[i] && o->sdl) {
        int ms = due_in(f->last_shown_ns[i], WINDOW_GAP_NS);
        if (ms == 0) {
            display_show(b->model, i);
            f->unseen[i] = false;
            f->last_shown_ns[i] = now_ns();
        } else {
            wait = sooner(wait, ms);
        }
    }
    return wait;
}

/* Marks scanouts that a flush changed; writes what is due. Returns ms until the next is due, or -1. */
static int frames_update(backend_t *b, const be_opts_t *o, frames_t *f)
{
    int wait = -1;
    for (uint32_t i = 0; i < b->num_scanouts; i++) {
        vgpu_model_scanout_state_t s;
        bool changed = vgpu_model_scanout_state(b->model, i, &s) == 0 &&
                       (s.flushes != f->flushes_seen[i] || (s.resource_id == 0) != (f->resource_seen[i] == 0));
        if (changed) {
            f->flushes_seen[i] = s.flushes;
            f->resource_seen[i] = s.resource_id;
            f->dirty[i] = f->unseen[i] = true;
        }
        int ms = frame_outputs(b, o, f, i);
        if (ms >= 0) {
            wait = sooner(wait, ms);
        }
    }
    return o->sdl ? sooner(wait, 16) : wait; /* the window's events are polled too */
}

static int ctl_listen(const char *path)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof(sa.sun_path)) {
        return -1;
    }
    strcpy(sa.sun_path, path);
    unlink(path);
    int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (s < 0 || bind(s, (struct sockaddr *)&sa, sizeof(sa)) != 0 || listen(s, 4) != 0) {
        if (s >= 0) {
            close(s);
        }
        return -1;
    }
    return s;
}

static void ctl_command(backend_t *b, const char *line, char *out, size_t cap)
{
    unsigned i, w, h, on;
    char path[4096];
    vgpu_model_scanout_state_t s;
    if (sscanf(line, "dump %u %4095s", &i, path) == 2 && i < b->num_scanouts) {
        const uint32_t *fb = vgpu_model_framebuffer(b->model, i, &w, &h);
        vgpu_model_scanout_state(b->model, i, &s);
        bool ok = fb != NULL && vgpu_model_screenshot_png(b->model, i, path) == 0;
        snprintf(out, cap, ok ? "ok %ux%u %u\n" : "error cannot write\n", w, h, (unsigned)s.flushes);
    } else if (sscanf(line, "mode %u %u %u %u", &i, &w, &h, &on) == 4 && i < b->num_scanouts) {
        vgpu_model_set_scanout(b->model, i, w, h, (int)on);
        be_deliver_interrupts(b);
        snprintf(out, cap, "ok\n");
    } else if (sscanf(line, "flushes %u", &i) == 1 && vgpu_model_scanout_state(b->model, i, &s) == 0) {
        snprintf(out, cap, "ok %u\n", (unsigned)s.flushes);
    } else {
        snprintf(out, cap, "error unknown request\n");
    }
}

/* One client, one line in, one line out. A client that sends nothing in 1 s is dropped. */
static void ctl_accept(backend_t *b, int lsock)
{
    int c = accept4(lsock, NULL, NULL, SOCK_CLOEXEC);
    if (c < 0) {
        return;
    }
    char line[4200] = "";
    size_t len = 0;
    struct pollfd pfd = {.fd = c, .events = POLLIN};
    while (len + 1 < sizeof(line) && memchr(line, '\n', len) == NULL && poll(&pfd, 1, 1000) == 1) {
        ssize_t n = read(c, line + len, sizeof(line) - 1 - len);
        if (n <= 0) {
            break;
        }
        len += (size_t)n;
        line[len] = '\0';
    }
    char out[256];
    ctl_command(b, line, out, sizeof(out));
    if (write(c, out, strlen(out)) < 0) {
        /* the client left */
    }
    close(c);
}

enum {
    P_SOCK,
    P_CTL,
    P_KICK0,
    P_MAX = P_KICK0 + BE_QUEUES
};

static void serve(backend_t *b, const be_opts_t *o, int lsock)
{
    frames_t f = {0};
    int timeout = -1;
    while (!b->ended) {
        struct pollfd p[P_MAX] = {
                [P_SOCK] = {.fd = b->sock, .events = POLLIN}, [P_CTL] = {.fd = lsock, .events = POLLIN}};
        for (unsigned q = 0; q < BE_QUEUES; q++) {
            p[P_KICK0 + q] = (struct pollfd){.fd = b->ring[q].fd, .events = POLLIN};
        }
        if (poll(p, P_MAX, timeout) < 0 && errno != EINTR) {
            break;
        }
        if (p[P_SOCK].revents != 0) {
            be_message(b);
        }
        for (unsigned q = 0; q < BE_QUEUES; q++) {
            if (p[P_KICK0 + q].revents != 0 && b->ring[q].fd >= 0) {
                be_kick(b, q);
            }
        }
        if (p[P_CTL].revents != 0) {
            ctl_accept(b, lsock);
        }
        timeout = frames_update(b, o, &f);
        if (o->sdl && !display_pump()) {
            fprintf(stderr, "VGPU|INFO: window closed: the device goes away\n");
            break;
        }
    }
}

int main(int argc, char **argv)
{
    be_opts_t o;
    if (parse_opts(argc, argv, &o) != 0) {
        fprintf(stderr,
                "usage: vgpu-backend --fd N [--scanouts N] [--mode WxH] [--png DIR] [--ctl SOCKET] [--sdl 1]\n");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    static backend_t b;
    b = (backend_t){.sock = o.fd, .backend_req = -1, .num_scanouts = o.scanouts};
    for (unsigned q = 0; q < BE_QUEUES; q++) {
        b.ring[q].fd = -1;
        b.call[q] = -1;
    }
    b.model = make_model(&b, &o);
    int lsock = o.ctl_path != NULL ? ctl_listen(o.ctl_path) : -1;
    if (o.sdl && !display_open()) {
        o.sdl = false; /* PNGs and dumps still work */
    }
    if (b.model == NULL || (o.ctl_path != NULL && lsock < 0)) {
        fprintf(stderr, "VGPU|ERROR: %s\n", b.model == NULL ? "bad model configuration" : "cannot listen on --ctl");
        return 1;
    }
    printf("VGPU|INFO: device model back-end: %u scanout(s) %ux%u%s%s%s\n", (unsigned)o.scanouts, (unsigned)o.width,
           (unsigned)o.height, o.sdl ? ", a window per scanout" : "", o.png_dir != NULL ? ", PNG frames in " : "",
           o.png_dir != NULL ? o.png_dir : "");
    fflush(stdout);
    serve(&b, &o, lsock);
    display_close();
    vgpu_model_destroy(b.model);
    return 0;
}
