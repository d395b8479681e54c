#!/bin/sh
# qemu-selftest: the selftest image's libc and printf checks pass inside the
# guest; its deliberate fault is reported as FATAL with the faulting address
# and QEMU powers off by itself. Also checks that qemu-run.sh fails a run
# whose expected line never comes. Prints TAP.
#
#   tests/qemu/selftest.sh IMAGE.elf WORK_DIR
set -u
image=$1
dir=$2
here=$(dirname "$0")
n=0
fails=0
result() {
    n=$((n + 1))
    if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fails=$((fails + 1)); fi
}

"$here/qemu-run.sh" -d "$dir/run" -t 30 -f 'selftest\|ERROR' "$image" \
    wait:'^selftest\|INFO: [0-9]+ checks passed, 0 failed$' \
    wait:'^qemu\|FATAL: exception 4: ESR 0x96[0-9a-f]+ ELR 0x[0-9a-f]+ FAR 0x2000000000 '
result $? "libc and printf checks pass; the fault is reported with its address"

# The runtime powers off after a fatal exception: QEMU must end by itself.
timeout 20 qemu-system-aarch64 -machine virt -cpu cortex-a53 -m 2G -nic none -display none -monitor none \
    -serial "file:$dir/poweroff.log" -no-reboot -kernel "$image"
rc=$?
[ "$rc" -eq 0 ] && grep -q 'FATAL: exception' "$dir/poweroff.log"
result $? "QEMU exits by itself after the fatal exception (exit $rc)"

"$here/qemu-run.sh" -d "$dir/never" -t 3 -f 'NO FAILURE PATTERN' "$image" wait:'^this line never comes$' >"$dir/never.out"
rc=$?
[ "$rc" -eq 1 ] && grep -q 'qemu-run: FAIL: ' "$dir/never.out"
result $? "qemu-run.sh fails a run whose expected line never comes (exit $rc)"

echo "1..$n"
[ "$fails" -eq 0 ]
