/*
 * Glue shared by the example client PDs: see client_glue.h.
 */
#define SDDF_LOG_COMPONENT "GPU_CLIENT"
#include <sddf/log.h>

#include "client_glue.h"

uintptr_t gpu_req_queue;
uintptr_t gpu_req_queue_size;
uintptr_t gpu_resp_queue;
uintptr_t gpu_resp_queue_size;
uintptr_t gpu_info;
uintptr_t gpu_info_size;
uintptr_t gpu_data;
uintptr_t gpu_data_size;

static sddf_channel_t virt_ch;

static void notify_virt(void *ctx)
{
    (void)ctx;
    sddf_deferred_notify(virt_ch);
}

static void cache_clean(void *ctx, uint64_t off, uint64_t len)
{
    (void)ctx;
    sddf_cache_clean(gpu_data + (uintptr_t)off, gpu_data + (uintptr_t)(off + len));
}

static bool regions_fit(void)
{
    return gpu_req_queue_size >= GPU_QUEUE_REGION_SIZE(EXAMPLE_QUEUE_CAPACITY, sizeof(gpu_req_t)) &&
           gpu_resp_queue_size >= GPU_QUEUE_REGION_SIZE(EXAMPLE_QUEUE_CAPACITY, sizeof(gpu_resp_t)) &&
           gpu_info_size >= sizeof(gpu_info_region_t);
}

bool example_client_setup(gpu_client_t *c, sddf_channel_t virt_channel,
                          void (*display_changed)(gpu_client_t *c, void *ctx),
                          void (*device_reset)(gpu_client_t *c, void *ctx), void *ctx)
{
    if (!regions_fit()) {
        LOG_ERR("a queue or info region is too small for %u entries\n", EXAMPLE_QUEUE_CAPACITY);
        return false;
    }
    virt_ch = virt_channel;
    gpu_client_config_t cfg = {
            .magic = GPU_CLIENT_CONFIG_MAGIC,
            .version = GPU_CLIENT_CONFIG_VERSION,
            .req_region = (void *)gpu_req_queue,
            .req_capacity = EXAMPLE_QUEUE_CAPACITY,
            .resp_region = (void *)gpu_resp_queue,
            .resp_capacity = EXAMPLE_QUEUE_CAPACITY,
            .info = (gpu_info_region_t *)gpu_info,
            .data = (uint8_t *)gpu_data,
            .data_size = gpu_data_size,
            .notify = notify_virt,
            .display_changed = display_changed,
            .device_reset = device_reset,
            .cache_clean = cache_clean,
            .ctx = ctx,
    };
    if (!gpu_client_init(c, &cfg)) {
        LOG_ERR("the client library refused its configuration\n");
        return false;
    }
    return true;
}
