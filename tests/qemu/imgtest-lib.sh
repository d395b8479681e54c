# shellcheck shell=sh
# shellcheck disable=SC2154 # dir and desc are set by the caller
# Shared by the image tools' tests (imgcmp-test.sh, e2e-report-test.sh;
# sourced, not run): TAP checks and tiny PPM pictures. The caller sets dir
# (work directory) and, before each check, desc.

n=0
fails=0

# check CMD...: one TAP line, desc: ok when CMD succeeds; its output, indented, when it fails.
check() {
    n=$((n + 1))
    if "$@" >"$dir/out" 2>&1; then echo "ok $n - $desc"; else echo "not ok $n - $desc"; sed 's/^/#   /' "$dir/out"; fails=$((fails + 1)); fi
}

# ppm FILE BYTES: a 2x2 binary PPM; BYTES (printf escapes) are the pixels (0,0) (1,0) / (0,1) (1,1).
ppm() {
    printf 'P6\n2 2\n255\n' >"$1"
    # shellcheck disable=SC2059 # the pixels are given as printf escapes
    printf "$2" >>"$1"
}
