# The freestanding libc subset and printf that both platforms (qemu,
# Microkit) link into PD code: libc/include/{string,stdio,assert}.h,
# src/libc.c, src/stdio.c and the formatter src/fmt.c (src/sddf_fmt.h). Each
# platform adds its own output (sddf_log) and sddf_assert_fail.
#
#   check platform-fmt[-asan]: the formatter on the host against vsnprintf.
PLATFORM_COMMON_DIR := platform/common
PLATFORM_LIBC_INCLUDE := $(PLATFORM_COMMON_DIR)/libc/include
PLATFORM_COMMON_SRCS := $(PLATFORM_COMMON_DIR)/src/fmt.c $(PLATFORM_COMMON_DIR)/src/libc.c $(PLATFORM_COMMON_DIR)/src/stdio.c

$(eval $(call unit_test,platform-fmt,$(PLATFORM_COMMON_DIR)/tests/test_fmt.c $(PLATFORM_COMMON_DIR)/src/fmt.c,-I$(PLATFORM_COMMON_DIR)/src))
