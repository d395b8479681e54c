# shellcheck shell=sh
# shellcheck disable=SC2154 # dir and name are set by the caller
# Shared by the hosted checks (sourced, not run): start the runner in the
# background, wait for lines of its output, TAP.
#
# The caller sets dir (work directory, emptied here) and name (check name).

n=0
fails=0
runner_pid=""

tap_ok() {
    n=$((n + 1))
    echo "ok $n - $1"
}

tap_not_ok() {
    n=$((n + 1))
    fails=$((fails + 1))
    echo "not ok $n - $1"
}

# tap RC DESC: ok when RC is 0.
tap() {
    if [ "$1" -eq 0 ]; then tap_ok "$2"; else tap_not_ok "$2"; fi
}

tap_end() {
    echo "1..$n"
    echo "# $name: $n tests, $fails failed"
    [ "$fails" -eq 0 ]
}

fresh_dir() {
    rm -rf "$dir"
    mkdir -p "$dir"
}

# start_runner ARGS...: hosted-run in the background, everything it prints in $dir/out.log.
start_runner() {
    : >"$dir/out.log"
    "$@" >>"$dir/out.log" 2>&1 &
    runner_pid=$!
}

stop_runner() {
    if [ -n "$runner_pid" ]; then
        kill "$runner_pid" 2>/dev/null
        wait "$runner_pid" 2>/dev/null
        runner_pid=""
    fi
}

# wait_line REGEX [SECONDS [FROM_LINE]]: waits until a line of out.log after line FROM_LINE (default 0)
# matches the extended REGEX; prints the number of the first such line. Fails on timeout or when the
# runner has ended.
wait_line() {
    limit=$(($(date +%s) + ${2:-20}))
    from=${3:-0}
    while :; do
        hit=$(tail -n +"$((from + 1))" "$dir/out.log" | grep -n -E -m1 -e "$1" | cut -d: -f1)
        if [ -n "$hit" ]; then
            echo $((hit + from))
            return 0
        fi
        if [ "$(date +%s)" -ge "$limit" ] || ! kill -0 "$runner_pid" 2>/dev/null; then
            echo "# timed out waiting for: $1" >&2
            return 1
        fi
        sleep 0.05
    done
}

# pid_of PD: the process id of the PD's process (a child of the runner running BINDIR/PD).
pid_of() {
    for p in $(pgrep -P "$runner_pid"); do
        if [ "$(basename "$(readlink "/proc/$p/exe")")" = "$1" ]; then
            echo "$p"
            return 0
        fi
    done
    return 1
}

# Lines of out.log matching REGEX.
count_lines() {
    grep -c -E -e "$1" "$dir/out.log"
}
