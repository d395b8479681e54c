/*
 * animcheck: check a screendump of the animated example (examples/anim).
 *
 *   animcheck DUMP BOX DIFF.png [STEP MIN MAX]
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
 * Prints the square's position. Exit 0 when everything holds, 1 when not
 * (with the reason), 2 for unreadable input or bad arguments.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <stb/stb_image.h>

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

static int check_path(const image_t *img, int side, const path_t *p, int x, int y)
{
    long lx = img->w - side;
    long ly = img->h - side;
    if (lx <= 0 || ly <= 0 || lx % p->step != 0 || ly % p->step != 0) {
        printf("animcheck: cannot predict the path: screen %dx%d, square %d, step %ld\n", img->w, img->h, side,
               p->step);
        return 1;
    }
    for (long m = p->min; m <= p->max; m++) {
        if (triangle(m, p->step, lx) == x && triangle(m, p->step, ly) == y) {
            printf("animcheck: (%d,%d) is the square's place after %ld moves, within [%ld, %ld]\n", x, y, m, p->min,
                   p->max);
            return 0;
        }
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

int main(int argc, char **argv)
{
    if (argc != 4 && argc != 7) {
        fprintf(stderr, "usage: animcheck DUMP BOX DIFF.png [STEP MIN MAX]\n");
        return 2;
    }
    int side = atoi(argv[2]);
    path_t path = {0, 0, 0};
    if (argc == 7) {
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
    stbi_image_free(img.rgb);
    return rc;
}
