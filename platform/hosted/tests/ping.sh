#!/bin/sh
# hosted-ping: the qemu platform's ping example (platform/qemu/examples/ping)
# as Linux processes. Checks, in output order, the semantics that
# platform/qemu documents and the hosted runner promises: init() by
# priority before any notification, the timer's one-second tick, a notify to
# a higher-priority PD running it before sddf_notify() returns, two deferred
# notifies in one handler arriving as one, setvar values (the map's vaddr,
# the layout's address for region_paddr), every line prefixed with its PD.
# Then kill -9 of pong: reported with its name and signal, and the others keep
# running. Prints TAP.
#
#   platform/hosted/tests/ping.sh HOSTED_RUN BINDIR SYSTEM_FILE SDFGEN WORK_DIR
set -u
run=$1
bindir=$2
system=$3
sdfgen=$4
dir=$5
name=hosted-ping
# shellcheck source=platform/hosted/tests/hosted-lib.sh
. "$(dirname "$0")/hosted-lib.sh"
hosted_start

uart=$("$sdfgen" "$system" layout | awk '$1 == "uart" { split($2, r, "-"); print r[1] }')
uart=$(printf '0x%x' "$uart")

start_runner "$run" -b "$bindir" "$system"
ok=0
at=0
for re in '^hosted\|INFO: .*: 4 protection domains' \
    '^\[pong\] pong\|INFO: init \(priority 150\), shared region at 0x5000000$' \
    '^\[pong\] pong\|INFO: config: shared region at 0x5000000, ping on channel 5$' \
    '^\[ticker\] ticker\|INFO: init \(priority 100\)' \
    "^\\[ping\\] ping\\|INFO: shared region at 0x4000000 size 0x1000 \\(header 0x4000000\\) uart $uart\$"; do
    at=$(wait_line "$re" 10 "$at") || ok=1
done
tap $ok "init() by priority, setvars from the description (map vaddrs, uart at $uart)"

ok=0
for r in 1 2 3; do
    for re in "^\\[ticker\\] ticker\\|INFO: tick $r\$" "^\\[ping\\] ping\\|INFO: round $r: notify pong\$" \
        "^\\[pong\\] pong\\|INFO: got $r\$" "^\\[ping\\] ping\\|INFO: round $r: notify returned\$" \
        "^\\[ping\\] ping\\|INFO: round $r: pong answered $((r * r))\$"; do
        at=$(wait_line "$re" 5 "$at") || ok=1
    done
done
tap $ok "three ticks; each notify to pong (higher priority) ran pong before it returned; answers in order"

answers=$(count_lines '^\[ping\] ping\|INFO: round 1: pong answered')
[ "$answers" -eq 1 ]
tap $? "two deferred notifies in one handler arrive as one notification ($answers)"

first_tick=$(grep -n -m1 '^\[ticker\] ticker|INFO: tick 1$' "$dir/out.log" | cut -d: -f1)
init_done=$(grep -n -m1 '^\[ping\] ping|INFO: shared region' "$dir/out.log" | cut -d: -f1)
[ -n "$first_tick" ] && [ -n "$init_done" ] && [ "$init_done" -lt "$first_tick" ]
tap $? "every init() ran before the first notification"

pong=$(pid_of pong)
kill -9 "$pong"
at=$(wait_line '^hosted\|ERROR: pong died: killed by signal 9' 5 "$at")
tap $? "kill -9 of pong is reported with its name and signal"
at=$(wait_line '^\[ping\] ping\|INFO: round [0-9]+: notify returned$' 5 "$at") &&
    at=$(wait_line '^\[ticker\] ticker\|INFO: tick [0-9]+$' 5 "$at") &&
    at=$(wait_line '^\[ping\] ping\|INFO: round [0-9]+: notify returned$' 5 "$at")
tap $? "the other PDs keep running: two more ticks, ping's notifies to the dead pong return"
stop_runner
errs=$(grep -E 'ERROR|FATAL' "$dir/out.log" | grep -c -v 'pong died')
[ "$errs" -eq 0 ]
tap $? "no other errors in the output ($errs)"
tap_end
