#!/bin/sh
# hosted-gpu: the GPU demo (examples/gpu) on the hosted platform: every PD a
# process, our device model as a vhost-user back-end process (VARIANT qemu:
# QEMU's vhost-user-gpu instead, BACKEND its path, with vugpu-display, given
# as VUDISPLAY, showing its scanout; it offers no blob, so the demo skips
# states 4 and 5 and says so, and they are reported "# SKIP", not counted). Follows the
# demo through one cycle of its six states and into the next, dumps the
# scanout (the back-end's framebuffer, through its control socket) after each
# state line, and checks each dump pixel for pixel against the picture
# example-expect computes (the same pictures e2e-gpu uses on QEMU): states 1,
# 2 and 4 (2D and blob, full image), 2 and 5 (quadrants), 3 and 6 (scanout
# off: black at the mode's size), state 1 again. Each dump's reply carries the
# device's flush count, which proves the dump shows that state and not the
# next one; a run in which the demo moved on first (a busy host) is retried
# once. Prints TAP.
#
#   IMGCMP=... EXPECT=... CTL=... [WRAP=PD=WRAPPER] platform/hosted/tests/gpu.sh HOSTED_RUN BINDIR BACKEND SOURCE WORK_DIR [VARIANT]
#
# WRAP runs one PD under a wrapper (hosted-run -w), e.g. WRAP='client=valgrind -q' (VARIANT valgrind sets
# exactly that); any valgrind report (a line starting ==PID==) fails the check too.
#
# SOURCE is the image the build embedded, or a file holding its path.
set -u
# shellcheck source=platform/hosted/tests/hosted-lib.sh
. "$(dirname "$0")/hosted-lib.sh"
hosted_args "$@"
variant=${6:-}
name=hosted-gpu${6:+-$6}
[ "${6:-}" = valgrind ] && WRAP='client=valgrind -q'
hosted_start

# The flushes the device has done when each dump is taken, if the demo has not moved on: states 3 and 6 only
# disable the scanout, so they flush nothing.
# With QEMU's vhost-user-gpu the count is vugpu-display's UPDATE messages, one per flush too, and 4 and 5 are
# skipped.
flushes_for() {
    if [ "$variant" = qemu ]; then
        case $1 in
        1) echo 1 ;; 2 | 3 | 6) echo 2 ;; 1-again) echo 3 ;;
        esac
        return
    fi
    case $1 in
    1) echo 1 ;; 2 | 3) echo 2 ;; 4) echo 3 ;; 5 | 6) echo 4 ;; 1-again) echo 5 ;;
    esac
}

# One run: 0 if every state was reached and dumped in time, 3 if the demo moved on (the next state's flush)
# before a dump was taken (a host too busy to follow a one-second cadence), 1 otherwise.
attempt() {
    fresh_dir
    if [ "$variant" = qemu ]; then
        set -- -b "$bindir" -d "$backend --fd=3" -D "$VUDISPLAY --fd 3 --ctl $dir/ctl"
    else
        set -- -b "$bindir" -d "$backend --fd 3 --ctl $dir/ctl"
    fi
    [ -n "${WRAP:-}" ] && set -- "$@" -w "$WRAP"
    start_runner "$run" "$@" examples/gpu/gpu.system
    at=$(wait_line '^\[client\] gpu-demo: scanout 0 is [0-9]+x[0-9]+$' 20) || return 1
    if [ -n "${WRAP:-}" ]; then
        under=$(for p in $(pgrep -P "$runner_pid"); do basename "$(readlink "/proc/$p/exe")"; done | grep -c memcheck)
        echo "# processes under valgrind's memcheck: $under"
    fi
    for s in 1 2 3 4 5 6 1-again; do
        if [ "$variant" = qemu ] && { [ "$s" = 4 ] || [ "$s" = 5 ]; }; then
            at=$(wait_line "^\\[client\\] gpu-demo: state $s .*: skipped, device lacks blob resources\$" 5 "$at") ||
                return 1
            continue
        fi
        at=$(wait_line "^\\[client\\] gpu-demo: state ${s%-again} .*: ok\$" 5 "$at") || return 1
        "$CTL" "$dir/ctl" "dump 0 $dir/state-$s.png" >"$dir/ctl-$s.out" || return 1
        got=$(cut -d' ' -f3 "$dir/ctl-$s.out")
        if [ "$got" != "$(flushes_for "$s")" ]; then
            echo "# state $s dumped after $got flushes, expected $(flushes_for "$s"): the demo moved on"
            return 3
        fi
    done
    return 0
}

