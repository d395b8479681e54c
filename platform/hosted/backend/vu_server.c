/*
 * The vhost-user protocol on the back-end side, over the model's registers.
 * Everything the front-end sends is checked: unknown requests, bad ring
 * indices, addresses outside the registered memory and malformed payloads are
 * refused (a failure reply when one is asked for) and logged.
 */
#define _GNU_SOURCE
#include "backend.h"

#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <hosted/vhost_user_io.h>
#include <virtio/virtio_mmio.h>

#define BE_PROTOCOL                                                                                                    \
    ((UINT64_C(1) << VHOST_USER_PROTOCOL_F_REPLY_ACK) | (UINT64_C(1) << VHOST_USER_PROTOCOL_F_BACKEND_REQ) |           \
     (UINT64_C(1) << VHOST_USER_PROTOCOL_F_CONFIG) | (UINT64_C(1) << VHOST_USER_PROTOCOL_F_RESET_DEVICE) |             \
     (UINT64_C(1) << VHOST_USER_PROTOCOL_F_STATUS))
#define BE_CONFIG_SIZE 16u /* struct virtio_gpu_config */

typedef struct {
    vhost_user_header_t hdr;
    vhost_user_payload_t p;
    int fds[VHOST_USER_MAX_FDS];
    unsigned nfds;
} be_msg_t;

static uint32_t rd(backend_t *b, uint32_t off)
{
    return vgpu_model_mmio_read(b->model, off);
}

static void wr(backend_t *b, uint32_t off, uint32_t v)
{
    vgpu_model_mmio_write(b->model, off, v);
}

void *be_translate(void *ctx, uint64_t io, uint64_t len)
{
    backend_t *b = ctx;
    for (unsigned i = 0; i < b->nregions; i++) {
        be_region_t *r = &b->regions[i];
        if (io >= r->gpa && len <= r->size && io - r->gpa <= r->size - len) {
            return r->ptr + r->offset + (io - r->gpa);
        }
    }
    return NULL;
}

/* A ring address is in the front-end's address space: the region's userspace_addr. */
static bool qva_to_io(const backend_t *b, uint64_t qva, uint64_t *io)
{
    for (unsigned i = 0; i < b->nregions; i++) {
        const be_region_t *r = &b->regions[i];
        if (qva >= r->uaddr && qva - r->uaddr < r->size) {
            *io = r->gpa + (qva - r->uaddr);
            return true;
        }
    }
    return false;
}

static void reply(backend_t *b, const be_msg_t *m, const void *payload, uint32_t size)
{
    vhost_user_header_t hdr = {
            .request = m->hdr.request, .flags = VHOST_USER_VERSION | VHOST_USER_FLAG_REPLY, .size = size};
    if (vhost_user_send(b->sock, &hdr, payload, NULL, 0) != 0) {
        b->ended = true;
    }
}

static void reply_u64(backend_t *b, const be_msg_t *m, uint64_t v)
{
    reply(b, m, &v, sizeof(v));
}

static bool payload_is(const be_msg_t *m, uint32_t size)
{
    return m->hdr.size == size;
}

static void close_fd(int *fd)
{
    if (*fd >= 0) {
        close(*fd);
        *fd = -1;
    }
}

void be_reset_rings(backend_t *b)
{
    for (unsigned q = 0; q < BE_QUEUES; q++) {
        close_fd(&b->ring[q].fd);
        close_fd(&b->call[q]);
        b->ring[q] = (be_ring_t){.fd = -1};
    }
}

static void unmap_all(backend_t *b)
{
    for (unsigned i = 0; i < b->nregions; i++) {
        munmap(b->regions[i].ptr, b->regions[i].maplen);
    }
    b->nregions = 0;
}

static bool map_region(be_region_t *r, const vhost_user_region_t *w, int fd)
{
    if (w->memory_size == 0 || w->mmap_offset > UINT64_MAX - w->memory_size ||
        w->guest_phys_addr > UINT64_MAX - w->memory_size) {
        return false;
    }
    size_t len = (size_t)(w->mmap_offset + w->memory_size);
    void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (p == MAP_FAILED) {
        return false;
    }
    *r = (be_region_t){.ptr = p,
                       .maplen = len,
                       .gpa = w->guest_phys_addr,
                       .size = w->memory_size,
                       .uaddr = w->userspace_addr,
                       .offset = w->mmap_offset};
    return true;
}

