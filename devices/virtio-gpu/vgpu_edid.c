/*
 * EDID 1.4 base block (128 bytes, no extensions) for a scanout: the
 * preferred mode in the first detailed timing descriptor, a product name
 * and range limits. Sides above 4095 pixels cannot be encoded and are
 * clamped; GET_DISPLAY_INFO stays the authority on the mode.
 */
#include <stdint.h>
#include <string.h>

#include "vgpu_internal.h"

#define EDID_MAX_ACTIVE 4095u
#define EDID_HBLANK     160u
#define EDID_HFRONT     48u
#define EDID_HSYNC      32u
#define EDID_VBLANK     30u
#define EDID_VFRONT     3u
#define EDID_VSYNC      6u
#define EDID_REFRESH    60u
#define EDID_UM_PER_PX  264u /* about 96 dpi */

static uint32_t clamp32(uint32_t v, uint32_t lo, uint32_t hi)
{
    return v < lo ? lo : (v > hi ? hi : v);
}

static void edid_header(uint8_t *e, uint32_t scanout)
{
    static const uint8_t magic[8] = {0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00};
    memcpy(e, magic, sizeof(magic));
    /* Manufacturer "SDD": three 5-bit letters ('A' = 1), big-endian. */
    uint16_t id = (uint16_t)((('S' - 'A' + 1) << 10) | (('D' - 'A' + 1) << 5) | ('D' - 'A' + 1));
    e[8] = (uint8_t)(id >> 8);
    e[9] = (uint8_t)id;
    e[10] = 0x01; /* product code 1, little-endian */
    e[11] = 0x00;
    e[12] = (uint8_t)scanout; /* serial number: the scanout index */
    e[16] = 1;                /* week 1 */
    e[17] = 2024 - 1990;      /* model year */
    e[18] = 1;                /* EDID 1.4 */
    e[19] = 4;
}

/* Basic display parameters and sRGB chromaticity (10-bit CIE x, y). */
static void edid_basic(uint8_t *e, uint32_t hmm, uint32_t vmm)
{
    static const uint16_t xy[8] = {655, 338, 307, 614, 154, 61, 320, 337}; /* R, G, B, white */
    e[20] = 0x80;                                                          /* digital input */
    e[21] = (uint8_t)clamp32(hmm / 10u, 1, 255);
    e[22] = (uint8_t)clamp32(vmm / 10u, 1, 255);
    e[23] = 120;  /* gamma 2.2 */
    e[24] = 0x06; /* sRGB default, preferred timing is native */
    e[25] = (uint8_t)(((xy[0] & 3u) << 6) | ((xy[1] & 3u) << 4) | ((xy[2] & 3u) << 2) | (xy[3] & 3u));
    e[26] = (uint8_t)(((xy[4] & 3u) << 6) | ((xy[5] & 3u) << 4) | ((xy[6] & 3u) << 2) | (xy[7] & 3u));
    for (int i = 0; i < 8; i++) {
        e[27 + i] = (uint8_t)(xy[i] >> 2);
    }
    for (int i = 38; i < 54; i++) {
        e[i] = 0x01; /* standard timings unused */
    }
}

static void edid_dtd(uint8_t *d, uint32_t ha, uint32_t va, uint32_t hmm, uint32_t vmm)
{
    uint64_t total = (uint64_t)(ha + EDID_HBLANK) * (va + EDID_VBLANK) * EDID_REFRESH;
    uint32_t clock = (uint32_t)clamp32((uint32_t)((total + 9999u) / 10000u), 1, 0xffff); /* 10 kHz units */
    d[0] = (uint8_t)clock;
    d[1] = (uint8_t)(clock >> 8);
    d[2] = (uint8_t)ha;
    d[3] = (uint8_t)EDID_HBLANK;
    d[4] = (uint8_t)(((ha >> 8) << 4) | (EDID_HBLANK >> 8));
    d[5] = (uint8_t)va;
    d[6] = (uint8_t)EDID_VBLANK;
    d[7] = (uint8_t)(((va >> 8) << 4) | (EDID_VBLANK >> 8));
    d[8] = (uint8_t)EDID_HFRONT;
    d[9] = (uint8_t)EDID_HSYNC;
    d[10] = (uint8_t)(((EDID_VFRONT & 15u) << 4) | (EDID_VSYNC & 15u));
    d[11] = 0;
    d[12] = (uint8_t)hmm;
    d[13] = (uint8_t)vmm;
    d[14] = (uint8_t)(((hmm >> 8) << 4) | (vmm >> 8));
    d[17] = 0x1e; /* digital separate sync, both polarities positive */
}

static void edid_text(uint8_t *d, uint8_t tag, const char *text)
{
    d[3] = tag;
    size_t n = strlen(text);
    for (size_t i = 0; i < 13; i++) {
        d[5 + i] = i < n ? (uint8_t)text[i] : (i == n ? 0x0a : 0x20);
    }
}

static void edid_range_limits(uint8_t *d)
{
    d[3] = 0xfd;
    d[5] = 1;     /* min vertical Hz */
    d[6] = 240;   /* max vertical Hz */
    d[7] = 1;     /* min horizontal kHz */
    d[8] = 255;   /* max horizontal kHz */
    d[9] = 255;   /* max pixel clock / 10 MHz */
    d[10] = 0x01; /* range limits only */
    d[11] = 0x0a;
    for (int i = 12; i < 18; i++) {
        d[i] = 0x20;
    }
}

void vgpu_edid_build(uint8_t out[VGPU_EDID_BASE_BYTES], uint32_t width, uint32_t height, uint32_t scanout)
{
    uint32_t ha = clamp32(width, 1, EDID_MAX_ACTIVE);
    uint32_t va = clamp32(height, 1, EDID_MAX_ACTIVE);
    uint32_t hmm = clamp32(ha * EDID_UM_PER_PX / 1000u, 1, 4095);
    uint32_t vmm = clamp32(va * EDID_UM_PER_PX / 1000u, 1, 4095);
    memset(out, 0, VGPU_EDID_BASE_BYTES);
    edid_header(out, scanout);
    edid_basic(out, hmm, vmm);
    edid_dtd(out + 54, ha, va, hmm, vmm);
    edid_text(out + 72, 0xfc, "sddf-vgpu");
    edid_range_limits(out + 90);
    edid_text(out + 108, 0xfe, "device model");
    uint8_t sum = 0;
    for (uint32_t i = 0; i < VGPU_EDID_BASE_BYTES - 1; i++) {
        sum = (uint8_t)(sum + out[i]);
    }
    out[VGPU_EDID_BASE_BYTES - 1] = (uint8_t)(0x100u - sum);
}
