/*
 * The OS seam: everything a component's glue needs from the platform. The
 * three platforms (platform/microkit, platform/qemu, platform/hosted) each
 * implement it; a component's pure core never includes this header.
 *
 * Entry points, as in Microkit: the platform calls init() once, then
 * notified(channel) for every notification or interrupt delivered to the
 * protection domain. Nothing blocks.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

typedef unsigned int sddf_channel_t;

void init(void);
void notified(sddf_channel_t ch);

/* Signal the PD at the other end of `ch` now. */
void sddf_notify(sddf_channel_t ch);

/* Signal `ch` when this handler returns; repeated calls in one handler send one signal. */
void sddf_deferred_notify(sddf_channel_t ch);

/* Acknowledge the interrupt delivered on `ch` so that it can fire again. */
void sddf_irq_ack(sddf_channel_t ch);

/* Make CPU writes to [start, end) visible to a non-coherent device. */
void sddf_cache_clean(uintptr_t start, uintptr_t end);

/* Drop cached lines of [start, end) so that CPU reads see what a device wrote. */
void sddf_cache_invalidate(uintptr_t start, uintptr_t end);
