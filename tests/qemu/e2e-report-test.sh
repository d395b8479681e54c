#!/bin/sh
# qemu-e2e-report: make e2e's visual report (tools/e2e_report.c) from
# made-up records of three checks: one that passed, one with a one-pixel
# difference, a size mismatch and a skipped state, and one whose record is
# missing. Checks the diffs it writes (against hand-made ones), what the page
# says, that every picture and link on it resolves, and, in headless
# chromium, that the page's pictures load: the screenshot holds the test
# pictures' own colour, the diff's red and the frame's yellow. Prints TAP.
#
#   tests/qemu/e2e-report-test.sh E2E_REPORT IMGCMP PNGTOOL WORK_DIR
set -u
report=$1
imgcmp=$2
pngtool=$3
dir=$4
rm -rf "$dir"
mkdir -p "$dir/ok/run" "$dir/bad" "$dir/checks"
# shellcheck source=tests/qemu/imgtest-lib.sh
. "$(dirname "$0")/imgtest-lib.sh"
# 2x2 binary PPMs (ppm), turned into PNGs for the page (a browser shows no
# PPM). Pixels: (0,0) (1,0) / (0,1) (1,1); (0,0) is #3090c0, a colour
# nothing else on the page has.
ppm "$dir/a.ppm" '\060\220\300\140\140\140\220\220\220\300\300\300'
ppm "$dir/b.ppm" '\060\220\300\141\140\140\220\220\220\300\300\300'
printf 'P6\n3 2\n255\n' >"$dir/wide.ppm"
printf '%018d' 0 >>"$dir/wide.ppm"
for f in ok/a bad/a bad/b bad/wide; do
    "$pngtool" png "$dir/${f#*/}.ppm" "$dir/$f.png" || exit 1
done
# The diffs the report must write: a against itself, every pixel a's divided
# by 3; a against b, (1,0) red and the others b's divided by 3.
ppm "$dir/a-dimmed.ppm" '\020\060\100\040\040\040\060\060\060\100\100\100'
ppm "$dir/b-diff-expected.ppm" '\020\060\100\377\000\000\060\060\060\100\100\100'
echo "console" >"$dir/ok/run/console.log"
echo "log" >"$dir/checks/e2e-fake-bad.log"

tab=$(printf '\t')
line() {
    (
        IFS=$tab
        printf '%s\n' "$*"
    )
}
{
    line check e2e-fake-ok "test platform"
    line state ok "identical pictures" a.png a.png a-diff.png "exact: every pixel equal"
    line end "1 tests, 0 failed"
} >"$dir/ok/report.tsv"
{
    line check e2e-fake-bad "test platform"
    line state fail "one pixel <changed>" a.png b.png b-diff.png "imgcmp: 1 of 4 pixels differ"
    line state fail "a wider screendump" a.png wide.png wide-diff.png -
    line state skip "not offered here" - - - -
} >"$dir/bad/report.tsv"

page=$dir/index.html
desc="the page is written from three records, one of them missing"
check sh -c "'$report' '$page' checks '$dir/ok/report.tsv' '$dir/bad/report.tsv' '$dir/gone/report.tsv' >'$dir/msg' &&
    grep -q '3 checks, 4 states (2 failed)' '$dir/msg'"
desc="a passed comparison gets a diff: every pixel dimmed, none red"
check "$imgcmp" "$dir/a-dimmed.ppm" "$dir/ok/a-diff.png"
desc="a failed comparison's diff marks exactly the differing pixel"
check "$imgcmp" "$dir/b-diff-expected.ppm" "$dir/bad/b-diff.png"
desc="the page gives the differing pixels' count and box"
check grep -q '1 of 4 pixels differ, within x 1..1 y 0..0' "$page"
desc="pictures of different sizes: no diff, and the page says why"
check sh -c "! test -e '$dir/bad/wide-diff.png' && grep -q 'sizes differ: expected 2x2, screendump 3x2' '$page'"
desc="a record's text is escaped"
check grep -q 'one pixel &lt;changed&gt;' "$page"
desc="a missing record and a missing summary are said so"
check sh -c "grep -q 'no record: the check did not run' '$page' && grep -q 'no summary: the check stopped' '$page'"
desc="the skipped state is listed, without pictures"
check grep -q 'skipped</span> not offered here' "$page"
desc="logs and consoles are linked where they exist"
check sh -c "grep -q 'href=\"checks/e2e-fake-bad.log\"' '$page' && grep -q 'href=\"ok/run/console.log\"' '$page' &&
    ! grep -q 'e2e-fake-ok.log' '$page'"

# Every src= and href= (but #anchors) names a file, relative to the page.
links() {
    grep -o -E '(src|href)="[^"#][^"]*"' "$page" | sed 's/^[a-z]*="//; s/"$//' | sort -u
}
desc="every picture and link on the page resolves ($(links | wc -l) of them)"
check sh -c "cd '$dir' && for f in $(links | tr '\n' ' '); do test -f \"\$f\" || { echo \"missing: \$f\"; exit 1; }; done"

# Headless chromium: the pictures load. Their #3090c0, the diff's pure red
# and the bounding box's yellow (#ffd600) appear nowhere else on the page.
shot=$dir/screenshot.png
profile=$dir/chromium-profile
desc="headless chromium shows the page's pictures: theirs, the diff's red and the box's yellow in the screenshot"
check sh -c "timeout 60 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync --disable-dev-shm-usage \
    --force-color-profile=srgb --hide-scrollbars --user-data-dir='$profile' --window-size=1200,1400 \
    --screenshot='$shot' 'file://$(cd "$dir" && pwd)/index.html' >'$dir/chromium.out' 2>&1 &&
    own=\$('$pngtool' count '$shot' 3090c0) && red=\$('$pngtool' count '$shot' ff0000) &&
    yellow=\$('$pngtool' count '$shot' ffd600) && echo \"pixels: #3090c0 \$own, red \$red, yellow \$yellow\" &&
    test \"\$own\" -gt 4000 && test \"\$red\" -gt 1000 && test \"\$yellow\" -gt 100"
rm -rf "$profile"
echo "1..$n"
[ "$fails" -eq 0 ]
