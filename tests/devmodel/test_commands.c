/*
 * Control and cursor commands: every command's success path and each of
 * its error answers, table-driven where the cases share a shape.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "harness.h"

#define F_ALL                                                                                                          \
    (VIRTIO_FEATURE_BIT(VIRTIO_F_VERSION_1) | VIRTIO_FEATURE_BIT(VIRTIO_GPU_F_RESOURCE_BLOB) |                         \
     VIRTIO_FEATURE_BIT(VIRTIO_GPU_F_EDID))
#define OK     VIRTIO_GPU_RESP_OK_NODATA
#define E_UNS  VIRTIO_GPU_RESP_ERR_UNSPEC
#define E_OOM  VIRTIO_GPU_RESP_ERR_OUT_OF_MEMORY
#define E_SCAN VIRTIO_GPU_RESP_ERR_INVALID_SCANOUT_ID
#define E_RES  VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID
#define E_PAR  VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER
#define XRGB   VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM

static harness_t *running(uint64_t features)
{
    harness_t *h = h_create_default();
    assert_int_equal(h_init(h, features) & VIRTIO_STATUS_DRIVER_OK, VIRTIO_STATUS_DRIVER_OK);
    return h;
}

static int setup(void **state)
{
    *state = running(F_ALL);
    return 0;
}

static int teardown(void **state)
{
    h_destroy(*state);
    return 0;
}

/* Resource 1: 64x32 XRGB with a 64*32*4 byte backing. */
static uint64_t make_2d(harness_t *h)
{
    uint64_t io;
    assert_int_equal(h_create_2d(h, 1, XRGB, 64, 32), OK);
    assert_int_equal(h_attach_new(h, 1, 64 * 32 * 4, &io), OK);
    return io;
}

static void test_display_info(void **state)
{
    (void)state;
    vgpu_model_config_t cfg;
    h_config(&cfg);
    cfg.num_scanouts = 3;
    cfg.width[2] = 800;
    cfg.height[2] = 600;
    cfg.enabled_mask = 0x5;
    harness_t *h = h_create(&cfg);
    assert_int_equal(h_init(h, F_ALL) & VIRTIO_STATUS_DRIVER_OK, VIRTIO_STATUS_DRIVER_OK);
    virtio_gpu_ctrl_hdr_t req = {.type = VIRTIO_GPU_CMD_GET_DISPLAY_INFO};
    virtio_gpu_resp_display_info_t info;
    memset(&info, 0xaa, sizeof(info));
    assert_int_equal(h_cmd(h, &req, sizeof(req), &info, sizeof(info)), sizeof(info));
    assert_int_equal(info.hdr.type, VIRTIO_GPU_RESP_OK_DISPLAY_INFO);
    assert_int_equal(info.pmodes[0].enabled, 1);
    assert_int_equal(info.pmodes[0].r.width, 1280);
    assert_int_equal(info.pmodes[0].r.height, 800);
    assert_int_equal(info.pmodes[1].enabled, 0);
    assert_int_equal(info.pmodes[1].r.width, 0);
    assert_int_equal(info.pmodes[2].enabled, 1);
    assert_int_equal(info.pmodes[2].r.width, 800);
    assert_int_equal(info.pmodes[2].r.height, 600);
    assert_int_equal(info.pmodes[3].enabled, 0);
    h_destroy(h);
}

static void test_get_edid(void **state)
{
    harness_t *h = *state;
    vgpu_model_set_scanout(h->m, 0, 1920, 1080, 1);
    virtio_gpu_get_edid_t req = {.hdr.type = VIRTIO_GPU_CMD_GET_EDID, .scanout = 0};
    virtio_gpu_resp_edid_t *resp = calloc(1, sizeof(*resp));
    assert_non_null(resp);
    assert_int_equal(h_cmd(h, &req, sizeof(req), resp, sizeof(*resp)), sizeof(*resp));
    assert_int_equal(resp->hdr.type, VIRTIO_GPU_RESP_OK_EDID);
    assert_int_equal(resp->size, 128);
    static const uint8_t magic[8] = {0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0};
    assert_memory_equal(resp->edid, magic, 8);
    uint8_t sum = 0;
    for (int i = 0; i < 128; i++) {
        sum = (uint8_t)(sum + resp->edid[i]);
    }
    assert_int_equal(sum, 0);
    assert_int_equal(resp->edid[18], 1); /* EDID 1.4 */
    assert_int_equal(resp->edid[19], 4);
    const uint8_t *d = resp->edid + 54; /* preferred mode */
    assert_int_equal(d[2] | ((d[4] >> 4) << 8), 1920);
    assert_int_equal(d[5] | ((d[7] >> 4) << 8), 1080);
    assert_int_not_equal(d[0] | (d[1] << 8), 0);
    req.scanout = 1;
    assert_int_equal(h_cmd_type(h, &req, sizeof(req)), E_PAR);
    free(resp);
}

