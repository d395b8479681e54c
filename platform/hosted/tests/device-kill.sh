#!/bin/sh
# hosted-device-kill: kill -9 of the device back-end (vgpu-backend) while
# examples/anim is presenting as fast as it can. Checks that the runner
# reports the device's end; that the driver sees the loss at once (the dead
# socket is a source of its irq), reports the device lost and faults it
# instead of hanging; that every request in flight and after is answered
# (anim prints failed presents, its rate lines go on at 0 frames/s); that
# the driver keeps retrying; and that every PD is still alive. The runner
# restarts a back-end that has ended whenever the driver resets the device;
# while the file WORK_DIR/hold exists the back-end's command exits at once
# (the device stays lost, each attempt fails), so the loss is seen first.
# Then the hold is lifted: the driver's next attempt reconnects, the device
# recovers (epoch 1) and anim presents again. hosted-device-restart checks
# the pixels after such a recovery. Prints TAP.
#
#   platform/hosted/tests/device-kill.sh HOSTED_RUN BINDIR BACKEND WORK_DIR
set -u
run=$1
bindir=$2
backend=$3
dir=$4
name=hosted-device-kill
# shellcheck source=platform/hosted/tests/hosted-lib.sh
. "$(dirname "$0")/hosted-lib.sh"
hosted_start

# The back-end process of this run: a child (or, through sh -c, a grandchild) of the runner.
backend_pid() {
    for p in $(pgrep -P "$runner_pid") $(for c in $(pgrep -P "$runner_pid"); do pgrep -P "$c"; done); do
        [ "$(basename "$(readlink "/proc/$p/exe")")" = vgpu-backend ] && echo "$p" && return 0
    done
    return 1
}

start_runner "$run" -b "$bindir" -d "[ -e $dir/hold ] && exit 0; exec $backend --fd 3" examples/anim/anim.system
rate='^\[anim\] anim: [0-9]+ frames/s \([0-9]+ frames in all\)$'
at=$(wait_line "$rate" 20)
tap $? "the animation runs on the device model"
pid=$(backend_pid)
: >"$dir/hold"
killed_at=$(wc -l <"$dir/out.log") # before the kill: what it causes is printed after this line
[ -n "$pid" ] && kill -9 "$pid"
tap $? "the back-end process ($pid) killed with kill -9"

ok=0
for re in '^hosted\|ERROR: device died' '^\[gpu_driver\] GPU_DRV\|ERROR: vhost-user back-end lost \(connection closed' \
    '^\[gpu_driver\] GPU_DRV\|WARN: device fault: '; do
    wait_line "$re" 3 "$killed_at" >/dev/null || ok=1
done
tap $ok "within 3 s: the device's end reported, the driver reports the back-end lost and faults the device"

wait_line '^\[anim\] anim: present failed: ' 5 "$killed_at" >/dev/null
tap $? "the request in flight is answered: anim reports a failed present"
at=$(wait_line '^\[gpu_driver\] GPU_DRV\|INFO: re-initialising the device' 8 "$killed_at") &&
    at=$(wait_line "^\\[anim\\] anim: 0 frames/s" 5 "$at") && at=$(wait_line "^\\[anim\\] anim: 0 frames/s" 5 "$at")
tap $? "no hang: the driver retries on its ticks, anim's rate lines go on (0 frames/s)"

rm -f "$dir/hold"
held_at=$(wc -l <"$dir/out.log")
at=$(wait_line '^\[gpu_driver\] GPU_DRV\|INFO: vhost-user back-end reconnected' 20 "$held_at") &&
    at=$(wait_line '^\[gpu_driver\] GPU_DRV\|INFO: device recovered: epoch 1,' 5 "$at") &&
    at=$(wait_line '^\[anim\] anim: [1-9][0-9]* frames/s' 5 "$at")
tap $? "the back-end restarted: the driver reconnects on its next attempt, the device recovers, anim presents again"

alive=0
for pd in timer gpu_driver gpu_virt anim; do
    pid_of "$pd" >/dev/null || {
        echo "# $pd is gone"
        alive=1
    }
done
tap $alive "every PD is still alive"
stop_runner
bad=$(grep -E '\|FATAL|died|runtime error|AddressSanitizer' "$dir/out.log" | grep -c -v '^hosted|ERROR: device died')
tap "$bad" "no other deaths, fatal errors or sanitizer reports ($bad lines)"
tap_end
