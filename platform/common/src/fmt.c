/*
 * The freestanding printf (sddf_fmt.h): output is collected in a small
 * buffer and handed to the emitter whenever it fills, so a line of any
 * length goes out without a large stack buffer.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sddf_fmt.h"

/* z, j and t read a long: true on the LP64 targets this serves (aarch64, the x86-64 host). */
_Static_assert(sizeof(size_t) == sizeof(long) && sizeof(intmax_t) == sizeof(long), "LP64 only");

typedef struct {
    sddf_fmt_emit_t emit;
    void *ctx;
    char buf[SDDF_FMT_PIECE + 1];
    size_t len;   /* bytes waiting in buf */
    size_t total; /* bytes produced so far */
} out_t;

typedef struct {
    bool left;
    bool zero;
    int width;
    int prec; /* -1: none */
    int size; /* 0 int, 1 long, 2 long long, -1 short, -2 char */
} spec_t;

static void flush(out_t *o)
{
    if (o->len > 0) {
        o->buf[o->len] = '\0';
        o->emit(o->ctx, o->buf, o->len);
        o->len = 0;
    }
}

static void put(out_t *o, char c)
{
    if (o->len == SDDF_FMT_PIECE) {
        flush(o);
    }
    o->buf[o->len++] = c;
    o->total++;
}

static void pad(out_t *o, int n, char c)
{
    for (; n > 0; n--) {
        put(o, c);
    }
}

/* n characters of str in a field of the spec's width (space padded). */
static void put_field(out_t *o, const spec_t *s, const char *str, int n)
{
    if (!s->left) {
        pad(o, s->width - n, ' ');
    }
    for (int i = 0; i < n; i++) {
        put(o, str[i]);
    }
    if (s->left) {
        pad(o, s->width - n, ' ');
    }
}

static void put_str(out_t *o, const spec_t *s, const char *str)
{
    if (str == NULL) {
        str = "(null)";
    }
    int n = 0;
    while (str[n] != '\0' && (s->prec < 0 || n < s->prec)) {
        n++;
    }
    put_field(o, s, str, n);
}

static void put_num(out_t *o, const spec_t *s, unsigned long long v, unsigned base, bool neg, bool upper)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char tmp[24];
    int n = 0;
    while (v != 0 || (n == 0 && s->prec != 0)) { /* precision 0 prints no digit for 0 */
        tmp[n++] = digits[v % base];
        v /= base;
    }
    int zeros = s->prec > n ? s->prec - n : 0;
    int body = n + zeros + (neg ? 1 : 0);
    if (s->zero && !s->left && s->prec < 0 && s->width > body) {
        zeros += s->width - body;
        body = s->width;
    }
    if (!s->left) {
        pad(o, s->width - body, ' ');
    }
    if (neg) {
        put(o, '-');
    }
    pad(o, zeros, '0');
    while (n > 0) {
        put(o, tmp[--n]);
    }
    if (s->left) {
        pad(o, s->width - body, ' ');
    }
}

static long long signed_arg(const spec_t *s, va_list *ap)
{
    switch (s->size) {
    case 2:
        return va_arg(*ap, long long);
    case 1:
        return va_arg(*ap, long);
    case -1:
        return (short)va_arg(*ap, int);
    case -2:
        return (signed char)va_arg(*ap, int);
    default:
        return va_arg(*ap, int);
    }
}

static unsigned long long unsigned_arg(const spec_t *s, va_list *ap)
{
    switch (s->size) {
    case 2:
        return va_arg(*ap, unsigned long long);
    case 1:
        return va_arg(*ap, unsigned long);
    case -1:
        return (unsigned short)va_arg(*ap, unsigned);
    case -2:
        return (unsigned char)va_arg(*ap, unsigned);
    default:
        return va_arg(*ap, unsigned);
    }
}

