/*
 * e2e-report: the visual report of `make e2e`, one HTML page.
 *
 *   e2e-report OUT.html LOG_DIR MANIFEST...
 *
 * Each MANIFEST is the report.tsv an e2e check wrote in its work directory
 * (tests/qemu/e2e-lib.sh, report_line): tab-separated lines
 *
 *   check NAME PLATFORM
 *   state ok|fail|skip DESCRIPTION EXPECTED ACTUAL DIFF NOTE
 *   end SUMMARY
 *
 * with file names relative to the manifest's directory and "-" for none.
 * For every state with both pictures, the page shows the expected picture,
 * the screendump and a diff (differing pixels red over a dimmed copy of the
 * screendump, their bounding box outlined), each linked at full size. DIFF
 * is written here when the check did not write it (comparisons that
 * passed), from the same two pictures, so every diff on the page marks
 * exactly the pixels in which the two pictures beside it differ.
 *
 * Links are relative to OUT.html when the work directories are its
 * subdirectories (as $(BUILD)/e2e/NAME/ are of $(BUILD)/e2e/index.html),
 * else absolute. LOG_DIR is where the check logs are, as seen from OUT.html
 * (../checks); NAME.log there is linked from each check's heading.
 *
 * Prints one line with the page's counts. Exit 0 when the page was written,
 * 2 when it could not be (a manifest that cannot be read is a note on the
 * page and a warning, not a failure: the check that should have written it
 * failed already).
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stb/stb_image.h>

#include "diff_png.h"

#define MAX_FIELDS 8

/* A manifest line split at its tabs. */
typedef struct {
    char *field[MAX_FIELDS];
    int count;
} fields_t;

/* One check's manifest, as the overview needs it. */
typedef struct {
    const char *path;
    char fsdir[PATH_MAX];   /* its directory, to open files in */
    char dir[PATH_MAX + 2]; /* its directory, as linked from the page, with a trailing slash */
    char name[128], platform[64], summary[256];
    int ok, fail, skip;
    int readable;
} check_t;

/* The page being written. */
typedef struct {
    char *dir;           /* its directory, resolved */
    const char *log_dir; /* the check logs' directory, relative to it */
} page_t;

/* The comparison of one state's two pictures. */
typedef struct {
    int loaded; /* both pictures read */
    int same_size;
    size_t differ;
    int x0, y0, x1, y1; /* bounding box of the differing pixels, inclusive */
    int ew, eh, aw, ah; /* sizes of the expected picture and the screendump */
} diff_t;

static void put_escaped(FILE *out, const char *s)
{
    for (; *s != '\0'; s++) {
        switch (*s) {
        case '&':
            fputs("&amp;", out);
            break;
        case '<':
            fputs("&lt;", out);
            break;
        case '>':
            fputs("&gt;", out);
            break;
        case '"':
            fputs("&quot;", out);
            break;
        default:
            fputc(*s, out);
        }
    }
}

static fields_t split(char *line)
{
    fields_t f = {.count = 0};
    line[strcspn(line, "\r\n")] = '\0';
    char *p = line;
    while (f.count < MAX_FIELDS) {
        f.field[f.count++] = p;
        char *tab = strchr(p, '\t');
        if (tab == NULL) {
            break;
        }
        *tab = '\0';
        p = tab + 1;
    }
    return f;
}

static const char *field(const fields_t *f, int i)
{
    return i < f->count ? f->field[i] : "-";
}

/* A state's status as a CSS class and as a word: anything but ok and skip is a failure. */
static const char *status_class(const char *status)
{
    return strcmp(status, "ok") == 0 ? "ok" : strcmp(status, "skip") == 0 ? "skip" : "fail";
}

static const char *status_word(const char *status)
{
    return strcmp(status, "ok") == 0 ? "ok" : strcmp(status, "skip") == 0 ? "skipped" : "FAILED";
}

static void copy_text(char *dst, size_t size, const char *src)
{
    snprintf(dst, size, "%s", src);
}

