/*
 * assert() on both freestanding platforms. Each platform defines
 * sddf_assert_fail: print the failed expression and where, then stop (qemu:
 * the machine; Microkit: the PD, by a fault the monitor reports).
 */
#pragma once

_Noreturn void sddf_assert_fail(const char *expr, const char *file, int line);

#ifdef NDEBUG
#define assert(e) ((void)0)
#else
#define assert(e) ((e) ? (void)0 : sddf_assert_fail(#e, __FILE__, __LINE__))
#endif

#ifndef __cplusplus
#define static_assert _Static_assert
#endif
