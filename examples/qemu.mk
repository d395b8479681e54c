# The examples as qemu-platform images, from the PD lists of examples/pds.mk.
# Not a module.mk: it uses platform/qemu's macros, so platform/qemu/module.mk
# includes it at its end. Run one with
#
#   make qemu EXAMPLE=gpu|multi|anim
#
# (`make demo` runs gpu and saves its states as PNG; `make e2e` checks all
# three against exact expected pictures: tests/qemu/README.md.)
include examples/pds.mk

EXQ_EXAMPLES := $(foreach ex,$(EXAMPLES),$(if $(filter qemu,$(EX_PLATFORMS.$(ex))),$(ex)))

# $(call exq_pd,EX,PD): one PD's sources, and its config section when it has one.
define exq_pd
$(call qemu_pd,$(1),$(2),$(EX_SRCS.$(1).$(2)),$(EX_FLAGS.$(1).$(2)))
$(if $(EX_SECTION.$(1).$(2)),$(call qemu_pd_config,$(1),$(2),$(EX_SECTION.$(1).$(2)),$(EX_CONFIG.$(1).$(2)),$(EX_FLAGS.$(1).$(2))))
endef

$(foreach ex,$(EXQ_EXAMPLES),$(foreach pd,$(EX_PDS.$(ex)),$(eval $(call exq_pd,$(ex),$(pd)))))
$(foreach ex,$(EXQ_EXAMPLES),$(eval $(call qemu_image,$(ex),$(call ex_system,$(ex)),-g '$(EX_GPU.$(ex))')))
