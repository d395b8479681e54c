/*
 * Config source of the virtio-gpu driver PD, shared by the examples (their
 * descriptions name the driver's regions alike). See
 * docs/system-description.md, "Config structs in their own section": the
 * build compiles this with the driver PD's sdf_config.h and copies the
 * section into the driver's object. It holds no physical address, so the
 * same source builds for qemu and Microkit: the DMA region's IO address is
 * the setvar gpu_driver_dma_paddr (GPU_DRIVER_GLUE_IO_SETVAR), which every
 * example's description sets in the driver PD. The driver's tick (deadlines
 * for the device's commands) comes from the timer PD when the description
 * connects the two.
 */
#include "gpu_driver_glue.h"
#include "sdf_config.h"

#define EXAMPLE_QUEUE_CAPACITY 64u
#define VIRTIO_MMIO_OFFSET     0xe00u /* virt's last virtio-mmio slot within its page */

gpu_driver_glue_config_t gpu_driver_glue_config __attribute__((section(".gpu_driver_config"))) = {
        .magic = GPU_DRIVER_GLUE_MAGIC,
        .version = GPU_DRIVER_GLUE_VERSION,
        .req_queue_vaddr = SDF_MR_DRIVER_REQ_VADDR,
        .resp_queue_vaddr = SDF_MR_DRIVER_RESP_VADDR,
        .info_vaddr = SDF_MR_DRIVER_INFO_VADDR,
        .req_capacity = EXAMPLE_QUEUE_CAPACITY,
        .resp_capacity = EXAMPLE_QUEUE_CAPACITY,
        .virt_channel = SDF_CH_GPU_VIRT,
        .irq_channel = SDF_IRQ_79,
        .mmio_vaddr = SDF_MR_VIRTIO_MMIO_VADDR + VIRTIO_MMIO_OFFSET,
        .dma_vaddr = SDF_MR_DRIVER_DMA_VADDR,
        .dma_io = GPU_DRIVER_GLUE_IO_SETVAR,
        .dma_size = SDF_MR_DRIVER_DMA_SIZE,
        .queue_size = 0,
#ifdef SDF_CH_TIMER
        .tick_channel = SDF_CH_TIMER, /* deadlines: a command the device holds for 3 ticks is a fault */
#else
        .tick_channel = GPU_DRIVER_GLUE_NO_CHANNEL,
#endif
        .deadline_ticks = 0,
};
