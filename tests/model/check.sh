#!/bin/sh
# Model-check a Promela model with spin and report in TAP.
#
#   tests/model/check.sh pass|fail MODEL OUTDIR [SPIN_DEFINE...]
#
# pass: the model must verify. First a safety search (assertions and invalid
#       end states, i.e. deadlocks) with no never claim; then, for every `ltl`
#       property in the model, a search for acceptance cycles. Each must end
#       with "errors: 0" and must not be cut short (search depth, memory).
# fail: the model is a deliberately broken twin: the safety search (breadth
#       first) must find an error. The shortest counterexample is replayed
#       into the output.
#
# SPIN_DEFINE arguments (-DNAME or -DNAME=VALUE) go to spin's preprocessor.
# MODEL, and every .pml file beside it (for #include), are copied into OUTDIR,
# where spin and pan write all their files (pan.c, pan, the trail).
set -u

if [ $# -lt 3 ]; then
    echo "usage: $0 pass|fail MODEL OUTDIR [-DNAME[=VALUE]...]" >&2
    exit 2
fi
mode=$1
model=$2
outdir=$3
shift 3
defines="$*"
name=$(basename "$model")
what="$name${defines:+ ($defines)}"

mkdir -p "$outdir" || exit 1
cp "$(dirname "$model")"/*.pml "$outdir"/ || exit 1
cd "$outdir" || exit 1
rm -f pan pan.* ./*.trail

# shellcheck disable=SC2086 # the defines are separate words on purpose
if ! spin $defines -a "$name" >spin.log 2>&1; then
    cat spin.log
    echo "not ok - spin -a $what"
    exit 1
fi

# run_pan LOG ARGS...: run ./pan, keep its output in LOG and on stdout.
run_pan() {
    log=$1
    shift
    ./pan "$@" >"$log" 2>&1
    cat "$log"
}

# incomplete LOG: did the search stop early?
incomplete() {
    grep -qiE 'max search depth too small|out of memory|reached -DMEMLIM|search not completed' "$1"
}

errors() {
    sed -n 's/.*errors: \([0-9][0-9]*\).*/\1/p' "$1" | tail -n 1
}

# A broken model is searched breadth-first, so that its counterexample is a shortest one.
search=-DSAFETY
[ "$mode" = fail ] && search=-DBFS
if ! gcc -O2 -DNOCLAIM $search -o pan pan.c; then
    echo "not ok - compile pan for $what"
    exit 1
fi
run_pan safety.log -m200000 -w22
n=$(errors safety.log)

if [ "$mode" = fail ]; then
    if [ -n "$n" ] && [ "$n" -gt 0 ]; then
        echo "# counterexample (a shortest trail):"
        # shellcheck disable=SC2086
        spin $defines -t -p -g "$name" 2>&1 | tail -n 150 | sed 's/^/#   /'
        echo "ok - spin rejects $what: $(grep -m1 '^pan:1:' safety.log)"
        exit 0
    fi
    echo "not ok - spin found no error in $what, which is meant to be broken"
    exit 1
fi

if [ "$n" != 0 ] || incomplete safety.log; then
    # shellcheck disable=SC2086
    [ -f "$name.trail" ] && spin $defines -t -p -g "$name" 2>&1 | tail -n 40 | sed 's/^/#   /'
    echo "not ok - safety of $what (errors: ${n:-none reported})"
    exit 1
fi
echo "ok - safety of $what: no assertion violation, no invalid end state"

status=0
# spin -a lists each ltl property as "ltl NAME: formula"; names are single words.
# shellcheck disable=SC2013
for prop in $(sed -n 's/^ltl \([A-Za-z_][A-Za-z0-9_]*\):.*/\1/p' spin.log); do
    if ! gcc -O2 -o pan pan.c; then
        echo "not ok - compile pan for $what"
        exit 1
    fi
    run_pan "ltl-$prop.log" -a -N "$prop" -m200000 -w22
    n=$(errors "ltl-$prop.log")
    if [ "$n" != 0 ] || incomplete "ltl-$prop.log"; then
        # shellcheck disable=SC2086
        [ -f "$name.trail" ] && spin $defines -t -p -g "$name" 2>&1 | tail -n 40 | sed 's/^/#   /'
        echo "not ok - ltl $prop of $what (errors: ${n:-none reported})"
        status=1
    else
        echo "ok - ltl $prop of $what holds"
    fi
done
exit $status
