#!/usr/bin/env bash
# Chapter 16's own experiments, in one run (release builds, the chapter-12 load
# generator and hold-connections). Its comparison with the other chapters on the same
# workloads is chapter 19's (`cargo run --release -p chapter19`).
#
#   chapters/chapter16/bench/run.sh
#
# 1. Chapter 15 against chapter 16 with a tenth of the requests to /cpu?ms=20: the fast
#    requests' latency while the slow ones compute (on the loop, or on the pool).
# 2. 200 clients each asking /sleep?ms=1000 at once.
# 3. An idle server for 5 s: how often the loop thread wakes (voluntary context
#    switches of the main thread, from /proc/PID/task/PID/status).
# 4. 10,000 idle connections held open: threads, memory, and other clients meanwhile.
# Prints markdown tables.
source "$(dirname "${BASH_SOURCE[0]}")/../../chapter12/bench/lib.sh"

part_two_setup chapter15 chapter16
echo
echo "### Fast requests beside /cpu"
echo
echo "| server | with 10% /cpu?ms=20 (-c 20): fast p50 ms | fast p99 ms | slow p50 ms | statuses |"
echo "|---|---:|---:|---:|---|"
for server in chapter15 chapter16; do
    start_server "$(bin "$server")"
    cpu=$("$LOADGEN" --quiet --json -n "$MIXED_N" -c 20 --slow-url '/cpu?ms=20' \
        --slow-share 0.1 "$SERVER_URL/")
    stop_server
    echo "| $server | $(field "$cpu" '.fast_latency_ms.p50') | $(field "$cpu" '.fast_latency_ms.p99') | $(field "$cpu" '.slow_latency_ms.p50') | $(codes "$cpu") |"
done

echo
echo "### 200 clients, each /sleep?ms=1000, all at once"
echo
echo "| server | total s | p50 ms | p99 ms | max ms | statuses |"
echo "|---|---:|---:|---:|---:|---|"
for server in chapter15 chapter16; do
    start_server "$(bin "$server")"
    out=$("$LOADGEN" --quiet --json -n 200 -c 200 "$SERVER_URL/sleep?ms=1000")
    stop_server
    echo "| $server | $(field "$out" '.elapsed_s * 100 | round / 100') | $(field "$out" '.latency_ms.p50') | $(field "$out" '.latency_ms.p99') | $(field "$out" '.latency_ms.max') | $(codes "$out") |"
done

echo
echo "### An idle server for 5 s"
echo
echo "| server | loop thread wake-ups (voluntary context switches) |"
echo "|---|---:|"
switches() { awk '/^voluntary_ctxt_switches/ { print $2 }' "/proc/$1/task/$1/status"; }
for server in chapter15 chapter16; do
    start_server "$(bin "$server")"
    before=$(switches "$SERVER_PID")
    sleep 5
    after=$(switches "$SERVER_PID")
    stop_server
    echo "| $server | $((after - before)) |"
done

echo
echo "### 10,000 idle connections held open"
echo
echo "| server | opened | server threads | server VmRSS | meanwhile: -n 2000 -c 50 answered | p50 ms | p99 ms |"
echo "|---|---:|---:|---:|---:|---:|---:|"
# chapter16's default cap is 10,000, exactly what hold-connections takes: the load
# generator's clients then wait in the backlog. The last row lifts the cap.
for setup in chapter15 chapter16 "chapter16 --max-connections 20000"; do
    read -r server flags <<<"$setup"
    # shellcheck disable=SC2086 # $flags is empty or one flag and its value
    held_and_loaded 10 "$(bin "$server")" $flags
    echo "| $setup | $OPENED | $HOLDING | $(field "$OUT" '.status_codes["200"] // 0') of 2000 | $(field "$OUT" '.latency_ms.p50') | $(field "$OUT" '.latency_ms.p99') |"
done
