/* Test environment for the GPU virtualiser core; see virt_env.h. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <sddf/gpu/event.h>
#define SDDF_LOG_COMPONENT "VIRT_TEST"
#include <sddf/log.h>

#include "virt_env.h"
#include "vh_req.h"

static env_t env_storage;
env_t *E = &env_storage;

void sddf_log(const char *fmt, ...)
{
    E->log_lines++;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(E->last_log, sizeof(E->last_log), fmt, ap);
    va_end(ap);
    if (getenv("VIRT_TEST_LOG") != NULL) {
        fputs(E->last_log, stderr);
    }
}

void env_default_opts(env_opts_t *o, uint32_t num_clients)
{
    memset(o, 0, sizeof(*o));
    o->num_clients = num_clients;
    o->drv_req_cap = 16;
    o->drv_resp_cap = 16;
    for (uint32_t i = 0; i < ENV_MAX_CLIENTS; i++) {
        o->req_cap[i] = 16;
        o->resp_cap[i] = 16;
        o->data_size[i] = ENV_DATA_SIZE;
        o->io_base[i] = 0x10000000ull * (i + 1);
        o->max_resources[i] = 32;
        o->max_memory[i] = ENV_MAX_MEMORY;
        o->num_scanouts[i] = 1;
        o->scanouts[i][0] = (uint8_t)i;
    }
    o->device_memory = ENV_MAX_MEMORY * ENV_MAX_CLIENTS;
    o->device.num_scanouts = ENV_MAX_CLIENTS;
    o->device.features = GPU_FEATURE_BLOB | GPU_FEATURE_EDID;
    for (uint32_t s = 0; s < ENV_MAX_CLIENTS; s++) {
        o->device.scanouts[s].rect.width = 640 + 64 * s;
        o->device.scanouts[s].rect.height = 480;
        o->device.scanouts[s].enabled = 1;
    }
}

static void conn_config(gpu_virt_conn_config_t *c, void *req, void *resp, void *info, uint32_t rc, uint32_t pc)
{
    c->req_queue = (uint64_t)(uintptr_t)req;
    c->resp_queue = (uint64_t)(uintptr_t)resp;
    c->info = (uint64_t)(uintptr_t)info;
    c->req_capacity = rc;
    c->resp_capacity = pc;
    c->channel = GPU_VIRT_NO_CHANNEL;
}

static void env_build_config(const env_opts_t *o)
{
    gpu_virt_config_t *cfg = &E->cfg;
    cfg->magic = GPU_VIRT_CONFIG_MAGIC;
    cfg->version = GPU_VIRT_CONFIG_VERSION;
    cfg->num_clients = o->num_clients;
    cfg->device_memory = o->device_memory;
    conn_config(&cfg->driver, E->drv_req_region, E->drv_resp_region, &E->drv_info, o->drv_req_cap, o->drv_resp_cap);
    for (uint32_t i = 0; i < ENV_MAX_CLIENTS; i++) {
        env_client_t *ec = &E->clients[i];
        gpu_virt_client_config_t *c = &cfg->clients[i];
        conn_config(&c->conn, ec->req_region, ec->resp_region, &ec->info, o->req_cap[i], o->resp_cap[i]);
        c->data_size = o->data_size[i];
        c->data_io_base = o->io_base[i];
        c->max_resources = o->max_resources[i];
        c->max_memory = o->max_memory[i];
        c->release_channel = GPU_VIRT_NO_CHANNEL;
        c->num_scanouts = o->num_scanouts[i];
        memcpy(c->scanouts, o->scanouts[i], sizeof(c->scanouts));
    }
}

int env_setup(const env_opts_t *o)
{
    env_build(o);
    return gpu_virt_init(&E->virt, &E->cfg, &E->notify);
}

void env_build(const env_opts_t *o)
{
    memset(E, 0, sizeof(*E));
    E->opts = *o;
    env_build_config(o);
    /* Start the indices near the wrap-around so every run crosses it. */
    gpu_queue_region_reset(E->drv_req_region, UINT32_MAX - 5);
    gpu_queue_region_reset(E->drv_resp_region, UINT32_MAX - 3);
    gpu_queue_init(&E->drv_req, E->drv_req_region, o->drv_req_cap, false);
    gpu_queue_init(&E->drv_resp, E->drv_resp_region, o->drv_resp_cap, true);
    for (uint32_t i = 0; i < ENV_MAX_CLIENTS; i++) {
        env_client_t *ec = &E->clients[i];
        gpu_queue_region_reset(ec->req_region, UINT32_MAX - 2 * i);
        gpu_queue_region_reset(ec->resp_region, UINT32_MAX - 7);
        gpu_queue_init(&ec->req, ec->req_region, o->req_cap[i], true);
        gpu_queue_init(&ec->resp, ec->resp_region, o->resp_cap[i], false);
        ec->next_id = 1000 * (i + 1);
    }
}

void env_setup_ready(const env_opts_t *o)
{
    assert_int_equal(env_setup(o), GPU_VIRT_OK);
    env_driver_serve();
    for (uint32_t i = 0; i < o->num_clients; i++) {
        gpu_req_t r = req_display_info();
        assert_int_equal(env_call_local(i, &r), GPU_STATUS_OK);
    }
    env_notify_clear();
}

void env_notify_clear(void)
{
    memset(&E->notify, 0, sizeof(E->notify));
}

uint32_t env_client_push(uint32_t c, gpu_req_t *req)
{
    env_client_t *ec = &E->clients[c];
    req->id = ec->next_id++;
    assert_true(gpu_req_enqueue(&ec->req, req));
    return req->id;
}

