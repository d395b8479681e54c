#!/bin/sh
# Check `sel4` of `make test` without MICROKIT_SDK: names each seL4 check
# that did not run, and how to run them. Prints "# SKIP" lines (counted as
# skipped, never as passed).
#
#   tests/qemu/sel4-skipped.sh CHECK...
for c in "$@"; do
    echo "# SKIP $c: MICROKIT_SDK is not set; unpack a Microkit SDK (mkdir -p build/sdk && tar xzf microkit-sdk-2.3.0-qemu_virt_aarch64.tar.gz -C build/sdk) and run make test MICROKIT_SDK=\$PWD/build/sdk/microkit-sdk-2.3.0"
done
