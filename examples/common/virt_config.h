/*
 * Helpers for the examples' GPU virtualiser config sources: one connection
 * from a region-name prefix, with the examples' queue capacity. Each
 * example's <example>_virt_config.c includes the virtualiser PD's
 * sdf_config.h and lists its clients with these.
 *
 * The config holds no physical address: client i's IO base is
 * GPU_VIRT_IO_BASE_SETVAR, so the virtualiser's glue reads it from the
 * symbol gpu_virt_data_paddr<i>, which the description sets with
 * <setvar symbol="gpu_virt_data_paddr<i>" region_paddr="PREFIX_data"/> (the
 * Microkit tool on Microkit, the runtime's tables on qemu). One config source
 * therefore builds for both targets; the clients must be listed in the
 * order of those setvars.
 */
#pragma once

#include "gpu_virt.h"

#define EXAMPLE_QUEUE_CAPACITY 64u
#define EXAMPLE_MAX_RESOURCES  16u
/*
 * Device memory for 2D resources: QEMU's virtio-gpu has max_hostmem = 256 MiB
 * by default (our device model too), and each client may take 64 MiB of it,
 * so up to four clients can never make each other's creates fail. A
 * 1920x1080 framebuffer takes 7.9 MiB, 1280x800 3.9 MiB.
 */
#define EXAMPLE_DEVICE_MEMORY (256ull << 20)
#define EXAMPLE_MAX_MEMORY    (64ull << 20)

/* The connection whose regions are PREFIX_req, PREFIX_resp, PREFIX_info, peer channel CH. */
#define EXAMPLE_CONN(PREFIX, CH)                                                                                       \
    {                                                                                                                  \
        .req_queue = SDF_MR_##PREFIX##_REQ_VADDR, .resp_queue = SDF_MR_##PREFIX##_RESP_VADDR,                          \
        .info = SDF_MR_##PREFIX##_INFO_VADDR, .req_capacity = EXAMPLE_QUEUE_CAPACITY,                                  \
        .resp_capacity = EXAMPLE_QUEUE_CAPACITY, .channel = (CH),                                                      \
    }

/*
 * A client with regions PREFIX_* and data region PREFIX_data, on channel CH, whose release is asked
 * for (and answered) on channel RELEASE_CH, owning NSCANOUTS listed after.
 */
#define EXAMPLE_RESTARTABLE_CLIENT(PREFIX, CH, RELEASE_CH, NSCANOUTS, ...)                                             \
    {                                                                                                                  \
        .conn = EXAMPLE_CONN(PREFIX, CH), .data_size = SDF_MR_##PREFIX##_DATA_SIZE,                                    \
        .data_io_base = GPU_VIRT_IO_BASE_SETVAR, .max_resources = EXAMPLE_MAX_RESOURCES,                               \
        .max_memory = EXAMPLE_MAX_MEMORY, .release_channel = (RELEASE_CH), .num_scanouts = (NSCANOUTS),                \
        .scanouts = {__VA_ARGS__},                                                                                     \
    }

/* The same without a release channel: a client that is never restarted. */
#define EXAMPLE_CLIENT(PREFIX, CH, NSCANOUTS, ...)                                                                     \
    EXAMPLE_RESTARTABLE_CLIENT(PREFIX, CH, GPU_VIRT_NO_CHANNEL, NSCANOUTS, __VA_ARGS__)
