/*
 * Example cores wired to rig clients: see system_wire.h.
 */
#include "system_wire.h"

#include "anim.h"
#include "gpu_demo.h"
#include "multi_client.h"

void sys_demo_display(gpu_client_t *c, void *ctx)
{
    (void)c;
    gpu_demo_display_changed(ctx);
}

void sys_multi_display(gpu_client_t *c, void *ctx)
{
    (void)c;
    multi_client_display_changed(ctx);
}

void sys_multi_reset(gpu_client_t *c, void *ctx)
{
    (void)c;
    multi_client_device_reset(ctx);
}

void sys_anim_display(gpu_client_t *c, void *ctx)
{
    (void)c;
    anim_display_changed(ctx);
}

void sys_anim_reset(gpu_client_t *c, void *ctx)
{
    (void)c;
    anim_device_reset(ctx);
}
