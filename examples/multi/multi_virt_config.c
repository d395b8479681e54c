/*
 * Config source of the multi-client example's GPU virtualiser PD
 * (docs/system-description.md): multi_a owns device scanout 0, multi_b
 * device scanout 1, multi_c none. Client i's IO base is the symbol
 * gpu_virt_data_paddr<i> that multi.system sets (virt_config.h), so the
 * order here must be a, b, c as there.
 */
#include "sdf_config.h"
#include "virt_config.h"

gpu_virt_config_t gpu_virt_config __attribute__((section(".gpu_virt_config"))) = {
        .magic = GPU_VIRT_CONFIG_MAGIC,
        .version = GPU_VIRT_CONFIG_VERSION,
        .device_memory = EXAMPLE_DEVICE_MEMORY,
        .num_clients = 3,
        .driver = EXAMPLE_CONN(DRIVER, SDF_CH_GPU_DRIVER),
        .clients =
                {
                        EXAMPLE_CLIENT(A, SDF_CH_MULTI_A, 1, 0),
                        EXAMPLE_CLIENT(B, SDF_CH_MULTI_B, 1, 1),
                        EXAMPLE_CLIENT(C, SDF_CH_MULTI_C, 0, 0),
                },
};
