/*
 * vhost-user message I/O over a Unix stream socket. The descriptors of a
 * message travel with its header (SCM_RIGHTS); the payload follows.
 */
#include <hosted/vhost_user_io.h>

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int vhost_user_send(int sock, const vhost_user_header_t *hdr, const void *payload, const int *fds, unsigned nfds)
{
    struct iovec iov[2] = {{.iov_base = (void *)hdr, .iov_len = sizeof(*hdr)},
                           {.iov_base = (void *)payload, .iov_len = hdr->size}};
    union {
        char buf[CMSG_SPACE(VHOST_USER_MAX_FDS * sizeof(int))];
        struct cmsghdr align;
    } u;
    struct msghdr mh = {.msg_iov = iov, .msg_iovlen = hdr->size > 0 ? 2 : 1};
    if (nfds > VHOST_USER_MAX_FDS) {
        return -1;
    }
    if (nfds > 0) {
        memset(&u, 0, sizeof(u));
        mh.msg_control = u.buf;
        mh.msg_controllen = CMSG_SPACE(nfds * sizeof(int));
        struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(nfds * sizeof(int));
        memcpy(CMSG_DATA(c), fds, nfds * sizeof(int));
    }
    ssize_t want = (ssize_t)(sizeof(*hdr) + hdr->size);
    ssize_t n;
    do {
        n = sendmsg(sock, &mh, MSG_NOSIGNAL);
    } while (n < 0 && errno == EINTR);
    return n == want ? 0 : -1;
}

static void take_fds(struct msghdr *mh, int *fds, unsigned *nfds, unsigned maxfds)
{
    *nfds = 0;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c != NULL; c = CMSG_NXTHDR(mh, c)) {
        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) {
            continue;
        }
        size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        for (size_t i = 0; i < n; i++) {
            int f;
            memcpy(&f, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
            if (*nfds < maxfds) {
                fds[(*nfds)++] = f;
            } else {
                close(f);
            }
        }
    }
}

static void close_fds(int *fds, unsigned *nfds)
{
    for (unsigned i = 0; i < *nfds; i++) {
        close(fds[i]);
    }
    *nfds = 0;
}

/* Reads exactly len bytes (a stream may deliver a large payload in pieces). */
static int read_full(int sock, void *buf, size_t len)
{
    size_t got = 0;
    while (got < len) {
        ssize_t n = recv(sock, (char *)buf + got, len - got, MSG_WAITALL);
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

static int wait_readable(int sock, int timeout_ms)
{
    if (timeout_ms < 0) {
        return 0;
    }
    struct pollfd pfd = {.fd = sock, .events = POLLIN};
    int rc;
    do {
        rc = poll(&pfd, 1, timeout_ms);
    } while (rc < 0 && errno == EINTR);
    return rc == 1 ? 0 : -1;
}

int vhost_user_recv(int sock, vhost_user_header_t *hdr, vhost_user_payload_t *payload, int *fds, unsigned *nfds,
                    unsigned maxfds, int timeout_ms)
{
    *nfds = 0;
    if (wait_readable(sock, timeout_ms) != 0) {
        return -1;
    }
    union {
        char buf[CMSG_SPACE(VHOST_USER_MAX_FDS * sizeof(int))];
        struct cmsghdr align;
    } u;
    struct iovec iov = {.iov_base = hdr, .iov_len = sizeof(*hdr)};
    struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof(u.buf)};
    ssize_t n;
    do {
        n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC | MSG_WAITALL);
    } while (n < 0 && errno == EINTR);
    if (n == 0) {
        return 0;
    }
    take_fds(&mh, fds, nfds, maxfds);
    bool ok = n == (ssize_t)sizeof(*hdr) && (hdr->flags & 0x3u) == VHOST_USER_VERSION &&
              hdr->size <= sizeof(*payload) && read_full(sock, payload, hdr->size) == 0;
    if (!ok) {
        close_fds(fds, nfds);
        return -1;
    }
    return 1;
}

bool vhost_user_readable(int sock)
{
    struct pollfd pfd = {.fd = sock, .events = POLLIN};
    return poll(&pfd, 1, 0) == 1;
}
