#!/bin/sh
# make run-hosted EXAMPLE=NAME DEVICE=model|qemu: one example on the hosted
# platform until Ctrl-C (or HOSTED_SECONDS seconds). With a display ($DISPLAY
# or $WAYLAND_DISPLAY, and HOSTED_HEADLESS unset) the device shows a window
# per scanout; otherwise it writes a PNG per changed frame under FRAMES and
# prints each path.
#
#   platform/hosted/run.sh HOSTED_RUN BINDIR BACKEND SYSTEM_FILE SCANOUTS FRAMES DEVICE [VUDISPLAY QEMU_GPU]
#
# DEVICE=model: our device model (BACKEND, vgpu-backend). DEVICE=qemu: QEMU's vhost-user-gpu (QEMU_GPU), its
# scanouts shown by vugpu-display (VUDISPLAY).
set -u
run=$1
bindir=$2
backend=$3
system=$4
scanouts=$5
frames=$6
device=$7
vudisplay=${8:-}
qemu_gpu=${9:-/usr/lib/qemu/vhost-user-gpu}

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
model) set -- -d "$backend --fd 3 --scanouts $scanouts $out" ;;
qemu) set -- -d "$qemu_gpu --fd=3" -D "$vudisplay --fd 3 --scanouts $scanouts $out" -s "$scanouts" ;;
*)
    echo "run-hosted: DEVICE=$device: the devices are model and qemu"
    exit 2
    ;;
esac
set -- -b "$bindir" "$@"
[ -n "${HOSTED_SECONDS:-}" ] && set -- "$@" -t "$HOSTED_SECONDS"
exec "$run" "$@" "$system"
