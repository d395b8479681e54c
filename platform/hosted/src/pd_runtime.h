/*
 * Internal to the PD runtime (pd_runtime.c, pd_microkit.c).
 */
#pragma once

#include <sddf/os.h>

#include "hosted_proto.h"

/* Sends a message without a descriptor to the runner; exits if the runner is gone. */
void pd_runtime_send(hosted_msg_type_t type, sddf_channel_t ch, uint64_t a);

/* A FAULT message: calls the PD's fault(). */
void pd_runtime_fault(const hosted_msg_t *m);

/* Report SIGSEGV and SIGBUS (address and instruction) to the runner before dying of them. */
void pd_runtime_catch_faults(void);
