/*
 * A client library instance wired to a fake server, for the client and
 * example unit tests. Everything runs in the test's thread: rig_pump()
 * alternates server and client until neither has anything left to do.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <gpu_client.h>

#include "fake_server.h"

#define RIG_DATA_SIZE (8u << 20)

typedef struct rig {
    fake_server_t fs;
    gpu_client_t client;
    gpu_client_config_t cfg;
    uint8_t *data;
    uint32_t display_changes;
    uint32_t seen_wakeups;                          /* client_wakeups already delivered */
    void (*on_display)(gpu_client_t *c, void *ctx); /* extra callback for example cores */
    void *on_display_ctx;
} rig_t;

/* Heap-allocated rig (the fake server is large). Queue capacities as given. */
rig_t *rig_new(uint32_t req_cap, uint32_t resp_cap, uint32_t num_scanouts, uint32_t w, uint32_t h, uint32_t features);
void rig_free(rig_t *r);

/* Runs server and client until quiet. Returns the number of rounds. */
uint32_t rig_pump(rig_t *r);

/* Delivers pending server notifications to the client once. True if it did. */
bool rig_deliver(rig_t *r);

/* Log lines (sddf_log) captured since the last rig_log_clear(). */
void rig_log_clear(void);
bool rig_log_contains(const char *needle);
uint32_t rig_log_count_matching(const char *needle);
