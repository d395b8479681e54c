/*
 * Parse a Microkit system description with expat into sdf_system_t.
 *
 * Only the subset that our platforms use is accepted: memory_region,
 * protection_domain (nested ones are flattened), program_image, map, irq,
 * setvar, channel/end. Anything else is refused with a message rather than
 * silently ignored, so that a description never means something different
 * here than to the Microkit tool.
 */
#include "sdf.h"

#include <errno.h>
#include <expat.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define DEPTH_MAX 16

typedef enum {
    EL_NONE,
    EL_SYSTEM,
    EL_MR,
    EL_PD,
    EL_IMAGE,
    EL_MAP,
    EL_IRQ,
    EL_SETVAR,
    EL_CHANNEL,
    EL_END,
} element_t;

typedef struct {
    XML_Parser xml;
    sdf_system_t *sys;
    char *err;
    bool failed;
    unsigned depth;
    element_t stack[DEPTH_MAX];
    int pd_stack[DEPTH_MAX]; /* PD being described at each depth, -1 if none */
    unsigned images_seen[SDF_MAX_PDS];
} parser_t;

static int line_of(parser_t *ps)
{
    return (int)XML_GetCurrentLineNumber(ps->xml);
}

static void fail(parser_t *ps, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail(parser_t *ps, const char *fmt, ...)
{
    if (ps->failed) {
        return;
    }
    ps->failed = true;
    int n = snprintf(ps->err, SDF_ERR_MAX, "%s:%d: ", ps->sys->file, line_of(ps));
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ps->err + n, SDF_ERR_MAX - (size_t)n, fmt, ap);
    va_end(ap);
    XML_StopParser(ps->xml, XML_FALSE);
}

static const char *attr_get(const XML_Char **attrs, const char *name)
{
    for (unsigned i = 0; attrs[i] != NULL; i += 2) {
        if (strcmp(attrs[i], name) == 0) {
            return attrs[i + 1];
        }
    }
    return NULL;
}

/* `allowed` is a NULL-terminated list; every attribute must be in it. */
static bool attrs_known(parser_t *ps, const char *el, const XML_Char **attrs, const char *const *allowed)
{
    for (unsigned i = 0; attrs[i] != NULL; i += 2) {
        bool ok = false;
        for (unsigned k = 0; allowed[k] != NULL; k++) {
            ok = ok || strcmp(attrs[i], allowed[k]) == 0;
        }
        if (!ok) {
            fail(ps, "<%s>: unknown or unsupported attribute '%s'", el, attrs[i]);
            return false;
        }
    }
    return true;
}

static const char *attr_required(parser_t *ps, const char *el, const XML_Char **attrs, const char *name)
{
    const char *v = attr_get(attrs, name);
    if (v == NULL) {
        fail(ps, "<%s>: missing attribute '%s'", el, name);
    }
    return v;
}

/* Decimal or 0x-hex, with '_' allowed between digits as Microkit does. */
static bool parse_u64(const char *s, uint64_t *out)
{
    unsigned base = 10;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
    }
    uint64_t v = 0;
    bool digits = false;
    for (; *s != '\0'; s++) {
        unsigned d;
        if (*s == '_' && digits && s[1] != '\0') {
            continue;
        }
        if (*s >= '0' && *s <= '9') {
            d = (unsigned)(*s - '0');
        } else if (base == 16 && *s >= 'a' && *s <= 'f') {
            d = (unsigned)(*s - 'a' + 10);
        } else if (base == 16 && *s >= 'A' && *s <= 'F') {
            d = (unsigned)(*s - 'A' + 10);
        } else {
            return false;
        }
        if (v > (UINT64_MAX - d) / base) {
            return false;
        }
        v = v * base + d;
        digits = true;
    }
    *out = v;
    return digits;
}

static bool number_attr(parser_t *ps, const char *el, const char *name, const char *text, uint64_t max, uint64_t *out)
{
    if (!parse_u64(text, out) || *out > max) {
        fail(ps, "<%s>: %s='%s' is not a number in 0..%llu", el, name, text, (unsigned long long)max);
        return false;
    }
    return true;
}

static bool bool_attr(parser_t *ps, const char *el, const char *name, const char *text, bool *out)
{
    if (text == NULL) {
        return true;
    }
    if (strcmp(text, "true") == 0) {
        *out = true;
    } else if (strcmp(text, "false") == 0) {
        *out = false;
    } else {
        fail(ps, "<%s>: %s='%s' must be 'true' or 'false'", el, name, text);
        return false;
    }
    return true;
}

