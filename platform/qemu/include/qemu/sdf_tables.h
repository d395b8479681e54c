/*
 * The tables that sdfgen generates from a system description for the qemu
 * platform (`sdfgen SYSTEM qemu-tables`), read by the runtime at boot.
 * Addresses are final: the qemu platform maps memory one to one.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define QEMU_MAX_CHANNELS 63

/* What one channel id of a PD is. */
enum {
    QEMU_CH_NONE = 0,
    QEMU_CH_CHANNEL = 1, /* a channel to peer_pd's channel peer_ch */
    QEMU_CH_IRQ = 2,     /* the device interrupt `irq` (GIC INTID) */
};

typedef struct {
    uint8_t kind;
    int16_t peer_pd;
    uint8_t peer_ch;
    uint16_t irq;
    uint8_t flag; /* channel: this end may notify; irq: edge triggered */
} qemu_ch_t;

/* A symbol of the PD (renamed pd_<name>__<symbol>) and the value Microkit would patch into it. */
typedef struct {
    uintptr_t *var;
    uintptr_t value;
} qemu_setvar_t;

typedef struct {
    const char *name;
    uintptr_t base;
    size_t size;
    int device; /* has phys_addr: MMIO, mapped as device memory, never zeroed */
} qemu_mr_t;

typedef struct {
    const char *name;
    unsigned priority;
    void (*init)(void);
    void (*notified)(unsigned ch);
    const qemu_setvar_t *setvars; /* ends with var == 0 */
    qemu_ch_t ch[QEMU_MAX_CHANNELS];
} qemu_pd_t;

extern const qemu_pd_t qemu_pds[];
extern const unsigned qemu_npds;
extern const qemu_mr_t qemu_mrs[];
extern const unsigned qemu_nmrs;
