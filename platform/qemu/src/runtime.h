/*
 * Internal interfaces of the qemu runtime (not for PD code: PDs see only
 * include/sddf/os.h, include/sddf/log.h and the small libc).
 */
#pragma once

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* QEMU virt machine addresses and interrupt numbers (GIC INTIDs). */
#define QEMU_UART_BASE 0x09000000ul
#define QEMU_GICD_BASE 0x08000000ul
#define QEMU_GICC_BASE 0x08010000ul
#define QEMU_MAX_INTID 1020u

/* start.S */
void qemu_main(void);
void qemu_exception(uint64_t vector, uint64_t esr, uint64_t elr, uint64_t far);

/* mmu.c: identity map, RAM normal cacheable, the rest device memory. */
void qemu_mmu_enable(void);

/* uart.c */
void qemu_uart_putc(char c);
void qemu_uart_puts(const char *s);

/* console.c (formatting: platform/common/src/fmt.c) */
void qemu_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void qemu_panic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void qemu_poweroff(void);

/* gic.c: GICv2, polled (the CPU never takes the IRQ exception). PPIs (16..31) and SPIs. */
void qemu_gic_init(void);
void qemu_gic_configure(unsigned intid, int edge);
void qemu_gic_enable(unsigned intid);
void qemu_gic_disable(unsigned intid);
unsigned qemu_gic_ack(void); /* returns the INTID, or QEMU_MAX_INTID and above when none is pending */
void qemu_gic_eoi(unsigned intid);

/* sched.c: Microkit-like delivery of notifications and interrupts. */
void qemu_sched_boot(void);
bool qemu_sched_step(void); /* take interrupts, run the PD due; false when nothing was due */
_Noreturn void qemu_sched_run(void);
void qemu_idle(void);        /* main.c: wait for an interrupt (wfi) */
void qemu_stack_check(void); /* main.c: FATAL if the stack overflowed */
