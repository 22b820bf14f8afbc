#!/usr/bin/env bash
# Keep-alive throughput of the peer servers and the chapters, measured the same way:
#
#   bench/keepalive.sh minimal-mio minimal-tokio hyper nginx chapter17 'chapter18:--threads 2'
#
# A SERVER is a peer (minimal-mio, minimal-tokio, hyper, nginx; see bench/README.md) or a
# chapter package, with server flags after a colon: `minimal-mio:--threads 2`. A chapter
# and hyper serve a scratch folder holding a 1 KiB file (`--root`); the minimal peers
# answer every request with a canned 1 KiB. For each server, on a fresh process:
#
#   wrk -t2 -c100 -d${DURATION}s --latency http://ADDR/1k.txt      (keep-alive: wrk's default)
#
# and the server's CPU time (utime + stime from /proc/PID/stat; for nginx the master and
# its workers) just before and just after. Prints a markdown table: requests/s, p99
# latency, requests per CPU-second of the server, and that last number as a ratio to
# minimal-mio's (the floor: a server cannot do less work per request than it does).
#
# DURATION  seconds per server (default 10).
# TASKSET   CPUs for the server (`taskset -c` syntax, e.g. "0"); wrk then runs on the
#           others (or on WRK_TASKSET). Unset: nothing is pinned.
source "$(dirname "${BASH_SOURCE[0]}")/../chapters/chapter12/bench/lib.sh"

DURATION="${DURATION:-10}"
TASKSET="${TASKSET:-}"
[ $# -gt 0 ] || { echo "usage: $0 SERVER..." >&2; exit 2; }

if ! command -v wrk >/dev/null; then
    echo "skipped: wrk is not installed (apt-get install -y wrk)"
    exit 0
fi

SCRATCH="$(mktemp -d)"
# nginx's workers run as `nobody` when it is started as root: let them read the site.
chmod 755 "$SCRATCH"
mkdir "$SCRATCH/root"
head -c 1024 /dev/zero | tr '\0' x >"$SCRATCH/root/1k.txt"
chmod -R a+rX "$SCRATCH/root"
cleanup() {
    stop_server
    rm -rf "$SCRATCH"
}
trap cleanup EXIT

# Pinning: the server on $TASKSET, wrk on every other CPU unless WRK_TASKSET says.
SERVER_PIN=()
WRK_PIN=()
if [ -n "$TASKSET" ]; then
    others="${WRK_TASKSET:-$(seq 0 $(($(nproc) - 1)) | grep -vxF -f <(tr ',' '\n' <<<"$TASKSET") | paste -sd,)}"
    [ -n "$others" ] || { echo "TASKSET=$TASKSET leaves no CPU for wrk" >&2; exit 2; }
    SERVER_PIN=(taskset -c "$TASKSET")
    WRK_PIN=(taskset -c "$others")
fi

# One build for everything asked for: the peers, and each chapter package.
packages=(peers)
for spec in "$@"; do
    case "${spec%%:*}" in
        minimal-mio | minimal-tokio | hyper | nginx) ;;
        *) packages+=(-p "${spec%%:*}") ;;
    esac
done
build "${packages[@]}"

# free_port: a port nothing listens on, for nginx (which cannot bind port 0 and say).
free_port() {
    local port
    while :; do
        port=$((20000 + RANDOM % 40000))
        [ -z "$(ss -H -l -t -n "sport = :$port")" ] && { echo "$port"; return; }
    done
}

# start_nginx: nginx from bench/nginx.conf.template on a free port. Sets SERVER_PID
# (the master, which stays in the foreground) and SERVER_URL, like lib.sh's start_server.
start_nginx() {
    local port
    port="$(free_port)"
    sed -e "s|@ROOT@|$SCRATCH/root|g; s|@PORT@|$port|g; s|@SCRATCH@|$SCRATCH|g" \
        "$ROOT/bench/nginx.conf.template" >"$SCRATCH/nginx.conf"
    SERVER_LOG="$(mktemp)"
    "${SERVER_PIN[@]}" nginx -e stderr -p "$SCRATCH" -c "$SCRATCH/nginx.conf" \
        -g 'daemon off;' >"$SERVER_LOG" 2>&1 &
    SERVER_PID=$!
    SERVER_URL="http://127.0.0.1:$port"
    for _ in $(seq 200); do
        # Ready when the two workers exist and the port answers.
        [ "$(ps --ppid "$SERVER_PID" -o pid= | wc -l)" -ge 2 ] &&
            curl -s -o /dev/null "$SERVER_URL/1k.txt" && return
        kill -0 "$SERVER_PID" 2>/dev/null || break
        sleep 0.1
    done
    echo "nginx did not start:" >&2
    cat "$SERVER_LOG" >&2
    exit 1
}

