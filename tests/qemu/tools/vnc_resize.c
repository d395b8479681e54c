/*
 * vnc_resize: ask QEMU's VNC server to change the size of the display it
 * shows, as a VNC viewer does when its window is resized; QEMU passes the
 * request to the display device (dpy_set_ui_info), and virtio-gpu reports it
 * to the guest as a display change (VIRTIO_GPU_EVENT_DISPLAY).
 *
 *   vnc_resize SOCKET WxH [WAIT_SECONDS]
 *
 * SOCKET is the unix socket of `-vnc unix:SOCKET[,display=ID,head=N]`; WxH
 * the new size, each side 1..16384, or 0x0 to disconnect the display (QEMU
 * ignores a request equal to the last one, and the first one is compared
 * with 0x0). Connects (retrying for WAIT_SECONDS, default 10), speaks just
 * enough of the RFB protocol (RFC 6143, version 3.8, security type None) to
 * send one SetDesktopSize message (type 251, from the ExtendedDesktopSize
 * extension) and waits for the server's ExtendedDesktopSize answer to it.
 * Exit status 0 when the server accepted or forwarded the request (status 0
 * or 4), 1 otherwise; one line on stdout says what the server answered.
 *
 * Everything the server sends is checked before it is used: lengths are
 * bounded, unknown messages end the run with an error. test_vnc_resize.c
 * (check qemu-vnc-resize) includes this file with -DVNC_RESIZE_NO_MAIN and
 * plays the server.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define RFB_VERSION            "RFB 003.008\n"
#define RFB_VERSION_LEN        12u
#define RFB_SEC_NONE           1u
#define RFB_MSG_SET_ENCODINGS  2u
#define RFB_MSG_SET_DESKTOP    251u
#define RFB_MSG_FB_UPDATE      0u
#define RFB_MSG_COLOUR_MAP     1u
#define RFB_MSG_BELL           2u
#define RFB_MSG_CUT_TEXT       3u
#define RFB_ENC_EXT_DESKTOP    (-308)
#define RFB_REASON_THIS_CLIENT 1u
#define RFB_STATUS_OK          0u
#define RFB_STATUS_FORWARDED   4u /* QEMU: handed to the display device, which resizes later */
#define MAX_SIDE               16384u
#define MAX_SKIP               (1u << 20) /* largest name or cut text we read past */
#define MAX_MESSAGES           64u        /* server messages read before giving up on an answer */
#define IO_TIMEOUT_S           10

typedef struct {
    int fd;
    const char *what; /* for errors: what was being read */
} rfb_t;

static bool rfb_fail(const char *msg, const char *detail)
{
    fprintf(stderr, "vnc_resize: %s%s%s\n", msg, detail != NULL ? ": " : "", detail != NULL ? detail : "");
    return false;
}

static bool read_all(rfb_t *r, void *buf, size_t len)
{
    uint8_t *p = buf;
    while (len > 0) {
        ssize_t n = read(r->fd, p, len);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return rfb_fail(n == 0 ? "server closed the connection reading" : "read failed reading", r->what);
        }
        p += n;
        len -= (size_t)n;
    }
    return true;
}

static bool write_all(rfb_t *r, const void *buf, size_t len)
{
    const uint8_t *p = buf;
    while (len > 0) {
        ssize_t n = write(r->fd, p, len);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return rfb_fail("write failed", strerror(errno));
        }
        p += n;
        len -= (size_t)n;
    }
    return true;
}

static bool rfb_skip(rfb_t *r, uint32_t len)
{
    uint8_t buf[512];
    if (len > MAX_SKIP) {
        return rfb_fail("server announced an implausibly long field", r->what);
    }
    while (len > 0) {
        uint32_t n = len < sizeof(buf) ? len : (uint32_t)sizeof(buf);
        if (!read_all(r, buf, n)) {
            return false;
        }
        len -= n;
    }
    return true;
}

static uint16_t be16(const uint8_t *p)
{
    return (uint16_t)((uint16_t)p[0] << 8 | p[1]);
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
    put16(p, v >> 16);
    put16(p + 2, v);
}