static void test_get_edid_without_feature(void **state)
{
    (void)state;
    harness_t *h = running(VIRTIO_FEATURE_BIT(VIRTIO_F_VERSION_1));
    virtio_gpu_get_edid_t req = {.hdr.type = VIRTIO_GPU_CMD_GET_EDID};
    assert_int_equal(h_cmd_type(h, &req, sizeof(req)), E_UNS);
    h_destroy(h);
}

static void test_create_2d_all_formats(void **state)
{
    harness_t *h = *state;
    static const uint32_t formats[] = {
            VIRTIO_GPU_FORMAT_B8G8R8A8_UNORM, VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM, VIRTIO_GPU_FORMAT_A8R8G8B8_UNORM,
            VIRTIO_GPU_FORMAT_X8R8G8B8_UNORM, VIRTIO_GPU_FORMAT_R8G8B8A8_UNORM, VIRTIO_GPU_FORMAT_X8B8G8R8_UNORM,
            VIRTIO_GPU_FORMAT_A8B8G8R8_UNORM, VIRTIO_GPU_FORMAT_R8G8B8X8_UNORM,
    };
    for (uint32_t i = 0; i < 8; i++) {
        assert_int_equal(h_create_2d(h, 10 + i, formats[i], 32, 16), OK);
        assert_true(vgpu_model_resource_exists(h->m, 10 + i));
    }
    assert_int_equal(vgpu_model_resource_count(h->m), 8);
}

typedef struct create_case {
    uint32_t id, format, w, h, expect;
} create_case_t;

static void test_create_2d_errors(void **state)
{
    harness_t *h = *state;
    assert_int_equal(h_create_2d(h, 5, XRGB, 16, 16), OK);
    static const create_case_t cases[] = {
            {0, XRGB, 16, 16, E_RES},             /* id 0 is reserved */
            {5, XRGB, 16, 16, E_RES},             /* already exists */
            {6, 0, 16, 16, E_PAR},                /* unknown format */
            {6, 5, 16, 16, E_PAR},                /* unknown format */
            {6, XRGB, 16384, 16384, E_OOM},       /* above max_hostmem (256 MiB) */
            {6, XRGB, 0xffffffff, 0xffff, E_OOM}, /* size overflows 32 bits */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const create_case_t *c = &cases[i];
        assert_int_equal(h_create_2d(h, c->id, c->format, c->w, c->h), c->expect);
    }
    assert_int_equal(vgpu_model_resource_count(h->m), 1);
}

static void test_create_limits(void **state)
{
    (void)state;
    vgpu_model_config_t cfg;
    h_config(&cfg);
    cfg.max_resources = 2;
    cfg.max_hostmem = 64 * 64 * 4 * 2 + 1;
    harness_t *h = h_create(&cfg);
    assert_int_equal(h_init(h, F_ALL) & VIRTIO_STATUS_DRIVER_OK, VIRTIO_STATUS_DRIVER_OK);
    assert_int_equal(h_create_2d(h, 1, XRGB, 64, 64), OK);
    assert_int_equal(h_create_2d(h, 2, XRGB, 64, 64), OK);
    assert_int_equal(h_create_2d(h, 3, XRGB, 1, 1), E_OOM); /* resource limit */
    assert_int_equal(h_unref(h, 2), OK);
    assert_int_equal(h_create_2d(h, 3, XRGB, 64, 65), E_OOM); /* host memory */
    assert_int_equal(h_create_2d(h, 3, XRGB, 64, 64), OK);    /* memory was given back */
    h_destroy(h);
}

static void test_unref(void **state)
{
    harness_t *h = *state;
    make_2d(h);
    assert_int_equal(h_unref(h, 1), OK);
    assert_false(vgpu_model_resource_exists(h->m, 1));
    assert_int_equal(h_unref(h, 1), E_RES);
    assert_int_equal(h_unref(h, 0), E_RES);
}

