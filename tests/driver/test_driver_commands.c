/*
 * Every request end to end: driver -> virtio-mmio -> device model, and the
 * pixels the model's scanout shows afterwards.
 */
#include "driver_test.h"

static void test_display_info(void **state)
{
    vgpu_harness_t *h = *state;
    gpu_req_t r = vh_req_display_info(1);
    assert_int_equal(vh_call(h, &r), GPU_STATUS_OK);
    const gpu_display_info_t *d = &h->info->display;
    assert_int_equal(d->num_scanouts, 1);
    assert_int_equal(d->features, GPU_FEATURE_BLOB | GPU_FEATURE_EDID);
    assert_int_equal(d->scanouts[0].rect.width, 1280);
    assert_int_equal(d->scanouts[0].rect.height, 800);
    assert_int_equal(d->scanouts[0].enabled, 1);
    assert_int_equal(d->scanouts[1].rect.width, 0);
}

static void test_display_info_many_scanouts(void **state)
{
    (void)state;
    vh_options_t opt;
    vh_options_default(&opt);
    opt.model.num_scanouts = 3;
    opt.model.width[2] = 640;
    opt.model.height[2] = 480;
    opt.model.enabled_mask = 0x5;
    vgpu_harness_t *h = vh_create(&opt);
    assert_non_null(h);
    gpu_req_t r = vh_req_display_info(1);
    assert_int_equal(vh_call(h, &r), GPU_STATUS_OK);
    assert_int_equal(h->info->display.num_scanouts, 3);
    assert_int_equal(h->info->display.scanouts[0].enabled, 1);
    assert_int_equal(h->info->display.scanouts[1].enabled, 0);
    assert_int_equal(h->info->display.scanouts[2].enabled, 1);
    assert_int_equal(h->info->display.scanouts[2].rect.width, 640);
    assert_int_equal(h->info->display.scanouts[2].rect.height, 480);
    vh_destroy(h);
}

static void test_2d_transfer_flush_pixels(void **state)
{
    vgpu_harness_t *h = *state;
    const uint32_t w = 64, hg = 48;
    dt_make_2d(h, 1, w, hg, VH_DATA_IO, 5);
    gpu_req_t s = vh_req_set_scanout(3, 0, 1, vh_rect(0, 0, w, hg));
    assert_int_equal(vh_call(h, &s), GPU_STATUS_OK);
    gpu_req_t t = vh_req_transfer(4, 1, vh_rect(0, 0, w, hg), 0);
    assert_int_equal(vh_call(h, &t), GPU_STATUS_OK);
    gpu_req_t f = vh_req_flush(5, 1, vh_rect(0, 0, w, hg));
    assert_int_equal(vh_call(h, &f), GPU_STATUS_OK);
    dt_assert_screen(h, 0, w, hg, 5);
}

/* A sub-rectangle transfer reads row h from offset + h * (resource width * 4). */
static void test_2d_partial_transfer(void **state)
{
    vgpu_harness_t *h = *state;
    const uint32_t w = 32, hg = 32;
    dt_make_2d(h, 1, w, hg, VH_DATA_IO, 9);
    gpu_req_t s = vh_req_set_scanout(3, 0, 1, vh_rect(0, 0, w, hg));
    assert_int_equal(vh_call(h, &s), GPU_STATUS_OK);
    /* Transfer everything, then a rectangle from a changed backing. */
    gpu_req_t t = vh_req_transfer(4, 1, vh_rect(0, 0, w, hg), 0);
    assert_int_equal(vh_call(h, &t), GPU_STATUS_OK);
    dt_fill(h, VH_DATA_IO, w, hg, w * 4, 77);
    uint64_t off = (uint64_t)(4 * w + 8) * 4; /* (x 8, y 4) */
    t = vh_req_transfer(5, 1, vh_rect(8, 4, 10, 6), off);
    assert_int_equal(vh_call(h, &t), GPU_STATUS_OK);
    gpu_req_t f = vh_req_flush(6, 1, vh_rect(0, 0, w, hg));
    assert_int_equal(vh_call(h, &f), GPU_STATUS_OK);
    uint32_t fw = 0, fh = 0;
    const uint32_t *fb = vgpu_model_framebuffer(h->model, 0, &fw, &fh);
    assert_non_null(fb);
    for (uint32_t y = 0; y < hg; y++) {
        for (uint32_t x = 0; x < w; x++) {
            bool inside = x >= 8 && x < 18 && y >= 4 && y < 10;
            assert_int_equal(fb[y * fw + x], dt_pattern(x, y, inside ? 77 : 9));
        }
    }
}

