/*
 * libFuzzer target for the virtio-gpu device model. The input is a program
 * of small operations a hostile driver could perform: raw descriptor table
 * entries, arbitrary avail heads and indices, raw register writes, command
 * bytes (raw, or shaped so that resource ids, scanouts and memory entries
 * often hit something real), fault knobs and display changes. The model
 * must never crash, leak or touch memory outside what translate exposes.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <virtio/virtio_gpu.h>
#include <virtio/virtio_mmio.h>
#include <virtio/virtio_ring.h>

#include "vgpu_model.h"

#define MEM_BASE 0x10000ull
#define MEM_SIZE (64u * 1024u)
#define QNUM     16u
#define CMD_AREA 0x8000u /* commands go here; rings and descriptors below */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct fz {
    const uint8_t *p;
    size_t n;
    uint8_t *mem;
    vgpu_model_t *m;
    uint16_t avail_idx[2];
    uint32_t next_desc[2];
} fz_t;

static uint64_t q_desc(uint32_t q)
{
    return MEM_BASE + q * 0x1000u;
}

static uint64_t q_avail(uint32_t q)
{
    return q_desc(q) + 0x400u;
}

static uint64_t q_used(uint32_t q)
{
    return q_desc(q) + 0x800u;
}

static void *translate(void *ctx, uint64_t io, uint64_t len)
{
    uint8_t *mem = ctx;
    if (io < MEM_BASE || io - MEM_BASE > MEM_SIZE || len > MEM_SIZE - (io - MEM_BASE)) {
        return NULL;
    }
    return mem + (io - MEM_BASE);
}

static uint32_t take(fz_t *f, unsigned bytes)
{
    uint32_t v = 0;
    for (unsigned i = 0; i < bytes && f->n > 0; i++) {
        v |= (uint32_t)*f->p << (8 * i);
        f->p++;
        f->n--;
    }
    return v;
}

static void *gptr(fz_t *f, uint64_t io)
{
    return f->mem + (io - MEM_BASE);
}

static void init_device(fz_t *f, uint64_t features)
{
    vgpu_model_t *m = f->m;
    vgpu_model_mmio_write(m, VIRTIO_MMIO_STATUS, 0);
    vgpu_model_mmio_write(m, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
    vgpu_model_mmio_write(m, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
    vgpu_model_mmio_write(m, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)features);
    vgpu_model_mmio_write(m, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
    vgpu_model_mmio_write(m, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)(features >> 32));
    vgpu_model_mmio_write(m, VIRTIO_MMIO_STATUS,
                          VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK);
    for (uint32_t q = 0; q < 2; q++) {
        memset(gptr(f, q_desc(q)), 0, 0x1000);
        vgpu_model_mmio_write(m, VIRTIO_MMIO_QUEUE_SEL, q);
        vgpu_model_mmio_write(m, VIRTIO_MMIO_QUEUE_NUM, QNUM);
        vgpu_model_mmio_write(m, VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)q_desc(q));
        vgpu_model_mmio_write(m, VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)q_avail(q));
        vgpu_model_mmio_write(m, VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)q_used(q));
        vgpu_model_mmio_write(m, VIRTIO_MMIO_QUEUE_READY, 1);
        f->avail_idx[q] = 0;
        f->next_desc[q] = 0;
    }
    vgpu_model_mmio_write(m, VIRTIO_MMIO_STATUS,
                          VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK |
                                  VIRTIO_STATUS_DRIVER_OK);
}

static void publish(fz_t *f, uint32_t q, uint16_t head)
{
    virtq_avail_t *avail = gptr(f, q_avail(q));
    avail->ring[f->avail_idx[q] % QNUM] = head;
    f->avail_idx[q]++;
    avail->idx = f->avail_idx[q];
}

/* Raw descriptor: any flags, next, length; the address mostly inside memory. */
static void op_raw_desc(fz_t *f)
{
    uint32_t q = take(f, 1) & 1u;
    uint32_t idx = take(f, 1) % QNUM;
    virtq_desc_t *d = (virtq_desc_t *)gptr(f, q_desc(q)) + idx;
    uint32_t a = take(f, 4);
    d->addr = (a & 0x80000000u) ? (uint64_t)a << 16 : MEM_BASE + (a % MEM_SIZE);
    d->len = take(f, 2);
    d->flags = (uint16_t)take(f, 1);
    d->next = (uint16_t)take(f, 1);
}

