/*
 * sdfgen's model of a Microkit system description (.system XML) and the
 * operations on it: parse and validate, lay out for the QEMU platform, and
 * emit the generated files.
 *
 * Every function that can fail returns 0 on success or -1 after writing a
 * one-line message ("FILE:LINE: what is wrong") into `err`.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define SDF_NAME_MAX     64
#define SDF_PATH_MAX     256
#define SDF_MAX_PDS      64
#define SDF_MAX_MRS      256
#define SDF_MAX_CHANNELS 512
#define SDF_MAX_MAPS     64
#define SDF_MAX_IRQS     63
#define SDF_MAX_SETVARS  64
#define SDF_MAX_ID       61 /* channel and irq ids are 0..61 (Microkit 2.x: PD_MAX_ID) */
#define SDF_MAX_PRIORITY 254
#define SDF_ERR_MAX      512

#define SDF_PAGE_SMALL 0x1000u
#define SDF_PAGE_LARGE 0x200000u

#define SDF_PERM_R 1u
#define SDF_PERM_W 2u
#define SDF_PERM_X 4u

/* QEMU virt: where regions without phys_addr are placed, and how far they may go. */
#define SDF_QEMU_POOL_BASE 0x50000000ull
#define SDF_QEMU_POOL_END  0xc0000000ull /* RAM end with -m 2G */
#define SDF_QEMU_RAM_BASE  0x40000000ull

typedef struct {
    char name[SDF_NAME_MAX];
    uint64_t size;
    uint64_t page_size;
    uint64_t phys_addr;
    bool has_phys_addr;
    uint64_t qemu_addr; /* filled by sdf_layout_qemu() */
    int line;
} sdf_mr_t;

typedef struct {
    char mr_name[SDF_NAME_MAX];
    int mr; /* index into sdf_system_t.mrs, resolved by validation */
    uint64_t vaddr;
    unsigned perms;
    bool cached;
    char setvar_vaddr[SDF_NAME_MAX];
    char setvar_size[SDF_NAME_MAX];
    int line;
} sdf_map_t;

typedef struct {
    uint32_t irq;
    unsigned id;
    bool edge;
    char setvar_id[SDF_NAME_MAX];
    int line;
} sdf_irq_t;

/* <setvar symbol="..." region_paddr="..."/> */
typedef struct {
    char symbol[SDF_NAME_MAX];
    char mr_name[SDF_NAME_MAX];
    int mr;
    int line;
} sdf_setvar_t;

typedef struct {
    char name[SDF_NAME_MAX];
    char image[SDF_PATH_MAX];
    unsigned priority;
    int parent;        /* -1 for a top-level PD */
    unsigned child_id; /* a child PD's id in its parent (microkit_pd_restart() and fault()) */
    int line;
    unsigned nmaps, nirqs, nsetvars;
    sdf_map_t maps[SDF_MAX_MAPS];
    sdf_irq_t irqs[SDF_MAX_IRQS];
    sdf_setvar_t setvars[SDF_MAX_SETVARS];
} sdf_pd_t;

typedef struct {
    char pd_name[SDF_NAME_MAX];
    int pd;
    unsigned id;
    bool notify;
    bool pp;
    char setvar_id[SDF_NAME_MAX];
} sdf_end_t;

typedef struct {
    sdf_end_t ends[2];
    unsigned nends;
    int line;
} sdf_channel_t;

typedef struct {
    char file[SDF_PATH_MAX];
    unsigned npds, nmrs, nchannels;
    sdf_pd_t pds[SDF_MAX_PDS];
    sdf_mr_t mrs[SDF_MAX_MRS];
    sdf_channel_t channels[SDF_MAX_CHANNELS];
} sdf_system_t;

/* Parse `len` bytes of XML; `file` names it in messages. Validates too. */
int sdf_parse_buffer(sdf_system_t *sys, const char *file, const char *xml, size_t len, char err[SDF_ERR_MAX]);
int sdf_parse_file(sdf_system_t *sys, const char *path, char err[SDF_ERR_MAX]);

/* Cross-reference and consistency checks; called by the parse functions. */
int sdf_validate(sdf_system_t *sys, char err[SDF_ERR_MAX]);

/* Place every region without phys_addr in the QEMU RAM pool; device regions stay at phys_addr. */
int sdf_layout_qemu(sdf_system_t *sys, char err[SDF_ERR_MAX]);

int sdf_find_pd(const sdf_system_t *sys, const char *name);
int sdf_find_mr(const sdf_system_t *sys, const char *name);

/* Every symbol that the description sets in PD `p` (setvar_*, setvar symbols), at most `cap`. */
#define SDF_MAX_SYMBOLS (SDF_MAX_MAPS * 2 + SDF_MAX_IRQS + SDF_MAX_SETVARS + SDF_MAX_ID + 1)
unsigned sdf_pd_symbols(const sdf_system_t *sys, unsigned p, const char **out, unsigned cap);

/* Upper-case C identifier form of a name: "gpu-virt" -> "GPU_VIRT". */
void sdf_macro_name(const char *name, char out[SDF_NAME_MAX]);
/* Lower-case C identifier form: "gpu-virt" -> "gpu_virt". */
void sdf_c_name(const char *name, char out[SDF_NAME_MAX]);

typedef enum {
    SDF_TARGET_MICROKIT,
    SDF_TARGET_QEMU,
} sdf_target_t;

/* Per-PD header: SDF_CH_<PEER>, SDF_CHANNEL_MASK, SDF_IRQ_<n>, SDF_MR_<NAME>_{SIZE,VADDR[,PADDR]}. */
int sdf_emit_header(const sdf_system_t *sys, const char *pd_name, sdf_target_t target, FILE *out,
                    char err[SDF_ERR_MAX]);
/* The QEMU runtime's tables (needs sdf_layout_qemu() first); every PD is a PD with code. */
int sdf_emit_qemu_tables(const sdf_system_t *sys, FILE *out, char err[SDF_ERR_MAX]);
/* objcopy arguments that rename one PD's entry points and setvar symbols and hide the rest. */
int sdf_emit_objcopy_args(const sdf_system_t *sys, const char *pd_name, FILE *out, char err[SDF_ERR_MAX]);
