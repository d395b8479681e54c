/*
 * Validation: every request kind with each malformed input, paired with the
 * exact status the virtualiser must answer (docs/protocol.md). Cases marked
 * FWD are valid: they must reach the driver and come back OK. Every case runs
 * on a fresh fixture, so a forwarded case cannot disturb the next one.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "virt_env.h"

#define FWD 0xf00du /* expected: forwarded, then OK */

typedef struct vcase {
    const char *name;
    gpu_req_t req;
    uint32_t expect;
} vcase_t;

#define MiB (1u << 20)

/*
 * Client 0 of two: owns virtual scanout 0 (device 0) and virtual 1 (device 5,
 * which the 4-scanout device lacks); client 1 owns device scanout 1.
 * Resources: 1 = 2D 64x32 backed by [0, 8192); 2 = 2D 16x16 without backing;
 * 3 = blob of 16384 at 65536; 4 = blob of 8192, detached; 5 = 2D 8x8 backed
 * by only 100 bytes.
 */
static void fixture(uint32_t features)
{
    env_opts_t o;
    env_default_opts(&o, 2);
    o.num_scanouts[0] = 2;
    o.scanouts[0][0] = 0;
    o.scanouts[0][1] = 5;
    o.scanouts[1][0] = 1;
    o.device.features = features;
    env_setup_ready(&o);
    gpu_req_t setup[] = {
            req_create_2d(1, GPU_FORMAT_B8G8R8X8_UNORM, 64, 32),
            req_attach(1, 0, 8192),
            req_create_2d(2, GPU_FORMAT_R8G8B8A8_UNORM, 16, 16),
            req_create_blob(3, 65536, 16384),
            req_create_blob(4, 131072, 8192),
            req_detach(4),
            req_create_2d(5, GPU_FORMAT_A8B8G8R8_UNORM, 8, 8),
            req_attach(5, 4096, 100),
    };
    uint32_t n = (features & GPU_FEATURE_BLOB) ? 8 : 3;
    for (uint32_t i = 0; i < n; i++) {
        assert_int_equal(env_call(0, &setup[i]), GPU_STATUS_OK);
    }
}

static void run_cases(const vcase_t *cases, size_t n, uint32_t features)
{
    unsigned failures = 0;
    for (size_t i = 0; i < n; i++) {
        fixture(features);
        gpu_req_t req = cases[i].req;
        uint32_t id = env_client_send(0, &req);
        uint32_t served = env_driver_serve();
        gpu_resp_t resp = {0};
        bool answered = env_client_recv(0, &resp);
        bool extra = env_client_pending(0) != 0;
        uint32_t want = cases[i].expect == FWD ? GPU_STATUS_OK : cases[i].expect;
        bool want_fwd = cases[i].expect == FWD;
        if (!answered || extra || resp.id != id || resp.code != req.code || resp.status != want ||
            (served != 0) != want_fwd) {
            printf("# case '%s': answered %d extra %d status %u (want %u) forwarded %u (want %d)\n", cases[i].name,
                   answered, extra, resp.status, want, served, want_fwd);
            failures++;
        }
    }
    assert_int_equal(failures, 0);
}

#define RUN(cases, features) run_cases(cases, sizeof(cases) / sizeof(cases[0]), features)
#define BLOB_DEV             (GPU_FEATURE_BLOB | GPU_FEATURE_EDID)

static void test_codes(void **state)
{
    (void)state;
    const vcase_t cases[] = {
            {"code 0", req_code(0), GPU_STATUS_UNSUPPORTED},
            {"code 11", req_code(GPU_REQ_MAX + 1), GPU_STATUS_UNSUPPORTED},
            {"code max", req_code(UINT32_MAX), GPU_STATUS_UNSUPPORTED},
            {"display info", req_display_info(), GPU_STATUS_OK},
    };
    RUN(cases, BLOB_DEV);
}

