#!/bin/sh
# Add up the results of every check `make test` ran and print the one-line
# summary "N passed, N failed" (", K skipped" when tests were skipped).
# Fails when a test failed or a check left no result (a check that did not
# run is not a pass).
#
#   tools/test-summary.sh RESULT_DIR CHECK...
dir=$1
shift
passed=0
failed=0
skipped=0
for name in "$@"; do
    if [ -f "$dir/$name.result" ]; then
        read -r p f k <"$dir/$name.result"
    else
        echo "FAIL $name: no result (the check did not run)"
        p=0
        f=1
        k=0
    fi
    passed=$((passed + p))
    failed=$((failed + f))
    skipped=$((skipped + ${k:-0}))
done
if [ "$skipped" -gt 0 ]; then
    echo "$passed passed, $failed failed, $skipped skipped"
else
    echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
