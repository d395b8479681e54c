/* pong's configuration from the system description (see pong_config.h). */
#include "pong_config.h"
#include "sdf_config.h"

pong_config_t pong_config __attribute__((section(".pong_config"))) = {
        .magic = PONG_CONFIG_MAGIC,
        .version = PONG_CONFIG_VERSION,
        .shared_vaddr = SDF_MR_SHARED_VADDR,
        .ping_channel = SDF_CH_PING,
};