static void test_create_2d(void **state)
{
    (void)state;
    const uint32_t f = GPU_FORMAT_B8G8R8A8_UNORM;
    const vcase_t cases[] = {
            {"id 0", req_create_2d(0, f, 4, 4), GPU_STATUS_INVALID_RESOURCE_ID},
            {"id above quota", req_create_2d(33, f, 4, 4), GPU_STATUS_INVALID_RESOURCE_ID},
            {"id max", req_create_2d(UINT32_MAX, f, 4, 4), GPU_STATUS_INVALID_RESOURCE_ID},
            {"id in use", req_create_2d(1, f, 4, 4), GPU_STATUS_INVALID_RESOURCE_ID},
            {"format 0", req_create_2d(9, 0, 4, 4), GPU_STATUS_INVALID_PARAMETER},
            {"format 5", req_create_2d(9, 5, 4, 4), GPU_STATUS_INVALID_PARAMETER},
            {"format max", req_create_2d(9, UINT32_MAX, 4, 4), GPU_STATUS_INVALID_PARAMETER},
            {"width 0", req_create_2d(9, f, 0, 4), GPU_STATUS_INVALID_PARAMETER},
            {"height 0", req_create_2d(9, f, 4, 0), GPU_STATUS_INVALID_PARAMETER},
            {"width 16385", req_create_2d(9, f, 16385, 4), GPU_STATUS_INVALID_PARAMETER},
            {"height 16385", req_create_2d(9, f, 4, 16385), GPU_STATUS_INVALID_PARAMETER},
            {"width max", req_create_2d(9, f, UINT32_MAX, 4), GPU_STATUS_INVALID_PARAMETER},
            {"16384 x 16384", req_create_2d(9, f, 16384, 16384), FWD},
            {"last id", req_create_2d(32, GPU_FORMAT_R8G8B8X8_UNORM, 1, 1), FWD},
            {"format 134", req_create_2d(9, GPU_FORMAT_R8G8B8X8_UNORM, 1, 1), FWD},
            {"format 121", req_create_2d(9, GPU_FORMAT_A8B8G8R8_UNORM, 1, 1), FWD},
            {"format 68", req_create_2d(9, GPU_FORMAT_X8B8G8R8_UNORM, 1, 1), FWD},
            {"format 4", req_create_2d(9, GPU_FORMAT_X8R8G8B8_UNORM, 1, 1), FWD},
            {"format 3", req_create_2d(9, GPU_FORMAT_A8R8G8B8_UNORM, 1, 1), FWD},
    };
    RUN(cases, BLOB_DEV);
}

static void test_create_blob(void **state)
{
    (void)state;
    const vcase_t cases[] = {
            {"id 0", req_create_blob(0, 0, 4096), GPU_STATUS_INVALID_RESOURCE_ID},
            {"id above quota", req_create_blob(33, 0, 4096), GPU_STATUS_INVALID_RESOURCE_ID},
            {"id in use", req_create_blob(3, 0, 4096), GPU_STATUS_INVALID_RESOURCE_ID},
            {"size 0", req_create_blob(9, 0, 0), GPU_STATUS_INVALID_PARAMETER},
            {"offset unaligned", req_create_blob(9, 100, 4096), GPU_STATUS_INVALID_PARAMETER},
            {"size unaligned", req_create_blob(9, 0, 5000), GPU_STATUS_INVALID_PARAMETER},
            {"offset at end", req_create_blob(9, MiB, 4096), GPU_STATUS_INVALID_PARAMETER},
            {"straddles end", req_create_blob(9, MiB - 4096, 8192), GPU_STATUS_INVALID_PARAMETER},
            {"bigger than region", req_create_blob(9, 0, 2 * MiB), GPU_STATUS_INVALID_PARAMETER},
            {"wrapping range", req_create_blob(9, 0xfffffffffffff000ull, 0x2000), GPU_STATUS_INVALID_PARAMETER},
            {"size max", req_create_blob(9, 4096, 0xfffffffffffff000ull), GPU_STATUS_INVALID_PARAMETER},
            {"last page", req_create_blob(9, MiB - 4096, 4096), FWD},
            {"whole region", req_create_blob(9, 0, MiB), FWD},
    };
    RUN(cases, BLOB_DEV);
}

static void test_unref(void **state)
{
    (void)state;
    const vcase_t cases[] = {
            {"id 0", req_unref(0), GPU_STATUS_INVALID_RESOURCE_ID},
            {"id above quota", req_unref(33), GPU_STATUS_INVALID_RESOURCE_ID},
            {"id max", req_unref(UINT32_MAX), GPU_STATUS_INVALID_RESOURCE_ID},
            {"unknown id", req_unref(20), GPU_STATUS_INVALID_RESOURCE_ID},
            {"2D", req_unref(1), FWD},
            {"blob", req_unref(3), FWD},
    };
    RUN(cases, BLOB_DEV);
}

