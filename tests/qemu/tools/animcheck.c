/*
 * animcheck: check a screendump of the animated example (examples/anim).
 *
 *   animcheck DUMP BOX DIFF.png [STEP MIN MAX [EXPECTED.png]]
 *
 * The picture must be exactly the example's background (anim_background(),
 * linked from examples/anim/anim.c) except for one BOX x BOX square filled
 * with ANIM_BOX_COLOUR. The square's colour never occurs in the background
 * (its green is above the background's 0x3f), so every one of its pixels
 * differs from the background. On failure DIFF.png shows the unexpected
 * pixels red.
 *
 * With STEP MIN MAX the square must also be where the animation puts it
 * after m moves for some m in [MIN, MAX]: it starts at (0,0) and moves STEP
 * pixels along each axis per frame, bouncing between 0 and (screen - BOX),
 * i.e. a triangle wave on each axis with the same m (computed here in closed
 * form, which needs (screen - BOX) to be a multiple of STEP).
 *
 * With EXPECTED.png it also writes the picture it expected, for the e2e
 * report: the square where it found it on the path, or else where the
 * animation puts it after MIN moves.
 *
 * Prints the square's position. Exit 0 when everything holds, 1 when not
 * (with the reason), 2 for unreadable input or bad arguments.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <stb/stb_image.h>
#include <stb/stb_image_write.h>

#include "anim.h"
#include "diff_png.h"

#define SDDF_LOG_COMPONENT "ANIMCHECK"
#include <sddf/log.h>

void sddf_log(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
}

typedef struct {
    size_t count;
    int x0, y0, x1, y1; /* bounding box of the pixels that are not background, inclusive */
} box_t;

static uint32_t rgb_at(const image_t *img, int x, int y)
{
    const unsigned char *p = img->rgb + ((size_t)y * (size_t)img->w + (size_t)x) * 3;
    return ((uint32_t)p[0] << 16) | ((uint32_t)p[1] << 8) | p[2];
}

static box_t find_box(const image_t *img)
{
    box_t b = {0, img->w, img->h, -1, -1};
    for (int y = 0; y < img->h; y++) {
        for (int x = 0; x < img->w; x++) {
            if (rgb_at(img, x, y) != (anim_background((uint32_t)x, (uint32_t)y) & 0xffffffu)) {
                b.count++;
                b.x0 = x < b.x0 ? x : b.x0;
                b.y0 = y < b.y0 ? y : b.y0;
                b.x1 = x > b.x1 ? x : b.x1;
                b.y1 = y > b.y1 ? y : b.y1;
            }
        }
    }
    return b;
}

static int in_box(const box_t *b, int x, int y, int side)
{
    return x >= b->x0 && x < b->x0 + side && y >= b->y0 && y < b->y0 + side;
}

/* Pixels that are wrong for a square of `side` at the box's top-left corner. */
static size_t count_wrong(const image_t *img, const box_t *b, int side, unsigned char *marks)
{
    size_t wrong = 0;
    for (int y = 0; y < img->h; y++) {
        for (int x = 0; x < img->w; x++) {
            uint32_t want = in_box(b, x, y, side) ? ANIM_BOX_COLOUR : anim_background((uint32_t)x, (uint32_t)y);
            int bad = rgb_at(img, x, y) != (want & 0xffffffu);
            wrong += (size_t)bad;
            if (marks != NULL) {
                marks[(size_t)y * (size_t)img->w + (size_t)x] = (unsigned char)bad;
            }
        }
    }
    return wrong;
}

static void write_diff(const char *path, const image_t *img, const unsigned char *marks)
{
    if (write_diff_png(path, img, marks) == 0) {
        printf("animcheck: unexpected pixels marked red in %s\n", path);
    }
}

typedef struct {
    long step, min, max; /* step 0: no trajectory check */
} path_t;

/* Position on one axis after m moves of `step`, bouncing in [0, limit]. */
static long triangle(long m, long step, long limit)
{
    long u = (m * step) % (2 * limit);
    return u <= limit ? u : 2 * limit - u;
}

static int path_predictable(const image_t *img, int side, const path_t *p)
{
    long lx = img->w - side;
    long ly = img->h - side;
    return lx > 0 && ly > 0 && lx % p->step == 0 && ly % p->step == 0;
}

/* Where the square is after m moves. Needs path_predictable(). */
static void path_place(const image_t *img, int side, const path_t *p, long m, int *x, int *y)
{
    *x = (int)triangle(m, p->step, img->w - side);
    *y = (int)triangle(m, p->step, img->h - side);
}

/* The first m in [MIN, MAX] that puts the square at (x,y), or -1. Needs path_predictable(). */
static long path_find(const image_t *img, int side, const path_t *p, int x, int y)
{
    for (long m = p->min; m <= p->max; m++) {
        int px, py;
        path_place(img, side, p, m, &px, &py);
        if (px == x && py == y) {
            return m;
        }
    }
    return -1;
}

