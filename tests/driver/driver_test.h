/*
 * Shared helpers for the driver tests (cmocka). Everything is static inline so
 * each test program takes only what it uses.
 */
#pragma once

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <sddf/gpu/event.h>
#include <sddf/gpu/protocol.h>
#include <virtio/virtio_gpu.h>
#include <virtio/virtio_mmio.h>

#include "vgpu_harness.h"

/* cmocka setup with default options: a live device with blob and EDID, one 1280x800 scanout. */
static inline int dt_setup(void **state)
{
    vh_options_t opt;
    vh_options_default(&opt);
    vgpu_harness_t *h = vh_create(&opt);
    if (h == NULL || h->init_result != GPU_DRIVER_INIT_OK) {
        vh_destroy(h);
        return -1;
    }
    *state = h;
    return 0;
}

static inline int dt_teardown(void **state)
{
    vh_destroy(*state);
    return 0;
}

/* Fill w x h pixels (rows of `stride` bytes) at data IO address `io` with a pattern seeded by `seed`. */
static inline void dt_fill(vgpu_harness_t *h, uint64_t io, uint32_t w, uint32_t hgt, uint32_t stride, uint32_t seed)
{
    for (uint32_t y = 0; y < hgt; y++) {
        uint32_t *row = vh_data(h, io + (uint64_t)y * stride, (uint64_t)w * 4);
        assert_non_null(row);
        for (uint32_t x = 0; x < w; x++) {
            row[x] = ((x * 7 + y * 13 + seed) & 0xff) << 16 | ((x + seed) & 0xff) << 8 | ((y + seed * 3) & 0xff);
        }
    }
}

/* The pixel dt_fill() wrote at (x, y) for `seed` (format B8G8R8X8: the value itself, alpha byte cleared). */
static inline uint32_t dt_pattern(uint32_t x, uint32_t y, uint32_t seed)
{
    return ((x * 7 + y * 13 + seed) & 0xff) << 16 | ((x + seed) & 0xff) << 8 | ((y + seed * 3) & 0xff);
}

/* Scanout idx shows exactly w x h pixels, each the one dt_fill() wrote for `seed`. */
static inline void dt_assert_screen(vgpu_harness_t *h, uint32_t idx, uint32_t w, uint32_t hgt, uint32_t seed)
{
    uint32_t fw = 0, fh = 0;
    const uint32_t *fb = vgpu_model_framebuffer(h->model, idx, &fw, &fh);
    assert_non_null(fb);
    assert_int_equal(fw, w);
    assert_int_equal(fh, hgt);
    for (uint32_t y = 0; y < hgt; y++) {
        for (uint32_t x = 0; x < w; x++) {
            assert_int_equal(fb[y * fw + x], dt_pattern(x, y, seed));
        }
    }
}

/* Create a w x h B8G8R8X8 2D resource `rid` with backing at `io`, filled with `seed`'s pattern. */
static inline void dt_make_2d(vgpu_harness_t *h, uint32_t rid, uint32_t w, uint32_t hgt, uint64_t io, uint32_t seed)
{
    dt_fill(h, io, w, hgt, w * 4, seed);
    gpu_req_t c = vh_req_create_2d(1000 + rid, rid, GPU_FORMAT_B8G8R8X8_UNORM, w, hgt);
    assert_int_equal(vh_call(h, &c), GPU_STATUS_OK);
    gpu_req_t a = vh_req_attach(2000 + rid, rid, io, (uint64_t)w * hgt * 4);
    assert_int_equal(vh_call(h, &a), GPU_STATUS_OK);
}