/* Directory part of `path` ("." if none) into dst. */
static void dir_of(char *dst, size_t size, const char *path)
{
    const char *slash = strrchr(path, '/');
    if (slash == NULL) {
        copy_text(dst, size, ".");
    } else {
        snprintf(dst, size, "%.*s", (int)(slash - path), path);
    }
}

/* The manifest's directory as the page links it: relative when it is a subdirectory of the page's. */
static void link_dir(check_t *c, const char *page_dir)
{
    dir_of(c->fsdir, sizeof(c->fsdir), c->path);
    char *real = realpath(c->fsdir, NULL);
    if (real == NULL) {
        snprintf(c->dir, sizeof(c->dir), "%s/", c->fsdir);
        return;
    }
    char parent[PATH_MAX];
    dir_of(parent, sizeof(parent), real);
    const char *base = strrchr(real, '/');
    snprintf(c->dir, sizeof(c->dir), "%s/", strcmp(parent, page_dir) == 0 && base != NULL ? base + 1 : real);
    free(real);
}

static void note_line(check_t *c, const fields_t *f)
{
    const char *kind = field(f, 0);
    if (strcmp(kind, "check") == 0) {
        copy_text(c->name, sizeof(c->name), field(f, 1));
        copy_text(c->platform, sizeof(c->platform), field(f, 2));
    } else if (strcmp(kind, "end") == 0) {
        copy_text(c->summary, sizeof(c->summary), field(f, 1));
    } else if (strcmp(kind, "state") == 0) {
        const char *status = field(f, 1);
        c->ok += strcmp(status, "ok") == 0;
        c->fail += strcmp(status_class(status), "fail") == 0;
        c->skip += strcmp(status, "skip") == 0;
    }
}

/* First pass: what the overview says about one manifest. */
static void scan_check(check_t *c, const char *path, const char *page_dir)
{
    memset(c, 0, sizeof(*c));
    c->path = path;
    copy_text(c->name, sizeof(c->name), path);
    copy_text(c->summary, sizeof(c->summary), "no summary: the check stopped before its end");
    link_dir(c, page_dir);
    FILE *in = fopen(path, "r");
    if (in == NULL) {
        fprintf(stderr, "e2e-report: warning: cannot read %s\n", path);
        return;
    }
    c->readable = 1;
    char *line = NULL;
    size_t cap = 0;
    while (getline(&line, &cap, in) != -1) {
        fields_t f = split(line);
        note_line(c, &f);
    }
    free(line);
    fclose(in);
}

static void note_pixel(diff_t *d, int x, int y)
{
    if (d->differ++ == 0) {
        d->x0 = d->x1 = x;
        d->y0 = d->y1 = y;
    }
    d->x0 = x < d->x0 ? x : d->x0;
    d->x1 = x > d->x1 ? x : d->x1;
    d->y0 = y < d->y0 ? y : d->y0;
    d->y1 = y > d->y1 ? y : d->y1;
}

/* Marks (one byte per pixel) where two same-sized pictures differ. */
static void mark_differences(diff_t *d, const image_t *e, const image_t *a, unsigned char *marks)
{
    for (int y = 0; y < a->h; y++) {
        for (int x = 0; x < a->w; x++) {
            size_t p = (size_t)y * (size_t)a->w + (size_t)x;
            marks[p] = (unsigned char)(memcmp(e->rgb + p * 3, a->rgb + p * 3, 3) != 0);
            if (marks[p]) {
                note_pixel(d, x, y);
            }
        }
    }
}

static int file_exists(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f != NULL) {
        fclose(f);
    }
    return f != NULL;
}

