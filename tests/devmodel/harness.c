/*
 * The hand-built virtio driver of the device-model tests (see harness.h).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "harness.h"

static void *h_translate(void *ctx, uint64_t io, uint64_t len)
{
    harness_t *h = ctx;
    if (io < H_IO_BASE || io - H_IO_BASE > H_MEM_SIZE || len > H_MEM_SIZE - (io - H_IO_BASE)) {
        return NULL;
    }
    if (io < h->hole_hi && io + len > h->hole_lo) {
        return NULL;
    }
    return h->mem + (io - H_IO_BASE);
}

void h_config(vgpu_model_config_t *cfg)
{
    vgpu_model_config_default(cfg);
}

harness_t *h_create(const vgpu_model_config_t *cfg)
{
    harness_t *h = calloc(1, sizeof(*h));
    assert_non_null(h);
    h->mem = calloc(1, H_MEM_SIZE);
    assert_non_null(h->mem);
    h->brk = 0x1000;
    h->cfg = *cfg;
    h->cfg.translate = h_translate;
    h->cfg.translate_ctx = h;
    h->m = vgpu_model_create(&h->cfg);
    assert_non_null(h->m);
    return h;
}

harness_t *h_create_default(void)
{
    vgpu_model_config_t cfg;
    h_config(&cfg);
    return h_create(&cfg);
}

void h_destroy(harness_t *h)
{
    vgpu_model_destroy(h->m);
    free(h->mem);
    free(h);
}

uint64_t h_alloc(harness_t *h, uint64_t size, uint64_t align)
{
    uint64_t at = (h->brk + align - 1) & ~(align - 1);
    assert_true(at + size <= H_MEM_SIZE);
    h->brk = at + size;
    memset(h->mem + at, 0, size);
    return H_IO_BASE + at;
}

void *h_ptr(harness_t *h, uint64_t io)
{
    assert_true(io >= H_IO_BASE && io - H_IO_BASE < H_MEM_SIZE);
    return h->mem + (io - H_IO_BASE);
}

uint32_t h_read(harness_t *h, uint32_t off)
{
    return vgpu_model_mmio_read(h->m, off);
}

void h_write(harness_t *h, uint32_t off, uint32_t v)
{
    vgpu_model_mmio_write(h->m, off, v);
}

uint32_t h_queue_setup(harness_t *h, uint32_t qi, uint32_t num)
{
    h_queue_t *q = &h->q[qi];
    memset(q, 0, sizeof(*q));
    q->num = num;
    q->desc = h_alloc(h, VIRTQ_DESC_BYTES(num), VIRTQ_DESC_ALIGN);
    q->avail = h_alloc(h, VIRTQ_AVAIL_BYTES(num), VIRTQ_AVAIL_ALIGN);
    q->used = h_alloc(h, VIRTQ_USED_BYTES(num), VIRTQ_USED_ALIGN);
    h_write(h, VIRTIO_MMIO_QUEUE_SEL, qi);
    h_write(h, VIRTIO_MMIO_QUEUE_NUM, num);
    h_write(h, VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)q->desc);
    h_write(h, VIRTIO_MMIO_QUEUE_DESC_HIGH, (uint32_t)(q->desc >> 32));
    h_write(h, VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)q->avail);
    h_write(h, VIRTIO_MMIO_QUEUE_DRIVER_HIGH, (uint32_t)(q->avail >> 32));
    h_write(h, VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)q->used);
    h_write(h, VIRTIO_MMIO_QUEUE_DEVICE_HIGH, (uint32_t)(q->used >> 32));
    h_write(h, VIRTIO_MMIO_QUEUE_READY, 1);
    return h_read(h, VIRTIO_MMIO_QUEUE_READY);
}

uint32_t h_init(harness_t *h, uint64_t features)
{
    h_write(h, VIRTIO_MMIO_STATUS, 0);
    h_write(h, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE);
    h_write(h, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
    for (uint32_t sel = 0; sel < 2; sel++) {
        h_write(h, VIRTIO_MMIO_DRIVER_FEATURES_SEL, sel);
        h_write(h, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)(features >> (32 * sel)));
    }
    uint32_t st = VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK;
    h_write(h, VIRTIO_MMIO_STATUS, st);
    if (!(h_read(h, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK)) {
        return h_read(h, VIRTIO_MMIO_STATUS);
    }
    assert_int_equal(h_queue_setup(h, VIRTIO_GPU_QUEUE_CONTROL, H_QNUM), 1);
    assert_int_equal(h_queue_setup(h, VIRTIO_GPU_QUEUE_CURSOR, H_QNUM), 1);
    h_write(h, VIRTIO_MMIO_STATUS, st | VIRTIO_STATUS_DRIVER_OK);
    return h_read(h, VIRTIO_MMIO_STATUS);
}

virtq_desc_t *h_desc(harness_t *h, uint32_t qi, uint32_t idx)
{
    return (virtq_desc_t *)h_ptr(h, h->q[qi].desc) + idx;
}

void h_publish_head(harness_t *h, uint32_t qi, uint16_t head)
{
    h_queue_t *q = &h->q[qi];
    virtq_avail_t *avail = h_ptr(h, q->avail);
    avail->ring[q->avail_idx % q->num] = head;
    q->avail_idx++;
    __atomic_store_n(&avail->idx, q->avail_idx, __ATOMIC_RELEASE);
}

uint16_t h_submit(harness_t *h, uint32_t qi, const h_buf_t *bufs, uint32_t n)
{
    h_queue_t *q = &h->q[qi];
    uint16_t head = (uint16_t)(q->next_desc % q->num);
    for (uint32_t i = 0; i < n; i++) {
        uint32_t idx = (q->next_desc + i) % q->num;
        virtq_desc_t *d = h_desc(h, qi, idx);
        d->addr = bufs[i].addr;
        d->len = bufs[i].len;
        d->flags = (uint16_t)((bufs[i].write ? VIRTQ_DESC_F_WRITE : 0) | (i + 1 < n ? VIRTQ_DESC_F_NEXT : 0));
        d->next = (uint16_t)((idx + 1) % q->num);
    }
    q->next_desc += n;
    h_publish_head(h, qi, head);
    return head;
}

void h_notify(harness_t *h, uint32_t qi)
{
    h_write(h, VIRTIO_MMIO_QUEUE_NOTIFY, qi);
}

uint16_t h_used_idx(harness_t *h, uint32_t qi)
{
    virtq_used_t *used = h_ptr(h, h->q[qi].used);
    return __atomic_load_n(&used->idx, __ATOMIC_ACQUIRE);
}

int h_pop_used(harness_t *h, uint32_t qi, uint32_t *id, uint32_t *len)
{
    h_queue_t *q = &h->q[qi];
    virtq_used_t *used = h_ptr(h, q->used);
    if (h_used_idx(h, qi) == q->used_seen) {
        return 0;
    }
    virtq_used_elem_t e = used->ring[q->used_seen % q->num];
    q->used_seen++;
    *id = e.id;
    *len = e.len;
    return 1;
}

uint32_t h_cmd(harness_t *h, const void *req, size_t req_len, void *resp, size_t resp_len)
{
    uint64_t rq = h_alloc(h, req_len, 8);
    uint64_t rs = h_alloc(h, resp_len, 8);
    memcpy(h_ptr(h, rq), req, req_len);
    h_buf_t bufs[2] = {{rq, (uint32_t)req_len, 0}, {rs, (uint32_t)resp_len, 1}};
    uint16_t head = h_submit(h, VIRTIO_GPU_QUEUE_CONTROL, bufs, 2);
    h_notify(h, VIRTIO_GPU_QUEUE_CONTROL);
    vgpu_model_process(h->m);
    uint32_t id = 0, len = 0;
    assert_int_equal(h_pop_used(h, VIRTIO_GPU_QUEUE_CONTROL, &id, &len), 1);
    assert_int_equal(id, head);
    memcpy(resp, h_ptr(h, rs), resp_len);
    h->brk = rq - H_IO_BASE; /* the buffers are free again */
    return len;
}

