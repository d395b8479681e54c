/*
 * The fuzzers' view of their input: bytes read in order, 0 once it runs out
 * (so every input is a complete run). Shared by fuzz/isolation and fuzz/virt.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

typedef struct reader {
    const uint8_t *p;
    size_t n;
} reader_t;

static inline uint8_t rd8(reader_t *r)
{
    if (r->n == 0) {
        return 0;
    }
    r->n--;
    return *r->p++;
}

/* Four bytes, most significant first. */
static inline uint32_t rd32(reader_t *r)
{
    uint32_t v = 0;
    for (int i = 0; i < 4; i++) {
        v = v << 8 | rd8(r);
    }
    return v;
}
