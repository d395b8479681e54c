/*
 * vnc_resize (tests/qemu/tools/vnc_resize.c) against a scripted RFB server
 * on a socketpair: what it sends, that it finds the answer among other
 * server messages, and that every malformed or hostile server stream ends
 * in a clean failure (no hang, no read past what was announced).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#define VNC_RESIZE_NO_MAIN
#include "tools/vnc_resize.c"

typedef struct {
    uint8_t b[4096];
    size_t n;
} script_t;

static void put_bytes(script_t *s, const void *p, size_t n)
{
    assert_true(s->n + n <= sizeof(s->b));
    memcpy(s->b + s->n, p, n);
    s->n += n;
}

static void put_u8(script_t *s, uint32_t v)
{
    uint8_t b = (uint8_t)v;
    put_bytes(s, &b, 1);
}

static void put_u16(script_t *s, uint32_t v)
{
    put_u8(s, v >> 8);
    put_u8(s, v);
}

static void put_u32(script_t *s, uint32_t v)
{
    put_u16(s, v >> 16);
    put_u16(s, v);
}

/* What QEMU sends up to and including ServerInit (1280x800, "QEMU"). */
static void put_greeting(script_t *s)
{
    put_bytes(s, "RFB 003.008\n", 12);
    put_u8(s, 1); /* one security type: None */
    put_u8(s, RFB_SEC_NONE);
    put_u32(s, 0); /* SecurityResult OK */
    put_u16(s, 1280);
    put_u16(s, 800);
    uint8_t pixel_format[16] = {32, 24, 0, 1};
    put_bytes(s, pixel_format, sizeof(pixel_format));
    put_u32(s, 4);
    put_bytes(s, "QEMU", 4);
}

/* An ExtendedDesktopSize rectangle with one screen. */
static void put_ext_rect(script_t *s, uint32_t reason, uint32_t status, uint32_t w, uint32_t h)
{
    put_u16(s, reason);
    put_u16(s, status);
    put_u16(s, w);
    put_u16(s, h);
    put_u32(s, (uint32_t)RFB_ENC_EXT_DESKTOP);
    put_u8(s, 1);
    put_u8(s, 0);
    put_u16(s, 0);
    uint8_t screen[16] = {0};
    put_bytes(s, screen, sizeof(screen));
}

static void put_answer(script_t *s, uint32_t status)
{
    put_u8(s, RFB_MSG_FB_UPDATE);
    put_u8(s, 0);
    put_u16(s, 1);
    put_ext_rect(s, RFB_REASON_THIS_CLIENT, status, 1280, 800);
}

/* Runs the session against `s` (then end of stream); the client's bytes land in *sent. */
static bool run(const script_t *s, uint32_t w, uint32_t h, vnc_answer_t *a, script_t *sent)
{
    int sv[2];
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    struct timeval tv = {.tv_sec = 2};
    assert_int_equal(setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)), 0);
    assert_int_equal(write(sv[1], s->b, s->n), (ssize_t)s->n);
    assert_int_equal(shutdown(sv[1], SHUT_WR), 0);
    bool ok = vnc_resize_session(sv[0], w, h, a);
    close(sv[0]);
    ssize_t n = read(sv[1], sent->b, sizeof(sent->b));
    sent->n = n > 0 ? (size_t)n : 0;
    close(sv[1]);
    return ok;
}

static void test_sends_set_desktop_size(void **state)
{
    (void)state;
    script_t s = {0}, sent;
    put_greeting(&s);
    put_answer(&s, RFB_STATUS_FORWARDED);
    vnc_answer_t a;
    assert_true(run(&s, 1024, 768, &a, &sent));
    assert_true(vnc_answer_accepted(&a));
    assert_int_equal(a.before_w, 1280);
    assert_int_equal(a.status, RFB_STATUS_FORWARDED);
    const uint8_t want[] = {
            'R', 'F', 'B', ' ', '0',  '0',  '3',  '.',  '0', '0', '8', '\n', /* version */
            1,                                                               /* security None */
            1,                                                               /* ClientInit: shared */
            2,   0,   0,   1,   0xff, 0xff, 0xfe, 0xcc,                      /* SetEncodings: ExtendedDesktopSize */
            251, 0,   4,   0,   3,    0,    1,    0,                         /* SetDesktopSize 1024x768, 1 screen */
            0,   0,   0,   0,   0,    0,    0,    0,    4,   0,   3,   0,    0, 0, 0, 0, /* screen 0 at 0,0, 1024x768 */
    };
    assert_int_equal(sent.n, sizeof(want));
    assert_memory_equal(sent.b, want, sizeof(want));
}

static void test_status_decides(void **state)
{
    (void)state;
    const struct {
        uint32_t status;
        bool accepted;
    } cases[] = {{RFB_STATUS_OK, true}, {RFB_STATUS_FORWARDED, true}, {1, false}, {2, false}, {3, false}};
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        script_t s = {0}, sent;
        put_greeting(&s);
        put_answer(&s, cases[i].status);
        vnc_answer_t a;
        assert_true(run(&s, 800, 600, &a, &sent));
        assert_int_equal(vnc_answer_accepted(&a), cases[i].accepted);
    }
}

