/*
 * The example cores' callbacks in the shape of a rig client's on_display and
 * on_reset (sys_client_t): ctx is the example's state.
 */
#pragma once

#include "system_rig.h"

void sys_demo_display(gpu_client_t *c, void *ctx);  /* ctx: gpu_demo_t */
void sys_multi_display(gpu_client_t *c, void *ctx); /* ctx: multi_client_t */
void sys_multi_reset(gpu_client_t *c, void *ctx);   /* ctx: multi_client_t */
void sys_anim_display(gpu_client_t *c, void *ctx);  /* ctx: anim_t */
void sys_anim_reset(gpu_client_t *c, void *ctx);    /* ctx: anim_t */
