#!/bin/sh
# hosted-device-restart: examples/multi on a two-scanout device model; once
# multi-a and multi-b have drawn, kill -9 of the back-end. The runner
# restarts it (on the driver's reset; held off by WORK_DIR/hold for a few
# of the driver's attempts, so the device is lost for a while first); the
# driver reconnects, the device recovers (epoch 1), the virtualiser and the
# clients rebuild, and both heads are again exactly what hosted-multi
# expects: head 0 the centred image, head 1 multi_b's pattern. Prints TAP.
#
#   IMGCMP=... EXPECT=... CTL=... platform/hosted/tests/device-restart.sh HOSTED_RUN BINDIR BACKEND SOURCE WORK_DIR
set -u
# shellcheck source=platform/hosted/tests/hosted-lib.sh
. "$(dirname "$0")/hosted-lib.sh"
hosted_args "$@"
name=hosted-device-restart
hosted_start

start_runner "$run" -b "$bindir" -d "[ -e $dir/hold ] && exit 0; exec $backend --fd 3 --scanouts 2 --ctl $dir/ctl" \
    examples/multi/multi.system
a='^\[multi_a\] multi-a: drew the image on its scanout 0 \(([0-9]+x[0-9]+)\): ok$'
b='^\[multi_b\] multi-b: drew the pattern on its scanout 0 \(([0-9]+x[0-9]+)\): ok$'
ok=0
for re in "$a" "$b"; do
    wait_line "$re" 20 >/dev/null || ok=1
done
tap $ok "multi-a and multi-b draw on the device model"

pid=""
for p in $(pgrep -P "$runner_pid"); do
    [ "$(basename "$(readlink "/proc/$p/exe")")" = vgpu-backend ] && pid=$p
done
: >"$dir/hold"
killed_at=$(wc -l <"$dir/out.log")
[ -n "$pid" ] && kill -9 "$pid"
tap $? "the back-end process ($pid) killed with kill -9"
ok=0
for re in '^\[gpu_driver\] GPU_DRV\|ERROR: vhost-user back-end lost' '^\[gpu_driver\] GPU_DRV\|WARN: re-initialisation failed'; do
    wait_line "$re" 5 "$killed_at" >/dev/null || ok=1
done
tap $ok "the device is lost and, while the back-end is held off, re-initialisation fails"

rm -f "$dir/hold"
held_at=$(wc -l <"$dir/out.log")
ok=0
at=$(wait_line '^\[gpu_driver\] GPU_DRV\|INFO: device recovered: epoch 1,' 20 "$held_at") || ok=1
for re in "$a" "$b"; do
    wait_line "$re" 10 "${at:-0}" >/dev/null || ok=1
done
tap $ok "the back-end restarted: the device recovers (epoch 1), multi-a and multi-b draw again"
dump_heads head
tap $? "both scanouts of the restarted back-end dumped"

# shellcheck disable=SC2046
set -- $(size_of "$a" "${at:-0}")
check_exact 0 head-0.png image "${1:-0}" "${2:-0}" \
    "after the restart, head 0 (multi_a) on ${1:-?}x${2:-?}: exactly the centred image"
# shellcheck disable=SC2046
set -- $(size_of "$b" "${at:-0}")
check_exact 1 head-1.png pattern "${1:-0}" "${2:-0}" \
    "after the restart, head 1 (multi_b) on ${1:-?}x${2:-?}: exactly the pattern"

alive=0
for pd in timer gpu_driver gpu_virt multi_a multi_b multi_c; do
    pid_of "$pd" >/dev/null || {
        echo "# $pd is gone"
        alive=1
    }
done
tap $alive "every PD is still alive"
stop_runner
bad=$(grep -E '\|FATAL|died|runtime error|AddressSanitizer|NOT refused' "$dir/out.log" | grep -c -v '^hosted|ERROR: device died')
tap "$bad" "no other deaths, fatal errors or sanitizer reports ($bad lines)"
tap_end
