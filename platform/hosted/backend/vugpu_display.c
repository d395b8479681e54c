/*
 * vugpu-display: the display end of QEMU's vhost-user-gpu (DEVICE=qemu).
 *
 *   vugpu-display --fd N [--scanouts N] [--mode WxH] [--png DIR] [--ctl SOCKET] [--sdl 1]
 *
 * The driver hands QEMU's back-end the other end of this socket
 * (VHOST_USER_GPU_SET_SOCKET); the back-end then asks for our protocol
 * features and the display info (each scanout --mode, connected) and sends
 * SCANOUT (a scanout's size, 0x0 to turn it off) and UPDATE (a rectangle of
 * x8r8g8b8 pixels) messages. We keep a framebuffer per scanout and show it
 * as vgpu-backend does (frames.h). A scanout that is off shows black at its
 * last size (QEMU's own front-end shows a "display not active" text there).
 * The control socket answers "dump I PATH" with "ok WxH UPDATES".
 *
 * Everything the back-end sends is checked: an unknown request is logged
 * and skipped, a malformed one (bad scanout, rectangle outside the
 * framebuffer, wrong payload size) is logged and dropped; a stream we can no
 * longer follow (payload too large) ends the display.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <hosted/vhost_user_io.h>
#include <virtio/vhost_user.h>
#include <virtio/virtio_gpu.h>

#include "ctl.h"
#include "display.h"
#include "frames.h"
#include "opts.h"
#include "vgpu_png_write.h"

#define MAX_SIDE    16384u
#define MAX_PAYLOAD (sizeof(vhost_user_gpu_update_t) + 4096u * 4096u * 4u) /* the largest UPDATE we follow */

typedef struct {
    uint32_t w, h;
    bool on;
    uint32_t *fb; /* w * h pixels; black while off */
    uint32_t updates;
} disp_scanout_t;

typedef struct {
    int sock;
    be_opts_t opts;
    disp_scanout_t s[FRAMES_MAX];
    frames_t frames;
    uint8_t *payload; /* MAX_PAYLOAD bytes */
    bool ended;
    bool trace; /* VUDISPLAY_TRACE set: every request logged */
} disp_t;

static void reply(disp_t *d, uint32_t request, const void *payload, uint32_t size)
{
    vhost_user_header_t hdr = {.request = request, .flags = VHOST_USER_FLAG_REPLY, .size = size};
    if (vhost_user_send(d->sock, &hdr, payload, NULL, 0) != 0) {
        d->ended = true;
    }
}

static void display_info(disp_t *d)
{
    virtio_gpu_resp_display_info_t info;
    memset(&info, 0, sizeof(info));
    info.hdr.type = VIRTIO_GPU_RESP_OK_DISPLAY_INFO;
    for (uint32_t i = 0; i < d->opts.scanouts; i++) {
        info.pmodes[i] = (virtio_gpu_display_one_t){.r = {0, 0, d->opts.width, d->opts.height}, .enabled = 1};
    }
    reply(d, VHOST_USER_GPU_GET_DISPLAY_INFO, &info, sizeof(info));
}

static void scanout(disp_t *d, const uint8_t *p, uint32_t size)
{
    vhost_user_gpu_scanout_t m;
    if (size != sizeof(m)) {
        fprintf(stderr, "VUDISPLAY|WARN: SCANOUT of %u bytes dropped\n", (unsigned)size);
        return;
    }
    memcpy(&m, p, sizeof(m));
    if (m.scanout_id >= d->opts.scanouts || m.width > MAX_SIDE || m.height > MAX_SIDE) {
        fprintf(stderr, "VUDISPLAY|WARN: SCANOUT %u %ux%u dropped\n", (unsigned)m.scanout_id, (unsigned)m.width,
                (unsigned)m.height);
        return;
    }
    disp_scanout_t *s = &d->s[m.scanout_id];
    if (d->trace) {
        fprintf(stderr, "VUDISPLAY|TRACE: SCANOUT %u %ux%u\n", (unsigned)m.scanout_id, (unsigned)m.width,
                (unsigned)m.height);
    }
    s->on = m.width != 0 && m.height != 0;
    if (s->on && (m.width != s->w || m.height != s->h)) {
        uint32_t *fb = calloc((size_t)m.width * m.height, sizeof(uint32_t));
        if (fb == NULL) {
            fprintf(stderr, "VUDISPLAY|ERROR: no memory for a %ux%u scanout\n", (unsigned)m.width, (unsigned)m.height);
            s->on = false;
            return;
        }
        free(s->fb);
        s->fb = fb;
        s->w = m.width;
        s->h = m.height;
    } else if (!s->on && s->fb != NULL) {
        memset(s->fb, 0, (size_t)s->w * s->h * sizeof(uint32_t));
    }
    frames_changed(&d->frames, m.scanout_id);
}

