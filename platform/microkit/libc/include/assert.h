/* assert() for PDs on Microkit: prints the failed expression and stops the PD (src/libc.c). */
#pragma once

_Noreturn void sddf_mk_assert_fail(const char *expr, const char *file, int line);

#ifdef NDEBUG
#define assert(e) ((void)0)
#else
#define assert(e) ((e) ? (void)0 : sddf_mk_assert_fail(#e, __FILE__, __LINE__))
#endif

#ifndef __cplusplus
#define static_assert _Static_assert
#endif
