/*
 * Validation of a parsed system description: names resolve, ids are unique
 * per PD, irqs unique per system, maps do not overlap, regions are page
 * aligned. The first problem found is reported with its line.
 */
#include "sdf.h"

#include <stdarg.h>
#include <string.h>

static int report(const sdf_system_t *sys, char *err, int line, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));
static int report(const sdf_system_t *sys, char *err, int line, const char *fmt, ...)
{
    int n = snprintf(err, SDF_ERR_MAX, "%s:%d: ", sys->file, line);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err + n, SDF_ERR_MAX - (size_t)n, fmt, ap);
    va_end(ap);
    return -1;
}

int sdf_find_pd(const sdf_system_t *sys, const char *name)
{
    for (unsigned i = 0; i < sys->npds; i++) {
        if (strcmp(sys->pds[i].name, name) == 0) {
            return (int)i;
        }
    }
    return -1;
}

int sdf_find_mr(const sdf_system_t *sys, const char *name)
{
    for (unsigned i = 0; i < sys->nmrs; i++) {
        if (strcmp(sys->mrs[i].name, name) == 0) {
            return (int)i;
        }
    }
    return -1;
}

static bool ranges_overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
    /* Both ranges are known not to wrap. */
    return a < b + blen && b < a + alen;
}

static int check_mr(const sdf_system_t *sys, unsigned i, char *err)
{
    const sdf_mr_t *mr = &sys->mrs[i];
    if (sdf_find_mr(sys, mr->name) != (int)i) {
        return report(sys, err, mr->line, "memory region '%s' is defined twice", mr->name);
    }
    if (mr->page_size != SDF_PAGE_SMALL && mr->page_size != SDF_PAGE_LARGE) {
        return report(sys, err, mr->line, "memory region '%s': page_size must be 0x1000 or 0x200000", mr->name);
    }
    if (mr->size == 0 || mr->size % mr->page_size != 0) {
        return report(sys, err, mr->line, "memory region '%s': size 0x%llx is not a non-zero multiple of 0x%llx",
                      mr->name, (unsigned long long)mr->size, (unsigned long long)mr->page_size);
    }
    if (mr->has_phys_addr && (mr->phys_addr % mr->page_size != 0 || mr->phys_addr > UINT64_MAX - mr->size)) {
        return report(sys, err, mr->line, "memory region '%s': phys_addr 0x%llx is not page aligned or wraps", mr->name,
                      (unsigned long long)mr->phys_addr);
    }
    for (unsigned k = 0; k < i && mr->has_phys_addr; k++) {
        const sdf_mr_t *o = &sys->mrs[k];
        if (o->has_phys_addr && ranges_overlap(mr->phys_addr, mr->size, o->phys_addr, o->size)) {
            return report(sys, err, mr->line, "memory region '%s' overlaps '%s' in physical memory", mr->name, o->name);
        }
    }
    return 0;
}

static int check_map(sdf_system_t *sys, sdf_pd_t *pd, unsigned i, char *err)
{
    sdf_map_t *m = &pd->maps[i];
    m->mr = sdf_find_mr(sys, m->mr_name);
    if (m->mr < 0) {
        return report(sys, err, m->line, "protection domain '%s' maps unknown memory region '%s'", pd->name,
                      m->mr_name);
    }
    const sdf_mr_t *mr = &sys->mrs[m->mr];
    if (m->vaddr % mr->page_size != 0 || m->vaddr > UINT64_MAX - mr->size) {
        return report(sys, err, m->line, "map of '%s' in '%s': vaddr 0x%llx is not aligned to 0x%llx or wraps",
                      mr->name, pd->name, (unsigned long long)m->vaddr, (unsigned long long)mr->page_size);
    }
    for (unsigned k = 0; k < i; k++) {
        const sdf_map_t *o = &pd->maps[k];
        if (ranges_overlap(m->vaddr, mr->size, o->vaddr, sys->mrs[o->mr].size)) {
            return report(sys, err, m->line, "map of '%s' in '%s' overlaps the map of '%s' (line %d)", mr->name,
                          pd->name, o->mr_name, o->line);
        }
    }
    return 0;
}

/* Channel ids and irq ids share one space per PD. */
static int claim_id(const sdf_system_t *sys, uint64_t *used, const sdf_pd_t *pd, unsigned id, int line, char *err)
{
    if ((*used >> id) & 1u) {
        return report(sys, err, line, "protection domain '%s' uses id %u twice", pd->name, id);
    }
    *used |= (uint64_t)1 << id;
    return 0;
}

static int check_irqs(const sdf_system_t *sys, unsigned p, uint64_t *used, char *err)
{
    const sdf_pd_t *pd = &sys->pds[p];
    for (unsigned i = 0; i < pd->nirqs; i++) {
        const sdf_irq_t *irq = &pd->irqs[i];
        if (irq->irq < 16) {
            return report(sys, err, irq->line, "irq %u is a software-generated interrupt, not a device irq", irq->irq);
        }
        for (unsigned q = 0; q <= p; q++) {
            for (unsigned k = 0; k < (q == p ? i : sys->pds[q].nirqs); k++) {
                if (sys->pds[q].irqs[k].irq == irq->irq) {
                    return report(sys, err, irq->line, "irq %u is already claimed by '%s'", irq->irq, sys->pds[q].name);
                }
            }
        }
        if (claim_id(sys, used, pd, irq->id, irq->line, err) != 0) {
            return -1;
        }
    }
    return 0;
}

