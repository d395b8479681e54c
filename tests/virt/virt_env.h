/*
 * Test environment for the GPU virtualiser core: static shared regions for up
 * to ENV_MAX_CLIENTS clients and one driver, a client side that enqueues and
 * dequeues, and a scriptable fake driver that the test drives by hand
 * (env_driver_take / env_driver_answer) or lets answer OK (env_driver_serve).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <sddf/gpu/protocol.h>
#include <sddf/gpu/queue.h>

#include "gpu_virt.h"

#define ENV_MAX_CLIENTS 4u
#define ENV_MAX_CAP     64u
#define ENV_DATA_SIZE   (1u << 20)

/* What a test can change before env_setup(). */
/* Each client's default device-memory budget: 64 MiB. */
#define ENV_MAX_MEMORY (64ull << 20)

typedef struct env_opts {
    uint32_t num_clients;
    uint32_t req_cap[ENV_MAX_CLIENTS];
    uint32_t resp_cap[ENV_MAX_CLIENTS];
    uint32_t drv_req_cap;
    uint32_t drv_resp_cap;
    uint64_t data_size[ENV_MAX_CLIENTS];
    uint64_t io_base[ENV_MAX_CLIENTS];
    uint32_t max_resources[ENV_MAX_CLIENTS];
    uint64_t max_memory[ENV_MAX_CLIENTS]; /* default ENV_MAX_MEMORY */
    uint64_t device_memory;               /* default: the budgets together */
    uint32_t num_scanouts[ENV_MAX_CLIENTS];
    uint8_t scanouts[ENV_MAX_CLIENTS][GPU_MAX_SCANOUTS];
    gpu_display_info_t device; /* what the fake driver reports */
} env_opts_t;

typedef struct env_client {
    _Alignas(64) uint8_t req_region[GPU_QUEUE_REGION_SIZE(ENV_MAX_CAP, sizeof(gpu_req_t))];
    _Alignas(64) uint8_t resp_region[GPU_QUEUE_REGION_SIZE(ENV_MAX_CAP, sizeof(gpu_resp_t))];
    _Alignas(64) gpu_info_region_t info;
    gpu_queue_t req;  /* client: producer */
    gpu_queue_t resp; /* client: consumer */
    uint32_t next_id;
} env_client_t;

typedef struct env {
    gpu_virt_t virt;
    gpu_virt_config_t cfg;
    env_opts_t opts;
    env_client_t clients[ENV_MAX_CLIENTS];
    _Alignas(64) uint8_t drv_req_region[GPU_QUEUE_REGION_SIZE(ENV_MAX_CAP, sizeof(gpu_req_t))];
    _Alignas(64) uint8_t drv_resp_region[GPU_QUEUE_REGION_SIZE(ENV_MAX_CAP, sizeof(gpu_resp_t))];
    _Alignas(64) gpu_info_region_t drv_info;
    gpu_queue_t drv_req;      /* driver: consumer */
    gpu_queue_t drv_resp;     /* driver: producer */
    gpu_virt_notify_t notify; /* accumulated since the last env_notify_clear() */
    uint32_t log_lines;
    char last_log[256];
} env_t;

extern env_t *E;

/* Defaults: n clients, 16-entry queues, 1 MiB each at io 0x10000000 * (i + 1), 32 resources, client i owns scanout i.
 */
void env_default_opts(env_opts_t *o, uint32_t num_clients);
/* Build the config and reset every region, without starting the core. */
void env_build(const env_opts_t *o);
/* env_build(), then init the core (which sends GET_DISPLAY_INFO); returns gpu_virt_init()'s result. */
int env_setup(const env_opts_t *o);
/* env_setup() then answer the first display query and run GET_DISPLAY_INFO for every client. */
void env_setup_ready(const env_opts_t *o);
void env_notify_clear(void);

/* Client side. */
uint32_t env_client_push(uint32_t c, gpu_req_t *req); /* enqueue only, assigns and returns the id */
void env_client_kick(uint32_t c);                     /* notify the virtualiser */
uint32_t env_client_send(uint32_t c, gpu_req_t *req); /* push + kick */
bool env_client_recv(uint32_t c, gpu_resp_t *resp);
uint32_t env_client_pending(uint32_t c); /* responses waiting in its queue */
/* Send, let the driver answer everything OK, and return the response's status. Fails the test on no answer. */
uint32_t env_call(uint32_t c, gpu_req_t *req);
/* Send and return the status of an immediate answer; fails if the request reached the driver. */
uint32_t env_call_local(uint32_t c, gpu_req_t *req);

/* Driver side. */
bool env_driver_take(gpu_req_t *req);
uint32_t env_driver_pending(void);
void env_driver_answer(uint32_t id, uint32_t code, uint32_t status); /* enqueue only */
void env_driver_kick(void);                                          /* notify the virtualiser */
/* Answer one request like a healthy device (writes display info for GET_DISPLAY_INFO). */
void env_driver_answer_ok(const gpu_req_t *req);
/* Answer everything pending OK, repeatedly, until the driver queue stays empty. Returns how many. */
uint32_t env_driver_serve(void);
void env_display_event(void); /* raise the driver's display event and notify */

/* Request builders. */
gpu_req_t req_display_info(void);
gpu_req_t req_create_2d(uint32_t id, uint32_t format, uint32_t w, uint32_t h);
gpu_req_t req_create_blob(uint32_t id, uint64_t off, uint64_t size);
gpu_req_t req_unref(uint32_t id);
gpu_req_t req_attach(uint32_t id, uint64_t off, uint64_t size);
gpu_req_t req_detach(uint32_t id);
gpu_req_t req_set_scanout(uint32_t scanout, uint32_t id, uint32_t x, uint32_t y, uint32_t w, uint32_t h);
gpu_req_t req_set_scanout_blob(uint32_t scanout, uint32_t id, uint32_t w, uint32_t h, uint32_t stride, uint32_t off);
gpu_req_t req_transfer(uint32_t id, uint32_t x, uint32_t y, uint32_t w, uint32_t h, uint64_t off);
gpu_req_t req_flush(uint32_t id, uint32_t x, uint32_t y, uint32_t w, uint32_t h);
gpu_req_t req_code(uint32_t code);
gpu_req_t req_update_cursor(uint32_t scanout, uint32_t id, uint32_t x, uint32_t y, uint32_t hot_x, uint32_t hot_y);
gpu_req_t req_move_cursor(uint32_t scanout, uint32_t x, uint32_t y);
