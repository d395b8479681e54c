#!/bin/sh
# hosted-resize: display changes on the hosted platform. The multi-client
# example (examples/multi) on a two-scanout device model back-end; its
# control socket's `mode I W H ON` changes one scanout's display at run time
# (the model raises the display event, as vgpu_model_set_scanout does).
# After both clients drew:
#
# - scanout 1 to 1024x768: multi_b re-creates its framebuffer; head 1 is
#   exactly the pattern at 1024x768, head 0 still exactly multi_a's image;
# - scanout 1 disconnected (ON 0): multi_b draws at its 800x600 fallback;
# - scanout 0 to 640x360: multi_a re-creates; head 0 exactly the image at
#   640x360, head 1 still exactly the pattern at 800x600;
# - each client drew only when its own scanout changed.
# Prints TAP.
#
#   IMGCMP=... EXPECT=... CTL=... platform/hosted/tests/resize.sh HOSTED_RUN BINDIR BACKEND SOURCE WORK_DIR
set -u
# shellcheck source=platform/hosted/tests/hosted-lib.sh
. "$(dirname "$0")/hosted-lib.sh"
hosted_args "$@"
name=hosted-resize
hosted_start

start_runner "$run" -b "$bindir" -d "$backend --fd 3 --scanouts 2 --ctl $dir/ctl" examples/multi/multi.system
drew_a() {
    echo "^\\[multi_a\\] multi-a: drew the image on its scanout 0 \\($1\\): ok\$"
}
drew_b() {
    echo "^\\[multi_b\\] multi-b: drew the pattern on its scanout 0 \\($1\\): ok\$"
}
at_a=$(wait_line "$(drew_a '[0-9]+x[0-9]+')" 20) && at_b=$(wait_line "$(drew_b '[0-9]+x[0-9]+')" 20)
tap $? "both clients drew on their scanouts"
size_a=$(sed -n "${at_a:-1}p" "$dir/out.log" | grep -E -o '[0-9]+x[0-9]+' | head -n1)

# change N I W H ON WAIT_REGEX: the display change, the client's line after it, both heads dumped.
change() {
    at=$(wc -l <"$dir/out.log")
    reply=$("$CTL" "$dir/ctl" "mode $2 $3 $4 $5") && wait_line "$6" 10 "$at" >/dev/null &&
        "$CTL" "$dir/ctl" "dump 0 $dir/head-0-$1.png" >/dev/null &&
        "$CTL" "$dir/ctl" "dump 1 $dir/head-1-$1.png" >/dev/null
    tap $? "change $1: scanout $2 to $3x$4 (connected $5): '$reply', the client drew, both heads dumped"
}

# exact N HEAD WHAT W H DESC: head HEAD's dump after change N equals example-expect's WHAT at WxH.
exact() {
    check_exact "$1-$2" "head-$2-$1.png" "$3" "$4" "$5" "change $1: head $2 exactly $6 at $4x$5"
}

change 1 1 1024 768 1 "$(drew_b 1024x768)"
exact 1 1 pattern 1024 768 "multi_b's pattern, re-created"
exact 1 0 image "${size_a%x*}" "${size_a#*x}" "multi_a's image, untouched"
change 2 1 1024 768 0 "$(drew_b 800x600)"
exact 2 1 pattern 800 600 "multi_b's pattern at its fallback mode"
change 3 0 640 360 1 "$(drew_a 640x360)"
exact 3 0 image 640 360 "multi_a's image, re-created and re-centred"
exact 3 1 pattern 800 600 "multi_b's pattern, untouched"
stop_runner
n_a=$(count_lines '^\[multi_a\] multi-a: drew ')
n_b=$(count_lines '^\[multi_b\] multi-b: drew ')
[ "$n_a" -eq 2 ] && [ "$n_b" -eq 3 ]
tap $? "each client drew only for its own scanout's changes (multi-a $n_a times, multi-b $n_b; want 2 and 3)"
errs=$(grep -c -E '\|(ERROR|FATAL)|died|runtime error|AddressSanitizer|NOT refused|draw failed' "$dir/out.log")
tap "$errs" "no errors, sanitizer reports or dead processes in the output ($errs lines)"
tap_end
