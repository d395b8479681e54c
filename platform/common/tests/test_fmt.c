/*
 * The platforms' printf (src/fmt.c) against the C library's vsnprintf: every
 * conversion, flag, width, precision and length it supports, output longer
 * than its buffer (emitted in pieces), and sddf_vsnprintf's truncation and
 * return value.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "sddf_fmt.h"

static char got[8192];
static size_t got_len;
static unsigned pieces;

static void emit(void *ctx, const char *s, size_t n)
{
    assert_ptr_equal(ctx, &pieces);
    assert_true(n > 0 && n <= SDDF_FMT_PIECE);
    assert_int_equal(s[n], '\0');
    assert_true(got_len + n < sizeof(got));
    memcpy(got + got_len, s, n + 1);
    got_len += n;
    pieces++;
}

static size_t vformat(const char *fmt, va_list ap)
{
    got_len = 0;
    got[0] = '\0';
    pieces = 0;
    return sddf_vformat(emit, &pieces, fmt, ap);
}

static void format(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    size_t n = vformat(fmt, ap);
    va_end(ap);
    assert_int_equal(n, got_len);
}

/* Formats with both and compares the text and the length. */
static void same(const char *fmt, ...)
{
    char want[sizeof(got)];
    va_list ap;
    va_start(ap, fmt);
    int want_len = vsnprintf(want, sizeof(want), fmt, ap);
    va_end(ap);
    va_start(ap, fmt);
    size_t n = vformat(fmt, ap);
    va_end(ap);
    assert_string_equal(got, want);
    assert_int_equal(n, (size_t)want_len);
}

static void test_integers(void **state)
{
    (void)state;
    same("%d %i %u", -42, 7, 4000000000u);
    same("%d %d", 0, -2147483647 - 1);
    same("%ld %lu %lld %llu", -5l, 6ul, -9223372036854775807ll - 1, 18446744073709551615ull);
    same("%zu %zd %ju %td", (size_t)123456789, (ptrdiff_t)-5, (uintmax_t)1 << 40, (ptrdiff_t)-7);
    same("%hu %hhu %hd %hhd %hhx", 65535, 255, 40000, 200, 0x1ff);
    same("%x %X %lx %llx", 0xdeadbeefu, 0xabcdefu, 0x1234567890ul, 0xfedcba9876543210ull);
    same("%o %lo %llo", 8u, 0777ul, 18446744073709551615ull);
}

static void test_width_and_flags(void **state)
{
    (void)state;
    same("[%8d][%-8d][%08d]", 42, 42, 42);
    same("[%08d][%8d][%-8d][%-08d]", -42, -42, -42, -42);
    same("[%08x][%2x][%016llx]", 0xbeefu, 0x12345u, 0xabcull);
    same("[%10s][%-10s][%2s]", "abc", "abc", "abcdef");
    same("[%c][%3c][%-3c]", 'x', 'y', 'z');
    same("[%*d][%-*d][%*d]", 5, 1, 5, 2, -5, 3);
}

static void test_precision(void **state)
{
    (void)state;
    same("[%.3d][%.3d][%8.3d][%-8.3d][%08.3d]", 7, -7, 7, -7, 7);
    same("[%.0d][%.0u][%5.0x][%.d]", 0, 0u, 0u, 0);
    same("[%.2s][%.0s][%8.2s][%-8.2s][%.10s]", "abc", "abc", "abc", "abc", "abc");
    same("[%.*d][%.*s][%.*d]", 4, 5, 1, "xyz", -1, 6);
    same("[%*.*d]", 7, 3, -12);
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
    format("%5000d|", 1); /* width cut to SDDF_FMT_MAX_WIDTH */
    assert_int_equal(got_len, SDDF_FMT_MAX_WIDTH + 1);
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

static int bounded(char *buf, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = sddf_vsnprintf(buf, cap, fmt, ap);
    va_end(ap);
    return n;
}

static void test_vsnprintf(void **state)
{
    (void)state;
    char b[16];
    memset(b, 'x', sizeof(b));
    assert_int_equal(bounded(b, 4, "%s", "truncated"), 9);
    assert_string_equal(b, "tru");
    assert_int_equal(b[4], 'x'); /* nothing written past cap */
    assert_int_equal(bounded(b, sizeof(b), "%d|%s", -3, "ok"), 5);
    assert_string_equal(b, "-3|ok");
    b[0] = 'x';
    assert_int_equal(bounded(b, 0, "%d", 12345), 5);
    assert_int_equal(b[0], 'x');
    assert_int_equal(bounded(b, 1, "%d", 12345), 5);
    assert_string_equal(b, "");
    char big[300];
    char want[300];
    memset(big, 'b', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    assert_int_equal(bounded(want, 200, "%s!", big), 300);
    assert_int_equal(strlen(want), 199);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_integers),
            cmocka_unit_test(test_width_and_flags),
            cmocka_unit_test(test_precision),
            cmocka_unit_test(test_strings_pointers_percent),
            cmocka_unit_test(test_long_output_in_pieces),
            cmocka_unit_test(test_vsnprintf),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
