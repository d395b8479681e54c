/*
 * Config source of the restart example's GPU virtualiser PD
 * (docs/system-description.md): steady (client 0) owns device scanout 0,
 * crasher (client 1) device scanout 1, and crasher's release channel goes
 * to the supervisor that restarts it. Client i's IO base is the symbol
 * gpu_virt_data_paddr<i> that restart.system sets, in this order.
 */
#include "sdf_config.h"
#include "virt_config.h"

gpu_virt_config_t gpu_virt_config __attribute__((section(".gpu_virt_config"))) = {
        .magic = GPU_VIRT_CONFIG_MAGIC,
        .version = GPU_VIRT_CONFIG_VERSION,
        .device_memory = EXAMPLE_DEVICE_MEMORY,
        .num_clients = 2,
        .driver = EXAMPLE_CONN(DRIVER, SDF_CH_GPU_DRIVER),
        .clients =
                {
                        EXAMPLE_CLIENT(S, SDF_CH_STEADY, 1, 0),
                        EXAMPLE_RESTARTABLE_CLIENT(C, SDF_CH_CRASHER, SDF_CH_SUPERVISOR, 1, 1),
                },
};
