# GPU virtualiser: the glue must build against the OS seam (platforms link it;
# the core's behaviour is tested under tests/virt/).
# The core is several files (gpu/components/virt/sources.mk); each must also
# compile freestanding.
include gpu/components/virt/sources.mk
VIRT_GLUE_SRC := gpu/components/virt/virt.c

$(eval $(call add_check,virt-glue-build,$(VIRT_CORE_SRC) $(VIRT_GLUE_SRC),mkdir -p $(BUILD)/virt && $(CC) $(CFLAGS) -Igpu/components/virt -c $(VIRT_GLUE_SRC) -o $(BUILD)/virt/virt.o && for f in $(VIRT_CORE_SRC); do $(CC) $(CFLAGS) -ffreestanding -c $$$$f -o $(BUILD)/virt/$$$$(basename $$$$f .c).o || exit 1; done))
