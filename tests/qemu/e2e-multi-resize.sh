#!/bin/sh
# e2e-multi-resize: a display change on one head of two (examples/multi on
# QEMU's virtio-gpu-device with max_outputs=2, headless). A VNC server on
# head 1 only (qemu-run.sh -r 1) passes resize requests to the GPU; see
# e2e-resize.sh and tests/qemu/README.md, "Display changes". After multi_b
# drew at its 800x600 fallback (QEMU reports head 1 disconnected):
#
# - head 1 to 1024x768: multi_b re-creates its framebuffer; head 1 equals
#   exactly the pattern at 1024x768, head 0 still exactly multi_a's image;
# - head 1 to 0x0 (disconnected): multi_b draws at its fallback again;
# - head 1 to 640x360: the pattern at 640x360, head 0 unchanged;
# - multi_a drew exactly once: the changes of head 1 did not make it redraw.
#
#   QMP=... IMGCMP=... EXPECT=... VNC_RESIZE=... tests/qemu/e2e-multi-resize.sh IMAGE SOURCE WORK_DIR
set -u
image=$1
src=$2
dir=$3
name=e2e-multi-resize
here=$(dirname "$0")
# shellcheck source=tests/qemu/e2e-lib.sh
. "$here/e2e-lib.sh"
src=$(source_image "$src")
fresh_dir

drew_b() {
    echo "wait:^multi-b: drew the pattern on its scanout 0 \\($1\\): ok\$"
}

boot_or_stop "head 1 of two is resized three times on $platform" -t 45 -g max_outputs=2 -r 1 \
    -f 'qemu\|FATAL|\|ERROR:|NOT refused|draw failed|release failed' "$image" \
    seen:'^multi-a: drew the image on its scanout 0 \([0-9]+x[0-9]+\): ok$' \
    "$(drew_b 800x600)" seen:'^multi-c: scanout request refused as expected: INVALID_SCANOUT_ID$' \
    resize:1024x768@1 "$(drew_b 1024x768)" dump:"$dir/a-1.png" dump:"$dir/b-1.png@1" \
    resize:0x0@1 wait:'^multi-b: no display on its scanout, drawing at 800x600 anyway$' "$(drew_b 800x600)" \
    dump:"$dir/a-2.png" dump:"$dir/b-2.png@1" \
    resize:640x360@1 "$(drew_b 640x360)" dump:"$dir/a-3.png" dump:"$dir/b-3.png@1"

# shellcheck disable=SC2046
set -- $(console_size '^multi-a: drew ')
"$EXPECT" demo 1 "$1" "$2" "$src" "$dir/expected-a.png"
aw=$1
ah=$2
i=1
for size in 1024x768 800x600 640x360; do
    "$EXPECT" pattern "${size%x*}" "${size#*x}" "$dir/expected-b-$i.png"
    compare "change $i: head 1 (multi_b) re-created at $size, exactly the pattern" "$dir/expected-b-$i.png" \
        "$dir/b-$i.png"
    compare "change $i: head 0 (multi_a) untouched, exactly the image at ${aw}x$ah" "$dir/expected-a.png" \
        "$dir/a-$i.png"
    i=$((i + 1))
done
drew_a=$(console | grep -c -E '^multi-a: ')
if [ "$drew_a" -eq 1 ]; then
    tap_ok "multi_a printed one line (its first drawing): head 1's changes did not reach it"
else
    tap_not_ok "multi_a printed only its first drawing; console has $drew_a multi-a lines"
    console | grep -E '^multi-a: ' | sed 's/^/#   /'
fi
tap_end
