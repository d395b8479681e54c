/*
 * The command line both back-ends take (vgpu-backend, vugpu-display):
 *
 *   --fd N        the connected socket (the hosted runner passes 3)
 *   --scanouts N  number of scanouts, 1..16 (default 1)
 *   --mode WxH    their preferred mode (default 1280x800)
 *   --png DIR     a PNG per changed frame, DIR/scanout-I-NNNN.png, its path printed (frames.h)
 *   --sdl 1       a window per scanout (SDL2)
 *   --ctl PATH    the control socket (ctl.h)
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

typedef struct be_opts {
    const char *png_dir;
    const char *ctl_path;
    bool sdl;
    uint32_t scanouts, width, height;
    int fd;
} be_opts_t;

/* 0 on success, -1 on a bad command line. */
int be_parse_opts(int argc, char **argv, be_opts_t *o);
