/*
 * sdfgen: read a Microkit system description and generate what our
 * platforms need from it. Usage: see usage() below and README.md.
 */
#include "sdf.h"

#include <stdlib.h>
#include <string.h>

static void usage(void)
{
    fprintf(stderr, "usage: sdfgen [-o OUT] SYSTEM_FILE COMMAND [ARGS]\n"
                    "commands:\n"
                    "  check                   validate the description\n"
                    "  pds                     list protection domains\n"
                    "  layout                  print where each region lives on qemu\n"
                    "  header PD qemu|microkit the PD's sdf_config.h\n"
                    "  qemu-tables             the qemu runtime's C tables\n"
                    "  objcopy-args PD         objcopy arguments that rename the PD's entry points and setvars\n");
}

typedef struct {
    const char *out_path;
    const char *system;
    const char *command;
    char **args;
    int nargs;
} options_t;

static int parse_options(int argc, char **argv, options_t *o)
{
    int i = 1;
    for (; i + 1 < argc && argv[i][0] == '-'; i += 2) {
        if (strcmp(argv[i], "-o") == 0) {
            o->out_path = argv[i + 1];
        } else {
            return -1;
        }
    }
    if (argc - i < 2) {
        return -1;
    }
    o->system = argv[i];
    o->command = argv[i + 1];
    o->args = argv + i + 2;
    o->nargs = argc - i - 2;
    return 0;
}

static int list_pds(const sdf_system_t *sys, FILE *out)
{
    for (unsigned p = 0; p < sys->npds; p++) {
        fprintf(out, "%s\n", sys->pds[p].name);
    }
    return 0;
}

static int print_layout(const sdf_system_t *sys, FILE *out)
{
    for (unsigned i = 0; i < sys->nmrs; i++) {
        const sdf_mr_t *mr = &sys->mrs[i];
        fprintf(out, "%-24s 0x%010llx-0x%010llx %s\n", mr->name, (unsigned long long)mr->qemu_addr,
                (unsigned long long)(mr->qemu_addr + mr->size), mr->has_phys_addr ? "device" : "ram");
    }
    return 0;
}

static int run_command(sdf_system_t *sys, const options_t *o, FILE *out, char *err)
{
    if (strcmp(o->command, "check") == 0 && o->nargs == 0) {
        return 0;
    }
    if (strcmp(o->command, "pds") == 0 && o->nargs == 0) {
        return list_pds(sys, out);
    }
    if (sdf_layout_qemu(sys, err) != 0) {
        return -1;
    }
    if (strcmp(o->command, "layout") == 0 && o->nargs == 0) {
        return print_layout(sys, out);
    }
    if (strcmp(o->command, "header") == 0 && o->nargs == 2) {
        bool qemu = strcmp(o->args[1], "qemu") == 0;
        if (!qemu && strcmp(o->args[1], "microkit") != 0) {
            snprintf(err, SDF_ERR_MAX, "unknown target '%s' (qemu or microkit)", o->args[1]);
            return -1;
        }
        return sdf_emit_header(sys, o->args[0], qemu ? SDF_TARGET_QEMU : SDF_TARGET_MICROKIT, out, err);
    }
    if (strcmp(o->command, "qemu-tables") == 0 && o->nargs == 0) {
        return sdf_emit_qemu_tables(sys, out, err);
    }
    if (strcmp(o->command, "objcopy-args") == 0 && o->nargs == 1) {
        return sdf_emit_objcopy_args(sys, o->args[0], out, err);
    }
    usage();
    snprintf(err, SDF_ERR_MAX, "bad command '%s' or wrong number of arguments", o->command);
    return -1;
}

/* Output goes to OUT.tmp and is renamed on success, so make never sees half a file. */
static int run(sdf_system_t *sys, const options_t *o, char *err)
{
    char tmp[SDF_PATH_MAX + 8];
    FILE *out = stdout;
    if (o->out_path != NULL) {
        snprintf(tmp, sizeof(tmp), "%s.tmp", o->out_path);
        out = fopen(tmp, "w");
        if (out == NULL) {
            snprintf(err, SDF_ERR_MAX, "cannot write %s", tmp);
            return -1;
        }
    }
    int rc = run_command(sys, o, out, err);
    if (o->out_path == NULL) {
        return rc;
    }
    if (fclose(out) != 0 && rc == 0) {
        snprintf(err, SDF_ERR_MAX, "cannot write %s", tmp);
        rc = -1;
    }
    if (rc == 0 && rename(tmp, o->out_path) != 0) {
        snprintf(err, SDF_ERR_MAX, "cannot rename %s", tmp);
        rc = -1;
    }
    if (rc != 0) {
        remove(tmp);
    }
    return rc;
}

int main(int argc, char **argv)
{
    options_t o = {0};
    if (parse_options(argc, argv, &o) != 0) {
        usage();
        return 2;
    }
    sdf_system_t *sys = malloc(sizeof(*sys));
    char err[SDF_ERR_MAX] = "";
    int rc = sys == NULL ? -1 : sdf_parse_file(sys, o.system, err);
    if (rc == 0) {
        rc = run(sys, &o, err);
    }
    if (rc != 0) {
        fprintf(stderr, "sdfgen: %s\n", err[0] != '\0' ? err : "out of memory");
    }
    free(sys);
    return rc == 0 ? 0 : 1;
}