static void test_attach_detach(void **state)
{
    harness_t *h = *state;
    uint64_t io;
    assert_int_equal(h_create_2d(h, 1, XRGB, 64, 32), OK);
    assert_int_equal(h_detach(h, 1), E_UNS); /* no backing yet */
    assert_int_equal(h_attach_new(h, 1, 4096, &io), OK);
    assert_int_equal(h_attach_new(h, 1, 4096, &io), E_UNS); /* already attached */
    assert_int_equal(h_detach(h, 1), OK);
    assert_int_equal(h_detach(h, 1), E_UNS);
    assert_int_equal(h_attach_new(h, 1, 4096, &io), OK); /* attach again after detach */
    assert_int_equal(h_attach_new(h, 9, 4096, &io), E_RES);
    assert_int_equal(h_detach(h, 9), E_RES);
}

static void test_attach_errors(void **state)
{
    harness_t *h = *state;
    assert_int_equal(h_create_2d(h, 1, XRGB, 64, 32), OK);
    uint64_t io = h_alloc(h, 8192, 4096);
    virtio_gpu_mem_entry_t outside[2] = {{.addr = io, .length = 4096}, {.addr = 0x1000, .length = 4096}};
    assert_int_equal(h_attach(h, 1, outside, 2), E_UNS); /* memory not exposed */
    virtio_gpu_mem_entry_t wrap = {.addr = UINT64_MAX - 100, .length = 4096};
    assert_int_equal(h_attach(h, 1, &wrap, 1), E_UNS); /* range wraps */
    h->hole_lo = io + 4096;
    h->hole_hi = io + 4097;
    virtio_gpu_mem_entry_t holed = {.addr = io, .length = 8192};
    assert_int_equal(h_attach(h, 1, &holed, 1), E_UNS); /* partly hidden */
    h->hole_lo = h->hole_hi = 0;
    /* More entries than the request carries. */
    virtio_gpu_resource_attach_backing_t c = {.hdr.type = VIRTIO_GPU_CMD_RESOURCE_ATTACH_BACKING};
    c.resource_id = 1;
    c.nr_entries = 2;
    uint8_t buf[sizeof(c) + sizeof(virtio_gpu_mem_entry_t)];
    memcpy(buf, &c, sizeof(c));
    memcpy(buf + sizeof(c), outside, sizeof(outside[0]));
    assert_int_equal(h_cmd_type(h, buf, sizeof(buf)), E_UNS);
    /* More than 16384 entries. */
    c.nr_entries = 16385;
    assert_int_equal(h_cmd_type(h, &c, sizeof(c)), E_UNS);
    /* Nothing above left a backing behind. */
    assert_int_equal(h_detach(h, 1), E_UNS);
    /* Zero entries: accepted (as QEMU) but no backing results. */
    assert_int_equal(h_attach(h, 1, NULL, 0), OK);
    assert_int_equal(h_detach(h, 1), E_UNS);
}

typedef struct scanout_case {
    uint32_t scanout, id, x, y, w, h, expect;
} scanout_case_t;

static void test_set_scanout(void **state)
{
    harness_t *h = *state;
    make_2d(h);
    assert_int_equal(h_create_2d(h, 2, XRGB, 64, 32), OK); /* no backing */
    assert_int_equal(h_create_blob(h, 3, 0, NULL, 0), OK);
    uint64_t io;
    assert_int_equal(h_attach_new(h, 3, 4096, &io), OK);
    static const scanout_case_t cases[] = {
            {0, 1, 0, 0, 64, 32, OK},
            {0, 1, 8, 4, 16, 16, OK},
            {1, 1, 0, 0, 64, 32, E_SCAN}, /* one scanout only */
            {16, 1, 0, 0, 64, 32, E_SCAN},
            {0, 7, 0, 0, 64, 32, E_RES},         /* unknown resource */
            {0, 2, 0, 0, 64, 32, E_UNS},         /* no backing (as QEMU) */
            {0, 3, 0, 0, 16, 16, E_PAR},         /* blob: use SET_SCANOUT_BLOB */
            {0, 1, 1, 0, 64, 32, E_PAR},         /* past the right edge */
            {0, 1, 0, 17, 64, 16, E_PAR},        /* past the bottom */
            {0, 1, 0, 0, 15, 32, E_PAR},         /* narrower than 16 (as QEMU) */
            {0, 1, 0, 0, 64, 0, E_PAR},          /* empty */
            {0, 1, 0xffffffff, 0, 2, 16, E_PAR}, /* x + width overflows 32 bits */
            {0, 0, 0, 0, 0, 0, OK},              /* resource 0 disables, rect ignored */
            {0, 0, 0, 0, 0, 0, OK},              /* disabling twice is fine */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const scanout_case_t *c = &cases[i];
        assert_int_equal(h_set_scanout(h, c->scanout, c->id, c->x, c->y, c->w, c->h), c->expect);
    }
    vgpu_model_scanout_state_t st;
    vgpu_model_scanout_state(h->m, 0, &st);
    assert_int_equal(st.resource_id, 0);
}

