/* The qemu platform's libc subset: formatting only (output goes through sddf_log). */
#pragma once

#include <stdarg.h>
#include <stddef.h>

int snprintf(char *buf, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int vsnprintf(char *buf, size_t cap, const char *fmt, va_list ap) __attribute__((format(printf, 3, 0)));
