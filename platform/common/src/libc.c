/*
 * The string functions that component code and the compiler need on both
 * freestanding platforms (libc/include/string.h). Simple loops, word-sized
 * where both pointers allow aligned words (never an unaligned access, so
 * -mstrict-align code may call them); -fno-tree-loop-distribute-patterns
 * keeps the compiler from turning them back into calls to themselves.
 */
#include <stdint.h>
#include <string.h>

/* Word-sized accesses that may alias anything, for the aligned middle of a copy or fill. */
typedef uint64_t __attribute__((may_alias)) word_t;

void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    size_t i = 0;
    if ((((uintptr_t)d ^ (uintptr_t)s) & 7u) == 0) {
        for (; i < n && ((uintptr_t)(d + i) & 7u) != 0; i++) {
            d[i] = s[i];
        }
        for (; n - i >= 8; i += 8) {
            *(word_t *)(d + i) = *(const word_t *)(s + i);
        }
    }
    for (; i < n; i++) {
        d[i] = s[i];
    }
    return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    if ((uintptr_t)d < (uintptr_t)s) {
        for (size_t i = 0; i < n; i++) {
            d[i] = s[i];
        }
    } else {
        for (size_t i = n; i > 0; i--) {
            d[i - 1] = s[i - 1];
        }
    }
    return dst;
}

void *memset(void *dst, int c, size_t n)
{
    unsigned char *d = dst;
    size_t i = 0;
    for (; i < n && ((uintptr_t)(d + i) & 7u) != 0; i++) {
        d[i] = (unsigned char)c;
    }
    word_t w = (unsigned char)c * 0x0101010101010101ull;
    for (; n - i >= 8; i += 8) {
        *(word_t *)(d + i) = w;
    }
    for (; i < n; i++) {
        d[i] = (unsigned char)c;
    }
    return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a;
    const unsigned char *y = b;
    for (size_t i = 0; i < n; i++) {
        if (x[i] != y[i]) {
            return x[i] < y[i] ? -1 : 1;
        }
    }
    return 0;
}

size_t strlen(const char *s)
{
    size_t n = 0;
    while (s[n] != '\0') {
        n++;
    }
    return n;
}

int strncmp(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char x = (unsigned char)a[i];
        unsigned char y = (unsigned char)b[i];
        if (x != y || x == '\0') {
            return x < y ? -1 : x > y ? 1 : 0;
        }
    }
    return 0;
}

int strcmp(const char *a, const char *b)
{
    return strncmp(a, b, (size_t)-1);
}
