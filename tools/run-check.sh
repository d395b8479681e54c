#!/bin/sh
# Run one check of `make test` and record how many tests it passed and failed.
#
#   tools/run-check.sh NAME RESULT_DIR COMMAND...
#
# The command's output goes to RESULT_DIR/NAME.log. A command that prints TAP
# lines ("ok N", "not ok N"; cmocka does with CMOCKA_MESSAGE_OUTPUT=TAP) counts
# one test per line; any other command counts as one test, passed when it
# exits 0. A command that prints TAP but exits non-zero without a "not ok"
# (a crash, a sanitizer report) counts one more failure. Lines "ok N # SKIP ..."
# and "# SKIP ..." count as skipped, and are printed. RESULT_DIR/NAME.result
# receives "PASSED FAILED SKIPPED".
name=$1
dir=$2
shift 2
mkdir -p "$dir"
log="$dir/$name.log"

start=$(date +%s)
sh -c "$*" >"$log" 2>&1
rc=$?
secs=$(($(date +%s) - start))

# TAP "ok N # SKIP" lines, and our own "# SKIP" comment lines, count as skipped, never as passed.
passed=$(grep '^ok ' "$log" | grep -vc '# SKIP')
failed=$(grep -c '^not ok ' "$log")
skipped=$(grep -Ec '^(ok .*)?# SKIP' "$log")
if [ "$passed" -eq 0 ] && [ "$failed" -eq 0 ] && [ "$skipped" -eq 0 ]; then
    if [ "$rc" -eq 0 ]; then passed=1; else failed=1; fi
elif [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
    failed=1
fi
echo "$passed $failed $skipped" >"$dir/$name.result"

skipnote=""
[ "$skipped" -gt 0 ] && skipnote=", $skipped skipped"
if [ "$failed" -eq 0 ]; then
    printf 'PASS %-32s %4d test(s) %4ds%s\n' "$name" "$passed" "$secs" "$skipnote"
    grep -E '^(ok .*)?# SKIP' "$log" | sed 's/^/    /'
else
    printf 'FAIL %-32s %4d passed, %d failed (exit %d); log: %s\n' "$name" "$passed" "$failed" "$rc" "$log"
    grep -E '^not ok |ERROR|error:|Sanitizer|FAIL' "$log" | head -n 20 | sed 's/^/    /'
    tail -n 15 "$log" | sed 's/^/    | /'
fi
exit 0