static void test_set_scanout_records_state(void **state)
{
    harness_t *h = *state;
    make_2d(h);
    assert_int_equal(h_set_scanout(h, 0, 1, 8, 4, 32, 16), OK);
    vgpu_model_scanout_state_t st;
    assert_int_equal(vgpu_model_scanout_state(h->m, 0, &st), 0);
    assert_int_equal(st.resource_id, 1);
    assert_int_equal(st.x, 8);
    assert_int_equal(st.y, 4);
    assert_int_equal(st.width, 32);
    assert_int_equal(st.height, 16);
    assert_int_equal(st.blob, 0);
    assert_int_equal(vgpu_model_scanout_state(h->m, 1, &st), -1);
}

typedef struct rect_case {
    uint32_t id, x, y, w, h;
    uint64_t offset;
    uint32_t expect;
} rect_case_t;

static void test_transfer_errors(void **state)
{
    harness_t *h = *state;
    make_2d(h);
    assert_int_equal(h_create_2d(h, 2, XRGB, 64, 32), OK); /* no backing */
    static const rect_case_t cases[] = {
            {1, 0, 0, 64, 32, 0, OK},          {1, 0, 0, 0, 0, 0, OK},      /* empty: nothing to copy (as QEMU) */
            {1, 60, 0, 4, 32, 4096, OK},                                    /* rows read as far as the backing goes */
            {7, 0, 0, 64, 32, 0, E_RES},       {2, 0, 0, 64, 32, 0, E_UNS}, /* no backing (as QEMU) */
            {1, 1, 0, 64, 32, 0, E_PAR},       {1, 0, 1, 64, 32, 0, E_PAR},
            {1, 0, 0, 65, 1, 0, E_PAR},        {1, 0xffffffff, 0, 2, 1, 0, E_PAR}, /* overflow */
            {1, 0, 0, 64, 32, UINT64_MAX, OK},                                     /* source wraps: nothing read */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const rect_case_t *c = &cases[i];
        assert_int_equal(h_transfer(h, c->id, c->x, c->y, c->w, c->h, c->offset), c->expect);
    }
}

static void test_transfer_to_blob_is_ignored(void **state)
{
    harness_t *h = *state;
    uint64_t io;
    assert_int_equal(h_create_blob(h, 3, 4096, NULL, 0), OK);
    assert_int_equal(h_transfer(h, 3, 0, 0, 16, 16, 0), E_UNS); /* no backing */
    assert_int_equal(h_attach_new(h, 3, 4096, &io), OK);
    assert_int_equal(h_transfer(h, 3, 0, 0, 16, 16, 0), OK); /* as QEMU: no effect */
}

static void test_flush_errors(void **state)
{
    harness_t *h = *state;
    make_2d(h);
    assert_int_equal(h_create_2d(h, 2, XRGB, 64, 32), OK); /* no backing: flush is fine */
    static const rect_case_t cases[] = {
            {1, 0, 0, 64, 32, 0, OK},
            {1, 0, 0, 0, 0, 0, OK},
            {2, 0, 0, 8, 8, 0, OK},
            {7, 0, 0, 64, 32, 0, E_RES},
            {1, 0, 0, 65, 32, 0, E_PAR},
            {1, 0, 31, 1, 2, 0, E_PAR},
            {1, 0, 0xfffffff0, 1, 0x20, 0, E_PAR},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const rect_case_t *c = &cases[i];
        assert_int_equal(h_flush(h, c->id, c->x, c->y, c->w, c->h), c->expect);
    }
}

