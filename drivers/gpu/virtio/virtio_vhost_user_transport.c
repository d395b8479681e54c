/*
 * The vhost-user front-end (QEMU's docs/interop/vhost-user.rst) as a
 * virtio transport for the driver core. Synchronous: each request that has
 * a reply waits for it (bounded by VU_REPLY_MS); nothing else blocks.
 */
#define _GNU_SOURCE
#include "virtio_vhost_user_transport.h"

#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <hosted/hosted.h>
#include <hosted/vhost_user_io.h>
#include <virtio/vhost_user.h>
#include <virtio/virtio_mmio.h>

#define SDDF_LOG_COMPONENT "GPU_DRV"
#include <sddf/log.h>

#define VU_REPLY_MS            2000
#define VU_CONFIG_NUM_SCANOUTS 8u   /* offset of num_scanouts in struct virtio_gpu_config */
#define VU_QUEUE_MAX           256u /* vhost-user has no per-ring maximum to ask for; QEMU's front-ends use 256 too */
#define VU_WANTED_PROTOCOL                                                                                             \
    ((UINT64_C(1) << VHOST_USER_PROTOCOL_F_REPLY_ACK) | (UINT64_C(1) << VHOST_USER_PROTOCOL_F_BACKEND_REQ) |           \
     (UINT64_C(1) << VHOST_USER_PROTOCOL_F_CONFIG) | (UINT64_C(1) << VHOST_USER_PROTOCOL_F_RESET_DEVICE) |             \
     (UINT64_C(1) << VHOST_USER_PROTOCOL_F_STATUS))

static bool has(const virtio_vhost_user_t *vu, unsigned protocol_bit)
{
    return (vu->protocol & (UINT64_C(1) << protocol_bit)) != 0;
}

static void lose(virtio_vhost_user_t *vu, const char *why, uint32_t request)
{
    if (!vu->lost) {
        LOG_ERR("vhost-user back-end lost (%s, request %u): device gone\n", why, (unsigned)request);
    }
    vu->lost = true;
}

static bool send_msg(virtio_vhost_user_t *vu, uint32_t request, uint32_t flags, const void *payload, uint32_t size,
                     const int *fds, unsigned nfds)
{
    if (vu->lost) {
        return false;
    }
    vhost_user_header_t hdr = {.request = request, .flags = VHOST_USER_VERSION | flags, .size = size};
    if (vhost_user_send(vu->sock, &hdr, payload, fds, nfds) != 0) {
        lose(vu, "send failed", request);
        return false;
    }
    return true;
}

/* The reply to `request`: checked to be a reply to it, of exactly `size` bytes. */
static bool recv_reply(virtio_vhost_user_t *vu, uint32_t request, vhost_user_payload_t *out, uint32_t size)
{
    vhost_user_header_t hdr;
    int fds[VHOST_USER_MAX_FDS];
    unsigned nfds;
    int rc = vhost_user_recv(vu->sock, &hdr, out, fds, &nfds, VHOST_USER_MAX_FDS, VU_REPLY_MS);
    for (unsigned i = 0; i < nfds; i++) {
        close(fds[i]);
    }
    if (rc <= 0) {
        lose(vu, rc == 0 ? "connection closed" : "no valid reply in time", request);
        return false;
    }
    if (hdr.request != request || (hdr.flags & VHOST_USER_FLAG_REPLY) == 0 || hdr.size != size) {
        lose(vu, "reply does not match the request", request);
        return false;
    }
    return true;
}

/* A request whose reply carries a u64 (GET_FEATURES, GET_PROTOCOL_FEATURES, GET_STATUS). */
static bool get_u64(virtio_vhost_user_t *vu, uint32_t request, uint64_t *value)
{
    vhost_user_payload_t p;
    if (!send_msg(vu, request, 0, NULL, 0, NULL, 0) || !recv_reply(vu, request, &p, sizeof(p.u64))) {
        return false;
    }
    *value = p.u64;
    return true;
}

