/*
 * Symbols that multi.system sets in the virtualiser PD (<setvar region_paddr>):
 * the physical (IO) addresses of the clients' data regions. On qemu the
 * config source already has them at build time; on Microkit only these
 * variables will.
 */
#include <stdint.h>

uintptr_t a_data_paddr;
uintptr_t b_data_paddr;
uintptr_t c_data_paddr;
