/*
 * Writes the seed inputs of the devmodel fuzz target into a directory:
 *
 *     make_seeds_devmodel OUTDIR        (run by `make fuzz-seeds-devmodel`)
 *
 * The bytes follow the input layout fuzz_devmodel.c reads: a configuration
 * header, then operations (an opcode byte and its operands, little-endian).
 * Operation 9 is a shaped command: shape index, the command's fixed bytes,
 * resource id, scanout id, memory entries, response length. Rerun after
 * changing that layout, and commit the seeds it writes.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <virtio/virtio_gpu.h>
#include <virtio/virtio_mmio.h>
#include <virtio/virtio_ring.h>

#define SEED_CAP 1024u

/* Operation codes of run() in fuzz_devmodel.c. */
enum {
    OP_RAW_DESC = 0,
    OP_AVAIL_HEAD = 1,
    OP_NOTIFY = 2,
    OP_FAULT = 6,
    OP_DISPLAY_CHANGE = 7,
    OP_REINIT = 8,
    OP_SHAPED_CMD = 9,
    OP_READ_FRAMEBUFFERS = 10,
};

/* Fault knobs of op_faults(). */
enum {
    FAULT_HOLD = 2,
    FAULT_RELEASE = 3,
    FAULT_REORDER = 4,
    FAULT_BOGUS_USED_ID = 5,
};

/* Indices into the shapes[] table of fuzz_devmodel.c (GET_CAPSET unused). */
typedef enum shape {
    SHAPE_DISPLAY_INFO,
    SHAPE_EDID,
    SHAPE_CREATE_2D,
    SHAPE_UNREF,
    SHAPE_SET_SCANOUT,
    SHAPE_FLUSH,
    SHAPE_TRANSFER,
    SHAPE_ATTACH,
    SHAPE_DETACH,
    SHAPE_CREATE_BLOB,
    SHAPE_SCANOUT_BLOB,
    SHAPE_UPDATE_CURSOR,
    SHAPE_MOVE_CURSOR,
} shape_t;

#define TAKES_RES     1u
#define TAKES_SCANOUT 2u
#define TAKES_ENTRIES 4u

/* What op_shaped_cmd() reads for each shape: the command's fixed bytes, then
 * the id and entry bytes flagged here. */
static const struct {
    size_t size;
    unsigned takes;
} shape_layout[] = {
        [SHAPE_DISPLAY_INFO] = {sizeof(virtio_gpu_ctrl_hdr_t), 0},
        [SHAPE_EDID] = {sizeof(virtio_gpu_get_edid_t), TAKES_SCANOUT},
        [SHAPE_CREATE_2D] = {sizeof(virtio_gpu_resource_create_2d_t), TAKES_RES},
        [SHAPE_UNREF] = {sizeof(virtio_gpu_resource_unref_t), TAKES_RES},
        [SHAPE_SET_SCANOUT] = {sizeof(virtio_gpu_set_scanout_t), TAKES_RES | TAKES_SCANOUT},
        [SHAPE_FLUSH] = {sizeof(virtio_gpu_resource_flush_t), TAKES_RES},
        [SHAPE_TRANSFER] = {sizeof(virtio_gpu_transfer_to_host_2d_t), TAKES_RES},
        [SHAPE_ATTACH] = {sizeof(virtio_gpu_resource_attach_backing_t), TAKES_RES | TAKES_ENTRIES},
        [SHAPE_DETACH] = {sizeof(virtio_gpu_resource_detach_backing_t), TAKES_RES},
        [SHAPE_CREATE_BLOB] = {sizeof(virtio_gpu_resource_create_blob_t), TAKES_RES | TAKES_ENTRIES},
        [SHAPE_SCANOUT_BLOB] = {sizeof(virtio_gpu_set_scanout_blob_t), TAKES_RES | TAKES_SCANOUT},
        [SHAPE_UPDATE_CURSOR] = {sizeof(virtio_gpu_update_cursor_t), TAKES_RES | TAKES_SCANOUT},
        [SHAPE_MOVE_CURSOR] = {sizeof(virtio_gpu_update_cursor_t), TAKES_RES | TAKES_SCANOUT},
};

/* Response buffer lengths. */
#define RESP_NODATA       ((uint16_t)sizeof(virtio_gpu_ctrl_hdr_t))
#define RESP_DISPLAY_INFO ((uint16_t)sizeof(virtio_gpu_resp_display_info_t))
#define RESP_EDID         ((uint16_t)sizeof(virtio_gpu_resp_edid_t))

