/*
 * GICv2 on QEMU virt (distributor 0x08000000, CPU interface 0x08010000),
 * without security extensions. The runtime polls GICC_IAR from its main
 * loop and never unmasks IRQs at the CPU; WFI still wakes on a pending one.
 */
#include "runtime.h"

#define GICD_CTLR       0x000u
#define GICD_ISENABLER  0x100u
#define GICD_ICENABLER  0x180u
#define GICD_IPRIORITYR 0x400u
#define GICD_ITARGETSR  0x800u
#define GICD_ICFGR      0xc00u

#define GICC_CTLR 0x00u
#define GICC_PMR  0x04u
#define GICC_BPR  0x08u
#define GICC_IAR  0x0cu
#define GICC_EOIR 0x10u

#define IRQ_PRIORITY 0xa0u
#define INTID_MASK   0x3ffu

static volatile uint32_t *gicd(uint32_t off)
{
    return (volatile uint32_t *)(QEMU_GICD_BASE + off);
}

static volatile uint32_t *gicc(uint32_t off)
{
    return (volatile uint32_t *)(QEMU_GICC_BASE + off);
}

void qemu_gic_init(void)
{
    *gicd(GICD_CTLR) = 0;
    for (unsigned i = 0; i < QEMU_MAX_INTID / 32; i++) {
        *gicd(GICD_ICENABLER + 4 * i) = 0xffffffffu;
    }
    *gicd(GICD_CTLR) = 1;
    *gicc(GICC_PMR) = 0xf0;
    *gicc(GICC_BPR) = 0;
    *gicc(GICC_CTLR) = 1;
}

/*
 * Priority, target CPU 0, and level or edge; the interrupt stays disabled.
 * A PPI (16..31, e.g. the generic timer's 30) is the CPU's own: its enable,
 * priority and config registers are banked per CPU (we run on CPU 0 only)
 * and its target is fixed, so only SPIs (32 and up) get a target. Whether a
 * PPI's trigger can be changed is up to the GIC (QEMU's can); writing the
 * description's value is harmless either way. SGIs (0..15) never get here:
 * sdfgen refuses them.
 */
void qemu_gic_configure(unsigned intid, int edge)
{
    volatile uint8_t *prio = (volatile uint8_t *)gicd(GICD_IPRIORITYR);
    volatile uint8_t *target = (volatile uint8_t *)gicd(GICD_ITARGETSR);
    prio[intid] = IRQ_PRIORITY;
    if (intid >= 32) {
        target[intid] = 1;
    }
    if (intid >= 16) {
        volatile uint32_t *cfg = gicd(GICD_ICFGR + 4 * (intid / 16));
        uint32_t bit = 2u << (2 * (intid % 16));
        *cfg = edge ? (*cfg | bit) : (*cfg & ~bit);
    }
}

void qemu_gic_enable(unsigned intid)
{
    *gicd(GICD_ISENABLER + 4 * (intid / 32)) = 1u << (intid % 32);
}

void qemu_gic_disable(unsigned intid)
{
    *gicd(GICD_ICENABLER + 4 * (intid / 32)) = 1u << (intid % 32);
}

unsigned qemu_gic_ack(void)
{
    return *gicc(GICC_IAR) & INTID_MASK;
}

void qemu_gic_eoi(unsigned intid)
{
    *gicc(GICC_EOIR) = intid;
}
