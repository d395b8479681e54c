#!/bin/sh
# e2e-conform: every row of the protocol's tables (tests/conformance) on a
# real device: the conform image's client makes each row's request through
# the virtualiser and our driver to QEMU's virtio-gpu-device and prints the
# status it got against the one docs/protocol.md promises. Each of its lines
# becomes a TAP line: "ok" and "not ok" as printed, rows the device cannot
# run (blob rows on a QEMU without blob) as "# SKIP".
#
#   QMP=... tests/qemu/e2e-conform.sh IMAGE WORK_DIR
#
# IMAGE is a qemu-platform *.elf or a Microkit loader *.img. Prints TAP;
# the console stays in WORK_DIR.
set -u
image=$1
dir=$2
name=e2e-conform
here=$(dirname "$0")
# shellcheck source=tests/qemu/e2e-lib.sh
. "$here/e2e-lib.sh"
fresh_dir

boot_or_stop "the conformance client runs every row on $platform" -t 60 -g '' -f 'qemu\|FATAL|\|ERROR:' "$image" \
    wait:'^conform: done: '

rows=$(console | grep -c -E '^conform: (ok|not ok|skip) ')
console | sed -n -E \
    -e 's/^conform: ok [0-9]+ - (.*)$/ok - \1/p' \
    -e 's/^conform: not ok [0-9]+ - (.*)$/not ok - \1/p' \
    -e 's/^conform: skip [0-9]+ - (.*)$/# SKIP \1/p' >"$dir/rows.tap"
while IFS= read -r line; do
    case $line in
    "ok - "*) tap_ok "${line#ok - }" ;;
    "not ok - "*) tap_not_ok "${line#not ok - }" ;;
    *) skips=$((skips + 1)) && echo "$line (not checked, not counted as a test)" ;;
    esac
done <"$dir/rows.tap"
summary=$(console | grep -E -m1 '^conform: done: ')
expected=$(echo "$summary" | sed -n 's/^conform: done: \([0-9]*\) passed, \([0-9]*\) failed, \([0-9]*\) skipped$/\1 \2 \3/p')
# shellcheck disable=SC2086
set -- $expected
if [ $# -eq 3 ] && [ $(($1 + $2 + $3)) -eq "$rows" ]; then
    tap_ok "every row reported once: $rows rows ('$summary')"
else
    tap_not_ok "every row reported once: $rows row lines, summary '$summary'"
fi
tap_end