/* Raw bytes into guest memory. */
static void op_poke(fz_t *f)
{
    uint32_t off = take(f, 2) % MEM_SIZE;
    uint32_t n = take(f, 1);
    for (uint32_t i = 0; i < n && off + i < MEM_SIZE; i++) {
        f->mem[off + i] = (uint8_t)take(f, 1);
    }
}

/* Where each command keeps its resource id and scanout id (0: none). */
typedef struct shape {
    uint32_t type, size, res_off, scanout_off, nr_off;
} shape_t;

static const shape_t shapes[] = {
        {VIRTIO_GPU_CMD_GET_DISPLAY_INFO, 24, 0, 0, 0},
        {VIRTIO_GPU_CMD_GET_EDID, 32, 0, 24, 0},
        {VIRTIO_GPU_CMD_RESOURCE_CREATE_2D, 40, 24, 0, 0},
        {VIRTIO_GPU_CMD_RESOURCE_UNREF, 32, 24, 0, 0},
        {VIRTIO_GPU_CMD_SET_SCANOUT, 48, 44, 40, 0},
        {VIRTIO_GPU_CMD_RESOURCE_FLUSH, 48, 40, 0, 0},
        {VIRTIO_GPU_CMD_TRANSFER_TO_HOST_2D, 56, 48, 0, 0},
        {VIRTIO_GPU_CMD_RESOURCE_ATTACH_BACKING, 32, 24, 0, 28},
        {VIRTIO_GPU_CMD_RESOURCE_DETACH_BACKING, 32, 24, 0, 0},
        {VIRTIO_GPU_CMD_RESOURCE_CREATE_BLOB, 56, 24, 0, 36},
        {VIRTIO_GPU_CMD_SET_SCANOUT_BLOB, 96, 44, 40, 0},
        {VIRTIO_GPU_CMD_UPDATE_CURSOR, 56, 40, 24, 0},
        {VIRTIO_GPU_CMD_MOVE_CURSOR, 56, 40, 24, 0},
        {VIRTIO_GPU_CMD_GET_CAPSET, 24, 0, 0, 0},
};

static void put32(uint8_t *p, uint32_t off, uint32_t v)
{
    memcpy(p + off, &v, sizeof(v));
}

/* Memory entries after the fixed part, pointing into guest memory. */
static uint32_t shaped_entries(fz_t *f, uint8_t *cmd, const shape_t *s)
{
    uint32_t nr = take(f, 1) & 3u;
    put32(cmd, s->nr_off, nr);
    for (uint32_t i = 0; i < nr; i++) {
        virtio_gpu_mem_entry_t e = {.addr = MEM_BASE + CMD_AREA / 2 + take(f, 2) % (CMD_AREA / 2),
                                    .length = take(f, 2)};
        memcpy(cmd + s->size + i * sizeof(e), &e, sizeof(e));
    }
    return s->size + nr * (uint32_t)sizeof(virtio_gpu_mem_entry_t);
}

/* A command with random fields but a real type and plausible ids, submitted
 * on a well-formed chain (request, then a response buffer). */
static void op_shaped_cmd(fz_t *f)
{
    const shape_t *s = &shapes[take(f, 1) % (sizeof(shapes) / sizeof(shapes[0]))];
    uint32_t q = (s->type >= VIRTIO_GPU_CMD_UPDATE_CURSOR) ? 1u : 0u;
    uint8_t *cmd = gptr(f, MEM_BASE + CMD_AREA);
    for (uint32_t i = 0; i < s->size; i++) {
        cmd[i] = (uint8_t)take(f, 1);
    }
    put32(cmd, 0, s->type);
    if (s->res_off) {
        put32(cmd, s->res_off, take(f, 1) & 7u);
    }
    if (s->scanout_off) {
        put32(cmd, s->scanout_off, take(f, 1) & 3u);
    }
    uint32_t len = s->nr_off ? shaped_entries(f, cmd, s) : s->size;
    uint32_t resp_len = take(f, 2) % 1200u;
    uint32_t d0 = f->next_desc[q] % QNUM, d1 = (d0 + 1) % QNUM;
    virtq_desc_t *t = gptr(f, q_desc(q));
    t[d0] = (virtq_desc_t){.addr = MEM_BASE + CMD_AREA, .len = len, .flags = VIRTQ_DESC_F_NEXT, .next = (uint16_t)d1};
    t[d1] = (virtq_desc_t){.addr = MEM_BASE + CMD_AREA + 0x1000, .len = resp_len, .flags = VIRTQ_DESC_F_WRITE};
    f->next_desc[q] += 2;
    publish(f, q, (uint16_t)d0);
    vgpu_model_mmio_write(f->m, VIRTIO_MMIO_QUEUE_NOTIFY, q);
}

