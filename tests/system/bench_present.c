/*
 * bench-present: the cost of one present through the whole in-process stack
 * (client library -> virtualiser -> driver -> device model, system_rig.c) on
 * a 1920x1080 scanout, against the cost of one memcpy of the frame measured
 * in the same run:
 *
 *   - 2D: TRANSFER_TO_2D + RESOURCE_FLUSH of the whole frame;
 *   - blob: RESOURCE_FLUSH of the whole frame (SET_SCANOUT_BLOB once);
 *   - both again for a 64x64 damage rectangle that moves over the frame.
 *
 * A present is timed from gpu_fb_present() until its op completes
 * (sys_rig_run() returns with every response matched). Each repetition times
 * a batch of presents and then a batch of memcpys of the frame (client memory
 * to a buffer of its own); the figures are the median over the repetitions,
 * with the minimum and maximum, and the ratio of the two medians. The device
 * is the model in the same thread, so this measures our code on this
 * machine, not a device.
 *
 * Usage: bench-present [--quick]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gpu_fb.h>

#include "system_rig.h"

#define FRAME_W  1920u
#define FRAME_H  1080u
#define DAMAGE   64u
#define REPS     9
#define RESOURCE 1u

typedef struct bench {
    sys_rig_t *rig;
    gpu_client_t *client;
    gpu_fb_t fb;
    gpu_client_op_t op;
    uint32_t done;
} bench_t;

typedef struct figure {
    double median, min, max;
} figure_t;

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static void die(const char *what)
{
    fprintf(stderr, "bench-present: %s\n", what);
    exit(1);
}

static void op_done(gpu_client_t *c, gpu_client_op_t *op)
{
    (void)c;
    bench_t *b = op->ctx;
    if (op->status != GPU_STATUS_OK) {
        die("a request failed");
    }
    b->done++;
}

/* Stages what `stage` says under one op, submits it and runs the stack until the op completes. */
static void run_op(bench_t *b, bool (*stage)(gpu_client_t *, gpu_client_op_t *, const gpu_fb_t *, gpu_rect_t),
                   gpu_rect_t rect)
{
    uint32_t before = b->done;
    gpu_client_op_init(&b->op, op_done, b);
    if (!stage(b->client, &b->op, &b->fb, rect)) {
        die("could not stage the requests");
    }
    gpu_client_submit(b->client);
    sys_rig_run(b->rig);
    if (b->done != before + 1) {
        die("the op did not complete");
    }
}

static bool stage_create(gpu_client_t *c, gpu_client_op_t *op, const gpu_fb_t *fb, gpu_rect_t rect)
{
    (void)rect;
    return gpu_fb_create(c, op, fb);
}

/* A 1920x1080 scanout showing a framebuffer (2D or blob) with a pattern in it, presented once. */
static void bench_open(bench_t *b, bool blob)
{
    memset(b, 0, sizeof(*b));
    vh_options_t opt;
    vh_options_default(&opt);
    opt.model.width[0] = FRAME_W;
    opt.model.height[0] = FRAME_H;
    sys_client_spec_t spec = {.num_scanouts = 1, .scanouts = {0}};
    b->rig = sys_rig_new(&opt, 1, &spec);
    b->client = &b->rig->clients[0].client;
    sys_client_start(b->rig, 0);
    sys_rig_run(b->rig);
    if (!gpu_client_ready(b->client) || !gpu_fb_layout(b->client, &b->fb, blob, 0, RESOURCE, FRAME_W, FRAME_H, 0)) {
        die("no 1920x1080 framebuffer");
    }
    uint32_t *px = gpu_fb_pixels(b->client, &b->fb);
    for (size_t i = 0; i < (size_t)FRAME_W * FRAME_H; i++) {
        px[i] = 0xff000000u | (uint32_t)(i * 2654435761u >> 8);
    }
    run_op(b, stage_create, gpu_fb_rect(&b->fb));
    run_op(b, gpu_fb_present, gpu_fb_rect(&b->fb));
}