/* A request without a reply of its own; with REPLY_ACK the back-end's verdict (0: success) is awaited. */
static bool set_msg(virtio_vhost_user_t *vu, uint32_t request, const void *payload, uint32_t size, const int *fds,
                    unsigned nfds)
{
    bool ack = has(vu, VHOST_USER_PROTOCOL_F_REPLY_ACK);
    if (!send_msg(vu, request, ack ? VHOST_USER_NEED_REPLY : 0, payload, size, fds, nfds)) {
        return false;
    }
    vhost_user_payload_t p;
    if (!ack) {
        return true;
    }
    if (!recv_reply(vu, request, &p, sizeof(p.u64))) {
        return false;
    }
    if (p.u64 != 0) {
        LOG_WARN("vhost-user back-end refused request %u (status %llu)\n", (unsigned)request,
                 (unsigned long long)p.u64);
    }
    return p.u64 == 0;
}

static bool set_u64(virtio_vhost_user_t *vu, uint32_t request, uint64_t value)
{
    return set_msg(vu, request, &value, sizeof(value), NULL, 0);
}

/* Every DMA region, at its IO address; userspace_addr is the IO address too (see the README). */
static bool send_mem_table(virtio_vhost_user_t *vu)
{
    vhost_user_memory_t mem = {0};
    int fds[VHOST_USER_MAX_REGIONS];
    for (unsigned i = 0; i < hosted_dma_count() && i < VHOST_USER_MAX_REGIONS; i++) {
        hosted_dma_region_t r;
        hosted_dma_region(i, &r);
        mem.regions[i] = (vhost_user_region_t){
                .guest_phys_addr = r.io, .memory_size = r.size, .userspace_addr = r.io, .mmap_offset = 0};
        fds[i] = r.fd;
        mem.nregions++;
    }
    uint32_t size = (uint32_t)(8 + mem.nregions * sizeof(vhost_user_region_t));
    return set_msg(vu, VHOST_USER_SET_MEM_TABLE, &mem, size, fds, mem.nregions);
}

static void forget_rings(virtio_vhost_user_t *vu)
{
    for (unsigned q = 0; q < VIRTIO_VHOST_USER_QUEUES; q++) {
        if (vu->kick[q] >= 0) {
            close(vu->kick[q]);
            vu->kick[q] = -1;
        }
    }
}

static uint32_t vu_get_status(void *ctx)
{
    virtio_vhost_user_t *vu = ctx;
    uint64_t status = vu->status;
    if (!vu->lost && has(vu, VHOST_USER_PROTOCOL_F_STATUS) && !get_u64(vu, VHOST_USER_GET_STATUS, &status)) {
        status = 0;
    }
    return vu->lost ? VIRTIO_STATUS_DEVICE_NEEDS_RESET : (uint32_t)(status & 0xffu);
}

static bool negotiate(virtio_vhost_user_t *vu);
static void backend_channel(virtio_vhost_user_t *vu, unsigned irq_ch);

/*
 * A reset of a lost back-end: a fresh one if the platform has one (the runner restarts a back-end that has
 * ended), set up as at probe, so that the core's re-initialisation carries on on it. Otherwise it stays lost.
 */
static void reconnect(virtio_vhost_user_t *vu)
{
    int fd = hosted_device_reconnect();
    if (fd < 0) {
        return;
    }
    close(vu->sock);
    if (vu->backend_req >= 0) {
        close(vu->backend_req);
        vu->backend_req = -1;
    }
    vu->sock = fd;
    vu->lost = false;
    vu->protocol = 0;
    vu->device_features = 0;
    if (!negotiate(vu) || hosted_irq_bind(vu->irq_ch, vu->sock) != 0) {
        lose(vu, "set-up of the restarted back-end failed", 0);
        return;
    }
    backend_channel(vu, vu->irq_ch);
    LOG_INFO("vhost-user back-end reconnected: features 0x%llx, protocol features 0x%llx\n",
             (unsigned long long)vu->device_features, (unsigned long long)vu->protocol);
}

static void reset(virtio_vhost_user_t *vu)
{
    forget_rings(vu);
    if (vu->lost) {
        reconnect(vu);
    }
    vu->status = 0;
    if (has(vu, VHOST_USER_PROTOCOL_F_RESET_DEVICE)) {
        set_msg(vu, VHOST_USER_RESET_DEVICE, NULL, 0, NULL, 0);
    } else {
        send_msg(vu, VHOST_USER_RESET_OWNER, 0, NULL, 0, NULL, 0);
    }
}

