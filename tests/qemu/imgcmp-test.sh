#!/bin/sh
# qemu-imgcmp: the exact image comparison used by the e2e tests finds a
# one-pixel difference, reports where, writes the diff image (checked
# against a hand-made one, which also exercises PNG against PPM), and
# tells size mismatches and unreadable files apart. Prints TAP.
#
#   tests/qemu/imgcmp-test.sh IMGCMP WORK_DIR
set -u
imgcmp=$1
dir=$2
mkdir -p "$dir"
# shellcheck source=tests/qemu/imgtest-lib.sh
. "$(dirname "$0")/imgtest-lib.sh"
# 2x2 binary PPMs (ppm). Pixels: (0,0) (1,0) / (0,1) (1,1).
ppm "$dir/a.ppm" '\060\060\060\140\140\140\220\220\220\300\300\300'
ppm "$dir/b.ppm" '\060\060\060\141\140\140\220\220\220\300\300\300'
# The expected diff of a against b: (1,0) red, the others b's pixels divided by 3.
ppm "$dir/diff-expected.ppm" '\020\020\020\377\000\000\060\060\060\100\100\100'
printf 'P6\n3 2\n255\n' >"$dir/wide.ppm"
printf '%018d' 0 >>"$dir/wide.ppm"

desc="identical images match"
check "$imgcmp" "$dir/a.ppm" "$dir/a.ppm"
desc="one changed pixel fails with exit 1 and its position"
check sh -c "'$imgcmp' '$dir/a.ppm' '$dir/b.ppm' '$dir/diff.png' >'$dir/msg'; test \$? -eq 1 &&
    grep -q '1 of 4 pixels differ, within x 1..1 y 0..0' '$dir/msg' &&
    grep -q 'first at (1,0): expected #606060, got #616060' '$dir/msg'"
desc="the diff image marks exactly that pixel (PNG compared with PPM)"
check "$imgcmp" "$dir/diff-expected.ppm" "$dir/diff.png"
desc="a size mismatch fails with exit 1"
check sh -c "'$imgcmp' '$dir/a.ppm' '$dir/wide.ppm' >'$dir/msg'; test \$? -eq 1 && grep -q 'size differs: expected 2x2, got 3x2' '$dir/msg'"
desc="an unreadable file fails with exit 2"
check sh -c "'$imgcmp' '$dir/a.ppm' '$dir/missing.png'; test \$? -eq 2"
echo "1..$n"
[ "$fails" -eq 0 ]
