/*
 * One request line in, one reply line out (ctl.h).
 */
#define _GNU_SOURCE
#include "ctl.h"

#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int ctl_listen(const char *path)
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

void ctl_accept(int lsock, ctl_handler_fn handler, void *ctx)
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
    handler(ctx, line, out, sizeof(out));
    if (write(c, out, strlen(out)) < 0) {
        /* the client left */
    }
    close(c);
}