static bool copy_name(parser_t *ps, const char *el, const char *what, const char *text, char *dst, size_t cap)
{
    if (text == NULL) {
        return true;
    }
    size_t n = strlen(text);
    if (n == 0 || n >= cap) {
        fail(ps, "<%s>: %s '%s' is empty or longer than %zu characters", el, what, text, cap - 1);
        return false;
    }
    memcpy(dst, text, n + 1);
    return true;
}

static bool symbol_attr(parser_t *ps, const char *el, const char *name, const char *text, char dst[SDF_NAME_MAX])
{
    if (text == NULL) {
        return true;
    }
    bool ok = (text[0] < '0' || text[0] > '9');
    for (const char *c = text; *c != '\0'; c++) {
        ok = ok && ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || *c == '_');
    }
    if (!ok) {
        fail(ps, "<%s>: %s='%s' is not a C identifier", el, name, text);
        return false;
    }
    return copy_name(ps, el, name, text, dst, SDF_NAME_MAX);
}

static void start_mr(parser_t *ps, const XML_Char **attrs)
{
    static const char *const allowed[] = {"name", "size", "page_size", "phys_addr", NULL};
    if (!attrs_known(ps, "memory_region", attrs, allowed)) {
        return;
    }
    if (ps->sys->nmrs == SDF_MAX_MRS) {
        fail(ps, "more than %d memory regions", SDF_MAX_MRS);
        return;
    }
    sdf_mr_t *mr = &ps->sys->mrs[ps->sys->nmrs];
    memset(mr, 0, sizeof(*mr));
    mr->line = line_of(ps);
    mr->page_size = SDF_PAGE_SMALL;
    const char *name = attr_required(ps, "memory_region", attrs, "name");
    const char *size = attr_required(ps, "memory_region", attrs, "size");
    const char *page = attr_get(attrs, "page_size");
    const char *phys = attr_get(attrs, "phys_addr");
    if (name == NULL || size == NULL || !copy_name(ps, "memory_region", "name", name, mr->name, SDF_NAME_MAX) ||
        !number_attr(ps, "memory_region", "size", size, UINT64_MAX, &mr->size)) {
        return;
    }
    if (page != NULL && !number_attr(ps, "memory_region", "page_size", page, UINT64_MAX, &mr->page_size)) {
        return;
    }
    if (phys != NULL && !number_attr(ps, "memory_region", "phys_addr", phys, UINT64_MAX, &mr->phys_addr)) {
        return;
    }
    mr->has_phys_addr = phys != NULL;
    ps->sys->nmrs++;
}

/* A child PD needs its id, as in Microkit; a top-level one must not have one. */
static bool child_id_attr(parser_t *ps, sdf_pd_t *pd, const char *id)
{
    uint64_t v = 0;
    if (pd->parent < 0) {
        if (id != NULL) {
            fail(ps, "<protection_domain>: id is only for a child protection domain ('%s' has no parent)", pd->name);
        }
        return id == NULL;
    }
    if (id == NULL) {
        fail(ps, "<protection_domain>: child '%s' has no id", pd->name);
        return false;
    }
    if (!number_attr(ps, "protection_domain", "id", id, SDF_MAX_ID, &v)) {
        return false;
    }
    pd->child_id = (unsigned)v;
    return true;
}

static void start_pd(parser_t *ps, const XML_Char **attrs, int parent)
{
    static const char *const allowed[] = {"name", "priority", "budget", "period", "passive",   "stack_size",
                                          "cpu",  "smc",      "fpu",    "id",     "setvar_id", NULL};
    if (!attrs_known(ps, "protection_domain", attrs, allowed)) {
        return;
    }
    if (ps->sys->npds == SDF_MAX_PDS) {
        fail(ps, "more than %d protection domains", SDF_MAX_PDS);
        return;
    }
    sdf_pd_t *pd = &ps->sys->pds[ps->sys->npds];
    memset(pd, 0, sizeof(*pd));
    pd->line = line_of(ps);
    pd->parent = parent;
    const char *name = attr_required(ps, "protection_domain", attrs, "name");
    const char *prio = attr_get(attrs, "priority");
    uint64_t p = 0;
    if (name == NULL || !copy_name(ps, "protection_domain", "name", name, pd->name, SDF_NAME_MAX)) {
        return;
    }
    if (prio != NULL && !number_attr(ps, "protection_domain", "priority", prio, SDF_MAX_PRIORITY, &p)) {
        return;
    }
    pd->priority = (unsigned)p;
    if (!child_id_attr(ps, pd, attr_get(attrs, "id"))) {
        return;
    }
    ps->pd_stack[ps->depth] = (int)ps->sys->npds;
    ps->sys->npds++;
}