#ifndef VNC_RESIZE_NO_MAIN
static int connect_retry(const char *path, int seconds)
{
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof(addr.sun_path)) {
        rfb_fail("socket path too long", path);
        return -1;
    }
    memcpy(addr.sun_path, path, strlen(path) + 1);
    const struct timespec pause = {.tv_nsec = 100 * 1000 * 1000};
    for (int tries = 0; tries <= seconds * 10; tries++) {
        int fd = socket(AF_UNIX, SOCK_STREAM, 0);
        if (fd < 0) {
            break;
        }
        if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0) {
            struct timeval tv = {.tv_sec = IO_TIMEOUT_S};
            (void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
            return fd;
        }
        close(fd);
        nanosleep(&pause, NULL);
    }
    rfb_fail("cannot connect", strerror(errno));
    return -1;
}
#endif

/* RFC 6143 7.1: version 3.8 both ways, security type None, SecurityResult OK. */
static bool handshake_security(rfb_t *r)
{
    uint8_t version[RFB_VERSION_LEN];
    r->what = "the version";
    if (!read_all(r, version, sizeof(version)) || memcmp(version, "RFB 003.", 8) != 0) {
        return rfb_fail("not an RFB server", NULL);
    }
    if (!write_all(r, RFB_VERSION, RFB_VERSION_LEN)) {
        return false;
    }
    uint8_t count;
    uint8_t types[255];
    r->what = "the security types";
    if (!read_all(r, &count, 1) || count == 0 || !read_all(r, types, count)) {
        return rfb_fail("no security type offered (the server refused us)", NULL);
    }
    if (memchr(types, RFB_SEC_NONE, count) == NULL) {
        return rfb_fail("the server wants authentication; use a VNC server without a password", NULL);
    }
    uint8_t choice = RFB_SEC_NONE;
    uint8_t result[4];
    r->what = "the security result";
    if (!write_all(r, &choice, 1) || !read_all(r, result, sizeof(result))) {
        return false;
    }
    return be32(result) == 0 ? true : rfb_fail("security handshake failed", NULL);
}

/* RFC 6143 7.3: ClientInit (shared), ServerInit (size, pixel format, name). */
static bool handshake_init(rfb_t *r, uint32_t *w, uint32_t *h)
{
    uint8_t shared = 1;
    uint8_t init[24];
    r->what = "ServerInit";
    if (!write_all(r, &shared, 1) || !read_all(r, init, sizeof(init))) {
        return false;
    }
    *w = be16(init);
    *h = be16(init + 2);
    return rfb_skip(r, be32(init + 20)); /* the desktop's name */
}

/* SetEncodings with only ExtendedDesktopSize, then SetDesktopSize with one screen covering it all. */
static bool request_size(rfb_t *r, uint32_t w, uint32_t h)
{
    uint8_t enc[8] = {RFB_MSG_SET_ENCODINGS, 0};
    put16(enc + 2, 1);
    put32(enc + 4, (uint32_t)RFB_ENC_EXT_DESKTOP);
    uint8_t msg[8 + 16] = {RFB_MSG_SET_DESKTOP, 0};
    put16(msg + 2, w);
    put16(msg + 4, h);
    msg[6] = 1; /* screens */
    /* screen 0: id 0, at 0,0, w x h, flags 0 */
    put16(msg + 8 + 8, w);
    put16(msg + 8 + 10, h);
    return write_all(r, enc, sizeof(enc)) && write_all(r, msg, sizeof(msg));
}

/*
 * One rectangle of a FramebufferUpdate. An ExtendedDesktopSize rectangle
 * with reason "this client" is the answer (*status set, *done true); one
 * with another reason is skipped. Any other encoding cannot be skipped
 * (we asked for none, so its length is unknown): an error.
 */
static bool read_rect(rfb_t *r, bool *done, uint32_t *status, uint32_t *w, uint32_t *h)
{
    uint8_t hdr[12];
    r->what = "a rectangle header";
    if (!read_all(r, hdr, sizeof(hdr))) {
        return false;
    }
    if (be32(hdr + 8) != (uint32_t)RFB_ENC_EXT_DESKTOP) {
        return rfb_fail("the server sent a rectangle in an encoding we did not ask for", NULL);
    }
    uint8_t screens[4];
    r->what = "the screens of an ExtendedDesktopSize rectangle";
    if (!read_all(r, screens, sizeof(screens)) || !rfb_skip(r, (uint32_t)screens[0] * 16u)) {
        return false;
    }
    if (be16(hdr) == RFB_REASON_THIS_CLIENT) {
        *done = true;
        *status = be16(hdr + 2);
        *w = be16(hdr + 4);
        *h = be16(hdr + 6);
    }
    return true;
}

