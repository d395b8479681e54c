#!/bin/sh
# e2e-logmix: tests/logmix's two PDs print 1000 lines each at once; every
# line must reach the console whole. On seL4 they share a priority and the
# kernel round-robins them mid-output, which broke lines apart while each PD
# wrote its characters to the kernel itself (docs/decisions.md, "Whole console
# lines on seL4"). Checks: each PD's 1000 lines and its last line, each whole
# and once; no other text from the first such line on.
#
#   QMP=... tests/qemu/e2e-logmix.sh IMAGE WORK_DIR
#
# IMAGE is a qemu-platform *.elf or a Microkit loader *.img. Prints TAP; the
# console stays in WORK_DIR.
set -u
image=$1
dir=$2
name=e2e-logmix
here=$(dirname "$0")
# shellcheck source=tests/qemu/e2e-lib.sh
. "$here/e2e-lib.sh"
fresh_dir

lines=1000
whole='^LOGMIX\|INFO: mix_[ab]: (line [0-9]{4} of 1000: (0123456789){10}|done, 1000 lines)$'
# Not boot_or_stop: a broken last line fails the boot, and the console still says how.
boot "mix_a and mix_b print $lines lines each at once on $platform" -t 60 -g '' -f 'qemu\|FATAL|\|ERROR:' "$image" \
    seen:'^LOGMIX\|INFO: mix_a: done, 1000 lines$' seen:'^LOGMIX\|INFO: mix_b: done, 1000 lines$'

for pd in mix_a mix_b; do
    got=$(console | grep -E "^LOGMIX\|INFO: $pd: line [0-9]{4} of 1000: (0123456789){10}$" | sort -u | wc -l)
    done_lines=$(console | grep -c -E "^LOGMIX\|INFO: $pd: done, 1000 lines$")
    if [ "$got" -eq "$lines" ] && [ "$done_lines" -eq 1 ]; then
        tap_ok "$pd: all $lines lines and its last line arrived whole"
    else
        tap_not_ok "$pd: $got of $lines lines whole, its last line whole $done_lines time(s)"
    fi
done
console | sed -n '/LOGMIX/,$p' | grep -v -E "$whole" >"$dir/broken.txt"
broken=$(wc -l <"$dir/broken.txt")
if [ "$broken" -eq 0 ]; then
    tap_ok "no line broken: nothing but whole LOGMIX lines from the first one on"
else
    tap_not_ok "no line broken: $broken console lines are pieces of others (kept in $dir/broken.txt), e.g.:"
    head -n 3 "$dir/broken.txt" | sed 's/^/#   /'
fi
tap_end