static void start_image(parser_t *ps, sdf_pd_t *pd, int pd_index, const XML_Char **attrs)
{
    static const char *const allowed[] = {"path", "path_for_symbols", NULL};
    if (!attrs_known(ps, "program_image", attrs, allowed)) {
        return;
    }
    if (ps->images_seen[pd_index]++ > 0) {
        fail(ps, "protection domain '%s' has more than one <program_image>", pd->name);
        return;
    }
    const char *path = attr_required(ps, "program_image", attrs, "path");
    if (path != NULL) {
        copy_name(ps, "program_image", "path", path, pd->image, SDF_PATH_MAX);
    }
}

static bool parse_perms(const char *text, unsigned *out)
{
    unsigned p = 0;
    for (const char *c = text; *c != '\0'; c++) {
        unsigned bit = *c == 'r' ? SDF_PERM_R : *c == 'w' ? SDF_PERM_W : *c == 'x' ? SDF_PERM_X : 0;
        if (bit == 0 || (p & bit) != 0) {
            return false;
        }
        p |= bit;
    }
    *out = p;
    return p != 0 && p != SDF_PERM_W;
}

static void start_map(parser_t *ps, sdf_pd_t *pd, const XML_Char **attrs)
{
    static const char *const allowed[] = {"mr", "vaddr", "perms", "cached", "setvar_vaddr", "setvar_size", NULL};
    if (!attrs_known(ps, "map", attrs, allowed)) {
        return;
    }
    if (pd->nmaps == SDF_MAX_MAPS) {
        fail(ps, "protection domain '%s' has more than %d maps", pd->name, SDF_MAX_MAPS);
        return;
    }
    sdf_map_t *m = &pd->maps[pd->nmaps];
    memset(m, 0, sizeof(*m));
    m->line = line_of(ps);
    m->perms = SDF_PERM_R | SDF_PERM_W;
    m->cached = true;
    const char *mr = attr_required(ps, "map", attrs, "mr");
    const char *vaddr = attr_required(ps, "map", attrs, "vaddr");
    const char *perms = attr_get(attrs, "perms");
    if (mr == NULL || vaddr == NULL || !copy_name(ps, "map", "mr", mr, m->mr_name, SDF_NAME_MAX) ||
        !number_attr(ps, "map", "vaddr", vaddr, UINT64_MAX, &m->vaddr)) {
        return;
    }
    if (perms != NULL && !parse_perms(perms, &m->perms)) {
        fail(ps, "<map>: perms='%s' must combine r, w and x (and not be w alone)", perms);
        return;
    }
    if (!bool_attr(ps, "map", "cached", attr_get(attrs, "cached"), &m->cached) ||
        !symbol_attr(ps, "map", "setvar_vaddr", attr_get(attrs, "setvar_vaddr"), m->setvar_vaddr) ||
        !symbol_attr(ps, "map", "setvar_size", attr_get(attrs, "setvar_size"), m->setvar_size)) {
        return;
    }
    pd->nmaps++;
}

static void start_irq(parser_t *ps, sdf_pd_t *pd, const XML_Char **attrs)
{
    static const char *const allowed[] = {"irq", "id", "trigger", "setvar_id", NULL};
    if (!attrs_known(ps, "irq", attrs, allowed)) {
        return;
    }
    if (pd->nirqs == SDF_MAX_IRQS) {
        fail(ps, "protection domain '%s' has more than %d irqs", pd->name, SDF_MAX_IRQS);
        return;
    }
    sdf_irq_t *irq = &pd->irqs[pd->nirqs];
    memset(irq, 0, sizeof(*irq));
    irq->line = line_of(ps);
    const char *num = attr_required(ps, "irq", attrs, "irq");
    const char *id = attr_required(ps, "irq", attrs, "id");
    const char *trigger = attr_get(attrs, "trigger");
    uint64_t n, i;
    if (num == NULL || id == NULL || !number_attr(ps, "irq", "irq", num, 1019, &n) ||
        !number_attr(ps, "irq", "id", id, SDF_MAX_ID, &i)) {
        return;
    }
    if (trigger != NULL && strcmp(trigger, "level") != 0 && strcmp(trigger, "edge") != 0) {
        fail(ps, "<irq>: trigger='%s' must be 'level' or 'edge'", trigger);
        return;
    }
    if (!symbol_attr(ps, "irq", "setvar_id", attr_get(attrs, "setvar_id"), irq->setvar_id)) {
        return;
    }
    irq->irq = (uint32_t)n;
    irq->id = (unsigned)i;
    irq->edge = trigger != NULL && strcmp(trigger, "edge") == 0;
    pd->nirqs++;
}

