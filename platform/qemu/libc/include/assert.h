/* assert() for the qemu platform: a failed assertion stops the machine with a message. */
#pragma once

_Noreturn void qemu_assert_fail(const char *expr, const char *file, int line);

#ifdef NDEBUG
#define assert(e) ((void)0)
#else
#define assert(e) ((e) ? (void)0 : qemu_assert_fail(#e, __FILE__, __LINE__))
#endif

#ifndef __cplusplus
#define static_assert _Static_assert
#endif
