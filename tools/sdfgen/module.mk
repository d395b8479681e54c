# sdfgen: the system-description tool (host, C11 + expat), and its tests.
DEPS += libexpat1-dev

SDFGEN ?= $(BUILD)/tools/sdfgen
SDFGEN_LIB_SRCS := tools/sdfgen/sdf_parse.c tools/sdfgen/sdf_check.c tools/sdfgen/sdf_emit.c

$(SDFGEN): $(SDFGEN_LIB_SRCS) tools/sdfgen/main.c tools/sdfgen/sdf.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $(SDFGEN_LIB_SRCS) tools/sdfgen/main.c -lexpat
ALL_TARGETS += $(SDFGEN)

# Parse good and bad descriptions, check every generated file (cmocka; sdfgen and sdfgen-asan).
$(eval $(call unit_test,sdfgen,tools/sdfgen/tests/test_sdfgen.c $(SDFGEN_LIB_SRCS),-Itools/sdfgen -Xlinker --no-as-needed -lexpat))

# The command-line tool on the shipped descriptions and on a broken one.
$(eval $(call add_check,sdfgen-cli,$(SDFGEN) tools/sdfgen/tests/cli.sh,tools/sdfgen/tests/cli.sh $(SDFGEN)))
