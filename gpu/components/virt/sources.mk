# The virtualiser core's sources. Not a module.mk: fuzz/, bench/ and
# examples/ are read before gpu/, so their module.mk files include this.
VIRT_CORE_SRC := gpu/components/virt/gpu_virt.c