/* The fuzz target adds 16 to each size byte of the configuration header. */
#define SEED_WIDTH  64u
#define SEED_HEIGHT 48u

/* A memory entry of a shaped command: the target maps off into the upper
 * half of its command area. At most 3 per command. */
typedef struct seed_entry {
    uint16_t off;
    uint16_t len;
} seed_entry_t;

/* The bytes op_shaped_cmd() reads after the command's fixed part. */
typedef struct shaped_tail {
    uint8_t res;
    uint8_t scanout;
    uint8_t nr_entries;
    const seed_entry_t *entries;
    uint16_t resp_len;
} shaped_tail_t;

typedef struct seed {
    uint8_t bytes[SEED_CAP];
    size_t len;
    const char *error; /* first thing that went wrong, or NULL */
} seed_t;

static void put_bytes(seed_t *s, const void *p, size_t n)
{
    if (s->error != NULL) {
        return;
    }
    if (n > SEED_CAP - s->len) {
        s->error = "seed larger than SEED_CAP";
        return;
    }
    memcpy(s->bytes + s->len, p, n);
    s->len += n;
}

static void put_u8(seed_t *s, uint8_t v)
{
    put_bytes(s, &v, 1);
}

static void put_u16(seed_t *s, uint16_t v)
{
    put_u8(s, (uint8_t)v);
    put_u8(s, (uint8_t)(v >> 8));
}

static void put_u32(seed_t *s, uint32_t v)
{
    put_u16(s, (uint16_t)v);
    put_u16(s, (uint16_t)(v >> 16));
}

/* Configuration header: scanout count, enabled mask, feature bits the
 * target clears (EDID 0x2, blob 0x8), then every scanout's size. */
static void put_config(seed_t *s, uint8_t scanouts, uint8_t enabled_mask, uint8_t features_cleared)
{
    put_u8(s, (uint8_t)(scanouts - 1u));
    put_u8(s, enabled_mask);
    put_u8(s, features_cleared);
    for (unsigned i = 0; i < 4; i++) {
        put_u8(s, (uint8_t)(SEED_WIDTH - 16u));
        put_u8(s, (uint8_t)(SEED_HEIGHT - 16u));
    }
}

/* A descriptor of queue 0; addr below 0x80000000 is an offset into memory. */
static void put_raw_desc(seed_t *s, uint8_t idx, uint32_t addr, uint16_t len, uint8_t flags, uint8_t next)
{
    put_u8(s, OP_RAW_DESC);
    put_u8(s, 0);
    put_u8(s, idx);
    put_u32(s, addr);
    put_u16(s, len);
    put_u8(s, flags);
    put_u8(s, next);
}

/* Publishes head on queue 0's avail ring. */
static void put_avail_head(seed_t *s, uint16_t head)
{
    put_u8(s, OP_AVAIL_HEAD);
    put_u8(s, 0);
    put_u16(s, head);
}

/* Notifies queue 0 and lets the model process. */
static void put_notify(seed_t *s)
{
    put_u8(s, OP_NOTIFY);
    put_u8(s, 0);
}

static void put_fault(seed_t *s, uint8_t knob, uint32_t value)
{
    put_u8(s, OP_FAULT);
    put_u8(s, knob);
    put_u32(s, value);
}

static void put_display_change(seed_t *s, uint8_t scanout, uint32_t width, uint32_t height, uint8_t enabled)
{
    if (width < 16u || width > 16u + UINT8_MAX || height < 16u || height > 16u + UINT8_MAX) {
        s->error = "display change size outside 16..271";
        return;
    }
    put_u8(s, OP_DISPLAY_CHANGE);
    put_u8(s, scanout);
    put_u8(s, (uint8_t)(width - 16u));
    put_u8(s, (uint8_t)(height - 16u));
    put_u8(s, enabled);
}

/* Resets and re-initialises the device, accepting features: the target
 * only passes on bits 0..3 and 32..39. */
static void put_reinit(seed_t *s, uint64_t features)
{
    if ((features & ~0xff0000000full) != 0) {
        s->error = "re-initialise with features the target cannot express";
        return;
    }
    put_u8(s, OP_REINIT);
    put_u8(s, (uint8_t)(features >> 32));
    put_u8(s, (uint8_t)features);
}

