/*
 * sdfgen unit tests: good descriptions parse and generate the expected
 * files; each malformed description is refused with the expected message.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sdf.h"

#define HEAD                 "<?xml version=\"1.0\"?>\n<system>\n"
#define TAIL                 "</system>\n"
#define PD(name, prio, body) "<protection_domain name=\"" name "\" priority=\"" prio "\">" body "</protection_domain>\n"
#define IMG                  "<program_image path=\"x.elf\"/>"
#define CH(a, ia, b, ib)     "<channel><end pd=\"" a "\" id=\"" ia "\"/><end pd=\"" b "\" id=\"" ib "\"/></channel>\n"

static const char good_system[] = HEAD
        "<memory_region name=\"data\" size=\"0x2_000\"/>\n"
        "<memory_region name=\"big\" size=\"0x200000\" page_size=\"0x200000\"/>\n"
        "<memory_region name=\"virtio\" size=\"0x1000\" phys_addr=\"0xa003000\"/>\n"
        "<memory_region name=\"fb-mem\" size=\"4096\"/>\n" PD(
                "gpu-virt", "100",
                IMG "<map mr=\"data\" vaddr=\"0x30000000\" perms=\"r\" setvar_vaddr=\"data_vaddr\"/>"
                    "<map mr=\"big\" vaddr=\"0x40000000\" setvar_size=\"big_size\"/>"
                    "<setvar symbol=\"data_paddr\" region_paddr=\"data\"/>")
                PD("driver", "200",
                   IMG "<map mr=\"virtio\" vaddr=\"0x2000000\" cached=\"false\" setvar_vaddr=\"regs\"/>"
                       "<irq irq=\"79\" id=\"3\" trigger=\"edge\" setvar_id=\"irq_ch\"/>"
                       "<setvar symbol=\"fb_paddr\" region_paddr=\"fb-mem\"/>")
                        PD("client", "50", IMG "<map mr=\"fb-mem\" vaddr=\"0x10000000\" perms=\"rw\"/>")
                                PD("timer", "254", IMG "<irq irq=\"30\" id=\"1\" trigger=\"level\"/>")
                                        CH("gpu-virt", "1", "driver", "0") CH("gpu-virt", "2", "client", "0")
                                                CH("timer", "0", "client", "5") CH("client", "9", "gpu-virt", "4") TAIL;

static sdf_system_t *parse_ok(const char *xml)
{
    sdf_system_t *sys = malloc(sizeof(*sys));
    char err[SDF_ERR_MAX] = "";
    assert_non_null(sys);
    int rc = sdf_parse_buffer(sys, "test.system", xml, strlen(xml), err);
    if (rc != 0) {
        fail_msg("unexpected error: %s", err);
    }
    return sys;
}

/* Run one emitter into a string. */
typedef int (*emit_fn)(const sdf_system_t *sys, const char *arg, FILE *out, char *err);

static char *capture(const sdf_system_t *sys, const char *arg, emit_fn fn)
{
    char *buf = NULL;
    size_t len = 0;
    char err[SDF_ERR_MAX] = "";
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    int rc = fn(sys, arg, f, err);
    fclose(f);
    if (rc != 0) {
        fail_msg("emit failed: %s", err);
    }
    return buf;
}

static int emit_qemu_header(const sdf_system_t *sys, const char *pd, FILE *out, char *err)
{
    return sdf_emit_header(sys, pd, SDF_TARGET_QEMU, out, err);
}

static int emit_mk_header(const sdf_system_t *sys, const char *pd, FILE *out, char *err)
{
    return sdf_emit_header(sys, pd, SDF_TARGET_MICROKIT, out, err);
}

static int emit_tables(const sdf_system_t *sys, const char *unused, FILE *out, char *err)
{
    (void)unused;
    return sdf_emit_qemu_tables(sys, out, err);
}

static int emit_args(const sdf_system_t *sys, const char *pd, FILE *out, char *err)
{
    return sdf_emit_objcopy_args(sys, pd, out, err);
}

static void assert_contains(const char *haystack, const char *needle)
{
    if (strstr(haystack, needle) == NULL) {
        fail_msg("expected '%s' in:\n%s", needle, haystack);
    }
}