static void op_faults(fz_t *f)
{
    uint32_t which = take(f, 1) % 8u, v = take(f, 4);
    switch (which) {
    case 0:
        vgpu_model_fault_error_nth(f->m, v & 7u, 0x1200u + (v >> 8) % 6u);
        break;
    case 1:
        vgpu_model_fault_error_cmd(f->m, 0x100u + (v & 15u), (v >> 8) & 1u ? 0x1201u : 0);
        break;
    case 2:
        vgpu_model_fault_hold(f->m, v & 1);
        break;
    case 3:
        (void)vgpu_model_fault_release(f->m);
        break;
    case 4:
        vgpu_model_fault_reorder(f->m, v & 1);
        break;
    case 5:
        vgpu_model_fault_bogus_used_id(f->m, v);
        break;
    case 6:
        vgpu_model_fault_bogus_used_len(f->m, v);
        break;
    default:
        vgpu_model_fault_spurious_irq(f->m);
        break;
    }
}

/* Reads every framebuffer so that composition results are used. */
static uint32_t touch_framebuffers(fz_t *f)
{
    uint32_t sum = 0;
    for (uint32_t i = 0; i < 4; i++) {
        uint32_t w, h;
        const uint32_t *fb = vgpu_model_framebuffer(f->m, i, &w, &h);
        if (fb != NULL) {
            sum += fb[0] + fb[(size_t)w * h - 1];
        }
        uint32_t *px = vgpu_model_composed(f->m, i, &w, &h); /* the cursor plane blended at any position */
        if (px != NULL && w != 0 && h != 0) {
            sum += px[0] + px[(size_t)w * h - 1];
        }
        free(px);
    }
    return sum;
}

static void op_misc(fz_t *f, uint32_t op)
{
    if (op == 4) {
        vgpu_model_mmio_write(f->m, take(f, 2) & 0x1fcu, take(f, 4));
    } else if (op == 5) {
        (void)vgpu_model_mmio_read(f->m, take(f, 2) & 0x1fcu);
    } else if (op == 6) {
        op_faults(f);
    } else if (op == 7) {
        vgpu_model_set_scanout(f->m, take(f, 1) & 3u, 16u + take(f, 1), 16u + take(f, 1), take(f, 1) & 1);
    } else if (op == 8) {
        init_device(f, ((uint64_t)take(f, 1) << 32) | (take(f, 1) & 0xfu));
    } else {
        (void)touch_framebuffers(f);
    }
}

/* Operations: 0 raw descriptor, 1 raw avail head, 2 notify + process,
 * 3 poke memory, 4 register write, 5 register read, 6 fault knob,
 * 7 display change, 8 re-initialise, 9 shaped command, 10 read framebuffers. */
static void run(fz_t *f)
{
    while (f->n > 0) {
        uint32_t op = take(f, 1) % 11u;
        if (op == 0) {
            op_raw_desc(f);
        } else if (op == 1) {
            uint32_t q = take(f, 1) & 1u;
            publish(f, q, (uint16_t)take(f, 2));
        } else if (op == 2) {
            vgpu_model_mmio_write(f->m, VIRTIO_MMIO_QUEUE_NOTIFY, take(f, 1) & 1u);
            (void)vgpu_model_process(f->m);
        } else if (op == 3) {
            op_poke(f);
        } else if (op == 9) {
            op_shaped_cmd(f);
            (void)vgpu_model_process(f->m);
        } else {
            op_misc(f, op);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_t f = {.p = data, .n = size};
    f.mem = calloc(1, MEM_SIZE);
    if (f.mem == NULL) {
        return 0;
    }
    vgpu_model_config_t cfg;
    vgpu_model_config_default(&cfg);
    cfg.translate = translate;
    cfg.translate_ctx = f.mem;
    cfg.num_scanouts = 1u + (take(&f, 1) & 3u);
    cfg.enabled_mask = take(&f, 1);
    cfg.features &= ~((uint64_t)take(&f, 1) & 0xau); /* sometimes without EDID or blob */
    cfg.max_hostmem = 1u << 20;
    cfg.max_resources = 8;
    for (uint32_t i = 0; i < 4; i++) {
        cfg.width[i] = 16u + take(&f, 1);
        cfg.height[i] = 16u + take(&f, 1);
    }
    f.m = vgpu_model_create(&cfg);
    if (f.m != NULL) {
        init_device(&f, cfg.features);
        run(&f);
        vgpu_model_destroy(f.m);
    }
    free(f.mem);
    return 0;
}