static bool set_mem_table(backend_t *b, be_msg_t *m)
{
    const vhost_user_memory_t *mem = &m->p.memory;
    if (m->hdr.size < 8 || mem->nregions > VHOST_USER_MAX_REGIONS || mem->nregions != m->nfds ||
        m->hdr.size != 8 + mem->nregions * sizeof(vhost_user_region_t)) {
        fprintf(stderr, "VGPU|ERROR: SET_MEM_TABLE malformed (%u regions, %u fds)\n", (unsigned)mem->nregions, m->nfds);
        return false;
    }
    unmap_all(b);
    for (unsigned i = 0; i < mem->nregions; i++) {
        if (!map_region(&b->regions[b->nregions], &mem->regions[i], m->fds[i])) {
            fprintf(stderr, "VGPU|ERROR: SET_MEM_TABLE: region %u cannot be mapped\n", i);
            return false;
        }
        b->nregions++;
    }
    return true;
}

/* The ring index of a state, addr or fd payload, checked. */
static bool ring_index(uint64_t index, unsigned *q)
{
    *q = (unsigned)(index & VHOST_USER_VRING_IDX_MASK);
    return *q < BE_QUEUES;
}

static void start_ring(backend_t *b, unsigned q)
{
    be_ring_t *r = &b->ring[q];
    wr(b, VIRTIO_MMIO_QUEUE_SEL, q);
    wr(b, VIRTIO_MMIO_QUEUE_NUM, r->num);
    wr(b, VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)r->desc);
    wr(b, VIRTIO_MMIO_QUEUE_DESC_HIGH, (uint32_t)(r->desc >> 32));
    wr(b, VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)r->avail);
    wr(b, VIRTIO_MMIO_QUEUE_DRIVER_HIGH, (uint32_t)(r->avail >> 32));
    wr(b, VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)r->used);
    wr(b, VIRTIO_MMIO_QUEUE_DEVICE_HIGH, (uint32_t)(r->used >> 32));
    wr(b, VIRTIO_MMIO_QUEUE_READY, 1);
    if (rd(b, VIRTIO_MMIO_QUEUE_READY) != 1) {
        fprintf(stderr, "VGPU|ERROR: ring %u refused by the model: %s\n", q, vgpu_model_last_error(b->model));
    }
}

static bool ring_fd(backend_t *b, be_msg_t *m, bool kick)
{
    unsigned q;
    if (!payload_is(m, sizeof(uint64_t)) || !ring_index(m->p.u64, &q)) {
        return false;
    }
    bool nofd = (m->p.u64 & VHOST_USER_VRING_NOFD) != 0;
    if (nofd == (m->nfds == 1)) {
        return false; /* "no fd" is not supported (we do not poll rings) and needs none; otherwise one */
    }
    int *slot = kick ? &b->ring[q].fd : &b->call[q];
    close_fd(slot);
    *slot = m->fds[0];
    m->nfds = 0;
    if (kick) {
        start_ring(b, q);
    }
    return true;
}

static bool vring_state(backend_t *b, const be_msg_t *m)
{
    unsigned q;
    if (!payload_is(m, sizeof(vhost_user_vring_state_t)) || !ring_index(m->p.state.index, &q)) {
        return false;
    }
    if (m->hdr.request == VHOST_USER_SET_VRING_NUM) {
        b->ring[q].num = m->p.state.num;
    }
    return m->hdr.request != VHOST_USER_SET_VRING_BASE || m->p.state.num == 0; /* rings start at index 0 */
}

static bool vring_addr(backend_t *b, const be_msg_t *m)
{
    unsigned q;
    const vhost_user_vring_addr_t *a = &m->p.addr;
    if (!payload_is(m, sizeof(*a)) || !ring_index(a->index, &q)) {
        return false;
    }
    be_ring_t *r = &b->ring[q];
    return qva_to_io(b, a->desc, &r->desc) && qva_to_io(b, a->avail, &r->avail) && qva_to_io(b, a->used, &r->used);
}

