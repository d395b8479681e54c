#!/bin/sh
# e2e-multi: the multi-client example (examples/multi) on QEMU's
# virtio-gpu-device with max_outputs=2: three clients, one virtualiser, our
# driver. Waits (in any order) for multi-a and multi-b to report their
# drawing and multi-c its refusal, then takes a QMP screendump of each head:
#
# - head 0 (multi_a's scanout) equals exactly the centred image
#   (example-expect demo 1 at the size multi-a reported);
# - head 1 (multi_b's scanout) equals exactly multi_b's pattern at the size
#   multi-b reported (headless QEMU reports head 1 disconnected, so multi-b
#   draws at its 800x600 fallback and says so): never A's image;
# - multi-c, which owns no scanout, had its SET_SCANOUT refused with
#   INVALID_SCANOUT_ID.
#
#   QMP=... IMGCMP=... EXPECT=... tests/qemu/e2e-multi.sh IMAGE SOURCE WORK_DIR
#
# SOURCE is the image the build embedded, or a file holding its path
# ($(BUILD)/gen/fb_img.path). Prints TAP; everything stays in WORK_DIR.
#
# IMAGE is a qemu-platform *.elf or a Microkit loader *.img: qemu-run.sh boots
# both, so the same checks run on bare metal and on seL4.
set -u
image=$1
src=$2
dir=$3
name=e2e-multi
here=$(dirname "$0")
# shellcheck source=tests/qemu/e2e-lib.sh
. "$here/e2e-lib.sh"
src=$(source_image "$src")
fresh_dir

boot_or_stop "three clients on a two-output GPU report their results on $platform" -t 45 -g max_outputs=2 \
    -f 'qemu\|FATAL|\|ERROR:|NOT refused|draw failed' "$image" \
    seen:'^multi-a: drew the image on its scanout 0 \([0-9]+x[0-9]+\): ok$' \
    seen:'^multi-b: drew the pattern on its scanout 0 \([0-9]+x[0-9]+\): ok$' \
    seen:'^multi-c: ready with 0 scanouts$' \
    seen:'^multi-c: scanout request refused as expected: INVALID_SCANOUT_ID$' \
    dump:"$dir/head-0.png" dump:"$dir/head-1.png@1"

# shellcheck disable=SC2046
set -- $(console_size '^multi-a: drew ')
"$EXPECT" demo 1 "$1" "$2" "$src" "$dir/expected-0.png"
compare "head 0 (multi_a) on $1x$2: exactly the centred image" "$dir/expected-0.png" "$dir/head-0.png"
# shellcheck disable=SC2046
set -- $(console_size '^multi-b: drew ')
"$EXPECT" pattern "$1" "$2" "$dir/expected-1.png"
compare "head 1 (multi_b) on $1x$2: exactly the pattern, none of multi_a's image" "$dir/expected-1.png" \
    "$dir/head-1.png"

line=$(console | grep -E -m1 '^multi-c: scanout request ')
case $line in
*"refused as expected: INVALID_SCANOUT_ID") tap_ok "multi_c (no scanout) is refused: '$line'" ;;
*) tap_not_ok "multi_c (no scanout) is refused: '$line'" ;;
esac
# On seL4, the physical addresses the Microkit tool chose reached the PDs through setvars.
if [ "$platform" = "seL4 Microkit" ]; then
    check_paddr "the driver's DMA region (setvar gpu_driver_dma_paddr)" driver_dma 'DMA region: IO address '
    for c in 0 1 2; do
        r=$(echo a b c | cut -d' ' -f$((c + 1)))_data
        check_paddr "client $c's data region (setvar gpu_virt_data_paddr$c)" "$r" "client $c: data region at IO address "
    done
fi
tap_end