/* A bell, cut text and the server's own ExtendedDesktopSize come first: skipped, the answer found. */
static void test_finds_answer_among_other_messages(void **state)
{
    (void)state;
    script_t s = {0}, sent;
    put_greeting(&s);
    put_u8(&s, RFB_MSG_BELL);
    put_u8(&s, RFB_MSG_CUT_TEXT);
    put_bytes(&s, "\0\0\0", 3);
    put_u32(&s, 5);
    put_bytes(&s, "hello", 5);
    put_u8(&s, RFB_MSG_FB_UPDATE);
    put_u8(&s, 0);
    put_u16(&s, 2);
    put_ext_rect(&s, 0, 0, 1280, 800); /* reason 0: the server's own change */
    put_ext_rect(&s, RFB_REASON_THIS_CLIENT, RFB_STATUS_OK, 640, 480);
    vnc_answer_t a;
    assert_true(run(&s, 640, 480, &a, &sent));
    assert_int_equal(a.status, RFB_STATUS_OK);
    assert_int_equal(a.now_w, 640);
    assert_int_equal(a.now_h, 480);
}

typedef void (*spoil_fn)(script_t *s);

static void bad_banner(script_t *s)
{
    put_bytes(s, "SSH-2.0-OpenSSH\n", 16);
}

static void only_vnc_auth(script_t *s)
{
    put_bytes(s, "RFB 003.008\n", 12);
    put_u8(s, 1);
    put_u8(s, 2);
}

static void no_security_types(script_t *s)
{
    put_bytes(s, "RFB 003.008\n", 12);
    put_u8(s, 0);
    put_u32(s, 6);
    put_bytes(s, "go away", 6);
}

static void security_failed(script_t *s)
{
    put_bytes(s, "RFB 003.008\n", 12);
    put_u8(s, 1);
    put_u8(s, RFB_SEC_NONE);
    put_u32(s, 1);
}

static void huge_name(script_t *s)
{
    put_greeting(s);
    s->n -= 8;
    put_u32(s, 0x7fffffffu);
}

static void closed_before_answer(script_t *s)
{
    put_greeting(s);
}

static void raw_rectangle(script_t *s)
{
    put_greeting(s);
    put_u8(s, RFB_MSG_FB_UPDATE);
    put_u8(s, 0);
    put_u16(s, 1);
    put_u16(s, 0);
    put_u16(s, 0);
    put_u16(s, 16);
    put_u16(s, 16);
    put_u32(s, 0); /* Raw: a length we cannot know we were sent */
}

static void huge_cut_text(script_t *s)
{
    put_greeting(s);
    put_u8(s, RFB_MSG_CUT_TEXT);
    put_bytes(s, "\0\0\0", 3);
    put_u32(s, 0xffffffffu);
}

static void unknown_message(script_t *s)
{
    put_greeting(s);
    put_u8(s, 7);
}

static void truncated_screens(script_t *s)
{
    put_greeting(s);
    put_u8(s, RFB_MSG_FB_UPDATE);
    put_u8(s, 0);
    put_u16(s, 1);
    put_u16(s, RFB_REASON_THIS_CLIENT);
    put_u16(s, 0);
    put_u16(s, 1280);
    put_u16(s, 800);
    put_u32(s, (uint32_t)RFB_ENC_EXT_DESKTOP);
    put_u8(s, 255); /* 255 screens announced, none sent */
    put_bytes(s, "\0\0\0", 3);
}

static void bells_forever(script_t *s)
{
    put_greeting(s);
    for (uint32_t i = 0; i <= MAX_MESSAGES; i++) {
        put_u8(s, RFB_MSG_BELL);
    }
    put_answer(s, RFB_STATUS_OK); /* too late: given up before */
}

static void test_hostile_servers_fail_cleanly(void **state)
{
    (void)state;
    const spoil_fn cases[] = {bad_banner,      only_vnc_auth,        no_security_types, security_failed,
                              huge_name,       closed_before_answer, raw_rectangle,     huge_cut_text,
                              unknown_message, truncated_screens,    bells_forever};
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        script_t s = {0}, sent;
        cases[i](&s);
        vnc_answer_t a;
        fprintf(stderr, "# case %zu\n", i);
        assert_false(run(&s, 1024, 768, &a, &sent));
    }
}

static void test_size_arguments(void **state)
{
    (void)state;
    const struct {
        const char *arg;
        bool ok;
        uint32_t w, h;
    } cases[] = {
            {"1024x768", true, 1024, 768}, {"0x0", true, 0, 0},     {"16384x1", true, 16384, 1},
            {"16385x10", false, 0, 0},     {"0x5", false, 0, 0},    {"5x0", false, 0, 0},
            {"x10", false, 0, 0},          {"10x", false, 0, 0},    {"10x10x", false, 0, 0},
            {"-1x5", false, 0, 0},         {"10 x10", false, 0, 0}, {"", false, 0, 0},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        uint32_t w = 99, h = 99;
        assert_int_equal(parse_size(cases[i].arg, &w, &h), cases[i].ok);
        if (cases[i].ok) {
            assert_int_equal(w, cases[i].w);
            assert_int_equal(h, cases[i].h);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_sends_set_desktop_size),
            cmocka_unit_test(test_status_decides),
            cmocka_unit_test(test_finds_answer_among_other_messages),
            cmocka_unit_test(test_hostile_servers_fail_cleanly),
            cmocka_unit_test(test_size_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
