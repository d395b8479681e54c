/*
 * Glue shared by the example client PDs: the variables the system
 * description sets for a client connection (setvar_vaddr / setvar_size on
 * its four maps), and the client library configured over them. Every example
 * .system maps a client's regions with these variable names.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <sddf/os.h>

#include <gpu_client.h>

/* Entries per queue on the client connection; the virtualiser's configuration uses the same. */
#define EXAMPLE_QUEUE_CAPACITY 64u

/* Set by the system description. */
extern uintptr_t gpu_req_queue;
extern uintptr_t gpu_req_queue_size;
extern uintptr_t gpu_resp_queue;
extern uintptr_t gpu_resp_queue_size;
extern uintptr_t gpu_info;
extern uintptr_t gpu_info_size;
extern uintptr_t gpu_data;
extern uintptr_t gpu_data_size;

/*
 * Checks the regions and initialises `c` so that it notifies the virtualiser
 * on `virt_channel` (deferred), reports display info and device resets (may
 * be NULL) through the callbacks, and cleans the data region's cache before the
 * device reads it. False, after a log line, if a region is too small or the
 * library refuses the configuration.
 */
bool example_client_setup(gpu_client_t *c, sddf_channel_t virt_channel,
                          void (*display_changed)(gpu_client_t *c, void *ctx),
                          void (*device_reset)(gpu_client_t *c, void *ctx), void *ctx);
