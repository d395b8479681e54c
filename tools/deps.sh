#!/bin/sh
# Install the Debian packages a make target needs, or say exactly how to.
#
#   tools/deps.sh PACKAGE...
#
# Packages already installed are skipped. As root, missing packages are
# installed with apt-get; otherwise the exact apt-get line is printed and the
# script fails so that make stops.
set -eu

missing=""
for pkg in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $pkg"
    fi
done
[ -z "$missing" ] && exit 0

echo "deps: missing Debian packages:$missing"
if [ "$(id -u)" -ne 0 ]; then
    echo "deps: run this as root, then re-run make:"
    echo "    apt-get update && apt-get install -y$missing"
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing
