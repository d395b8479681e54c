#!/bin/sh
# `make fresh-check`: the README's two commands on a freshly bootstrapped
# Debian root, so that a missing install step cannot hide behind packages
# this machine already has.
#
#   tools/fresh-check.sh OUT_DIR
#
# Phases (each one's time is printed):
#   base     a bare `debootstrap --variant=minbase` root of this machine's
#            Debian release, from the archive apt here is configured with.
#            Cached as a tarball in FRESH_CACHE (default
#            /var/cache/sddf-gpu-fresh) before anything is added to it;
#            FRESH_REFRESH=1 bootstraps it anew.
#   prereq   only what the README asks of a user: git and make.
#   clone    the committed HEAD, cloned inside the root by its own git.
#   test     `make test` in the root, as root (it installs its own deps).
#   demo     a headless `make demo` in the root.
# The root (under FRESH_TMP, default /var/tmp) has /proc, /dev and /dev/pts
# mounted; they are unmounted and the root deleted on every exit (FRESH_KEEP=1
# keeps the root). Logs, the check logs and the demo's PNGs are copied to
# OUT_DIR. Passes only if both make test and make demo pass; the last line is
# the inner make test's summary.
#
# Environment: MICROKIT_SDK (an unpacked SDK, bound read-only into the root
# and passed on to make test), FRESH_CACHE, FRESH_REFRESH, FRESH_TMP,
# FRESH_KEEP.
set -eu

out=$(realpath -m "$1")
top=$(git rev-parse --show-toplevel)
cache=${FRESH_CACHE:-/var/cache/sddf-gpu-fresh}
root=""
mounts=""
t_all=$(date +%s)
times=""

say() { echo "fresh-check: $*"; }
die() {
    say "FAIL: $*"
    exit 1
}

phase_start() {
    phase=$1
    t0=$(date +%s)
    say "== $phase: $2"
}
phase_end() {
    dt=$(($(date +%s) - t0))
    times="$times $phase=${dt}s"
    say "== $phase: done in ${dt}s"
}

[ "$(id -u)" -eq 0 ] || die "needs root (debootstrap, chroot and mounts)"
command -v debootstrap >/dev/null || die "needs debootstrap (apt-get install debootstrap)"
codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
[ -n "$codename" ] || die "cannot tell this machine's Debian release from /etc/os-release"
arch=$(dpkg --print-architecture)

# The Debian suites apt here uses for this release: "URI SUITE" per line,
# read from apt itself so that both sources formats are covered.
apt_suites() {
    apt-cache policy | awk -v c="$codename" '
        $1 ~ /^[0-9]+$/ && $2 ~ /^[a-z]+:\/\// && $4 != "" {
            split($3, s, "/")
            if ((s[1] == c || index(s[1], c "-") == 1) && s[2] == "main" && !seen[$2 " " s[1]]++) print $2, s[1]
        }'
}

suites=$(apt_suites)
if [ -z "$suites" ]; then
    apt-get update -qq
    suites=$(apt_suites)
fi
mirror=$(echo "$suites" | awk -v c="$codename" '$2 == c { print $1; exit }')
[ -n "$mirror" ] || die "apt here has no source for '$codename main' (apt-cache policy)"

# --- teardown, on every exit ------------------------------------------------
kill_inside() {
    for p in /proc/[0-9]*; do
        r=$(readlink "$p/root" 2>/dev/null) || continue
        [ "$r" = "$root" ] && kill -9 "${p#/proc/}" 2>/dev/null
    done
    return 0
}
teardown() {
    rc=$?
    trap - EXIT INT TERM
    [ -n "$root" ] || exit "$rc"
    kill_inside
    for m in $mounts; do
        umount "$m" 2>/dev/null || umount -l "$m" || say "could not unmount $m"
    done
    if grep -q " $root/" /proc/mounts; then
        say "mounts remain under $root; not deleting it"
    elif [ "${FRESH_KEEP:-0}" = 1 ]; then
        say "kept the root: $root"
    else
        rm -rf "$root"
    fi
    exit "$rc"
}
trap teardown EXIT
trap 'exit 130' INT TERM

mount_in() { # mount_in TARGET MOUNT-ARGS...: mount, and remember it for teardown (innermost first)
    target=$root$1
    shift
    mkdir -p "$target"
    mount "$@" "$target"
    mounts="$target $mounts"
}