/* FEATURES_OK: the features and the memory the device may use, before the status says so. */
static bool features_ok(virtio_vhost_user_t *vu)
{
    uint64_t features = vu->driver_features | (UINT64_C(1) << VHOST_USER_F_PROTOCOL_FEATURES);
    return set_u64(vu, VHOST_USER_SET_FEATURES, features) && send_mem_table(vu);
}

static void vu_set_status(void *ctx, uint32_t status)
{
    virtio_vhost_user_t *vu = ctx;
    if (status == 0) {
        reset(vu);
        return;
    }
    bool new_features_ok = (status & VIRTIO_STATUS_FEATURES_OK) != 0 && (vu->status & VIRTIO_STATUS_FEATURES_OK) == 0;
    if (new_features_ok && !features_ok(vu)) {
        status &= ~VIRTIO_STATUS_FEATURES_OK;
    }
    vu->status = status;
    if (has(vu, VHOST_USER_PROTOCOL_F_STATUS)) {
        set_u64(vu, VHOST_USER_SET_STATUS, status);
    }
}

static uint64_t vu_get_device_features(void *ctx)
{
    return ((virtio_vhost_user_t *)ctx)->device_features;
}

static void vu_set_driver_features(void *ctx, uint64_t features)
{
    ((virtio_vhost_user_t *)ctx)->driver_features = features;
}

static uint32_t vu_queue_max_size(void *ctx, uint32_t queue)
{
    virtio_vhost_user_t *vu = ctx;
    return queue < VIRTIO_VHOST_USER_QUEUES && vu->kick[queue] < 0 ? VU_QUEUE_MAX : 0;
}

static bool ring_fd(virtio_vhost_user_t *vu, uint32_t request, uint32_t queue, int fd)
{
    uint64_t index = queue;
    return set_msg(vu, request, &index, sizeof(index), &fd, 1);
}

/* NUM, BASE, ADDR, KICK (the ring starts), CALL, ENABLE: the order QEMU's front-ends use. */
static void vu_queue_enable(void *ctx, uint32_t queue, uint32_t size, uint64_t desc, uint64_t avail, uint64_t used)
{
    virtio_vhost_user_t *vu = ctx;
    if (queue >= VIRTIO_VHOST_USER_QUEUES || vu->kick[queue] >= 0) {
        return;
    }
    vhost_user_vring_state_t num = {.index = queue, .num = size};
    vhost_user_vring_state_t base = {.index = queue, .num = 0};
    vhost_user_vring_addr_t addr = {.index = queue, .desc = desc, .used = used, .avail = avail};
    vhost_user_vring_state_t enable = {.index = queue, .num = 1};
    int kick = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (kick < 0) {
        LOG_ERR("no eventfd for queue %u's kick\n", (unsigned)queue);
        return;
    }
    vu->kick[queue] = kick;
    bool ok = set_msg(vu, VHOST_USER_SET_VRING_NUM, &num, sizeof(num), NULL, 0) &&
              set_msg(vu, VHOST_USER_SET_VRING_BASE, &base, sizeof(base), NULL, 0) &&
              set_msg(vu, VHOST_USER_SET_VRING_ADDR, &addr, sizeof(addr), NULL, 0) &&
              ring_fd(vu, VHOST_USER_SET_VRING_KICK, queue, kick) &&
              ring_fd(vu, VHOST_USER_SET_VRING_CALL, queue, vu->call) &&
              set_msg(vu, VHOST_USER_SET_VRING_ENABLE, &enable, sizeof(enable), NULL, 0);
    if (!ok) {
        LOG_ERR("vhost-user back-end did not take queue %u\n", (unsigned)queue);
    }
    if (ok && queue == VIRTIO_VHOST_USER_QUEUES - 1 && vu->display >= 0) {
        /* vhost-user-gpu: where to show the scanouts. */
        if (!set_msg(vu, VHOST_USER_GPU_SET_SOCKET, NULL, 0, &vu->display, 1)) {
            LOG_ERR("vhost-user-gpu back-end did not take the display socket\n");
        }
    }
}

