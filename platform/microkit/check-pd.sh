#!/bin/sh
# check-pd.sh NM SDFGEN SYSTEM PD OBJECT 'ALLOWED_UNDEFINED...'
# One PD, partially linked for Microkit (microkit-seam): it defines init and
# notified and every symbol that SYSTEM sets in PD (setvar_vaddr, setvar_size,
# <setvar region_paddr>, ...), and leaves nothing undefined but libmicrokit's
# symbols (and compiler helpers named __*). Prints TAP-free diagnostics; exit 1
# on the first kind of problem found.
set -eu
nm=$1 sdfgen=$2 system=$3 pd=$4 obj=$5 allowed=$6
status=0

defined=$("$nm" --defined-only "$obj" | awk '$2 ~ /^[BDCTRGS]$/ {print $3}')
for sym in init notified; do
    echo "$defined" | grep -qx "$sym" || { echo "$obj: $pd does not define $sym"; status=1; }
done

setvars=$("$sdfgen" "$system" objcopy-args "$pd" | sed -n 's/^--redefine-sym \([^=]*\)=.*/\1/p' | grep -vx -e init -e notified || true)
for sym in $setvars; do
    echo "$defined" | grep -qx "$sym" || { echo "$obj: $system sets '$sym' in $pd, which does not define it"; status=1; }
done

for sym in $("$nm" -u "$obj" | awk '{print $2}'); do
    case " $allowed " in
    *" $sym "*) ;;
    *)
        case $sym in
        __*) ;;
        *) echo "$obj: undefined symbol '$sym' (not libmicrokit's)"; status=1 ;;
        esac
        ;;
    esac
done
exit $status
