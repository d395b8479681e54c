/*
 * imgcmp: compare a screendump with the expected image, exactly.
 *
 *   imgcmp EXPECTED ACTUAL [DIFF.png]
 *
 * Both images are read with stb_image (PNG, PPM, ...) as 8-bit RGB; alpha
 * is ignored because QEMU's screendump has none. Exit 0 when the sizes and
 * every pixel agree. Otherwise print the first difference, the number of
 * differing pixels and their bounding box, write DIFF.png (differing pixels
 * red, the rest a dimmed copy of ACTUAL) when asked, and exit 1. Exit 2 for
 * unreadable input.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stb/stb_image.h>

#include "diff_png.h"

typedef struct {
    size_t count;
    int x0, y0, x1, y1; /* bounding box, inclusive */
    int first_x, first_y;
} diff_t;

static int load(const char *path, image_t *img)
{
    int channels;
    img->rgb = stbi_load(path, &img->w, &img->h, &channels, 3);
    if (img->rgb == NULL) {
        fprintf(stderr, "imgcmp: cannot read %s: %s\n", path, stbi_failure_reason());
        return -1;
    }
    return 0;
}

static void note_diff(diff_t *d, int x, int y)
{
    if (d->count++ == 0) {
        d->first_x = d->x0 = d->x1 = x;
        d->first_y = d->y0 = d->y1 = y;
    }
    d->x0 = x < d->x0 ? x : d->x0;
    d->x1 = x > d->x1 ? x : d->x1;
    d->y0 = y < d->y0 ? y : d->y0;
    d->y1 = y > d->y1 ? y : d->y1;
}

/* Fills `marks` (one byte per pixel, may be NULL) with 1 where the images differ. */
static diff_t compare(const image_t *a, const image_t *b, unsigned char *marks)
{
    diff_t d = {0};
    for (int y = 0; y < a->h; y++) {
        for (int x = 0; x < a->w; x++) {
            size_t i = ((size_t)y * (size_t)a->w + (size_t)x) * 3;
            int differs = memcmp(a->rgb + i, b->rgb + i, 3) != 0;
            if (differs) {
                note_diff(&d, x, y);
            }
            if (marks != NULL) {
                marks[i / 3] = (unsigned char)differs;
            }
        }
    }
    return d;
}

static void report(const image_t *e, const image_t *a, const diff_t *d)
{
    size_t i = ((size_t)d->first_y * (size_t)e->w + (size_t)d->first_x) * 3;
    printf("imgcmp: %zu of %zu pixels differ, within x %d..%d y %d..%d\n", d->count, (size_t)e->w * (size_t)e->h, d->x0,
           d->x1, d->y0, d->y1);
    printf("imgcmp: first at (%d,%d): expected #%02x%02x%02x, got #%02x%02x%02x\n", d->first_x, d->first_y, e->rgb[i],
           e->rgb[i + 1], e->rgb[i + 2], a->rgb[i], a->rgb[i + 1], a->rgb[i + 2]);
}

static int run(const image_t *expected, const image_t *actual, const char *diff_path)
{
    if (expected->w != actual->w || expected->h != actual->h) {
        printf("imgcmp: size differs: expected %dx%d, got %dx%d\n", expected->w, expected->h, actual->w, actual->h);
        return 1;
    }
    unsigned char *marks = diff_path != NULL ? malloc((size_t)actual->w * (size_t)actual->h) : NULL;
    diff_t d = compare(expected, actual, marks);
    int rc = 0;
    if (d.count != 0) {
        report(expected, actual, &d);
        if (marks != NULL && write_diff_png(diff_path, actual, marks) == 0) {
            printf("imgcmp: differences marked red in %s\n", diff_path);
        }
        rc = 1;
    }
    free(marks);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 3 || argc > 4) {
        fprintf(stderr, "usage: imgcmp EXPECTED ACTUAL [DIFF.png]\n");
        return 2;
    }
    image_t expected = {0}, actual = {0};
    if (load(argv[1], &expected) != 0 || load(argv[2], &actual) != 0) {
        stbi_image_free(expected.rgb);
        return 2;
    }
    int rc = run(&expected, &actual, argc == 4 ? argv[3] : NULL);
    if (rc == 0) {
        printf("imgcmp: %s matches %s (%dx%d)\n", argv[2], argv[1], actual.w, actual.h);
    }
    stbi_image_free(expected.rgb);
    stbi_image_free(actual.rgb);
    return rc;
}