/* A shaped command. cmd is the command's fixed part, size what the target
 * takes for this shape; the target writes the type, and the resource id,
 * scanout id and entry count from tail, over it (the seeds leave them 0). */
static void put_shaped(seed_t *s, shape_t shape, const void *cmd, size_t size, const shaped_tail_t *tail)
{
    unsigned takes = shape_layout[shape].takes;
    if (size != shape_layout[shape].size || tail->nr_entries > 3u ||
        (tail->nr_entries != 0 && !(takes & TAKES_ENTRIES))) {
        s->error = "shaped command does not match its shape";
        return;
    }
    put_u8(s, OP_SHAPED_CMD);
    put_u8(s, (uint8_t)shape);
    put_bytes(s, cmd, size);
    if (takes & TAKES_RES) {
        put_u8(s, tail->res);
    }
    if (takes & TAKES_SCANOUT) {
        put_u8(s, tail->scanout);
    }
    if (takes & TAKES_ENTRIES) {
        put_u8(s, tail->nr_entries);
        for (unsigned i = 0; i < tail->nr_entries; i++) {
            put_u16(s, tail->entries[i].off);
            put_u16(s, tail->entries[i].len);
        }
    }
    put_u16(s, tail->resp_len);
}

/* A 32x16 2D resource with two backing entries: transfer, show, flush, unref. */
static void seed_2d(seed_t *s)
{
    const virtio_gpu_rect_t r = {.width = 32, .height = 16};
    const virtio_gpu_ctrl_hdr_t info = {.type = 0};
    const virtio_gpu_get_edid_t edid = {.scanout = 0};
    const virtio_gpu_resource_create_2d_t create = {
            .format = VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM, .width = 32, .height = 16};
    const virtio_gpu_resource_attach_backing_t attach = {.nr_entries = 0};
    const seed_entry_t entries[] = {{0, 1024}, {2048, 1024}};
    const virtio_gpu_transfer_to_host_2d_t transfer = {.r = r};
    const virtio_gpu_set_scanout_t set = {.r = r};
    const virtio_gpu_resource_flush_t flush = {.r = r};
    const virtio_gpu_resource_unref_t unref = {.resource_id = 0};

    put_config(s, 1, 1, 0);
    put_shaped(s, SHAPE_DISPLAY_INFO, &info, sizeof(info), &(shaped_tail_t){.resp_len = RESP_DISPLAY_INFO});
    put_shaped(s, SHAPE_EDID, &edid, sizeof(edid), &(shaped_tail_t){.resp_len = RESP_EDID});
    put_shaped(s, SHAPE_CREATE_2D, &create, sizeof(create), &(shaped_tail_t){.res = 1, .resp_len = RESP_NODATA});
    put_shaped(s, SHAPE_ATTACH, &attach, sizeof(attach),
               &(shaped_tail_t){.res = 1, .nr_entries = 2, .entries = entries, .resp_len = RESP_NODATA});
    put_shaped(s, SHAPE_TRANSFER, &transfer, sizeof(transfer), &(shaped_tail_t){.res = 1, .resp_len = RESP_NODATA});
    put_shaped(s, SHAPE_SET_SCANOUT, &set, sizeof(set), &(shaped_tail_t){.res = 1, .resp_len = RESP_NODATA});
    put_shaped(s, SHAPE_FLUSH, &flush, sizeof(flush), &(shaped_tail_t){.res = 1, .resp_len = RESP_NODATA});
    put_u8(s, OP_READ_FRAMEBUFFERS);
    put_shaped(s, SHAPE_UNREF, &unref, sizeof(unref), &(shaped_tail_t){.res = 1, .resp_len = RESP_NODATA});
}

