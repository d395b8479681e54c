#!/bin/sh
# hosted-anim: the animated example (examples/anim) on the hosted platform
# and the device model back-end. Follows three of its once-a-second rate
# lines, dumps the scanout after each of the first two and checks, as
# e2e-anim does on QEMU: frames are presented (every rate above zero, the
# total growing), and each dump is exactly the background with the 64x64
# square where the animation puts it after m moves of 4 pixels, for an m
# between the total of the rate line before the dump and that of the first
# rate line printed after the dump's reply (the system keeps running).
# Prints TAP.
#
#   ANIMCHECK=... CTL=... platform/hosted/tests/anim.sh HOSTED_RUN BINDIR BACKEND WORK_DIR
set -u
run=$1
bindir=$2
backend=$3
dir=$4
name=hosted-anim
# shellcheck source=platform/hosted/tests/hosted-lib.sh
. "$(dirname "$0")/hosted-lib.sh"
hosted_start

# The back-end also draws its window, with SDL's offscreen driver (no display here): the window path runs
# at 60 updates a second under the animation's load, and must neither fail nor disturb the frames.
start_runner "$run" -b "$bindir" -d "SDL_VIDEODRIVER=offscreen $backend --fd 3 --ctl $dir/ctl --sdl 1" \
    examples/anim/anim.system
rate='^\[anim\] anim: [0-9]+ frames/s \([0-9]+ frames in all\)$'
ok=0
wait_line '^\[device\] VGPU\|INFO: device model back-end: .*, a window per scanout' 20 >/dev/null || ok=1
at=$(wait_line '^\[anim\] anim: scanout 0 is [0-9]+x[0-9]+$' 20) || ok=1
# Each dump is bracketed by the frame totals of the rate line before it and of the first one printed after
# its reply came back (the system keeps running meanwhile).
total_at() {
    sed -n "${1}p" "$dir/out.log" | sed 's/^.*(\([0-9]*\) frames in all)$/\1/'
}
for i in 1 2; do
    at=$(wait_line "$rate" 5 "${at:-0}") || ok=1
    lo=$(total_at "${at:-0}")
    "$CTL" "$dir/ctl" "dump 0 $dir/frame-$i.png" >/dev/null || ok=1
    done_at=$(wc -l <"$dir/out.log")
    at=$(wait_line "$rate" 5 "$done_at") || ok=1
    hi=$(total_at "${at:-0}")
    eval "lo$i=\${lo:-0} hi$i=\${hi:-0}"
done
tap $ok "the animation runs (the back-end's window open, offscreen); two dumps, each between two rate lines"

grep -E "$rate" "$dir/out.log" | head -n 3 |
    sed 's/^\[anim\] anim: \([0-9]*\) frames\/s (\([0-9]*\) frames in all)$/\1 \2/' >"$dir/rates"
# shellcheck disable=SC2046
set -- $(cat "$dir/rates")
[ $# -eq 6 ] && [ "$1" -gt 0 ] && [ "$3" -gt 0 ] && [ "$5" -gt 0 ] && [ "$4" -gt "$2" ] && [ "$6" -gt "$4" ]
tap $? "frames are presented: ${1:-?}, ${3:-?}, ${5:-?} frames/s (${6:-?} in all)"
frame() {
    f=$dir/frame-$1.png
    "$ANIMCHECK" "$f" 64 "${f%.png}-diff.png" 4 "$2" "$3" >"$dir/check-$1.out" 2>&1
    tap $? "dump $1: exactly the background and one 64x64 square where frames $2..$3 put it"
    sed 's/^/#   /' "$dir/check-$1.out"
}
# A total of T frames means T-1 moves (the first present draws the square at (0,0)), or T while one is in flight.
# shellcheck disable=SC2154 # lo1, hi1, lo2, hi2 are set by the eval above
frame 1 $((lo1 > 0 ? lo1 - 1 : 0)) "$hi1"
# shellcheck disable=SC2154
frame 2 $((lo2 > 0 ? lo2 - 1 : 0)) "$hi2"
stop_runner
errs=$(grep -c -E '\|(ERROR|FATAL)|died|runtime error|AddressSanitizer|present failed' "$dir/out.log")
tap "$errs" "no errors, sanitizer reports or dead processes in the output ($errs lines)"
tap_end
