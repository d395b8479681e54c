/*
 * Boot sequence of the qemu platform, fatal exceptions, power-off, and the
 * cache half of the OS seam.
 */
#include <sddf/os.h>
#include <string.h>

#include <qemu/sdf_tables.h>

#include "runtime.h"

#define PSCI_SYSTEM_OFF 0x84000008ul

extern char __image_start[], __image_end[];
extern uint64_t __stack_bottom[];

#define STACK_CANARY       0x5354414b43414e59ull /* "STAKCANY" */
#define STACK_CANARY_WORDS 512u                  /* the lowest 4 KiB of the stack */

/*
 * The stack (256 KiB, shared by all PDs) has no guard page; below it lies
 * .bss. Canary words filling its lowest 4 KiB, checked after each init()
 * and between handlers, turn most overflows into a FATAL message instead
 * of silent corruption (best effort: a frame may skip over them).
 */
static void stack_canary_set(void)
{
    for (unsigned i = 0; i < STACK_CANARY_WORDS; i++) {
        __stack_bottom[i] = STACK_CANARY;
    }
}

void qemu_stack_check(void)
{
    for (unsigned i = 0; i < STACK_CANARY_WORDS; i++) {
        if (__stack_bottom[i] != STACK_CANARY) {
            qemu_panic("stack overflow: the canary at %p was overwritten\n", (void *)&__stack_bottom[i]);
        }
    }
}

_Noreturn void qemu_poweroff(void)
{
    register uint64_t x0 __asm__("x0") = PSCI_SYSTEM_OFF;
    __asm__ volatile("hvc #0" : "+r"(x0)::"memory");
    for (;;) {
        __asm__ volatile("wfi");
    }
}

void qemu_idle(void)
{
    /* Wakes on a pending interrupt although PSTATE.I masks it: the runtime polls the GIC. */
    __asm__ volatile("wfi" ::: "memory");
}

void qemu_exception(uint64_t vector, uint64_t esr, uint64_t elr, uint64_t far)
{
    qemu_panic("exception %llu: ESR 0x%llx ELR 0x%llx FAR 0x%llx (see the README: debugging)\n",
               (unsigned long long)vector, (unsigned long long)esr, (unsigned long long)elr, (unsigned long long)far);
}

/* Microkit hands PDs zeroed memory regions; device regions are left alone. */
static void zero_regions(void)
{
    for (unsigned i = 0; i < qemu_nmrs; i++) {
        const qemu_mr_t *mr = &qemu_mrs[i];
        if (!mr->device) {
            if (mr->base < (uintptr_t)__image_end) {
                qemu_panic("region %s at 0x%lx overlaps the image (ends at %p)\n", mr->name, (unsigned long)mr->base,
                           (void *)__image_end);
            }
            memset((void *)mr->base, 0, mr->size);
        }
    }
}

void qemu_main(void)
{
    stack_canary_set();
    qemu_mmu_enable();
    qemu_gic_init();
    qemu_printf("qemu: sddf-gpu qemu platform, %u protection domains, image %p-%p\n", qemu_npds, (void *)__image_start,
                (void *)__image_end);
    zero_regions();
    qemu_sched_boot();
    qemu_sched_run();
}

static uint64_t cache_line(void)
{
    uint64_t ctr;
    __asm__ volatile("mrs %0, ctr_el0" : "=r"(ctr));
    return 4ull << ((ctr >> 16) & 0xf);
}

void sddf_cache_clean(uintptr_t start, uintptr_t end)
{
    uint64_t line = cache_line();
    for (uintptr_t a = start & ~(line - 1); a < end; a += line) {
        __asm__ volatile("dc cvac, %0" ::"r"(a) : "memory");
    }
    __asm__ volatile("dsb sy" ::: "memory");
}

void sddf_cache_invalidate(uintptr_t start, uintptr_t end)
{
    uint64_t line = cache_line();
    for (uintptr_t a = start & ~(line - 1); a < end; a += line) {
        __asm__ volatile("dc civac, %0" ::"r"(a) : "memory");
    }
    __asm__ volatile("dsb sy" ::: "memory");
}
