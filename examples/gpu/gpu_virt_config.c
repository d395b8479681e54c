/*
 * Config source of the demo's GPU virtualiser PD (docs/system-description.md,
 * "Config structs in their own section"): one client owning device scanout 0.
 * The client's data region is known to the virtualiser only through the
 * <setvar region_paddr> in gpu.system: its size here (sdf_config.h), its IO
 * address at run time (symbol gpu_virt_data_paddr0, virt_config.h).
 */
#include "sdf_config.h"
#include "virt_config.h"

gpu_virt_config_t gpu_virt_config __attribute__((section(".gpu_virt_config"))) = {
        .magic = GPU_VIRT_CONFIG_MAGIC,
        .version = GPU_VIRT_CONFIG_VERSION,
        .device_memory = EXAMPLE_DEVICE_MEMORY,
        .num_clients = 1,
        .driver = EXAMPLE_CONN(DRIVER, SDF_CH_GPU_DRIVER),
        .clients = {EXAMPLE_CLIENT(CLIENT, SDF_CH_CLIENT, 1, 0)},
};