static void vu_queue_notify(void *ctx, uint32_t queue)
{
    virtio_vhost_user_t *vu = ctx;
    uint64_t one = 1;
    if (queue < VIRTIO_VHOST_USER_QUEUES && vu->kick[queue] >= 0 &&
        write(vu->kick[queue], &one, sizeof(one)) != (ssize_t)sizeof(one)) {
        LOG_WARN("kick of queue %u failed\n", (unsigned)queue);
    }
}

/* One back-end request: a configuration change is INT_CONFIG; anything else is answered "not supported". */
static uint32_t backend_request(virtio_vhost_user_t *vu)
{
    vhost_user_header_t hdr;
    vhost_user_payload_t p;
    int fds[VHOST_USER_MAX_FDS];
    unsigned nfds;
    int rc = vhost_user_recv(vu->backend_req, &hdr, &p, fds, &nfds, VHOST_USER_MAX_FDS, 0);
    for (unsigned i = 0; i < nfds; i++) {
        close(fds[i]);
    }
    if (rc <= 0) {
        LOG_WARN("back-end request channel closed\n");
        close(vu->backend_req);
        vu->backend_req = -1;
        return 0;
    }
    bool config = hdr.request == VHOST_USER_BACKEND_CONFIG_CHANGE_MSG;
    if ((hdr.flags & VHOST_USER_NEED_REPLY) != 0) {
        vhost_user_header_t reply = {
                .request = hdr.request, .flags = VHOST_USER_VERSION | VHOST_USER_FLAG_REPLY, .size = sizeof(uint64_t)};
        uint64_t verdict = config ? 0 : 1;
        vhost_user_send(vu->backend_req, &reply, &verdict, NULL, 0);
    }
    return config ? VIRTIO_MMIO_INT_CONFIG : 0;
}

/*
 * The socket is only read inside requests, so between them it is readable only if the back-end hung up (or
 * sent what it should not have): a lost device is seen at once, as a configuration change whose status reads
 * DEVICE_NEEDS_RESET, instead of at the next command's deadline.
 */
static uint32_t socket_event(virtio_vhost_user_t *vu)
{
    char c;
    if (vu->lost || !vhost_user_readable(vu->sock)) {
        return 0;
    }
    ssize_t n = recv(vu->sock, &c, 1, MSG_PEEK | MSG_DONTWAIT);
    lose(vu, n == 0 ? "connection closed" : "unsolicited message", 0);
    return VIRTIO_MMIO_INT_CONFIG;
}

static uint32_t vu_interrupt_take(void *ctx)
{
    virtio_vhost_user_t *vu = ctx;
    uint32_t bits = socket_event(vu);
    uint64_t count;
    if (read(vu->call, &count, sizeof(count)) == (ssize_t)sizeof(count) && count != 0) {
        bits |= VIRTIO_MMIO_INT_VRING;
    }
    while (vu->backend_req >= 0 && vhost_user_readable(vu->backend_req)) {
        bits |= backend_request(vu);
    }
    return bits;
}

static uint32_t vu_config_read32(void *ctx, uint32_t offset)
{
    virtio_vhost_user_t *vu = ctx;
    vhost_user_config_t cfg = {.offset = offset, .size = 4};
    vhost_user_payload_t p;
    if (!has(vu, VHOST_USER_PROTOCOL_F_CONFIG) ||
        !send_msg(vu, VHOST_USER_GET_CONFIG, 0, &cfg, VHOST_USER_CONFIG_HDR + 4, NULL, 0) ||
        !recv_reply(vu, VHOST_USER_GET_CONFIG, &p, VHOST_USER_CONFIG_HDR + 4)) {
        return 0;
    }
    if (p.config.offset != offset || p.config.size != 4) {
        LOG_WARN("GET_CONFIG reply for offset %u size %u, asked for %u size 4\n", (unsigned)p.config.offset,
                 (unsigned)p.config.size, (unsigned)offset);
        return 0;
    }
    uint32_t v;
    memcpy(&v, p.config.payload, sizeof(v));
    if (offset == VU_CONFIG_NUM_SCANOUTS && v == 0 && vu->display >= 0) {
        /* QEMU's vhost-user-gpu leaves num_scanouts to its front-end (QEMU's own sets max_outputs): so do we. */
        v = vu->display_scanouts;
    }
    return v;
}

