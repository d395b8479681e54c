/*
 * Glue of the restart example's two clients, over the multi example's core
 * (examples/multi/multi_client.h). One source, built twice:
 *   -DRESTART_CRASHER=0 -DRESTART_NAME=steady    draws the image, again every tick
 *   -DRESTART_CRASHER=1 -DRESTART_NAME=crasher   draws the pattern, again every tick, and in
 *                                                its first life faults in its third frame
 *
 * The crasher may run more than once: its supervisor restarts it at its
 * entry point after a fault, with its memory as the fault left it. So
 * init() sets every variable of this file afresh instead of trusting
 * static initialisers, and which life this is comes from restart_lives,
 * which only the supervisor writes.
 */
#include <stdbool.h>
#include <stdint.h>

#include <sddf/os.h>

#include "sdf_config.h"

#define SDDF_LOG_COMPONENT "RESTART"
#include <sddf/log.h>

#include "client_glue.h"
#include "multi_client.h"

#ifndef RESTART_CRASHER
#error "define RESTART_CRASHER (0 for steady, 1 for crasher)"
#endif
#ifndef RESTART_NAME
#error "define RESTART_NAME (steady or crasher)"
#endif

/* The crasher's first life faults while drawing this frame (frame 1 is the first picture it shows). */
#define RESTART_CRASH_FRAME 3u

/* As in examples/multi: the mode for a head QEMU reports as disconnected. */
#define RESTART_FALLBACK_WIDTH  800u
#define RESTART_FALLBACK_HEIGHT 600u

#define STRINGIFY_(x) #x
#define STRINGIFY(x)  STRINGIFY_(x)
#define NAME          STRINGIFY(RESTART_NAME)

extern const img2c_image_t demo_image;

#if RESTART_CRASHER
/* Set by the description: the supervisor's count of restarts, mapped read-only. */
uintptr_t restart_lives;
#endif

static gpu_client_t client;
static multi_client_t multi;
static bool started;
static uint32_t life;

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

static uint32_t current_life(void)
{
#if RESTART_CRASHER
    return __atomic_load_n((volatile uint32_t *)restart_lives, __ATOMIC_ACQUIRE) + 1u;
#else
    return 1u;
#endif
}

/*
 * The deliberate bug: the next frame is drawn and staged, then a row is
 * written one byte past the end of the data region, which is not mapped.
 * The handler never returns, so the staged requests sit in the queue with
 * no notification: the virtualiser's release drops them.
 */
static _Noreturn void crash_mid_frame(void)
{
    LOG_INFO("%s: life %u: frame %u staged, now writing past the end of the data region (on purpose)\n", NAME, life,
             multi.draws + 1u);
    volatile uint8_t *past_end = (volatile uint8_t *)(gpu_data + gpu_data_size);
    for (;;) {
        *past_end = 0xff;
    }
}

static void tick(void)
{
    bool staged = multi_client_redraw(&multi);
    if (RESTART_CRASHER && life == 1u && staged && multi.draws + 1u == RESTART_CRASH_FRAME) {
        crash_mid_frame();
    }
}

void init(void)
{
    started = false;
    life = current_life();
    LOG_INFO("%s: life %u\n", NAME, life);
    if (!example_client_setup(&client, SDF_CH_GPU_VIRT, display_changed, device_reset, &multi)) {
        return;
    }
    multi_client_config_t cfg = {
            .name = NAME,
            .role = RESTART_CRASHER ? MULTI_ROLE_PATTERN : MULTI_ROLE_IMAGE,
            .image = &demo_image,
            .fb_offset = 0,
            .fallback_width = RESTART_FALLBACK_WIDTH,
            .fallback_height = RESTART_FALLBACK_HEIGHT,
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
    switch (ch) {
    case SDF_CH_GPU_VIRT:
        gpu_client_notified(&client);
        break;
    case SDF_CH_TIMER:
        tick();
        break;
    default:
        LOG_WARN("%s: notification on unexpected channel %u\n", NAME, ch);
        break;
    }
}
