#!/bin/sh
# Boot a qemu-platform image in qemu-system-aarch64 and follow it.
#
#   tests/qemu/qemu-run.sh [options] IMAGE [STEP...]
#
# IMAGE is a qemu-platform image (*.elf, loaded with -kernel on virt at EL1)
# or a Microkit loader image (*.img, from the SDK's microkit tool: virt with
# virtualization=on, so that seL4 runs at EL2, and the loader placed at
# 0x70000000 as the SDK's board expects).
#
# Headless (the default): QEMU runs in the background with its console in
# DIR/console.log and QMP on DIR/qmp.sock; the STEPs run in order:
#
#   wait:ERE           wait for a console line matching the extended regex ERE,
#                      after the line the previous wait matched
#   seen:ERE           wait for a console line matching ERE anywhere since boot
#                      (for lines whose order is not fixed); does not move the
#                      position of the next wait:
#   dump:FILE          QMP screendump of the GPU's head 0 as PNG into FILE;
#                      the guest is paused (QMP stop/cont) around it, so its
#                      clock and its devices stand still while QEMU draws
#   dump:FILE@HEAD     ... of head HEAD (needs a GPU with max_outputs > HEAD)
#   resize:WxH[@HEAD]  a display change on head HEAD (default 0; needs -r):
#                      with the guest paused, tools' vnc_resize asks HEAD's
#                      VNC server for size WxH (0x0: no display), as a
#                      viewer's window resize does; QEMU passes it to the
#                      GPU, which tells the guest once it runs again; -n
#                      applies as for dump:
#   sleep:SECONDS      pause (prefer wait: steps)
#
# then QEMU is stopped. Exit 0 when every step succeeded; otherwise exit 1
# (3 for a moved-on dump, see -n) with "qemu-run: FAIL: ..." and the
# console's last lines. A console line matching the failure pattern fails
# the run at once.
#
# Options:
#   -d DIR        work directory (default: a new one under ${TMPDIR:-/tmp})
#   -t SECONDS    time limit for the whole run (default 60)
#   -g OPTS       add a virtio-gpu-device (modern interface), id "gpu", with
#                 ",OPTS" appended when OPTS is not empty (e.g. max_outputs=2)
#   -f ERE        failure pattern (default: 'qemu\|FATAL|\|ERROR:')
#   -n ERE        moved-on pattern: a dump (or resize) fails with exit 3 when, with the
#                 guest paused, a console line after the last wait: match
#                 already matches ERE (the guest has gone on to its next
#                 state, so the dump may show that one: a host too slow)
#   -q QMP        the qmp tool (default: build/tests/qemu/qmp or $QMP)
#   -r HEADS      a VNC server on a unix socket (DIR/vnc-HEAD.sock) for each
#                 GPU head in the comma-separated list, for resize: steps
#   -a ARGS       extra QEMU arguments (word-split)
#   -i            interactive: QEMU in the foreground with the console on
#                 stdio (Ctrl-a x quits); a window when $DISPLAY is set.
#                 Steps are not allowed.
#
# Environment: QEMU (default qemu-system-aarch64), VNC_RESIZE (default
# build/tests/qemu/vnc_resize).
set -u

dir=""
limit=60
gpu=""
with_gpu=0
fail_re='qemu\|FATAL|\|ERROR:'
next_re=""
qmp=${QMP:-build/tests/qemu/qmp}
extra=""
vnc_heads=""
vnc_resize=${VNC_RESIZE:-build/tests/qemu/vnc_resize}
interactive=0
qemu=${QEMU:-qemu-system-aarch64}

usage() {
    sed -n '2,/^set -u/p' "$0" | sed -e 's/^# \{0,1\}//' -e '/^set -u/d' >&2
    exit 2
}

while getopts d:t:g:f:n:q:r:a:ih opt; do
    case $opt in
    d) dir=$OPTARG ;;
    t) limit=$OPTARG ;;
    g) with_gpu=1; gpu=$OPTARG ;;
    f) fail_re=$OPTARG ;;
    n) next_re=$OPTARG ;;
    q) qmp=$OPTARG ;;
    r) vnc_heads=$(echo "$OPTARG" | tr ',' ' ') ;;
    a) extra=$OPTARG ;;
    i) interactive=1 ;;
    *) usage ;;
    esac
