/*
 * Status mapping: every virtio-gpu error type the device can answer, answers
 * that do not match the command, real device-side refusals, and the checks
 * the driver makes itself without reaching the device.
 */
#include "driver_test.h"

static uint64_t device_commands(vgpu_harness_t *h)
{
    vgpu_model_stats_t st;
    vgpu_model_stats(h->model, &st);
    return st.commands;
}

typedef struct mapping_case {
    uint32_t req_code;
    uint32_t virtio_type; /* injected response type */
    uint32_t status;      /* expected protocol status */
} mapping_case_t;

static const mapping_case_t mapping_cases[] = {
        {GPU_REQ_RESOURCE_CREATE_2D, VIRTIO_GPU_RESP_ERR_UNSPEC, GPU_STATUS_UNSPEC},
        {GPU_REQ_RESOURCE_CREATE_2D, VIRTIO_GPU_RESP_ERR_OUT_OF_MEMORY, GPU_STATUS_OUT_OF_MEMORY},
        {GPU_REQ_RESOURCE_CREATE_2D, VIRTIO_GPU_RESP_ERR_INVALID_SCANOUT_ID, GPU_STATUS_INVALID_SCANOUT_ID},
        {GPU_REQ_RESOURCE_CREATE_2D, VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID, GPU_STATUS_INVALID_RESOURCE_ID},
        {GPU_REQ_RESOURCE_CREATE_2D, VIRTIO_GPU_RESP_ERR_INVALID_CONTEXT_ID, GPU_STATUS_DEVICE_ERROR},
        {GPU_REQ_RESOURCE_CREATE_2D, VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER, GPU_STATUS_INVALID_PARAMETER},
        {GPU_REQ_RESOURCE_CREATE_2D, 0x12ffu, GPU_STATUS_DEVICE_ERROR}, /* unknown error type */
        {GPU_REQ_RESOURCE_CREATE_2D, 0x1000u, GPU_STATUS_DEVICE_ERROR}, /* not a response type */
        {GPU_REQ_RESOURCE_CREATE_2D, VIRTIO_GPU_RESP_OK_DISPLAY_INFO, GPU_STATUS_DEVICE_ERROR}, /* wrong OK */
        {GPU_REQ_RESOURCE_CREATE_2D, VIRTIO_GPU_RESP_OK_EDID, GPU_STATUS_DEVICE_ERROR},
        {GPU_REQ_GET_DISPLAY_INFO, VIRTIO_GPU_RESP_OK_NODATA, GPU_STATUS_DEVICE_ERROR},       /* wrong OK */
        {GPU_REQ_GET_DISPLAY_INFO, VIRTIO_GPU_RESP_OK_DISPLAY_INFO, GPU_STATUS_DEVICE_ERROR}, /* header only: short */
        {GPU_REQ_GET_DISPLAY_INFO, VIRTIO_GPU_RESP_ERR_UNSPEC, GPU_STATUS_UNSPEC},
        {GPU_REQ_SET_SCANOUT, VIRTIO_GPU_RESP_ERR_INVALID_SCANOUT_ID, GPU_STATUS_INVALID_SCANOUT_ID},
        {GPU_REQ_TRANSFER_TO_2D, VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER, GPU_STATUS_INVALID_PARAMETER},
        {GPU_REQ_RESOURCE_FLUSH, VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID, GPU_STATUS_INVALID_RESOURCE_ID},
        {GPU_REQ_RESOURCE_CREATE_BLOB, VIRTIO_GPU_RESP_ERR_OUT_OF_MEMORY, GPU_STATUS_OUT_OF_MEMORY},
        {GPU_REQ_SET_SCANOUT_BLOB, VIRTIO_GPU_RESP_ERR_UNSPEC, GPU_STATUS_UNSPEC},
};