static void test_good_model(void **state)
{
    (void)state;
    sdf_system_t *sys = parse_ok(good_system);
    assert_int_equal(sys->npds, 4);
    assert_int_equal(sys->nmrs, 4);
    assert_int_equal(sys->nchannels, 4);
    assert_int_equal(sys->mrs[0].size, 0x2000);
    assert_int_equal(sys->pds[0].maps[0].perms, SDF_PERM_R);
    assert_int_equal(sys->pds[1].irqs[0].irq, 79);
    assert_true(sys->pds[1].irqs[0].edge);
    assert_false(sys->pds[1].maps[0].cached);
    free(sys);
}

static void test_layout(void **state)
{
    (void)state;
    sdf_system_t *sys = parse_ok(good_system);
    char err[SDF_ERR_MAX];
    assert_int_equal(sdf_layout_qemu(sys, err), 0);
    assert_int_equal(sys->mrs[0].qemu_addr, SDF_QEMU_POOL_BASE);
    assert_int_equal(sys->mrs[1].qemu_addr, SDF_QEMU_POOL_BASE + 0x200000); /* 2 MiB aligned */
    assert_int_equal(sys->mrs[2].qemu_addr, 0xa003000);                     /* device: at phys_addr */
    assert_int_equal(sys->mrs[3].qemu_addr, SDF_QEMU_POOL_BASE + 0x400000);
    free(sys);
}

static void test_header_qemu(void **state)
{
    (void)state;
    sdf_system_t *sys = parse_ok(good_system);
    char err[SDF_ERR_MAX];
    assert_int_equal(sdf_layout_qemu(sys, err), 0);
    char *h = capture(sys, "gpu-virt", emit_qemu_header);
    assert_contains(h, "#define SDF_PD_NAME     \"gpu-virt\"\n");
    assert_contains(h, "#define SDF_PD_PRIORITY 100\n");
    assert_contains(h, "#define SDF_CH_DRIVER 1\n");
    assert_contains(h, "#define SDF_CH_CLIENT 2\n");
    assert_contains(h, "#define SDF_CH_CLIENT_2 4\n");
    assert_contains(h, "#define SDF_CHANNEL_MASK 0x16ull\n"); /* ids 1, 2, 4 */
    assert_contains(h, "#define SDF_MR_DATA_SIZE  0x2000ull\n");
    assert_contains(h, "#define SDF_MR_DATA_VADDR 0x50000000ull\n");
    assert_contains(h, "#define SDF_MR_BIG_VADDR 0x50200000ull\n");
    free(h);
    h = capture(sys, "driver", emit_qemu_header);
    assert_contains(h, "#define SDF_IRQ_79 3\n");
    assert_contains(h, "#define SDF_CHANNEL_MASK 0x1ull\n"); /* channel 0; irq 3 is not a channel */
    assert_contains(h, "#define SDF_CH_GPU_VIRT 0\n");
    assert_contains(h, "#define SDF_MR_VIRTIO_VADDR 0xa003000ull\n#define SDF_MR_VIRTIO_PADDR 0xa003000ull\n");
    /* named only by a setvar: size and physical address, no virtual address */
    assert_contains(h, "#define SDF_MR_FB_MEM_SIZE  0x1000ull\n#define SDF_MR_FB_MEM_PADDR 0x50400000ull\n");
    assert_null(strstr(h, "SDF_MR_FB_MEM_VADDR"));
    free(h);
    free(sys);
}

static void test_header_microkit(void **state)
{
    (void)state;
    sdf_system_t *sys = parse_ok(good_system);
    char *h = capture(sys, "client", emit_mk_header);
    assert_contains(h, "#define SDF_CH_TIMER 5\n");
    assert_contains(h, "#define SDF_CH_GPU_VIRT 0\n");
    assert_contains(h, "#define SDF_CH_GPU_VIRT_2 9\n");
    assert_contains(h, "#define SDF_MR_FB_MEM_VADDR 0x10000000ull\n");
    assert_null(strstr(h, "SDF_MR_FB_MEM_PADDR")); /* placed by the Microkit tool: unknown here */
    free(h);
    h = capture(sys, "driver", emit_mk_header);
    assert_contains(h, "#define SDF_MR_VIRTIO_VADDR 0x2000000ull\n#define SDF_MR_VIRTIO_PADDR 0xa003000ull\n");
    free(h);
    free(sys);
}