static void test_blob_scanout_pixels(void **state)
{
    vgpu_harness_t *h = *state;
    const uint32_t w = 40, hg = 30, stride = 256, offset = 512;
    const uint64_t size = 4 * 4096;
    dt_fill(h, VH_DATA_IO + offset, w, hg, stride, 21);
    gpu_req_t c = vh_req_create_blob(1, 7, VH_DATA_IO, size);
    assert_int_equal(vh_call(h, &c), GPU_STATUS_OK);
    gpu_req_t s =
            vh_req_set_scanout_blob(2, 0, 7, vh_rect(0, 0, w, hg), GPU_FORMAT_B8G8R8X8_UNORM, w, hg, stride, offset);
    assert_int_equal(vh_call(h, &s), GPU_STATUS_OK);
    gpu_req_t f = vh_req_flush(3, 7, vh_rect(0, 0, w, hg));
    assert_int_equal(vh_call(h, &f), GPU_STATUS_OK);
    dt_assert_screen(h, 0, w, hg, 21);
    vgpu_model_scanout_state_t st;
    assert_int_equal(vgpu_model_scanout_state(h->model, 0, &st), 0);
    assert_int_equal(st.blob, 1);
    assert_int_equal(st.blob_stride, stride);
    assert_int_equal(st.blob_offset, offset);
}

/* Blobs may swap memory: detach, attach elsewhere, flush shows the new memory. */
static void test_blob_swap_backing(void **state)
{
    vgpu_harness_t *h = *state;
    const uint32_t w = 16, hg = 16;
    const uint64_t size = 4096, other = VH_DATA_IO + 8 * 4096;
    dt_fill(h, VH_DATA_IO, w, hg, w * 4, 1);
    dt_fill(h, other, w, hg, w * 4, 2);
    gpu_req_t c = vh_req_create_blob(1, 3, VH_DATA_IO, size);
    assert_int_equal(vh_call(h, &c), GPU_STATUS_OK);
    gpu_req_t s = vh_req_set_scanout_blob(2, 0, 3, vh_rect(0, 0, w, hg), GPU_FORMAT_B8G8R8X8_UNORM, w, hg, w * 4, 0);
    assert_int_equal(vh_call(h, &s), GPU_STATUS_OK);
    gpu_req_t d = vh_req_detach(3, 3);
    assert_int_equal(vh_call(h, &d), GPU_STATUS_OK);
    gpu_req_t a = vh_req_attach(4, 3, other, size);
    assert_int_equal(vh_call(h, &a), GPU_STATUS_OK);
    gpu_req_t f = vh_req_flush(5, 3, vh_rect(0, 0, w, hg));
    assert_int_equal(vh_call(h, &f), GPU_STATUS_OK);
    uint32_t fw = 0, fh = 0;
    const uint32_t *fb = vgpu_model_framebuffer(h->model, 0, &fw, &fh);
    assert_non_null(fb);
    assert_int_equal(fb[5 * fw + 3], dt_pattern(3, 5, 2));
}

static void test_unref_and_detach(void **state)
{
    vgpu_harness_t *h = *state;
    dt_make_2d(h, 4, 8, 8, VH_DATA_IO, 0);
    assert_true(vgpu_model_resource_exists(h->model, 4));
    gpu_req_t d = vh_req_detach(1, 4);
    assert_int_equal(vh_call(h, &d), GPU_STATUS_OK);
    gpu_req_t t = vh_req_transfer(2, 4, vh_rect(0, 0, 8, 8), 0);
    assert_int_not_equal(vh_call(h, &t), GPU_STATUS_OK); /* no backing any more */
    gpu_req_t u = vh_req_unref(3, 4);
    assert_int_equal(vh_call(h, &u), GPU_STATUS_OK);
    assert_false(vgpu_model_resource_exists(h->model, 4));
    assert_int_equal(vh_call(h, &u), GPU_STATUS_INVALID_RESOURCE_ID);
}

static void test_disable_scanout(void **state)
{
    vgpu_harness_t *h = *state;
    dt_make_2d(h, 1, 16, 16, VH_DATA_IO, 3); /* 16 x 16: the smallest scanout QEMU (and the model) accept */
    gpu_req_t s = vh_req_set_scanout(3, 0, 1, vh_rect(0, 0, 16, 16));
    assert_int_equal(vh_call(h, &s), GPU_STATUS_OK);
    vgpu_model_scanout_state_t st;
    assert_int_equal(vgpu_model_scanout_state(h->model, 0, &st), 0);
    assert_int_equal(st.resource_id, 1);
    s = vh_req_set_scanout(4, 0, GPU_RESOURCE_ID_NONE, vh_rect(0, 0, 0, 0));
    assert_int_equal(vh_call(h, &s), GPU_STATUS_OK);
    assert_int_equal(vgpu_model_scanout_state(h->model, 0, &st), 0);
    assert_int_equal(st.resource_id, 0);
}