static gpu_req_t request_for(uint32_t code, uint32_t id)
{
    switch (code) {
    case GPU_REQ_GET_DISPLAY_INFO:
        return vh_req_display_info(id);
    case GPU_REQ_SET_SCANOUT:
        return vh_req_set_scanout(id, 0, 50, vh_rect(0, 0, 16, 16));
    case GPU_REQ_TRANSFER_TO_2D:
        return vh_req_transfer(id, 50, vh_rect(0, 0, 8, 8), 0);
    case GPU_REQ_RESOURCE_FLUSH:
        return vh_req_flush(id, 50, vh_rect(0, 0, 8, 8));
    case GPU_REQ_RESOURCE_CREATE_BLOB:
        return vh_req_create_blob(id, 51, VH_DATA_IO, 4096);
    case GPU_REQ_SET_SCANOUT_BLOB:
        return vh_req_set_scanout_blob(id, 0, 51, vh_rect(0, 0, 16, 16), GPU_FORMAT_B8G8R8X8_UNORM, 16, 16, 64, 0);
    default:
        return vh_req_create_2d(id, 9, GPU_FORMAT_B8G8R8X8_UNORM, 8, 8);
    }
}

static void test_device_error_mapping(void **state)
{
    vgpu_harness_t *h = *state;
    vh_log_reset();
    for (size_t i = 0; i < sizeof(mapping_cases) / sizeof(mapping_cases[0]); i++) {
        const mapping_case_t *c = &mapping_cases[i];
        vgpu_model_fault_error_nth(h->model, 1, c->virtio_type);
        gpu_req_t r = request_for(c->req_code, (uint32_t)i);
        uint32_t status = vh_call(h, &r);
        if (status != c->status) {
            fail_msg("case %zu: request %u answered 0x%x: status %u, expected %u", i, (unsigned)c->req_code,
                     (unsigned)c->virtio_type, (unsigned)status, (unsigned)c->status);
        }
        /* The next request is served normally: one bad answer does not stick. */
        gpu_req_t ok = vh_req_display_info(1000 + (uint32_t)i);
        assert_int_equal(vh_call(h, &ok), GPU_STATUS_OK);
    }
    assert_false(vgpu_model_resource_exists(h->model, 9)); /* an error response means no effect */
    /* Every answer that maps to DEVICE_ERROR is a misbehaving device: counted and logged. */
    uint64_t bad = 0;
    for (size_t i = 0; i < sizeof(mapping_cases) / sizeof(mapping_cases[0]); i++) {
        bad += mapping_cases[i].status == GPU_STATUS_DEVICE_ERROR;
    }
    assert_int_equal(h->drv->stats.bad_responses, bad);
    assert_int_equal(vh_log_count("unexpected response type") + vh_log_count("needs"), bad);
}

/* Refusals the device itself decides, passed on unchanged. */
static void test_real_device_errors(void **state)
{
    vgpu_harness_t *h = *state;
    gpu_req_t r = vh_req_create_2d(1, 0, GPU_FORMAT_B8G8R8X8_UNORM, 8, 8);
    assert_int_equal(vh_call(h, &r), GPU_STATUS_INVALID_RESOURCE_ID);
    r = vh_req_create_2d(2, 1, 999, 8, 8);
    assert_int_equal(vh_call(h, &r), GPU_STATUS_INVALID_PARAMETER);
    r = vh_req_set_scanout(3, 7, 0, vh_rect(0, 0, 0, 0));
    assert_int_equal(vh_call(h, &r), GPU_STATUS_INVALID_SCANOUT_ID);
    r = vh_req_transfer(4, 42, vh_rect(0, 0, 1, 1), 0);
    assert_int_equal(vh_call(h, &r), GPU_STATUS_INVALID_RESOURCE_ID);
}

static void test_device_out_of_memory(void **state)
{
    (void)state;
    vh_options_t opt;
    vh_options_default(&opt);
    opt.model.max_resources = 2;
    vgpu_harness_t *h = vh_create(&opt);
    assert_non_null(h);
    for (uint32_t i = 1; i <= 2; i++) {
        gpu_req_t r = vh_req_create_2d(i, i, GPU_FORMAT_B8G8R8X8_UNORM, 8, 8);
        assert_int_equal(vh_call(h, &r), GPU_STATUS_OK);
    }
    gpu_req_t r = vh_req_create_2d(3, 3, GPU_FORMAT_B8G8R8X8_UNORM, 8, 8);
    assert_int_equal(vh_call(h, &r), GPU_STATUS_OUT_OF_MEMORY);
    vh_destroy(h);
}

