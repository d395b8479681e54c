# shellcheck shell=sh
# shellcheck disable=SC2154 # dir and name are set by the caller
# Shared by the hosted checks (sourced, not run): their arguments and start-up,
# start the runner in the background, wait for lines of its output, dump the
# scanouts and compare them with example-expect's pictures, TAP.
#
# The caller sets dir (work directory, emptied here) and name (check name),
# itself or with hosted_args.

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

# hosted_args HOSTED_RUN BINDIR BACKEND SOURCE WORK_DIR: the arguments of the checks that compare pixels, as run,
# bindir, backend, src and dir.
# shellcheck disable=SC2034 # used by the caller
hosted_args() {
    run=$1
    bindir=$2
    backend=$3
    src=$4
    dir=$5
}

# hosted_start: an empty $dir, the runner stopped on exit, and src (if set: the image the build embedded, or a file
# holding its path) the image's path.
hosted_start() {
    fresh_dir
    trap stop_runner EXIT
    case ${src:-} in *.path) src=$(cat "$src") ;; esac
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

# dump_heads NAME: both scanouts dumped through the back-end's control socket, to $dir/NAME-0.png and NAME-1.png.
dump_heads() {
    "$CTL" "$dir/ctl" "dump 0 $dir/$1-0.png" >/dev/null && "$CTL" "$dir/ctl" "dump 1 $dir/$1-1.png" >/dev/null
}

# size_of REGEX [FROM_LINE]: "W H" of the first WxH in the first line of out.log, from line FROM_LINE on, that
# matches REGEX.
size_of() {
    tail -n +"${2:-0}" "$dir/out.log" | grep -E -m1 "$1" | grep -E -o '[0-9]+x[0-9]+' | head -n1 | tr x ' '
}

# check_exact KEY GOT WHAT W H DESC: one TAP line, DESC: the dump $dir/GOT equals example-expect's WHAT at WxH
# (image: the demo's centred image, state 1; pattern: multi_b's pattern), drawn to $dir/expected-KEY.png; the
# difference in diff-KEY.png, imgcmp's words in cmp-KEY.out.
check_exact() {
    if [ "$3" = image ]; then
        "$EXPECT" demo 1 "$4" "$5" "$src" "$dir/expected-$1.png"
    else
        "$EXPECT" pattern "$4" "$5" "$dir/expected-$1.png"
    fi
    "$IMGCMP" "$dir/expected-$1.png" "$dir/$2" "$dir/diff-$1.png" >"$dir/cmp-$1.out" 2>&1
    tap $? "$6"
}
