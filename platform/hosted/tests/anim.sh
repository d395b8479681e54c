#!/bin/sh
# hosted-anim: the animated example (examples/anim) on the hosted platform
# and the device model back-end. Follows three of its once-a-second rate
# lines, dumps the scanout after each of the first two and checks, as
# e2e-anim does on QEMU: frames are presented (every rate above zero, the
# total growing), and each dump is exactly the background with the 64x64
# square where the animation puts it after m moves of 4 pixels, for an m
# between the totals printed before and after the dump (the system keeps
# running during a dump, so the bounds are those of the surrounding lines).
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
fresh_dir
trap stop_runner EXIT

start_runner "$run" -b "$bindir" -d "$backend --fd 3 --ctl $dir/ctl" examples/anim/anim.system
rate='^\[anim\] anim: [0-9]+ frames/s \([0-9]+ frames in all\)$'
ok=0
at=$(wait_line '^\[anim\] anim: scanout 0 is [0-9]+x[0-9]+$' 20) || ok=1
for i in 1 2; do
    at=$(wait_line "$rate" 5 "${at:-0}") || ok=1
    "$CTL" "$dir/ctl" "dump 0 $dir/frame-$i.png" >/dev/null || ok=1
done
at=$(wait_line "$rate" 5 "${at:-0}") || ok=1
tap $ok "the animation runs; two dumps between three rate lines"

grep -E "$rate" "$dir/out.log" | head -n 3 |
    sed 's/^\[anim\] anim: \([0-9]*\) frames\/s (\([0-9]*\) frames in all)$/\1 \2/' >"$dir/rates"
# shellcheck disable=SC2046
set -- $(cat "$dir/rates")
[ $# -eq 6 ] && [ "$1" -gt 0 ] && [ "$3" -gt 0 ] && [ "$5" -gt 0 ] && [ "$4" -gt "$2" ] && [ "$6" -gt "$4" ]
tap $? "frames are presented: ${1:-?}, ${3:-?}, ${5:-?} frames/s (${6:-?} in all)"
t1=${2:-0}
t2=${4:-0}
t3=${6:-0}
frame() {
    f=$dir/frame-$1.png
    "$ANIMCHECK" "$f" 64 "${f%.png}-diff.png" 4 "$2" "$3" >"$dir/check-$1.out" 2>&1
    tap $? "dump $1: exactly the background and one 64x64 square where frames $2..$3 put it"
    sed 's/^/#   /' "$dir/check-$1.out"
}
frame 1 $((t1 > 0 ? t1 - 1 : 0)) "$t2"
frame 2 $((t2 > 0 ? t2 - 1 : 0)) "$t3"
stop_runner
errs=$(grep -c -E '\|(ERROR|FATAL)|died|runtime error|AddressSanitizer|present failed' "$dir/out.log")
tap "$errs" "no errors, sanitizer reports or dead processes in the output ($errs lines)"
tap_end
