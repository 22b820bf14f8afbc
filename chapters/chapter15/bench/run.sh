#!/usr/bin/env bash
# Chapter 15's own experiments, in one run (release builds, the chapter-12 load
# generator and hold-connections). Its comparison with the other chapters on the same
# workloads is chapter 19's (`cargo run --release -p chapter19`).
#
#   chapters/chapter15/bench/run.sh
#
# 1. A burst: -n 20000 -c 2000 against chapter 15 with the listen backlog std uses
#    (128) and the one chapter 15 asks for (4096), with the kernel's overflow counter.
# 2. 10,000 idle connections held open: the server's threads and memory, and whether
#    other clients are still served meanwhile.
# 3. One blocking call on the loop: /cpu?ms=1000, then time a GET /.
# Prints markdown tables.
source "$(dirname "${BASH_SOURCE[0]}")/../../chapter12/bench/lib.sh"

part_two_setup chapter13 chapter14 chapter15
echo
echo "### A burst of 2,000 clients at once: the listen backlog"
echo
echo "| chapter15 --backlog | requests/s (-n 20000 -c 2000) | p50 ms | p90 ms | p99 ms | max ms | listen queue overflows | statuses |"
echo "|---:|---:|---:|---:|---:|---:|---:|---|"
for backlog in 128 4096; do
    start_server "$(bin chapter15)" --backlog "$backlog"
    before=$(overflows)
    out=$("$LOADGEN" --quiet --json -n 20000 -c 2000 "$SERVER_URL/")
    after=$(overflows)
    stop_server
    echo "| $backlog | $(field "$out" '.requests_per_second | floor') | $(field "$out" '.latency_ms.p50') | $(field "$out" '.latency_ms.p90') | $(field "$out" '.latency_ms.p99') | $(field "$out" '.latency_ms.max') | $((after - before)) | $(codes "$out") $(errors "$out") |"
done

echo
echo "### 10,000 idle connections held open"
echo
echo "| server | opened | server threads | server VmRSS | meanwhile: -n 2000 -c 50 answered | p99 ms |"
echo "|---|---:|---:|---:|---:|---:|"
for server in chapter13 chapter14 chapter15; do
    held_and_loaded 20 "$(bin "$server")"
    echo "| $server | $OPENED | $HOLDING | $(field "$OUT" '.status_codes["200"] // 0') of 2000 | $(field "$OUT" '.latency_ms.p99') |"
done

echo
echo "### One blocking call on the loop"
echo
get_beside_cpu "$(bin chapter15)"