/* The n-th damage rectangle: 64x64, wandering over the frame. */
static gpu_rect_t damage_rect(uint32_t n)
{
    return (gpu_rect_t){(n * 67u) % (FRAME_W - DAMAGE), (n * 37u) % (FRAME_H - DAMAGE), DAMAGE, DAMAGE};
}

/* Microseconds per present of `count` presents (full frame, or moving damage). */
static double time_presents(bench_t *b, bool full, uint32_t count)
{
    double t0 = now_us();
    for (uint32_t i = 0; i < count; i++) {
        run_op(b, gpu_fb_present, full ? gpu_fb_rect(&b->fb) : damage_rect(i));
    }
    return (now_us() - t0) / count;
}

static volatile uint8_t sink;

/* Microseconds per memcpy of the frame from client memory to `dst`. */
static double time_memcpy(const bench_t *b, uint8_t *dst, uint32_t count)
{
    const uint8_t *src = (const uint8_t *)gpu_fb_pixels(b->client, &b->fb);
    size_t bytes = (size_t)FRAME_W * FRAME_H * 4u;
    double t0 = now_us();
    for (uint32_t i = 0; i < count; i++) {
        memcpy(dst, src, bytes);
        sink = dst[i % bytes];
    }
    return (now_us() - t0) / count;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static figure_t summarise(double *v, int n)
{
    qsort(v, (size_t)n, sizeof(v[0]), cmp_double);
    return (figure_t){.median = v[n / 2], .min = v[0], .max = v[n - 1]};
}

static void print_frame(bool blob, figure_t p, figure_t c)
{
    printf("bench-present: %-4s %ux%u frame present (%s): %.1f us [%.1f .. %.1f], memcpy of the frame %.1f us "
           "[%.1f .. %.1f]: %.2fx\n",
           blob ? "blob" : "2D", FRAME_W, FRAME_H, blob ? "RESOURCE_FLUSH" : "TRANSFER_TO_2D + RESOURCE_FLUSH",
           p.median, p.min, p.max, c.median, c.min, c.max, p.median / c.median);
}

static void print_damage(bool blob, figure_t d)
{
    printf("bench-present: %-4s %ux%u, %ux%u damage present (%s): %.2f us [%.2f .. %.2f] per present\n",
           blob ? "blob" : "2D", FRAME_W, FRAME_H, DAMAGE, DAMAGE,
           blob ? "RESOURCE_FLUSH" : "TRANSFER_TO_2D + RESOURCE_FLUSH", d.median, d.min, d.max);
}

/* One run of one kind (2D or blob): every repetition times frames, memcpys and damage presents. */
static void run(bool blob, int reps, uint32_t frames, uint32_t damages)
{
    bench_t b;
    bench_open(&b, blob);
    uint8_t *dst = malloc((size_t)FRAME_W * FRAME_H * 4u);
    if (dst == NULL) {
        die("out of memory");
    }
    memset(dst, 1, (size_t)FRAME_W * FRAME_H * 4u);
    double present[REPS], copy[REPS], damage[REPS];
    for (int i = 0; i < reps; i++) {
        present[i] = time_presents(&b, true, frames);
        copy[i] = time_memcpy(&b, dst, frames);
        damage[i] = time_presents(&b, false, damages);
    }
    figure_t p = summarise(present, reps), c = summarise(copy, reps), d = summarise(damage, reps);
    print_frame(blob, p, c);
    print_damage(blob, d);
    fflush(stdout);
    free(dst);
    sys_rig_free(b.rig);
}

int main(int argc, char **argv)
{
    int quick = argc > 1 && strcmp(argv[1], "--quick") == 0;
    if (argc > 2 || (argc == 2 && !quick)) {
        fprintf(stderr, "usage: %s [--quick]\n", argv[0]);
        return 2;
    }
    int reps = quick ? 1 : REPS;
    uint32_t frames = quick ? 1 : 20, damages = quick ? 10 : 2000;
    run(false, reps, frames, damages);
    run(true, reps, frames, damages);
    return 0;
}
