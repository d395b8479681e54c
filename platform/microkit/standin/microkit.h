/*
 * STAND-IN, NOT THE SDK. A compile-only substitute for the Microkit SDK's
 * libmicrokit/include/microkit.h, so that `make test T=microkit-seam` can
 * build platform/microkit and every PD's glue for aarch64 on a machine
 * without the SDK. It declares exactly the subset of the API that
 * platform/microkit/src uses, with the signatures and values of Microkit
 * 2.0.0 .. 2.3.0 (checked against the 2.3.0 sources of seL4/microkit:
 * libmicrokit/include/microkit.h and libmicrokit/src/main.c). In the SDK the
 * functions below are mostly `static inline` over seL4 system calls; here
 * they are plain prototypes, so nothing built with this header can be
 * linked or run. Real builds (`make microkit`) use the SDK's header instead.
 */
#pragma once

#include <stdint.h>

/* seL4 types as <sel4/sel4.h> defines them for aarch64. */
typedef unsigned long seL4_Word;
typedef seL4_Word seL4_CPtr;
typedef int8_t seL4_Bool;
typedef uint8_t seL4_Uint8;
typedef uint32_t seL4_Uint32;

typedef unsigned int microkit_channel;

#define BASE_OUTPUT_NOTIFICATION_CAP 10
#define BASE_IRQ_CAP                 138
#define MICROKIT_MAX_CHANNELS        62
#define MICROKIT_MAX_CHANNEL_ID      (MICROKIT_MAX_CHANNELS - 1)

/* Entry points that the PD provides. */
void init(void);
void notified(microkit_channel ch);

/* The pending deferred signal (libmicrokit/src/main.c), sent with the next receive. */
extern seL4_Bool microkit_have_signal;
extern seL4_CPtr microkit_signal_cap;

void microkit_dbg_puts(const char *s);
void microkit_notify(microkit_channel ch);
void microkit_deferred_notify(microkit_channel ch);
void microkit_irq_ack(microkit_channel ch);