/* Compares EXPECTED with ACTUAL (paths already joined) and writes DIFF if it is missing. */
static diff_t diff_pictures(const char *expected, const char *actual, const char *diff_path)
{
    diff_t d = {0};
    int channels;
    image_t e = {0}, a = {0};
    e.rgb = stbi_load(expected, &e.w, &e.h, &channels, 3);
    a.rgb = stbi_load(actual, &a.w, &a.h, &channels, 3);
    d.loaded = e.rgb != NULL && a.rgb != NULL;
    d.ew = e.w, d.eh = e.h, d.aw = a.w, d.ah = a.h;
    d.same_size = d.loaded && e.w == a.w && e.h == a.h;
    unsigned char *marks = d.same_size ? malloc((size_t)a.w * (size_t)a.h) : NULL;
    if (marks != NULL) {
        mark_differences(&d, &e, &a, marks);
        if (!file_exists(diff_path) && write_diff_png(diff_path, &a, marks) != 0) {
            fprintf(stderr, "e2e-report: warning: cannot write %s\n", diff_path);
        }
    }
    free(marks);
    stbi_image_free(e.rgb);
    stbi_image_free(a.rgb);
    return d;
}

/* <a href=DIR/FILE><img src=DIR/FILE width=W height=H>: the size reserves the picture's place before it loads. */
static void put_picture_link(FILE *out, const char *dir, const char *file, int w, int h, const char *alt)
{
    fputs(strcmp(alt, "diff") == 0 ? "<a class=\"boxed\" href=\"" : "<a href=\"", out);
    put_escaped(out, dir);
    put_escaped(out, file);
    fputs("\"><img src=\"", out);
    put_escaped(out, dir);
    put_escaped(out, file);
    if (w > 0 && h > 0) {
        fprintf(out, "\" width=\"%d\" height=\"%d", w, h);
    }
    fprintf(out, "\" alt=\"%s\">", alt);
}

static void put_figure(FILE *out, const char *dir, const char *file, int w, int h, const char *what)
{
    fputs("<figure>", out);
    put_picture_link(out, dir, file, w, h, what);
    fprintf(out, "</a><figcaption>%s (%dx%d)</figcaption></figure>\n", what, w, h);
}

/* The diff, with the differing pixels' bounding box outlined over it. */
static void put_diff_figure(FILE *out, const char *dir, const char *file, const diff_t *d)
{
    fputs("<figure>", out);
    put_picture_link(out, dir, file, d->aw, d->ah, "diff");
    if (d->differ != 0) {
        fprintf(out, "<span class=\"bbox\" style=\"left:%.3f%%;top:%.3f%%;width:%.3f%%;height:%.3f%%\"></span>",
                100.0 * d->x0 / d->aw, 100.0 * d->y0 / d->ah, 100.0 * (d->x1 - d->x0 + 1) / d->aw,
                100.0 * (d->y1 - d->y0 + 1) / d->ah);
        fprintf(out, "</a><figcaption>diff: %zu of %zu pixels differ, within x %d..%d y %d..%d</figcaption></figure>\n",
                d->differ, (size_t)d->aw * (size_t)d->ah, d->x0, d->x1, d->y0, d->y1);
    } else {
        fputs("</a><figcaption>diff: no pixel differs</figcaption></figure>\n", out);
    }
}

static void join(char *dst, size_t size, const check_t *c, const char *file)
{
    if (file[0] == '/') {
        copy_text(dst, size, file);
    } else {
        snprintf(dst, size, "%s/%s", c->fsdir, file);
    }
}

static void put_size_note(FILE *out, const diff_t *d)
{
    if (!d->loaded) {
        fputs("<p class=\"why\">a picture is missing or unreadable: no diff</p>\n", out);
    } else if (!d->same_size) {
        fprintf(out, "<p class=\"why\">sizes differ: expected %dx%d, screendump %dx%d: no diff</p>\n", d->ew, d->eh,
                d->aw, d->ah);
    }
}

/* The three pictures of a state: expected, screendump, diff. */
static void put_pictures(FILE *out, const check_t *c, const fields_t *f)
{
    char expected[PATH_MAX + 256], actual[PATH_MAX + 256], diff[PATH_MAX + 256];
    join(expected, sizeof(expected), c, field(f, 3));
    join(actual, sizeof(actual), c, field(f, 4));
    join(diff, sizeof(diff), c, field(f, 5));
    diff_t d = diff_pictures(expected, actual, diff);
    fputs("<div class=\"pictures\">\n", out);
    put_figure(out, c->dir, field(f, 3), d.ew, d.eh, "expected");
    put_figure(out, c->dir, field(f, 4), d.aw, d.ah, "screendump");
    if (d.same_size) {
        put_diff_figure(out, c->dir, field(f, 5), &d);
    }
    fputs("</div>\n", out);
    put_size_note(out, &d);
}

