#!/bin/sh
# Driver instructions per request (TRANSFER_TO_2D + RESOURCE_FLUSH stream).
#
#   bench/driver/run.sh BENCH_BINARY OUT_DIR
#
# Runs the binary under callgrind, collecting only inside the driver's two
# entry points (--toggle-collect), for N and 2N iterations; the difference
# divided by the extra requests is the steady-state cost, free of start-up.
set -eu
bin=$1
out=$2
mkdir -p "$out"
n=500

collected() { # iterations pairs -> instructions collected
    f="$out/callgrind.$1.$2"
    valgrind --tool=callgrind --callgrind-out-file="$f" \
        --toggle-collect='gpu_driver_handle_requests' --toggle-collect='gpu_driver_handle_irq' \
        "$bin" "$1" "$2" >/dev/null 2>&1
    awk '/^(summary|totals):/ { print $2; exit }' "$f"
}

for pairs in 1 16; do
    a=$(collected $n $pairs)
    b=$(collected $((2 * n)) $pairs)
    requests=$((n * pairs * 2))
    echo "bench-driver: $((pairs * 2)) requests per batch: $(((b - a) / requests)) driver instructions per request" \
        "(callgrind Ir, TRANSFER_TO_2D + RESOURCE_FLUSH)"
done