/* SDF_CHANNEL_MASK: every channel end of the PD, by id; irqs excluded; the same on both targets. */
static void test_header_channel_mask(void **state)
{
    (void)state;
    sdf_system_t *sys = parse_ok(good_system);
    char err[SDF_ERR_MAX];
    assert_int_equal(sdf_layout_qemu(sys, err), 0);
    char *h = capture(sys, "client", emit_mk_header);
    assert_contains(h, "#define SDF_CHANNEL_MASK 0x221ull\n"); /* ids 0, 5, 9 */
    free(h);
    h = capture(sys, "timer", emit_qemu_header);
    assert_contains(h, "#define SDF_CHANNEL_MASK 0x1ull\n"); /* the client's end is 5, the timer's 0 */
    assert_contains(h, "#define SDF_IRQ_30 1\n");
    free(h);
    free(sys);
    sys = parse_ok(HEAD PD("p", "1", IMG "<irq irq=\"40\" id=\"0\"/>") PD("q", "1", IMG) CH("p", "61", "q", "0")
                           PD("lone", "1", IMG) TAIL);
    h = capture(sys, "p", emit_mk_header);
    assert_contains(h, "#define SDF_CHANNEL_MASK 0x2000000000000000ull\n"); /* id 61, the largest */
    free(h);
    h = capture(sys, "lone", emit_mk_header);
    assert_contains(h, "#define SDF_CHANNEL_MASK 0x0ull\n");
    free(h);
    free(sys);
}

static void test_qemu_tables(void **state)
{
    (void)state;
    sdf_system_t *sys = parse_ok(good_system);
    char err[SDF_ERR_MAX];
    assert_int_equal(sdf_layout_qemu(sys, err), 0);
    char *t = capture(sys, NULL, emit_tables);
    assert_contains(t, "{&pd_gpu_virt__data_vaddr, 0x50000000ull},");
    assert_contains(t, "{&pd_gpu_virt__big_size, 0x200000ull},");
    assert_contains(t, "{&pd_gpu_virt__data_paddr, 0x50000000ull},");
    assert_contains(t, "{&pd_driver__regs, 0xa003000ull},");
    assert_contains(t, "{&pd_driver__irq_ch, 0x3ull},");
    assert_contains(t, "{&pd_driver__fb_paddr, 0x50400000ull},");
    assert_contains(t, "[3] = {QEMU_CH_IRQ, -1, 0, 79, 1},");
    assert_contains(t, "[1] = {QEMU_CH_CHANNEL, 1, 0, 0, 1},");
    assert_contains(t, "{\"virtio\", 0xa003000ull, 0x1000ull, 1},");
    /* the timer is a PD like any other: code, and its irq 30 (a PPI) in its channel table */
    assert_contains(t, ".init = pd_timer__init,");
    assert_contains(t, "[1] = {QEMU_CH_IRQ, -1, 0, 30, 0},");
    assert_null(strstr(t, "builtin"));
    assert_contains(t, "const unsigned qemu_npds = 4;");
    free(t);
    free(sys);
}

static void test_objcopy_args(void **state)
{
    (void)state;
    sdf_system_t *sys = parse_ok(good_system);
    char *a = capture(sys, "driver", emit_args);
    assert_contains(a, "--redefine-sym init=pd_driver__init\n--keep-global-symbol=pd_driver__init\n");
    assert_contains(a, "--redefine-sym notified=pd_driver__notified\n");
    assert_contains(a, "--redefine-sym regs=pd_driver__regs\n");
    assert_contains(a, "--redefine-sym irq_ch=pd_driver__irq_ch\n");
    free(a);
    free(sys);
}

static void test_unknown_pd_in_emit(void **state)
{
    (void)state;
    sdf_system_t *sys = parse_ok(good_system);
    char err[SDF_ERR_MAX] = "";
    FILE *f = fopen("/dev/null", "w");
    assert_int_equal(sdf_emit_header(sys, "nobody", SDF_TARGET_QEMU, f, err), -1);
    assert_non_null(strstr(err, "no protection domain named 'nobody'"));
    fclose(f);
    free(sys);
}