/* A width or precision: digits or '*'; the result is within +-SDDF_FMT_MAX_WIDTH. */
static int parse_int(const char **f, va_list *ap)
{
    long v = 0;
    if (**f == '*') {
        (*f)++;
        v = va_arg(*ap, int);
    }
    for (; **f >= '0' && **f <= '9'; (*f)++) {
        if (v <= SDDF_FMT_MAX_WIDTH) {
            v = v * 10 + (**f - '0');
        }
    }
    v = v > SDDF_FMT_MAX_WIDTH ? SDDF_FMT_MAX_WIDTH : v;
    return (int)(v < -SDDF_FMT_MAX_WIDTH ? -SDDF_FMT_MAX_WIDTH : v);
}

static void parse_flags(const char **f, spec_t *s)
{
    for (;; (*f)++) {
        if (**f == '-') {
            s->left = true;
        } else if (**f == '0') {
            s->zero = true;
        } else if (**f != '+' && **f != ' ' && **f != '#') {
            return;
        }
    }
}

static void parse_spec(const char **f, spec_t *s, va_list *ap)
{
    *s = (spec_t){.prec = -1};
    parse_flags(f, s);
    s->width = parse_int(f, ap);
    if (s->width < 0) {
        s->left = true;
        s->width = -s->width;
    }
    if (**f == '.') {
        (*f)++;
        s->prec = parse_int(f, ap); /* negative: as if none */
    }
    for (;; (*f)++) {
        if (**f == 'l') {
            s->size = s->size == 1 ? 2 : 1;
        } else if (**f == 'h') {
            s->size = s->size == -1 ? -2 : -1;
        } else if (**f == 'z' || **f == 'j' || **f == 't') {
            s->size = 1;
        } else {
            return;
        }
    }
}

static void convert(out_t *o, char conv, const spec_t *s, va_list *ap)
{
    long long v;
    char c;
    switch (conv) {
    case 'd':
    case 'i':
        v = signed_arg(s, ap);
        put_num(o, s, v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v, 10, v < 0, false);
        break;
    case 'u':
        put_num(o, s, unsigned_arg(s, ap), 10, false, false);
        break;
    case 'x':
    case 'X':
        put_num(o, s, unsigned_arg(s, ap), 16, false, conv == 'X');
        break;
    case 'o':
        put_num(o, s, unsigned_arg(s, ap), 8, false, false);
        break;
    case 'p':
        put(o, '0');
        put(o, 'x');
        put_num(o, s, (uintptr_t)va_arg(*ap, void *), 16, false, false);
        break;
    case 's':
        put_str(o, s, va_arg(*ap, const char *));
        break;
    case 'c':
        c = (char)va_arg(*ap, int);
        put_field(o, s, &c, 1);
        break;
    default:
        put(o, '%');
        put(o, conv);
        break;
    }
}

size_t sddf_vformat(sddf_fmt_emit_t emit, void *ctx, const char *fmt, va_list ap)
{
    out_t o = {.emit = emit, .ctx = ctx};
    va_list args;
    va_copy(args, ap); /* a local va_list, so that its address can be passed on */
    for (const char *f = fmt; *f != '\0'; f++) {
        if (*f != '%') {
            put(&o, *f);
            continue;
        }
        f++;
        if (*f == '%') {
            put(&o, '%');
            continue;
        }
        spec_t s;
        parse_spec(&f, &s, &args);
        if (*f == '\0') {
            break;
        }
        convert(&o, *f, &s, &args);
    }
    va_end(args);
    flush(&o);
    return o.total;
}

typedef struct {
    char *buf;
    size_t cap;
    size_t len; /* bytes stored, at most cap - 1 */
} sink_t;

static void to_buffer(void *ctx, const char *s, size_t n)
{
    sink_t *k = ctx;
    for (size_t i = 0; i < n && k->len + 1 < k->cap; i++) {
        k->buf[k->len++] = s[i];
    }
}

int sddf_vsnprintf(char *buf, size_t cap, const char *fmt, va_list ap)
{
    sink_t k = {.buf = buf, .cap = cap};
    size_t n = sddf_vformat(to_buffer, &k, fmt, ap);
    if (cap > 0) {
        buf[k.len] = '\0';
    }
    return n > (size_t)__INT_MAX__ ? __INT_MAX__ : (int)n;
}