static void vu_config_write32(void *ctx, uint32_t offset, uint32_t value)
{
    virtio_vhost_user_t *vu = ctx;
    vhost_user_config_t cfg = {.offset = offset, .size = 4};
    memcpy(cfg.payload, &value, sizeof(value));
    if (has(vu, VHOST_USER_PROTOCOL_F_CONFIG)) {
        set_msg(vu, VHOST_USER_SET_CONFIG, &cfg, VHOST_USER_CONFIG_HDR + 4, NULL, 0);
    }
}

static const virtio_transport_ops_t vu_ops = {
        .get_status = vu_get_status,
        .set_status = vu_set_status,
        .get_device_features = vu_get_device_features,
        .set_driver_features = vu_set_driver_features,
        .queue_max_size = vu_queue_max_size,
        .queue_enable = vu_queue_enable,
        .queue_notify = vu_queue_notify,
        .interrupt_take = vu_interrupt_take,
        .config_read32 = vu_config_read32,
        .config_write32 = vu_config_write32,
};

/* The back-end's request socket: one end to the back-end, the other a source of our irq. */
static void backend_channel(virtio_vhost_user_t *vu, unsigned irq_ch)
{
    int sv[2];
    if (!has(vu, VHOST_USER_PROTOCOL_F_BACKEND_REQ) || socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
        return;
    }
    if (set_msg(vu, VHOST_USER_SET_BACKEND_REQ_FD, NULL, 0, &sv[1], 1) && hosted_irq_bind(irq_ch, sv[0]) == 0) {
        vu->backend_req = sv[0];
    } else {
        close(sv[0]);
    }
    close(sv[1]);
}

static bool negotiate(virtio_vhost_user_t *vu)
{
    uint64_t features;
    uint64_t protocol;
    if (!get_u64(vu, VHOST_USER_GET_FEATURES, &features) || !send_msg(vu, VHOST_USER_SET_OWNER, 0, NULL, 0, NULL, 0)) {
        return false;
    }
    vu->device_features = features & ~(UINT64_C(1) << VHOST_USER_F_PROTOCOL_FEATURES);
    if ((features & (UINT64_C(1) << VHOST_USER_F_PROTOCOL_FEATURES)) == 0) {
        LOG_ERR("vhost-user back-end offers no protocol features (no configuration space)\n");
        return false;
    }
    if (!get_u64(vu, VHOST_USER_GET_PROTOCOL_FEATURES, &protocol)) {
        return false;
    }
    uint64_t wanted = protocol & VU_WANTED_PROTOCOL;
    if (!send_msg(vu, VHOST_USER_SET_PROTOCOL_FEATURES, 0, &wanted, sizeof(wanted), NULL, 0)) {
        return false;
    }
    vu->protocol = wanted;
    return true;
}

bool virtio_vhost_user_probe(virtio_vhost_user_t *vu, unsigned irq_ch)
{
    *vu = (virtio_vhost_user_t){.sock = hosted_device_fd(), .backend_req = -1, .kick = {-1, -1}, .irq_ch = irq_ch};
    vu->display = hosted_display_fd(&vu->display_scanouts);
    vu->transport = (virtio_transport_t){.ops = &vu_ops, .ctx = vu};
    if (vu->sock < 0) {
        LOG_ERR("no vhost-user back-end: this PD was given no device\n");
        return false;
    }
    vu->call = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (vu->call < 0 || hosted_irq_bind(irq_ch, vu->call) != 0) {
        LOG_ERR("irq channel %u cannot take the used-buffer eventfd\n", irq_ch);
        return false;
    }
    if (!negotiate(vu) || hosted_irq_bind(irq_ch, vu->sock) != 0) {
        return false;
    }
    backend_channel(vu, irq_ch);
    LOG_INFO("vhost-user back-end: features 0x%llx, protocol features 0x%llx, %u DMA regions%s\n",
             (unsigned long long)vu->device_features, (unsigned long long)vu->protocol, hosted_dma_count(),
             vu->display >= 0 ? ", a display socket for it" : "");
    return true;
}
