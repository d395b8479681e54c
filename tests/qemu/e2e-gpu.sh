#!/bin/sh
# e2e-gpu: the GPU demo (examples/gpu) on QEMU's virtio-gpu-device, through
# our real driver and virtualiser. Boots the image headless, follows the
# demo's console through one cycle of its six states and into the next,
# takes a QMP screendump after each state line, and checks:
#
# - states 1 and 2 (and the second cycle's state 1): the screendump equals,
#   pixel for pixel, the picture example-expect computes from the source image;
# - states 4 and 5 (blob): compared the same way when the demo drew them;
#   QEMU here has no blob (no udmabuf), the demo prints "skipped", and the
#   test prints "# SKIP ..." (not an "ok" line: not counted as a test);
# - states 3 and 6 (scanout disabled): QEMU shows its own "display not
#   active" placeholder, which we do not draw ourselves. The dump must have
#   the scanout's size, differ from every drawn state's expected picture, be
#   black except for at most one centred line of text (the differing pixels
#   against black lie inside a 320x32 box at the centre), and state 6 must
#   show exactly what state 3 showed.
# - the cursor (states 1 to 3): QEMU's screendump has no cursor plane, so the
#   screendumps above do not show it; the command flow is checked instead:
#   the demo prints one line per cursor response, and each of the first
#   cycle's (set, moved twice, hidden) must say OK at the positions the
#   demo's rule gives for the scanout's size; no cursor line may say
#   anything else. (The model checks the cursor's pixels: tests/system.)
#
#   QMP=... IMGCMP=... EXPECT=... tests/qemu/e2e-gpu.sh IMAGE SOURCE WORK_DIR
#
# SOURCE is the image the build embedded, or a file holding its path
# ($(BUILD)/gen/fb_img.path). Prints TAP; everything (console, dumps, expected
# pictures, diffs) stays in WORK_DIR.
#
# IMAGE is a qemu-platform *.elf or a Microkit loader *.img: qemu-run.sh boots
# both, so the same checks run on bare metal and on seL4.
set -u
image=$1
src=$2
dir=$3
name=e2e-gpu
here=$(dirname "$0")
# shellcheck source=tests/qemu/e2e-lib.sh
. "$here/e2e-lib.sh"
src=$(source_image "$src")
fresh_dir

set -- -t 45 -g '' -f 'qemu\|FATAL|\|ERROR:|^gpu-demo: .*: failed' -n '^gpu-demo: (state|re-centred|scanout)' \
    "$image" wait:'^gpu-demo: scanout 0 is [0-9]+x[0-9]+$'
for s in 1 2 3 4 5 6; do
    case $s in
    4 | 5) line="^gpu-demo: state $s .*: (ok|skipped, .*)$" ;;
    *) line="^gpu-demo: state $s .*: ok$" ;;
    esac
    set -- "$@" wait:"$line" dump:"$dir/state-$s.png"
done
set -- "$@" wait:'^gpu-demo: state 1 .*: ok$' dump:"$dir/state-1-again.png"
boot_or_stop "the demo runs two cycles' worth of states on $platform" "$@"

size=$(console_size '^gpu-demo: scanout 0 is ')
# shellcheck disable=SC2086
set -- $size
w=$1
h=$2
for s in 1 2 3 5; do
    "$EXPECT" demo "$s" "$w" "$h" "$src" "$dir/expected-$s.png" || {
        tap_not_ok "example-expect draws state $s"
        tap_end
        exit 1
    }
done

state_line() {
    console | grep -E -m1 "^gpu-demo: state $1 "
}

drawn() {
    compare "state $1 on ${w}x${h}: the screendump equals the expected picture" "$dir/expected-$2.png" \
        "$dir/state-$1.png"
}

blob_state() {
    line=$(state_line "$1")
    case $line in
    *": skipped, "*) tap_skip "state $1: blob not offered by QEMU; console: '$line'" ;;
    *) drawn "$1" "$([ "$1" -eq 4 ] && echo 1 || echo 5)" ;;
    esac
}

disabled() {
    f=$dir/state-$1.png
    why=""
    for e in 1 2 5; do
        "$IMGCMP" "$dir/expected-$e.png" "$f" >/dev/null 2>&1
        [ $? -eq 1 ] || why="$why; equals (or cannot be compared with) the picture of drawn state $e"
    done
    placeholder_ok "$dir/expected-3.png" "$f" "$w" "$h" || why="$why; not black with at most a centred line of text: $(tr '\n' ' ' <"$dir/cmp.out")"
    if [ "$1" -eq 6 ]; then
        "$IMGCMP" "$dir/state-3.png" "$f" >"$dir/cmp6.out" 2>&1 || why="$why; differs from state 3's: $(tr '\n' ' ' <"$dir/cmp6.out")"
    fi
    desc="state $1 (scanout disabled): QEMU's placeholder at ${w}x${h}, no drawn picture left"
    rule="against black, differences only inside the central 320x32 box (QEMU's line of text)"
    if [ -z "$why" ]; then
        tap_ok "$desc"
        report_state ok "$desc" "$dir/expected-3.png" "$f" "${f%.png}-diff.png" "$rule"
    else
        tap_not_ok "$desc"
        echo "#   ${why#; }"
        echo "#   kept: $f"
        report_state fail "$desc" "$dir/expected-3.png" "$f" "${f%.png}-diff.png" "$rule: ${why#; }"
    fi
}

drawn 1 1
drawn 2 2
disabled 3
blob_state 4
blob_state 5
disabled 6
compare "state 1 again (second cycle, fresh resources): the screendump equals the expected picture" \
    "$dir/expected-1.png" "$dir/state-1-again.png"
cursor_answered() {
    if console | grep -q -F -x "gpu-demo: cursor $1: OK"; then
        tap_ok "cursor $1: the device took the command, answered OK"
    else
        tap_not_ok "cursor $1: answered OK; console: '$(console | grep -E '^gpu-demo: cursor ' | tr '\n' ';')'"
    fi
}
cursor_answered "set at ($((w / 4)), $((h / 4)))"
cursor_answered "moved to ($((w / 2)), $((h / 2)))"
cursor_answered "moved to ($((w - 23)), $((h - 19)))"
cursor_answered "hidden"
bad=$(console | grep -E '^gpu-demo: cursor ' | grep -v -E ': OK$')
if [ -z "$bad" ]; then
    tap_ok "no cursor response other than OK"
else
    tap_not_ok "no cursor response other than OK; console: '$bad'"
fi
# The driver fetched the display's EDID (QEMU offers VIRTIO_GPU_F_EDID) and the client got it through the
# virtualiser: its preferred mode is the scanout's mode.
edid=$(console | grep -E -m1 '^gpu-demo: scanout 0 (EDID|has no)')
case $edid in
"gpu-demo: scanout 0 EDID: preferred ${w}x${h}, "[1-9]*x[1-9]*" mm") tap_ok "the client sees the display's EDID: '$edid'" ;;
*) tap_not_ok "the client sees the display's EDID with preferred mode ${w}x${h}; console: '$edid'" ;;
esac
tap_end