static void test_create_blob(void **state)
{
    harness_t *h = *state;
    uint64_t io = h_alloc(h, 3 * 4096, 4096);
    virtio_gpu_mem_entry_t e[3] = {
            {.addr = io + 8192, .length = 4096}, {.addr = io, .length = 4096}, {.addr = io + 4096, .length = 4096}};
    assert_int_equal(h_create_blob(h, 1, 3 * 4096, e, 3), OK);
    assert_int_equal(h_create_blob(h, 1, 4096, e, 1), E_RES); /* exists */
    assert_int_equal(h_create_blob(h, 0, 4096, e, 1), E_RES);
    assert_int_equal(h_create_blob(h, 2, 8193, e, 2), E_PAR); /* backing shorter than the blob */
    assert_int_equal(h_create_blob(h, 2, 8192, e, 2), OK);
    assert_int_equal(h_create_blob(h, 3, 0, NULL, 0), OK); /* no backing yet */
    assert_int_equal(h_attach(h, 3, e, 1), OK);
    /* Blob backing swaps: detach and attach again. */
    assert_int_equal(h_detach(h, 3), OK);
    assert_int_equal(h_attach(h, 3, e + 1, 1), OK);
    assert_int_equal(h_create_blob(h, 4, 8192, NULL, 0), OK);
    assert_int_equal(h_attach(h, 4, e, 1), E_PAR); /* 4096 bytes for an 8192-byte blob */
    virtio_gpu_mem_entry_t bad = {.addr = 0x10, .length = 4096};
    assert_int_equal(h_create_blob(h, 5, 4096, &bad, 1), E_UNS);
    assert_false(vgpu_model_resource_exists(h->m, 5));
    /* Only BLOB_MEM_GUEST. */
    virtio_gpu_resource_create_blob_t c = {.hdr.type = VIRTIO_GPU_CMD_RESOURCE_CREATE_BLOB};
    c.resource_id = 6;
    c.blob_mem = VIRTIO_GPU_BLOB_MEM_HOST3D;
    assert_int_equal(h_cmd_type(h, &c, sizeof(c)), E_PAR);
    /* Entries missing from the request. */
    c.blob_mem = VIRTIO_GPU_BLOB_MEM_GUEST;
    c.nr_entries = 1;
    assert_int_equal(h_cmd_type(h, &c, sizeof(c)), E_UNS);
    assert_int_equal(vgpu_model_resource_count(h->m), 4);
}

static void test_blob_needs_feature(void **state)
{
    (void)state;
    harness_t *h = running(VIRTIO_FEATURE_BIT(VIRTIO_F_VERSION_1) | VIRTIO_FEATURE_BIT(VIRTIO_GPU_F_EDID));
    assert_int_equal(h_create_blob(h, 1, 0, NULL, 0), E_PAR); /* as QEMU */
    virtio_gpu_set_scanout_blob_t s = {.hdr.type = VIRTIO_GPU_CMD_SET_SCANOUT_BLOB};
    assert_int_equal(h_set_scanout_blob(h, &s), E_PAR);
    h_destroy(h);
}

static virtio_gpu_set_scanout_blob_t blob_scanout(uint32_t id, uint32_t w, uint32_t hgt, uint32_t stride)
{
    virtio_gpu_set_scanout_blob_t s = {.hdr.type = VIRTIO_GPU_CMD_SET_SCANOUT_BLOB};
    s.resource_id = id;
    s.format = XRGB;
    s.width = w;
    s.height = hgt;
    s.strides[0] = stride;
    s.r = (virtio_gpu_rect_t){0, 0, w, hgt};
    return s;
}

