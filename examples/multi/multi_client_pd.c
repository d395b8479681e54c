/*
 * Glue of the multi-client example's PDs. One source, built three times
 * with the role chosen at compile time:
 *   -DMULTI_ROLE=MULTI_ROLE_IMAGE -DMULTI_NAME=multi-a     (multi_a)
 *   -DMULTI_ROLE=MULTI_ROLE_PATTERN -DMULTI_NAME=multi-b   (multi_b)
 *   -DMULTI_ROLE=MULTI_ROLE_NO_SCANOUT -DMULTI_NAME=multi-c (multi_c)
 */
#include <stdint.h>

#include <sddf/os.h>

#include "sdf_config.h"

#define SDDF_LOG_COMPONENT "MULTI"
#include <sddf/log.h>

#include "client_glue.h"
#include "multi_client.h"

#ifndef MULTI_ROLE
#error "define MULTI_ROLE (MULTI_ROLE_IMAGE, MULTI_ROLE_PATTERN or MULTI_ROLE_NO_SCANOUT)"
#endif
#ifndef MULTI_NAME
#error "define MULTI_NAME (multi-a, multi-b or multi-c)"
#endif

/* Mode for a head QEMU reports as disconnected (headless runs): see multi_client.h. */
#define MULTI_FALLBACK_WIDTH  800u
#define MULTI_FALLBACK_HEIGHT 600u

#define STRINGIFY_(x) #x
#define STRINGIFY(x)  STRINGIFY_(x)

extern const img2c_image_t demo_image;

static gpu_client_t client;
static multi_client_t multi;
static bool started;

static void display_changed(gpu_client_t *c, void *ctx)
{
    (void)c;
    multi_client_display_changed(ctx);
}

static void device_reset(gpu_client_t *c, void *ctx)
{
    (void)c;
    multi_client_device_reset(ctx);
}

void init(void)
{
    if (!example_client_setup(&client, SDF_CH_GPU_VIRT, display_changed, device_reset, &multi)) {
        return;
    }
    multi_client_config_t cfg = {
            .name = STRINGIFY(MULTI_NAME),
            .role = MULTI_ROLE,
            .image = &demo_image,
            .fb_offset = 0,
            .fallback_width = MULTI_FALLBACK_WIDTH,
            .fallback_height = MULTI_FALLBACK_HEIGHT,
    };
    multi_client_init(&multi, &client, &cfg);
    started = true;
    gpu_client_start(&client);
}

void notified(sddf_channel_t ch)
{
    if (!started) {
        return;
    }
    if (ch == SDF_CH_GPU_VIRT) {
        gpu_client_notified(&client);
    } else {
        LOG_WARN("notification on unexpected channel %u\n", ch);
    }
}
