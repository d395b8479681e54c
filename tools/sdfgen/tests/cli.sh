#!/bin/sh
# sdfgen-cli: the tool accepts every system description in the tree, lays
# out the platform example as documented, and refuses a broken description
# with a message that names the file and line. Prints TAP.
set -u
sdfgen=$1
n=0
fails=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

check() {
    n=$((n + 1))
    if "$@"; then echo "ok $n - $desc"; else echo "not ok $n - $desc"; fails=$((fails + 1)); fi
}

for f in $(find . -name '*.system' -not -path './build*' -not -path './.git/*' | sort); do
    desc="accepts $f"
    check "$sdfgen" "$f" check
done

sys=platform/qemu/examples/ping/ping.system
desc="lists every PD of $sys, the timer too"
check test "$("$sdfgen" "$sys" pds | tr '\n' ' ')" = "timer ticker ping pong "
desc="places 'shared' at the start of the RAM pool and 'uart' at its phys_addr"
check sh -c "'$sdfgen' '$sys' layout | grep -q '^shared  *0x0050000000-0x0050001000 ram' &&
             '$sdfgen' '$sys' layout | grep -q '^uart  *0x0009000000-0x0009001000 device'"
desc="-o writes the header atomically"
check sh -c "'$sdfgen' -o '$tmp/h' '$sys' header ping qemu && grep -q '^#define SDF_CH_PONG 2$' '$tmp/h' && ! test -e '$tmp/h.tmp'"

printf '<system>\n  <protection_domain name="a">\n    <program_image path="a.elf"/>\n  </protection_domain>\n  <channel><end pd="a" id="1"/><end pd="b" id="1"/></channel>\n</system>\n' >"$tmp/bad.system"
desc="refuses a channel to an unknown PD, naming file and line, exit 1"
check sh -c "! '$sdfgen' '$tmp/bad.system' check 2>'$tmp/err' && grep -q 'bad.system:5: channel end names unknown protection domain .b.' '$tmp/err'"
desc="refuses a bad command with exit 1 and no output file"
check sh -c "! '$sdfgen' -o '$tmp/x' '$sys' frobnicate 2>/dev/null && ! test -e '$tmp/x'"

echo "1..$n"
[ "$fails" -eq 0 ]