static void test_attach(void **state)
{
    (void)state;
    const vcase_t cases[] = {
            {"id 0", req_attach(0, 0, 4096), GPU_STATUS_INVALID_RESOURCE_ID},
            {"id above quota", req_attach(33, 0, 4096), GPU_STATUS_INVALID_RESOURCE_ID},
            {"unknown id", req_attach(20, 0, 4096), GPU_STATUS_INVALID_RESOURCE_ID},
            {"already backed", req_attach(1, 0, 4096), GPU_STATUS_INVALID_PARAMETER},
            {"blob already backed", req_attach(3, 0, 16384), GPU_STATUS_INVALID_PARAMETER},
            {"size 0", req_attach(2, 0, 0), GPU_STATUS_INVALID_PARAMETER},
            {"offset at end", req_attach(2, MiB, 1), GPU_STATUS_INVALID_PARAMETER},
            {"straddles end", req_attach(2, MiB - 1, 2), GPU_STATUS_INVALID_PARAMETER},
            {"wrapping range", req_attach(2, UINT64_MAX, 2), GPU_STATUS_INVALID_PARAMETER},
            {"size max", req_attach(2, 1, UINT64_MAX), GPU_STATUS_INVALID_PARAMETER},
            {"blob size differs", req_attach(4, 0, 4096), GPU_STATUS_INVALID_PARAMETER},
            {"blob not page aligned", req_attach(4, 12288 + 512, 8192), GPU_STATUS_INVALID_PARAMETER},
            {"whole region", req_attach(2, 0, MiB), FWD},
            {"last byte", req_attach(2, MiB - 1, 1), FWD},
            {"blob re-attach", req_attach(4, 12288, 8192), FWD},
    };
    RUN(cases, BLOB_DEV);
}

static void test_detach(void **state)
{
    (void)state;
    const vcase_t cases[] = {
            {"id 0", req_detach(0), GPU_STATUS_INVALID_RESOURCE_ID},
            {"id above quota", req_detach(33), GPU_STATUS_INVALID_RESOURCE_ID},
            {"unknown id", req_detach(20), GPU_STATUS_INVALID_RESOURCE_ID},
            {"2D without backing", req_detach(2), GPU_STATUS_INVALID_PARAMETER},
            {"blob without backing", req_detach(4), GPU_STATUS_INVALID_PARAMETER},
            {"2D", req_detach(1), FWD},
            {"blob", req_detach(3), FWD},
    };
    RUN(cases, BLOB_DEV);
}

static void test_set_scanout(void **state)
{
    (void)state;
    const vcase_t cases[] = {
            {"scanout the device lacks", req_set_scanout(1, 1, 0, 0, 64, 32), GPU_STATUS_INVALID_SCANOUT_ID},
            {"scanout not configured", req_set_scanout(2, 1, 0, 0, 64, 32), GPU_STATUS_INVALID_SCANOUT_ID},
            {"scanout max", req_set_scanout(UINT32_MAX, 1, 0, 0, 64, 32), GPU_STATUS_INVALID_SCANOUT_ID},
            {"bad scanout, resource 0", req_set_scanout(2, 0, 0, 0, 0, 0), GPU_STATUS_INVALID_SCANOUT_ID},
            {"unknown id", req_set_scanout(0, 20, 0, 0, 1, 1), GPU_STATUS_INVALID_RESOURCE_ID},
            {"id above quota", req_set_scanout(0, 33, 0, 0, 1, 1), GPU_STATUS_INVALID_RESOURCE_ID},
            {"blob", req_set_scanout(0, 3, 0, 0, 1, 1), GPU_STATUS_INVALID_PARAMETER},
            {"width 0", req_set_scanout(0, 1, 0, 0, 0, 32), GPU_STATUS_INVALID_PARAMETER},
            {"height 0", req_set_scanout(0, 1, 0, 0, 64, 0), GPU_STATUS_INVALID_PARAMETER},
            {"too wide", req_set_scanout(0, 1, 0, 0, 65, 32), GPU_STATUS_OUT_OF_BOUNDS},
            {"too tall", req_set_scanout(0, 1, 0, 0, 64, 33), GPU_STATUS_OUT_OF_BOUNDS},
            {"shifted out", req_set_scanout(0, 1, 1, 0, 64, 32), GPU_STATUS_OUT_OF_BOUNDS},
            {"x wraps", req_set_scanout(0, 1, UINT32_MAX, 0, 2, 1), GPU_STATUS_OUT_OF_BOUNDS},
            {"y wraps", req_set_scanout(0, 1, 0, UINT32_MAX, 1, 2), GPU_STATUS_OUT_OF_BOUNDS},
            {"disable, rect ignored", req_set_scanout(0, 0, UINT32_MAX, UINT32_MAX, 0, 0), FWD},
            {"whole", req_set_scanout(0, 1, 0, 0, 64, 32), FWD},
            {"part", req_set_scanout(0, 1, 63, 31, 1, 1), FWD},
            {"no backing needed", req_set_scanout(0, 2, 0, 0, 16, 16), FWD},
    };
    RUN(cases, BLOB_DEV);
}

static gpu_req_t blob_scanout(uint32_t format, uint32_t w, uint32_t h, uint32_t stride, uint32_t off, gpu_rect_t r)
{
    gpu_req_t q = req_set_scanout_blob(0, 3, w, h, stride, off);
    q.set_scanout_blob.format = format;
    q.set_scanout_blob.rect = r;
    return q;
}

static void test_set_scanout_blob(void **state)
{
    (void)state;
    const uint32_t f = GPU_FORMAT_B8G8R8X8_UNORM;
    const gpu_rect_t all = {0, 0, 64, 64};
    const vcase_t cases[] = {
            {"scanout the device lacks", req_set_scanout_blob(1, 3, 64, 64, 256, 0), GPU_STATUS_INVALID_SCANOUT_ID},
            {"scanout not configured", req_set_scanout_blob(7, 3, 64, 64, 256, 0), GPU_STATUS_INVALID_SCANOUT_ID},
            {"unknown id", req_set_scanout_blob(0, 20, 64, 64, 256, 0), GPU_STATUS_INVALID_RESOURCE_ID},
            {"id above quota", req_set_scanout_blob(0, 40, 64, 64, 256, 0), GPU_STATUS_INVALID_RESOURCE_ID},
            {"2D resource", req_set_scanout_blob(0, 1, 64, 64, 256, 0), GPU_STATUS_INVALID_PARAMETER},
            {"blob without backing", req_set_scanout_blob(0, 4, 32, 32, 128, 0), GPU_STATUS_INVALID_PARAMETER},
            {"format 0", blob_scanout(0, 64, 64, 256, 0, all), GPU_STATUS_INVALID_PARAMETER},
            {"width 0", blob_scanout(f, 0, 64, 256, 0, all), GPU_STATUS_INVALID_PARAMETER},
            {"height 0", blob_scanout(f, 64, 0, 256, 0, all), GPU_STATUS_INVALID_PARAMETER},
            {"stride short", blob_scanout(f, 64, 64, 255, 0, all), GPU_STATUS_INVALID_PARAMETER},
            {"width*4 wraps 32 bits", blob_scanout(f, 0x40000000u, 1, 0, 0, all), GPU_STATUS_INVALID_PARAMETER},
            {"rect empty", blob_scanout(f, 64, 64, 256, 0, (gpu_rect_t){0, 0, 0, 64}), GPU_STATUS_INVALID_PARAMETER},
            {"layout past blob", blob_scanout(f, 64, 64, 256, 4, all), GPU_STATUS_OUT_OF_BOUNDS},
            {"stride past blob", blob_scanout(f, 64, 64, 260, 0, all), GPU_STATUS_OUT_OF_BOUNDS},
            {"stride*height wraps", blob_scanout(f, 1, UINT32_MAX, UINT32_MAX, UINT32_MAX, all),
             GPU_STATUS_OUT_OF_BOUNDS},
            {"rect one column right", blob_scanout(f, 64, 64, 256, 0, (gpu_rect_t){1, 0, 64, 64}),
             GPU_STATUS_OUT_OF_BOUNDS},
            {"rect one row down", blob_scanout(f, 64, 64, 256, 0, (gpu_rect_t){0, 1, 64, 64}),
             GPU_STATUS_OUT_OF_BOUNDS},
            {"rect x wraps", blob_scanout(f, 64, 64, 256, 0, (gpu_rect_t){UINT32_MAX, 0, 2, 1}),
             GPU_STATUS_OUT_OF_BOUNDS},
            {"disable", req_set_scanout_blob(0, 0, 0, 0, 0, 0), FWD},
            {"exact fit", blob_scanout(f, 64, 64, 256, 0, all), FWD},
            /* Framebuffer, whole strides: 8192 + 32 * 256 = 16384; the small rect keeps the shown span short. */
            {"frame ends at last byte", blob_scanout(f, 32, 32, 256, 8192, (gpu_rect_t){0, 0, 1, 1}), FWD},
            {"frame one byte over", blob_scanout(f, 32, 32, 256, 8193, (gpu_rect_t){0, 0, 1, 1}),
             GPU_STATUS_OUT_OF_BOUNDS},
            {"last row short of a stride", blob_scanout(f, 32, 2, 16252, 4, (gpu_rect_t){0, 0, 32, 2}),
             GPU_STATUS_OUT_OF_BOUNDS},
            /* Shown span: offset + x * 4 + (y + height) * stride; frame 8188/8189 + 32 * 256 fits. */
            {"shown span ends at last byte", blob_scanout(f, 63, 32, 256, 8188, (gpu_rect_t){1, 0, 62, 32}), FWD},
            {"shown span one byte over", blob_scanout(f, 63, 32, 256, 8189, (gpu_rect_t){1, 0, 62, 32}),
             GPU_STATUS_OUT_OF_BOUNDS},
            {"shown span ends at the rect's last row", blob_scanout(f, 63, 32, 256, 8189, (gpu_rect_t){1, 0, 62, 31}),
             FWD},
            {"spans at their largest",
             blob_scanout(f, 0x3fffffffu, UINT32_MAX, UINT32_MAX, UINT32_MAX,
                          (gpu_rect_t){0x3ffffffeu, UINT32_MAX - 1, 1, 1}),
             GPU_STATUS_OUT_OF_BOUNDS},
    };
    RUN(cases, BLOB_DEV);
}

static void test_transfer(void **state)
{
    (void)state;
    const vcase_t cases[] = {
            {"id 0", req_transfer(0, 0, 0, 1, 1, 0), GPU_STATUS_INVALID_RESOURCE_ID},
            {"unknown id", req_transfer(20, 0, 0, 1, 1, 0), GPU_STATUS_INVALID_RESOURCE_ID},
            {"id above quota", req_transfer(33, 0, 0, 1, 1, 0), GPU_STATUS_INVALID_RESOURCE_ID},
            {"blob", req_transfer(3, 0, 0, 1, 1, 0), GPU_STATUS_INVALID_PARAMETER},
            {"no backing", req_transfer(2, 0, 0, 1, 1, 0), GPU_STATUS_INVALID_PARAMETER},
            {"width 0", req_transfer(1, 0, 0, 0, 1, 0), GPU_STATUS_INVALID_PARAMETER},
            {"height 0", req_transfer(1, 0, 0, 1, 0, 0), GPU_STATUS_INVALID_PARAMETER},
            {"outside", req_transfer(1, 0, 0, 65, 1, 0), GPU_STATUS_OUT_OF_BOUNDS},
            {"x wraps", req_transfer(1, UINT32_MAX, 0, 2, 1, 0), GPU_STATUS_OUT_OF_BOUNDS},
            {"y wraps", req_transfer(1, 0, UINT32_MAX, 1, 2, 0), GPU_STATUS_OUT_OF_BOUNDS},
            {"offset past backing", req_transfer(1, 0, 0, 64, 32, 4), GPU_STATUS_OUT_OF_BOUNDS},
            {"offset max", req_transfer(1, 0, 0, 1, 1, UINT64_MAX), GPU_STATUS_OUT_OF_BOUNDS},
            {"small backing", req_transfer(5, 0, 0, 8, 8, 0), GPU_STATUS_OUT_OF_BOUNDS},
            {"small backing, last pixel", req_transfer(5, 0, 0, 1, 1, 97), GPU_STATUS_OUT_OF_BOUNDS},
            {"whole", req_transfer(1, 0, 0, 64, 32, 0), FWD},
            {"rows below the first", req_transfer(1, 0, 1, 64, 31, 256), FWD},
            {"small backing, fits", req_transfer(5, 0, 0, 8, 3, 4), FWD},
            {"small backing, ends at last byte", req_transfer(5, 0, 0, 1, 1, 96), FWD},
    };
    RUN(cases, BLOB_DEV);
}