typedef struct {
    const char *xml;
    const char *message;
} bad_case_t;

static const bad_case_t bad_cases[] = {
        {"<system><oops/></system>", "element <oops> is not supported"},
        {"<system>", "XML error"},
        {"<system/><system/>", "XML error"},
        {HEAD "<map mr=\"a\" vaddr=\"0\"/>" TAIL, "element <map> is not allowed here"},
        {HEAD "<memory_region name=\"a\" size=\"0x1000\" colour=\"red\"/>" TAIL, "unknown or unsupported attribute"},
        {HEAD "<memory_region name=\"a\"/>" TAIL, "missing attribute 'size'"},
        {HEAD "<memory_region name=\"a\" size=\"12k\"/>" TAIL, "size='12k' is not a number"},
        {HEAD "<memory_region name=\"a\" size=\"0x1000\"/><memory_region name=\"a\" size=\"0x1000\"/>" TAIL,
         "memory region 'a' is defined twice"},
        {HEAD "<memory_region name=\"a\" size=\"0x1800\"/>" TAIL, "is not a non-zero multiple"},
        {HEAD "<memory_region name=\"a\" size=\"0\"/>" TAIL, "is not a non-zero multiple"},
        {HEAD "<memory_region name=\"a\" size=\"0x1000\" page_size=\"0x3000\"/>" TAIL, "page_size must be"},
        {HEAD "<memory_region name=\"a\" size=\"0x1000\" phys_addr=\"0x800\"/>" TAIL, "not page aligned"},
        {HEAD "<memory_region name=\"a\" size=\"0x2000\" phys_addr=\"0xffffffffffffe000\"/>" TAIL, "wraps"},
        {HEAD "<memory_region name=\"a\" size=\"0x2000\" phys_addr=\"0x9000000\"/>"
              "<memory_region name=\"b\" size=\"0x1000\" phys_addr=\"0x9001000\"/>" TAIL,
         "'b' overlaps 'a' in physical memory"},
        {HEAD "<memory_region name=\"a\" size=\"99999999999999999999999\"/>" TAIL, "is not a number"},
        {HEAD PD("p", "255", IMG) TAIL, "priority='255' is not a number in 0..254"},
        {HEAD PD("p", "-1", IMG) TAIL, "priority='-1'"},
        {HEAD PD("p", "1", "") TAIL, "protection domain 'p' has no <program_image>"},
        {HEAD PD("p", "1", IMG IMG) TAIL, "more than one <program_image>"},
        {HEAD PD("p", "1", IMG) PD("p", "2", IMG) TAIL, "protection domain 'p' is defined twice"},
        {HEAD PD("a-b", "1", IMG) PD("a_b", "2", IMG) TAIL, "are the same as C identifiers"},
        {HEAD PD("p", "1", IMG "<map mr=\"nope\" vaddr=\"0x1000\"/>") TAIL, "maps unknown memory region 'nope'"},
        {HEAD "<memory_region name=\"a\" size=\"0x2000\"/>" PD("p", "1", IMG "<map mr=\"a\" vaddr=\"0x1800\"/>") TAIL,
         "is not aligned to 0x1000"},
        {HEAD "<memory_region name=\"a\" size=\"0x2000\"/><memory_region name=\"b\" size=\"0x1000\"/>" PD(
                 "p", "1", IMG "<map mr=\"a\" vaddr=\"0x10000\"/><map mr=\"b\" vaddr=\"0x11000\"/>") TAIL,
         "map of 'b' in 'p' overlaps the map of 'a'"},
        {HEAD "<memory_region name=\"a\" size=\"0x1000\"/>" PD("p", "1", IMG "<map mr=\"a\" vaddr=\"0\" perms=\"w\"/>")
                 TAIL,
         "perms='w' must combine"},
        {HEAD "<memory_region name=\"a\" size=\"0x1000\"/>" PD("p", "1", IMG "<map mr=\"a\" vaddr=\"0\" perms=\"rq\"/>")
                 TAIL,
         "perms='rq'"},
        {HEAD "<memory_region name=\"a\" size=\"0x1000\"/>" PD("p", "1",
                                                               IMG "<map mr=\"a\" vaddr=\"0\" cached=\"maybe\"/>") TAIL,
         "cached='maybe' must be 'true' or 'false'"},
        {HEAD "<memory_region name=\"a\" size=\"0x1000\"/>" PD(
                 "p", "1", IMG "<map mr=\"a\" vaddr=\"0\" setvar_vaddr=\"not-c\"/>") TAIL,
         "setvar_vaddr='not-c' is not a C identifier"},
        {HEAD "<memory_region name=\"a\" size=\"0x1000\"/>" PD(
                 "p", "1",
                 IMG "<map mr=\"a\" vaddr=\"0\" setvar_vaddr=\"v\"/><setvar symbol=\"v\" region_paddr=\"a\"/>") TAIL,
         "sets symbol 'v' twice"},
        {HEAD PD("p", "1", IMG "<setvar symbol=\"v\" region_paddr=\"zz\"/>") TAIL,
         "setvar 'v' names unknown memory region 'zz'"},
        {HEAD PD("p", "1", IMG "<irq irq=\"40\" id=\"62\"/>") TAIL, "<irq>: id='62' is not a number in 0..61"},
        {HEAD PD("p", "1", IMG) PD("q", "1", IMG) CH("p", "62", "q", "1") TAIL,
         "<end>: id='62' is not a number in 0..61"},
        {HEAD PD("p", "1", IMG "<irq irq=\"40\" id=\"1\" trigger=\"rising\"/>") TAIL, "trigger='rising'"},
        {HEAD PD("p", "1", IMG "<irq irq=\"7\" id=\"1\"/>") TAIL, "software-generated"},
        {HEAD PD("p", "1", IMG "<irq irq=\"40\" id=\"1\"/><irq irq=\"41\" id=\"1\"/>") TAIL,
         "protection domain 'p' uses id 1 twice"},
        {HEAD PD("p", "1", IMG "<irq irq=\"40\" id=\"1\"/>") PD("q", "1", IMG "<irq irq=\"40\" id=\"1\"/>") TAIL,
         "irq 40 is already claimed by 'p'"},
        {HEAD PD("p", "1", IMG) CH("p", "1", "q", "1") TAIL, "channel end names unknown protection domain 'q'"},
        {HEAD PD("p", "1", IMG) CH("p", "1", "p", "2") TAIL, "channel connects 'p' to itself"},
        {HEAD PD("p", "1", IMG "<irq irq=\"40\" id=\"1\"/>") PD("q", "1", IMG) CH("p", "1", "q", "1") TAIL,
         "protection domain 'p' uses id 1 twice"},
        {HEAD PD("p", "1", IMG) PD("q", "1", IMG) CH("p", "1", "q", "1") CH("q", "1", "p", "2") TAIL,
         "protection domain 'q' uses id 1 twice"},
        {HEAD PD("p", "1", IMG) "<channel><end pd=\"p\" id=\"1\"/></channel>" TAIL, "exactly two <end>"},
        {HEAD PD("p", "1", IMG) PD("q", "1", IMG) "<channel><end pd=\"p\" id=\"1\"/><end pd=\"q\" id=\"1\"/>"
                                                  "<end pd=\"q\" id=\"2\"/></channel>" TAIL,
         "more than two <end>"},
        {HEAD PD("p", "1", IMG) PD("q", "1", IMG) "<channel><end pd=\"p\" id=\"1\" pp=\"yes\"/>"
                                                  "<end pd=\"q\" id=\"1\"/></channel>" TAIL,
         "pp='yes'"},
        {HEAD PD("p", "1", IMG "<virtual_machine name=\"vm\"/>") TAIL, "<virtual_machine> is not supported"},
        {HEAD PD("p", "1", IMG "<protection_domain name=\"c\">" IMG "</protection_domain>") TAIL,
         "child 'c' has no id"},
        {HEAD PD("p", "1", IMG "<protection_domain name=\"c\" id=\"62\">" IMG "</protection_domain>") TAIL,
         "id='62' is not a number in 0..61"},
        {HEAD PD("p", "1",
                 IMG "<protection_domain name=\"c\" id=\"3\">" IMG "</protection_domain>"
                     "<protection_domain name=\"d\" id=\"3\">" IMG "</protection_domain>") TAIL,
         "children 'c' and 'd' of 'p' have the same id 3"},
        {HEAD "<protection_domain name=\"p\" id=\"1\">" IMG "</protection_domain>" TAIL,
         "id is only for a child protection domain"},
};