/* Every response carries its request's code and id. */
static void test_response_echoes_code_and_id(void **state)
{
    vgpu_harness_t *h = *state;
    gpu_req_t r = vh_req_display_info(0xdeadbeef);
    assert_true(vh_push(h, &r));
    vh_kick(h);
    gpu_resp_t resp;
    assert_true(vh_pop(h, &resp));
    assert_int_equal(resp.code, GPU_REQ_GET_DISPLAY_INFO);
    assert_int_equal(resp.id, 0xdeadbeef);
    assert_int_equal(resp.status, GPU_STATUS_OK);
    assert_false(vh_pop(h, &resp));
}

/* A batch of requests costs one device notification. */
static void test_one_notify_per_batch(void **state)
{
    vgpu_harness_t *h = *state;
    uint32_t before = h->queue_notifies;
    for (uint32_t i = 0; i < 10; i++) {
        gpu_req_t r = vh_req_display_info(i);
        assert_true(vh_push(h, &r));
    }
    vh_kick(h);
    assert_int_equal(h->queue_notifies - before, 1);
    assert_int_equal(vh_pending(h), 10);
}

/* ATTACH_BACKING of more than 4 GiB is split into several mem entries (command inspected in DMA). */
static void test_attach_splits_large_range(void **state)
{
    vgpu_harness_t *h = *state;
    gpu_req_t c = vh_req_create_2d(1, 1, GPU_FORMAT_B8G8R8X8_UNORM, 16, 16);
    assert_int_equal(vh_call(h, &c), GPU_STATUS_OK);
    vgpu_model_fault_hold(h->model, 1);
    const uint64_t size = 5ull << 30;
    gpu_req_t a = vh_req_attach(2, 1, VH_DATA_IO, size);
    assert_true(vh_push(h, &a));
    vh_kick(h);
    /* The only command in flight: find its slot and decode it. */
    const gpu_driver_t *drv = h->drv;
    int found = 0;
    for (uint32_t i = 0; i < drv->num_slots; i++) {
        if (!drv->slots[i].in_use) {
            continue;
        }
        found++;
        const uint8_t *cmd = drv->slot_mem + (size_t)i * GPU_DRIVER_SLOT_BYTES;
        virtio_gpu_resource_attach_backing_t ab;
        memcpy(&ab, cmd, sizeof(ab));
        assert_int_equal(ab.hdr.type, VIRTIO_GPU_CMD_RESOURCE_ATTACH_BACKING);
        assert_int_equal(ab.nr_entries, 2);
        virtio_gpu_mem_entry_t e[2];
        memcpy(e, cmd + sizeof(ab), sizeof(e));
        assert_int_equal(e[0].addr, VH_DATA_IO);
        assert_int_equal(e[0].length, GPU_DRIVER_MEM_ENTRY_MAX);
        assert_int_equal(e[1].addr, VH_DATA_IO + GPU_DRIVER_MEM_ENTRY_MAX);
        assert_int_equal((uint64_t)e[0].length + e[1].length, size);
        assert_int_equal(drv->slots[i].cmd_len, sizeof(ab) + 2 * sizeof(virtio_gpu_mem_entry_t));
    }
    assert_int_equal(found, 1);
    vgpu_model_fault_hold(h->model, 0);
    vgpu_model_fault_release(h->model);
    vh_run(h);
    gpu_resp_t resp;
    assert_true(vh_pop(h, &resp));
    assert_int_equal(resp.id, 2);
    /* The model cannot map 5 GiB of our 16 MiB data region: it refuses, and the driver passes that on. */
    assert_int_not_equal(resp.status, GPU_STATUS_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test_setup_teardown(test_display_info, dt_setup, dt_teardown),
            cmocka_unit_test(test_display_info_many_scanouts),
            cmocka_unit_test_setup_teardown(test_2d_transfer_flush_pixels, dt_setup, dt_teardown),
            cmocka_unit_test_setup_teardown(test_2d_partial_transfer, dt_setup, dt_teardown),
            cmocka_unit_test_setup_teardown(test_blob_scanout_pixels, dt_setup, dt_teardown),
            cmocka_unit_test_setup_teardown(test_blob_swap_backing, dt_setup, dt_teardown),
            cmocka_unit_test_setup_teardown(test_unref_and_detach, dt_setup, dt_teardown),
            cmocka_unit_test_setup_teardown(test_disable_scanout, dt_setup, dt_teardown),
            cmocka_unit_test_setup_teardown(test_response_echoes_code_and_id, dt_setup, dt_teardown),
            cmocka_unit_test_setup_teardown(test_one_notify_per_batch, dt_setup, dt_teardown),
            cmocka_unit_test_setup_teardown(test_attach_splits_large_range, dt_setup, dt_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
