/*
 * bench-anim: frames per second of the animated example through the whole
 * in-process stack (client library, virtualiser, driver, device model), and
 * notifications per frame. A figure for comparing changes, not a device
 * speed: the "device" is the model running in the same thread.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <virtio/virtio_gpu.h>

#include "anim.h"
#include "system_rig.h"
#include "system_wire.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void run(bool blob, uint32_t frames)
{
    vh_options_t opt;
    vh_options_default(&opt);
    sys_client_spec_t spec = {.num_scanouts = 1, .scanouts = {0}};
    sys_rig_t *r = sys_rig_new(&opt, 1, &spec);
    anim_t a;
    anim_config_t cfg = {.box = 64, .step = 4, .max_frames = 1, .use_blob = blob};
    anim_init(&a, &r->clients[0].client, &cfg);
    r->clients[0].on_display = sys_anim_display;
    r->clients[0].on_display_ctx = &a;
    sys_client_start(r, 0);
    sys_rig_run(r);
    gpu_client_stats_t before;
    gpu_client_get_stats(&r->clients[0].client, &before);
    double t0 = now();
    anim_run_frames(&a, frames);
    sys_rig_run(r);
    double t = now() - t0;
    gpu_client_stats_t after;
    gpu_client_get_stats(&r->clients[0].client, &after);
    uint32_t done = a.frames - 1;
    printf("bench-anim: %s 1280x800, 64px square: %u frames in %.3f s = %.0f frames/s, "
           "%.2f requests and %.2f client notifications per frame, %u failures\n",
           blob ? "blob" : "2D  ", done, t, done / t, (double)(after.requests - before.requests) / done,
           (double)(after.notifications - before.notifications) / done, a.failures);
    sys_rig_free(r);
}

int main(int argc, char **argv)
{
    uint32_t frames = argc > 1 ? (uint32_t)strtoul(argv[1], NULL, 10) : 20000;
    run(false, frames);
    run(true, frames);
    return 0;
}
