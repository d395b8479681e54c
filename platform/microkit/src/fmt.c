/*
 * The formatter behind sddf_log() on Microkit (fmt.h). Plain C, no platform
 * header, so that host tests check it against the C library's printf.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fmt.h"

typedef struct {
    void (*emit)(const char *s);
    char buf[96];
    size_t len;
} out_t;

typedef struct {
    bool zero, left;
    unsigned width;
    unsigned size; /* 0 int, 1 long, 2 long long, 3 size_t */
} spec_t;

static void flush(out_t *o)
{
    o->buf[o->len] = '\0';
    o->emit(o->buf);
    o->len = 0;
}

static void put(out_t *o, char c)
{
    if (o->len == sizeof(o->buf) - 1) {
        flush(o);
    }
    o->buf[o->len++] = c;
}

static void put_padded(out_t *o, const spec_t *s, const char *str, size_t n)
{
    size_t pad = s->width > n ? s->width - n : 0;
    for (size_t i = 0; !s->left && i < pad; i++) {
        put(o, s->zero ? '0' : ' ');
    }
    for (size_t i = 0; i < n; i++) {
        put(o, str[i]);
    }
    for (size_t i = 0; s->left && i < pad; i++) {
        put(o, ' ');
    }
}

static void put_num(out_t *o, const spec_t *s, unsigned long long v, unsigned base, bool neg, bool upper)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char tmp[24];
    size_t n = 0;
    do {
        tmp[sizeof(tmp) - 1 - n++] = digits[v % base];
        v /= base;
    } while (v != 0);
    if (neg) {
        if (s->zero && s->width > 0) {
            put(o, '-');
            spec_t rest = *s;
            rest.width--;
            put_padded(o, &rest, &tmp[sizeof(tmp) - n], n);
            return;
        }
        tmp[sizeof(tmp) - 1 - n++] = '-';
    }
    put_padded(o, s, &tmp[sizeof(tmp) - n], n);
}

static unsigned long long take_unsigned(const spec_t *s, va_list *ap)
{
    switch (s->size) {
    case 1:
        return va_arg(*ap, unsigned long);
    case 2:
        return va_arg(*ap, unsigned long long);
    case 3:
        return va_arg(*ap, size_t);
    default:
        return va_arg(*ap, unsigned int);
    }
}

static long long take_signed(const spec_t *s, va_list *ap)
{
    switch (s->size) {
    case 1:
        return va_arg(*ap, long);
    case 2:
        return va_arg(*ap, long long);
    case 3:
        return (long long)va_arg(*ap, size_t);
    default:
        return va_arg(*ap, int);
    }
}

static const char *parse_spec(const char *f, spec_t *s)
{
    *s = (spec_t){0};
    for (; *f == '0' || *f == '-'; f++) {
        if (*f == '0') {
            s->zero = true;
        } else {
            s->left = true;
        }
    }
    for (; *f >= '0' && *f <= '9' && s->width < 1000u; f++) {
        s->width = s->width * 10u + (unsigned)(*f - '0');
    }
    for (; *f == 'h'; f++) {
    }
    if (*f == 'z') {
        s->size = 3;
        f++;
    }
    for (; *f == 'l' && s->size < 2; f++) {
        s->size++;
    }
    return f;
}

static void put_signed(out_t *o, const spec_t *s, long long v)
{
    unsigned long long mag = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
    put_num(o, s, mag, 10, v < 0, false);
}

static void put_string(out_t *o, const spec_t *s, const char *str)
{
    if (str == NULL) {
        str = "(null)";
    }
    size_t n = 0;
    while (str[n] != '\0') {
        n++;
    }
    put_padded(o, s, str, n);
}

static void convert(out_t *o, char conv, spec_t *s, va_list *ap)
{
    char c;
    switch (conv) {
    case 'd':
    case 'i':
        put_signed(o, s, take_signed(s, ap));
        break;
    case 'u':
        put_num(o, s, take_unsigned(s, ap), 10, false, false);
        break;
    case 'x':
    case 'X':
        put_num(o, s, take_unsigned(s, ap), 16, false, conv == 'X');
        break;
    case 'p':
        put_string(o, &(spec_t){0}, "0x");
        put_num(o, s, (uintptr_t)va_arg(*ap, void *), 16, false, false);
        break;
    case 's':
        put_string(o, s, va_arg(*ap, const char *));
        break;
    case 'c':
        c = (char)va_arg(*ap, int);
        put_padded(o, s, &c, 1);
        break;
    default:
        put(o, '%');
        put(o, conv);
        break;
    }
}

void sddf_mk_vformat(void (*emit)(const char *s), const char *fmt, va_list ap)
{
    out_t o = {.emit = emit, .len = 0};
    va_list args;
    va_copy(args, ap); /* a local va_list, so that its address can be passed on */
    for (const char *f = fmt; *f != '\0'; f++) {
        if (*f != '%') {
            put(&o, *f);
            continue;
        }
        if (f[1] == '%') {
            put(&o, '%');
            f++;
            continue;
        }
        spec_t s;
        f = parse_spec(f + 1, &s);
        if (*f == '\0') {
            break;
        }
        convert(&o, *f, &s, &args);
    }
    va_end(args);
    if (o.len > 0) {
        flush(&o);
    }
}