static bool set_features(backend_t *b, const be_msg_t *m)
{
    if (!payload_is(m, sizeof(uint64_t))) {
        return false;
    }
    uint64_t f = m->p.u64 & ~(UINT64_C(1) << VHOST_USER_F_PROTOCOL_FEATURES);
    if ((b->protocol & (UINT64_C(1) << VHOST_USER_PROTOCOL_F_STATUS)) == 0) {
        wr(b, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
    }
    wr(b, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
    wr(b, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)f);
    wr(b, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
    wr(b, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)(f >> 32));
    if ((b->protocol & (UINT64_C(1) << VHOST_USER_PROTOCOL_F_STATUS)) == 0) {
        wr(b, VIRTIO_MMIO_STATUS, rd(b, VIRTIO_MMIO_STATUS) | VIRTIO_STATUS_FEATURES_OK);
        return (rd(b, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK) != 0;
    }
    return true;
}

static uint64_t device_features(backend_t *b)
{
    wr(b, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
    uint64_t low = rd(b, VIRTIO_MMIO_DEVICE_FEATURES);
    wr(b, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
    uint64_t high = rd(b, VIRTIO_MMIO_DEVICE_FEATURES);
    return low | (high << 32) | (UINT64_C(1) << VHOST_USER_F_PROTOCOL_FEATURES);
}

static bool config_range(const vhost_user_config_t *c, uint32_t msg_size)
{
    return msg_size == VHOST_USER_CONFIG_HDR + c->size && c->offset % 4 == 0 && c->size % 4 == 0 &&
           c->offset <= BE_CONFIG_SIZE && c->size <= BE_CONFIG_SIZE - c->offset;
}

static void get_config(backend_t *b, const be_msg_t *m)
{
    vhost_user_config_t c = m->p.config;
    if (!config_range(&c, m->hdr.size)) {
        c.size = 0; /* an empty reply: the front-end sees its request failed */
    }
    for (uint32_t i = 0; i < c.size; i += 4) {
        uint32_t v = rd(b, VIRTIO_MMIO_CONFIG + c.offset + i);
        memcpy(c.payload + i, &v, 4);
    }
    reply(b, m, &c, VHOST_USER_CONFIG_HDR + c.size);
}

static bool set_config(backend_t *b, const be_msg_t *m)
{
    const vhost_user_config_t *c = &m->p.config;
    if (!config_range(c, m->hdr.size)) {
        return false;
    }
    for (uint32_t i = 0; i < c->size; i += 4) {
        uint32_t v;
        memcpy(&v, c->payload + i, 4);
        wr(b, VIRTIO_MMIO_CONFIG + c->offset + i, v);
    }
    return true;
}

static void reset_device(backend_t *b)
{
    be_reset_rings(b);
    wr(b, VIRTIO_MMIO_STATUS, 0);
}

static bool set_backend_req(backend_t *b, be_msg_t *m)
{
    if (m->nfds != 1) {
        return false;
    }
    close_fd(&b->backend_req);
    b->backend_req = m->fds[0];
    m->nfds = 0;
    return true;
}

/* Requests that answer with data of their own. Returns false if `m` is not one of them. */
static bool answer(backend_t *b, const be_msg_t *m)
{
    switch (m->hdr.request) {
    case VHOST_USER_GET_FEATURES:
        reply_u64(b, m, device_features(b));
        return true;
    case VHOST_USER_GET_PROTOCOL_FEATURES:
        reply_u64(b, m, BE_PROTOCOL);
        return true;
    case VHOST_USER_GET_QUEUE_NUM:
        reply_u64(b, m, BE_QUEUES);
        return true;
    case VHOST_USER_GET_STATUS:
        reply_u64(b, m, rd(b, VIRTIO_MMIO_STATUS));
        return true;
    case VHOST_USER_GET_CONFIG:
        get_config(b, m);
        return true;
    case VHOST_USER_GET_VRING_BASE: {
        vhost_user_vring_state_t s = {.index = m->p.state.index, .num = 0};
        reply(b, m, &s, sizeof(s));
        return true;
    }
    default:
        return false;
    }
}

/* Requests that only act; returns whether they succeeded. */
static bool act(backend_t *b, be_msg_t *m)
{
    switch (m->hdr.request) {
    case VHOST_USER_SET_OWNER:
    case VHOST_USER_SET_VRING_ENABLE:
        return true;
    case VHOST_USER_SET_PROTOCOL_FEATURES:
        b->protocol = payload_is(m, 8) ? (m->p.u64 & BE_PROTOCOL) : 0;
        return payload_is(m, 8);
    case VHOST_USER_SET_FEATURES:
        return set_features(b, m);
    case VHOST_USER_RESET_OWNER:
    case VHOST_USER_RESET_DEVICE:
        reset_device(b);
        return true;
    case VHOST_USER_SET_MEM_TABLE:
        return set_mem_table(b, m);
    case VHOST_USER_SET_VRING_NUM:
    case VHOST_USER_SET_VRING_BASE:
        return vring_state(b, m);
    case VHOST_USER_SET_VRING_ADDR:
        return vring_addr(b, m);
    case VHOST_USER_SET_VRING_KICK:
        return ring_fd(b, m, true);
    case VHOST_USER_SET_VRING_CALL:
        return ring_fd(b, m, false);
    case VHOST_USER_SET_BACKEND_REQ_FD:
        return set_backend_req(b, m);
    case VHOST_USER_SET_CONFIG:
        return set_config(b, m);
    case VHOST_USER_SET_STATUS:
        wr(b, VIRTIO_MMIO_STATUS, (uint32_t)m->p.u64);
        return payload_is(m, 8);
    default:
        fprintf(stderr, "VGPU|WARN: vhost-user request %u not supported\n", (unsigned)m->hdr.request);
        return false;
    }
}

void be_message(backend_t *b)
{
    be_msg_t m;
    int rc = vhost_user_recv(b->sock, &m.hdr, &m.p, m.fds, &m.nfds, VHOST_USER_MAX_FDS, -1);
    if (rc <= 0) {
        fprintf(stderr, "VGPU|%s\n", rc == 0 ? "INFO: front-end hung up" : "ERROR: malformed message");
        b->ended = true;
        return;
    }
    if (!answer(b, &m)) {
        bool ok = act(b, &m);
        if (!ok) {
            fprintf(stderr, "VGPU|WARN: vhost-user request %u refused\n", (unsigned)m.hdr.request);
        }
        bool ack = (b->protocol & (UINT64_C(1) << VHOST_USER_PROTOCOL_F_REPLY_ACK)) != 0;
        if (ack && (m.hdr.flags & VHOST_USER_NEED_REPLY) != 0) {
            reply_u64(b, &m, ok ? 0 : 1);
        }
    }
    for (unsigned i = 0; i < m.nfds; i++) {
        close(m.fds[i]);
    }
    be_deliver_interrupts(b);
}

/* Without VHOST_USER_PROTOCOL_F_STATUS nobody sets DRIVER_OK: the first kick means the driver is ready. */
static void implied_driver_ok(backend_t *b)
{
    uint32_t s = rd(b, VIRTIO_MMIO_STATUS);
    if ((b->protocol & (UINT64_C(1) << VHOST_USER_PROTOCOL_F_STATUS)) == 0 && (s & VIRTIO_STATUS_DRIVER_OK) == 0) {
        wr(b, VIRTIO_MMIO_STATUS, s | VIRTIO_STATUS_DRIVER_OK);
    }
}

void be_kick(backend_t *b, unsigned q)
{
    uint64_t count;
    if (read(b->ring[q].fd, &count, sizeof(count)) != (ssize_t)sizeof(count)) {
        return;
    }
    implied_driver_ok(b);
    wr(b, VIRTIO_MMIO_QUEUE_NOTIFY, q);
    vgpu_model_process(b->model);
    be_deliver_interrupts(b);
}

static void signal_fd(int fd)
{
    uint64_t one = 1;
    if (fd >= 0 && write(fd, &one, sizeof(one)) != (ssize_t)sizeof(one)) {
        fprintf(stderr, "VGPU|WARN: call eventfd write failed\n");
    }
}

void be_deliver_interrupts(backend_t *b)
{
    uint32_t isr = rd(b, VIRTIO_MMIO_INTERRUPT_STATUS);
    if (isr == 0) {
        return;
    }
    wr(b, VIRTIO_MMIO_INTERRUPT_ACK, isr);
    if (isr & VIRTIO_MMIO_INT_VRING) {
        signal_fd(b->call[0]);
        if (b->call[1] >= 0 && b->call[1] != b->call[0]) {
            signal_fd(b->call[1]);
        }
    }
    if ((isr & VIRTIO_MMIO_INT_CONFIG) && b->backend_req >= 0) {
        vhost_user_header_t hdr = {.request = VHOST_USER_BACKEND_CONFIG_CHANGE_MSG, .flags = VHOST_USER_VERSION};
        if (vhost_user_send(b->backend_req, &hdr, NULL, NULL, 0) != 0) {
            fprintf(stderr, "VGPU|WARN: CONFIG_CHANGE_MSG not sent\n");
        }
    }
}
