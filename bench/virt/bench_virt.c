/*
 * Benchmark driver for the GPU virtualiser core (run under callgrind by
 * bench/virt/module.mk). Four clients with 256 resources each; each of them
 * keeps a steady stream of TRANSFER_TO_2D + RESOURCE_FLUSH going through the
 * core to a driver that answers everything OK.
 *
 *   bench_virt --footprint   print the size of the core's static state
 *   bench_virt N             run N rounds; prints the requests forwarded
 *
 * Instructions are counted only inside gpu_virt_handle_client() and
 * gpu_virt_handle_driver() (callgrind --toggle-collect); the difference of two
 * runs with different N removes the set-up cost.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sddf/gpu/queue.h>

#include "gpu_virt.h"

#define SDDF_LOG_COMPONENT "BENCH_VIRT"
#include <sddf/log.h>

#define NC  4u
#define CAP 16u

void sddf_log(const char *fmt, ...)
{
    (void)fmt;
}

typedef struct bclient {
    _Alignas(64) uint8_t req_region[GPU_QUEUE_REGION_SIZE(CAP, sizeof(gpu_req_t))];
    _Alignas(64) uint8_t resp_region[GPU_QUEUE_REGION_SIZE(CAP, sizeof(gpu_resp_t))];
    _Alignas(64) gpu_info_region_t info;
    gpu_queue_t req;
    gpu_queue_t resp;
} bclient_t;

static gpu_virt_t virt;
static gpu_virt_config_t cfg;
static bclient_t clients[NC];
static _Alignas(64) uint8_t drv_req_region[GPU_QUEUE_REGION_SIZE(4 * CAP, sizeof(gpu_req_t))];
static _Alignas(64) uint8_t drv_resp_region[GPU_QUEUE_REGION_SIZE(4 * CAP, sizeof(gpu_resp_t))];
static _Alignas(64) gpu_info_region_t drv_info;
static gpu_queue_t drv_req;
static gpu_queue_t drv_resp;
static gpu_virt_notify_t notify;
static uint64_t forwarded;

static void conn(gpu_virt_conn_config_t *c, void *req, void *resp, void *info, uint32_t cap)
{
    *c = (gpu_virt_conn_config_t){
            (uint64_t)(uintptr_t)req, (uint64_t)(uintptr_t)resp, (uint64_t)(uintptr_t)info, cap, cap, 0, 0};
}

/* The driver: answer everything OK. */
static void driver_serve(void)
{
    gpu_req_t d;
    while (gpu_req_dequeue(&drv_req, &d)) {
        if (d.code == GPU_REQ_GET_DISPLAY_INFO) {
            drv_info.display.num_scanouts = NC;
            drv_info.display.features = GPU_FEATURE_BLOB;
        } else {
            forwarded++;
        }
        gpu_resp_t r = {.code = d.code, .id = d.id, .status = GPU_STATUS_OK, ._pad = 0};
        gpu_resp_enqueue(&drv_resp, &r);
    }
    gpu_virt_handle_driver(&virt, &notify);
}

static void client_drain(uint32_t c)
{
    gpu_resp_t r;
    while (gpu_resp_dequeue(&clients[c].resp, &r)) {
        if (r.status != GPU_STATUS_OK) {
            fprintf(stderr, "bench-virt: request %u failed with %u\n", r.id, r.status);
            exit(1);
        }
    }
}

static void client_send(uint32_t c, gpu_req_t *req)
{
    static uint32_t next_id;
    req->id = ++next_id;
    gpu_req_enqueue(&clients[c].req, req);
}

static void setup(void)
{
    cfg.magic = GPU_VIRT_CONFIG_MAGIC;
    cfg.version = GPU_VIRT_CONFIG_VERSION;
    cfg.num_clients = NC;
    cfg.device_memory = (64ull << 20) * NC;
    conn(&cfg.driver, drv_req_region, drv_resp_region, &drv_info, 4 * CAP);
    gpu_queue_init(&drv_req, drv_req_region, 4 * CAP, false);
    gpu_queue_init(&drv_resp, drv_resp_region, 4 * CAP, true);
    for (uint32_t c = 0; c < NC; c++) {
        bclient_t *b = &clients[c];
        gpu_virt_client_config_t *k = &cfg.clients[c];
        conn(&k->conn, b->req_region, b->resp_region, &b->info, CAP);
        k->data_size = 1u << 24;
        k->data_io_base = (uint64_t)(c + 1) << 32;
        k->max_resources = 256;
        k->max_memory = 64ull << 20;
        k->num_scanouts = 1;
        k->scanouts[0] = (uint8_t)c;
        gpu_queue_init(&b->req, b->req_region, CAP, true);
        gpu_queue_init(&b->resp, b->resp_region, CAP, false);
    }
    if (gpu_virt_init(&virt, &cfg, &notify) != GPU_VIRT_OK) {
        fprintf(stderr, "bench-virt: init failed\n");
        exit(1);
    }
    driver_serve();
    for (uint32_t c = 0; c < NC; c++) {
        gpu_req_t r[3];
        memset(r, 0, sizeof(r));
        r[0].code = GPU_REQ_GET_DISPLAY_INFO;
        r[1].code = GPU_REQ_RESOURCE_CREATE_2D;
        r[1].create_2d = (gpu_req_create_2d_t){256, GPU_FORMAT_B8G8R8X8_UNORM, 256, 256};
        r[2].code = GPU_REQ_RESOURCE_ATTACH_BACKING;
        r[2].attach_backing = (gpu_req_attach_backing_t){256, 0, 0, 256 * 256 * 4};
        for (int i = 0; i < 3; i++) {
            client_send(c, &r[i]);
            gpu_virt_handle_client(&virt, c, &notify);
            driver_serve();
            client_drain(c);
        }
    }
}

/* One round: every client sends a transfer and a flush; the driver answers; the clients read. */
static void round_trip(uint32_t n)
{
    for (uint32_t c = 0; c < NC; c++) {
        gpu_req_t t;
        gpu_req_t f;
        memset(&t, 0, sizeof(t));
        memset(&f, 0, sizeof(f));
        t.code = GPU_REQ_TRANSFER_TO_2D;
        t.transfer_to_2d.resource_id = 256;
        t.transfer_to_2d.rect = (gpu_rect_t){0, n % 128, 256, 128};
        t.transfer_to_2d.offset = (uint64_t)(n % 128) * 1024;
        f.code = GPU_REQ_RESOURCE_FLUSH;
        f.flush.resource_id = 256;
        f.flush.rect = (gpu_rect_t){0, n % 128, 256, 128};
        client_send(c, &t);
        client_send(c, &f);
        gpu_virt_handle_client(&virt, c, &notify);
    }
    driver_serve();
    for (uint32_t c = 0; c < NC; c++) {
        client_drain(c);
    }
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--footprint") == 0) {
        printf("%zu\n", sizeof(gpu_virt_t));
        return 0;
    }
    uint32_t rounds = argc == 2 ? (uint32_t)strtoul(argv[1], NULL, 10) : 1000;
    setup();
    uint64_t before = forwarded;
    for (uint32_t n = 0; n < rounds; n++) {
        round_trip(n);
    }
    if (forwarded - before != 2ull * NC * rounds) {
        fprintf(stderr, "bench-virt: forwarded %llu, expected %llu\n", (unsigned long long)(forwarded - before),
                2ull * NC * rounds);
        return 1;
    }
    printf("%llu\n", (unsigned long long)forwarded);
    return 0;
}
