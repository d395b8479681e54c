#!/bin/sh
# `make demo`: the GPU demo (examples/gpu) on QEMU's virtio-gpu-device.
#
#   platform/qemu/demo.sh IMAGE.elf OUT_DIR
#
# With a display ($DISPLAY or $WAYLAND_DISPLAY set, and DEMO_HEADLESS not
# set to 1) it opens QEMU's window and runs until you quit (Ctrl-a x on the
# console, or close the window). Otherwise it boots headless, follows the
# demo through its six states (one a second), saves a QMP screendump after
# each state's console line as OUT_DIR/state-N.png and prints the paths.
# A state the demo skipped (4 and 5: QEMU here offers no blob) gets no PNG
# and says so. Bounded: the run stops after 40 seconds at most.
#
# Environment: QMP (the qmp tool), QEMU (the emulator), DEMO_HEADLESS.
set -u
image=$1
out=$2
here=$(dirname "$0")
run=$here/../../tests/qemu/qemu-run.sh

if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ "${DEMO_HEADLESS:-0}" != 1 ]; then
    echo "demo: opening QEMU's window (the console stays here; Ctrl-a x quits)"
    exec "$run" -i -g '' "$image"
fi

rm -rf "$out"
mkdir -p "$out"
set -- -d "$out/run" -t 40 -g '' -f 'qemu\|FATAL|\|ERROR:|^gpu-demo: .*: failed' "$image" \
    wait:'^gpu-demo: scanout 0 is [0-9]+x[0-9]+$'
for s in 1 2 3 4 5 6; do
    set -- "$@" wait:"^gpu-demo: state $s " dump:"$out/state-$s.png"
done
echo "demo: booting $image headless (one state a second, about 7 s)"
if ! "$run" "$@" >"$out/run.out" 2>&1; then
    cat "$out/run.out"
    echo "demo: FAILED; console in $out/run/console.log"
    exit 1
fi
tr -d '\r' <"$out/run/console.log" | grep -E '^gpu-demo: scanout'
for s in 1 2 3 4 5 6; do
    line=$(tr -d '\r' <"$out/run/console.log" | grep -E -m1 "^gpu-demo: state $s ")
    case $line in
    *": skipped"*)
        rm -f "$out/state-$s.png"
        echo "demo: state $s: no PNG, the demo skipped it ('$line')"
        ;;
    *) echo "demo: state $s: $out/state-$s.png  ('$line')" ;;
    esac
done
echo "demo: console in $out/run/console.log"
