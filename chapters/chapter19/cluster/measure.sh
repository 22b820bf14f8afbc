#!/usr/bin/env bash
# The numbers on chapter 19's "past one machine" page, from one command:
#
#   chapters/chapter19/cluster/measure.sh
#
# wrk with keep-alive (`wrk -t2 -c100 -d10s --latency`, GET /) against:
#   1. one chapter-18 server, directly (its default: one event loop per core);
#   2. nginx in front of one chapter-18 server (the cost of the extra hop alone);
#   3. nginx in front of two chapter-18 servers of one loop each (run.sh 2).
# Prints a markdown table, with the date and the machine's core count.
# DURATION: seconds per run (default 10). Needs wrk and nginx (apt-get install -y wrk
# nginx-light). The script takes about 40 s plus a release build.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
duration="${DURATION:-10}"
for tool in wrk nginx; do
    command -v "$tool" >/dev/null || { echo "$tool is missing: apt-get install -y wrk nginx-light" >&2; exit 1; }
done
# CHAPTER18: the server binary (default: a release build of chapter18, made now).
if [ -z "${CHAPTER18:-}" ]; then
    (cd "$root" && cargo build --quiet --release -p chapter18)
    CHAPTER18="${CARGO_TARGET_DIR:-$root/target}/release/chapter18"
fi
export CHAPTER18
scratch="$(mktemp -d)"
export CLUSTER_STATE="$scratch/state"
started=""

stop() {
    if [ -n "$started" ]; then
        kill -TERM "$started" 2>/dev/null || true
        wait "$started" 2>/dev/null || true
        started=""
    fi
}
trap 'stop; rm -rf "$scratch"' EXIT

# start LOG COMMAND...: runs COMMAND, waits for the http:// in its first line, sets URL.
start() {
    local log="$1"
    shift
    "$@" >"$log" 2>&1 &
    started=$!
    URL=""
    for _ in $(seq 600); do
        URL="$(grep -o -m1 'http://[0-9.]*:[0-9]*' "$log" || true)"
        [ -n "$URL" ] && return 0
        kill -0 "$started" 2>/dev/null || break
        sleep 0.05
    done
    echo "no ready line from $*:" >&2
    cat "$log" >&2
    exit 1
}

# measure NAME: wrk against $URL, one table row.
measure() {
    local out rps p50 p99
    out="$(wrk -t2 -c100 -d"${duration}s" --latency "$URL/")"
    rps="$(awk '/^Requests\/sec:/ { printf "%d", $2 }' <<<"$out")"
    p50="$(awk '$1 == "50%" { print $2 }' <<<"$out")"
    p99="$(awk '$1 == "99%" { print $2 }' <<<"$out")"
    if grep -q 'Non-2xx' <<<"$out"; then
        rps="$rps ($(grep -o 'Non-2xx or 3xx responses: [0-9]*' <<<"$out"))"
    fi
    echo "| $1 | $rps | $p50 | $p99 |"
}

echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, wrk -t2 -c100 -d${duration}s --latency, GET / ($(wc -c <"$root/static/index.html") bytes)"
echo
echo "| setup | requests/s | p50 | p99 |"
echo "|---|---:|---:|---:|"
start "$scratch/one.log" "$CHAPTER18" --addr 127.0.0.1:0
measure "one chapter18, directly"
stop
start "$scratch/proxy1.log" bash "$here/run.sh" 1
measure "nginx → one chapter18"
stop
SERVER_FLAGS="--threads 1" start "$scratch/proxy2.log" bash "$here/run.sh" 2
measure "nginx → two chapter18 (--threads 1)"
stop