done
shift $((OPTIND - 1))
[ $# -ge 1 ] || usage
image=$1
shift
[ -f "$image" ] || { echo "qemu-run: FAIL: no image $image"; exit 1; }

gpu_args=""
if [ "$with_gpu" -eq 1 ]; then
    gpu_args="-global virtio-mmio.force-legacy=false -device virtio-gpu-device,id=gpu${gpu:+,$gpu}"
fi
# -nic none: virt adds a network card by default, whose boot ROM (Debian's
# ipxe-qemu, only a Recommends of qemu-system-arm) a fresh machine lacks.
case $image in
*.img)
    loader="-device loader,file=$image,addr=0x70000000,cpu-num=0"
    base_args="-machine virt,virtualization=on -cpu cortex-a53 -m 2G -smp 1 -nic none -no-reboot $loader"
    ;;
*) base_args="-machine virt -cpu cortex-a53 -m 2G -smp 1 -nic none -no-reboot -kernel $image" ;;
esac

if [ "$interactive" -eq 1 ]; then
    [ $# -eq 0 ] || usage
    display="-nographic"
    [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && display="-serial mon:stdio"
    echo "qemu-run: $qemu $base_args $gpu_args $display $extra"
    # shellcheck disable=SC2086
    exec $qemu $base_args $gpu_args $display $extra
fi

if [ -z "$dir" ]; then
    dir=$(mktemp -d "${TMPDIR:-/tmp}/qemu-run.XXXXXX")
fi
mkdir -p "$dir"
log=$dir/console.log
sock=$dir/qmp.sock
rm -f "$log" "$sock"
: >"$log"

vnc_args=""
for h in $vnc_heads; do
    [ "$with_gpu" -eq 1 ] || { echo "qemu-run: FAIL: -r needs a GPU (-g)"; exit 1; }
    rm -f "$dir/vnc-$h.sock"
    vnc_args="$vnc_args -vnc unix:$dir/vnc-$h.sock,id=vnc$h,display=gpu,head=$h"
done

start=$(date +%s)
# shellcheck disable=SC2086
$qemu $base_args $gpu_args -display none -monitor none -serial "file:$log" \
    -qmp "unix:$sock,server=on,wait=off" $vnc_args $extra >"$dir/qemu.out" 2>&1 &
qemu_pid=$!

stop_qemu() {
    if kill -0 "$qemu_pid" 2>/dev/null; then
        kill "$qemu_pid" 2>/dev/null
        wait "$qemu_pid" 2>/dev/null
    fi
}
trap stop_qemu EXIT INT TERM

fail_code=1
fail() {
    echo "qemu-run: FAIL: $*"
    echo "qemu-run: console ($log), last lines:"
    tail -n 20 "$log" | tr -d '\r' | sed 's/^/    | /'
    if [ -s "$dir/qemu.out" ]; then
        echo "qemu-run: QEMU said:"
        sed 's/^/    | /' "$dir/qemu.out"
    fi
    exit "$fail_code"
}

elapsed() {
    echo $(($(date +%s) - start))
}

check_console() {
    if tr -d '\r' <"$log" | grep -q -E -- "$fail_re"; then
        fail "console matches the failure pattern '$fail_re': $(tr -d '\r' <"$log" | grep -E -m1 -- "$fail_re")"
    fi
}

# Whether QEMU is still running is left to the caller: the wait loops note it
# before they read the console, so that a machine that powered off right
# after its last line is not failed before that line is read.
check_health() {
    check_console
    [ "$(elapsed)" -lt "$limit" ] || fail "time limit of ${limit}s reached $1"
}

seen=0
wait_for() {
    while :; do
        # Whether QEMU is still running, noted before reading the console, so
        # that the last lines of a machine that powered off are still seen.
        alive=1
        kill -0 "$qemu_pid" 2>/dev/null || alive=0
        n=$(tail -n "+$((seen + 1))" "$log" | tr -d '\r' | grep -n -E -m1 -- "$1" | cut -d: -f1)
        if [ -n "$n" ]; then
            seen=$((seen + n))
            echo "qemu-run: $(elapsed)s: $(sed -n "${seen}p" "$log" | tr -d '\r')"
            return 0
        fi
        [ "$alive" -eq 1 ] || fail "QEMU exited after $(elapsed)s, waiting for '$1'"
        check_health "waiting for '$1'"
        sleep 0.1
    done
}

seen_anywhere() {
    while :; do
        alive=1
        kill -0 "$qemu_pid" 2>/dev/null || alive=0
        line=$(tr -d '\r' <"$log" | grep -E -m1 -- "$1")
        if [ -n "$line" ]; then
            echo "qemu-run: $(elapsed)s: seen: $line"
            return 0
        fi
        [ "$alive" -eq 1 ] || fail "QEMU exited after $(elapsed)s, waiting to see '$1'"
        check_health "waiting to see '$1'"
        sleep 0.1
    done
}

qmp_cmd() {
    "$qmp" "$sock" "{\"execute\":\"$1\"}" 10 >/dev/null || fail "QMP $1 failed"
}

# With the guest paused: fail (exit 3) if it has already printed a line
# matching the moved-on pattern after the last wait: match.
check_not_moved_on() {
    [ -n "$next_re" ] || return 0
    later=$(tail -n "+$((seen + 1))" "$log" | tr -d '\r' | grep -E -m1 -- "$next_re")
    if [ -n "$later" ]; then
        fail_code=3
        fail "the guest had moved on before the screendump ('$later'): host too slow?"
    fi
}

dump() {
    file=${1%@*}
    head=0
    case $1 in *@*) head=${1##*@} ;; esac
    [ "$with_gpu" -eq 1 ] || fail "dump:$1 needs a GPU (-g)"
    case $file in /*) ;; *) file=$(pwd)/$file ;; esac
    rm -f "$file"
    paused=0
    if kill -0 "$qemu_pid" 2>/dev/null; then
        qmp_cmd stop
        paused=1
    fi
    check_not_moved_on
    reply=$("$qmp" "$sock" "{\"execute\":\"screendump\",\"arguments\":{\"filename\":\"$file\",\"format\":\"png\",\"device\":\"gpu\",\"head\":$head}}" 10) ||
        fail "screendump of head $head into $file: $reply"
    [ "$paused" -eq 0 ] || qmp_cmd cont
    [ -s "$file" ] || fail "screendump wrote no $file"
    echo "qemu-run: $(elapsed)s: screendump head $head -> $file"
}

# resize WxH[@HEAD]: the display change, requested with the guest paused so
# that it reaches the guest in the state it is in now (its clock stands still).
resize() {
    size=${1%@*}
    head=0
    case $1 in *@*) head=${1##*@} ;; esac
    case " $vnc_heads " in *" $head "*) ;; *) fail "resize:$1 needs -r with head $head" ;; esac
    qmp_cmd stop
    check_not_moved_on
    out=$("$vnc_resize" "$dir/vnc-$head.sock" "$size" 10 2>&1) || fail "resize of head $head to $size: $out"
    qmp_cmd cont
    echo "qemu-run: $(elapsed)s: $out (head $head)"
}

for step in "$@"; do
    case $step in
    wait:*) wait_for "${step#wait:}" ;;
    seen:*) seen_anywhere "${step#seen:}" ;;
    dump:*) dump "${step#dump:}" ;;
    resize:*) resize "${step#resize:}" ;;
    sleep:*)
        sleep "${step#sleep:}"
        check_health "after $step"
        kill -0 "$qemu_pid" 2>/dev/null || fail "QEMU exited after $(elapsed)s"
        ;;
    *) fail "unknown step '$step'" ;;
    esac
done
# QEMU may have powered off after the last expected line; that is not a failure.
check_console
echo "qemu-run: PASS after $(elapsed)s ($# steps); console in $log"
exit 0