static int check_channel(sdf_system_t *sys, sdf_channel_t *ch, uint64_t *used, char *err)
{
    for (unsigned e = 0; e < 2; e++) {
        sdf_end_t *end = &ch->ends[e];
        end->pd = sdf_find_pd(sys, end->pd_name);
        if (end->pd < 0) {
            return report(sys, err, ch->line, "channel end names unknown protection domain '%s'", end->pd_name);
        }
    }
    if (ch->ends[0].pd == ch->ends[1].pd) {
        return report(sys, err, ch->line, "channel connects '%s' to itself", ch->ends[0].pd_name);
    }
    for (unsigned e = 0; e < 2; e++) {
        sdf_end_t *end = &ch->ends[e];
        if (claim_id(sys, &used[end->pd], &sys->pds[end->pd], end->id, ch->line, err) != 0) {
            return -1;
        }
    }
    return 0;
}

unsigned sdf_pd_symbols(const sdf_system_t *sys, unsigned p, const char **out, unsigned cap)
{
    const sdf_pd_t *pd = &sys->pds[p];
    unsigned n = 0;
#define ADD(s)                                                                                                         \
    do {                                                                                                               \
        if ((s)[0] != '\0' && n < cap) {                                                                               \
            out[n++] = (s);                                                                                            \
        }                                                                                                              \
    } while (0)
    for (unsigned i = 0; i < pd->nmaps; i++) {
        ADD(pd->maps[i].setvar_vaddr);
        ADD(pd->maps[i].setvar_size);
    }
    for (unsigned i = 0; i < pd->nirqs; i++) {
        ADD(pd->irqs[i].setvar_id);
    }
    for (unsigned i = 0; i < pd->nsetvars; i++) {
        ADD(pd->setvars[i].symbol);
    }
    for (unsigned c = 0; c < sys->nchannels; c++) {
        for (unsigned e = 0; e < 2; e++) {
            if (sys->channels[c].ends[e].pd == (int)p) {
                ADD(sys->channels[c].ends[e].setvar_id);
            }
        }
    }
#undef ADD
    return n;
}

static int check_symbols(const sdf_system_t *sys, unsigned p, char *err)
{
    const char *syms[SDF_MAX_SYMBOLS];
    unsigned n = sdf_pd_symbols(sys, p, syms, SDF_MAX_SYMBOLS);
    for (unsigned i = 0; i < n; i++) {
        for (unsigned k = 0; k < i; k++) {
            if (strcmp(syms[i], syms[k]) == 0) {
                return report(sys, err, sys->pds[p].line, "protection domain '%s' sets symbol '%s' twice",
                              sys->pds[p].name, syms[i]);
            }
        }
    }
    return 0;
}

static int check_names_distinct(const sdf_system_t *sys, char *err)
{
    for (unsigned i = 0; i < sys->npds; i++) {
        char a[SDF_NAME_MAX], b[SDF_NAME_MAX];
        sdf_c_name(sys->pds[i].name, a);
        for (unsigned k = 0; k < i; k++) {
            sdf_c_name(sys->pds[k].name, b);
            if (strcmp(a, b) == 0) {
                return report(sys, err, sys->pds[i].line,
                              "protection domain names '%s' and '%s' are the same as C identifiers", sys->pds[k].name,
                              sys->pds[i].name);
            }
        }
    }
    return 0;
}

/* No two children of one parent share an id. */
static int check_child_id(const sdf_system_t *sys, unsigned p, char *err)
{
    const sdf_pd_t *pd = &sys->pds[p];
    for (unsigned q = 0; pd->parent >= 0 && q < p; q++) {
        if (sys->pds[q].parent == pd->parent && sys->pds[q].child_id == pd->child_id) {
            return report(sys, err, pd->line, "children '%s' and '%s' of '%s' have the same id %u", sys->pds[q].name,
                          pd->name, sys->pds[pd->parent].name, pd->child_id);
        }
    }
    return 0;
}

static int check_pd(sdf_system_t *sys, unsigned p, char *err)
{
    sdf_pd_t *pd = &sys->pds[p];
    if (sdf_find_pd(sys, pd->name) != (int)p) {
        return report(sys, err, pd->line, "protection domain '%s' is defined twice", pd->name);
    }
    if (check_child_id(sys, p, err) != 0) {
        return -1;
    }
    for (unsigned i = 0; i < pd->nmaps; i++) {
        if (check_map(sys, pd, i, err) != 0) {
            return -1;
        }
    }
    for (unsigned i = 0; i < pd->nsetvars; i++) {
        sdf_setvar_t *sv = &pd->setvars[i];
        sv->mr = sdf_find_mr(sys, sv->mr_name);
        if (sv->mr < 0) {
            return report(sys, err, sv->line, "setvar '%s' names unknown memory region '%s'", sv->symbol, sv->mr_name);
        }
    }
    return 0;
}

int sdf_validate(sdf_system_t *sys, char err[SDF_ERR_MAX])
{
    uint64_t used[SDF_MAX_PDS] = {0};
    for (unsigned i = 0; i < sys->nmrs; i++) {
        if (check_mr(sys, i, err) != 0) {
            return -1;
        }
    }
    for (unsigned p = 0; p < sys->npds; p++) {
        if (check_pd(sys, p, err) != 0 || check_irqs(sys, p, &used[p], err) != 0) {
            return -1;
        }
    }
    for (unsigned c = 0; c < sys->nchannels; c++) {
        if (check_channel(sys, &sys->channels[c], used, err) != 0) {
            return -1;
        }
    }
    for (unsigned p = 0; p < sys->npds; p++) {
        if (check_symbols(sys, p, err) != 0) {
            return -1;
        }
    }
    return check_names_distinct(sys, err);
}
