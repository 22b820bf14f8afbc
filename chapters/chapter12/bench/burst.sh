#!/usr/bin/env bash
# Ten thousand clients at once: `chapter12 -n 20000 -c 10000` against each server, on a
# fresh process, with a 30 s timeout per request. Prints a markdown table.
#
#   ulimit -n 20000   # both sides need a descriptor per connection
#   chapters/chapter12/bench/burst.sh chapter13 chapter14 chapter15 chapter16 chapter17
#
# N and C override the request and client counts.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

N="${N:-20000}"
C="${C:-10000}"
[ $# -gt 0 ] || { echo "usage: $0 SERVER..." >&2; exit 2; }
if [ "$(ulimit -n)" -lt $((C + 100)) ]; then
    echo "the open-files limit is $(ulimit -n); run \`ulimit -n $((C * 2))\` first" >&2
    exit 1
fi

build chapter12
echo "Measured $(date -u "+%Y-%m-%d %H:%M UTC") on $(nproc) cores shared by client and server: \`chapter12 -n $N -c $C --timeout 30\`."
echo
echo "| server | 200 | 503 | errors | p50 ms | p99 ms | max ms |"
echo "|---|---:|---:|---:|---:|---:|---:|"
for server in "$@"; do
    build "$server"
    start_server "$TARGET_DIR/release/$server"
    report=$("$LOADGEN" --quiet --json --timeout 30 -n "$N" -c "$C" "$SERVER_URL/")
    stop_server
    jq -r --arg server "$server" '"| \($server) | \(.status_codes["200"] // 0) | \(.status_codes["503"] // 0) | \(.error_count) | \(.latency_ms.p50 // "-") | \(.latency_ms.p99 // "-") | \(.latency_ms.max // "-") |"' <<<"$report"
done
