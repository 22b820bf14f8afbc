#!/usr/bin/env bash
# Chapter 17's own experiments, in one run (release builds, the chapter-12 load
# generator and hold-connections). Its comparison with the other chapters on the same
# workloads is chapter 19's (`cargo run --release -p chapter19`).
#
#   chapters/chapter17/bench/run.sh
#
# 1. 10,000 idle connections held open: the server's threads and memory, and whether
#    other clients are still served meanwhile.
# 2. A burst of 10,000 clients at once (-n 20000 -c 10000) against chapter 17.
# 3. /cpu on the blocking pool: one worker thread, /cpu?ms=1000 in flight, time a GET /.
# 4. The seed's echo protocol: echo-lines-load against echo-lines.
# 5. Code size: lines of each event-loop chapter's own code.
# Prints markdown tables.
source "$(dirname "${BASH_SOURCE[0]}")/../../chapter12/bench/lib.sh"

SERVERS=()
for package in chapter13 chapter14 chapter15 chapter16 chapter17; do
    [ -d "$ROOT/chapters/$package" ] && SERVERS+=("$package")
done
part_two_setup "${SERVERS[@]}"
echo
echo "### 10,000 idle connections held open"
echo
echo "| server | opened | server threads | server VmRSS | meanwhile: -n 2000 -c 50 answered 200 | statuses | p99 ms |"
echo "|---|---:|---:|---:|---:|---|---:|"
# Chapter 17 twice: with its default cap (10,000: the held clients take every place)
# and with room to spare.
HELD_RUNS=()
for server in "${SERVERS[@]}"; do HELD_RUNS+=("$server"); done
HELD_RUNS+=("chapter17 --max-connections 12000")
for run in "${HELD_RUNS[@]}"; do
    read -r server flags <<<"$run"
    # shellcheck disable=SC2086 # flags is a list of words
    held_and_loaded 20 "$(bin "$server")" $flags
    echo "| $run | $OPENED | $HOLDING | $(field "$OUT" '.status_codes["200"] // 0') of 2000 | $(codes "$OUT") $(errors "$OUT") | $(field "$OUT" '.latency_ms.p99') |"
done

echo
echo "### A burst of 10,000 clients at once"
echo
echo "| server | requests/s (-n 20000 -c 10000) | p50 ms | p99 ms | max ms | listen queue overflows | statuses |"
echo "|---|---:|---:|---:|---:|---:|---|"
start_server "$(bin chapter17)"
before=$(overflows)
out=$("$LOADGEN" --quiet --json -n 20000 -c 10000 "$SERVER_URL/")
after=$(overflows)
stop_server
echo "| chapter17 | $(field "$out" '.requests_per_second | floor') | $(field "$out" '.latency_ms.p50') | $(field "$out" '.latency_ms.p99') | $(field "$out" '.latency_ms.max') | $((after - before)) | $(codes "$out") $(errors "$out") |"

echo
echo "### /cpu on the blocking pool, with one worker thread"
echo
get_beside_cpu "$(bin chapter17)" --threads 1

echo
echo "### The seed's echo protocol"
echo
echo '```console'
echo_log="$(mktemp)"
"$(bin echo-lines)" --addr 127.0.0.1:0 >"$echo_log" 2>/dev/null &
echo_pid=$!
for _ in $(seq 200); do grep -q 'tcp://' "$echo_log" && break; sleep 0.1; done
echo_addr="$(grep -o -m1 'tcp://[0-9.]*:[0-9]*' "$echo_log" | sed 's|tcp://||')"
echo "\$ echo-lines-load --rounds 3 $echo_addr"
"$(bin echo-lines-load)" --rounds 3 "$echo_addr"
kill "$echo_pid" 2>/dev/null || true
wait "$echo_pid" 2>/dev/null || true
rm -f "$echo_log"
echo '```'

echo
echo "### Code size"
echo
echo "| chapter | files | lines | code lines (no blanks, no comments) |"
echo "|---|---|---:|---:|"
for server in chapter15 chapter16 chapter17; do
    dir="$ROOT/chapters/$server/src"
    [ -d "$dir" ] || continue
    # The server itself: src/ without src/bin/ (chapter 17's echo example lives there).
    files=$(find "$dir" -maxdepth 1 -name '*.rs' | sort)
    lines=$(cat $files | wc -l)
    # Per file: stop counting at a unit-test module, which is not the server.
    code=0
    for f in $files; do
        c=$(sed '/^#\[cfg(test)\]/,$d' "$f" | grep -v -E '^\s*(//|$)' | wc -l)
        code=$((code + c))
    done
    echo "| $server | $(for f in $files; do basename "$f"; done | paste -sd ' ') | $lines | $code |"
done
