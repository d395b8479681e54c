/*
 * Glue of the GPU demo's client PD: Microkit entry points around the pure
 * core (gpu_demo.c). examples/common/client_glue.c sets up the client
 * library over the regions gpu.system maps; sdfgen's sdf_config.h gives the
 * channel numbers. The timer notifies once a second.
 */
#include <stdint.h>

#include <sddf/os.h>

#include "sdf_config.h"

#define SDDF_LOG_COMPONENT "GPU_DEMO"
#include <sddf/log.h>

#include "client_glue.h"
#include "gpu_demo.h"

extern const img2c_image_t demo_image;

static gpu_client_t client;
static gpu_demo_t demo;
static bool started;

static void display_changed(gpu_client_t *c, void *ctx)
{
    (void)c;
    gpu_demo_display_changed(ctx);
}

static void device_reset(gpu_client_t *c, void *ctx)
{
    (void)c;
    gpu_demo_device_reset(ctx);
}

void init(void)
{
    if (!example_client_setup(&client, SDF_CH_GPU_VIRT, display_changed, device_reset, &demo)) {
        return;
    }
    gpu_demo_config_t cfg = {.image = &demo_image, .scanout_id = 0, .fb_offset = 0};
    gpu_demo_init(&demo, &client, &cfg);
    started = true;
    sddf_log("gpu-demo: image %ux%u, data region %lu bytes\n", demo_image.width, demo_image.height,
             (unsigned long)gpu_data_size);
    gpu_client_start(&client);
}

void notified(sddf_channel_t ch)
{
    if (!started) {
        return;
    }
    switch (ch) {
    case SDF_CH_GPU_VIRT:
        gpu_client_notified(&client);
        break;
    case SDF_CH_TIMER:
        gpu_demo_tick(&demo);
        break;
    default:
        LOG_WARN("notification on unexpected channel %u\n", ch);
        break;
    }
}
