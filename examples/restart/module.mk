# The restart example: the multi example's core (tested there) under a glue that redraws every tick and,
# in the crasher, faults on purpose. Built and booted by the Microkit platform only (examples/pds.mk);
# here the glue is compiled for both roles and the description checked, so that neither can rot.
include examples/example_glue.mk
$(eval $(call example_glue,restart,steady,examples/restart/restart_client_pd.c,-Iexamples/multi -DRESTART_CRASHER=0 -DRESTART_NAME=steady))
$(eval $(call example_glue,restart,crasher,examples/restart/restart_client_pd.c,-Iexamples/multi -DRESTART_CRASHER=1 -DRESTART_NAME=crasher))
$(eval $(call example_config,restart,gpu_virt,examples/restart/restart_virt_config.c))
$(eval $(call example_glue_check,restart))
