/*
 * The printf of both freestanding platforms (qemu, Microkit): conversions
 * d i u x X o p s c %, flags - and 0 (+, space and # are accepted and
 * ignored), a width and a precision (decimal or *, widths above
 * SDDF_FMT_MAX_WIDTH are cut to it), length modifiers hh h l ll z j t (LP64).
 * No floating point. An unknown conversion is printed as it stands; %p
 * prints 0x and the hex digits. Plain C with no platform header, so that
 * host tests compare it with the C library's printf.
 */
#pragma once

#include <stdarg.h>
#include <stddef.h>

/* Largest piece handed to an emitter, in bytes. */
#define SDDF_FMT_PIECE     95
#define SDDF_FMT_MAX_WIDTH 4096

/* Receives the output in order, in pieces of 1..SDDF_FMT_PIECE bytes; s[n] is '\0'. */
typedef void (*sddf_fmt_emit_t)(void *ctx, const char *s, size_t n);

/* Formats `fmt` with `ap` into `emit` (piece by piece); returns the number of bytes produced. */
size_t sddf_vformat(sddf_fmt_emit_t emit, void *ctx, const char *fmt, va_list ap);

/*
 * vsnprintf: writes at most cap - 1 bytes and a '\0' (nothing when cap is
 * 0); returns the length the whole output needs (INT_MAX if larger).
 */
int sddf_vsnprintf(char *buf, size_t cap, const char *fmt, va_list ap);
