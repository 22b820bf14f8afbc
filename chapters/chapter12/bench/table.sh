#!/usr/bin/env bash
# The comparison table Part II fills: one row per server, measured the same way.
#
#   chapters/chapter12/bench/table.sh chapter10 chapter13 chapter14 ...
#
# A SERVER is a chapter package, or `hello` for the tiny server in
# examples/hello_server.rs, optionally with server flags after a colon:
# `chapter14:--threads 32 --queue 256`. For each, on a fresh server process:
#   1. `chapter12 -n $N -c 100`                (N: default 10000): requests/s, p99, server CPU
#   2. `chapter12 -n $MIXED_N -c 100 --slow-url '/sleep?ms=200' --slow-share 0.1`
#      (MIXED_N: default 500): the fast requests' p99 while a tenth of requests are slow.
# Prints a markdown table. Column 4 says "no /sleep" for servers before chapter 11; a cell
# notes non-2xx responses and errors when its run had any.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

N="${N:-10000}"
MIXED_N="${MIXED_N:-500}"
[ $# -gt 0 ] || { echo "usage: $0 SERVER..." >&2; exit 2; }

# failures JSON: " (N non-2xx, M errors)" when a run had any, so no cell hides them
# (a bounded pool answers 503 when its queue is full: those are fast, and not successes).
failures() {
    jq -r 'if .non_2xx + .error_count > 0
           then " (\(.non_2xx) non-2xx, \(.error_count) errors)" else "" end' <<<"$1"
}

build chapter12
echo "Measured $(date -u "+%Y-%m-%d %H:%M UTC") on $(nproc) cores shared by client and server, load average $(cut -d" " -f1 /proc/loadavg)."
echo
echo "| server | requests/s (-c 100) | p99 ms | fast p99 ms, 10% /sleep?ms=200 | server CPU µs/request |"
echo "|---|---:|---:|---:|---:|"
for spec in "$@"; do
    server="${spec%%:*}"
    flags=""
    [ "$spec" = "$server" ] || flags="${spec#*:}"
    if [ "$server" = hello ]; then
        build chapter12 --example hello_server
        binary="$TARGET_DIR/release/examples/hello_server"
    else
        build "$server"
        binary="$TARGET_DIR/release/$server"
    fi

    # shellcheck disable=SC2086 # the flags are meant to split into words
    start_server "$binary" $flags
    plain=$("$LOADGEN" --quiet --json -n "$N" -c 100 --server-pid "$SERVER_PID" "$SERVER_URL/")
    stop_server

    # shellcheck disable=SC2086
    start_server "$binary" $flags
    mixed=$("$LOADGEN" --quiet --json -n "$MIXED_N" -c 100 --slow-url '/sleep?ms=200' \
        --slow-share 0.1 "$SERVER_URL/")
    stop_server

    rps=$(jq -r '.requests_per_second | floor' <<<"$plain")
    p99=$(jq -r '.latency_ms.p99' <<<"$plain")
    cpu=$(jq -r '.server_cpu.us_per_request | . * 10 | round / 10' <<<"$plain")
    rps="$rps$(failures "$plain")"
    if [ "$(jq -r '.status_codes["404"] // 0' <<<"$mixed")" != 0 ]; then
        fast_p99="no /sleep"
    else
        fast_p99="$(jq -r '.fast_latency_ms.p99' <<<"$mixed")$(failures "$mixed")"
    fi
    echo "| $spec | $rps | $p99 | $fast_p99 | $cpu |"
done
