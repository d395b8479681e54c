/*
 * MMU: one level-1 table (4 KiB granule, 39-bit addresses, 1 GiB blocks)
 * that maps every address to itself. The first GiB (flash, GIC, UART,
 * virtio-mmio, PCIe windows) is device memory; 1-4 GiB is RAM, normal
 * write-back cacheable. Regions with cached="false" in RAM stay cacheable:
 * QEMU's devices are coherent.
 */
#include "runtime.h"

#define GIB           (1ull << 30)
#define DESC_BLOCK    1ull
#define DESC_ATTR(i)  ((uint64_t)(i) << 2)
#define DESC_SH_INNER (3ull << 8)
#define DESC_AF       (1ull << 10)
#define DESC_PXN      (1ull << 53)
#define DESC_UXN      (1ull << 54)

#define MAIR_DEVICE_NGNRNE 0x00ull
#define MAIR_NORMAL_WB     0xffull
#define ATTR_DEVICE        0
#define ATTR_NORMAL        1

#define TCR_T0SZ_39BIT (25ull << 0)
#define TCR_IRGN0_WB   (1ull << 8)
#define TCR_ORGN0_WB   (1ull << 10)
#define TCR_SH0_INNER  (3ull << 12)
#define TCR_TG0_4K     (0ull << 14)
#define TCR_EPD1       (1ull << 23)
#define TCR_IPS_40BIT  (2ull << 32)

#define SCTLR_M (1ull << 0)
#define SCTLR_C (1ull << 2)
#define SCTLR_I (1ull << 12)

static uint64_t level1[512] __attribute__((aligned(4096)));

static uint64_t device_block(uint64_t addr)
{
    return addr | DESC_BLOCK | DESC_ATTR(ATTR_DEVICE) | DESC_AF | DESC_PXN | DESC_UXN;
}

static uint64_t normal_block(uint64_t addr)
{
    return addr | DESC_BLOCK | DESC_ATTR(ATTR_NORMAL) | DESC_SH_INNER | DESC_AF;
}

void qemu_mmu_enable(void)
{
    level1[0] = device_block(0);
    for (uint64_t i = 1; i < 4; i++) {
        level1[i] = normal_block(i * GIB);
    }
    level1[256] = device_block(256 * GIB); /* PCIe ECAM above 4 GiB */
    uint64_t mair = MAIR_DEVICE_NGNRNE << (8 * ATTR_DEVICE) | MAIR_NORMAL_WB << (8 * ATTR_NORMAL);
    uint64_t tcr = TCR_T0SZ_39BIT | TCR_IRGN0_WB | TCR_ORGN0_WB | TCR_SH0_INNER | TCR_TG0_4K | TCR_EPD1 | TCR_IPS_40BIT;
    __asm__ volatile("msr mair_el1, %0" ::"r"(mair));
    __asm__ volatile("msr tcr_el1, %0" ::"r"(tcr));
    __asm__ volatile("msr ttbr0_el1, %0" ::"r"((uint64_t)(uintptr_t)level1));
    __asm__ volatile("dsb ish; tlbi vmalle1; dsb ish; isb" ::: "memory");
    uint64_t sctlr;
    __asm__ volatile("mrs %0, sctlr_el1" : "=r"(sctlr));
    sctlr |= SCTLR_M | SCTLR_C | SCTLR_I;
    __asm__ volatile("msr sctlr_el1, %0; isb" ::"r"(sctlr) : "memory");
}
