/*
 * Config source of the animated example's GPU virtualiser PD
 * (docs/system-description.md): one client owning device scanout 0, whose
 * IO base is the symbol gpu_virt_data_paddr0 that anim.system sets
 * (virt_config.h).
 */
#include "sdf_config.h"
#include "virt_config.h"

gpu_virt_config_t gpu_virt_config __attribute__((section(".gpu_virt_config"))) = {
        .magic = GPU_VIRT_CONFIG_MAGIC,
        .version = GPU_VIRT_CONFIG_VERSION,
        .device_memory = EXAMPLE_DEVICE_MEMORY,
        .num_clients = 1,
        .driver = EXAMPLE_CONN(DRIVER, SDF_CH_GPU_DRIVER),
        .clients = {EXAMPLE_CLIENT(CLIENT, SDF_CH_ANIM, 1, 0)},
};
