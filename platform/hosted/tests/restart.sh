#!/bin/sh
# hosted-restart: examples/restart on the hosted platform, with the device
# model back-end (two scanouts). steady draws the image on head 0 every
# tick; crasher draws the pattern on head 1 every tick and, in its first
# life, writes past its data region in its third frame: a real SIGSEGV of its
# process. The runner hands the death to crasher's parent, the supervisor
# (platform/microkit/supervisor, unchanged, over include/microkit.h of this
# platform), which asks the virtualiser to release crasher and restarts it
# two ticks later. Then crasher's second life is killed with kill -9 in
# mid-stream, and released and restarted the same way. Checks, with dumps
# of both heads before, between and after:
#
# - head 0 (steady) exactly the centred image at every dump: the other
#   client's frames stay exact; steady drew while crasher was down, no draw
#   failed;
# - the supervisor got the SIGSEGV as a VM fault at 0x5000000 (just past the
#   data region) and the kill -9 as a fault too; each time the virtualiser
#   released crasher ("client 1 released: ...") and head 1 went black;
# - after each restart head 1 is exactly the pattern again (lives 2 and 3).
#
# Prints TAP.
#
#   IMGCMP=... EXPECT=... CTL=... platform/hosted/tests/restart.sh HOSTED_RUN BINDIR BACKEND SOURCE WORK_DIR
set -u
# shellcheck source=platform/hosted/tests/hosted-lib.sh
. "$(dirname "$0")/hosted-lib.sh"
hosted_args "$@"
name=hosted-restart
hosted_start

steady='^\[steady\] steady: drew the image on its scanout 0 \([0-9]+x[0-9]+\): ok$'
crasher='^\[crasher\] crasher: drew the pattern on its scanout 0 \([0-9]+x[0-9]+\): ok$'
step() {
    at=$(wait_line "$1" "${2:-10}" "$at") || {
        echo "# not seen: $1"
        return 1
    }
}

start_runner "$run" -b "$bindir" -d "$backend --fd 3 --scanouts 2 --ctl $dir/ctl" examples/restart/restart.system
at=0
ok=0
step "$steady" 20 && step "$crasher" && dump_heads before || ok=1
step '^\[crasher\] RESTART\|INFO: crasher: life 1: frame 3 staged' &&
    step '^hosted\|ERROR: crasher died: killed by signal 11' &&
    step '^\[supervisor\] SUPERVISOR\|INFO: child 1 faulted: ' &&
    step '^\[gpu_virt\] GPU_VIRT\|INFO: client 1 released: ' &&
    step '^\[supervisor\] SUPERVISOR\|INFO: gpu_virt released child 1' && dump_heads released || ok=1
step '^\[supervisor\] SUPERVISOR\|INFO: restarting child 1 \(restart 1\)$' &&
    step '^\[crasher\] RESTART\|INFO: crasher: life 2$' && step "$crasher" && dump_heads after || ok=1
tap $ok "crasher's SIGSEGV: reported, handed to the supervisor, released by the virtualiser, restarted"

ok=0
killed_at=0
step "$steady" && kill -9 "$(pid_of crasher)" && killed_at=$at &&
    step '^hosted\|ERROR: crasher died: killed by signal 9' &&
    step '^\[supervisor\] SUPERVISOR\|INFO: child 1 faulted: ' &&
    step '^\[gpu_virt\] GPU_VIRT\|INFO: client 1 released: ' &&
    step '^\[supervisor\] SUPERVISOR\|INFO: gpu_virt released child 1' && dump_heads killed || ok=1
step '^\[supervisor\] SUPERVISOR\|INFO: restarting child 1 \(restart 2\)$' &&
    step '^\[crasher\] RESTART\|INFO: crasher: life 3$' && step "$crasher" && dump_heads again || ok=1
step "$steady" || ok=1
tap $ok "kill -9 of crasher mid-stream: reported, released by the virtualiser, restarted (life 3)"
stop_runner

# shellcheck disable=SC2046
set -- $(size_of "$steady")
"$EXPECT" demo 1 "${1:-0}" "${2:-0}" "$src" "$dir/expected-0.png"
# shellcheck disable=SC2046
set -- $(size_of "$crasher")
"$EXPECT" pattern "${1:-0}" "${2:-0}" "$dir/expected-1.png"
"$EXPECT" demo 3 "${1:-0}" "${2:-0}" "$src" "$dir/black-1.png"
same() {
    "$IMGCMP" "$2" "$3" "${3%.png}-diff.png" >"$dir/cmp.out" 2>&1
    rc=$?
    tap $rc "$1"
    [ "$rc" -eq 0 ] || sed 's/^/#   /' "$dir/cmp.out"
}
for when in before released after killed again; do
    same "$when: head 0 (steady) is exactly the centred image" "$dir/expected-0.png" "$dir/$when-0.png"
done
same "before: head 1 (crasher, life 1) is exactly the pattern" "$dir/expected-1.png" "$dir/before-1.png"
same "released after the SIGSEGV: head 1 is black" "$dir/black-1.png" "$dir/released-1.png"
same "after the restart: head 1 (life 2) is exactly the pattern" "$dir/expected-1.png" "$dir/after-1.png"
same "released after kill -9: head 1 is black" "$dir/black-1.png" "$dir/killed-1.png"
same "after the second restart: head 1 (life 3) is exactly the pattern" "$dir/expected-1.png" "$dir/again-1.png"

line=$(grep -E -m1 '^\[supervisor\] SUPERVISOR\|INFO: child 1 faulted: ' "$dir/out.log")
case $line in
*"VM fault at address 0x5000000, "*) tap_ok "the SIGSEGV reached the supervisor as a VM fault just past the data region" ;;
*) tap_not_ok "the SIGSEGV reached the supervisor as a VM fault just past the data region: '$line'" ;;
esac
released=$(grep -c -E '^\[gpu_virt\] GPU_VIRT\|INFO: client 1 released: [0-9]+ resources and [0-9]+ scanouts freed$' \
    "$dir/out.log")
[ "$released" -eq 2 ]
tap $? "the virtualiser released crasher twice ($released): $(grep -E 'client 1 released' "$dir/out.log" | cut -d: -f2- | tr '\n' ';')"
during=$(tail -n +"$killed_at" "$dir/out.log" | sed -n '/SUPERVISOR|INFO: restarting child 1 (restart 2)/q;p' | grep -c -E "$steady")
[ "$during" -ge 1 ]
tap $? "steady kept drawing while the killed crasher was down ($during frames)"
errs=$(grep -E '\|(ERROR|FATAL)|died|runtime error|AddressSanitizer|draw failed|SUPERVISOR\|WARN' "$dir/out.log" |
    grep -c -v -E 'crasher died: killed by signal (9|11) ')
tap "$errs" "no other errors or deaths in the output ($errs lines)"
tap_end
