/*
 * Generated files: the per-PD header, the QEMU runtime's tables and the
 * objcopy arguments that turn one PD's partially linked object into a part
 * of the single QEMU image. See docs/system-description.md.
 */
#include "sdf.h"

#include <string.h>

static void convert_name(const char *name, char out[SDF_NAME_MAX], bool upper)
{
    size_t i = 0;
    for (; name[i] != '\0' && i < SDF_NAME_MAX - 1; i++) {
        char c = name[i];
        bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (!alnum) {
            c = '_';
        } else if (upper && c >= 'a' && c <= 'z') {
            c = (char)(c - 'a' + 'A');
        } else if (!upper && c >= 'A' && c <= 'Z') {
            c = (char)(c - 'A' + 'a');
        }
        out[i] = c;
    }
    out[i] = '\0';
}

void sdf_macro_name(const char *name, char out[SDF_NAME_MAX])
{
    convert_name(name, out, true);
}

void sdf_c_name(const char *name, char out[SDF_NAME_MAX])
{
    convert_name(name, out, false);
}

static uint64_t align_up(uint64_t v, uint64_t a)
{
    return (v + a - 1) & ~(a - 1);
}

int sdf_layout_qemu(sdf_system_t *sys, char err[SDF_ERR_MAX])
{
    uint64_t next = SDF_QEMU_POOL_BASE;
    for (unsigned i = 0; i < sys->nmrs; i++) {
        sdf_mr_t *mr = &sys->mrs[i];
        if (mr->has_phys_addr) {
            if (mr->phys_addr + mr->size > SDF_QEMU_RAM_BASE) {
                snprintf(err, SDF_ERR_MAX,
                         "%s:%d: memory region '%s': phys_addr in RAM is not supported on the qemu platform", sys->file,
                         mr->line, mr->name);
                return -1;
            }
            mr->qemu_addr = mr->phys_addr;
            continue;
        }
        next = align_up(next, mr->page_size);
        if (mr->size > SDF_QEMU_POOL_END - next) {
            snprintf(err, SDF_ERR_MAX, "%s:%d: memory region '%s' does not fit below 0x%llx (qemu -m 2G)", sys->file,
                     mr->line, mr->name, (unsigned long long)SDF_QEMU_POOL_END);
            return -1;
        }
        mr->qemu_addr = next;
        next += mr->size;
    }
    return 0;
}

static int find_pd_or_fail(const sdf_system_t *sys, const char *pd_name, char err[SDF_ERR_MAX])
{
    int p = sdf_find_pd(sys, pd_name);
    if (p < 0) {
        snprintf(err, SDF_ERR_MAX, "%s: no protection domain named '%s'", sys->file, pd_name);
    }
    return p;
}

/* SDF_CH_<PEER>; a second channel to the same peer becomes SDF_CH_<PEER>_2 and so on. */
static void emit_channels(const sdf_system_t *sys, int p, FILE *out)
{
    unsigned seen[SDF_MAX_PDS] = {0};
    for (unsigned c = 0; c < sys->nchannels; c++) {
        const sdf_channel_t *ch = &sys->channels[c];
        for (unsigned e = 0; e < 2; e++) {
            if (ch->ends[e].pd != p) {
                continue;
            }
            const sdf_end_t *peer = &ch->ends[1 - e];
            char m[SDF_NAME_MAX];
            sdf_macro_name(peer->pd_name, m);
            if (seen[peer->pd]++ == 0) {
                fprintf(out, "#define SDF_CH_%s %u\n", m, ch->ends[e].id);
            } else {
                fprintf(out, "#define SDF_CH_%s_%u %u\n", m, seen[peer->pd], ch->ends[e].id);
            }
        }
    }
}

/* SDF_CHANNEL_MASK: bit `id` set for every channel end of PD `p` (irqs are not channels). */
static void emit_channel_mask(const sdf_system_t *sys, int p, FILE *out)
{
    uint64_t mask = 0;
    for (unsigned c = 0; c < sys->nchannels; c++) {
        for (unsigned e = 0; e < 2; e++) {
            if (sys->channels[c].ends[e].pd == p) {
                mask |= UINT64_C(1) << sys->channels[c].ends[e].id; /* id <= SDF_MAX_ID < 64 */
            }
        }
    }
    fprintf(out, "#define SDF_CHANNEL_MASK 0x%llxull\n", (unsigned long long)mask);
}

/* SDF_CHILD_<NAME>: the id of each child of PD `p`. */
static void emit_children(const sdf_system_t *sys, int p, FILE *out)
{
    for (unsigned q = 0; q < sys->npds; q++) {
        if (sys->pds[q].parent == p) {
            char m[SDF_NAME_MAX];
            sdf_macro_name(sys->pds[q].name, m);
            fprintf(out, "#define SDF_CHILD_%s %u\n", m, sys->pds[q].child_id);
        }
    }
}