static void test_flush(void **state)
{
    (void)state;
    const vcase_t cases[] = {
            {"id 0", req_flush(0, 0, 0, 1, 1), GPU_STATUS_INVALID_RESOURCE_ID},
            {"unknown id", req_flush(20, 0, 0, 1, 1), GPU_STATUS_INVALID_RESOURCE_ID},
            {"id max", req_flush(UINT32_MAX, 0, 0, 1, 1), GPU_STATUS_INVALID_RESOURCE_ID},
            {"width 0", req_flush(1, 0, 0, 0, 1), GPU_STATUS_INVALID_PARAMETER},
            {"blob height 0", req_flush(3, 0, 0, 1, 0), GPU_STATUS_INVALID_PARAMETER},
            {"2D outside", req_flush(1, 0, 0, 64, 33), GPU_STATUS_OUT_OF_BOUNDS},
            {"2D x wraps", req_flush(1, UINT32_MAX, 0, 2, 1), GPU_STATUS_OUT_OF_BOUNDS},
            {"blob x wraps", req_flush(3, UINT32_MAX, 0, 1, 1), GPU_STATUS_OUT_OF_BOUNDS},
            {"blob y wraps", req_flush(3, 0, 2, 1, UINT32_MAX - 1), GPU_STATUS_OUT_OF_BOUNDS},
            {"2D whole", req_flush(1, 0, 0, 64, 32), FWD},
            {"2D without backing", req_flush(2, 0, 0, 16, 16), FWD},
            {"blob any size", req_flush(3, 0, 0, 100000, 100000), FWD},
            {"blob up to 2^32", req_flush(3, 1, 0, UINT32_MAX - 1, 1), FWD},
    };
    RUN(cases, BLOB_DEV);
}

static void test_no_blob_device(void **state)
{
    (void)state;
    const vcase_t cases[] = {
            {"create blob", req_create_blob(9, 0, 4096), GPU_STATUS_UNSUPPORTED},
            {"create blob, bad id", req_create_blob(0, 0, 0), GPU_STATUS_UNSUPPORTED},
            {"set scanout blob", req_set_scanout_blob(0, 1, 64, 32, 256, 0), GPU_STATUS_UNSUPPORTED},
            {"set scanout blob, bad scanout", req_set_scanout_blob(9, 0, 0, 0, 0, 0), GPU_STATUS_UNSUPPORTED},
            {"2D still works", req_flush(1, 0, 0, 1, 1), FWD},
    };
    RUN(cases, GPU_FEATURE_EDID);
}

/*
 * Several checks fail at once: the first in docs/protocol.md section 7's
 * order decides the status.
 */