uint32_t h_cmd_type(harness_t *h, const void *req, size_t req_len)
{
    virtio_gpu_ctrl_hdr_t resp;
    uint32_t len = h_cmd(h, req, req_len, &resp, sizeof(resp));
    assert_int_equal(len, sizeof(resp));
    return resp.type;
}

uint32_t h_cursor(harness_t *h, const virtio_gpu_update_cursor_t *c)
{
    uint64_t rq = h_alloc(h, sizeof(*c), 8);
    memcpy(h_ptr(h, rq), c, sizeof(*c));
    h_buf_t buf = {rq, sizeof(*c), 0};
    uint16_t head = h_submit(h, VIRTIO_GPU_QUEUE_CURSOR, &buf, 1);
    h_notify(h, VIRTIO_GPU_QUEUE_CURSOR);
    vgpu_model_process(h->m);
    uint32_t id = 0, len = 0;
    assert_int_equal(h_pop_used(h, VIRTIO_GPU_QUEUE_CURSOR, &id, &len), 1);
    assert_int_equal(id, head);
    h->brk = rq - H_IO_BASE;
    return len;
}

uint32_t h_create_2d(harness_t *h, uint32_t id, uint32_t format, uint32_t w, uint32_t hgt)
{
    virtio_gpu_resource_create_2d_t c = {.hdr.type = VIRTIO_GPU_CMD_RESOURCE_CREATE_2D};
    c.resource_id = id;
    c.format = format;
    c.width = w;
    c.height = hgt;
    return h_cmd_type(h, &c, sizeof(c));
}

