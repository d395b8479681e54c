# shellcheck shell=sh
# shellcheck disable=SC2154 # dir, here and name are set by the caller
# Shared by the e2e-*.sh checks (sourced, not run): TAP output, booting with
# one retry for a host that was too slow, exact comparisons, and the record
# of every checked picture that make e2e's report is drawn from.
#
# The caller sets: image (what to boot), dir (work directory), here
# (tests/qemu), name (its check name), and in the environment QMP, IMGCMP (and
# EXPECT / ANIMCHECK where used). The same checks run on both platforms:
# image is a qemu-platform *.elf or a Microkit loader *.img (qemu-run.sh).

case $image in
*.img) platform="seL4 Microkit" ;;
*) platform="bare-metal qemu" ;;
esac

n=0
fails=0
skips=0
compared=0

tap_ok() {
    n=$((n + 1))
    echo "ok $n - $1"
}

tap_not_ok() {
    n=$((n + 1))
    fails=$((fails + 1))
    echo "not ok $n - $1"
}

# A state that cannot be checked here. Deliberately not an "ok" line, so the
# check runner does not count it as a passed test; visible in the log.
tap_skip() {
    skips=$((skips + 1))
    echo "# SKIP $1 (not checked, not counted as a test)"
    report_state skip "$1" - - -
}

# Indents a file as TAP diagnostics.
tap_diag() {
    sed 's/^/#   /' "$1"
}

tap_end() {
    echo "1..$n"
    summary="$n tests, $compared exact pixel comparisons, $fails failed, $skips skipped"
    echo "# $name on $platform: $summary"
    report_line end "$summary"
    [ "$fails" -eq 0 ]
}

# The record make e2e's report (tests/qemu/tools/e2e_report.c) reads:
# $dir/report.tsv, tab-separated lines
#   check NAME PLATFORM
#   state ok|fail|skip DESCRIPTION EXPECTED ACTUAL DIFF NOTE
#   end SUMMARY
# with file names relative to $dir ("-" for none). The report writes DIFF
# when the check did not (a comparison that passed).
report_line() {
    (
        IFS='	'
        printf '%s\n' "$*"
    ) >>"$dir/report.tsv"
}

# report_state ok|fail|skip DESC EXPECTED ACTUAL DIFF [NOTE]: one checked
# picture (or a skipped one); paths may be absolute or relative to $dir.
report_state() {
    report_line state "$1" "$2" "$(report_name "$3")" "$(report_name "$4")" "$(report_name "$5")" \
        "$(printf '%s\n' "${6:--}" | awk 'BEGIN { ORS = "" } NR > 1 { print "; " } { gsub(/\t/, " "); print }')"
}

report_name() {
    case $1 in
    "$dir"/*) printf '%s\n' "${1#"$dir"/}" ;;
    "") echo - ;;
    *) printf '%s\n' "$1" ;;
    esac
}

# An empty work directory $dir (anything of an earlier run removed). The
# record names the check as make test does: tests/qemu/module.mk gives check
# e2e-X the work directory $(BUILD)/e2e/X (e2e-sel4-gpu: sel4-gpu).
fresh_dir() {
    rm -rf "$dir"
    mkdir -p "$dir"
    report_line check "e2e-${dir##*/}" "$platform"
}

# source_image SOURCE: the path of the image the build embedded: SOURCE
# itself, or the path that SOURCE holds when it is a *.path file.
source_image() {
    case $1 in
    *.path) cat "$1" ;;
    *) printf '%s\n' "$1" ;;
    esac
}

# boot DESC QEMU_RUN_ARGS...: runs tests/qemu/qemu-run.sh with -d $dir/run;
# a run that failed only because the guest moved on before a screendump
# (exit 3: a host too slow to follow a one-second cadence) is retried once.
# The boot is one test; on failure the caller stops.
boot() {
    desc=$1
    shift
    for attempt in 1 2; do
        rm -rf "$dir/run"
        "$here/qemu-run.sh" -d "$dir/run" "$@" >"$dir/boot.out" 2>&1
        rc=$?
        if [ "$rc" -ne 3 ] || [ "$attempt" -eq 2 ]; then
            break
        fi
        echo "# retry: the guest moved on before a screendump; booting again:"
        tap_diag "$dir/boot.out"
    done
    if [ "$rc" -eq 0 ]; then
        tap_ok "$desc"
        tap_diag "$dir/boot.out"
        return 0
    fi
    tap_not_ok "$desc (qemu-run exit $rc)"
    tap_diag "$dir/boot.out"
    report_state fail "boot: $desc" - - - "qemu-run exit $rc: $(tail -n 3 "$dir/boot.out" | tr '\n' ' ')"
    return 1
}

