/*
 * qmp: send one command to QEMU's QMP socket and print the answer.
 *
 *   qmp SOCKET 'JSON COMMAND' [WAIT_SECONDS]
 *
 * Connects (retrying for WAIT_SECONDS, default 10, while QEMU starts),
 * reads the greeting, negotiates capabilities, sends the command and prints
 * the first reply that is not an asynchronous event. Exit status: 0 for a
 * "return" reply, 1 for an "error" reply or any failure.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define LINE_MAX_BYTES 65536

typedef struct {
    int fd;
    char buf[LINE_MAX_BYTES];
    size_t len;
} conn_t;

static int connect_once(const char *path)
{
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof(addr.sun_path)) {
        fprintf(stderr, "qmp: socket path too long: %s\n", path);
        return -2;
    }
    strcpy(addr.sun_path, path);
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd < 0) {
        return -2;
    }
    if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static int connect_retry(const char *path, int seconds)
{
    const struct timespec pause = {.tv_nsec = 100 * 1000 * 1000};
    for (int tries = 0; tries <= seconds * 10; tries++) {
        int fd = connect_once(path);
        if (fd >= 0 || fd == -2) {
            return fd;
        }
        nanosleep(&pause, NULL);
    }
    fprintf(stderr, "qmp: cannot connect to %s: %s\n", path, strerror(errno));
    return -1;
}

/* Read one '\n'-terminated line into `out`; returns its length or -1. */
static int read_line(conn_t *c, char *out, size_t cap)
{
    for (;;) {
        char *nl = memchr(c->buf, '\n', c->len);
        if (nl != NULL) {
            size_t n = (size_t)(nl - c->buf);
            if (n >= cap) {
                return -1;
            }
            memcpy(out, c->buf, n);
            out[n] = '\0';
            c->len -= n + 1;
            memmove(c->buf, nl + 1, c->len);
            return (int)n;
        }
        if (c->len == sizeof(c->buf)) {
            return -1;
        }
        ssize_t r = read(c->fd, c->buf + c->len, sizeof(c->buf) - c->len);
        if (r <= 0) {
            return -1;
        }
        c->len += (size_t)r;
    }
}

static int send_all(int fd, const char *s)
{
    size_t len = strlen(s);
    while (len > 0) {
        ssize_t w = write(fd, s, len);
        if (w <= 0) {
            return -1;
        }
        s += w;
        len -= (size_t)w;
    }
    return write(fd, "\n", 1) == 1 ? 0 : -1;
}

/* Skip events; returns 0 for "return", 1 for "error", -1 on a broken connection. */
static int await_reply(conn_t *c, char *line, size_t cap)
{
    while (read_line(c, line, cap) >= 0) {
        if (strstr(line, "\"return\"") != NULL) {
            return 0;
        }
        if (strstr(line, "\"error\"") != NULL) {
            return 1;
        }
    }
    return -1;
}

int main(int argc, char **argv)
{
    if (argc < 3 || argc > 4) {
        fprintf(stderr, "usage: qmp SOCKET 'JSON COMMAND' [WAIT_SECONDS]\n");
        return 2;
    }
    static conn_t c;
    static char line[LINE_MAX_BYTES];
    c.fd = connect_retry(argv[1], argc == 4 ? atoi(argv[3]) : 10);
    if (c.fd < 0) {
        return 1;
    }
    int rc = read_line(&c, line, sizeof(line)) < 0 ? -1 : 0; /* greeting */
    if (rc == 0 && send_all(c.fd, "{\"execute\":\"qmp_capabilities\"}") == 0) {
        rc = await_reply(&c, line, sizeof(line));
    }
    if (rc == 0 && send_all(c.fd, argv[2]) == 0) {
        rc = await_reply(&c, line, sizeof(line));
        printf("%s\n", line);
    }
    close(c.fd);
    if (rc < 0) {
        fprintf(stderr, "qmp: connection to %s broke\n", argv[1]);
    }
    return rc == 0 ? 0 : 1;
}
