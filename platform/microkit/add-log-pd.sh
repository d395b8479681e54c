#!/bin/sh
# add-log-pd.sh SDFGEN IN.system OUT.system CHANNEL: writes IN.system with
# the console PD (platform/microkit/log/log.c) added, as the Microkit build
# hands it to the SDK's tool: a PD "log" at priority 254 and, from every PD
# of IN, a protected-procedure channel with id CHANNEL at the PD's end
# (ids 0, 1, ... at log's end). Fails, saying why, if IN already has a PD
# named log or a PD at priority 254 (a PD may only call one of strictly
# higher priority: the tool would refuse it), or if its </system> does not
# stand on a line of its own. docs/decisions.md, "Whole console lines on
# seL4".
set -eu
sdfgen=$1
in=$2
out=$3
ch=$4

fail() {
    echo "add-log-pd: $in: $1" >&2
    exit 1
}

[ "$(grep -c '^[[:space:]]*</system>[[:space:]]*$' "$in")" -eq 1 ] || fail "</system> must stand alone on one line"
! grep -q 'priority="254"' "$in" || fail "priority 254 is the console PD's (log); give this PD at most 253"
pds=$("$sdfgen" "$in" pds)
# log's channel ids are 0..61 (Microkit 2.x), one for each PD.
[ "$(echo "$pds" | wc -w)" -le 62 ] || fail "more than 62 PDs: log cannot have a channel to each"
for pd in $pds; do
    [ "$pd" != log ] || fail "a PD is named log, the console PD's name"
done

{
    sed '/^[[:space:]]*<\/system>[[:space:]]*$/,$d' "$in"
    echo '    <!-- Added by the Microkit build (platform/microkit/add-log-pd.sh): every PD prints through log. -->'
    echo '    <protection_domain name="log" priority="254">'
    echo '        <program_image path="log.elf" />'
    echo '    </protection_domain>'
    i=0
    for pd in $pds; do
        echo "    <channel><end pd=\"$pd\" id=\"$ch\" pp=\"true\" /><end pd=\"log\" id=\"$i\" /></channel>"
        i=$((i + 1))
    done
    echo '</system>'
} >"$out.tmp"
mv "$out.tmp" "$out"
