#!/bin/sh
# qemu-virtio-probe: with one virtio-gpu-device (modern interface) on
# -machine virt, the only populated virtio-mmio slot is the last one
# (0xa003e00, interrupt 79), GET_DISPLAY_INFO completes through the GIC,
# and a QMP screendump of the (not yet scanned out) display works.
#
#   tests/qemu/virtio-probe.sh IMAGE.elf WORK_DIR
set -u
image=$1
dir=$2
here=$(dirname "$0")
"$here/qemu-run.sh" -d "$dir" -t 40 -g '' "$image" \
    wait:'^virtio-probe\|INFO: slot 31 at 0xa003e00: version 2 device id 16 irq 79$' \
    wait:'^virtio-probe\|INFO: irq 79: interrupt status 0x1, display 0: 1280x800 enabled 1$' \
    wait:'^virtio-probe\|INFO: done$' \
    dump:"$dir/screendump.png" || exit 1
slots=$(tr -d '\r' <"$dir/console.log" | grep -c '^virtio-probe|INFO: slot ')
[ "$slots" -eq 1 ] || { echo "FAIL: $slots populated slots, expected 1"; exit 1; }
