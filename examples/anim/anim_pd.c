/*
 * Glue of the animated example's PD: Microkit entry points around the pure
 * core (anim.c). Frames follow one another as fast as presents complete; the
 * timer's one-second tick prints the frame rate.
 */
#include <stdint.h>

#include <sddf/os.h>

#include "sdf_config.h"

#define SDDF_LOG_COMPONENT "ANIM"
#include <sddf/log.h>

#include "anim.h"
#include "client_glue.h"

static gpu_client_t client;
static anim_t anim;
static bool started;

static void display_changed(gpu_client_t *c, void *ctx)
{
    (void)c;
    anim_display_changed(ctx);
}

static void device_reset(gpu_client_t *c, void *ctx)
{
    (void)c;
    anim_device_reset(ctx);
}

void init(void)
{
    if (!example_client_setup(&client, SDF_CH_GPU_VIRT, display_changed, device_reset, &anim)) {
        return;
    }
    anim_config_t cfg = {.scanout_id = 0, .fb_offset = 0, .box = 64, .step = 4, .max_frames = 0, .use_blob = true};
    anim_init(&anim, &client, &cfg);
    started = true;
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
        anim_tick(&anim);
        break;
    default:
        LOG_WARN("notification on unexpected channel %u\n", ch);
        break;
    }
}
