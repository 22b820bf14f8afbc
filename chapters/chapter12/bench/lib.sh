# Shared by compare.sh and table.sh: build, start a server on a free port, read its CPU.
# Source it; it sets ROOT, TARGET_DIR and LOADGEN.

set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
LOADGEN="$TARGET_DIR/release/chapter12"

# build PACKAGE [cargo flags...]: a release build, quietly.
build() {
    (cd "$ROOT" && cargo build --quiet --release -p "$@")
}

# start_server BINARY [flags...]: starts it on 127.0.0.1:0 and waits (at most 20 s) for
# its ready line. Sets SERVER_PID and SERVER_URL (http://127.0.0.1:PORT).
start_server() {
    SERVER_LOG="$(mktemp)"
    "$@" --addr 127.0.0.1:0 >"$SERVER_LOG" 2>/dev/null &
    SERVER_PID=$!
    SERVER_URL=""
    for _ in $(seq 200); do
        SERVER_URL="$(grep -o -m1 'http://[0-9.]*:[0-9]*' "$SERVER_LOG" || true)"
        [ -n "$SERVER_URL" ] && break
        kill -0 "$SERVER_PID" 2>/dev/null || break
        sleep 0.1
    done
    if [ -z "$SERVER_URL" ]; then
        echo "no ready line from $*" >&2
        stop_server
        exit 1
    fi
}

stop_server() {
    if [ -n "${SERVER_PID:-}" ]; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
        SERVER_PID=""
    fi
    rm -f "${SERVER_LOG:-}"
}
trap stop_server EXIT

# cpu_ticks PID: user + system clock ticks (fields 14 and 15 of /proc/PID/stat, counted
# after the last ')' because the program name may contain spaces).
cpu_ticks() {
    sed 's/.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'
}

# micros_per_request TICKS_BEFORE TICKS_AFTER REQUESTS
micros_per_request() {
    awk -v b="$1" -v a="$2" -v n="$3" -v hz="$(getconf CLK_TCK)" \
        'BEGIN { printf "%.1f", (a - b) / hz * 1e6 / n }'
}

# Small helpers the Part II bench scripts share.
# bin PACKAGE: the release binary of a chapter.
bin() { echo "$TARGET_DIR/release/$1"; }
# field JSON JQ: one value from chapter12 --json output.
field() { jq -r "$2" <<<"$1"; }
# codes JSON / errors JSON: "200×9000 503×12", "reset×3".
codes() { jq -r '.status_codes | to_entries | map("\(.key)×\(.value)") | join(" ")' <<<"$1"; }
errors() { jq -r '.errors | to_entries | map("\(.key)×\(.value)") | join(" ")' <<<"$1"; }
# overflows: how many times a listen queue overflowed on this machine so far.
overflows() { awk '/^TcpExt:/ { if (!h) { split($0, k); h = 1 } else { for (i = 2; i <= NF; i++) if (k[i] == "ListenOverflows") print $i } }' /proc/net/netstat; }

# plain_and_mixed BINARY [FLAGS...]: two runs, each on a fresh server: plain load
# (`-n $N -c 100`) and mixed load (`-n $MIXED_N -c 100`, a tenth /sleep?ms=200). Sets
# PLAIN and MIXED to chapter12's JSON.
plain_and_mixed() {
    start_server "$@"
    PLAIN=$("$LOADGEN" --quiet --json -n "$N" -c 100 "$SERVER_URL/")
    stop_server
    start_server "$@"
    MIXED=$("$LOADGEN" --quiet --json -n "$MIXED_N" -c 100 --slow-url '/sleep?ms=200' \
        --slow-share 0.1 "$SERVER_URL/")
    stop_server
}

# part_two_setup PACKAGE...: what every Part II chapter's bench/run.sh starts with: the
# request counts (override N and MIXED_N in the environment), the hold-connections
# binary, room for ten thousand held connections (each is a file descriptor, in the
# client and in the server), release builds of chapter 12's tools and of PACKAGEs, and
# the line that says when, where and with which script the tables below were measured.
part_two_setup() {
    N="${N:-10000}"
    MIXED_N="${MIXED_N:-500}"
    HOLD="$TARGET_DIR/release/hold-connections"
    ulimit -n 20000 2>/dev/null || ulimit -n "$(ulimit -Hn)"
    build chapter12 --bins
    local package
    for package in "$@"; do build "$package" --bins; done
    echo "Measured $(date -u "+%Y-%m-%d %H:%M UTC") with ${0#"$ROOT"/} on $(nproc) cores shared by client and server; ulimit -n $(ulimit -n); net.core.somaxconn $(cat /proc/sys/net/core/somaxconn)."
}

# held_and_loaded HOLD_SECS BINARY [FLAGS...]: on a fresh server (idle timeout 60 s),
# hold 10,000 silent connections for HOLD_SECS and meanwhile run `-n 2000 -c 50`. Sets
# OPENED (how many were opened), HOLDING ("threads | VmRSS" while held) and OUT (the
# load generator's JSON).
held_and_loaded() {
    local hold_secs=$1 held hold_pid
    shift
    start_server "$@" --idle-timeout 60
    held="$(mktemp)"
    "$HOLD" --count 10000 --hold "$hold_secs" --server-pid "$SERVER_PID" "$SERVER_URL" >"$held" &
    hold_pid=$!
    for _ in $(seq 1200); do grep -q '^server .* holding' "$held" && break; sleep 0.1; done
    OUT=$("$LOADGEN" --quiet --json --timeout 10 -n 2000 -c 50 "$SERVER_URL/")
    # Let it finish its --hold: it prints how many the server closed meanwhile.
    wait "$hold_pid" 2>/dev/null || true
    OPENED=$(sed -n 's/^opened \([0-9]*\) of.*/\1/p' "$held")
    HOLDING=$(sed -n 's/.*holding [0-9]*: Threads: \([0-9]*\), VmRSS: \(.*\)/\1 | \2/p' "$held")
    rm -f "$held"
    stop_server
}

# get_beside_cpu BINARY [FLAGS...]: a console block: `/cpu?ms=1000` in flight, then how
# long a plain GET / takes meanwhile.
get_beside_cpu() {
    local cpu_pid start end
    echo '```console'
    start_server "$@"
    echo "\$ curl -s '$SERVER_URL/cpu?ms=1000' >/dev/null & sleep 0.1; time curl -s -o /dev/null $SERVER_URL/"
    curl -s "$SERVER_URL/cpu?ms=1000" >/dev/null &
    cpu_pid=$!
    sleep 0.1
    start=$(date +%s.%N)
    curl -s -o /dev/null "$SERVER_URL/"
    end=$(date +%s.%N)
    wait "$cpu_pid"
    awk -v s="$start" -v e="$end" 'BEGIN { printf "real\t%.3fs\n", e - s }'
    stop_server
    echo '```'
}