in_root() { # in_root COMMAND: run a shell command in the root, as root, with a clean environment
    chroot "$root" /usr/bin/env -i HOME=/root TERM=dumb LANG=C.UTF-8 \
        PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        ${MICROKIT_SDK:+MICROKIT_SDK=/opt/microkit-sdk} /bin/sh -c "$1"
}

rm -rf "$out"
mkdir -p "$out" "$cache"
say "Debian $codename ($arch) from $mirror; work logs in $out"

# --- base -----------------------------------------------------------------
tarball=$cache/$codename-$arch-minbase.tar
phase_start base "a bare minbase root"
root=$(realpath "$(mktemp -d "${FRESH_TMP:-/var/tmp}/sddf-fresh.XXXXXX")")
if [ "${FRESH_REFRESH:-0}" = 1 ] || [ ! -s "$tarball" ]; then
    say "bootstrapping (cache: $tarball)"
    debootstrap --variant=minbase --arch="$arch" "$codename" "$root" "$mirror" >"$out/debootstrap.log" 2>&1 ||
        die "debootstrap failed; see $out/debootstrap.log"
    tar -C "$root" -cf "$tarball.part" . && mv "$tarball.part" "$tarball"
else
    say "from the cached bare root $tarball (FRESH_REFRESH=1 bootstraps anew)"
    tar -C "$root" -xf "$tarball"
fi
echo "$suites" | awk '{ print "deb", $1, $2, "main" }' >"$root/etc/apt/sources.list"
cp /etc/resolv.conf "$root/etc/resolv.conf"
phase_end

mount_in /proc -t proc proc
mount_in /dev --bind /dev
mount_in /dev/pts --bind /dev/pts
mount_in /mnt/src --bind "$top"
mount -o remount,bind,ro "$root/mnt/src"
if [ -n "${MICROKIT_SDK:-}" ]; then
    mount_in /opt/microkit-sdk --bind "$MICROKIT_SDK"
    mount -o remount,bind,ro "$root/opt/microkit-sdk"
    say "MICROKIT_SDK=$MICROKIT_SDK, seen in the root as /opt/microkit-sdk"
fi

# --- prereq ---------------------------------------------------------------
phase_start prereq "what the README asks for: git and make"
in_root 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends git make' \
    >"$out/prereq.log" 2>&1 || die "installing git and make failed; see $out/prereq.log"
phase_end

# --- clone ----------------------------------------------------------------
phase_start clone "the committed HEAD $(git -C "$top" rev-parse --short HEAD)"
head=$(git -C "$top" rev-parse HEAD)
in_root "git config --global --add safe.directory '*' && git clone -q /mnt/src /root/sddf-gpu && cd /root/sddf-gpu && git checkout -q $head" \
    >"$out/clone.log" 2>&1 || die "cloning failed; see $out/clone.log"
phase_end

# --- test, demo -------------------------------------------------------------
phase_start test "make test"
test_rc=0
in_root 'cd /root/sddf-gpu && make test' >"$out/test.log" 2>&1 || test_rc=$?
summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$out/test.log" | tail -n 1)
mkdir -p "$out/checks"
cp -r "$root/root/sddf-gpu/build/checks/." "$out/checks/" 2>/dev/null || true
grep -E '^(FAIL|not ok|# SKIP)' "$out/test.log" | sed 's/^/    /' || true
phase_end

phase_start demo "make demo, headless"
demo_rc=0
in_root 'cd /root/sddf-gpu && make demo' >"$out/demo.log" 2>&1 || demo_rc=$?
mkdir -p "$out/demo"
cp "$root"/root/sddf-gpu/build/demo/*.png "$out/demo/" 2>/dev/null || true
grep '^demo: ' "$out/demo.log" | sed 's/^/    /' || true
phase_end

say "phase times:$times; total $(($(date +%s) - t_all))s"
pngs=$(ls "$out"/demo/*.png 2>/dev/null || true)
say "demo PNGs (copied out of the root):"
for p in $pngs; do echo "    $p"; done
[ "$test_rc" -eq 0 ] || say "make test failed (exit $test_rc); log $out/test.log, check logs $out/checks/"
[ "$demo_rc" -eq 0 ] || say "make demo failed (exit $demo_rc); log $out/demo.log"
[ -n "$pngs" ] || { say "make demo wrote no PNG"; demo_rc=1; }
if [ "$test_rc" -eq 0 ] && [ "$demo_rc" -eq 0 ] && [ -n "$summary" ]; then
    say "PASS: make test and make demo on a fresh Debian $codename root"
    status=0
else
    say "FAIL"
    status=1
fi
echo "${summary:-make test printed no summary line}"
exit "$status"
