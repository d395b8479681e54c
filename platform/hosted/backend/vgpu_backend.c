/*
 * vgpu-backend: the device model as a vhost-user back-end process.
 *
 *   vgpu-backend --fd N [--scanouts N] [--mode WxH] [--png DIR] [--ctl SOCKET] [--sdl 1]
 *
 * Options: opts.h. A frame is new when a flush changed a scanout, the scanout was turned off or on, or a
 * cursor command reached it; frames (window, PNGs) show the cursor plane composed over the scanout. The
 * control socket answers, one line each:
 *
 *   dump I PATH      the framebuffer of scanout I as PNG, without the cursor (as QEMU's screendump) -> "ok WxH FLUSHES"
 *   mode I W H ON    change scanout I's display (a display-change event) -> "ok"
 *   flushes I        -> "ok FLUSHES"
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

#include "backend.h"
#include "ctl.h"
#include "display.h"
#include "frames.h"
#include "opts.h"
#include "vgpu_png_write.h"

/* What the frames have seen of each scanout. */
typedef struct {
    frames_t out;
    uint32_t flushes_seen[VGPU_MODEL_MAX_SCANOUTS];
    uint32_t resource_seen[VGPU_MODEL_MAX_SCANOUTS]; /* 0: disabled (the framebuffer turns black) */
    uint32_t cursor_seen;                            /* cursor commands (updates + moves) seen */
} be_frames_t;

static vgpu_model_t *make_model(backend_t *b, const be_opts_t *o)
{
    vgpu_model_config_t cfg;
    vgpu_model_config_default(&cfg);
    cfg.num_scanouts = o->scanouts;
    for (uint32_t i = 0; i < VGPU_MODEL_MAX_SCANOUTS; i++) {
        cfg.width[i] = o->width;
        cfg.height[i] = o->height;
    }
    cfg.enabled_mask = (UINT32_C(1) << o->scanouts) - 1; /* scanouts <= 16 */
    cfg.translate = be_translate;
    cfg.translate_ctx = b;
    return vgpu_model_create(&cfg);
}

/* What each scanout displays, cursor included, for the frames: kept until the next frame of that scanout. */
static uint32_t *shown[VGPU_MODEL_MAX_SCANOUTS];

static const uint32_t *model_image(void *ctx, uint32_t idx, uint32_t *w, uint32_t *h)
{
    if (idx >= VGPU_MODEL_MAX_SCANOUTS) {
        return NULL;
    }
    free(shown[idx]);
    shown[idx] = vgpu_model_composed(((backend_t *)ctx)->model, idx, w, h);
    return shown[idx];
}

/* A cursor command since the last look: the scanout it named has a new frame. */
static void cursor_update(backend_t *b, be_frames_t *f)
{
    vgpu_model_cursor_t c;
    vgpu_model_cursor_state(b->model, &c);
    if (c.updates + c.moves != f->cursor_seen) {
        f->cursor_seen = c.updates + c.moves;
        if (c.scanout_id < b->num_scanouts) {
            frames_changed(&f->out, c.scanout_id);
        }
    }
}

/* Marks the scanouts that changed; returns ms until the next frame output is due, or -1. */
static int frames_update(backend_t *b, be_frames_t *f)
{
    for (uint32_t i = 0; i < b->num_scanouts; i++) {
        vgpu_model_scanout_state_t s;
        bool changed = vgpu_model_scanout_state(b->model, i, &s) == 0 &&
                       (s.flushes != f->flushes_seen[i] || (s.resource_id == 0) != (f->resource_seen[i] == 0));
        if (changed) {
            f->flushes_seen[i] = s.flushes;
            f->resource_seen[i] = s.resource_id;
            frames_changed(&f->out, i);
        }
    }
    cursor_update(b, f);
    return frames_poll(&f->out);
}

static void ctl_command(void *ctx, const char *line, char *out, size_t cap)
{
    backend_t *b = ctx;
    unsigned i, w, h, on;
    char path[4096];
    vgpu_model_scanout_state_t s;
    if (sscanf(line, "dump %u %4095s", &i, path) == 2 && i < b->num_scanouts) {
        const uint32_t *fb = vgpu_model_framebuffer(b->model, i, &w, &h);
        vgpu_model_scanout_state(b->model, i, &s);
        bool ok = vgpu_png_write_xrgb(path, fb, w, h) == 0;
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

enum {
    P_SOCK,
    P_CTL,
    P_KICK0,
    P_MAX = P_KICK0 + BE_QUEUES
};

static void serve(backend_t *b, const be_opts_t *o, int lsock)
{
    be_frames_t f = {.out = {.png_dir = o->png_dir,
                             .sdl = o->sdl,
                             .component = "VGPU",
                             .nscanouts = b->num_scanouts,
                             .image = model_image,
                             .ctx = b}};
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
            ctl_accept(lsock, ctl_command, b);
        }
        timeout = frames_update(b, &f);
        if (o->sdl && !display_pump()) {
            fprintf(stderr, "VGPU|INFO: window closed: the device goes away\n");
            break;
        }
    }
}

int main(int argc, char **argv)
{
    be_opts_t o;
    if (be_parse_opts(argc, argv, &o) != 0) {
        fprintf(stderr,
                "usage: vgpu-backend --fd N [--scanouts 1..16] [--mode WxH] [--png DIR] [--ctl SOCKET] [--sdl 1]\n");
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
