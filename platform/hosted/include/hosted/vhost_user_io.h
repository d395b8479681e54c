/*
 * Sending and receiving vhost-user messages (include/virtio/vhost_user.h)
 * with their file descriptors, for both ends: the driver's vhost-user
 * transport and the device back-end.
 */
#pragma once

#include <stdbool.h>

#include <virtio/vhost_user.h>

#define VHOST_USER_MAX_FDS 8u

/* Header and `hdr->size` payload bytes, with `nfds` descriptors. 0 on success, -1 on error. */
int vhost_user_send(int sock, const vhost_user_header_t *hdr, const void *payload, const int *fds, unsigned nfds);

/*
 * One message. Descriptors beyond `maxfds` are closed. Returns 1 on success,
 * 0 at end of file, -1 on error or a malformed message (wrong version, a
 * payload larger than vhost_user_payload_t); on -1 the stream is unusable.
 * If `timeout_ms` >= 0 and nothing arrives in that time, returns -1.
 */
int vhost_user_recv(int sock, vhost_user_header_t *hdr, vhost_user_payload_t *payload, int *fds, unsigned *nfds,
                    unsigned maxfds, int timeout_ms);

/* True if a message (or end of file) is waiting on `sock`. */
bool vhost_user_readable(int sock);
