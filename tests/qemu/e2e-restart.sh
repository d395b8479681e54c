#!/bin/sh
# e2e-restart: examples/restart on seL4 (a Microkit loader image), with
# QEMU's virtio-gpu-device and max_outputs=2. steady draws the image on
# head 0 every tick; crasher draws the pattern on head 1 every tick and, in
# its first life, faults in the middle of its third frame. seL4 hands the
# fault to the supervisor, the virtualiser releases crasher, and two ticks
# later the supervisor restarts it. Screendumps of both heads at three
# points:
#
# - before the fault: head 0 exactly the centred image, head 1 exactly the
#   pattern;
# - after the release: head 0 still exactly the image; head 1 disabled
#   (QEMU's "display not active" placeholder: black but for at most one
#   centred line of text, never the pattern), and the virtualiser reports
#   crasher's one resource and one scanout freed;
# - after the restart: head 0 exactly the image, head 1 exactly the pattern
#   again, drawn by crasher's second life.
#
# - after a display change of head 1 (1024x768, through a VNC server on
#   it: tests/qemu/README.md, "Display changes"): crasher's second life
#   re-created its framebuffer, head 1 exactly the pattern at 1024x768, head
#   0 still exactly the image.
#
# Also: the fault reached the supervisor as a VM fault just past crasher's
# data region; steady drew frames, every one ok, while crasher was down.
#
#   QMP=... IMGCMP=... EXPECT=... tests/qemu/e2e-restart.sh LOADER.img SOURCE WORK_DIR
#
# Prints TAP; everything stays in WORK_DIR.
set -u
image=$1
src=$2
dir=$3
name=e2e-restart
here=$(dirname "$0")
# shellcheck source=tests/qemu/e2e-lib.sh
. "$here/e2e-lib.sh"
src=$(source_image "$src")
fresh_dir

steady='^steady: drew the image on its scanout 0 \([0-9]+x[0-9]+\): ok$'
crasher='^crasher: drew the pattern on its scanout 0 \([0-9]+x[0-9]+\): ok$'
boot_or_stop "steady keeps drawing while crasher faults, is released and restarted, on $platform" -t 60 \
    -g max_outputs=2 -r 1 -f 'qemu\|FATAL|\|ERROR:|draw failed|SUPERVISOR\|WARN' \
    -n 'frame 3 staged|restarting child' "$image" \
    seen:"$steady" wait:"$crasher" wait:"$crasher" dump:"$dir/before-0.png" dump:"$dir/before-1.png@1" \
    wait:'^RESTART\|INFO: crasher: life 1: frame 3 staged' \
    wait:'^SUPERVISOR\|INFO: child 1 faulted: ' \
    wait:'^GPU_VIRT\|INFO: client 1 released: ' \
    wait:'^SUPERVISOR\|INFO: gpu_virt released child 1' dump:"$dir/released-0.png" dump:"$dir/released-1.png@1" \
    wait:'^SUPERVISOR\|INFO: restarting child 1 \(restart 1\)$' \
    wait:'^RESTART\|INFO: crasher: life 2$' \
    wait:"$crasher" dump:"$dir/after-0.png" dump:"$dir/after-1.png@1" \
    wait:"$steady" resize:1024x768@1 wait:'^crasher: drew the pattern on its scanout 0 \(1024x768\): ok$' \
    dump:"$dir/resized-0.png" dump:"$dir/resized-1.png@1"

# shellcheck disable=SC2046
set -- $(console_size "$steady")
w0=$1 h0=$2
# shellcheck disable=SC2046
set -- $(console_size "$crasher")
w1=$1 h1=$2
"$EXPECT" demo 1 "$w0" "$h0" "$src" "$dir/expected-0.png"
"$EXPECT" pattern "$w1" "$h1" "$dir/expected-1.png"
"$EXPECT" demo 3 "$w1" "$h1" "$src" "$dir/black-1.png"

for when in before released after resized; do
    compare "$when: head 0 (steady) on ${w0}x$h0 is exactly the centred image" "$dir/expected-0.png" \
        "$dir/$when-0.png"
done
compare "before: head 1 (crasher) on ${w1}x$h1 is exactly the pattern" "$dir/expected-1.png" "$dir/before-1.png"
if ! "$IMGCMP" "$dir/expected-1.png" "$dir/released-1.png" >/dev/null 2>&1 &&
    placeholder_ok "$dir/black-1.png" "$dir/released-1.png" "$w1" "$h1"; then
    tap_ok "released: head 1 is disabled (QEMU's placeholder), the pattern is gone"
    report_state ok "released: head 1 is disabled (QEMU's placeholder)" "$dir/black-1.png" "$dir/released-1.png" \
        "$dir/released-1-diff.png" "against black, differences only inside the central 320x32 box"
else
    tap_not_ok "released: head 1 is disabled (QEMU's placeholder), the pattern is gone: $(tr '\n' ' ' <"$dir/cmp.out")"
    echo "#   kept: $dir/released-1.png"
    report_state fail "released: head 1 is disabled (QEMU's placeholder)" "$dir/black-1.png" \
        "$dir/released-1.png" "$dir/released-1-diff.png" "$(cat "$dir/cmp.out")"
fi
compare "after the restart: head 1 (crasher's second life) is exactly the pattern again" "$dir/expected-1.png" \
    "$dir/after-1.png"
"$EXPECT" pattern 1024 768 "$dir/expected-resized-1.png"
compare "resized: head 1 re-created by crasher's second life at 1024x768, exactly the pattern" \
    "$dir/expected-resized-1.png" "$dir/resized-1.png"

line=$(console | grep -E -m1 '^GPU_VIRT\|INFO: client 1 released: ')
case $line in
*"released: 1 resources and 1 scanouts freed") tap_ok "the virtualiser freed crasher's resource and scanout: '$line'" ;;
*) tap_not_ok "the virtualiser freed crasher's resource and scanout: '$line'" ;;
esac
line=$(console | grep -E -m1 '^SUPERVISOR\|INFO: child 1 faulted: ')
case $line in
*"VM fault at address 0x5000000, "*) tap_ok "the supervisor got crasher's fault, just past its data region: '$line'" ;;
*) tap_not_ok "the supervisor got crasher's fault, just past its data region: '$line'" ;;
esac

# steady's frames between crasher's fault and its restart, and in all.
during=$(console | sed -n '/^SUPERVISOR|INFO: child 1 faulted: /,/^SUPERVISOR|INFO: restarting child 1/p' |
    grep -E -c "$steady")
total=$(console | grep -E -c "$steady")
if [ "$during" -ge 1 ] && ! console | grep -q '^steady: draw failed'; then
    tap_ok "steady kept drawing: $during frames while crasher was down, $total in all, none failed"
else
    tap_not_ok "steady kept drawing: $during frames while crasher was down, $total in all"
fi
tap_end