static void test_bad_descriptions(void **state)
{
    (void)state;
    sdf_system_t *sys = malloc(sizeof(*sys));
    assert_non_null(sys);
    for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
        char err[SDF_ERR_MAX] = "";
        const bad_case_t *c = &bad_cases[i];
        int rc = sdf_parse_buffer(sys, "bad.system", c->xml, strlen(c->xml), err);
        if (rc == 0 || strstr(err, c->message) == NULL || strncmp(err, "bad.system:", 11) != 0) {
            fail_msg("case %zu: expected an error with '%s', got rc %d '%s'", i, c->message, rc, err);
        }
    }
    free(sys);
}

static void test_nested_pd_flattened(void **state)
{
    (void)state;
    sdf_system_t *sys = parse_ok(HEAD PD("parent", "10",
                                         IMG "<protection_domain name=\"child\" id=\"1\" priority=\"5\">" IMG
                                             "</protection_domain>") TAIL);
    assert_int_equal(sys->npds, 2);
    assert_int_equal(sys->pds[1].parent, 0);
    assert_int_equal(sys->pds[1].child_id, 1);
    assert_string_equal(sys->pds[1].name, "child");
    char out[4096];
    FILE *f = fmemopen(out, sizeof(out), "w");
    char err[SDF_ERR_MAX] = "";
    assert_int_equal(sdf_emit_header(sys, "parent", SDF_TARGET_MICROKIT, f, err), 0);
    fclose(f);
    assert_non_null(strstr(out, "#define SDF_CHILD_CHILD 1\n"));
    free(sys);
}

