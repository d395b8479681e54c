#!/bin/sh
# One check of `make test`: every Microkit example builds in one board,
# config and toolchain. Prints TAP, one line per example, with the size of
# its loader image; the build output of a failure follows as diagnostics.
#
#   platform/microkit/build-all.sh MAKE OUT_DIR MAKE_ARGS... -- EXAMPLE...
#
# OUT_DIR is the build directory of that board, config and toolchain
# ($(BUILD)/microkit/BOARD-CONFIG-TOOLCHAIN); MAKE_ARGS select them.
set -u
mkdir -p "$(dirname "$2")"
make=$1
out=$2
shift 2
args=""
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
    args="$args $1"
    shift
done
shift
n=0
fails=0
for ex in "$@"; do
    n=$((n + 1))
    img=$out/$ex/loader.img
    # shellcheck disable=SC2086 # args are make variable assignments without spaces
    if "$make" --no-print-directory $args "$img" >"$out.$ex.log" 2>&1; then
        echo "ok $n - $ex: $img ($(wc -c <"$img") bytes)"
    else
        fails=$((fails + 1))
        echo "not ok $n - $ex: $img did not build ($args)"
        grep -E "error:|Error|\*\*\*" "$out.$ex.log" | tail -n 10 | sed "s/^/#   /"
        echo "#   full output: $out.$ex.log"
    fi
done
echo "1..$n"
[ "$fails" -eq 0 ]
