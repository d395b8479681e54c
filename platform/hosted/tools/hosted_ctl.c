/*
 * hosted-ctl: one request to the device back-end's control socket (vgpu-backend --ctl).
 *
 *   hosted-ctl SOCKET 'dump 0 /tmp/state-1.png'
 *
 * Prints the reply line; exits 0 if it starts with "ok", 1 otherwise, 2 if the socket cannot be reached.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static int connect_to(const char *path)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof(sa.sun_path)) {
        return -1;
    }
    strcpy(sa.sun_path, path);
    int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (s >= 0 && connect(s, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
        close(s);
        s = -1;
    }
    return s;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: hosted-ctl SOCKET REQUEST\n");
        return 2;
    }
    int s = connect_to(argv[1]);
    char req[4200];
    int len = snprintf(req, sizeof(req), "%s\n", argv[2]);
    if (s < 0 || len <= 0 || (size_t)len >= sizeof(req) || write(s, req, (size_t)len) != len) {
        fprintf(stderr, "hosted-ctl: cannot reach %s\n", argv[1]);
        return 2;
    }
    char reply[256];
    size_t got = 0;
    ssize_t n;
    while (got + 1 < sizeof(reply) && (n = read(s, reply + got, sizeof(reply) - 1 - got)) > 0) {
        got += (size_t)n;
    }
    reply[got] = '\0';
    close(s);
    fputs(reply, stdout);
    return strncmp(reply, "ok", 2) == 0 ? 0 : 1;
}
