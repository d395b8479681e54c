/*
 * Config source of the conformance system's virtualiser (tests/conformance/
 * conform.system): one client with the quota, memory budget and scanouts the
 * rows are written for (conform.h).
 */
#include "conform_config.h"
#include "sdf_config.h"
#include "virt_config.h"

gpu_virt_config_t gpu_virt_config __attribute__((section(".gpu_virt_config"))) = {
        .magic = GPU_VIRT_CONFIG_MAGIC,
        .version = GPU_VIRT_CONFIG_VERSION,
        .num_clients = 1,
        .device_memory = EXAMPLE_DEVICE_MEMORY,
        .driver = EXAMPLE_CONN(DRIVER, SDF_CH_GPU_DRIVER),
        .clients =
                {
                        {
                                .conn = EXAMPLE_CONN(C, SDF_CH_CONFORM),
                                .data_size = SDF_MR_C_DATA_SIZE,
                                .data_io_base = GPU_VIRT_IO_BASE_SETVAR,
                                .max_resources = CONFORM_MAX_RESOURCES,
                                .max_memory = CONFORM_MAX_MEMORY,
                                .release_channel = GPU_VIRT_NO_CHANNEL,
                                .num_scanouts = 2,
                                .scanouts = {0, 5},
                        },
                },
};
