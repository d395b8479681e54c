/*
 * selftest: table-driven checks of the runtime's libc subset as PD code
 * sees it, then a deliberate fault (an access to an unmapped address),
 * which the runtime must report as FATAL and answer by powering off.
 */
#include <sddf/os.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "sdf_config.h"

#define SDDF_LOG_COMPONENT "selftest"
#include <sddf/log.h>

uintptr_t scratch;

static unsigned passed, failed;

static void expect(int ok, const char *what)
{
    if (ok) {
        passed++;
    } else {
        failed++;
        LOG_ERR("check failed: %s\n", what);
    }
}

static void expect_format(const char *got, const char *want)
{
    if (strcmp(got, want) != 0) {
        LOG_ERR("format: got '%s', want '%s'\n", got, want);
    }
    expect(strcmp(got, want) == 0, "format");
}

static void check_printf(void)
{
    char b[64];
    snprintf(b, sizeof(b), "%d %i %u %x %X %o %c %%", -42, 7, 4000000000u, 0xbeefu, 0xbeefu, 8u, 'z');
    expect_format(b, "-42 7 4000000000 beef BEEF 10 z %");
    snprintf(b, sizeof(b), "[%5d|%-5d|%05d|%.3d|%*d]", 42, 42, -42, 7, 4, 1);
    expect_format(b, "[   42|42   |-0042|007|   1]");
    snprintf(b, sizeof(b), "%lld %llu %lx %zu %hhu %hd", -9000000000ll, 18446744073709551615ull, 0x1234abcdul,
             (size_t)99, (unsigned char)255, (short)-3);
    expect_format(b, "-9000000000 18446744073709551615 1234abcd 99 255 -3");
    snprintf(b, sizeof(b), "[%s|%.2s|%6s|%-6s]%p", "abc", "abc", "ab", "ab", (void *)0x10);
    expect_format(b, "[abc|ab|    ab|ab    ]0x10");
    int n = snprintf(b, 4, "%s", "truncated");
    expect(n == 9 && strcmp(b, "tru") == 0, "snprintf truncates and returns the full length");
    snprintf(b, sizeof(b), "%d", (int)(-2147483647 - 1));
    expect_format(b, "-2147483648");
}

/* memcpy and memset over every small alignment and length, against byte-by-byte references. */
static void check_long_copies(void)
{
    static uint8_t src[64], dst[64];
    int ok = 1;
    for (unsigned i = 0; i < sizeof(src); i++) {
        src[i] = (uint8_t)(i * 7 + 1);
    }
    for (unsigned so = 0; so < 9; so++) {
        for (unsigned doff = 0; doff < 9; doff++) {
            for (unsigned len = 0; len < 40; len++) {
                for (unsigned i = 0; i < sizeof(dst); i++) {
                    dst[i] = 0xee;
                }
                memcpy(dst + doff, src + so, len);
                for (unsigned i = 0; i < sizeof(dst); i++) {
                    uint8_t want = (i >= doff && i < doff + len) ? src[so + i - doff] : 0xee;
                    ok = ok && dst[i] == want;
                }
                memset(dst + doff, so, len);
                for (unsigned i = 0; i < sizeof(dst); i++) {
                    ok = ok && dst[i] == ((i >= doff && i < doff + len) ? (uint8_t)so : 0xee);
                }
            }
        }
    }
    expect(ok, "memcpy and memset at every alignment");
}

static void check_memory(void)
{
    char b[16] = "0123456789";
    memmove(b + 2, b, 8);
    expect(memcmp(b, "0101234567", 10) == 0, "memmove forwards overlap");
    memmove(b, b + 2, 8);
    expect(memcmp(b, "0123456767", 10) == 0, "memmove backwards overlap");
    memset(b, 'x', 3);
    expect(memcmp(b, "xxx", 3) == 0 && b[3] == '3', "memset");
    check_long_copies();
    expect(memcmp("abc", "abd", 3) < 0 && memcmp("abd", "abc", 3) > 0, "memcmp order");
    expect(strcmp("a", "ab") < 0 && strncmp("abc", "abd", 2) == 0 && strlen("four") == 4, "str functions");
    uint8_t *s = (uint8_t *)scratch;
    int zero = 1;
    for (size_t i = 0; i < SDF_MR_SCRATCH_SIZE; i += 4096) {
        zero = zero && s[i] == 0;
    }
    expect(zero && scratch == SDF_MR_SCRATCH_VADDR && scratch % 0x200000 == 0, "region zeroed, 2 MiB aligned");
    memcpy(s, "cache", 6);
    sddf_cache_clean(scratch, scratch + 4096);
    sddf_cache_invalidate(scratch, scratch + 4096);
    expect(memcmp(s, "cache", 6) == 0, "cache clean and invalidate keep data");
}

void init(void)
{
    check_printf();
    check_memory();
    LOG_INFO("%u checks passed, %u failed\n", passed, failed);
    LOG_INFO("now faulting on purpose\n");
    volatile uint32_t *unmapped = (volatile uint32_t *)0x2000000000ull; /* 128 GiB: no mapping there */
    (void)*unmapped;
    LOG_ERR("survived an access to an unmapped address\n");
}

void notified(sddf_channel_t ch)
{
    LOG_ERR("unexpected notification on channel %u\n", ch);
}
