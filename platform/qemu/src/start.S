/*
 * Entry at EL1 from QEMU (-kernel with an ELF), MMU off, interrupts masked.
 * Enable FP/SIMD (compiled C may use it), set the stack and the exception
 * vectors, clear .bss, then enter C. Every exception is fatal: the runtime
 * polls the GIC and never takes interrupts.
 */
    .section .text.boot, "ax"
    .global _start
_start:
    mrs     x0, mpidr_el1
    and     x0, x0, #0xff
    cbnz    x0, park                /* only CPU 0 runs */
    mov     x0, #(3 << 20)          /* CPACR_EL1.FPEN: no FP/SIMD trap */
    msr     cpacr_el1, x0
    isb
    ldr     x0, =__stack_top
    mov     sp, x0
    ldr     x0, =exception_vectors
    msr     vbar_el1, x0
    ldr     x0, =__bss_start
    ldr     x1, =__bss_end
1:  cmp     x0, x1
    b.hs    2f
    str     xzr, [x0], #8
    b       1b
2:  bl      qemu_main
park:
    wfe
    b       park

/* One 128-byte slot per vector; each passes its index to the C reporter. */
    .macro vector index
    .balign 128
    mov     x0, #\index
    mrs     x1, esr_el1
    mrs     x2, elr_el1
    mrs     x3, far_el1
    ldr     x4, =__stack_top        /* fatal anyway: a fresh stack survives an overflow */
    mov     sp, x4
    b       qemu_exception
    .endm

    .balign 2048
exception_vectors:
    vector 0
    vector 1
    vector 2
    vector 3
    vector 4
    vector 5
    vector 6
    vector 7
    vector 8
    vector 9
    vector 10
    vector 11
    vector 12
    vector 13
    vector 14
    vector 15
