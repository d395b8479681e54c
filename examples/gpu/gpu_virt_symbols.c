/*
 * Symbols that gpu.system sets in the virtualiser PD (<setvar region_paddr>):
 * the physical (IO) address of the client's data region. On qemu the config
 * source already has it at build time; on Microkit only this variable will.
 */
#include <stdint.h>

uintptr_t client_data_paddr;