static void test_layout_refuses_ram_phys_addr(void **state)
{
    (void)state;
    sdf_system_t *sys = parse_ok(HEAD "<memory_region name=\"dma\" size=\"0x1000\" phys_addr=\"0x48000000\"/>" TAIL);
    char err[SDF_ERR_MAX] = "";
    assert_int_equal(sdf_layout_qemu(sys, err), -1);
    assert_non_null(strstr(err, "phys_addr in RAM is not supported"));
    free(sys);
}

static void test_layout_pool_full(void **state)
{
    (void)state;
    sdf_system_t *sys = parse_ok(HEAD "<memory_region name=\"huge\" size=\"0x80000000\"/>" TAIL);
    char err[SDF_ERR_MAX] = "";
    assert_int_equal(sdf_layout_qemu(sys, err), -1);
    assert_non_null(strstr(err, "'huge' does not fit"));
    free(sys);
}

/* Microkit 2.x's largest channel and irq id (PD_MAX_ID) is 61: accepted; 62 is in bad_cases. */
static void test_largest_id(void **state)
{
    (void)state;
    sdf_system_t *sys = parse_ok(HEAD PD("p", "1", IMG "<irq irq=\"40\" id=\"61\"/>") PD("q", "1", IMG)
                                         CH("p", "1", "q", "61") TAIL);
    assert_int_equal(sys->pds[0].irqs[0].id, 61);
    assert_int_equal(sys->nchannels, 1);
    free(sys);
}

static void test_names(void **state)
{
    (void)state;
    char out[SDF_NAME_MAX];
    sdf_macro_name("gpu-virt.0", out);
    assert_string_equal(out, "GPU_VIRT_0");
    sdf_c_name("Client-A", out);
    assert_string_equal(out, "client_a");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_good_model),          cmocka_unit_test(test_layout),
            cmocka_unit_test(test_header_qemu),         cmocka_unit_test(test_header_microkit),
            cmocka_unit_test(test_qemu_tables),         cmocka_unit_test(test_objcopy_args),
            cmocka_unit_test(test_unknown_pd_in_emit),  cmocka_unit_test(test_bad_descriptions),
            cmocka_unit_test(test_nested_pd_flattened), cmocka_unit_test(test_layout_refuses_ram_phys_addr),
            cmocka_unit_test(test_layout_pool_full),    cmocka_unit_test(test_header_channel_mask),
            cmocka_unit_test(test_largest_id),          cmocka_unit_test(test_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
