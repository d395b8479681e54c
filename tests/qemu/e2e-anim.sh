#!/bin/sh
# e2e-anim: the animated example (examples/anim) on QEMU's virtio-gpu-device.
# Follows three of its once-a-second frame-rate lines and takes a QMP
# screendump after each of the first two (the guest paused meanwhile), then
# checks:
#
# - frames are presented: every rate is above zero and the frame total grows;
# - they are PRESENTs (double-buffered, examples/anim): the completion word
#   printed after each rate line grows and keeps up with the frame total;
# - each dump is exactly the background with one 64x64 square
#   (ANIM_BOX_COLOUR) where the animation puts it after m moves of 4 pixels,
#   for some m between the frame totals printed before and after the dump
#   (tests/qemu/tools/animcheck.c).
#
# The square's size and step (64, 4) are the glue's (examples/anim/anim_pd.c).
#
#   QMP=... ANIMCHECK=... tests/qemu/e2e-anim.sh IMAGE WORK_DIR
#
# Prints TAP; everything stays in WORK_DIR.
#
# IMAGE is a qemu-platform *.elf or a Microkit loader *.img: qemu-run.sh boots
# both, so the same checks run on bare metal and on seL4.
set -u
image=$1
dir=$2
name=e2e-anim
box=64
step=4
here=$(dirname "$0")
# shellcheck source=tests/qemu/e2e-lib.sh
. "$here/e2e-lib.sh"
fresh_dir

rate='^anim: [0-9]+ frames/s \([0-9]+ frames in all\)$'
# -n "$rate": each dump must come before the guest prints its next rate line,
# or the totals that bound it are the wrong ones. A follower late by more
# than a second (a loaded host) otherwise dumps frames past them, both dumps
# close together, and the squares look misplaced; qemu-run then exits 3 and
# boot retries once (tests/qemu/README.md, Timing).
boot_or_stop "the animation runs on $platform" -t 45 -g '' -f 'qemu\|FATAL|\|ERROR:|present failed' -n "$rate" "$image" \
    wait:'^anim: scanout 0 is [0-9]+x[0-9]+$' wait:"$rate" dump:"$dir/frame-1.png" wait:"$rate" \
    dump:"$dir/frame-2.png" wait:"$rate"

console | grep -E "$rate" | head -n 3 | sed 's/^anim: \([0-9]*\) frames\/s (\([0-9]*\) frames in all)$/\1 \2/' >"$dir/rates"
# shellcheck disable=SC2046
set -- $(cat "$dir/rates")
if [ $# -eq 6 ] && [ "$1" -gt 0 ] && [ "$3" -gt 0 ] && [ "$5" -gt 0 ] && [ "$4" -gt "$2" ] && [ "$6" -gt "$4" ]; then
    tap_ok "frames are presented: $1, $3, $5 frames/s ($6 in all)"
else
    tap_not_ok "frames are presented: rates and totals '$*'"
fi
# Frames are PRESENTs: after each rate line the completion word (printed as
# "anim: present fence W") is at least the frame total less the build's
# first picture, and it grows.
console | grep -E '^anim: present fence [0-9]+$' | head -n 3 | sed 's/^anim: present fence //' >"$dir/fences"
fences=$(tr '\n' ' ' <"$dir/fences")
# shellcheck disable=SC2046,SC2086
set -- $fences $(cat "$dir/rates")
if [ $# -eq 9 ] && [ "$1" -gt 0 ] && [ "$2" -gt "$1" ] && [ "$3" -gt "$2" ] && [ "$1" -ge $((${5:-1} - 1)) ] &&
    [ "$2" -ge $((${7:-1} - 1)) ] && [ "$3" -ge $((${9:-1} - 1)) ]; then
    tap_ok "frames are PRESENTs: the completion word reads $1, $2, $3"
else
    tap_not_ok "frames are PRESENTs: fences '$fences', rates and totals '$(cat "$dir/rates")'"
fi
# shellcheck disable=SC2046
set -- $(cat "$dir/rates")
t1=${2:-0}
t2=${4:-0}
t3=${6:-0}

# frame N LO HI: dump N shows the square after m moves, LO <= m <= HI.
frame() {
    compared=$((compared + 1))
    lo=$2
    hi=$3
    f=$dir/frame-$1.png
    desc="dump $1: exactly the background and one ${box}x$box square where frames $lo..$hi put it"
    if "$ANIMCHECK" "$f" "$box" "${f%.png}-diff.png" "$step" "$lo" "$hi" "${f%.png}-expected.png" \
        >"$dir/check.out" 2>&1; then
        tap_ok "$desc"
        tap_diag "$dir/check.out"
        result=ok
    else
        tap_not_ok "$desc"
        tap_diag "$dir/check.out"
        echo "#   kept: $f (and ${f%.png}-diff.png when the picture is wrong)"
        # What else the animation and the GPU components said (a display change or a reset shifts its path).
        console | grep -E '^(anim:|GPU_)' | grep -vE "$rate|^anim: present fence" | head -n 20 | sed 's/^/#   console: /'
        result=fail
    fi
    # The report draws its own diff against the expected picture: animcheck's
    # marks only a malformed square, not one in the wrong place.
    report_state "$result" "$desc" "${f%.png}-expected.png" "$f" "${f%.png}-expected-diff.png" \
        "$(cat "$dir/check.out")"
}

# A total of T frames means T-1 moves (the first present draws the square at
# (0,0)), or T moves while the next frame is in flight.
frame 1 $((t1 > 0 ? t1 - 1 : 0)) "$t2"
frame 2 $((t2 > 0 ? t2 - 1 : 0)) "$t3"
tap_end
