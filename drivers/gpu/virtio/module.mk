# virtio-gpu driver: core (transport-neutral), virtio-mmio transport, glue.
# Host tests link $(GPU_DRIVER_CORE_SRCS) with -I$(GPU_DRIVER_DIR); the
# platform build adds $(GPU_DRIVER_GLUE_SRCS).
GPU_DRIVER_DIR := drivers/gpu/virtio
GPU_DRIVER_CORE_SRCS := $(addprefix $(GPU_DRIVER_DIR)/,gpu_driver.c gpu_driver_init.c gpu_driver_cmds.c \
	gpu_driver_recover.c gpu_driver_edid.c gpu_driver_cursor.c virtq.c virtio_mmio_transport.c)
GPU_DRIVER_GLUE_SRCS := $(GPU_DRIVER_DIR)/gpu_driver_glue.c

# The glue is built by the platforms; here it is compiled (not linked) so that it cannot rot.
$(BUILD)/obj/driver-glue/gpu_driver_glue.o: $(GPU_DRIVER_GLUE_SRCS) $(ALL_HEADERS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -ffreestanding -c -o $@ $(GPU_DRIVER_GLUE_SRCS)
$(eval $(call add_check,driver-glue,$(BUILD)/obj/driver-glue/gpu_driver_glue.o,true))
