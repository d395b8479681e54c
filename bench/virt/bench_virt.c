/*
 * Benchmark driver for the GPU virtualiser core (bench/virt/module.mk runs
 * it). Up to four clients with 256 resources each; each of them keeps a
 * steady stream of TRANSFER_TO_2D + RESOURCE_FLUSH going through the core to
 * a driver that answers everything OK. One round: every client enqueues a
 * transfer and a flush and notifies; the driver answers all of them and
 * notifies; the clients read their answers.
 *
 *   bench_virt --footprint           print the size of the core's static state
 *   bench_virt [--clients N] ROUNDS  run ROUNDS rounds; prints the requests forwarded
 *   bench_virt --time [--clients N] ROUNDS
 *                                    native time: ROUNDS rounds, RUNS times; prints the
 *                                    median (min..max) nanoseconds per forwarded request
 *
 * Instructions (under callgrind): the program zeroes callgrind's counters
 * once set-up is done (CALLGRIND_ZERO_STATS, nothing natively), and the
 * Makefile counts only inside gpu_virt_handle_client() and
 * gpu_virt_handle_driver() (--toggle-collect), so one run's total divided by
 * the requests it forwarded is the virtualiser's cost per request.
 *
 * Time: clock_gettime() around each call of the two entry points, less the
 * cost of one clock_gettime() pair measured in the same run; and, for
 * comparison, the whole loop (the bench's clients and driver included).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <valgrind/callgrind.h>

#include <sddf/gpu/queue.h>

#include "gpu_virt.h"

#define SDDF_LOG_COMPONENT "BENCH_VIRT"
#include <sddf/log.h>

#define MAX_NC 4u
#define CAP    16u
#define RUNS   9u

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
static bclient_t clients[MAX_NC];
static _Alignas(64) uint8_t drv_req_region[GPU_QUEUE_REGION_SIZE(4 * CAP, sizeof(gpu_req_t))];
static _Alignas(64) uint8_t drv_resp_region[GPU_QUEUE_REGION_SIZE(4 * CAP, sizeof(gpu_resp_t))];
static _Alignas(64) gpu_info_region_t drv_info;
static gpu_queue_t drv_req;
static gpu_queue_t drv_resp;
static gpu_virt_notify_t notify;
static uint64_t forwarded;
static uint32_t nc = MAX_NC;

/* Time mode: nanoseconds spent inside the core's entry points, and calls made. */
static int timing;
static uint64_t virt_ns;
static uint64_t virt_calls;

static uint64_t now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static void virt_client(uint32_t c)
{
    uint64_t t0 = timing ? now_ns() : 0;
    gpu_virt_handle_client(&virt, c, &notify);
    if (timing) {
        virt_ns += now_ns() - t0;
        virt_calls++;
    }
}

static void virt_driver(void)
{
    uint64_t t0 = timing ? now_ns() : 0;
    gpu_virt_handle_driver(&virt, &notify);
    if (timing) {
        virt_ns += now_ns() - t0;
        virt_calls++;
    }
}

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
            drv_info.display.num_scanouts = MAX_NC;
            drv_info.display.features = GPU_FEATURE_BLOB;
        } else {
            forwarded++;
        }
        gpu_resp_t r = {.code = d.code, .id = d.id, .status = GPU_STATUS_OK, ._pad = 0};
        gpu_resp_enqueue(&drv_resp, &r);
    }
    virt_driver();
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

