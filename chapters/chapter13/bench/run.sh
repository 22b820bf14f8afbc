#!/usr/bin/env bash
# Chapter 13's own experiments, in one run (release builds, the chapter-12 load
# generator and hold-connections). Its comparison with the other chapters is chapter
# 19's (`cargo run --release -p chapter19`), which every Part II page shows.
#
#   chapters/chapter13/bench/run.sh
#
# 1. What idle connections cost chapter 13: Threads and VmRSS from /proc/PID/status
#    while hold-connections holds 1,000 and 10,000 of them.
# 2. `/cpu?ms=20` on chapter 13 with more busy threads than cores.
# Prints markdown tables.
source "$(dirname "${BASH_SOURCE[0]}")/../../chapter12/bench/lib.sh"

part_two_setup chapter13
echo
echo "### Idle connections: one thread each"
echo
echo "| open connections | opened | server threads | server VmRSS | time to open them all |"
echo "|---:|---:|---:|---:|---:|"
start_server "$(bin chapter13)" --idle-timeout 60
before=$("$HOLD" --count 0 --hold 0 --server-pid "$SERVER_PID" "$SERVER_URL" | sed -n 's/.*before: Threads: \([0-9]*\), VmRSS: \(.*\)/\1 | \2/p')
echo "| 0 | 0 | $before | |"
stop_server
for count in 1000 10000; do
    start_server "$(bin chapter13)" --idle-timeout 60
    out=$("$HOLD" --count "$count" --hold 1 --server-pid "$SERVER_PID" "$SERVER_URL")
    opened=$(sed -n 's/^opened \([0-9]*\) of.*/\1/p' <<<"$out")
    took=$(sed -n 's/^opened .* in \([0-9.]*\) s$/\1 s/p' <<<"$out")
    holding=$(sed -n 's/.*holding [0-9]*: Threads: \([0-9]*\), VmRSS: \(.*\)/\1 | \2/p' <<<"$out")
    echo "| $count | $opened | $holding | $took |"
    grep -i emfile <<<"$out" || true
    stop_server
done

echo
echo "### CPU-bound: /cpu?ms=20 on chapter 13 ($(nproc) cores)"
echo
echo "| concurrent clients (-c) | requests | requests/s | p50 ms | p99 ms |"
echo "|---:|---:|---:|---:|---:|"
for c in 1 2 4 16 64; do
    n=$(( c * 5 > 100 ? c * 5 : 100 ))
    start_server "$(bin chapter13)"
    cpu=$("$LOADGEN" --quiet --json -n "$n" -c "$c" "$SERVER_URL/cpu?ms=20")
    stop_server
    echo "| $c | $n | $(jq -r '.requests_per_second | floor' <<<"$cpu") | $(jq -r '.latency_ms.p50' <<<"$cpu") | $(jq -r '.latency_ms.p99' <<<"$cpu") |"
done