# server_ticks PID: CPU ticks of the process and its children (nginx's workers).
server_ticks() {
    local total=0 pid
    for pid in "$1" $(ps --ppid "$1" -o pid=); do
        total=$((total + $(cpu_ticks "$pid")))
    done
    echo "$total"
}

# to_ms VALUE: wrk's "812.00us" / "1.23ms" / "2.01s" in milliseconds.
to_ms() {
    awk -v v="$1" 'BEGIN {
        n = v + 0
        if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n = n; else if (v ~ /m$/) n *= 60000; else if (v ~ /s$/) n *= 1000
        printf "%.2f", n
    }'
}

echo "Measured $(date -u "+%Y-%m-%d %H:%M UTC") on $(nproc) cores, load average $(cut -d" " -f1-3 /proc/loadavg);" \
    "wrk -t2 -c100 -d${DURATION}s --latency, keep-alive, a 1 KiB body${TASKSET:+; server on CPU $TASKSET, wrk on ${WRK_PIN[2]}}."
echo

rows=()
notes=()
for spec in "$@"; do
    server="${spec%%:*}"
    flags=""
    [ "$spec" = "$server" ] || flags="${spec#*:}"
    release="$TARGET_DIR/release"
    # shellcheck disable=SC2086 # the flags are meant to split into words
    case "$server" in
        nginx)
            if ! command -v nginx >/dev/null; then
                notes+=("Skipped nginx: not installed (apt-get install -y nginx-light).")
                continue
            fi
            start_nginx ;;
        minimal-mio | minimal-tokio) start_server "${SERVER_PIN[@]}" "$release/$server" $flags ;;
        hyper) start_server "${SERVER_PIN[@]}" "$release/hyper-server" --root "$SCRATCH/root" $flags ;;
        *) start_server "${SERVER_PIN[@]}" "$release/$server" --root "$SCRATCH/root" $flags ;;
    esac

    before=$(server_ticks "$SERVER_PID")
    out=$("${WRK_PIN[@]}" wrk -t2 -c100 -d"${DURATION}s" --latency "$SERVER_URL/1k.txt")
    after=$(server_ticks "$SERVER_PID")
    stop_server

    requests=$(awk '/requests in/ { print $1 }' <<<"$out")
    rps=$(awk '/^Requests\/sec/ { printf "%d", $2 }' <<<"$out")
    p99=$(to_ms "$(awk '$1 == "99%" { print $2 }' <<<"$out")")
    per_cpu=$(awk -v n="$requests" -v t="$((after - before))" -v hz="$(getconf CLK_TCK)" \
        'BEGIN { if (t > 0) printf "%d", n / (t / hz); else print "?" }')
    # Errors and non-2xx answers are not successes: say so in the cell, as table.sh does.
    problems=$(awk '/Non-2xx/ { printf " (%s non-2xx)", $NF } /Socket errors/ { printf " (%s)", $0 }' <<<"$out" |
        sed 's/    */ /g')
    rows+=("$spec|$rps$problems|$p99|$per_cpu")
    if [ "$server" = minimal-mio ] && [ -z "${floor:-}" ]; then
        floor="$per_cpu"
    fi
done

echo "| server | requests/s | p99 latency ms | requests per server CPU-second | ratio to minimal-mio |"
echo "|---|---:|---:|---:|---:|"
for row in "${rows[@]}"; do
    IFS='|' read -r spec rps p99 per_cpu <<<"$row"
    ratio=$(awk -v a="$per_cpu" -v b="${floor:-}" 'BEGIN { if (b + 0 > 0 && a + 0 > 0) printf "%.2f", a / b; else print "–" }')
    echo "| $spec | $rps | $p99 | $per_cpu | $ratio |"
done
for note in "${notes[@]}"; do
    printf '\n%s\n' "$note"
done