/* A one-page guest blob shown on scanout 0, flushed, then detached. */
static void seed_blob(seed_t *s)
{
    const virtio_gpu_resource_create_blob_t create = {.blob_mem = VIRTIO_GPU_BLOB_MEM_GUEST, .size = 4096};
    const seed_entry_t page = {0, 4096};
    const virtio_gpu_set_scanout_blob_t set = {.r = {.width = 16, .height = 16},
                                               .width = 16,
                                               .height = 16,
                                               .format = VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM,
                                               .strides = {64}};
    const virtio_gpu_resource_flush_t flush = {.r = {.width = 16, .height = 16}};
    const virtio_gpu_resource_detach_backing_t detach = {.resource_id = 0};

    put_config(s, 1, 1, 0);
    put_shaped(s, SHAPE_CREATE_BLOB, &create, sizeof(create),
               &(shaped_tail_t){.res = 2, .nr_entries = 1, .entries = &page, .resp_len = RESP_NODATA});
    put_shaped(s, SHAPE_SCANOUT_BLOB, &set, sizeof(set), &(shaped_tail_t){.res = 2, .resp_len = RESP_NODATA});
    put_shaped(s, SHAPE_FLUSH, &flush, sizeof(flush), &(shaped_tail_t){.res = 2, .resp_len = RESP_NODATA});
    put_u8(s, OP_READ_FRAMEBUFFERS);
    put_shaped(s, SHAPE_DETACH, &detach, sizeof(detach), &(shaped_tail_t){.res = 2, .resp_len = RESP_NODATA});
}

/* Two scanouts; cursor commands under held and reordered completions, a
 * bogus used id, then a display change on scanout 1. */
static void seed_cursor_faults(seed_t *s)
{
    const virtio_gpu_update_cursor_t update = {.pos = {.x = 10, .y = 20}, .hot_x = 1, .hot_y = 2};
    const virtio_gpu_update_cursor_t move = {.pos = {.x = 30, .y = 40}};
    const virtio_gpu_ctrl_hdr_t info = {.type = 0};

    put_config(s, 2, 3, 0);
    put_fault(s, FAULT_HOLD, 1);
    put_shaped(s, SHAPE_UPDATE_CURSOR, &update, sizeof(update),
               &(shaped_tail_t){.scanout = 1, .resp_len = RESP_NODATA});
    put_shaped(s, SHAPE_MOVE_CURSOR, &move, sizeof(move), &(shaped_tail_t){.resp_len = RESP_NODATA});
    put_fault(s, FAULT_REORDER, 1);
    put_fault(s, FAULT_RELEASE, 0);
    put_fault(s, FAULT_BOGUS_USED_ID, 9);
    put_shaped(s, SHAPE_DISPLAY_INFO, &info, sizeof(info), &(shaped_tail_t){.resp_len = RESP_DISPLAY_INFO});
    put_display_change(s, 1, 116, 96, 1);
}

/* A descriptor that chains to itself, then a head out of range. */
static void seed_malformed(seed_t *s)
{
    put_config(s, 1, 1, 0);
    put_raw_desc(s, 0, 0x8000, 40, VIRTQ_DESC_F_NEXT, 0);
    put_avail_head(s, 0);
    put_notify(s);
    put_reinit(s, (1ull << VIRTIO_F_VERSION_1) | (1ull << VIRTIO_GPU_F_EDID) | (1ull << VIRTIO_GPU_F_RESOURCE_BLOB));
    put_avail_head(s, 200);
    put_notify(s);
}

static const struct {
    const char *name;
    void (*build)(seed_t *s);
} seeds[] = {
        {"2d", seed_2d},
        {"blob", seed_blob},
        {"cursor-faults", seed_cursor_faults},
        {"malformed", seed_malformed},
};

static int write_seed(const char *dir, const char *name, const seed_t *s)
{
    char path[4096];
    int n = snprintf(path, sizeof(path), "%s/seed-%s", dir, name);
    if (n < 0 || (size_t)n >= sizeof(path)) {
        fprintf(stderr, "make_seeds: path too long: %s/seed-%s\n", dir, name);
        return -1;
    }
    FILE *f = fopen(path, "wb");
    if (f == NULL) {
        perror(path);
        return -1;
    }
    size_t written = fwrite(s->bytes, 1, s->len, f);
    int closed = fclose(f);
    if (written != s->len || closed != 0) {
        fprintf(stderr, "make_seeds: cannot write %s\n", path);
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s OUTDIR\n", argv[0]);
        return 2;
    }
    for (size_t i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++) {
        seed_t s = {.len = 0};
        seeds[i].build(&s);
        if (s.error != NULL) {
            fprintf(stderr, "make_seeds: seed-%s: %s\n", seeds[i].name, s.error);
            return 1;
        }
        if (write_seed(argv[1], seeds[i].name, &s) != 0) {
            return 1;
        }
    }
    return 0;
}
