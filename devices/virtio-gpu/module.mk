# virtio-gpu device model (a test instrument): a library linked by tests.
# Other tests link it with $(VGPU_MODEL_SRCS) and -I$(VGPU_MODEL_DIR).
VGPU_MODEL_DIR := devices/virtio-gpu
VGPU_MODEL_SRCS := $(addprefix $(VGPU_MODEL_DIR)/,vgpu_mmio.c vgpu_queue.c vgpu_cmd.c vgpu_resource.c \
	vgpu_scanout.c vgpu_edid.c vgpu_fault.c vgpu_png.c vgpu_cursor.c vgpu_tear.c \
	vgpu_png_write.c)