static int check_path(const image_t *img, int side, const path_t *p, int x, int y)
{
    if (!path_predictable(img, side, p)) {
        printf("animcheck: cannot predict the path: screen %dx%d, square %d, step %ld\n", img->w, img->h, side,
               p->step);
        return 1;
    }
    long m = path_find(img, side, p, x, y);
    if (m >= 0) {
        printf("animcheck: (%d,%d) is the square's place after %ld moves, within [%ld, %ld]\n", x, y, m, p->min,
               p->max);
        return 0;
    }
    printf("animcheck: the square at (%d,%d) is not where the animation puts it after %ld..%ld moves\n", x, y, p->min,
           p->max);
    return 1;
}

static int check(const image_t *img, int side, const char *diff_path, const path_t *p)
{
    box_t b = find_box(img);
    if (b.count == 0) {
        printf("animcheck: no square: the picture is the bare background (%dx%d)\n", img->w, img->h);
        return 1;
    }
    int bw = b.x1 - b.x0 + 1;
    int bh = b.y1 - b.y0 + 1;
    unsigned char *marks = diff_path != NULL ? calloc((size_t)img->w * (size_t)img->h, 1) : NULL;
    size_t wrong = count_wrong(img, &b, side, marks);
    int rc = 0;
    if (bw != side || bh != side || wrong != 0) {
        printf("animcheck: %zu pixels are not background, within x %d..%d y %d..%d (%dx%d); "
               "%zu pixels wrong for one %dx%d square at (%d,%d)\n",
               b.count, b.x0, b.x1, b.y0, b.y1, bw, bh, wrong, side, side, b.x0, b.y0);
        if (marks != NULL) {
            write_diff(diff_path, img, marks);
        }
        rc = 1;
    } else {
        printf("animcheck: background with one %dx%d square at (%d,%d) on %dx%d\n", side, side, b.x0, b.y0, img->w,
               img->h);
        rc = p->step > 0 ? check_path(img, side, p, b.x0, b.y0) : 0;
    }
    free(marks);
    return rc;
}

/*
 * The square's expected top-left corner: where the dump has it if that is on
 * the path (or no path was given), else the path's place after MIN moves.
 */
static void expected_place(const image_t *img, int side, const path_t *p, int *x, int *y)
{
    box_t b = find_box(img);
    *x = b.count != 0 ? b.x0 : 0;
    *y = b.count != 0 ? b.y0 : 0;
    if (p->step > 0 && path_predictable(img, side, p) && path_find(img, side, p, *x, *y) < 0) {
        path_place(img, side, p, p->min, x, y);
    }
}

/* EXPECTED.png: the background with the square at its expected place. */
static int write_expected(const char *path, const image_t *img, int side, const path_t *p)
{
    int bx, by;
    expected_place(img, side, p, &bx, &by);
    unsigned char *out = malloc((size_t)img->w * (size_t)img->h * 3);
    if (out == NULL) {
        return -1;
    }
    const box_t b = {0, bx, by, bx + side - 1, by + side - 1};
    for (int y = 0; y < img->h; y++) {
        for (int x = 0; x < img->w; x++) {
            uint32_t c = in_box(&b, x, y, side) ? ANIM_BOX_COLOUR : anim_background((uint32_t)x, (uint32_t)y);
            unsigned char *o = out + ((size_t)y * (size_t)img->w + (size_t)x) * 3;
            o[0] = (unsigned char)(c >> 16);
            o[1] = (unsigned char)(c >> 8);
            o[2] = (unsigned char)c;
        }
    }
    int ok = stbi_write_png(path, img->w, img->h, 3, out, img->w * 3);
    free(out);
    return ok ? 0 : -1;
}

int main(int argc, char **argv)
{
    if (argc != 4 && argc != 7 && argc != 8) {
        fprintf(stderr, "usage: animcheck DUMP BOX DIFF.png [STEP MIN MAX [EXPECTED.png]]\n");
        return 2;
    }
    int side = atoi(argv[2]);
    path_t path = {0, 0, 0};
    if (argc >= 7) {
        path = (path_t){atol(argv[4]), atol(argv[5]), atol(argv[6])};
        if (path.step <= 0 || path.min < 0 || path.max < path.min || path.max > 100000000) {
            fprintf(stderr, "animcheck: bad STEP MIN MAX\n");
            return 2;
        }
    }
    image_t img = {0};
    int channels;
    img.rgb = stbi_load(argv[1], &img.w, &img.h, &channels, 3);
    if (img.rgb == NULL || side <= 0) {
        fprintf(stderr, "animcheck: cannot read %s (%s) or bad BOX %s\n", argv[1],
                img.rgb == NULL ? stbi_failure_reason() : "ok", argv[2]);
        stbi_image_free(img.rgb);
        return 2;
    }
    int rc = check(&img, side, argv[3], &path);
    if (argc == 8 && write_expected(argv[7], &img, side, &path) != 0) {
        fprintf(stderr, "animcheck: cannot write %s\n", argv[7]);
        rc = 2;
    }
    stbi_image_free(img.rgb);
    return rc;
}
