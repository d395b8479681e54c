/*
 * The back-ends' command line (opts.h).
 */
#include "opts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SCANOUTS 16u
#define MAX_SIDE     16384u

static int parse_one(be_opts_t *o, const char *k, const char *v)
{
    if (strcmp(k, "--fd") == 0) {
        o->fd = atoi(v);
    } else if (strcmp(k, "--scanouts") == 0) {
        o->scanouts = (uint32_t)strtoul(v, NULL, 10);
    } else if (strcmp(k, "--mode") == 0) {
        return sscanf(v, "%ux%u", &o->width, &o->height) == 2 ? 0 : -1;
    } else if (strcmp(k, "--png") == 0) {
        o->png_dir = v;
    } else if (strcmp(k, "--ctl") == 0) {
        o->ctl_path = v;
    } else if (strcmp(k, "--sdl") == 0) {
        o->sdl = strcmp(v, "0") != 0;
    } else {
        return -1;
    }
    return 0;
}

int be_parse_opts(int argc, char **argv, be_opts_t *o)
{
    *o = (be_opts_t){.scanouts = 1, .width = 1280, .height = 800, .fd = -1};
    if (argc % 2 != 1) {
        return -1;
    }
    for (int i = 1; i + 1 < argc; i += 2) {
        if (parse_one(o, argv[i], argv[i + 1]) != 0) {
            return -1;
        }
    }
    bool sizes_ok = o->width >= 1 && o->width <= MAX_SIDE && o->height >= 1 && o->height <= MAX_SIDE;
    return o->fd >= 0 && o->scanouts >= 1 && o->scanouts <= MAX_SCANOUTS && sizes_ok ? 0 : -1;
}