static void test_check_order(void **state)
{
    (void)state;
    const uint32_t f = GPU_FORMAT_B8G8R8X8_UNORM;
    const gpu_rect_t none = {0, 0, 0, 0};
    const gpu_rect_t far = {UINT32_MAX, 0, 2, 1};
    const vcase_t cases[] = {
            {"create 2D: id before format", req_create_2d(0, 0, 0, 0), GPU_STATUS_INVALID_RESOURCE_ID},
            {"create blob: id before range", req_create_blob(1, 100, 0), GPU_STATUS_INVALID_RESOURCE_ID},
            {"attach: id before range", req_attach(20, UINT64_MAX, 0), GPU_STATUS_INVALID_RESOURCE_ID},
            {"set scanout: scanout before id", req_set_scanout(2, 20, 0, 0, 0, 0), GPU_STATUS_INVALID_SCANOUT_ID},
            {"set scanout: id before kind", req_set_scanout(0, 20, 0, 0, 0, 0), GPU_STATUS_INVALID_RESOURCE_ID},
            {"set scanout: blob before rect", req_set_scanout(0, 3, 0, 0, 0, 0), GPU_STATUS_INVALID_PARAMETER},
            {"set scanout: empty before bounds", req_set_scanout(0, 1, UINT32_MAX, 0, 0, 1),
             GPU_STATUS_INVALID_PARAMETER},
            {"scanout blob: scanout before id", req_set_scanout_blob(7, 20, 0, 0, 0, 0), GPU_STATUS_INVALID_SCANOUT_ID},
            {"scanout blob: id before layout", req_set_scanout_blob(0, 20, 0, 0, 0, 0), GPU_STATUS_INVALID_RESOURCE_ID},
            {"scanout blob: kind before layout", req_set_scanout_blob(0, 1, 0, 0, 0, 0), GPU_STATUS_INVALID_PARAMETER},
            {"scanout blob: empty rect before layout", blob_scanout(f, 64, 64, 256, UINT32_MAX, none),
             GPU_STATUS_INVALID_PARAMETER},
            {"scanout blob: stride before layout", blob_scanout(f, 64, 64, 4, UINT32_MAX, far),
             GPU_STATUS_INVALID_PARAMETER},
            {"scanout blob: format before layout", blob_scanout(0, 64, 64, 256, UINT32_MAX, far),
             GPU_STATUS_INVALID_PARAMETER},
            {"transfer: id before kind", req_transfer(20, 0, 0, 0, 0, UINT64_MAX), GPU_STATUS_INVALID_RESOURCE_ID},
            {"transfer: backing before rect", req_transfer(2, UINT32_MAX, 0, 2, 1, UINT64_MAX),
             GPU_STATUS_INVALID_PARAMETER},
            {"transfer: empty before bounds", req_transfer(1, UINT32_MAX, 0, 0, 1, UINT64_MAX),
             GPU_STATUS_INVALID_PARAMETER},
            {"flush: id before rect", req_flush(20, 0, 0, 0, 0), GPU_STATUS_INVALID_RESOURCE_ID},
            {"flush: empty before bounds", req_flush(1, UINT32_MAX, 0, 0, 1), GPU_STATUS_INVALID_PARAMETER},
    };
    RUN(cases, BLOB_DEV);
}

/* Before a successful GET_DISPLAY_INFO every other request, valid or not, is NOT_READY. */
static void test_not_ready(void **state)
{
    (void)state;
    env_opts_t o;
    env_default_opts(&o, 1);
    assert_int_equal(env_setup(&o), GPU_VIRT_OK);
    env_driver_serve();
    for (uint32_t code = GPU_REQ_RESOURCE_CREATE_2D; code <= GPU_REQ_MAX; code++) {
        gpu_req_t r = req_code(code);
        assert_int_equal(env_call_local(0, &r), GPU_STATUS_NOT_READY);
    }
    gpu_req_t ok = req_create_2d(1, GPU_FORMAT_B8G8R8X8_UNORM, 4, 4);
    assert_int_equal(env_call_local(0, &ok), GPU_STATUS_NOT_READY);
    gpu_req_t bad = req_code(99);
    assert_int_equal(env_call_local(0, &bad), GPU_STATUS_UNSUPPORTED);
    gpu_req_t info = req_display_info();
    assert_int_equal(env_call_local(0, &info), GPU_STATUS_OK);
    assert_int_equal(env_call(0, &ok), GPU_STATUS_OK);
}

