#!/bin/sh
# make run-hosted EXAMPLE=NAME DEVICE=model|qemu: one example on the hosted
# platform until Ctrl-C (or HOSTED_SECONDS seconds). With a display ($DISPLAY
# or $WAYLAND_DISPLAY, and HOSTED_HEADLESS unset) the device shows a window
# per scanout; otherwise it writes a PNG per changed frame under FRAMES and
# prints each path.
#
#   platform/hosted/run.sh HOSTED_RUN BINDIR BACKEND SYSTEM_FILE SCANOUTS FRAMES DEVICE
set -u
run=$1
bindir=$2
backend=$3
system=$4
scanouts=$5
frames=$6
device=$7

if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ -z "${HOSTED_HEADLESS:-}" ]; then
    out="--sdl 1"
    echo "run-hosted: a window per scanout (set HOSTED_HEADLESS=1 for PNG frames instead)"
else
    rm -rf "$frames"
    mkdir -p "$frames"
    out="--png $frames"
    echo "run-hosted: no display: a PNG per changed frame under $frames"
fi
case $device in
model) dev="$backend --fd 3 --scanouts $scanouts $out" ;;
*)
    echo "run-hosted: DEVICE=$device: only DEVICE=model exists so far (QEMU's vhost-user-gpu is not wired up yet)"
    exit 2
    ;;
esac
set -- -b "$bindir" -d "$dev"
[ -n "${HOSTED_SECONDS:-}" ] && set -- "$@" -t "$HOSTED_SECONDS"
exec "$run" "$@" "$system"
