#!/usr/bin/env bash
# Does the workbook's load generator agree with `ab`, the tool readers know, on every
# server of the book? One request per connection (ab's and the seed's way), the same
# -n and -c, tools interleaved on one fresh server per chapter, median of REPEAT runs.
#
#   chapters/chapter12/bench/agree.sh [CHAPTER...]      (default: 10 11 13 14 15 16 17 18)
#
# N (default 10000), C (default 100), REPEAT (default 3). Prints a markdown table with
# each tool's requests/s and p99, and the ratio chapter12 / ab. Needs `ab`
# (Debian: apache2-utils).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

N="${N:-10000}"
C="${C:-100}"
REPEAT="${REPEAT:-3}"
[ $# -gt 0 ] || set -- chapter10 chapter11 chapter13 chapter14 chapter15 chapter16 chapter17 chapter18
command -v ab >/dev/null || { echo "skipped: ab is not installed (apt-get install -y apache2-utils)"; exit 0; }

build chapter12
for server in "$@"; do build "$server"; done
OUT="$(mktemp)"
trap 'rm -f "$OUT"' EXIT

# one TOOL: one run against $SERVER_URL; prints "requests/s p99-ms completed".
one() {
    case $1 in
        chapter12)
            "$LOADGEN" --quiet --json -n "$N" -c "$C" "$SERVER_URL/" >"$OUT"
            jq -r '"\(.requests_per_second | floor) \(.latency_ms.p99) \(.completed)"' "$OUT" ;;
        ab)
            ab -q -n "$N" -c "$C" "$SERVER_URL/" >"$OUT" 2>&1 || true
            awk '/^Requests per second/ { r = int($4) } $1 == "99%" { p = $2 }
                 /^Complete requests/ { n = $3 } END { print r + 0, p + 0, n + 0 }' "$OUT" ;;
    esac
}

# median FIELD-1-SORTED LINES: the middle line.
median() { sort -n | awk -v r="$REPEAT" 'NR == int((r + 1) / 2)'; }

echo "Measured $(date -u '+%Y-%m-%d %H:%M UTC') with chapters/chapter12/bench/agree.sh on $(nproc) cores shared by client and server; -n $N -c $C, one request per connection, median of $REPEAT."
echo
echo "| server | chapter12 requests/s | ab requests/s | ratio | chapter12 p99 ms | ab p99 ms | completed (chapter12 / ab) |"
echo "|---|---:|---:|---:|---:|---:|---|"
for server in "$@"; do
    start_server "$(bin "$server")"
    ours="" theirs=""
    for _ in $(seq "$REPEAT"); do
        ours+="$(one chapter12)"$'\n'
        theirs+="$(one ab)"$'\n'
    done
    stop_server
    read -r our_rps our_p99 our_n <<<"$(printf '%s' "$ours" | median)"
    read -r ab_rps ab_p99 ab_n <<<"$(printf '%s' "$theirs" | median)"
    ratio=$(awk -v a="$our_rps" -v b="$ab_rps" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "–" }')
    echo "| $server | $our_rps | $ab_rps | $ratio | $our_p99 | $ab_p99 | $our_n / $ab_n |"
done
