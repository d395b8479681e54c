/*
 * virtio over MMIO, version 2 (virtio 1.2 section 4.2.2): register offsets and
 * status, interrupt and feature bits. All registers are 32-bit little-endian.
 */
#pragma once

#include <stdint.h>

#define VIRTIO_MMIO_MAGIC_VALUE_LE 0x74726976u /* "virt" */
#define VIRTIO_MMIO_VERSION_MODERN 2u

#define VIRTIO_MMIO_MAGIC_VALUE         0x000u
#define VIRTIO_MMIO_VERSION             0x004u
#define VIRTIO_MMIO_DEVICE_ID           0x008u
#define VIRTIO_MMIO_VENDOR_ID           0x00cu
#define VIRTIO_MMIO_DEVICE_FEATURES     0x010u
#define VIRTIO_MMIO_DEVICE_FEATURES_SEL 0x014u
#define VIRTIO_MMIO_DRIVER_FEATURES     0x020u
#define VIRTIO_MMIO_DRIVER_FEATURES_SEL 0x024u
#define VIRTIO_MMIO_QUEUE_SEL           0x030u
#define VIRTIO_MMIO_QUEUE_NUM_MAX       0x034u
#define VIRTIO_MMIO_QUEUE_NUM           0x038u
#define VIRTIO_MMIO_QUEUE_READY         0x044u
#define VIRTIO_MMIO_QUEUE_NOTIFY        0x050u
#define VIRTIO_MMIO_INTERRUPT_STATUS    0x060u
#define VIRTIO_MMIO_INTERRUPT_ACK       0x064u
#define VIRTIO_MMIO_STATUS              0x070u
#define VIRTIO_MMIO_QUEUE_DESC_LOW      0x080u
#define VIRTIO_MMIO_QUEUE_DESC_HIGH     0x084u
#define VIRTIO_MMIO_QUEUE_DRIVER_LOW    0x090u
#define VIRTIO_MMIO_QUEUE_DRIVER_HIGH   0x094u
#define VIRTIO_MMIO_QUEUE_DEVICE_LOW    0x0a0u
#define VIRTIO_MMIO_QUEUE_DEVICE_HIGH   0x0a4u
#define VIRTIO_MMIO_SHM_SEL             0x0acu
#define VIRTIO_MMIO_SHM_LEN_LOW         0x0b0u
#define VIRTIO_MMIO_SHM_LEN_HIGH        0x0b4u
#define VIRTIO_MMIO_SHM_BASE_LOW        0x0b8u
#define VIRTIO_MMIO_SHM_BASE_HIGH       0x0bcu
#define VIRTIO_MMIO_QUEUE_RESET         0x0c0u
#define VIRTIO_MMIO_CONFIG_GENERATION   0x0fcu
#define VIRTIO_MMIO_CONFIG              0x100u
#define VIRTIO_MMIO_REGION_SIZE         0x200u

/* Device status bits (section 2.1). */
#define VIRTIO_STATUS_ACKNOWLEDGE        1u
#define VIRTIO_STATUS_DRIVER             2u
#define VIRTIO_STATUS_DRIVER_OK          4u
#define VIRTIO_STATUS_FEATURES_OK        8u
#define VIRTIO_STATUS_DEVICE_NEEDS_RESET 64u
#define VIRTIO_STATUS_FAILED             128u

/* InterruptStatus bits. */
#define VIRTIO_MMIO_INT_VRING  1u /* a used buffer was returned */
#define VIRTIO_MMIO_INT_CONFIG 2u /* the configuration changed */

/* Reserved (transport-independent) feature bits, numbered as in section 6. */
#define VIRTIO_F_INDIRECT_DESC   28u
#define VIRTIO_F_EVENT_IDX       29u
#define VIRTIO_F_VERSION_1       32u
#define VIRTIO_F_ACCESS_PLATFORM 33u
#define VIRTIO_F_RING_PACKED     34u

#define VIRTIO_ID_GPU 16u

#define VIRTIO_FEATURE_BIT(n) (1ull << (n))
