# The clang-format check: every C file we wrote must be formatted already.
# `make format` rewrites them in place.
FORMAT_FILES := $(sort $(shell find . \( -name '*.c' -o -name '*.h' \) -not -path './build*' -not -path './.git/*'))

$(eval $(call add_check,clang-format,,clang-format --dry-run --Werror $(FORMAT_FILES)))

format:
	clang-format -i $(FORMAT_FILES)