/* Configuration errors, each found at init. */
static void test_config(void **state)
{
    (void)state;
    env_opts_t o;
    env_default_opts(&o, 3);
    assert_int_equal(env_setup(&o), GPU_VIRT_OK);

    gpu_virt_config_t good = E->cfg;
    gpu_virt_config_t c;
    gpu_virt_notify_t n = {0};
    unsigned failures = 0;
#define CFG_CASE(what, mutation, want)                                                                                 \
    do {                                                                                                               \
        c = good;                                                                                                      \
        mutation;                                                                                                      \
        int got = gpu_virt_init(&E->virt, &c, &n);                                                                     \
        if (got != (want)) {                                                                                           \
            printf("# config case '%s': got %d want %d\n", what, got, want);                                           \
            failures++;                                                                                                \
        }                                                                                                              \
    } while (0)
    CFG_CASE("good", (void)0, GPU_VIRT_OK);
    CFG_CASE("magic", c.magic ^= 1, GPU_VIRT_ERR_MAGIC);
    CFG_CASE("version", c.version = 2, GPU_VIRT_ERR_VERSION);
    CFG_CASE("no clients", c.num_clients = 0, GPU_VIRT_ERR_CLIENTS);
    CFG_CASE("too many clients", c.num_clients = GPU_VIRT_MAX_CLIENTS + 1, GPU_VIRT_ERR_CLIENTS);
    CFG_CASE("driver capacity", c.driver.req_capacity = 3, GPU_VIRT_ERR_QUEUE);
    CFG_CASE("driver region", c.driver.info = 0, GPU_VIRT_ERR_QUEUE);
    CFG_CASE("client capacity", c.clients[2].conn.resp_capacity = 0, GPU_VIRT_ERR_QUEUE);
    CFG_CASE("client region", c.clients[1].conn.req_queue = 0, GPU_VIRT_ERR_QUEUE);
    CFG_CASE("quota 0", c.clients[1].max_resources = 0, GPU_VIRT_ERR_RESOURCES);
    CFG_CASE("quota above maximum", c.clients[1].max_resources = GPU_VIRT_MAX_RESOURCES_PER_CLIENT + 1,
             GPU_VIRT_ERR_RESOURCES);
    CFG_CASE("io range wraps", (c.clients[0].data_io_base = UINT64_MAX - 10, c.clients[0].data_size = 11),
             GPU_VIRT_ERR_DATA);
    CFG_CASE("io windows overlap", c.clients[1].data_io_base = c.clients[0].data_io_base + ENV_DATA_SIZE - 1,
             GPU_VIRT_ERR_DATA);
    CFG_CASE("io windows touch", c.clients[1].data_io_base = c.clients[0].data_io_base + ENV_DATA_SIZE, GPU_VIRT_OK);
    CFG_CASE("io window inside another",
             (c.clients[2].data_io_base = c.clients[0].data_io_base + 4096, c.clients[2].data_size = 4096),
             GPU_VIRT_ERR_DATA);
    CFG_CASE("empty window anywhere",
             (c.clients[2].data_io_base = c.clients[0].data_io_base, c.clients[2].data_size = 0), GPU_VIRT_OK);
    CFG_CASE("scanout owned twice", c.clients[2].scanouts[0] = 0, GPU_VIRT_ERR_SCANOUTS);
    CFG_CASE("scanout twice in one client", (c.clients[0].num_scanouts = 2, c.clients[0].scanouts[1] = 0),
             GPU_VIRT_ERR_SCANOUTS);
    CFG_CASE("scanout out of range", c.clients[0].scanouts[0] = GPU_MAX_SCANOUTS, GPU_VIRT_ERR_SCANOUTS);
    CFG_CASE("too many scanouts", c.clients[0].num_scanouts = GPU_MAX_SCANOUTS + 1, GPU_VIRT_ERR_SCANOUTS);
    CFG_CASE("one client owns all",
             (c.num_clients = 1, c.clients[0].num_scanouts = GPU_MAX_SCANOUTS,
              memcpy(c.clients[0].scanouts, (uint8_t[]){0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15},
                     GPU_MAX_SCANOUTS)),
             GPU_VIRT_OK);
#undef CFG_CASE
    assert_int_equal(failures, 0);
}

/*
 * Quotas that together exceed the device-id space are refused, so no client
 * can starve another. The tests are built with GPU_VIRT_MAX_DEVICE_RESOURCES
 * = 128: four clients of 32 fit exactly.
 */
static void test_config_quota_sum(void **state)
{
    (void)state;
    _Static_assert(GPU_VIRT_MAX_DEVICE_RESOURCES == 128, "tests/virt/module.mk sets the device-id space");
    env_opts_t o;
    env_default_opts(&o, 4);
    assert_int_equal(env_setup(&o), GPU_VIRT_OK);
    o.max_resources[3] = 33;
    assert_int_equal(env_setup(&o), GPU_VIRT_ERR_RESOURCES);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_codes),
            cmocka_unit_test(test_create_2d),
            cmocka_unit_test(test_create_blob),
            cmocka_unit_test(test_unref),
            cmocka_unit_test(test_attach),
            cmocka_unit_test(test_detach),
            cmocka_unit_test(test_set_scanout),
            cmocka_unit_test(test_set_scanout_blob),
            cmocka_unit_test(test_transfer),
            cmocka_unit_test(test_flush),
            cmocka_unit_test(test_no_blob_device),
            cmocka_unit_test(test_check_order),
            cmocka_unit_test(test_not_ready),
            cmocka_unit_test(test_config),
            cmocka_unit_test(test_config_quota_sum),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
