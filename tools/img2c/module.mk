# img2c: host tool that embeds a PNG/JPEG as C (stb_image), and the generator
# of our default demo image (stb_image_write). Both are built with the host
# compiler and run at build time.
#
#   FB_IMG=path   image the demo examples embed (default: our generated one)

IMG2C := $(BUILD)/tools/img2c
IMG2C_DEFAULT_GEN := $(BUILD)/tools/default_image
IMG2C_DEFAULT_PNG := $(BUILD)/gen/default_image.png
FB_IMG ?= $(IMG2C_DEFAULT_PNG)
# The image source every demo example links: defines `const img2c_image_t demo_image`.
DEMO_IMAGE_C := $(BUILD)/gen/demo_image.c
IMG2C_FLAGS := -Itools/img2c
STB_LIB := /usr/lib/$(shell $(CC) -print-multiarch 2>/dev/null)/libstb.a

$(IMG2C): tools/img2c/img2c.c tools/img2c/img2c.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ tools/img2c/img2c.c $(STB_LIB) -lm

$(IMG2C_DEFAULT_GEN): tools/img2c/default_image.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ tools/img2c/default_image.c $(STB_LIB) -lm

$(IMG2C_DEFAULT_PNG): $(IMG2C_DEFAULT_GEN)
	@mkdir -p $(@D)
	$(IMG2C_DEFAULT_GEN) $@

# Remember which image was embedded, so that a different FB_IMG rebuilds.
$(BUILD)/gen/fb_img.path: FORCE
	@mkdir -p $(@D)
	@echo '$(FB_IMG)' | cmp -s - $@ || echo '$(FB_IMG)' >$@

$(DEMO_IMAGE_C): $(IMG2C) $(FB_IMG) $(BUILD)/gen/fb_img.path
	$(IMG2C) $(FB_IMG) $@ demo_image

ALL_TARGETS += $(IMG2C) $(DEMO_IMAGE_C)

# Unit tests of the conversion, and the generated demo image against the file it came from.
$(eval $(call unit_test,img2c,tools/img2c/test_img2c.c tools/img2c/img2c.c $(DEMO_IMAGE_C) $(STB_LIB),$(IMG2C_FLAGS) -DIMG2C_NO_MAIN -DIMG2C_TEST_IMAGE=\"$(FB_IMG)\"))
