#!/usr/bin/env bash
# System calls per request, by name, for each server given: what a chapter asks of the
# kernel beyond the minimal server of its design. Each server gets a fresh process, a
# warm-up, then `strace -f -c` for N one-request connections from chapter 12's generator
# (-c 100, GET /). strace slows every call, so read the counts, not the times.
#
#   chapters/chapter19/bench/syscalls.sh chapter13 minimal-threads chapter17 minimal-tokio
#
# Needs strace (apt-get install strace).
source "$(dirname "${BASH_SOURCE[0]}")/../../chapter12/bench/lib.sh"

N="${N:-5000}"
command -v strace >/dev/null || { echo "strace is not installed: apt-get install strace" >&2; exit 1; }
build chapter12 --bins
for server in "$@"; do
    case "$server" in
        chapter*) build "$server" --bins ;;
        *) build peers --bins ;;
    esac
done
echo "Measured $(date -u "+%Y-%m-%d %H:%M UTC") with ${0#"$ROOT"/} on $(nproc) cores; $N requests, one per connection, -c 100, GET /."
echo
echo "| server | system calls per request | the calls (per request) |"
echo "|---|---:|---|"
for server in "$@"; do
    case "$server" in
        chapter*) start_server "$(bin "$server")" --root "$ROOT/static" ;;
        *) start_server "$(bin "$server")" ;;
    esac
    "$LOADGEN" --quiet -n 1000 -c 100 "$SERVER_URL/" >/dev/null
    counts="$(mktemp)"
    said="$(mktemp)"
    strace -f -c -o "$counts" -p "$SERVER_PID" 2>"$said" &
    tracer=$!
    # Count nothing before strace holds every thread: it says so on stderr (at most 10 s).
    for _ in $(seq 100); do
        grep -q "attached" "$said" && break
        sleep 0.1
    done
    "$LOADGEN" --quiet -n "$N" -c 100 "$SERVER_URL/" >/dev/null
    kill -INT "$tracer"
    wait "$tracer" || true
    awk -v n="$N" -v name="$server" '
        $NF == "total" { total = $4 / n; next }
        $4 ~ /^[0-9]+$/ && $4 / n >= 0.05 { calls = calls sprintf("%s%s %.1f", sep, $NF, $4 / n); sep = ", " }
        END { printf "| %s | %.1f | %s |\n", name, total, calls }' "$counts"
    rm -f "$counts" "$said"
    stop_server
done
