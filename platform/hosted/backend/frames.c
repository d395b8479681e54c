/*
 * PNG frames and window updates, rate-limited per scanout (frames.h).
 */
#include "frames.h"

#include <stdio.h>
#include <time.h>

#include "display.h"
#include "vgpu_png_write.h"

#define FRAME_GAP_NS  100000000ull /* PNG frames: at most one per 100 ms per scanout */
#define WINDOW_GAP_NS 16000000ull  /* the window: at most one update per 16 ms per scanout */

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void frames_changed(frames_t *f, uint32_t idx)
{
    if (idx < FRAMES_MAX) {
        f->dirty[idx] = f->unseen[idx] = true;
    }
}

static void write_frame(frames_t *f, uint32_t i)
{
    char path[4096];
    uint32_t w, h;
    const uint32_t *px = f->image(f->ctx, i, &w, &h);
    snprintf(path, sizeof(path), "%s/scanout-%u-%04u.png", f->png_dir, (unsigned)i, f->frame_no[i]++);
    f->dirty[i] = false;
    f->last_png_ns[i] = now_ns();
    if (px != NULL && vgpu_png_write_xrgb(path, px, w, h) == 0) {
        printf("%s|INFO: frame %s\n", f->component, path);
        fflush(stdout);
    } else {
        fprintf(stderr, "%s|ERROR: cannot write %s\n", f->component, path);
    }
}

static void show(frames_t *f, uint32_t i)
{
    uint32_t w, h;
    const uint32_t *px = f->image(f->ctx, i, &w, &h);
    if (px != NULL) {
        display_show(i, px, w, h);
    }
    f->unseen[i] = false;
    f->last_shown_ns[i] = now_ns();
}

/* ms until `gap` has passed since `last`, 0 if it has. */
static int due_in(uint64_t last, uint64_t gap)
{
    uint64_t since = now_ns() - last;
    return since >= gap ? 0 : (int)((gap - since) / 1000000u) + 1;
}

static int sooner(int wait, int ms)
{
    return ms >= 0 && (wait < 0 || ms < wait) ? ms : wait;
}

static int poll_one(frames_t *f, uint32_t i)
{
    int wait = -1;
    if (f->dirty[i] && f->png_dir != NULL) {
        int ms = due_in(f->last_png_ns[i], FRAME_GAP_NS);
        if (ms == 0) {
            write_frame(f, i);
        } else {
            wait = sooner(wait, ms);
        }
    }
    if (f->unseen[i] && f->sdl) {
        int ms = due_in(f->last_shown_ns[i], WINDOW_GAP_NS);
        if (ms == 0) {
            show(f, i);
        } else {
            wait = sooner(wait, ms);
        }
    }
    return wait;
}

int frames_poll(frames_t *f)
{
    int wait = -1;
    for (uint32_t i = 0; i < f->nscanouts && i < FRAMES_MAX; i++) {
        wait = sooner(wait, poll_one(f, i));
    }
    return f->sdl ? sooner(wait, 16) : wait; /* the window's events are polled too */
}
