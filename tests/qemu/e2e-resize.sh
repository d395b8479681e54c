#!/bin/sh
# e2e-resize: live display changes on QEMU's virtio-gpu-device, headless.
# QEMU's VNC server passes a viewer's SetDesktopSize request to the GPU
# (dpy_set_ui_info), which reports it to the guest as a display change;
# qemu-run.sh's resize: step sends one with tools' vnc_resize, the guest
# paused meanwhile. Boots the GPU demo (examples/gpu) and, in state 1:
#
# - grows the display (1280x800 -> 1600x900), then shrinks it (640x480):
#   each time the demo re-creates its framebuffer at the new size and the
#   screendump equals, pixel for pixel, example-expect's state 1 at it;
# - disconnects it (0x0, which QEMU reports as enabled 0): the demo frees
#   its resources, so QEMU shows its "display not active" placeholder (no
#   drawn picture left), and the demo's next tick waits instead of moving on;
# - reconnects it at 1024x768: state 1 is drawn afresh, exact; and the next
#   state (2) is drawn at that size, exact.
#
#   QMP=... IMGCMP=... EXPECT=... VNC_RESIZE=... tests/qemu/e2e-resize.sh IMAGE SOURCE WORK_DIR
#
# SOURCE is the image the build embedded, or a file holding its path
# ($(BUILD)/gen/fb_img.path). Prints TAP; everything stays in WORK_DIR.
set -u
image=$1
src=$2
dir=$3
name=e2e-resize
here=$(dirname "$0")
# shellcheck source=tests/qemu/e2e-lib.sh
. "$here/e2e-lib.sh"
src=$(source_image "$src")
fresh_dir

recentred() {
    echo "wait:^gpu-demo: re-centred state 1 on $1: OK\$"
}

boot_or_stop "the demo follows a grow, a shrink, a disconnect and a reconnect on $platform" -t 60 -g '' -r 0 \
    -f 'qemu\|FATAL|\|ERROR:|^gpu-demo: .*: (failed|[A-Z_]+ERROR|UNSPEC|INVALID_[A-Z_]+|OUT_OF_[A-Z_]+)' \
    -n '^gpu-demo: (state|re-centred|scanout|no display)' "$image" \
    wait:'^gpu-demo: scanout 0 is 1280x800$' wait:'^gpu-demo: state 1 .*: ok$' \
    resize:1600x900 "$(recentred 1600x900)" dump:"$dir/grow.png" \
    resize:640x480 "$(recentred 640x480)" dump:"$dir/shrink.png" \
    resize:0x0 wait:"^gpu-demo: no display on scanout 0: freed state 1's resources: OK\$" dump:"$dir/off.png" \
    wait:'^GPU_DEMO\|WARN: scanout 0 not usable: waiting for a display$' \
    resize:1024x768 "$(recentred 1024x768)" dump:"$dir/back.png" \
    wait:'^gpu-demo: state 2 .*: ok$' dump:"$dir/state-2.png"

# expect STATE W H NAME: example-expect's picture, or stop.
expect() {
    "$EXPECT" demo "$1" "$2" "$3" "$src" "$dir/expected-$4.png" || {
        tap_not_ok "example-expect draws state $1 at $2x$3"
        tap_end
        exit 1
    }
}

expect 1 1600 900 grow
compare "grown to 1600x900: state 1 re-created and re-centred, exactly" "$dir/expected-grow.png" "$dir/grow.png"
expect 1 640 480 shrink
compare "shrunk to 640x480: state 1 re-created and re-centred, exactly" "$dir/expected-shrink.png" "$dir/shrink.png"

# Disconnected: the demo unreffed its resources, so QEMU shows its own placeholder at the last size.
expect 3 640 480 off
desc="display disconnected: resources freed, QEMU's placeholder at 640x480, no drawn picture left"
rule="against black, differences only inside the central 320x32 box (QEMU's line of text)"
"$IMGCMP" "$dir/expected-shrink.png" "$dir/off.png" >/dev/null 2>&1
differs=$?
if [ "$differs" -eq 1 ] && placeholder_ok "$dir/expected-off.png" "$dir/off.png" 640 480; then
    tap_ok "$desc"
    report_state ok "$desc" "$dir/expected-off.png" "$dir/off.png" "$dir/off-diff.png" "$rule"
else
    tap_not_ok "$desc"
    tap_diag "$dir/cmp.out"
    report_state fail "$desc" "$dir/expected-off.png" "$dir/off.png" "$dir/off-diff.png" \
        "$rule (imgcmp against the shrunk picture: exit $differs): $(cat "$dir/cmp.out")"
fi
# From the disconnect to the reconnect: ticks came ("not usable") and no state moved on.
between=$(console | sed -n '/^gpu-demo: no display on scanout 0: freed/,/^gpu-demo: scanout 0 is 1024x768/p')
waits=$(printf '%s\n' "$between" | grep -c -E '^GPU_DEMO\|WARN: scanout 0 not usable')
moved=$(printf '%s\n' "$between" | grep -E -m1 '^gpu-demo: state ')
if [ "$waits" -ge 1 ] && [ -z "$moved" ]; then
    tap_ok "without a display the demo waits at its ticks ($waits tick(s), no state moved on)"
else
    tap_not_ok "without a display the demo waits at its ticks: $waits tick(s) waited, moved on: '$moved'"
fi

expect 1 1024 768 back
compare "reconnected at 1024x768: state 1 drawn afresh, exactly" "$dir/expected-back.png" "$dir/back.png"
expect 2 1024 768 state-2
compare "the next state (2) at the new size 1024x768, exactly" "$dir/expected-state-2.png" "$dir/state-2.png"
tap_end