static void put_state(FILE *out, const check_t *c, const fields_t *f)
{
    const char *status = field(f, 1);
    fprintf(out, "<div class=\"state %s\">\n<h3><span class=\"badge\">%s</span> ", status_class(status),
            status_word(status));
    put_escaped(out, field(f, 2));
    fputs("</h3>\n", out);
    if (strcmp(field(f, 6), "-") != 0) {
        fputs("<p class=\"note\">", out);
        put_escaped(out, field(f, 6));
        fputs("</p>\n", out);
    }
    if (strcmp(field(f, 3), "-") != 0 && strcmp(field(f, 4), "-") != 0) {
        put_pictures(out, c, f);
    }
    fputs("</div>\n", out);
}

static const char *check_class(const check_t *c)
{
    return !c->readable || c->fail != 0 ? "fail" : "ok";
}

/* " · <a href=DIR/FILE>TEXT</a>" if FILE is there (ON_DISK is its path from here). */
static void put_link_if(FILE *out, const char *on_disk, const char *dir, const char *file, const char *text)
{
    if (file_exists(on_disk)) {
        fputs(" &middot; <a href=\"", out);
        put_escaped(out, dir);
        put_escaped(out, file);
        fprintf(out, "\">%s</a>", text);
    }
}

static void put_check_heading(FILE *out, const check_t *c, int index, const page_t *page)
{
    char on_disk[2 * PATH_MAX + 256], log_dir[PATH_MAX + 2], log_name[sizeof(c->name) + 8];
    fprintf(out, "<section class=\"check %s\" id=\"check-%d\">\n<h2>", check_class(c), index);
    put_escaped(out, c->name);
    if (c->platform[0] != '\0') {
        fputs(" on ", out);
        put_escaped(out, c->platform);
    }
    fputs("</h2>\n<p class=\"summary\">", out);
    put_escaped(out, c->summary);
    snprintf(log_dir, sizeof(log_dir), "%s/", page->log_dir);
    snprintf(log_name, sizeof(log_name), "%s.log", c->name);
    snprintf(on_disk, sizeof(on_disk), "%s/%s/%s", page->dir, page->log_dir, log_name);
    put_link_if(out, on_disk, log_dir, log_name, "log");
    snprintf(on_disk, sizeof(on_disk), "%s/run/console.log", c->fsdir);
    put_link_if(out, on_disk, c->dir, "run/console.log", "console");
    fputs("</p>\n", out);
}

/* Second pass: one check's section, a block per recorded state. */
static void put_check(FILE *out, const check_t *c, int index, const page_t *page)
{
    put_check_heading(out, c, index, page);
    FILE *in = c->readable ? fopen(c->path, "r") : NULL;
    if (in == NULL) {
        fputs("<p class=\"why\">no record: the check did not run, or stopped before writing one</p>\n", out);
    }
    char *line = NULL;
    size_t cap = 0;
    while (in != NULL && getline(&line, &cap, in) != -1) {
        fields_t f = split(line);
        if (strcmp(field(&f, 0), "state") == 0) {
            put_state(out, c, &f);
        }
    }
    free(line);
    if (in != NULL) {
        fclose(in);
    }
    fputs("</section>\n", out);
}

