#!/usr/bin/env bash
# Every number on chapter 18's page, from one command (release builds):
#
#   chapters/chapter18/bench/run.sh
#
# 1. Keep-alive side by side (bench/keepalive.sh): the minimal mio loop (the floor),
#    minimal tokio, hyper, nginx, chapter 17 (one request per connection) and 18.
# 2. One loop or two on this machine's two cores: pinned with taskset, so wrk does not
#    share the server's core, and unpinned.
# 3. How the loops share the port: SO_REUSEPORT sockets or one shared listener.
# 4. Threads or processes: two loops in one process, or two processes of one loop,
#    with the memory each setup holds when idle.
# 5. Ten thousand kept-alive connections, each answered once, held: memory per
#    connection (each side needs `ulimit -n 10500`; raised here up to the hard limit).
#
# DURATION: seconds per wrk run (default 10). The script takes about 4 minutes.
source "$(dirname "${BASH_SOURCE[0]}")/../../chapter12/bench/lib.sh"
set -euo pipefail
export DURATION="${DURATION:-10}"
keepalive="$ROOT/bench/keepalive.sh"

echo "## 1. Keep-alive, side by side"
"$keepalive" minimal-mio minimal-tokio hyper nginx chapter17 chapter18

echo
echo "## 2. One loop or two"
echo
echo "Pinned: the server on CPU 0, wrk on CPU 1."
TASKSET=0 "$keepalive" "minimal-mio:--threads 1" "chapter18:--threads 1" "chapter18:--threads 2"
echo
echo "Unpinned: wrk and the server share both CPUs."
"$keepalive" "minimal-mio:--threads 1" "minimal-mio:--threads 2" "chapter18:--threads 1" "chapter18:--threads 2"

echo
echo "## 3. How two loops share the port"
echo
echo "With keep-alive, connections are accepted once, at the start:"
"$keepalive" minimal-mio "chapter18:--threads 2 --listener reuseport" "chapter18:--threads 2 --listener shared"
echo
echo "One request per connection (chapter 12's load generator, -n 20000 -c 100): every"
echo "request is an accept, and a shared listener wakes both loops for each."
echo
build chapter12
echo "| listener | requests/s | server CPU µs/request |"
echo "|---|---:|---:|"
for sharing in reuseport shared; do
    start_server "$TARGET_DIR/release/chapter18" --threads 2 --listener "$sharing"
    out=$("$LOADGEN" --quiet --json -n 20000 -c 100 --server-pid "$SERVER_PID" "$SERVER_URL/")
    stop_server
    echo "| $sharing | $(jq -r '.requests_per_second | floor' <<<"$out") | $(jq -r '.server_cpu.us_per_request | . * 10 | round / 10' <<<"$out") |"
done

echo
echo "## The file cache"
"$keepalive" minimal-mio chapter18 "chapter18:--file-cache-secs 0"

echo
echo "## 4. Threads or processes"
"$keepalive" minimal-mio "chapter18:--threads 2" "chapter18:--processes 2 --threads 1"
# children PID: its child processes (none is no error).
children() { ps --ppid "$1" -o pid= || true; }
# rss_kb PID: resident memory of the process and its children, in kB.
rss_kb() {
    local total=0 pid
    for pid in "$1" $(children "$1"); do
        total=$((total + $(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status")))
    done
    echo "$total"
}
build chapter18
echo
echo "| setup | processes | threads in all | idle memory (RSS, all processes) |"
echo "|---|---:|---:|---:|"
for flags in "--threads 2" "--processes 2 --threads 1"; do
    # shellcheck disable=SC2086 # the flags are meant to split into words
    start_server "$TARGET_DIR/release/chapter18" $flags
    curl -s -o /dev/null "$SERVER_URL/"
    pids="$SERVER_PID $(children "$SERVER_PID" | xargs)"
    threads=0
    for pid in $pids; do threads=$((threads + $(awk '/^Threads:/ { print $2 }' "/proc/$pid/status"))); done
    echo "| \`chapter18 $flags\` | $(wc -w <<<"$pids") | $threads | $(rss_kb "$SERVER_PID") kB |"
    stop_server
done

echo
echo "## 5. Ten thousand kept-alive connections"
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
if [ "$(ulimit -n)" -lt 10500 ]; then
    echo "skipped: needs \`ulimit -n 10500\` for each side (the hard limit here is $(ulimit -Hn))"
    exit 0
fi
build chapter12 --bin hold-connections
start_server "$TARGET_DIR/release/chapter18" --threads 1 --idle-timeout 120
"$TARGET_DIR/release/hold-connections" --answered -n 10000 --hold 1 --server-pid "$SERVER_PID" \
    "$SERVER_URL" | tee "$(mktemp)" | awk '
        { print }
        /before:/  { before = $(NF - 1) }
        /holding/  { held = $(NF - 1) }
        END { if (held > before) printf "=> %.2f KiB per kept-alive connection\n", (held - before) / 10000 }'
stop_server