static bool update_fits(const disp_t *d, const vhost_user_gpu_update_t *u, uint32_t size)
{
    if (u->scanout_id >= d->opts.scanouts || !d->s[u->scanout_id].on) {
        return false;
    }
    const disp_scanout_t *s = &d->s[u->scanout_id];
    uint64_t pixels = (uint64_t)u->width * u->height;
    return (uint64_t)u->x + u->width <= s->w && (uint64_t)u->y + u->height <= s->h &&
           (uint64_t)size == sizeof(*u) + pixels * 4u;
}

static void update(disp_t *d, const uint8_t *p, uint32_t size)
{
    vhost_user_gpu_update_t u;
    if (size < sizeof(u)) {
        fprintf(stderr, "VUDISPLAY|WARN: UPDATE of %u bytes dropped\n", (unsigned)size);
        return;
    }
    memcpy(&u, p, sizeof(u));
    if (!update_fits(d, &u, size)) {
        fprintf(stderr, "VUDISPLAY|WARN: UPDATE %u (%u,%u) %ux%u, %u bytes, does not fit its scanout: dropped\n",
                (unsigned)u.scanout_id, (unsigned)u.x, (unsigned)u.y, (unsigned)u.width, (unsigned)u.height,
                (unsigned)size);
        return;
    }
    disp_scanout_t *s = &d->s[u.scanout_id];
    if (d->trace) {
        fprintf(stderr, "VUDISPLAY|TRACE: UPDATE %u (%u,%u) %ux%u\n", (unsigned)u.scanout_id, (unsigned)u.x,
                (unsigned)u.y, (unsigned)u.width, (unsigned)u.height);
    }
    for (uint32_t row = 0; row < u.height; row++) {
        memcpy(s->fb + (size_t)(u.y + row) * s->w + u.x, p + sizeof(u) + (size_t)row * u.width * 4u,
               (size_t)u.width * 4u);
    }
    s->updates++;
    frames_changed(&d->frames, u.scanout_id);
}

static void dispatch(disp_t *d, uint32_t request, const uint8_t *p, uint32_t size)
{
    uint64_t none = 0; /* no vhost-user-gpu protocol features: no EDID, no DMABUF2 */
    if (d->trace && request != VHOST_USER_GPU_SCANOUT && request != VHOST_USER_GPU_UPDATE) {
        fprintf(stderr, "VUDISPLAY|TRACE: request %u, %u bytes\n", (unsigned)request, (unsigned)size);
    }
    switch (request) {
    case VHOST_USER_GPU_GET_PROTOCOL_FEATURES:
        reply(d, request, &none, sizeof(none));
        break;
    case VHOST_USER_GPU_SET_PROTOCOL_FEATURES:
    case VHOST_USER_GPU_CURSOR_POS:
    case VHOST_USER_GPU_CURSOR_POS_HIDE:
    case VHOST_USER_GPU_CURSOR_UPDATE:
        break;
    case VHOST_USER_GPU_GET_DISPLAY_INFO:
        display_info(d);
        break;
    case VHOST_USER_GPU_SCANOUT:
        scanout(d, p, size);
        break;
    case VHOST_USER_GPU_UPDATE:
        update(d, p, size);
        break;
    default:
        fprintf(stderr, "VUDISPLAY|WARN: request %u (%u bytes) not supported: skipped\n", (unsigned)request,
                (unsigned)size);
        break;
    }
}

/* Reads exactly len bytes, however the stream splits them. */
static int read_full(int sock, void *buf, size_t len)
{
    size_t got = 0;
    while (got < len) {
        ssize_t n = recv(sock, (uint8_t *)buf + got, len - got, 0);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return -1;
        }
        got += (size_t)n;
    }
    return 0;
}