static void start_setvar(parser_t *ps, sdf_pd_t *pd, const XML_Char **attrs)
{
    static const char *const allowed[] = {"symbol", "region_paddr", NULL};
    if (!attrs_known(ps, "setvar", attrs, allowed)) {
        return;
    }
    if (pd->nsetvars == SDF_MAX_SETVARS) {
        fail(ps, "protection domain '%s' has more than %d setvars", pd->name, SDF_MAX_SETVARS);
        return;
    }
    sdf_setvar_t *sv = &pd->setvars[pd->nsetvars];
    memset(sv, 0, sizeof(*sv));
    sv->line = line_of(ps);
    const char *sym = attr_required(ps, "setvar", attrs, "symbol");
    const char *mr = attr_required(ps, "setvar", attrs, "region_paddr");
    if (sym == NULL || mr == NULL || !symbol_attr(ps, "setvar", "symbol", sym, sv->symbol) ||
        !copy_name(ps, "setvar", "region_paddr", mr, sv->mr_name, SDF_NAME_MAX)) {
        return;
    }
    pd->nsetvars++;
}

static void start_channel(parser_t *ps, const XML_Char **attrs)
{
    static const char *const allowed[] = {NULL};
    if (!attrs_known(ps, "channel", attrs, allowed)) {
        return;
    }
    if (ps->sys->nchannels == SDF_MAX_CHANNELS) {
        fail(ps, "more than %d channels", SDF_MAX_CHANNELS);
        return;
    }
    sdf_channel_t *ch = &ps->sys->channels[ps->sys->nchannels++];
    memset(ch, 0, sizeof(*ch));
    ch->line = line_of(ps);
}

static void start_end(parser_t *ps, const XML_Char **attrs)
{
    static const char *const allowed[] = {"pd", "id", "pp", "notify", "setvar_id", NULL};
    sdf_channel_t *ch = &ps->sys->channels[ps->sys->nchannels - 1];
    if (!attrs_known(ps, "end", attrs, allowed)) {
        return;
    }
    if (ch->nends == 2) {
        fail(ps, "<channel> has more than two <end> elements");
        return;
    }
    sdf_end_t *end = &ch->ends[ch->nends];
    end->notify = true;
    const char *pd = attr_required(ps, "end", attrs, "pd");
    const char *id = attr_required(ps, "end", attrs, "id");
    uint64_t i;
    if (pd == NULL || id == NULL || !copy_name(ps, "end", "pd", pd, end->pd_name, SDF_NAME_MAX) ||
        !number_attr(ps, "end", "id", id, SDF_MAX_ID, &i)) {
        return;
    }
    if (!bool_attr(ps, "end", "pp", attr_get(attrs, "pp"), &end->pp) ||
        !bool_attr(ps, "end", "notify", attr_get(attrs, "notify"), &end->notify) ||
        !symbol_attr(ps, "end", "setvar_id", attr_get(attrs, "setvar_id"), end->setvar_id)) {
        return;
    }
    end->id = (unsigned)i;
    ch->nends++;
}

static element_t classify(const char *name)
{
    static const struct {
        const char *name;
        element_t el;
    } table[] = {
            {"system", EL_SYSTEM},       {"memory_region", EL_MR}, {"protection_domain", EL_PD},
            {"program_image", EL_IMAGE}, {"map", EL_MAP},          {"irq", EL_IRQ},
            {"setvar", EL_SETVAR},       {"channel", EL_CHANNEL},  {"end", EL_END},
    };
    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
        if (strcmp(table[i].name, name) == 0) {
            return table[i].el;
        }
    }
    return EL_NONE;
}

/* Which element may appear inside which. */
static bool placement_ok(element_t parent, element_t el)
{
    switch (el) {
    case EL_SYSTEM:
        return parent == EL_NONE;
    case EL_MR:
    case EL_CHANNEL:
        return parent == EL_SYSTEM;
    case EL_PD:
        return parent == EL_SYSTEM || parent == EL_PD;
    case EL_IMAGE:
    case EL_MAP:
    case EL_IRQ:
    case EL_SETVAR:
        return parent == EL_PD;
    case EL_END:
        return parent == EL_CHANNEL;
    case EL_NONE:
        return false;
    }
    return false;
}