static const char PAGE_HEAD[] =
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>make e2e: visual "
        "report</title>\n"
        "<style>\n"
        "body{font:14px/1.4 sans-serif;margin:1em 2em;background:#fafafa;color:#222}\n"
        "h1{font-size:1.4em}h2{font-size:1.15em;margin:1.2em 0 .2em}h3{font-size:1em;margin:.8em 0 .3em}\n"
        "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .6em;text-align:left}\n"
        ".badge{display:inline-block;min-width:4.5em;text-align:center;border-radius:3px;color:#fff;"
        "font-size:.85em;padding:0 .3em}\n"
        ".ok>h3 .badge,tr.ok .badge{background:#2a7d2a}.fail>h3 .badge,tr.fail .badge{background:#c62828}"
        ".skip>h3 .badge{background:#888}\n"
        "section.check{border-top:2px solid #ccc;margin-top:1em}section.fail{border-top-color:#c62828}\n"
        ".pictures{display:flex;gap:1em;flex-wrap:wrap}\n"
        "figure{margin:0;flex:1 1 28%;min-width:200px;max-width:420px}\n"
        "figure img{width:100%;height:auto;display:block;border:1px solid "
        "#999;background:#fff;image-rendering:pixelated}\n"
        "figcaption{font-size:.85em;color:#555}\n"
        "a.boxed{position:relative;display:block}\n"
        ".bbox{position:absolute;outline:2px solid #ffd600;min-width:6px;min-height:6px;box-sizing:border-box}\n"
        ".note{font-family:monospace;font-size:.85em;white-space:pre-wrap;color:#444;margin:.2em 0}\n"
        ".why{color:#c62828}\n"
        "</style>\n</head>\n<body>\n<h1>make e2e: expected pictures, screendumps and diffs</h1>\n"
        "<p>Diffs: differing pixels red over a dimmed copy of the screendump; a yellow frame outlines them.</p>\n";

static void put_overview(FILE *out, const check_t *checks, int n)
{
    fputs("<table>\n<tr><th>check</th><th>platform</th><th>pictures</th><th>summary</th></tr>\n", out);
    for (int i = 0; i < n; i++) {
        const check_t *c = &checks[i];
        fprintf(out, "<tr class=\"%s\"><td><span class=\"badge\">%s</span> <a href=\"#check-%d\">", check_class(c),
                strcmp(check_class(c), "ok") == 0 ? "ok" : "FAILED", i);
        put_escaped(out, c->name);
        fputs("</a></td><td>", out);
        put_escaped(out, c->platform);
        fprintf(out, "</td><td>%d ok, %d failed, %d skipped</td><td>", c->ok, c->fail, c->skip);
        put_escaped(out, c->summary);
        fputs("</td></tr>\n", out);
    }
    fputs("</table>\n", out);
}

static int write_page(FILE *out, const check_t *checks, int n, const page_t *page)
{
    fputs(PAGE_HEAD, out);
    put_overview(out, checks, n);
    for (int i = 0; i < n; i++) {
        put_check(out, &checks[i], i, page);
    }
    fputs("</body>\n</html>\n", out);
    return ferror(out) ? -1 : 0;
}

/* The page's directory, resolved, so that manifests below it are linked relatively. */
static char *page_dir_of(const char *page)
{
    char dir[PATH_MAX];
    dir_of(dir, sizeof(dir), page);
    return realpath(dir, NULL);
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: e2e-report OUT.html LOG_DIR MANIFEST...\n");
        return 2;
    }
    int n = argc - 3;
    check_t *checks = calloc((size_t)(n > 0 ? n : 1), sizeof(*checks));
    page_t page = {.dir = page_dir_of(argv[1]), .log_dir = argv[2]};
    FILE *out = page.dir != NULL ? fopen(argv[1], "w") : NULL;
    if (checks == NULL || out == NULL) {
        fprintf(stderr, "e2e-report: cannot write %s\n", argv[1]);
        return 2;
    }
    int states = 0, failed = 0;
    for (int i = 0; i < n; i++) {
        scan_check(&checks[i], argv[3 + i], page.dir);
        states += checks[i].ok + checks[i].fail + checks[i].skip;
        failed += checks[i].fail;
    }
    int rc = write_page(out, checks, n, &page);
    rc = fclose(out) != 0 ? -1 : rc;
    printf("e2e-report: %d checks, %d states (%d failed) in %s\n", n, states, failed, argv[1]);
    free(page.dir);
    free(checks);
    return rc == 0 ? 0 : 2;
}
