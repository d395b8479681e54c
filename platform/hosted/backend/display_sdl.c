/*
 * The back-end's window: one SDL2 window per scanout, showing the model's
 * framebuffer (XRGB8888) after each flush that changed it, at most 60 times
 * a second. Closing a window ends the back-end (the driver then reports the
 * device lost); Ctrl-C in the runner's terminal ends everything.
 */
#include "display.h"

#include <SDL2/SDL.h>
#include <stdio.h>

typedef struct {
    SDL_Window *win;
    SDL_Renderer *ren;
    SDL_Texture *tex;
    uint32_t w, h;
} be_window_t;

#define MAX_WINDOWS 16u

static be_window_t windows[MAX_WINDOWS];
static bool up;

bool display_open(void)
{
    if (SDL_Init(SDL_INIT_VIDEO) != 0) {
        fprintf(stderr, "VGPU|ERROR: no window: %s\n", SDL_GetError());
        return false;
    }
    up = true;
    return true;
}

static bool window_fit(be_window_t *d, uint32_t idx, uint32_t w, uint32_t h)
{
    if (d->win == NULL) {
        char title[64];
        snprintf(title, sizeof(title), "sddf-gpu: scanout %u", (unsigned)idx);
        d->win = SDL_CreateWindow(title, SDL_WINDOWPOS_UNDEFINED, SDL_WINDOWPOS_UNDEFINED, (int)w, (int)h, 0);
        d->ren = d->win != NULL ? SDL_CreateRenderer(d->win, -1, 0) : NULL;
    }
    if (d->ren != NULL && (d->tex == NULL || d->w != w || d->h != h)) {
        if (d->tex != NULL) {
            SDL_DestroyTexture(d->tex);
        }
        SDL_SetWindowSize(d->win, (int)w, (int)h);
        d->tex = SDL_CreateTexture(d->ren, SDL_PIXELFORMAT_RGB888, SDL_TEXTUREACCESS_STREAMING, (int)w, (int)h);
        d->w = w;
        d->h = h;
    }
    return d->tex != NULL;
}

void display_show(uint32_t idx, const uint32_t *fb, uint32_t w, uint32_t h)
{
    be_window_t *d = idx < MAX_WINDOWS ? &windows[idx] : NULL;
    if (!up || d == NULL || fb == NULL || w == 0 || h == 0 || !window_fit(d, idx, w, h)) {
        return;
    }
    SDL_UpdateTexture(d->tex, NULL, fb, (int)(w * 4u));
    SDL_RenderClear(d->ren);
    SDL_RenderCopy(d->ren, d->tex, NULL, NULL);
    SDL_RenderPresent(d->ren);
}

bool display_pump(void)
{
    SDL_Event ev;
    bool quit = false;
    while (up && SDL_PollEvent(&ev)) {
        if (ev.type == SDL_QUIT || (ev.type == SDL_WINDOWEVENT && ev.window.event == SDL_WINDOWEVENT_CLOSE)) {
            quit = true;
        }
    }
    return !quit;
}

void display_close(void)
{
    for (unsigned i = 0; i < MAX_WINDOWS; i++) {
        if (windows[i].win != NULL) {
            SDL_DestroyWindow(windows[i].win);
        }
    }
    if (up) {
        SDL_Quit();
    }
    up = false;
}