static void dispatch_start(parser_t *ps, element_t el, const XML_Char **attrs)
{
    int pd_index = ps->depth > 0 ? ps->pd_stack[ps->depth - 1] : -1;
    sdf_pd_t *pd = pd_index >= 0 ? &ps->sys->pds[pd_index] : NULL;
    switch (el) {
    case EL_MR:
        start_mr(ps, attrs);
        break;
    case EL_PD:
        start_pd(ps, attrs, pd_index);
        break;
    case EL_IMAGE:
        start_image(ps, pd, pd_index, attrs);
        break;
    case EL_MAP:
        start_map(ps, pd, attrs);
        break;
    case EL_IRQ:
        start_irq(ps, pd, attrs);
        break;
    case EL_SETVAR:
        start_setvar(ps, pd, attrs);
        break;
    case EL_CHANNEL:
        start_channel(ps, attrs);
        break;
    case EL_END:
        start_end(ps, attrs);
        break;
    case EL_SYSTEM:
    case EL_NONE:
        break;
    }
}

static void on_start(void *user, const XML_Char *name, const XML_Char **attrs)
{
    parser_t *ps = user;
    if (ps->failed) {
        return;
    }
    element_t el = classify(name);
    element_t parent = ps->depth > 0 ? ps->stack[ps->depth - 1] : EL_NONE;
    if (el == EL_NONE) {
        fail(ps, "element <%s> is not supported by sdfgen", name);
        return;
    }
    if (!placement_ok(parent, el) || ps->depth == DEPTH_MAX) {
        fail(ps, "element <%s> is not allowed here", name);
        return;
    }
    ps->pd_stack[ps->depth] = ps->depth > 0 ? ps->pd_stack[ps->depth - 1] : -1;
    dispatch_start(ps, el, attrs);
    ps->stack[ps->depth++] = el;
}

static void on_end(void *user, const XML_Char *name)
{
    parser_t *ps = user;
    (void)name;
    if (ps->failed || ps->depth == 0) {
        return;
    }
    element_t el = ps->stack[--ps->depth];
    if (el == EL_CHANNEL && ps->sys->channels[ps->sys->nchannels - 1].nends != 2) {
        fail(ps, "<channel> needs exactly two <end> elements");
    }
    if (el == EL_PD && ps->images_seen[ps->pd_stack[ps->depth]] == 0) {
        fail(ps, "protection domain '%s' has no <program_image>", ps->sys->pds[ps->pd_stack[ps->depth]].name);
    }
}

int sdf_parse_buffer(sdf_system_t *sys, const char *file, const char *xml, size_t len, char err[SDF_ERR_MAX])
{
    memset(sys, 0, sizeof(*sys));
    snprintf(sys->file, sizeof(sys->file), "%s", file);
    parser_t ps = {.sys = sys, .err = err};
    ps.xml = XML_ParserCreate(NULL);
    if (ps.xml == NULL) {
        snprintf(err, SDF_ERR_MAX, "%s: out of memory", file);
        return -1;
    }
    XML_SetUserData(ps.xml, &ps);
    XML_SetElementHandler(ps.xml, on_start, on_end);
    if (len > INT32_MAX) {
        snprintf(err, SDF_ERR_MAX, "%s: file too large", file);
        ps.failed = true;
    } else if (XML_Parse(ps.xml, xml, (int)len, XML_TRUE) == XML_STATUS_ERROR && !ps.failed) {
        snprintf(err, SDF_ERR_MAX, "%s:%d: XML error: %s", file, line_of(&ps),
                 XML_ErrorString(XML_GetErrorCode(ps.xml)));
        ps.failed = true;
    }
    XML_ParserFree(ps.xml);
    if (ps.failed) {
        return -1;
    }
    return sdf_validate(sys, err);
}

int sdf_parse_file(sdf_system_t *sys, const char *path, char err[SDF_ERR_MAX])
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        snprintf(err, SDF_ERR_MAX, "%s: %s", path, strerror(errno));
        return -1;
    }
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap);
    while (buf != NULL) {
        len += fread(buf + len, 1, cap - len, f);
        if (len < cap) {
            break;
        }
        char *bigger = cap < (1u << 26) ? realloc(buf, cap * 2) : NULL;
        if (bigger == NULL) {
            free(buf);
        }
        buf = bigger;
        cap *= 2;
    }
    bool read_error = ferror(f) != 0;
    fclose(f);
    if (buf == NULL || read_error) {
        snprintf(err, SDF_ERR_MAX, "%s: cannot read file", path);
        free(buf);
        return -1;
    }
    int rc = sdf_parse_buffer(sys, path, buf, len, err);
    free(buf);
    return rc;
}