static void emit_region(const sdf_mr_t *mr, const uint64_t *vaddr, sdf_target_t target, FILE *out)
{
    char n[SDF_NAME_MAX];
    sdf_macro_name(mr->name, n);
    fprintf(out, "#define SDF_MR_%s_SIZE  0x%llxull\n", n, (unsigned long long)mr->size);
    if (vaddr != NULL) {
        fprintf(out, "#define SDF_MR_%s_VADDR 0x%llxull\n", n, (unsigned long long)*vaddr);
    }
    if (target == SDF_TARGET_QEMU || mr->has_phys_addr) {
        uint64_t paddr = target == SDF_TARGET_QEMU ? mr->qemu_addr : mr->phys_addr;
        fprintf(out, "#define SDF_MR_%s_PADDR 0x%llxull\n", n, (unsigned long long)paddr);
    }
}

/* Regions the PD maps (first map of each), then regions it only names in <setvar region_paddr>. */
static void emit_regions(const sdf_system_t *sys, const sdf_pd_t *pd, sdf_target_t target, FILE *out)
{
    bool done[SDF_MAX_MRS] = {false};
    for (unsigned i = 0; i < pd->nmaps; i++) {
        const sdf_map_t *m = &pd->maps[i];
        if (!done[m->mr]) {
            done[m->mr] = true;
            uint64_t vaddr = target == SDF_TARGET_QEMU ? sys->mrs[m->mr].qemu_addr : m->vaddr;
            emit_region(&sys->mrs[m->mr], &vaddr, target, out);
        }
    }
    for (unsigned i = 0; i < pd->nsetvars; i++) {
        int mr = pd->setvars[i].mr;
        if (!done[mr]) {
            done[mr] = true;
            emit_region(&sys->mrs[mr], NULL, target, out);
        }
    }
}

int sdf_emit_header(const sdf_system_t *sys, const char *pd_name, sdf_target_t target, FILE *out, char err[SDF_ERR_MAX])
{
    int p = find_pd_or_fail(sys, pd_name, err);
    if (p < 0) {
        return -1;
    }
    const sdf_pd_t *pd = &sys->pds[p];
    fprintf(out, "/* Generated by sdfgen from %s for protection domain '%s' (target %s). Do not edit. */\n", sys->file,
            pd->name, target == SDF_TARGET_QEMU ? "qemu" : "microkit");
    fprintf(out, "#pragma once\n\n#define SDF_PD_NAME     \"%s\"\n#define SDF_PD_PRIORITY %u\n\n", pd->name,
            pd->priority);
    emit_channels(sys, p, out);
    emit_channel_mask(sys, p, out);
    emit_children(sys, p, out);
    for (unsigned i = 0; i < pd->nirqs; i++) {
        fprintf(out, "#define SDF_IRQ_%u %u\n", pd->irqs[i].irq, pd->irqs[i].id);
    }
    emit_regions(sys, pd, target, out);
    return ferror(out) ? -1 : 0;
}

static void emit_setvar(FILE *out, const char *cpd, const char *sym, uint64_t value)
{
    if (sym[0] != '\0') {
        fprintf(out, "    {&pd_%s__%s, 0x%llxull},\n", cpd, sym, (unsigned long long)value);
    }
}

static void emit_setvar_decls(const sdf_system_t *sys, unsigned p, FILE *out)
{
    const char *syms[SDF_MAX_SYMBOLS];
    unsigned n = sdf_pd_symbols(sys, p, syms, SDF_MAX_SYMBOLS);
    char cpd[SDF_NAME_MAX];
    sdf_c_name(sys->pds[p].name, cpd);
    for (unsigned i = 0; i < n; i++) {
        fprintf(out, "extern uintptr_t pd_%s__%s;\n", cpd, syms[i]);
    }
}

static void emit_setvars(const sdf_system_t *sys, unsigned p, FILE *out)
{
    const sdf_pd_t *pd = &sys->pds[p];
    char cpd[SDF_NAME_MAX];
    sdf_c_name(pd->name, cpd);
    fprintf(out, "static const qemu_setvar_t setvars_%s[] = {\n", cpd);
    for (unsigned i = 0; i < pd->nmaps; i++) {
        const sdf_mr_t *mr = &sys->mrs[pd->maps[i].mr];
        emit_setvar(out, cpd, pd->maps[i].setvar_vaddr, mr->qemu_addr);
        emit_setvar(out, cpd, pd->maps[i].setvar_size, mr->size);
    }
    for (unsigned i = 0; i < pd->nirqs; i++) {
        emit_setvar(out, cpd, pd->irqs[i].setvar_id, pd->irqs[i].id);
    }
    for (unsigned i = 0; i < pd->nsetvars; i++) {
        emit_setvar(out, cpd, pd->setvars[i].symbol, sys->mrs[pd->setvars[i].mr].qemu_addr);
    }
    for (unsigned c = 0; c < sys->nchannels; c++) {
        for (unsigned e = 0; e < 2; e++) {
            const sdf_end_t *end = &sys->channels[c].ends[e];
            if (end->pd == (int)p) {
                emit_setvar(out, cpd, end->setvar_id, end->id);
            }
        }
    }
    fprintf(out, "    {0, 0},\n};\n\n");
}