/* A command struct followed by n memory entries (ATTACH_BACKING, CREATE_BLOB), sent as one buffer. */
static uint32_t cmd_with_entries(harness_t *h, const void *c, size_t c_len, const virtio_gpu_mem_entry_t *e, uint32_t n)
{
    size_t size = c_len + n * sizeof(*e);
    uint8_t *buf = calloc(1, size);
    assert_non_null(buf);
    memcpy(buf, c, c_len);
    if (n > 0) {
        memcpy(buf + c_len, e, n * sizeof(*e));
    }
    uint32_t t = h_cmd_type(h, buf, size);
    free(buf);
    return t;
}

uint32_t h_attach(harness_t *h, uint32_t id, const virtio_gpu_mem_entry_t *e, uint32_t n)
{
    virtio_gpu_resource_attach_backing_t c = {.hdr.type = VIRTIO_GPU_CMD_RESOURCE_ATTACH_BACKING};
    c.resource_id = id;
    c.nr_entries = n;
    return cmd_with_entries(h, &c, sizeof(c), e, n);
}

uint32_t h_attach_new(harness_t *h, uint32_t id, uint64_t size, uint64_t *io_out)
{
    uint64_t io = h_alloc(h, size, 4096);
    uint64_t keep = h->brk;
    virtio_gpu_mem_entry_t e = {.addr = io, .length = (uint32_t)size};
    uint32_t t = h_attach(h, id, &e, 1);
    h->brk = keep;
    *io_out = io;
    return t;
}

static uint32_t simple_id_cmd(harness_t *h, uint32_t type, uint32_t id)
{
    virtio_gpu_resource_unref_t c = {.hdr.type = type};
    c.resource_id = id;
    return h_cmd_type(h, &c, sizeof(c));
}

uint32_t h_detach(harness_t *h, uint32_t id)
{
    return simple_id_cmd(h, VIRTIO_GPU_CMD_RESOURCE_DETACH_BACKING, id);
}

uint32_t h_unref(harness_t *h, uint32_t id)
{
    return simple_id_cmd(h, VIRTIO_GPU_CMD_RESOURCE_UNREF, id);
}

uint32_t h_set_scanout(harness_t *h, uint32_t scanout, uint32_t id, uint32_t x, uint32_t y, uint32_t w, uint32_t hgt)
{
    virtio_gpu_set_scanout_t c = {.hdr.type = VIRTIO_GPU_CMD_SET_SCANOUT};
    c.scanout_id = scanout;
    c.resource_id = id;
    c.r = (virtio_gpu_rect_t){x, y, w, hgt};
    return h_cmd_type(h, &c, sizeof(c));
}

uint32_t h_transfer(harness_t *h, uint32_t id, uint32_t x, uint32_t y, uint32_t w, uint32_t hgt, uint64_t offset)
{
    virtio_gpu_transfer_to_host_2d_t c = {.hdr.type = VIRTIO_GPU_CMD_TRANSFER_TO_HOST_2D};
    c.resource_id = id;
    c.r = (virtio_gpu_rect_t){x, y, w, hgt};
    c.offset = offset;
    return h_cmd_type(h, &c, sizeof(c));
}

uint32_t h_flush(harness_t *h, uint32_t id, uint32_t x, uint32_t y, uint32_t w, uint32_t hgt)
{
    virtio_gpu_resource_flush_t c = {.hdr.type = VIRTIO_GPU_CMD_RESOURCE_FLUSH};
    c.resource_id = id;
    c.r = (virtio_gpu_rect_t){x, y, w, hgt};
    return h_cmd_type(h, &c, sizeof(c));
}

uint32_t h_create_blob(harness_t *h, uint32_t id, uint64_t size, const virtio_gpu_mem_entry_t *e, uint32_t n)
{
    virtio_gpu_resource_create_blob_t c = {.hdr.type = VIRTIO_GPU_CMD_RESOURCE_CREATE_BLOB};
    c.resource_id = id;
    c.blob_mem = VIRTIO_GPU_BLOB_MEM_GUEST;
    c.nr_entries = n;
    c.size = size;
    return cmd_with_entries(h, &c, sizeof(c), e, n);
}

uint32_t h_set_scanout_blob(harness_t *h, const virtio_gpu_set_scanout_blob_t *c)
{
    return h_cmd_type(h, c, sizeof(*c));
}
