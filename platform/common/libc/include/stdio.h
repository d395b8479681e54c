/*
 * The libc subset of both freestanding platforms: formatting only (output
 * goes through sddf_log). Conversions and limits: src/sddf_fmt.h.
 */
#pragma once

#include <stdarg.h>
#include <stddef.h>

int snprintf(char *buf, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int vsnprintf(char *buf, size_t cap, const char *fmt, va_list ap) __attribute__((format(printf, 3, 0)));
