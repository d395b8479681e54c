/*
 * The OS seam (include/sddf/os.h) and sddf_log() over libmicrokit, for one
 * protection domain on seL4 Microkit. Written against Microkit 2.x (see
 * platform/microkit/README.md for what has and has not been verified).
 */
#include <microkit.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <assert.h>
#include <string.h>

#include <sddf/os.h>

#include "sddf_fmt.h"

#define SDDF_LOG_COMPONENT "PD"
#include <sddf/log.h>

#if !defined(__aarch64__)
#error "platform/microkit: only aarch64 is written (cache maintenance below)"
#endif

void sddf_notify(sddf_channel_t ch)
{
    microkit_notify(ch);
}

/*
 * libmicrokit holds ONE deferred signal (microkit_have_signal,
 * microkit_signal_cap), sent together with the receive that ends the handler.
 * The first channel deferred in a handler takes it; deferring the same
 * channel again is free; any other channel is signalled at once. So a PD
 * that defers several channels in one handler (the virtualiser) sends the
 * others immediately: one system call each instead of riding on the
 * receive. This is how sDDF's components share the slot too (they test
 * sddf_deferred_notify_curr() before deferring).
 */
void sddf_deferred_notify(sddf_channel_t ch)
{
    if (ch > MICROKIT_MAX_CHANNEL_ID) {
        microkit_notify(ch); /* libmicrokit reports the bad channel */
        return;
    }
    if (!microkit_have_signal) {
        microkit_deferred_notify(ch);
        return;
    }
    if (microkit_signal_cap == (seL4_CPtr)(BASE_OUTPUT_NOTIFICATION_CAP + ch)) {
        return; /* already pending for this handler */
    }
    microkit_notify(ch);
}

/* Acknowledged at once (not microkit_deferred_irq_ack) so that the deferred slot stays free for a notification. */
void sddf_irq_ack(sddf_channel_t ch)
{
    microkit_irq_ack(ch);
}

/*
 * Cache maintenance by virtual address at EL0. seL4 lets user level run
 * DC CVAC / DC CIVAC (SCTLR_EL1.UCI) and read CTR_EL0 (SCTLR_EL1.UCT) on
 * aarch64; DC IVAC (invalidate without clean) is EL1 only, so invalidation
 * uses clean-and-invalidate, which is safe as long as the CPU does not write
 * a buffer while the device owns it (our protocols never do). QEMU's virtio
 * devices are cache coherent, so on qemu_virt_aarch64 these are only cost.
 */
static uintptr_t dcache_line_size(void)
{
    uint64_t ctr;
    __asm__ volatile("mrs %0, ctr_el0" : "=r"(ctr));
    return (uintptr_t)4u << ((ctr >> 16) & 0xfu); /* DminLine: log2 of the smallest line in words */
}

void sddf_cache_clean(uintptr_t start, uintptr_t end)
{
    uintptr_t line = dcache_line_size();
    for (uintptr_t a = start & ~(line - 1u); a < end; a += line) {
        __asm__ volatile("dc cvac, %0" : : "r"(a) : "memory");
    }
    __asm__ volatile("dsb sy" : : : "memory");
}

void sddf_cache_invalidate(uintptr_t start, uintptr_t end)
{
    uintptr_t line = dcache_line_size();
    for (uintptr_t a = start & ~(line - 1u); a < end; a += line) {
        __asm__ volatile("dc civac, %0" : : "r"(a) : "memory");
    }
    __asm__ volatile("dsb sy" : : : "memory");
}

#ifndef MK_LOG_CHANNEL
#error "MK_LOG_CHANNEL: the id of this PD's channel to the console PD (platform/microkit/module.mk)"
#endif
_Static_assert(MK_LOG_CHANNEL <= MICROKIT_MAX_CHANNEL_ID, "MK_LOG_CHANNEL is a channel id");

/* The most one call to the console PD carries: every message register. */
#define LOG_MSG_BYTES (seL4_MsgMaxLength * sizeof(seL4_Word))

/* The part of a line gathered in the message registers, not yet sent. */
typedef struct {
    size_t len;
} log_msg_t;

/* Hands what is gathered to the console PD, which writes it out before it answers (platform/microkit/log/log.c). */
static void log_send(log_msg_t *m)
{
    if (m->len > 0) {
        seL4_Uint16 words = (seL4_Uint16)((m->len + sizeof(seL4_Word) - 1) / sizeof(seL4_Word));
        microkit_ppcall(MK_LOG_CHANNEL, microkit_msginfo_new(m->len, words));
        m->len = 0;
    }
}

/* The formatter's emitter: copies a piece into the message registers, sending when they are full. */
static void to_log(void *ctx, const char *s, size_t n)
{
    log_msg_t *m = ctx;
    char *regs = (char *)seL4_GetIPCBuffer()->msg;
    while (n > 0) {
        if (m->len == LOG_MSG_BYTES) {
            log_send(m);
        }
        size_t k = LOG_MSG_BYTES - m->len < n ? LOG_MSG_BYTES - m->len : n;
        memcpy(regs + m->len, s, k);
        m->len += k;
        s += k;
        n -= k;
    }
}

static void to_dbg(void *ctx, const char *s, size_t n)
{
    (void)ctx;
    (void)n;
    microkit_dbg_puts(s);
}

/*
 * Debug output, one line per call to the console PD, so that lines of PDs
 * that preempt each other never mix (docs/decisions.md, "Whole console lines
 * on seL4"). The line travels in this PD's message registers, so a handler
 * that reads message registers (a fault's, a call's) reads them first. A
 * PD without the channel (a system not built by platform/microkit/module.mk)
 * writes to the kernel itself, one character per system call. Either way
 * only a debug kernel prints.
 */
void sddf_log(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (microkit_pps & (1ull << MK_LOG_CHANNEL)) {
        log_msg_t m = {0};
        sddf_vformat(to_log, &m, fmt, ap);
        log_send(&m);
    } else {
        sddf_vformat(to_dbg, NULL, fmt, ap);
    }
    va_end(ap);
}

/* A broken invariant: say where, then fault on purpose so that the monitor reports the PD. */
_Noreturn void sddf_assert_fail(const char *expr, const char *file, int line)
{
    LOG_ERR("assertion '%s' failed at %s:%d\n", expr, file, line);
    for (;;) {
        *(volatile int *)0 = 0;
    }
}