static void test_set_scanout_blob_errors(void **state)
{
    harness_t *h = *state;
    uint64_t io;
    assert_int_equal(h_create_blob(h, 1, 64 * 32 * 4, NULL, 0), OK);
    virtio_gpu_set_scanout_blob_t s = blob_scanout(1, 64, 32, 256);
    assert_int_equal(h_set_scanout_blob(h, &s), E_UNS); /* no backing */
    assert_int_equal(h_attach_new(h, 1, 64 * 32 * 4, &io), OK);
    assert_int_equal(h_set_scanout_blob(h, &s), OK);
    s.scanout_id = 1;
    assert_int_equal(h_set_scanout_blob(h, &s), E_SCAN);
    s = blob_scanout(9, 64, 32, 256);
    assert_int_equal(h_set_scanout_blob(h, &s), E_RES);
    s = blob_scanout(1, 64, 32, 256);
    s.format = 0;
    assert_int_equal(h_set_scanout_blob(h, &s), E_PAR);
    s = blob_scanout(1, 64, 32, 252); /* stride shorter than a row */
    assert_int_equal(h_set_scanout_blob(h, &s), E_PAR);
    s = blob_scanout(1, 64, 33, 256); /* one row past the blob */
    assert_int_equal(h_set_scanout_blob(h, &s), E_PAR);
    s = blob_scanout(1, 64, 32, 256);
    s.offsets[0] = 4;
    assert_int_equal(h_set_scanout_blob(h, &s), E_PAR);
    s = blob_scanout(1, 64, 32, 256);
    s.r = (virtio_gpu_rect_t){1, 0, 64, 32};
    assert_int_equal(h_set_scanout_blob(h, &s), E_PAR);
    s.r = (virtio_gpu_rect_t){0, 0, 8, 32}; /* narrower than 16 */
    assert_int_equal(h_set_scanout_blob(h, &s), E_PAR);
    s = blob_scanout(1, 0x3fffffff, 0xffffffff, 0xfffffffc); /* huge layout: no overflow */
    s.r = (virtio_gpu_rect_t){0x3fffffef, 0xffffffef, 16, 16};
    s.offsets[0] = 0xffffffff;
    assert_int_equal(h_set_scanout_blob(h, &s), E_PAR);
    s = blob_scanout(1, 64, 16, 512);
    s.r = (virtio_gpu_rect_t){0, 0, 64, 16};
    assert_int_equal(h_set_scanout_blob(h, &s), OK); /* 16 rows of 512 bytes fit */
    s.offsets[0] = 256; /* the last row's pixels would end at the blob's end, its stride would not */
    assert_int_equal(h_set_scanout_blob(h, &s), E_PAR); /* current QEMU: every row needs a whole stride */
    s.resource_id = 0;
    assert_int_equal(h_set_scanout_blob(h, &s), OK); /* disables */
    vgpu_model_scanout_state_t st;
    vgpu_model_scanout_state(h->m, 0, &st);
    assert_int_equal(st.resource_id, 0);
}

static void test_set_scanout_blob_rejects_2d(void **state)
{
    harness_t *h = *state;
    make_2d(h);
    virtio_gpu_set_scanout_blob_t s = blob_scanout(1, 64, 32, 256);
    assert_int_equal(h_set_scanout_blob(h, &s), E_PAR);
}

static void test_unsupported_commands(void **state)
{
    harness_t *h = *state;
    static const uint32_t types[] = {VIRTIO_GPU_CMD_GET_CAPSET_INFO,
                                     VIRTIO_GPU_CMD_GET_CAPSET,
                                     VIRTIO_GPU_CMD_RESOURCE_ASSIGN_UUID,
                                     0x0200,
                                     0x0000,
                                     0xffffffff,
                                     VIRTIO_GPU_CMD_UPDATE_CURSOR};
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        virtio_gpu_ctrl_hdr_t req = {.type = types[i]};
        assert_int_equal(h_cmd_type(h, &req, sizeof(req)), E_UNS);
    }
}

static void test_fence_echoed(void **state)
{
    harness_t *h = *state;
    virtio_gpu_resource_create_2d_t c = {.hdr.type = VIRTIO_GPU_CMD_RESOURCE_CREATE_2D};
    c.hdr.flags = VIRTIO_GPU_FLAG_FENCE;
    c.hdr.fence_id = 0x1122334455667788ull;
    c.hdr.ctx_id = 5;
    c.resource_id = 1;
    c.format = XRGB;
    c.width = c.height = 4;
    virtio_gpu_ctrl_hdr_t resp;
    assert_int_equal(h_cmd(h, &c, sizeof(c), &resp, sizeof(resp)), sizeof(resp));
    assert_int_equal(resp.type, OK);
    assert_int_equal(resp.flags, VIRTIO_GPU_FLAG_FENCE);
    assert_true(resp.fence_id == 0x1122334455667788ull);
    assert_int_equal(resp.ctx_id, 5);
    c.hdr.flags = 0;
    c.resource_id = 2;
    assert_int_equal(h_cmd(h, &c, sizeof(c), &resp, sizeof(resp)), sizeof(resp));
    assert_int_equal(resp.flags, 0);
    assert_true(resp.fence_id == 0);
}

