/*
 * pong's configuration, in the style of the project's components: a struct
 * with a magic and a version, defined by the glue in its own section and
 * filled by the system build from the system description (pong_config.c).
 */
#pragma once

#include <stdint.h>

#define PONG_CONFIG_MAGIC   0x474e4f50u /* "PONG" */
#define PONG_CONFIG_VERSION 1u

typedef struct pong_config {
    uint32_t magic;
    uint32_t version;
    uint64_t shared_vaddr;
    uint32_t ping_channel;
    uint32_t _pad;
} pong_config_t;

_Static_assert(sizeof(pong_config_t) == 24, "pong_config_t size");
