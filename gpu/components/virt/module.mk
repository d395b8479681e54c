# GPU virtualiser: the glue must build against the OS seam (platforms link it;
# the core's behaviour is tested under tests/virt/).
VIRT_CORE_SRC := gpu/components/virt/gpu_virt.c
VIRT_GLUE_SRC := gpu/components/virt/virt.c

$(eval $(call add_check,virt-glue-build,$(VIRT_CORE_SRC) $(VIRT_GLUE_SRC),mkdir -p $(BUILD)/virt && $(CC) $(CFLAGS) -Igpu/components/virt -c $(VIRT_GLUE_SRC) -o $(BUILD)/virt/virt.o && $(CC) $(CFLAGS) -ffreestanding -c $(VIRT_CORE_SRC) -o $(BUILD)/virt/gpu_virt.o))
