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

static void to_dbg(void *ctx, const char *s, size_t n)
{
    (void)ctx;
    (void)n;
    microkit_dbg_puts(s);
}

/*
 * Debug output: microkit_dbg_puts exists in every configuration but prints
 * only with a debug kernel. The shared printf (platform/common/src/fmt.c)
 * hands it the line in pieces of at most SDDF_FMT_PIECE bytes.
 */
void sddf_log(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sddf_vformat(to_dbg, NULL, fmt, ap);
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
