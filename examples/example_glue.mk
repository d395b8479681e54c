# Shared by the examples' module.mk files (included, not a module itself).
#
#   $(call example_glue,EXAMPLE,PD,SOURCE,EXTRA_FLAGS)
#       generates the PD's sdf_config.h from examples/EXAMPLE/EXAMPLE.system
#       with sdfgen and compiles its glue SOURCE against it (compile only: the
#       platforms link PDs), so that glue and description cannot drift apart.
#   $(call example_config,EXAMPLE,PD,SOURCE,EXTRA_FLAGS)
#       compiles a config source (docs/system-description.md) against the PD's
#       qemu sdf_config.h (physical addresses are known there at build time).
#   $(call example_glue_check,EXAMPLE)
#       registers check examples-EXAMPLE-glue: the description passes
#       `sdfgen check` and every glue object and config source compiled.
ifndef EXAMPLE_GLUE_MK
EXAMPLE_GLUE_MK := 1
EXAMPLES_SDFGEN := $(BUILD)/tools/sdfgen
EXAMPLES_GLUE_FLAGS := -ffreestanding -Iexamples/common -Ilib/gpu_client -Itools/img2c

define example_glue
$(BUILD)/examples/$(1)/$(2)/sdf_config.h: examples/$(1)/$(1).system $(EXAMPLES_SDFGEN)
	@mkdir -p $$(@D)
	$(EXAMPLES_SDFGEN) -o $$@ examples/$(1)/$(1).system header $(2) microkit
$(BUILD)/examples/$(1)/$(2)/glue.o: $(3) $(BUILD)/examples/$(1)/$(2)/sdf_config.h $(ALL_HEADERS)
	$$(CC) $$(CFLAGS) $(EXAMPLES_GLUE_FLAGS) -I$(BUILD)/examples/$(1)/$(2) -Iexamples/$(1) $(4) -c $(3) -o $$@
EXAMPLES_GLUE_OBJS.$(1) += $(BUILD)/examples/$(1)/$(2)/glue.o
endef

$(BUILD)/examples/common/client_glue.o: examples/common/client_glue.c $(ALL_HEADERS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(EXAMPLES_GLUE_FLAGS) -c examples/common/client_glue.c -o $@

define example_config
$(BUILD)/examples/$(1)/$(2)-qemu/sdf_config.h: examples/$(1)/$(1).system $(EXAMPLES_SDFGEN)
	@mkdir -p $$(@D)
	$(EXAMPLES_SDFGEN) -o $$@ examples/$(1)/$(1).system header $(2) qemu
$(BUILD)/examples/$(1)/$(2)-qemu/config.o: $(3) $(BUILD)/examples/$(1)/$(2)-qemu/sdf_config.h $(ALL_HEADERS)
	$$(CC) $$(CFLAGS) $(EXAMPLES_GLUE_FLAGS) -I$(BUILD)/examples/$(1)/$(2)-qemu -Igpu/components/virt -Idrivers/gpu/virtio $(4) -c $(3) -o $$@
EXAMPLES_GLUE_OBJS.$(1) += $(BUILD)/examples/$(1)/$(2)-qemu/config.o
endef

define example_glue_check
$(call add_check,examples-$(1)-glue,$(EXAMPLES_GLUE_OBJS.$(1)) $(BUILD)/examples/common/client_glue.o $(EXAMPLES_SDFGEN),$(EXAMPLES_SDFGEN) examples/$(1)/$(1).system check)
endef
endif
