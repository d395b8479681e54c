/*
 * The test rig of client_rig.h.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SDDF_LOG_COMPONENT "TEST"
#include <sddf/log.h>

#include "client_rig.h"

static void rig_notify(void *ctx)
{
    rig_t *r = ctx;
    r->fs.server_wakeups++;
}

static void rig_display_changed(gpu_client_t *c, void *ctx)
{
    rig_t *r = ctx;
    r->display_changes++;
    if (r->on_display != NULL) {
        r->on_display(c, r->on_display_ctx);
    }
}

rig_t *rig_new(uint32_t req_cap, uint32_t resp_cap, uint32_t num_scanouts, uint32_t w, uint32_t h, uint32_t features)
{
    rig_t *r = calloc(1, sizeof(*r));
    r->data = aligned_alloc(4096, RIG_DATA_SIZE);
    fake_server_init(&r->fs, req_cap, resp_cap, r->data, RIG_DATA_SIZE, num_scanouts, w, h, features);
    r->cfg = (gpu_client_config_t){
            .magic = GPU_CLIENT_CONFIG_MAGIC,
            .version = GPU_CLIENT_CONFIG_VERSION,
            .req_region = r->fs.req_region,
            .req_capacity = req_cap,
            .resp_region = r->fs.resp_region,
            .resp_capacity = resp_cap,
            .info = &r->fs.info,
            .data = r->data,
            .data_size = RIG_DATA_SIZE,
            .notify = rig_notify,
            .display_changed = rig_display_changed,
            .ctx = r,
    };
    if (!gpu_client_init(&r->client, &r->cfg)) {
        abort();
    }
    return r;
}

void rig_free(rig_t *r)
{
    fake_server_destroy(&r->fs);
    free(r->data);
    free(r);
}

bool rig_deliver(rig_t *r)
{
    if (r->fs.client_wakeups == r->seen_wakeups) {
        return false;
    }
    r->seen_wakeups = r->fs.client_wakeups;
    gpu_client_notified(&r->client);
    return true;
}

uint32_t rig_pump(rig_t *r)
{
    uint32_t rounds = 0;
    for (;;) {
        uint32_t handled = fake_server_process(&r->fs);
        bool delivered = rig_deliver(r);
        if (handled == 0 && !delivered) {
            return rounds;
        }
        rounds++;
    }
}

#define RIG_LOG_LINES 256u
#define RIG_LOG_CHARS 200u

static char log_lines[RIG_LOG_LINES][RIG_LOG_CHARS];
static uint32_t log_count;

void rig_log_clear(void)
{
    log_count = 0;
}

bool rig_log_contains(const char *needle)
{
    uint32_t n = log_count < RIG_LOG_LINES ? log_count : RIG_LOG_LINES;
    for (uint32_t i = 0; i < n; i++) {
        if (strstr(log_lines[i], needle) != NULL) {
            return true;
        }
    }
    return false;
}

uint32_t rig_log_count_matching(const char *needle)
{
    uint32_t n = log_count < RIG_LOG_LINES ? log_count : RIG_LOG_LINES;
    uint32_t hits = 0;
    for (uint32_t i = 0; i < n; i++) {
        hits += strstr(log_lines[i], needle) != NULL;
    }
    return hits;
}

/* The platform's log sink, for the library and the example cores: stderr, and kept for rig_log_contains(). */
void sddf_log(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(log_lines[log_count % RIG_LOG_LINES], RIG_LOG_CHARS, fmt, ap);
    va_end(ap);
    fputs(log_lines[log_count % RIG_LOG_LINES], stderr);
    log_count++;
}