/* Reads server messages until the answer to our SetDesktopSize. */
static bool await_answer(rfb_t *r, uint32_t *status, uint32_t *w, uint32_t *h)
{
    bool done = false;
    for (uint32_t m = 0; m < MAX_MESSAGES && !done; m++) {
        uint8_t type;
        uint8_t buf[7];
        r->what = "a message type (no answer to SetDesktopSize?)";
        if (!read_all(r, &type, 1)) {
            return false;
        }
        r->what = "a server message";
        if (type == RFB_MSG_BELL) {
            continue;
        }
        if (type == RFB_MSG_CUT_TEXT) {
            if (!read_all(r, buf, 7) || !rfb_skip(r, be32(buf + 3))) {
                return false;
            }
            continue;
        }
        if (type != RFB_MSG_FB_UPDATE) {
            fprintf(stderr, "vnc_resize: unexpected server message type %u\n", type);
            return false;
        }
        if (!read_all(r, buf, 3)) {
            return false;
        }
        for (uint32_t i = be16(buf + 1); i > 0 && !done; i--) {
            if (!read_rect(r, &done, status, w, h)) {
                return false;
            }
        }
    }
    return done ? true : rfb_fail("no answer to SetDesktopSize", NULL);
}

static bool parse_size(const char *s, uint32_t *w, uint32_t *h)
{
    char *end;
    unsigned long a = strtoul(s, &end, 10);
    if (end == s || *end != 'x') {
        return false;
    }
    const char *t = end + 1;
    unsigned long b = strtoul(t, &end, 10);
    if (end == t || *end != '\0' || a > MAX_SIDE || b > MAX_SIDE || (a == 0) != (b == 0)) {
        return false;
    }
    *w = (uint32_t)a;
    *h = (uint32_t)b;
    return true;
}

/* What the server said: its size before, its answer's status and size. */
typedef struct {
    uint32_t before_w, before_h;
    uint32_t status;
    uint32_t now_w, now_h;
} vnc_answer_t;

/* The whole conversation on a connected socket: false, with a message on stderr, when it fails. */
static bool vnc_resize_session(int fd, uint32_t w, uint32_t h, vnc_answer_t *out)
{
    rfb_t r = {.fd = fd};
    *out = (vnc_answer_t){0};
    return handshake_security(&r) && handshake_init(&r, &out->before_w, &out->before_h) && request_size(&r, w, h) &&
           await_answer(&r, &out->status, &out->now_w, &out->now_h);
}

static bool vnc_answer_accepted(const vnc_answer_t *a)
{
    return a->status == RFB_STATUS_OK || a->status == RFB_STATUS_FORWARDED;
}

#ifndef VNC_RESIZE_NO_MAIN
int main(int argc, char **argv)
{
    uint32_t w, h;
    if (argc < 3 || argc > 4 || !parse_size(argv[2], &w, &h)) {
        fprintf(stderr, "usage: vnc_resize SOCKET WxH [WAIT_SECONDS]  (sides 1..%u, or 0x0 to disconnect)\n", MAX_SIDE);
        return 2;
    }
    int fd = connect_retry(argv[1], argc == 4 ? atoi(argv[3]) : 10);
    vnc_answer_t a;
    bool ok = fd >= 0 && vnc_resize_session(fd, w, h, &a);
    if (fd >= 0) {
        close(fd);
    }
    if (!ok) {
        return 1;
    }
    const char *what = a.status == RFB_STATUS_FORWARDED ? "forwarded to the display device"
                       : vnc_answer_accepted(&a)        ? "ok"
                                                        : "refused";
    printf("vnc_resize: %ux%u -> %ux%u: status %u (%s); the server's framebuffer is %ux%u\n", a.before_w, a.before_h, w,
           h, a.status, what, a.now_w, a.now_h);
    return vnc_answer_accepted(&a) ? 0 : 1;
}
#endif