static void test_short_requests(void **state)
{
    harness_t *h = *state;
    virtio_gpu_resource_create_2d_t c = {.hdr.type = VIRTIO_GPU_CMD_RESOURCE_CREATE_2D};
    c.resource_id = 1;
    c.format = XRGB;
    c.width = c.height = 4;
    /* Short body: ERR_UNSPEC (QEMU answers OK_NODATA without acting). */
    assert_int_equal(h_cmd_type(h, &c, sizeof(c) - 4), E_UNS);
    assert_false(vgpu_model_resource_exists(h->m, 1));
    /* Short header. */
    assert_int_equal(h_cmd_type(h, &c, 8), E_UNS);
    /* Longer requests are fine. */
    uint8_t big[sizeof(c) + 16] = {0};
    memcpy(big, &c, sizeof(c));
    assert_int_equal(h_cmd_type(h, big, sizeof(big)), OK);
}

static void test_short_response_buffer(void **state)
{
    harness_t *h = *state;
    virtio_gpu_ctrl_hdr_t req = {.type = VIRTIO_GPU_CMD_GET_DISPLAY_INFO};
    uint8_t resp[40];
    /* As QEMU: the device writes what fits and reports that length. */
    assert_int_equal(h_cmd(h, &req, sizeof(req), resp, sizeof(resp)), sizeof(resp));
    virtio_gpu_ctrl_hdr_t hdr;
    memcpy(&hdr, resp, sizeof(hdr));
    assert_int_equal(hdr.type, VIRTIO_GPU_RESP_OK_DISPLAY_INFO);
    assert_int_equal(h_cmd(h, &req, sizeof(req), resp, 10), 10);
}

static void test_cursor(void **state)
{
    harness_t *h = *state;
    assert_int_equal(h_create_2d(h, 1, XRGB, 64, 64), OK);
    virtio_gpu_update_cursor_t c = {.hdr.type = VIRTIO_GPU_CMD_UPDATE_CURSOR};
    c.pos = (virtio_gpu_cursor_pos_t){.scanout_id = 0, .x = 100, .y = 200};
    c.resource_id = 1;
    c.hot_x = 3;
    c.hot_y = 4;
    assert_int_equal(h_cursor(h, &c), 0); /* no response on the cursor queue */
    vgpu_model_cursor_t cur;
    vgpu_model_cursor_state(h->m, &cur);
    assert_int_equal(cur.resource_id, 1);
    assert_int_equal(cur.x, 100);
    assert_int_equal(cur.y, 200);
    assert_int_equal(cur.hot_x, 3);
    assert_int_equal(cur.hot_y, 4);
    assert_int_equal(cur.updates, 1);
    c.hdr.type = VIRTIO_GPU_CMD_MOVE_CURSOR;
    c.pos.x = 5;
    c.pos.y = 6;
    c.resource_id = 0; /* ignored by a move */
    h_cursor(h, &c);
    vgpu_model_cursor_state(h->m, &cur);
    assert_int_equal(cur.x, 5);
    assert_int_equal(cur.y, 6);
    assert_int_equal(cur.resource_id, 1);
    assert_int_equal(cur.moves, 1);
    /* Bad scanout, unknown type, short command: ignored but completed. */
    c.pos.scanout_id = 3;
    h_cursor(h, &c);
    c.pos.scanout_id = 0;
    c.hdr.type = VIRTIO_GPU_CMD_RESOURCE_FLUSH;
    h_cursor(h, &c);
    vgpu_model_cursor_state(h->m, &cur);
    assert_int_equal(cur.x, 5);
    assert_int_equal(cur.moves, 1);
    assert_int_equal(cur.updates, 1);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int devmodel_command_tests(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_display_info),
            T(test_get_edid),
            cmocka_unit_test(test_get_edid_without_feature),
            T(test_create_2d_all_formats),
            T(test_create_2d_errors),
            cmocka_unit_test(test_create_limits),
            T(test_unref),
            T(test_attach_detach),
            T(test_attach_errors),
            T(test_set_scanout),
            T(test_set_scanout_records_state),
            T(test_transfer_errors),
            T(test_transfer_to_blob_is_ignored),
            T(test_flush_errors),
            T(test_create_blob),
            cmocka_unit_test(test_blob_needs_feature),
            T(test_set_scanout_blob_errors),
            T(test_set_scanout_blob_rejects_2d),
            T(test_unsupported_commands),
            T(test_fence_echoed),
            T(test_short_requests),
            T(test_short_response_buffer),
            T(test_cursor),
    };
    return cmocka_run_group_tests_name("devmodel_commands", tests, NULL, NULL);
}
