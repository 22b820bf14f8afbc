#!/usr/bin/env bash
# Cross-checks the load generator against ab and wrk on the same server.
#
#   chapters/chapter12/bench/compare.sh [SERVER]
#
# SERVER is `hello` (the tiny server in examples/hello_server.rs, the default) or a chapter
# package such as `chapter10`. N (default 20000) and C (default 50) set -n and -c; wrk runs
# for WRK_SECONDS (default 3). Each measurement runs REPEAT times (default 3), tools
# interleaved, and the run with the median requests/s is shown: the machine is shared.
# Prints a markdown table: one row per tool and mode.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

SERVER="${1:-hello}"
N="${N:-20000}"
C="${C:-50}"
WRK_SECONDS="${WRK_SECONDS:-3}"
REPEAT="${REPEAT:-3}"

build chapter12
if [ "$SERVER" = hello ]; then
    build chapter12 --example hello_server
    start_server "$TARGET_DIR/release/examples/hello_server"
else
    build "$SERVER"
    start_server "$TARGET_DIR/release/$SERVER"
fi
URL="$SERVER_URL/"
TOOL_OUT="$(mktemp)"
TOOL_TIME="$(mktemp)"

# timed COMMAND...: runs it with its output in $TOOL_OUT and its user+system CPU seconds
# in $TOOL_TIME (bash's `time`, which counts the command and its children).
timed() {
    local TIMEFORMAT='%3U %3S'
    { time "$@" >"$TOOL_OUT" 2>&1; } 2>"$TOOL_TIME"
}

# wrk prints latencies with units (us, ms, s): convert to ms.
to_ms() { awk '{ v = $1 + 0; if ($1 ~ /us$/) v /= 1000; else if ($1 ~ /[^m]s$/) v *= 1000; printf "%.2f", v }'; }

# measure TOOL MODE: one run; prints "requests req/s p50 p99 server-µs/req client-µs/req".
measure() {
    local tool=$1 mode=$2 k="" header=() before after done_n rps p50 p99
    [ "$mode" = keep-alive ] && k="-k"
    [ "$mode" = close ] && header=(-H "Connection: close")
    before=$(cpu_ticks "$SERVER_PID")
    case $tool in
        chapter12)
            timed "$LOADGEN" --quiet --json -n "$N" -c "$C" $k "$URL"
            done_n=$(jq -r .completed "$TOOL_OUT")
            rps=$(jq -r '.requests_per_second | floor' "$TOOL_OUT")
            p50=$(jq -r '.latency_ms.p50' "$TOOL_OUT")
            p99=$(jq -r '.latency_ms.p99' "$TOOL_OUT") ;;
        ab)
            timed ab -q -n "$N" -c "$C" $k "$URL"
            done_n=$(awk '/^Complete requests/ { print $3 }' "$TOOL_OUT")
            rps=$(awk '/^Requests per second/ { printf "%d", $4 }' "$TOOL_OUT")
            p50=$(awk '$1 == "50%" { print $2 }' "$TOOL_OUT")
            p99=$(awk '$1 == "99%" { print $2 }' "$TOOL_OUT") ;;
        wrk)
            timed wrk -t 2 -c "$C" -d "${WRK_SECONDS}s" --latency "${header[@]}" "$URL"
            done_n=$(awk '/requests in/ { print $1 }' "$TOOL_OUT")
            rps=$(awk '/^Requests\/sec/ { printf "%d", $2 }' "$TOOL_OUT")
            p50=$(awk '$1 == "50%" { print $2 }' "$TOOL_OUT" | to_ms)
            p99=$(awk '$1 == "99%" { print $2 }' "$TOOL_OUT" | to_ms) ;;
    esac
    after=$(cpu_ticks "$SERVER_PID")
    client=$(awk -v n="$done_n" '{ printf "%.1f", ($1 + $2) * 1e6 / n }' "$TOOL_TIME")
    echo "$done_n $rps $p50 $p99 $(micros_per_request "$before" "$after" "$done_n") $client"
}

tools=(chapter12)
command -v ab >/dev/null && tools+=(ab)
command -v wrk >/dev/null && tools+=(wrk)

echo "Server: $SERVER, -n $N -c $C, median of $REPEAT runs, $(nproc) cores shared by client and server,"
echo "$(date -u '+%Y-%m-%d %H:%M UTC'), load average before: $(cut -d' ' -f1 /proc/loadavg)"
echo
echo "| tool | keep-alive | requests | requests/s | p50 ms | p99 ms | server CPU µs/request | client CPU µs/request |"
echo "|---|---|---:|---:|---:|---:|---:|---:|"
for mode in close keep-alive; do
    declare -A runs=()
    for _ in $(seq "$REPEAT"); do
        for tool in "${tools[@]}"; do
            runs[$tool]+="$(measure "$tool" "$mode")"$'\n'
        done
    done
    for tool in "${tools[@]}"; do
        label=$tool
        [ "$tool" = wrk ] && label="wrk (${WRK_SECONDS} s)"
        # The run with the median requests/s (field 2).
        median=$(printf '%s' "${runs[$tool]}" | sort -n -k2 | awk -v r="$REPEAT" 'NR == int((r + 1) / 2)')
        read -r done_n rps p50 p99 server client <<<"$median"
        echo "| $label | $mode | $done_n | $rps | $p50 | $p99 | $server | $client |"
    done
    unset runs
done
rm -f "$TOOL_OUT" "$TOOL_TIME"
