#!/bin/sh
# hosted-gpu: the GPU demo (examples/gpu) on the hosted platform: every PD a
# process, our device model as a vhost-user back-end process. Follows the
# demo through one cycle of its six states and into the next, dumps the
# scanout (the back-end's framebuffer, through its control socket) after each
# state line, and checks each dump pixel for pixel against the picture
# example-expect computes (the same pictures e2e-gpu uses on QEMU): states 1,
# 2 and 4 (2D and blob, full image), 2 and 5 (quadrants), 3 and 6 (scanout
# off: black at the mode's size), state 1 again. Prints TAP.
#
#   IMGCMP=... EXPECT=... CTL=... platform/hosted/tests/gpu.sh HOSTED_RUN BINDIR BACKEND SOURCE WORK_DIR [VARIANT]
#
# SOURCE is the image the build embedded, or a file holding its path.
set -u
run=$1
bindir=$2
backend=$3
src=$4
dir=$5
name=hosted-gpu${6:+-$6}
# shellcheck source=platform/hosted/tests/hosted-lib.sh
. "$(dirname "$0")/hosted-lib.sh"
fresh_dir
trap stop_runner EXIT
case $src in *.path) src=$(cat "$src") ;; esac

start=$(date +%s)
start_runner "$run" -b "$bindir" -d "$backend --fd 3 --ctl $dir/ctl" examples/gpu/gpu.system
at=$(wait_line '^\[client\] gpu-demo: scanout 0 is [0-9]+x[0-9]+$' 20) || {
    tap_not_ok "the demo starts and reports its scanout"
    sed 's/^/#   /' "$dir/out.log"
    tap_end
    exit 1
}
size=$(sed -n "${at}p" "$dir/out.log" | grep -E -o '[0-9]+x[0-9]+$')
w=${size%x*}
h=${size#*x}
tap_ok "the demo starts on the device model over vhost-user: scanout 0 is ${w}x${h}"

dumps=0
for s in 1 2 3 4 5 6 1-again; do
    st=${s%-again}
    if at=$(wait_line "^\\[client\\] gpu-demo: state $st .*: ok\$" 5 "$at") &&
        "$CTL" "$dir/ctl" "dump 0 $dir/state-$s.png" >"$dir/ctl-$s.out"; then
        dumps=$((dumps + 1))
    fi
done
[ "$dumps" -eq 7 ]
tap $? "every state reached and dumped ($dumps of 7)"

for st in 1 2 3 5; do
    "$EXPECT" demo "$st" "$w" "$h" "$src" "$dir/expected-$st.png" || echo "# example-expect failed for state $st"
done
compare() {
    "$IMGCMP" "$dir/expected-$2.png" "$dir/state-$1.png" "$dir/diff-$1.png" >"$dir/cmp-$1.out" 2>&1
    rc=$?
    tap $rc "state $1: the framebuffer equals the expected picture (expected-$2)"
    [ "$rc" -eq 0 ] || sed 's/^/#   /' "$dir/cmp-$1.out"
}
compare 1 1
compare 2 2
compare 3 3
compare 4 1
compare 5 5
compare 6 3
compare 1-again 1
stop_runner
errs=$(grep -c -E '\|(ERROR|FATAL)|died|runtime error|AddressSanitizer' "$dir/out.log")
tap "$errs" "no errors, sanitizer reports or dead processes in the output ($errs lines)"
[ "$errs" -eq 0 ] || grep -E '\|(ERROR|FATAL)|died|runtime error|AddressSanitizer' "$dir/out.log" | head -20 | sed 's/^/#   /'
echo "# wall time $(($(date +%s) - start)) s"
tap_end
