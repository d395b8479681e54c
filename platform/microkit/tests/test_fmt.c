/*
 * sddf_log's formatter on Microkit (src/fmt.c) against the C library's
 * vsnprintf, for every conversion, flag, width and length it supports, and
 * output longer than its buffer (emitted in pieces).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "fmt.h"

static char got[2048];
static size_t got_len;
static unsigned pieces;

static void emit(const char *s)
{
    size_t n = strlen(s);
    assert_true(n > 0 && n <= 95);
    assert_true(got_len + n < sizeof(got));
    memcpy(got + got_len, s, n + 1);
    got_len += n;
    pieces++;
}

static void format(const char *fmt, ...)
{
    got_len = 0;
    got[0] = '\0';
    pieces = 0;
    va_list ap;
    va_start(ap, fmt);
    sddf_mk_vformat(emit, fmt, ap);
    va_end(ap);
}

/* Formats with both and compares. */
static void same(const char *fmt, ...)
{
    char want[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(want, sizeof(want), fmt, ap);
    va_end(ap);
    got_len = 0;
    got[0] = '\0';
    va_start(ap, fmt);
    sddf_mk_vformat(emit, fmt, ap);
    va_end(ap);
    assert_string_equal(got, want);
}

static void test_integers(void **state)
{
    (void)state;
    same("%d %i %u", -42, 7, 4000000000u);
    same("%d %d", 0, -2147483647 - 1);
    same("%ld %lu %lld %llu", -5l, 6ul, -9223372036854775807ll - 1, 18446744073709551615ull);
    same("%zu %hu %hhu", (size_t)123456789, 65535, 255);
    same("%x %X %lx %llx", 0xdeadbeefu, 0xabcdefu, 0x1234567890ul, 0xfedcba9876543210ull);
}

static void test_width_and_flags(void **state)
{
    (void)state;
    same("[%8d][%-8d][%08d]", 42, 42, 42);
    same("[%08d][%8d][%-8d]", -42, -42, -42);
    same("[%08x][%2x][%016llx]", 0xbeefu, 0x12345u, 0xabcull);
    same("[%10s][%-10s][%2s]", "abc", "abc", "abcdef");
    same("[%c][%3c][%-3c]", 'x', 'y', 'z');
}

static void test_strings_pointers_percent(void **state)
{
    (void)state;
    same("GPU_VIRT|INFO: %s clients, 100%%\n", "four");
    same("%p", (void *)(uintptr_t)0x2000000u);
    format("%s", (const char *)NULL);
    assert_string_equal(got, "(null)");
    format("%q and %");
    assert_string_equal(got, "%q and ");
}

static void test_long_output_in_pieces(void **state)
{
    (void)state;
    char long_str[600];
    memset(long_str, 'a', sizeof(long_str) - 1);
    long_str[sizeof(long_str) - 1] = '\0';
    same("start %s end %d", long_str, 99);
    assert_true(pieces >= 7);
    format("");
    assert_int_equal(pieces, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_integers),
            cmocka_unit_test(test_width_and_flags),
            cmocka_unit_test(test_strings_pointers_percent),
            cmocka_unit_test(test_long_output_in_pieces),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
