/*
 * The few libc functions that component code and the compiler need in a
 * Microkit PD (the SDK ships none). Byte loops: simple and obviously right;
 * -fno-tree-loop-distribute-patterns keeps the compiler from turning them
 * into calls to themselves.
 */
#include <assert.h>
#include <microkit.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define SDDF_LOG_COMPONENT "PD"
#include <sddf/log.h>

void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    for (size_t i = 0; i < n; i++) {
        d[i] = s[i];
    }
    return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    if ((uintptr_t)d < (uintptr_t)s) {
        for (size_t i = 0; i < n; i++) {
            d[i] = s[i];
        }
    } else {
        for (size_t i = n; i > 0; i--) {
            d[i - 1] = s[i - 1];
        }
    }
    return dst;
}

void *memset(void *dst, int c, size_t n)
{
    unsigned char *d = dst;
    for (size_t i = 0; i < n; i++) {
        d[i] = (unsigned char)c;
    }
    return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a;
    const unsigned char *y = b;
    for (size_t i = 0; i < n; i++) {
        if (x[i] != y[i]) {
            return x[i] < y[i] ? -1 : 1;
        }
    }
    return 0;
}

size_t strlen(const char *s)
{
    size_t n = 0;
    while (s[n] != '\0') {
        n++;
    }
    return n;
}

/* A broken invariant: say where, then fault on purpose so that the monitor reports the PD. */
_Noreturn void sddf_mk_assert_fail(const char *expr, const char *file, int line)
{
    LOG_ERR("assertion '%s' failed at %s:%d\n", expr, file, line);
    for (;;) {
        *(volatile int *)0 = 0;
    }
}
