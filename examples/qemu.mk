# The examples as qemu-platform images (gpu, multi, anim). Not a module.mk:
# it uses platform/qemu's macros, so platform/qemu/module.mk includes it at
# its end. Run one with
#
#   make qemu EXAMPLE=gpu|multi|anim
#
# (`make demo` runs gpu and saves its states as PNG; `make e2e` checks all
# three against exact expected pictures: tests/qemu/README.md.)
#
# Each PD: its glue and core (client PDs also the client library and the
# shared client glue), the virtualiser and driver with their config sources
# (docs/system-description.md, "Config structs in their own section").
EXQ_CLIENT_LIB := examples/common/client_glue.c lib/gpu_client/gpu_client.c lib/gpu_client/gpu_fb.c
EXQ_FLAGS := -Iexamples/common -Ilib/gpu_client -Itools/img2c
EXQ_DRV := $(GPU_DRIVER_CORE_SRCS) $(GPU_DRIVER_GLUE_SRCS)

$(eval $(call qemu_pd,gpu,client,examples/gpu/gpu_client_pd.c examples/gpu/gpu_demo.c $(EXQ_CLIENT_LIB) $(BUILD)/gen/demo_image.c,-Iexamples/gpu $(EXQ_FLAGS)))
$(eval $(call qemu_pd,gpu,gpu_virt,gpu/components/virt/virt.c gpu/components/virt/gpu_virt.c,-Igpu/components/virt))
$(eval $(call qemu_pd_config,gpu,gpu_virt,.gpu_virt_config,examples/gpu/gpu_virt_config.c,-Igpu/components/virt -Iexamples/common))
$(eval $(call qemu_pd,gpu,gpu_driver,$(EXQ_DRV),-Idrivers/gpu/virtio))
$(eval $(call qemu_pd_config,gpu,gpu_driver,.gpu_driver_config,examples/common/gpu_driver_config.c,-Idrivers/gpu/virtio))
$(eval $(call qemu_image,gpu,examples/gpu/gpu.system,-g ''))

EXQ_MULTI := examples/multi/multi_client_pd.c examples/multi/multi_client.c $(EXQ_CLIENT_LIB) $(BUILD)/gen/demo_image.c
$(eval $(call qemu_pd,multi,multi_a,$(EXQ_MULTI),-Iexamples/multi $(EXQ_FLAGS) -DMULTI_ROLE=MULTI_ROLE_IMAGE -DMULTI_NAME=multi-a))
$(eval $(call qemu_pd,multi,multi_b,$(EXQ_MULTI),-Iexamples/multi $(EXQ_FLAGS) -DMULTI_ROLE=MULTI_ROLE_PATTERN -DMULTI_NAME=multi-b))
$(eval $(call qemu_pd,multi,multi_c,$(EXQ_MULTI),-Iexamples/multi $(EXQ_FLAGS) -DMULTI_ROLE=MULTI_ROLE_NO_SCANOUT -DMULTI_NAME=multi-c))
$(eval $(call qemu_pd,multi,gpu_virt,gpu/components/virt/virt.c gpu/components/virt/gpu_virt.c,-Igpu/components/virt))
$(eval $(call qemu_pd_config,multi,gpu_virt,.gpu_virt_config,examples/multi/multi_virt_config.c,-Igpu/components/virt -Iexamples/common))
$(eval $(call qemu_pd,multi,gpu_driver,$(EXQ_DRV),-Idrivers/gpu/virtio))
$(eval $(call qemu_pd_config,multi,gpu_driver,.gpu_driver_config,examples/common/gpu_driver_config.c,-Idrivers/gpu/virtio))
$(eval $(call qemu_image,multi,examples/multi/multi.system,-g max_outputs=2))

$(eval $(call qemu_pd,anim,anim,examples/anim/anim_pd.c examples/anim/anim.c $(EXQ_CLIENT_LIB),-Iexamples/anim $(EXQ_FLAGS)))
$(eval $(call qemu_pd,anim,gpu_virt,gpu/components/virt/virt.c gpu/components/virt/gpu_virt.c,-Igpu/components/virt))
$(eval $(call qemu_pd_config,anim,gpu_virt,.gpu_virt_config,examples/anim/anim_virt_config.c,-Igpu/components/virt -Iexamples/common))
$(eval $(call qemu_pd,anim,gpu_driver,$(EXQ_DRV),-Idrivers/gpu/virtio))
$(eval $(call qemu_pd_config,anim,gpu_driver,.gpu_driver_config,examples/common/gpu_driver_config.c,-Idrivers/gpu/virtio))
$(eval $(call qemu_image,anim,examples/anim/anim.system,-g ''))
