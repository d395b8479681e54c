/*
 * The runtime's output on the UART: qemu_printf, sddf_log for PD code,
 * qemu_panic, and assert()'s sddf_assert_fail. Formatting is the shared
 * freestanding printf (platform/common/src/fmt.c), streamed to the UART.
 */
#include "runtime.h"

#include <assert.h>
#include <stdarg.h>

#include "sddf_fmt.h"

#define SDDF_LOG_COMPONENT "qemu"
#include <sddf/log.h>

static void to_uart(void *ctx, const char *s, size_t n)
{
    (void)ctx;
    (void)n;
    qemu_uart_puts(s);
}

static void vprint(const char *fmt, va_list ap)
{
    sddf_vformat(to_uart, NULL, fmt, ap);
}

void qemu_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprint(fmt, ap);
    va_end(ap);
}

void sddf_log(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprint(fmt, ap);
    va_end(ap);
}

_Noreturn void qemu_panic(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    qemu_uart_puts("qemu|FATAL: ");
    vprint(fmt, ap);
    va_end(ap);
    qemu_poweroff();
}

_Noreturn void sddf_assert_fail(const char *expr, const char *file, int line)
{
    qemu_panic("assertion '%s' failed at %s:%d\n", expr, file, line);
}