/* A persistent per-command fault: every TRANSFER fails, other commands work. */
static void test_error_per_command_type(void **state)
{
    vgpu_harness_t *h = *state;
    dt_make_2d(h, 1, 8, 8, VH_DATA_IO, 0);
    vgpu_model_fault_error_cmd(h->model, VIRTIO_GPU_CMD_TRANSFER_TO_HOST_2D, VIRTIO_GPU_RESP_ERR_UNSPEC);
    for (uint32_t i = 0; i < 3; i++) {
        gpu_req_t t = vh_req_transfer(10 + i, 1, vh_rect(0, 0, 8, 8), 0);
        assert_int_equal(vh_call(h, &t), GPU_STATUS_UNSPEC);
        gpu_req_t f = vh_req_flush(20 + i, 1, vh_rect(0, 0, 8, 8));
        assert_int_equal(vh_call(h, &f), GPU_STATUS_OK);
    }
    vgpu_model_fault_error_cmd(h->model, VIRTIO_GPU_CMD_TRANSFER_TO_HOST_2D, 0);
    gpu_req_t t = vh_req_transfer(30, 1, vh_rect(0, 0, 8, 8), 0);
    assert_int_equal(vh_call(h, &t), GPU_STATUS_OK);
}

typedef struct local_case {
    gpu_req_t req;
    uint32_t status;
} local_case_t;

/* Requests the driver answers itself: they never reach the device. */
static void test_driver_side_checks(void **state)
{
    vgpu_harness_t *h = *state;
    gpu_req_t unknown0 = vh_req_display_info(1);
    unknown0.code = 0;
    gpu_req_t unknown99 = vh_req_display_info(2);
    unknown99.code = 99;
    const uint64_t too_big = (uint64_t)(GPU_DRIVER_MAX_MEM_ENTRIES + 1) * GPU_DRIVER_MEM_ENTRY_MAX;
    const local_case_t cases[] = {
            {unknown0, GPU_STATUS_UNSUPPORTED},
            {unknown99, GPU_STATUS_UNSUPPORTED},
            {vh_req_create_blob(3, 1, VH_DATA_IO + 100, 4096), GPU_STATUS_INVALID_PARAMETER},  /* address not aligned */
            {vh_req_create_blob(4, 1, VH_DATA_IO, 4097), GPU_STATUS_INVALID_PARAMETER},        /* size not aligned */
            {vh_req_create_blob(5, 1, VH_DATA_IO, 0), GPU_STATUS_INVALID_PARAMETER},           /* empty */
            {vh_req_create_blob(6, 1, UINT64_MAX - 4095, 8192), GPU_STATUS_INVALID_PARAMETER}, /* wraps */
            {vh_req_attach(7, 1, VH_DATA_IO, 0), GPU_STATUS_INVALID_PARAMETER},
            {vh_req_attach(8, 1, UINT64_MAX - 10, 20), GPU_STATUS_INVALID_PARAMETER},
            {vh_req_attach(9, 1, 0, too_big), GPU_STATUS_INVALID_PARAMETER},
            {vh_req_attach(10, 1, 0, UINT64_MAX), GPU_STATUS_INVALID_PARAMETER},
    };
    uint64_t before = device_commands(h);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        uint32_t status = vh_call(h, &cases[i].req);
        if (status != cases[i].status) {
            fail_msg("case %zu: status %u, expected %u", i, (unsigned)status, (unsigned)cases[i].status);
        }
    }
    assert_int_equal(device_commands(h), before);
}

int main(void)
{
    setenv("VH_QUIET", "1", 1);
    const struct CMUnitTest tests[] = {
            cmocka_unit_test_setup_teardown(test_device_error_mapping, dt_setup, dt_teardown),
            cmocka_unit_test_setup_teardown(test_real_device_errors, dt_setup, dt_teardown),
            cmocka_unit_test(test_device_out_of_memory),
            cmocka_unit_test_setup_teardown(test_error_per_command_type, dt_setup, dt_teardown),
            cmocka_unit_test_setup_teardown(test_driver_side_checks, dt_setup, dt_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