static void setup_config(void)
{
    memset(&virt, 0, sizeof(virt));
    memset(&cfg, 0, sizeof(cfg));
    memset(clients, 0, sizeof(clients));
    memset(drv_req_region, 0, sizeof(drv_req_region));
    memset(drv_resp_region, 0, sizeof(drv_resp_region));
    cfg.magic = GPU_VIRT_CONFIG_MAGIC;
    cfg.version = GPU_VIRT_CONFIG_VERSION;
    cfg.num_clients = nc;
    cfg.device_memory = (64ull << 20) * nc;
    conn(&cfg.driver, drv_req_region, drv_resp_region, &drv_info, 4 * CAP);
    gpu_queue_init(&drv_req, drv_req_region, 4 * CAP, false);
    gpu_queue_init(&drv_resp, drv_resp_region, 4 * CAP, true);
    for (uint32_t c = 0; c < nc; c++) {
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
}

/* Every client: display info, one 256x256 resource with backing. */
static void setup(void)
{
    setup_config();
    if (gpu_virt_init(&virt, &cfg, &notify) != GPU_VIRT_OK) {
        fprintf(stderr, "bench-virt: init failed\n");
        exit(1);
    }
    driver_serve();
    for (uint32_t c = 0; c < nc; c++) {
        gpu_req_t r[3];
        memset(r, 0, sizeof(r));
        r[0].code = GPU_REQ_GET_DISPLAY_INFO;
        r[1].code = GPU_REQ_RESOURCE_CREATE_2D;
        r[1].create_2d = (gpu_req_create_2d_t){256, GPU_FORMAT_B8G8R8X8_UNORM, 256, 256};
        r[2].code = GPU_REQ_RESOURCE_ATTACH_BACKING;
        r[2].attach_backing = (gpu_req_attach_backing_t){256, 0, 0, 256 * 256 * 4};
        for (int i = 0; i < 3; i++) {
            client_send(c, &r[i]);
            virt_client(c);
            driver_serve();
            client_drain(c);
        }
    }
}

/* One round: every client sends a transfer and a flush; the driver answers; the clients read. */
static void round_trip(uint32_t n)
{
    for (uint32_t c = 0; c < nc; c++) {
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
        virt_client(c);
    }
    driver_serve();
    for (uint32_t c = 0; c < nc; c++) {
        client_drain(c);
    }
}

static void run_rounds(uint32_t rounds)
{
    uint64_t before = forwarded;
    for (uint32_t n = 0; n < rounds; n++) {
        round_trip(n);
    }
    if (forwarded - before != 2ull * nc * rounds) {
        fprintf(stderr, "bench-virt: forwarded %llu, expected %llu\n", (unsigned long long)(forwarded - before),
                2ull * nc * rounds);
        exit(1);
    }
}

/*
 * Nanoseconds one now_ns() pair around nothing costs: the part of each timed
 * call that is the clock. The cheapest of many blocks, so that a block the
 * scheduler interrupted does not inflate it.
 */
static double clock_cost(void)
{
    double best = 1e9;
    for (uint32_t b = 0; b < 64; b++) {
        uint64_t sum = 0;
        for (uint32_t i = 0; i < 256; i++) {
            uint64_t t0 = now_ns();
            sum += now_ns() - t0;
        }
        best = (double)sum / 256.0 < best ? (double)sum / 256.0 : best;
    }
    return best;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a;
    double y = *(const double *)b;
    return (x > y) - (x < y);
}

static void print_figure(const char *what, double *v, uint32_t n)
{
    qsort(v, n, sizeof(*v), cmp_double);
    printf("bench-virt: %.1f ns per forwarded request %s (TRANSFER_TO_2D + RESOURCE_FLUSH, %u client%s, "
           "median of %u runs, %.1f..%.1f)\n",
           v[n / 2], what, nc, nc == 1 ? "" : "s", n, v[0], v[n - 1]);
}

/* Native time: RUNS runs of `rounds` rounds each, after one discarded warm-up run. */
static void time_runs(uint32_t rounds)
{
    double inside[RUNS];
    double whole[RUNS];
    for (uint32_t r = 0; r <= RUNS; r++) {
        setup();
        double clock = clock_cost();
        virt_ns = 0;
        virt_calls = 0;
        uint64_t t0 = now_ns();
        run_rounds(rounds);
        uint64_t t1 = now_ns();
        double requests = 2.0 * nc * rounds;
        if (r != 0) {
            inside[r - 1] = ((double)virt_ns - clock * (double)virt_calls) / requests;
            whole[r - 1] = (double)(t1 - t0) / requests;
        }
    }
    print_figure("inside the virtualiser (each call timed, clock cost subtracted)", inside, RUNS);
    print_figure("for the whole loop (bench clients and driver included)", whole, RUNS);
}

int main(int argc, char **argv)
{
    int a = 1;
    if (argc == 2 && strcmp(argv[1], "--footprint") == 0) {
        printf("%zu\n", sizeof(gpu_virt_t));
        return 0;
    }
    if (a < argc && strcmp(argv[a], "--time") == 0) {
        timing = 1;
        a++;
    }
    if (a + 1 < argc && strcmp(argv[a], "--clients") == 0) {
        nc = (uint32_t)strtoul(argv[a + 1], NULL, 10);
        a += 2;
    }
    uint32_t rounds = a < argc ? (uint32_t)strtoul(argv[a], NULL, 10) : 1000;
    if (nc == 0 || nc > MAX_NC || a + 1 < argc) {
        fprintf(stderr, "usage: bench_virt --footprint | [--time] [--clients 1..%u] [ROUNDS]\n", MAX_NC);
        return 2;
    }
    if (timing) {
        time_runs(rounds);
        return 0;
    }
    setup();
    CALLGRIND_ZERO_STATS; /* from here on callgrind counts only the rounds */
    uint64_t before = forwarded;
    run_rounds(rounds);
    printf("%llu\n", (unsigned long long)(forwarded - before));
    return 0;
}
