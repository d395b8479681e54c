/*
 * pngtool: two small picture jobs for the e2e report's test.
 *
 *   pngtool count PICTURE RRGGBB   print how many pixels are exactly RRGGBB (hex)
 *   pngtool png IN OUT.png         write IN (any format stb_image reads) as PNG
 *
 * Pictures are read with stb_image as 8-bit RGB. `count` checks a browser's
 * screenshot of the report: colours that only the page's pictures contain
 * show that they loaded. `png` turns the test's hand-written PPMs into the
 * PNGs a browser can show. Exit 0, or 2 for unreadable input, a bad colour
 * or a failed write.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stb/stb_image.h>
#include <stb/stb_image_write.h>

static int parse_colour(const char *hex, unsigned char rgb[3])
{
    char *end;
    unsigned long v = strtoul(hex, &end, 16);
    if (strlen(hex) != 6 || *end != '\0') {
        return -1;
    }
    rgb[0] = (unsigned char)(v >> 16);
    rgb[1] = (unsigned char)(v >> 8);
    rgb[2] = (unsigned char)v;
    return 0;
}

static int count(const unsigned char *rgb, int w, int h, const char *hex)
{
    unsigned char want[3];
    if (parse_colour(hex, want) != 0) {
        fprintf(stderr, "pngtool: bad colour %s (want RRGGBB)\n", hex);
        return 2;
    }
    size_t n = 0;
    for (size_t p = 0; p < (size_t)w * (size_t)h; p++) {
        n += memcmp(rgb + p * 3, want, 3) == 0;
    }
    printf("%zu\n", n);
    return 0;
}

static int to_png(const unsigned char *rgb, int w, int h, const char *out)
{
    if (!stbi_write_png(out, w, h, 3, rgb, w * 3)) {
        fprintf(stderr, "pngtool: cannot write %s\n", out);
        return 2;
    }
    return 0;
}

int main(int argc, char **argv)
{
    int is_count = argc == 4 && strcmp(argv[1], "count") == 0;
    int is_png = argc == 4 && strcmp(argv[1], "png") == 0;
    if (!is_count && !is_png) {
        fprintf(stderr, "usage: pngtool count PICTURE RRGGBB | pngtool png IN OUT.png\n");
        return 2;
    }
    int w, h, channels;
    unsigned char *rgb = stbi_load(argv[2], &w, &h, &channels, 3);
    if (rgb == NULL) {
        fprintf(stderr, "pngtool: cannot read %s: %s\n", argv[2], stbi_failure_reason());
        return 2;
    }
    int rc = is_count ? count(rgb, w, h, argv[3]) : to_png(rgb, w, h, argv[3]);
    stbi_image_free(rgb);
    return rc;
}