/* One message: header (descriptors, which we never use, are closed), then its payload. */
static void message(disp_t *d)
{
    vhost_user_header_t hdr;
    char cbuf[CMSG_SPACE(8 * sizeof(int))];
    struct iovec iov = {.iov_base = &hdr, .iov_len = sizeof(hdr)};
    struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf)};
    ssize_t n = recvmsg(d->sock, &mh, MSG_WAITALL | MSG_CMSG_CLOEXEC);
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); n > 0 && c != NULL; c = CMSG_NXTHDR(&mh, c)) {
        for (size_t i = 0; c->cmsg_type == SCM_RIGHTS && i < (c->cmsg_len - CMSG_LEN(0)) / sizeof(int); i++) {
            int fd;
            memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
            close(fd);
        }
    }
    if (n != (ssize_t)sizeof(hdr) || hdr.size > MAX_PAYLOAD || read_full(d->sock, d->payload, hdr.size) != 0) {
        fprintf(stderr, "VUDISPLAY|%s\n", n == 0 ? "INFO: the back-end hung up" : "ERROR: malformed message: stop");
        d->ended = true;
        return;
    }
    dispatch(d, hdr.request, d->payload, hdr.size);
}

static const uint32_t *disp_image(void *ctx, uint32_t idx, uint32_t *w, uint32_t *h)
{
    disp_t *d = ctx;
    *w = d->s[idx].w;
    *h = d->s[idx].h;
    return d->s[idx].fb;
}

static void ctl_command(void *ctx, const char *line, char *out, size_t cap)
{
    disp_t *d = ctx;
    unsigned i;
    char path[4096];
    if (sscanf(line, "dump %u %4095s", &i, path) == 2 && i < d->opts.scanouts) {
        const disp_scanout_t *s = &d->s[i];
        bool ok = vgpu_png_write_xrgb(path, s->fb, s->w, s->h) == 0;
        snprintf(out, cap, ok ? "ok %ux%u %u\n" : "error nothing shown yet\n", (unsigned)s->w, (unsigned)s->h,
                 (unsigned)s->updates);
    } else {
        snprintf(out, cap, "error unknown request\n");
    }
}

static void serve(disp_t *d, int lsock)
{
    int timeout = -1;
    while (!d->ended) {
        struct pollfd p[2] = {{.fd = d->sock, .events = POLLIN}, {.fd = lsock, .events = POLLIN}};
        if (poll(p, 2, timeout) < 0 && errno != EINTR) {
            break;
        }
        if (p[0].revents != 0) {
            message(d);
        }
        if (p[1].revents != 0) {
            ctl_accept(lsock, ctl_command, d);
        }
        timeout = frames_poll(&d->frames);
        if (d->opts.sdl && !display_pump()) {
            fprintf(stderr, "VUDISPLAY|INFO: window closed\n");
            break;
        }
    }
}

int main(int argc, char **argv)
{
    static disp_t d;
    if (be_parse_opts(argc, argv, &d.opts) != 0) {
        fprintf(stderr, "usage: vugpu-display --fd N [--scanouts 1..16] [--mode WxH] [--png DIR] [--ctl SOCKET] "
                        "[--sdl 1]\n");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    d.sock = d.opts.fd;
    d.trace = getenv("VUDISPLAY_TRACE") != NULL;
    d.payload = malloc(MAX_PAYLOAD);
    int lsock = d.opts.ctl_path != NULL ? ctl_listen(d.opts.ctl_path) : -1;
    if (d.opts.sdl && !display_open()) {
        d.opts.sdl = false;
    }
    if (d.payload == NULL || (d.opts.ctl_path != NULL && lsock < 0)) {
        fprintf(stderr, "VUDISPLAY|ERROR: %s\n", d.payload == NULL ? "no memory" : "cannot listen on --ctl");
        return 1;
    }
    d.frames = (frames_t){.png_dir = d.opts.png_dir,
                          .sdl = d.opts.sdl,
                          .component = "VUDISPLAY",
                          .nscanouts = d.opts.scanouts,
                          .image = disp_image,
                          .ctx = &d};
    printf("VUDISPLAY|INFO: vhost-user-gpu display: %u scanout(s) %ux%u\n", (unsigned)d.opts.scanouts,
           (unsigned)d.opts.width, (unsigned)d.opts.height);
    fflush(stdout);
    serve(&d, lsock);
    display_close();
    return 0;
}
