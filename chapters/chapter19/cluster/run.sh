#!/usr/bin/env bash
# Several chapter-18 servers behind nginx, as one site:
#
#   chapters/chapter19/cluster/run.sh [N]     start N servers (default 2) and nginx
#   chapters/chapter19/cluster/run.sh stop    stop the cluster started before
#
# Each server listens on a free port the system picks; nginx (nginx.conf.template
# beside this file) listens on another free port and hands requests to them in turn.
# Once all answer, one line goes to stdout:
#
#   Listening on http://127.0.0.1:PORT (nginx in front of N chapter18 servers: ...)
#
# Ctrl-C, SIGTERM or `run.sh stop` stops nginx and every server, and removes the
# scratch folder. If any of them dies on its own, the rest are stopped too.
#
# Environment:
#   CHAPTER18      the server binary (default: a release build of chapter18, made now)
#   SERVER_FLAGS   flags for every server, e.g. "--threads 1" (default: none)
#   CLUSTER_STATE  where the running cluster's pid file lives, so `stop` can find it
#                  (default: ${TMPDIR:-/tmp}/chapter19-cluster)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
state="${CLUSTER_STATE:-${TMPDIR:-/tmp}/chapter19-cluster}"
pidfile="$state/run.pid"

if [ "${1:-}" = stop ]; then
    if ! pid="$(cat "$pidfile" 2>/dev/null)" || ! kill -0 "$pid" 2>/dev/null; then
        echo "no cluster is running (no live pid in $pidfile)" >&2
        exit 1
    fi
    kill -TERM "$pid"
    # The running script stops everything, waits for it, and then removes its pid
    # file: that, not its exit, is the sign (until its parent reaps it, an exited
    # script is a zombie that `kill -0` still finds).
    for _ in $(seq 200); do
        [ -e "$pidfile" ] && kill -0 "$pid" 2>/dev/null || exit 0
        sleep 0.05
    done
    echo "the cluster ($pid) did not stop within 10 s" >&2
    exit 1
fi

servers="${1:-2}"
case "$servers" in
    '' | *[!0-9]* | 0) echo "usage: $0 [N] | $0 stop   (N: servers, at least 1)" >&2; exit 2 ;;
esac
command -v nginx >/dev/null || { echo "nginx is missing: apt-get install -y nginx-light" >&2; exit 1; }

if [ -z "${CHAPTER18:-}" ]; then
    (cd "$root" && cargo build --quiet --release -p chapter18)
    CHAPTER18="${CARGO_TARGET_DIR:-$root/target}/release/chapter18"
fi

mkdir -p "$state"
if pid="$(cat "$pidfile" 2>/dev/null)" && kill -0 "$pid" 2>/dev/null; then
    echo "a cluster is already running ($pid); stop it with: $0 stop" >&2
    exit 1
fi
echo $$ >"$pidfile"

scratch="$(mktemp -d)"
# nginx's workers run as `nobody` when it is started as root: let them in.
chmod 755 "$scratch"
pids=()

stop_all() {
    trap - INT TERM EXIT
    # Servers and nginx stop on SIGTERM (nginx's master stops its workers first).
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$scratch"
    rm -f "$pidfile"
}
trap 'stop_all; exit 0' INT TERM
trap stop_all EXIT

# ready_in LOG: waits (at most 20 s) for an `http://HOST:PORT` in LOG and prints it.
ready_in() {
    local url
    for _ in $(seq 400); do
        url="$(grep -o -m1 'http://[0-9.]*:[0-9]*' "$1" || true)"
        [ -n "$url" ] && { echo "${url#http://}"; return 0; }
        sleep 0.05
    done
    echo "no ready line in $1:" >&2
    cat "$1" >&2
    return 1
}

# 1. The servers, each on a port the system picks (`--addr 127.0.0.1:0`).
upstreams=""
addrs=()
for i in $(seq "$servers"); do
    # shellcheck disable=SC2086  # SERVER_FLAGS is a list of flags.
    "$CHAPTER18" --addr 127.0.0.1:0 ${SERVER_FLAGS:-} >"$scratch/server$i.log" 2>&1 &
    pids+=($!)
    addr="$(ready_in "$scratch/server$i.log")"
    addrs+=("$addr")
    upstreams+="        server $addr;"$'\n'
done

# 2. nginx, which cannot bind port 0 and tell us: try free ports until one is ours.
for _ in 1 2 3 4 5; do
    port=$((20000 + RANDOM % 40000))
    [ -z "$(ss -H -l -t -n "sport = :$port")" ] || continue
    template="$(cat "$here/nginx.conf.template")"
    template="${template//@UPSTREAMS@/$upstreams}"
    template="${template//@PORT@/$port}"
    printf '%s\n' "${template//@SCRATCH@/$scratch}" >"$scratch/nginx.conf"
    nginx -e stderr -p "$scratch" -c "$scratch/nginx.conf" -g 'daemon off;' \
        >"$scratch/nginx.log" 2>&1 &
    nginx_pid=$!
    for _ in $(seq 200); do
        [ -n "$(ss -H -l -t -n "sport = :$port")" ] && break
        kill -0 "$nginx_pid" 2>/dev/null || break
        sleep 0.05
    done
    if kill -0 "$nginx_pid" 2>/dev/null && [ -n "$(ss -H -l -t -n "sport = :$port")" ]; then
        pids+=("$nginx_pid")
        break
    fi
    # Lost the port to someone else between the check and the bind: another one.
    kill "$nginx_pid" 2>/dev/null || true
    wait "$nginx_pid" 2>/dev/null || true
    nginx_pid=""
done
if [ -z "${nginx_pid:-}" ]; then
    echo "nginx did not start:" >&2
    cat "$scratch/nginx.log" >&2
    exit 1
fi

echo "Listening on http://127.0.0.1:$port (nginx in front of $servers chapter18 servers: ${addrs[*]})"

# 3. Until a signal, or until one of them dies, which would leave a cluster that
#    answers some requests with 502: stop them all then, and say which died.
set +e
wait -n "${pids[@]}"
status=$?
echo "a server or nginx exited (status $status); stopping the rest" >&2
tail -n 5 "$scratch"/*.log >&2
exit 1
