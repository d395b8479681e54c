#!/bin/sh
# qemu-ping: boot the platform's own example (platform/qemu/examples/ping)
# and check, in console order, Microkit's semantics on the qemu platform:
# init() by priority, the timer PD (drivers/timer/arm) ticking once a
# second, a notify to a
# higher-priority PD running it before sddf_notify() returns, deferred
# notifications sent once per handler, setvar values from the layout.
# Prints TAP.
#
#   tests/qemu/ping.sh IMAGE.elf SDFGEN SYSTEM_FILE WORK_DIR
set -u
image=$1
sdfgen=$2
system=$3
dir=$4
here=$(dirname "$0")

shared=$("$sdfgen" "$system" layout | awk '$1 == "shared" { split($2, r, "-"); print r[1] }')
shared=$(printf '0x%x' "$shared")

set -- wait:'^qemu: sddf-gpu qemu platform, 4 protection domains' \
    wait:'^pong\|INFO: init \(priority 150\)' \
    wait:"^pong\\|INFO: config: shared region at $shared, ping on channel 5\$" \
    wait:'^ticker\|INFO: init \(priority 100\)' \
    wait:"^ping\\|INFO: shared region at $shared size 0x1000 \\(header $shared\\) uart 0x9000000\$"
for r in 1 2 3; do
    set -- "$@" wait:"^ticker\\|INFO: tick $r\$" \
        wait:"^ping\\|INFO: round $r: notify pong\$" \
        wait:"^pong\\|INFO: got $r\$" \
        wait:"^ping\\|INFO: round $r: notify returned\$" \
        wait:"^ping\\|INFO: round $r: pong answered $((r * r))\$"
done
set -- "$@" wait:'^ping\|INFO: done$'

n=0
fails=0
result() {
    n=$((n + 1))
    if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fails=$((fails + 1)); fi
}

start=$(date +%s)
"$here/qemu-run.sh" -d "$dir" -t 30 "$image" "$@"
result $? "console shows init by priority, ticks, preemption by pong, deferred answers (in order)"
secs=$(($(date +%s) - start))
echo "# boot to round 3 took ${secs}s"

log=$dir/console.log
answers=$(tr -d '\r' <"$log" | grep -c '^ping|INFO: round 1: pong answered')
[ "$answers" -eq 1 ]
result $? "two deferred notifies in one handler arrive as one notification ($answers)"

first_tick=$(tr -d '\r' <"$log" | grep -n -m1 '^ticker|INFO: tick 1$' | cut -d: -f1)
init_done=$(tr -d '\r' <"$log" | grep -n -m1 '^ping|INFO: shared region' | cut -d: -f1)
[ -n "$first_tick" ] && [ -n "$init_done" ] && [ "$init_done" -lt "$first_tick" ]
result $? "every init() ran before the first notification"

# Three ticks should take about three seconds of guest time; allow for a slow, shared host.
[ "$secs" -ge 2 ] && [ "$secs" -le 25 ]
result $? "three one-second ticks took ${secs}s of wall time (2..25)"

echo "1..$n"
[ "$fails" -eq 0 ]
