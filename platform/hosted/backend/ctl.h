/*
 * The back-ends' control socket: a Unix stream socket, one request line per
 * connection, one reply line (platform/hosted/README.md; hosted-ctl).
 */
#pragma once

#include <stddef.h>

typedef void (*ctl_handler_fn)(void *ctx, const char *line, char *out, size_t cap);

/* A listening socket at path (replacing a stale one), or -1. */
int ctl_listen(const char *path);

/* Serves one client: reads its line (1 s at most), answers with handler's reply. */
void ctl_accept(int lsock, ctl_handler_fn handler, void *ctx);