static void emit_pd_channels(const sdf_system_t *sys, unsigned p, FILE *out)
{
    for (unsigned c = 0; c < sys->nchannels; c++) {
        for (unsigned e = 0; e < 2; e++) {
            const sdf_end_t *end = &sys->channels[c].ends[e];
            const sdf_end_t *peer = &sys->channels[c].ends[1 - e];
            if (end->pd == (int)p) {
                fprintf(out, "            [%u] = {QEMU_CH_CHANNEL, %d, %u, 0, %d},\n", end->id, peer->pd, peer->id,
                        end->notify ? 1 : 0);
            }
        }
    }
    const sdf_pd_t *pd = &sys->pds[p];
    for (unsigned i = 0; i < pd->nirqs; i++) {
        const sdf_irq_t *irq = &pd->irqs[i];
        fprintf(out, "            [%u] = {QEMU_CH_IRQ, -1, 0, %u, %d},\n", irq->id, irq->irq, irq->edge ? 1 : 0);
    }
}

static void emit_pd(const sdf_system_t *sys, unsigned p, FILE *out)
{
    const sdf_pd_t *pd = &sys->pds[p];
    char cpd[SDF_NAME_MAX];
    sdf_c_name(pd->name, cpd);
    fprintf(out, "    {\n        .name = \"%s\",\n        .priority = %u,\n", pd->name, pd->priority);
    fprintf(out, "        .init = pd_%s__init,\n        .notified = pd_%s__notified,\n", cpd, cpd);
    fprintf(out, "        .setvars = setvars_%s,\n", cpd);
    fprintf(out, "        .ch = {\n");
    emit_pd_channels(sys, p, out);
    fprintf(out, "        },\n    },\n");
}

static void emit_mrs(const sdf_system_t *sys, FILE *out)
{
    fprintf(out, "const qemu_mr_t qemu_mrs[] = {\n");
    for (unsigned i = 0; i < sys->nmrs; i++) {
        const sdf_mr_t *mr = &sys->mrs[i];
        fprintf(out, "    {\"%s\", 0x%llxull, 0x%llxull, %d},\n", mr->name, (unsigned long long)mr->qemu_addr,
                (unsigned long long)mr->size, mr->has_phys_addr ? 1 : 0);
    }
    fprintf(out, "    {0, 0, 0, 0},\n};\nconst unsigned qemu_nmrs = %u;\n\n", sys->nmrs);
}

int sdf_emit_qemu_tables(const sdf_system_t *sys, FILE *out, char err[SDF_ERR_MAX])
{
    fprintf(out, "/* Generated by sdfgen from %s for the qemu platform. Do not edit. */\n", sys->file);
    fprintf(out, "#include <qemu/sdf_tables.h>\n\n");
    for (unsigned p = 0; p < sys->npds; p++) {
        char cpd[SDF_NAME_MAX];
        sdf_c_name(sys->pds[p].name, cpd);
        fprintf(out, "void pd_%s__init(void);\nvoid pd_%s__notified(unsigned ch);\n", cpd, cpd);
        emit_setvar_decls(sys, p, out);
        emit_setvars(sys, p, out);
    }
    emit_mrs(sys, out);
    fprintf(out, "const qemu_pd_t qemu_pds[] = {\n");
    for (unsigned p = 0; p < sys->npds; p++) {
        emit_pd(sys, p, out);
    }
    fprintf(out, "};\nconst unsigned qemu_npds = %u;\n", sys->npds);
    if (ferror(out)) {
        snprintf(err, SDF_ERR_MAX, "%s: writing the qemu tables failed", sys->file);
        return -1;
    }
    return 0;
}

int sdf_emit_objcopy_args(const sdf_system_t *sys, const char *pd_name, FILE *out, char err[SDF_ERR_MAX])
{
    int p = find_pd_or_fail(sys, pd_name, err);
    if (p < 0) {
        return -1;
    }
    const char *syms[SDF_MAX_SYMBOLS + 2] = {"init", "notified"};
    unsigned n = 2 + sdf_pd_symbols(sys, (unsigned)p, syms + 2, SDF_MAX_SYMBOLS);
    char cpd[SDF_NAME_MAX];
    sdf_c_name(sys->pds[p].name, cpd);
    for (unsigned i = 0; i < n; i++) {
        fprintf(out, "--redefine-sym %s=pd_%s__%s\n--keep-global-symbol=pd_%s__%s\n", syms[i], cpd, syms[i], cpd,
                syms[i]);
    }
    return ferror(out) ? -1 : 0;
}
