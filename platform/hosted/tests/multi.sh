#!/bin/sh
# hosted-multi: the multi-client example (examples/multi) on the hosted
# platform with a two-scanout device model back-end: three client processes,
# one virtualiser, our driver over vhost-user. Waits for multi-a and multi-b
# to report their drawing and multi-c its refusal, dumps both scanouts and
# checks, as e2e-multi does on QEMU: head 0 exactly the centred image, head 1
# exactly multi_b's pattern (never A's image), multi-c's SET_SCANOUT refused
# with INVALID_SCANOUT_ID. Prints TAP.
#
#   IMGCMP=... EXPECT=... CTL=... [VUDISPLAY=...] platform/hosted/tests/multi.sh HOSTED_RUN BINDIR BACKEND SOURCE WORK_DIR [qemu]
#
# With qemu, BACKEND is QEMU's vhost-user-gpu and VUDISPLAY shows its two scanouts.
set -u
# shellcheck source=platform/hosted/tests/hosted-lib.sh
. "$(dirname "$0")/hosted-lib.sh"
hosted_args "$@"
variant=${6:-}
name=hosted-multi${6:+-$6}
hosted_start

if [ "$variant" = qemu ]; then
    set -- -d "$backend --fd=3" -D "$VUDISPLAY --fd 3 --scanouts 2 --ctl $dir/ctl" -s 2
else
    set -- -d "$backend --fd 3 --scanouts 2 --ctl $dir/ctl"
fi
start_runner "$run" -b "$bindir" "$@" examples/multi/multi.system
a='^\[multi_a\] multi-a: drew the image on its scanout 0 \(([0-9]+x[0-9]+)\): ok$'
b='^\[multi_b\] multi-b: drew the pattern on its scanout 0 \(([0-9]+x[0-9]+)\): ok$'
ok=0
for re in "$a" "$b" '^\[multi_c\] multi-c: ready with 0 scanouts$' \
    '^\[multi_c\] multi-c: scanout request refused as expected: INVALID_SCANOUT_ID$'; do
    wait_line "$re" 20 >/dev/null || ok=1
done
tap $ok "three clients on a two-scanout device report their results"
dump_heads head
tap $? "both scanouts dumped"

# shellcheck disable=SC2046
set -- $(size_of "$a")
check_exact 0 head-0.png image "${1:-0}" "${2:-0}" \
    "head 0 (multi_a) on ${1:-?}x${2:-?}: exactly the centred image"
# shellcheck disable=SC2046
set -- $(size_of "$b")
check_exact 1 head-1.png pattern "${1:-0}" "${2:-0}" \
    "head 1 (multi_b) on ${1:-?}x${2:-?}: exactly the pattern, none of multi_a's image"
stop_runner
errs=$(grep -c -E '\|(ERROR|FATAL)|died|runtime error|AddressSanitizer|NOT refused|draw failed' "$dir/out.log")
tap "$errs" "no errors, sanitizer reports or dead processes in the output ($errs lines)"
tap_end
