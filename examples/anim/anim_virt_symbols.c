/*
 * Setvar symbols of the virtualiser PD in anim.system: none of its own. The
 * IO bases of the clients' data regions are the virtualiser glue's symbols
 * gpu_virt_data_paddr<i> (gpu/components/virt/virt.c), set by
 * <setvar region_paddr> and selected by GPU_VIRT_IO_BASE_SETVAR in
 * anim_virt_config.c. This file stays only because the build lists it; it
 * can be dropped from examples/qemu.mk and examples/anim/module.mk.
 */
#include <stdint.h>

/* Keeps the translation unit non-empty (ISO C). */
typedef uintptr_t anim_virt_no_symbols_t;
