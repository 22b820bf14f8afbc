#!/usr/bin/env bash
# The numbers on chapter 14's page, in one run (release builds, the chapter-12 load
# generator):
#
#   chapters/chapter14/bench/run.sh
#
# 1. chapter 13 (a thread per connection) against chapter 14 (the pool: default
#    --threads and --queue, the old default queue, a smaller pool and a bigger one)
#    on chapter 13's workloads.
# 2. Choosing --threads for CPU-bound work: /cpu?ms=20, N = 1, 2, 4, 8.
# 3. Choosing --threads for waiting: /sleep?ms=50, N = 4, 16, 64 (Little's law).
# Prints markdown tables.
source "$(dirname "${BASH_SOURCE[0]}")/../../chapter12/bench/lib.sh"

part_two_setup chapter13 chapter14
echo
echo "### Chapter 13's workloads"
echo
echo "| server | requests/s (-n $N -c 100) | p99 ms | statuses | mixed: requests/s | fast p99 ms | slow p50 ms | statuses (mixed) |"
echo "|---|---:|---:|---|---:|---:|---:|---|"
run_pair() {
    local label="$1"; shift
    plain_and_mixed "$@"
    echo "| $label | $(field "$PLAIN" '.requests_per_second | floor') | $(field "$PLAIN" '.latency_ms.p99') | $(codes "$PLAIN") | $(field "$MIXED" '.requests_per_second | floor') | $(field "$MIXED" '.fast_latency_ms.p99') | $(field "$MIXED" '.slow_latency_ms.p50 // "-"') | $(codes "$MIXED") |"
}
run_pair "chapter13" "$(bin chapter13)"
run_pair "chapter14 (defaults: --threads $(( $(nproc) * 4 )) --queue 128)" "$(bin chapter14)"
# The default queue was 64 until 2026-12-01: a burst from 100 clients overflowed it.
run_pair "chapter14 --queue 64" "$(bin chapter14)" --queue 64
run_pair "chapter14 --threads 4 --queue 16" "$(bin chapter14)" --threads 4 --queue 16
run_pair "chapter14 --threads 32 --queue 256" "$(bin chapter14)" --threads 32 --queue 256

echo
echo "### CPU-bound: /cpu?ms=20, -n 200 -c 16"
echo
echo "| --threads | requests/s | p50 ms | p99 ms | server CPU ms/request |"
echo "|---:|---:|---:|---:|---:|"
for threads in 1 2 4 8; do
    start_server "$(bin chapter14)" --threads "$threads" --queue 64
    out=$("$LOADGEN" --quiet --json -n 200 -c 16 --server-pid "$SERVER_PID" "$SERVER_URL/cpu?ms=20")
    stop_server
    echo "| $threads | $(field "$out" '.requests_per_second | floor') | $(field "$out" '.latency_ms.p50') | $(field "$out" '.latency_ms.p99') | $(field "$out" '.server_cpu.us_per_request / 1000 | . * 10 | round / 10') |"
done

echo
echo "### Waiting: /sleep?ms=50, -n 2000 -c 64"
echo
echo "| --threads | requests/s | Little's law: threads / 0.05 s | p50 ms | p99 ms |"
echo "|---:|---:|---:|---:|---:|"
for threads in 4 16 64; do
    start_server "$(bin chapter14)" --threads "$threads" --queue 128
    out=$("$LOADGEN" --quiet --json -n 2000 -c 64 "$SERVER_URL/sleep?ms=50")
    stop_server
    echo "| $threads | $(field "$out" '.requests_per_second | floor') | $(( threads * 20 )) | $(field "$out" '.latency_ms.p50') | $(field "$out" '.latency_ms.p99') |"
done