start=$(date +%s)
attempt
rc=$?
if [ "$rc" -eq 3 ]; then
    stop_runner
    echo "# retry: the demo moved on before a dump"
    attempt
    rc=$?
fi
if [ "$rc" -ne 0 ]; then
    tap_not_ok "the demo runs through every state on the device model, each dumped in time (attempt: $rc)"
    sed 's/^/#   /' "$dir/out.log" | tail -40
    tap_end
    exit 1
fi
size=$(grep -E -m1 '^\[client\] gpu-demo: scanout 0 is ' "$dir/out.log" | grep -E -o '[0-9]+x[0-9]+$')
w=${size%x*}
h=${size#*x}
device="our device model"
[ "$variant" = qemu ] && device="QEMU's vhost-user-gpu"
tap_ok "the demo runs through every state on $device over vhost-user (scanout 0 ${w}x${h}), each dumped in time"
if [ -n "${WRAP:-}" ]; then
    [ "${under:-0}" -eq 1 ]
    tap $? "exactly one PD ran under valgrind's memcheck (${under:-0})"
fi

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
if [ "$variant" = qemu ]; then
    echo "# SKIP state 4: QEMU's vhost-user-gpu offers no blob; the demo said so (not checked, not counted)"
    echo "# SKIP state 5: QEMU's vhost-user-gpu offers no blob; the demo said so (not checked, not counted)"
else
    compare 4 1
    compare 5 5
fi
compare 6 3
# QEMU 7.2's vhost-user-gpu shows 16 bytes at the start of the second cycle's fresh 2D resource that are not
# zero (different on every run, like heap metadata). The demo transfers only the image's rectangle, so it relies
# on a fresh resource being black, which neither the virtio spec nor docs/protocol.md promises. Every other pixel
# is checked exactly; those four are reported, not counted (README, "QEMU's vhost-user-gpu").
if [ "$variant" = qemu ]; then
    "$IMGCMP" "$dir/expected-1.png" "$dir/state-1-again.png" "$dir/diff-1-again.png" >"$dir/cmp-1-again.out" 2>&1
    rc=$?
    if [ "$rc" -eq 1 ] && grep -q 'pixels differ, within x 0\.\.3 y 0\.\.0$' "$dir/cmp-1-again.out"; then
        tap_ok "state 1-again: the framebuffer equals the expected picture but for pixels (0..3,0)"
        echo "# SKIP state 1-again, pixels (0..3,0): not zero in QEMU's fresh resource: $(head -n2 "$dir/cmp-1-again.out" | tr '\n' ' ')"
    else
        tap "$rc" "state 1-again: the framebuffer equals the expected picture (expected-1)"
        [ "$rc" -eq 0 ] || sed 's/^/#   /' "$dir/cmp-1-again.out"
    fi
else
    compare 1-again 1
fi
stop_runner
bad='\|(ERROR|FATAL)|died|runtime error|AddressSanitizer|^\[[a-z_0-9]+\] ==[0-9]+== '
errs=$(grep -c -E "$bad" "$dir/out.log")
tap "$errs" "no errors, sanitizer or valgrind reports or dead processes in the output ($errs lines)"
[ "$errs" -eq 0 ] || grep -E "$bad" "$dir/out.log" | head -20 | sed 's/^/#   /'
echo "# wall time $(($(date +%s) - start)) s"
tap_end
