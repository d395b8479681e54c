/*
 * A small printf for sddf_log() on Microkit: conversions d i u x X p s c %,
 * flags 0 and -, a decimal width (at most 999), length modifiers hh h l ll
 * z. Output goes to `emit` in NUL-terminated pieces of at most 95
 * characters; an unknown conversion is printed as it stands.
 */
#pragma once

#include <stdarg.h>

void sddf_mk_vformat(void (*emit)(const char *s), const char *fmt, va_list ap);
