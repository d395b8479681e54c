/*
 * A small vsnprintf for sddf_log() and the runtime: %d %i %u %x %X %o %p
 * %s %c %%, flags '-' and '0', field width and precision (also '*'),
 * length modifiers hh h l ll z j t. No floating point.
 */
#include "runtime.h"

#include <stdbool.h>
#include <stdio.h>

#define SDDF_LOG_COMPONENT "qemu"
#include <sddf/log.h>

typedef struct {
    char *buf;
    size_t cap;
    size_t len; /* what the full output would need */
} out_t;

typedef struct {
    bool left;
    bool zero;
    int width;
    int prec; /* -1: none */
    int size; /* 0 int, 1 long, 2 long long, -1 short, -2 char */
} spec_t;

static void put(out_t *o, char c)
{
    if (o->len + 1 < o->cap) {
        o->buf[o->len] = c;
    }
    o->len++;
}

static void pad(out_t *o, int n, char c)
{
    for (; n > 0; n--) {
        put(o, c);
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

static void put_num(out_t *o, const spec_t *s, unsigned long long v, unsigned base, bool neg, bool upper)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char tmp[24];
    int n = 0;
    do {
        tmp[n++] = digits[v % base];
        v /= base;
    } while (v != 0);
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

static int parse_int(const char **f, va_list *ap)
{
    if (**f == '*') {
        (*f)++;
        return va_arg(*ap, int);
    }
    int v = 0;
    while (**f >= '0' && **f <= '9') {
        v = v * 10 + (*(*f)++ - '0');
    }
    return v;
}

static void parse_spec(const char **f, spec_t *s, va_list *ap)
{
    *s = (spec_t){.prec = -1};
    for (;; (*f)++) {
        if (**f == '-') {
            s->left = true;
        } else if (**f == '0') {
            s->zero = true;
        } else if (**f != '+' && **f != ' ' && **f != '#') {
            break;
        }
    }
    s->width = parse_int(f, ap);
    if (s->width < 0) {
        s->left = true;
        s->width = -s->width;
    }
    if (**f == '.') {
        (*f)++;
        s->prec = parse_int(f, ap);
    }
    for (;; (*f)++) {
        if (**f == 'l') {
            s->size = s->size == 1 ? 2 : 1;
        } else if (**f == 'h') {
            s->size = s->size == -1 ? -2 : -1;
        } else if (**f == 'z' || **f == 'j' || **f == 't') {
            s->size = 1;
        } else {
            break;
        }
    }
}

static void convert(out_t *o, char conv, spec_t *s, va_list *ap)
{
    long long v;
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
        put(o, (char)va_arg(*ap, int));
        break;
    default:
        put(o, '%');
        put(o, conv);
        break;
    }
}

int qemu_vsnprintf(char *buf, size_t cap, const char *fmt, va_list ap)
{
    out_t o = {.buf = buf, .cap = cap};
    va_list args;
    va_copy(args, ap);
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
    if (cap > 0) {
        buf[o.len < cap ? o.len : cap - 1] = '\0';
    }
    return (int)o.len;
}

int vsnprintf(char *buf, size_t cap, const char *fmt, va_list ap)
{
    return qemu_vsnprintf(buf, cap, fmt, ap);
}

int snprintf(char *buf, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = qemu_vsnprintf(buf, cap, fmt, ap);
    va_end(ap);
    return n;
}

static void vprint(const char *fmt, va_list ap)
{
    char line[512];
    qemu_vsnprintf(line, sizeof(line), fmt, ap);
    qemu_uart_puts(line);
}

void qemu_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprint(fmt, ap);
    va_end(ap);
}

void sddf_log(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprint(fmt, ap);
    va_end(ap);
}

_Noreturn void qemu_panic(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    qemu_uart_puts("qemu|FATAL: ");
    vprint(fmt, ap);
    va_end(ap);
    qemu_poweroff();
}