# boot_or_stop DESC QEMU_RUN_ARGS...: boot; when that fails nothing else can
# be checked, so end the TAP output and exit 1.
boot_or_stop() {
    boot "$@" && return 0
    tap_end
    exit 1
}

# The console of the last boot, without carriage returns.
console() {
    tr -d '\r' <"$dir/run/console.log"
}

# Width and height ("W H") from the first console line matching ERE that
# contains WxH.
console_size() {
    console | grep -E -m1 -- "$1" | grep -E -o '[0-9]+x[0-9]+' | head -n1 | tr x ' '
}

# compare DESC EXPECTED ACTUAL: exact comparison, the diff kept beside ACTUAL.
compare() {
    compared=$((compared + 1))
    diff_png=${3%.png}-diff.png
    if "$IMGCMP" "$2" "$3" "$diff_png" >"$dir/cmp.out" 2>&1; then
        tap_ok "$1"
        report_state ok "$1" "$2" "$3" "$diff_png" "exact: every pixel equal"
        return 0
    fi
    tap_not_ok "$1"
    tap_diag "$dir/cmp.out"
    echo "#   kept: screendump $3, expected $2, diff $diff_png (if the sizes agreed)"
    report_state fail "$1" "$2" "$3" "$diff_png" "$(cat "$dir/cmp.out")"
    return 1
}

# placeholder_ok BLACK DUMP W H: DUMP of a WxH scanout is QEMU's "display not
# active" placeholder, which we do not draw ourselves: against the black
# picture BLACK it differs nowhere, or only inside the central 320x32 box
# (QEMU's one line of text). imgcmp's output stays in $dir/cmp.out.
placeholder_ok() {
    "$IMGCMP" "$1" "$2" >"$dir/cmp.out" 2>&1
    rc=$?
    [ "$rc" -eq 0 ] && return 0
    [ "$rc" -eq 1 ] || return 1
    box=$(sed -n 's/^imgcmp: [0-9]* of [0-9]* pixels differ, within x \([0-9]*\)\.\.\([0-9]*\) y \([0-9]*\)\.\.\([0-9]*\)$/\1 \2 \3 \4/p' "$dir/cmp.out")
    [ -n "$box" ] || return 1
    pw=$3
    ph=$4
    # shellcheck disable=SC2086
    set -- $box
    [ "$1" -ge $((pw / 2 - 160)) ] && [ "$2" -lt $((pw / 2 + 160)) ] && [ "$3" -ge $((ph / 2 - 16)) ] && [ "$4" -lt $((ph / 2 + 16)) ]
}

# report_base REGION: the physical address the Microkit tool gave memory
# region REGION, read from the report beside the loader image, in hex
# without leading zeros; fails unless its frames are contiguous and in order.
report_base() {
    base=""
    next=""
    for f in $(sed -n "s/^.*Page(\([0-9]*\) \([KM]\)iB): 'frame_mr_$1_[0-9]*' @ \(0x[0-9a-f]*\)$/\1\2@\3/p" \
        "$(dirname "$image")/report.txt"); do
        addr=$((${f#*@}))
        size=${f%@*}
        case $size in
        *K) size=$((${size%K} * 1024)) ;;
        *M) size=$((${size%M} * 1024 * 1024)) ;;
        esac
        [ -z "$next" ] || [ "$addr" -eq "$next" ] || return 1
        [ -n "$base" ] || base=$addr
        next=$((addr + size))
    done
    [ -n "$base" ] && printf '0x%x\n' "$base"
}

# check_paddr DESC REGION TEXT: on seL4, the address a PD printed (the 0x...
# right after the plain text TEXT on the console) is the one the report gives
# REGION: the tool patched the PD's setvar with the right value.
check_paddr() {
    want=$(report_base "$2") || want="(not contiguous in the report)"
    got=$(console | grep -F -m1 -- "$3" | sed -n "s/^.*$3\(0x[0-9a-f]*\).*$/\1/p")
    if [ -n "$got" ] && [ "$got" = "$want" ]; then
        tap_ok "$1: $2 at $got, as the Microkit report places it"
    else
        tap_not_ok "$1: $2: console says '${got:-nothing}', the report '$want'"
    fi
}
