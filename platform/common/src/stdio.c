/* libc/include/stdio.h over the shared formatter (src/fmt.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#include "sddf_fmt.h"

int vsnprintf(char *buf, size_t cap, const char *fmt, va_list ap)
{
    return sddf_vsnprintf(buf, cap, fmt, ap);
}

int snprintf(char *buf, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = sddf_vsnprintf(buf, cap, fmt, ap);
    va_end(ap);
    return n;
}