void env_client_kick(uint32_t c)
{
    gpu_virt_handle_client(&E->virt, c, &E->notify);
}

uint32_t env_client_send(uint32_t c, gpu_req_t *req)
{
    uint32_t id = env_client_push(c, req);
    env_client_kick(c);
    return id;
}

bool env_client_recv(uint32_t c, gpu_resp_t *resp)
{
    env_client_t *ec = &E->clients[c];
    bool got = gpu_resp_dequeue(&ec->resp, resp);
    if (got && gpu_queue_consumer_must_signal(&ec->resp)) {
        gpu_virt_handle_client(&E->virt, c, &E->notify);
    }
    return got;
}

uint32_t env_client_pending(uint32_t c)
{
    return gpu_queue_length(&E->clients[c].resp);
}

uint32_t env_call(uint32_t c, gpu_req_t *req)
{
    uint32_t id = env_client_send(c, req);
    env_driver_serve();
    gpu_resp_t resp;
    assert_true(env_client_recv(c, &resp));
    assert_int_equal(resp.id, id);
    assert_int_equal(resp.code, req->code);
    return resp.status;
}

uint32_t env_call_local(uint32_t c, gpu_req_t *req)
{
    uint32_t before = env_driver_pending();
    uint32_t id = env_client_send(c, req);
    assert_int_equal(env_driver_pending(), before);
    gpu_resp_t resp;
    assert_true(env_client_recv(c, &resp));
    assert_int_equal(resp.id, id);
    assert_int_equal(resp.code, req->code);
    return resp.status;
}

bool env_driver_take(gpu_req_t *req)
{
    bool got = gpu_req_dequeue(&E->drv_req, req);
    if (got && gpu_queue_consumer_must_signal(&E->drv_req)) {
        gpu_virt_handle_driver(&E->virt, &E->notify);
    }
    return got;
}

uint32_t env_driver_pending(void)
{
    return gpu_queue_length(&E->drv_req);
}

void env_driver_answer(uint32_t id, uint32_t code, uint32_t status)
{
    gpu_resp_t resp = {.code = code, .id = id, .status = status, ._pad = 0};
    assert_true(gpu_resp_enqueue(&E->drv_resp, &resp));
}

void env_driver_kick(void)
{
    gpu_virt_handle_driver(&E->virt, &E->notify);
}

void env_driver_answer_ok(const gpu_req_t *req)
{
    if (req->code == GPU_REQ_GET_DISPLAY_INFO) {
        E->drv_info.display = E->opts.device;
    }
    env_driver_answer(req->id, req->code, GPU_STATUS_OK);
}

uint32_t env_driver_serve(void)
{
    uint32_t served = 0;
    gpu_req_t req;
    while (env_driver_pending() != 0) {
        while (env_driver_take(&req)) {
            env_driver_answer_ok(&req);
            served++;
        }
        env_driver_kick();
    }
    return served;
}

void env_display_event(void)
{
    gpu_event_raise(&E->drv_info.event);
    env_driver_kick();
}

/* The builders of tests/support/vh_req.c, with id 0 (env_send() and its kin number requests). */
gpu_req_t req_code(uint32_t code)
{
    return vh_req_code(code, 0);
}

gpu_req_t req_display_info(void)
{
    return vh_req_display_info(0);
}

gpu_req_t req_create_2d(uint32_t id, uint32_t format, uint32_t w, uint32_t h)
{
    return vh_req_create_2d(0, id, format, w, h);
}

gpu_req_t req_create_blob(uint32_t id, uint64_t off, uint64_t size)
{
    return vh_req_create_blob(0, id, off, size);
}

gpu_req_t req_unref(uint32_t id)
{
    return vh_req_unref(0, id);
}

gpu_req_t req_attach(uint32_t id, uint64_t off, uint64_t size)
{
    return vh_req_attach(0, id, off, size);
}

gpu_req_t req_detach(uint32_t id)
{
    return vh_req_detach(0, id);
}

gpu_req_t req_set_scanout(uint32_t scanout, uint32_t id, uint32_t x, uint32_t y, uint32_t w, uint32_t h)
{
    return vh_req_set_scanout(0, scanout, id, vh_rect(x, y, w, h));
}

/* The whole w x h framebuffer, B8G8R8X8. */
gpu_req_t req_set_scanout_blob(uint32_t scanout, uint32_t id, uint32_t w, uint32_t h, uint32_t stride, uint32_t off)
{
    return vh_req_set_scanout_blob(0, scanout, id, vh_rect(0, 0, w, h), GPU_FORMAT_B8G8R8X8_UNORM, w, h, stride, off);
}

gpu_req_t req_transfer(uint32_t id, uint32_t x, uint32_t y, uint32_t w, uint32_t h, uint64_t off)
{
    return vh_req_transfer(0, id, vh_rect(x, y, w, h), off);
}

gpu_req_t req_flush(uint32_t id, uint32_t x, uint32_t y, uint32_t w, uint32_t h)
{
    return vh_req_flush(0, id, vh_rect(x, y, w, h));
}

gpu_req_t req_update_cursor(uint32_t scanout, uint32_t id, uint32_t x, uint32_t y, uint32_t hot_x, uint32_t hot_y)
{
    return vh_req_update_cursor(0, scanout, id, x, y, hot_x, hot_y);
}

gpu_req_t req_move_cursor(uint32_t scanout, uint32_t x, uint32_t y)
{
    return vh_req_move_cursor(0, scanout, x, y);
}
