# The virtualiser core's sources. Not a module.mk: fuzz/, bench/ and
# examples/ are read before gpu/, so their module.mk files include this.
VIRT_CORE_SRC := gpu/components/virt/gpu_virt.c gpu/components/virt/gpu_virt_check.c \
	gpu/components/virt/gpu_virt_forward.c gpu/components/virt/gpu_virt_stream.c \
	gpu/components/virt/gpu_virt_complete.c \
	gpu/components/virt/gpu_virt_state.c gpu/components/virt/gpu_virt_display.c \
	gpu/components/virt/gpu_virt_release.c gpu/components/virt/gpu_virt_cursor.c \
	gpu/components/virt/gpu_virt_present.c
