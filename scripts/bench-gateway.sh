#!/usr/bin/env bash
# Load benchmark of the inline gateway (`apiwarden gateway`) against NGINX, in one run and
# against the same fast upstream.
#
#   scripts/bench-gateway.sh                 # all targets and workloads, ~12 min on 2 cores
#   scripts/bench-gateway.sh --quick         # smoke test: 2 s runs, 1 round (~1.5 min)
#   TARGETS=direct,nginx scripts/bench-gateway.sh --quick     # without apiwarden
#   scripts/bench-gateway.sh > results.md    # the report is markdown on stdout, progress on stderr
#
# Targets (TARGETS, comma-separated subset):
#   direct           wrk/oha straight to the upstream: the baseline;
#   nginx            NGINX as a plain reverse proxy with upstream keep-alive (1 worker);
#   apiwarden-plain  `apiwarden gateway` with capture off and no rate limits;
#   apiwarden-full   `apiwarden gateway` with capture, analysis and rate limiting on (the
#                    limit is far above the load, so nothing is limited; analysis runs in the
#                    gateway process and its CPU counts);
#   apiwarden-detect `apiwarden gateway` as apiwarden-plain (capture off, no rate limits,
#                    1 worker) plus attack detection on in block mode: its cost is read
#                    against apiwarden-plain in the same round. (apiwarden-plain and
#                    apiwarden-full run with detection off, so they measure what they did
#                    before detection existed.)
# Workloads (WORKLOADS): get (GET /api/items/42, small JSON answer) and post (POST /api/orders
# with a ~1 KB JSON order, content-type application/json, small JSON 201 answer).
# The upstream is an nginx of its own (1 worker, fixed `return` answers), the same for all.
# Configurations: scripts/bench-gateway/ (nginx, apiwarden and wrk templates).
#
# What it measures, and why this way: on a 2-core machine the load generator, the upstream
# and the proxy share the CPU, so req/s alone mostly measures who wins the scheduler. For
# each target it therefore reports, besides req/s, the requests served per CPU-second of the
# proxy process (utime + stime from /proc/PID/stat, all threads; nginx: master + worker),
# read before the load and again once the process is idle after it (so work the gateway
# does after the last response, e.g. draining the analysis queue, counts).
#   1. Closed loop: `wrk -t1 -c50 -dDURATION` per target and workload. Targets run
#      interleaved (round robin, the order rotating each round) for ROUNDS rounds; the
#      tables show medians, and the apiwarden/NGINX ratio of requests per proxy CPU-second
#      is taken per round (same round = same machine conditions), then the median; so are
#      apiwarden-detect's ratios to apiwarden-plain (requests per proxy CPU-second, req/s).
#   2. Open loop: latency at a fixed rate well below saturation (`oha -q RATE
#      --latency-correction`, so a stall counts against every request scheduled during it),
#      p50/p90/p99/p99.9 per target and the p99 added over `direct` in the same round.
# Floors checked (issue: inline gateway), per workload: apiwarden-plain >= 0.7x NGINX's
# requests per proxy CPU-second; apiwarden-full >= 0.5x; p99 added vs direct <= 1 ms at
# RATE (apiwarden-plain, apiwarden-full); and (detection) apiwarden-detect >= 0.8x
# apiwarden-plain's requests per proxy CPU-second. Each prints PASS or FAIL; the exit status
# is 0 either way (this is a measurement), and non-zero only when something failed to run,
# or when apiwarden-detect refused or failed a benchmark request (a status >= 400 under wrk,
# any status but 200/201 under oha, or a detection rejection in its metrics): the requests
# are legitimate, so a 403 is a false positive, and wrk counts it as a request done, which
# would inflate the throughput. Its floor is then FAIL whatever the ratio, the report (with
# an ERRORS section; detect_failures in summary.json) still comes out first, then exit 1.
#
# Knobs (environment, or the flags in --help): DURATION=10 (s per closed-loop run),
# ROUNDS=3, CONNECTIONS=50 (wrk), WRK_THREADS=1, RATE=1000 (req/s, open loop),
# LAT_DURATION=DURATION, LAT_ROUNDS=ROUNDS, LAT_CONNECTIONS=16, OHA_THREADS (oha's
# --worker-threads; default oha's own), WARMUP=2 (s per target and workload before round
# 1; 0: none), SETTLE_MAX=15 (s to wait for the gateway to go idle after a run), LATENCY=0
# (skip the open-loop part), THROUGHPUT=0 (skip the closed-loop part), TARGETS, WORKLOADS,
# OUT (default $CARGO_TARGET_DIR/bench-gateway/<UTC time>), APIWARDEN_BIN (default: build
# with `cargo build --release -p apiwarden` and use target/release/apiwarden), SKIP_BUILD=1
# (use the existing release binary), PORT_UPSTREAM=18080, PORT_NGINX=18081,
# PORT_PLAIN=18082, PORT_PLAIN_ADMIN=18092, PORT_FULL=18083, PORT_FULL_ADMIN=18093,
# PORT_DETECT=18084, PORT_DETECT_ADMIN=18094, BENCH_TMP=/tmp, KEEP_WORK=1 (keep the temp
# dir: configs, logs, capture store), PLAIN_CONFIG, FULL_CONFIG, DETECT_CONFIG (other
# gateway config templates, same @...@ placeholders).
#
# Tools: nginx (nginx-light), wrk, curl and jq are installed with apt-get when missing (as
# root, or through sudo); oha (open loop) is taken from OHA, PATH or
# $HOME/.cache/apiwarden-tools/bin, else installed there with
# `cargo install oha --version $OHA_VERSION --locked`. All traffic goes to 127.0.0.1 only,
# every started process is stopped on exit (Ctrl-C included), temp files live under one
# `mktemp -d`. Output: the markdown report on stdout and in OUT/report.md, per-run rows in
# OUT/throughput.tsv and OUT/latency.tsv, medians, ratios and floors in OUT/summary.json,
# raw wrk/oha output, apiwarden metrics and logs in OUT/raw/, the configs used in OUT/configs/.

set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
HERE=$ROOT/scripts/bench-gateway
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}

usage() {
    cat <<EOF
usage: scripts/bench-gateway.sh [--quick] [--duration S] [--rounds N] [--rate R]
                                [--connections C] [--targets LIST] [--workloads LIST]
                                [--out DIR] [--bin PATH] [--no-latency] [--no-throughput]
  --quick          2 s runs, 1 round (smoke test); later flags override it
  --targets LIST   subset of direct,nginx,apiwarden-plain,apiwarden-full,apiwarden-detect
                   (default: all; apiwarden-detect's ratios need apiwarden-plain too)
  --workloads LIST subset of get,post
  --bin PATH       apiwarden binary to test (default: cargo build --release -p apiwarden)
Every flag has an environment equivalent; see the header of this script.
EOF
}

DURATION=${DURATION:-10}
ROUNDS=${ROUNDS:-3}
RATE=${RATE:-1000}
CONNECTIONS=${CONNECTIONS:-50}
WRK_THREADS=${WRK_THREADS:-1}
LAT_CONNECTIONS=${LAT_CONNECTIONS:-16}
OHA_THREADS=${OHA_THREADS:-}
WARMUP=${WARMUP:-2}
LATENCY=${LATENCY:-1}
THROUGHPUT=${THROUGHPUT:-1}
TARGETS=${TARGETS:-direct,nginx,apiwarden-plain,apiwarden-full,apiwarden-detect}
WORKLOADS=${WORKLOADS:-get,post}
OUT=${OUT:-}
APIWARDEN_BIN=${APIWARDEN_BIN:-}
OHA_VERSION=${OHA_VERSION:-1.16.0}
TOOLS_DIR=${APIWARDEN_TOOLS:-$HOME/.cache/apiwarden-tools}
PORT_UPSTREAM=${PORT_UPSTREAM:-18080}
PORT_NGINX=${PORT_NGINX:-18081}
PORT_PLAIN=${PORT_PLAIN:-18082}
PORT_PLAIN_ADMIN=${PORT_PLAIN_ADMIN:-18092}
PORT_FULL=${PORT_FULL:-18083}
PORT_FULL_ADMIN=${PORT_FULL_ADMIN:-18093}
PORT_DETECT=${PORT_DETECT:-18084}
PORT_DETECT_ADMIN=${PORT_DETECT_ADMIN:-18094}
BENCH_TMP=${BENCH_TMP:-${TMPDIR:-/tmp}}
SETTLE_MAX=${SETTLE_MAX:-15}
PLAIN_CONFIG=${PLAIN_CONFIG:-$HERE/apiwarden-plain.toml}
FULL_CONFIG=${FULL_CONFIG:-$HERE/apiwarden-full.toml}
DETECT_CONFIG=${DETECT_CONFIG:-$HERE/apiwarden-detect.toml}
LAT_DURATION_SET=${LAT_DURATION:-}
LAT_ROUNDS_SET=${LAT_ROUNDS:-}

while [ $# -gt 0 ]; do
    case $1 in
    --quick) DURATION=2 ROUNDS=1 LAT_DURATION_SET="" LAT_ROUNDS_SET="" ;;
    --duration) DURATION=$2 && shift ;;
    --rounds) ROUNDS=$2 && shift ;;
    --rate) RATE=$2 && shift ;;
    --connections) CONNECTIONS=$2 && shift ;;
    --targets) TARGETS=$2 && shift ;;
    --workloads) WORKLOADS=$2 && shift ;;
    --out) OUT=$2 && shift ;;
    --bin) APIWARDEN_BIN=$2 && shift ;;
    --no-latency) LATENCY=0 ;;
    --no-throughput) THROUGHPUT=0 ;;
    -h | --help) usage && exit 0 ;;
    *) usage >&2 && exit 2 ;;
    esac
    shift
done
LAT_DURATION=${LAT_DURATION_SET:-$DURATION}
LAT_ROUNDS=${LAT_ROUNDS_SET:-$ROUNDS}

log() { printf '[bench-gateway %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
die() {
    log "error: $*"
    exit 1
}

for knob in DURATION ROUNDS LAT_ROUNDS RATE CONNECTIONS WRK_THREADS LAT_CONNECTIONS LAT_DURATION WARMUP SETTLE_MAX \
    PORT_UPSTREAM PORT_NGINX PORT_PLAIN PORT_PLAIN_ADMIN PORT_FULL PORT_FULL_ADMIN PORT_DETECT PORT_DETECT_ADMIN; do
    [[ ${!knob} =~ ^[0-9]+$ ]] || die "$knob must be a whole number, not '${!knob}'"
done
for knob in DURATION ROUNDS LAT_ROUNDS RATE LAT_DURATION CONNECTIONS WRK_THREADS LAT_CONNECTIONS; do
    [ "${!knob}" -ge 1 ] || die "$knob must be at least 1"
done
[ -z "$OHA_THREADS" ] || [[ $OHA_THREADS =~ ^[1-9][0-9]*$ ]] || die "OHA_THREADS must be a positive number"

IFS=, read -r -a TARGET_LIST <<<"$TARGETS"
IFS=, read -r -a WORKLOAD_LIST <<<"$WORKLOADS"
if [ ${#TARGET_LIST[@]} -eq 0 ] || [ ${#WORKLOAD_LIST[@]} -eq 0 ]; then die "TARGETS and WORKLOADS must not be empty"; fi
for t in "${TARGET_LIST[@]}"; do
    case $t in
    direct | nginx | apiwarden-plain | apiwarden-full | apiwarden-detect) ;;
    *) die "unknown target '$t' (direct, nginx, apiwarden-plain, apiwarden-full, apiwarden-detect)" ;;
    esac
done
for w in "${WORKLOAD_LIST[@]}"; do
    case $w in get | post) ;; *) die "unknown workload '$w' (get, post)" ;; esac
done
has_target() {
    local t
    for t in "${TARGET_LIST[@]}"; do [ "$t" = "$1" ] && return 0; done
    return 1
}
NEED_APIWARDEN=0
{ has_target apiwarden-plain || has_target apiwarden-full || has_target apiwarden-detect; } && NEED_APIWARDEN=1

# ---------------------------------------------------------------- tools
apt_install() {
    log "installing with apt-get: $*"
    local sudo=()
    if [ "$(id -u)" != 0 ]; then
        command -v sudo >/dev/null || die "$* missing, and not root (no sudo either): apt-get install -y $*"
        sudo=(sudo)
    fi
    # The package lists of a fresh machine may be empty or stale.
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >&2 ||
        { "${sudo[@]}" apt-get update -q >&2 && "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >&2; } ||
        die "apt-get install $* failed"
}
find_nginx() { command -v nginx || { [ -x /usr/sbin/nginx ] && echo /usr/sbin/nginx; } || true; }
missing=()
[ -n "$(find_nginx)" ] || missing+=(nginx-light)
command -v wrk >/dev/null || missing+=(wrk)
command -v curl >/dev/null || missing+=(curl)
command -v jq >/dev/null || missing+=(jq)
[ ${#missing[@]} -eq 0 ] || apt_install "${missing[@]}"
NGINX=$(find_nginx)
[ -n "$NGINX" ] || die "nginx not found after installing nginx-light"
# On a fresh machine the nginx package starts its own service (port 80); it is left alone.

OHA=${OHA:-}
if [ "$LATENCY" = 1 ]; then
    [ -n "$OHA" ] || OHA=$(command -v oha || true)
    [ -n "$OHA" ] || { [ -x "$TOOLS_DIR/bin/oha" ] && OHA=$TOOLS_DIR/bin/oha; } || true
    if [ -z "$OHA" ]; then
        command -v cargo >/dev/null || die "oha is missing and cargo is not there to install it (or set OHA=/path/to/oha, or LATENCY=0)"
        log "installing oha $OHA_VERSION into $TOOLS_DIR (cargo install, a few minutes, once)"
        cargo install oha --version "$OHA_VERSION" --locked --root "$TOOLS_DIR" >&2 || die "cargo install oha failed"
        OHA=$TOOLS_DIR/bin/oha
    fi
    [ -x "$OHA" ] || die "oha at '$OHA' is not executable"
fi

# ---------------------------------------------------------------- ports, work dir, cleanup
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
PORTS=("upstream:$PORT_UPSTREAM")
has_target nginx && PORTS+=("nginx:$PORT_NGINX")
has_target apiwarden-plain && PORTS+=("apiwarden-plain:$PORT_PLAIN" "apiwarden-plain admin:$PORT_PLAIN_ADMIN")
has_target apiwarden-full && PORTS+=("apiwarden-full:$PORT_FULL" "apiwarden-full admin:$PORT_FULL_ADMIN")
has_target apiwarden-detect && PORTS+=("apiwarden-detect:$PORT_DETECT" "apiwarden-detect admin:$PORT_DETECT_ADMIN")
declare -A SEEN_PORT=()
for entry in "${PORTS[@]}"; do
    port=${entry##*:}
    [ -z "${SEEN_PORT[$port]:-}" ] || die "port $port is configured twice (${SEEN_PORT[$port]} and ${entry%:*})"
    SEEN_PORT[$port]=${entry%:*}
    ! port_busy "$port" || die "port $port (${entry%:*}) is in use on 127.0.0.1: stop what listens there or set the PORT_* variables"
done

WORK=$(mktemp -d "$BENCH_TMP/apiwarden-bench-gateway.XXXXXX")
# nginx workers run as 'nobody' when started by root: they must reach their temp dirs.
chmod 711 "$WORK"
STARTED=()   # long-running processes: nginx masters, apiwarden gateways
WORKERS=()   # nginx workers (they exit with their master; killed too if one is left)
LOADGEN=""   # the running wrk or oha
stop_pid() {
    local pid=$1 i
    kill -TERM "$pid" 2>/dev/null || return 0
    for ((i = 0; i < 50; i++)); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
}
cleanup() {
    local status=$?
    trap - EXIT INT TERM
    [ -z "$LOADGEN" ] || kill -TERM "$LOADGEN" 2>/dev/null || true
    local i pid
    # Gateways and masters in reverse start order, then any leftover worker.
    for ((i = ${#STARTED[@]} - 1; i >= 0; i--)); do stop_pid "${STARTED[$i]}"; done
    for pid in "${WORKERS[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    if [ "${KEEP_WORK:-0}" = 1 ]; then
        log "kept $WORK"
    else
        rm -rf "$WORK"
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT
trap 'log "terminated"; exit 143' TERM

if [ -z "$OUT" ]; then
    OUT=$TARGET_DIR/bench-gateway/$(date -u +%Y%m%dT%H%M%SZ)
fi
mkdir -p "$OUT/raw" "$OUT/configs"
OUT=$(cd "$OUT" && pwd)

# ---------------------------------------------------------------- apiwarden binary
REV=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
DIRTY=$(git -C "$ROOT" diff HEAD --stat -- . 2>/dev/null | tail -n 1)
[ -z "$DIRTY" ] || REV="$REV + uncommitted changes ($DIRTY; diff sha256 $(git -C "$ROOT" diff HEAD -- . | sha256sum | cut -c1-12))"
APIWARDEN=""
APIWARDEN_DESC=""
if [ "$NEED_APIWARDEN" = 1 ]; then
    if [ -n "$APIWARDEN_BIN" ]; then
        [ -x "$APIWARDEN_BIN" ] || die "APIWARDEN_BIN=$APIWARDEN_BIN is not an executable"
        src=$APIWARDEN_BIN
        APIWARDEN_DESC="given as $APIWARDEN_BIN, built $(date -u -r "$src" +%Y-%m-%dT%H:%M:%SZ)"
    else
        if [ "${SKIP_BUILD:-0}" != 1 ]; then
            log "building the release binary in $TARGET_DIR (cargo build --release -p apiwarden)"
            (cd "$ROOT" && cargo build --release -q -p apiwarden) >&2 || die "cargo build --release -p apiwarden failed"
        fi
        src=$TARGET_DIR/release/apiwarden
        [ -x "$src" ] || die "$src not found (build it, or set APIWARDEN_BIN)"
        APIWARDEN_DESC="$src, built $(date -u -r "$src" +%Y-%m-%dT%H:%M:%SZ)"
    fi
    # A private copy: a concurrent build in a shared target dir must not swap the binary.
    cp "$src" "$WORK/apiwarden"
    APIWARDEN=$WORK/apiwarden
    "$APIWARDEN" gateway --help >/dev/null 2>&1 || die "$src has no 'gateway' subcommand"
fi

# ---------------------------------------------------------------- request bodies
BODY=$WORK/order.json
# A realistic ~1 KB order (our own invented data), compact JSON as clients send it.
tr -d '\n' >"$BODY" <<'EOF'
{"order_ref":"WEB-2026-118734","created_at":"2026-12-04T14:03:27Z","channel":"web",
"customer":{"id":"cus_8JX2P4QK","name":"Ingrid Vasquez","email":"ingrid.vasquez@example.org",
"phone":"+31 20 794 1182","loyalty_tier":"silver"},
"shipping_address":{"line1":"Keizersgracht 418","line2":"3rd floor","city":"Amsterdam",
"postal_code":"1016 GC","country":"NL"},
"billing_address":{"line1":"Keizersgracht 418","city":"Amsterdam","postal_code":"1016 GC","country":"NL"},
"items":[{"sku":"DSK-ORG-WAL","name":"Walnut desk organiser","quantity":1,"unit_price_cents":2499},
{"sku":"LMP-ARC-BLK","name":"Arc desk lamp, matte black","quantity":1,"unit_price_cents":4599},
{"sku":"NTB-A5-DOT","name":"A5 dotted notebook","quantity":3,"unit_price_cents":450}],
"currency":"EUR","subtotal_cents":8448,"shipping_cents":495,"discount_code":"WINTER10",
"discount_cents":446,"total_cents":8497,"payment":{"method":"card","brand":"visa","last4":"4242",
"token":"tok_1Qx7bZ2eZvKYlo2C8kq3"},"gift_wrap":false,"notes":"Please leave the parcel with the
 neighbours at number 416 if nobody is home. Ring twice; the bell is quiet."}
EOF
jq -e . "$BODY" >/dev/null || die "the generated order body is not valid JSON"
BODY_BYTES=$(wc -c <"$BODY")
cp "$BODY" "$OUT/post-body.json"

declare -A WL_PATH=([get]=/api/items/42 [post]=/api/orders)
declare -A WL_STATUS=([get]=200 [post]=201)
declare -A BASE=(
    [direct]=http://127.0.0.1:$PORT_UPSTREAM
    [nginx]=http://127.0.0.1:$PORT_NGINX
    [apiwarden-plain]=http://127.0.0.1:$PORT_PLAIN
    [apiwarden-full]=http://127.0.0.1:$PORT_FULL
    [apiwarden-detect]=http://127.0.0.1:$PORT_DETECT
)
declare -A ADMIN=(
    [apiwarden-plain]=http://127.0.0.1:$PORT_PLAIN_ADMIN
    [apiwarden-full]=http://127.0.0.1:$PORT_FULL_ADMIN
    [apiwarden-detect]=http://127.0.0.1:$PORT_DETECT_ADMIN
)
declare -A PROXY_PIDS=([direct]="")
UPSTREAM_PIDS=""

# ---------------------------------------------------------------- processes
# children PID: the child processes of PID (no procps needed).
children() {
    local f line rest
    for f in /proc/[0-9]*/stat; do
        read -r line <"$f" 2>/dev/null || continue
        rest=${line##*) }
        read -r _ ppid _ <<<"$rest"
        [ "$ppid" = "$1" ] && { f=${f#/proc/}; echo "${f%/stat}"; }
    done
    return 0
}

# wait_ready URL PID LOG WHAT: until URL answers 2xx; dies (with LOG) if PID exits or 20 s pass.
wait_ready() {
    local url=$1 pid=$2 logfile=$3 what=$4 i
    for ((i = 0; i < 200; i++)); do
        curl -fsS -o /dev/null --max-time 1 "$url" 2>/dev/null && return 0
        if ! kill -0 "$pid" 2>/dev/null; then
            tail -n 30 "$logfile" >&2 || true
            die "$what exited during start-up (log above: $logfile)"
        fi
        sleep 0.1
    done
    tail -n 30 "$logfile" >&2 || true
    die "$what did not answer $url within 20 s"
}

# start_nginx NAME TEMPLATE PORT: leaves "master worker..." in NGINX_STARTED.
start_nginx() {
    local name=$1 template=$2 port=$3 prefix=$WORK/$1 pid
    mkdir -p "$prefix"
    chmod 755 "$prefix"
    sed -e "s|@PREFIX@|$prefix|g" -e "s|@PORT@|$port|g" -e "s|@UPSTREAM_PORT@|$PORT_UPSTREAM|g" \
        "$template" >"$prefix/nginx.conf"
    cp "$prefix/nginx.conf" "$OUT/configs/nginx-$name.conf"
    "$NGINX" -t -q -p "$prefix" -c "$prefix/nginx.conf" -e "$prefix/error.log" >"$prefix/output.log" 2>&1 ||
        { cat "$prefix/output.log" >&2; die "nginx rejected $prefix/nginx.conf (from $template)"; }
    "$NGINX" -p "$prefix" -c "$prefix/nginx.conf" -e "$prefix/error.log" </dev/null >>"$prefix/output.log" 2>&1 &
    pid=$!
    STARTED+=("$pid")
    wait_ready "http://127.0.0.1:$port/" "$pid" "$prefix/error.log" "nginx ($name)"
    local workers
    workers=$(children "$pid" | tr '\n' ' ')
    [ -n "$workers" ] || die "nginx ($name): no worker process found under master $pid"
    # shellcheck disable=SC2206
    WORKERS+=($workers)
    NGINX_STARTED="$pid $workers"
    log "nginx ($name) on 127.0.0.1:$port: master $pid, worker(s) $workers"
}

# start_apiwarden TARGET TEMPLATE PORT ADMIN_PORT
start_apiwarden() {
    local target=$1 template=$2 port=$3 admin=$4 pid
    local config=$WORK/$target.toml
    sed -e "s|@LISTEN@|127.0.0.1:$port|g" -e "s|@ADMIN_LISTEN@|127.0.0.1:$admin|g" \
        -e "s|@UPSTREAM@|http://127.0.0.1:$PORT_UPSTREAM|g" -e "s|@STORE@|$WORK/$target.db|g" \
        "$template" >"$config"
    cp "$config" "$OUT/configs/"
    (cd "$WORK" && exec "$APIWARDEN" gateway --config "$config") </dev/null >"$WORK/$target.log" 2>&1 &
    pid=$!
    STARTED+=("$pid")
    wait_ready "http://127.0.0.1:$admin/readyz" "$pid" "$WORK/$target.log" "apiwarden gateway ($target)"
    PROXY_PIDS[$target]=$pid
    log "apiwarden gateway ($target) on 127.0.0.1:$port, admin $admin: pid $pid, config $config"
}

# cpu_ticks PID...: utime + stime (fields 14 and 15 of /proc/PID/stat, all threads) summed.
cpu_ticks() {
    [ $# -gt 0 ] || { echo 0 && return; }
    local pid line total=0 f
    for pid in "$@"; do
        read -r line <"/proc/$pid/stat" || die "process $pid is gone (see the logs in $WORK; KEEP_WORK=1 keeps them)"
        read -r -a f <<<"${line##*) }"
        total=$((total + f[11] + f[12]))
    done
    echo "$total"
}
CLK_TCK=$(getconf CLK_TCK)
# machine_stat: "busy total steal" jiffies of all CPUs, from /proc/stat.
machine_stat() {
    local user nice system idle iowait irq softirq steal rest
    read -r _ user nice system idle iowait irq softirq steal rest </proc/stat
    echo "$((user + nice + system + irq + softirq)) $((user + nice + system + idle + iowait + irq + softirq + steal)) $steal"
}

# settle PID...: waits until the processes have used at most 1 tick of CPU in each of three
# consecutive 0.5 s windows (the gateway may still be analysing captured calls after the
# last response), at most SETTLE_MAX s; prints the seconds it took.
settle() {
    local start now quiet=0 before after
    start=$(date +%s%N)
    before=$(cpu_ticks "$@")
    while :; do
        sleep 0.5
        after=$(cpu_ticks "$@")
        if [ $((after - before)) -le 1 ]; then quiet=$((quiet + 1)); else quiet=0; fi
        before=$after
        now=$(date +%s%N)
        if [ "$quiet" -ge 3 ]; then break; fi
        if [ $(((now - start) / 1000000000)) -ge "$SETTLE_MAX" ]; then
            log "warning: still busy ${SETTLE_MAX} s after the load (SETTLE_MAX)"
            break
        fi
    done
    # The quiet windows themselves are not part of the drain time.
    awk -v ns=$((now - start)) 'BEGIN { t = ns / 1e9 - 1.5; printf "%.1f", (t < 0 ? 0 : t) }'
}

# ---------------------------------------------------------------- start everything
log "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); output in $OUT"
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
start_nginx upstream "$HERE/upstream.nginx.conf" "$PORT_UPSTREAM"
UPSTREAM_PIDS=$NGINX_STARTED
if has_target nginx; then
    start_nginx proxy "$HERE/proxy.nginx.conf" "$PORT_NGINX"
    PROXY_PIDS[nginx]=$NGINX_STARTED
fi
has_target apiwarden-plain && start_apiwarden apiwarden-plain "$PLAIN_CONFIG" "$PORT_PLAIN" "$PORT_PLAIN_ADMIN"
has_target apiwarden-full && start_apiwarden apiwarden-full "$FULL_CONFIG" "$PORT_FULL" "$PORT_FULL_ADMIN"
has_target apiwarden-detect && start_apiwarden apiwarden-detect "$DETECT_CONFIG" "$PORT_DETECT" "$PORT_DETECT_ADMIN"

# Sanity checks through every target: the right status and answer for each workload, the
# POST body forwarded whole, and the connection still usable after a POST.
# refused_hint STATUS...: why a 403 matters (the benchmark's requests are all legitimate).
refused_hint() {
    case " $* " in
    *" 403 "*) echo " (403: attack detection refused a legitimate benchmark request, a false positive; the problem body and the gateway log name the rule)" ;;
    esac
}
for target in "${TARGET_LIST[@]}"; do
    base=${BASE[$target]}
    got=$(curl -sS --max-time 5 -o "$WORK/check.body" -w '%{http_code}' "$base/api/items/42") || die "$target: GET failed"
    if [ "$got" != 200 ] || ! jq -e '.id == 42' "$WORK/check.body" >/dev/null 2>&1; then
        die "$target: GET /api/items/42 answered $got$(refused_hint "$got"): $(head -c 300 "$WORK/check.body")"
    fi
    # (-H 'Expect:': curl would send 'Expect: 100-continue' for a body over 1 KB; wrk and oha do not.)
    got=$(curl -sS --max-time 5 -o "$WORK/check.body" -w '%{http_code}' -H 'Expect:' \
        -H 'content-type: application/json' --data-binary "@$BODY" "$base/__bench/received") || die "$target: POST failed"
    [ "$got" = 200 ] ||
        die "$target: POST /__bench/received answered $got$(refused_hint "$got"): $(head -c 300 "$WORK/check.body")"
    jq -e --arg n "$BODY_BYTES" '.method == "POST" and .content_type == "application/json"
        and (.content_length == $n or (.transfer_encoding | test("chunked")))' "$WORK/check.body" >/dev/null ||
        die "$target: the upstream did not receive the POST as sent ($BODY_BYTES bytes): $(head -c 300 "$WORK/check.body")"
    got=$(curl -sS --max-time 5 -o /dev/null -w '%{http_code} %{num_connects}\n' \
        -H 'Expect:' -H 'content-type: application/json' --data-binary "@$BODY" "$base/api/orders" \
        --next -o /dev/null -w '%{http_code} %{num_connects}\n' "$base/api/items/42" |
        paste -sd' ') || die "$target: POST then GET failed"
    case $got in
    "201 1 200 0") ;;
    "201 1 200 1") log "warning: $target closed the client connection after a POST (curl had to reconnect)" ;;
    *) die "$target: POST then GET gave '$got' (want '201 1 200 0': status and new connections of each)$(refused_hint "$got")" ;;
    esac
done
log "sanity checks passed for: ${TARGET_LIST[*]} (POST body $BODY_BYTES bytes)"

# ---------------------------------------------------------------- load runs
# run_wrk OUTFILE TARGET WORKLOAD DURATION: wrk in the background (so Ctrl-C/TERM act at once).
run_wrk() {
    local outfile=$1 target=$2 workload=$3 seconds=$4
    local url=${BASE[$target]}${WL_PATH[$workload]} extra=()
    [ "$workload" = post ] && extra=(-- POST "$BODY" application/json)
    wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"${seconds}s" -s "$HERE/wrk.lua" "$url" "${extra[@]}" \
        >"$outfile" 2>&1 </dev/null &
    LOADGEN=$!
    wait "$LOADGEN" || { cat "$outfile" >&2; die "wrk failed against $target ($workload)"; }
    LOADGEN=""
}

# run_oha OUTFILE TARGET WORKLOAD
run_oha() {
    local outfile=$1 target=$2 workload=$3
    local url=${BASE[$target]}${WL_PATH[$workload]} extra=()
    [ "$workload" = post ] && extra=(-m POST -D "$BODY" -T application/json)
    [ -n "$OHA_THREADS" ] && extra+=(--worker-threads "$OHA_THREADS")
    "$OHA" -z "${LAT_DURATION}s" -q "$RATE" --latency-correction -w --no-tui -c "$LAT_CONNECTIONS" \
        --output-format json -o "$outfile" "${extra[@]}" "$url" </dev/null >"$outfile.log" 2>&1 &
    LOADGEN=$!
    wait "$LOADGEN" || { cat "$outfile.log" >&2; die "oha failed against $target ($workload)"; }
    LOADGEN=""
    [ -s "$outfile.log" ] || rm -f "$outfile.log"
}

# rotated ROUND: the targets in this round's order (rotated by one each round).
rotated() {
    local n=${#TARGET_LIST[@]} i
    for ((i = 0; i < n; i++)); do echo "${TARGET_LIST[$(((i + $1 - 1) % n))]}"; done
}

metrics_snapshot() {
    local target=$1 file=$2
    [ -n "${ADMIN[$target]:-}" ] || return 0
    curl -sS --max-time 5 "${ADMIN[$target]}/metrics" >"$file" 2>/dev/null || rm -f "$file"
}
# metric_delta BEFORE AFTER NAME [LABEL]: growth of a Prometheus counter (summed over its
# labels; with LABEL, e.g. layer="detection", only over the series that carry it) between
# two snapshots; empty when a snapshot is missing.
metric_sum() {
    awk -v n="$2" -v l="${3:-}" '($1 == n || index($1, n "{") == 1) && (l == "" || index($1, l) > 0) { s += $NF }
        END { printf "%.0f", s }' "$1"
}
metric_delta() {
    [ -f "$1" ] && [ -f "$2" ] || return 0
    echo $(($(metric_sum "$2" "$3" "${4:-}") - $(metric_sum "$1" "$3" "${4:-}")))
}
# detection_rules SNAPSHOT: "rule=count, ..." of the detection layer's rejections (cumulative).
detection_rules() {
    [ -f "$1" ] || return 0
    sed -n 's/^apiwarden_gateway_rejections_total{\(.*layer="detection".*\)} \([0-9.e+]*\)$/\1 \2/p' "$1" |
        sed -n 's/.*rule="\([^"]*\)".* \([0-9.e+]*\)$/\1=\2/p' | paste -sd, - | sed 's/,/, /g'
}
# Failures of apiwarden-detect on the (legitimate) benchmark requests: reported, then exit 1.
DETECT_FAILURES=()

TP=$OUT/throughput.tsv
LAT=$OUT/latency.tsv
printf 'round\tworkload\ttarget\trequests\tduration_s\treq_per_s\tproxy_cpu_s\treq_per_proxy_cpu_s\tupstream_cpu_s\treq_per_upstream_cpu_s\tmachine_busy_pct\tsteal_pct\tdrain_s\terrors\terrors_status\tcaptured\tanalyzed\tdropped\tcapture_failed\trate_limited\tdetection_refused\twrk_p50_ms\twrk_p99_ms\tload1\n' >"$TP"
printf 'round\tworkload\ttarget\trate\tachieved_req_per_s\trequests\tsuccess_rate\tunexpected_status\tp50_ms\tp90_ms\tp99_ms\tp999_ms\tmax_ms\tload1\n' >"$LAT"

if [ "$WARMUP" -gt 0 ]; then
    for workload in "${WORKLOAD_LIST[@]}"; do
        for target in "${TARGET_LIST[@]}"; do
            log "warm-up: $target $workload (${WARMUP} s)"
            run_wrk "$OUT/raw/warmup-$workload-$target.txt" "$target" "$workload" "$WARMUP"
        done
    done
    pids_all="$UPSTREAM_PIDS"
    for target in "${TARGET_LIST[@]}"; do pids_all+=" ${PROXY_PIDS[$target]}"; done
    # shellcheck disable=SC2086
    settle $pids_all >/dev/null
fi

if [ "$THROUGHPUT" = 1 ]; then
    for ((round = 1; round <= ROUNDS; round++)); do
        for workload in "${WORKLOAD_LIST[@]}"; do
            for target in $(rotated "$round"); do
                tag="r$round-$workload-$target"
                m0=$WORK/metrics-before.txt
                m1=$OUT/raw/metrics-$tag.txt
                rm -f "$m0"
                metrics_snapshot "$target" "$m0"
                # shellcheck disable=SC2086
                {
                    load1=$(cut -d' ' -f1 /proc/loadavg)
                    p0=$(cpu_ticks ${PROXY_PIDS[$target]})
                    u0=$(cpu_ticks $UPSTREAM_PIDS)
                    read -r busy0 total0 steal0 <<<"$(machine_stat)"
                    run_wrk "$OUT/raw/wrk-$tag.txt" "$target" "$workload" "$DURATION"
                    read -r busy1 total1 steal1 <<<"$(machine_stat)"
                    drain=$(settle ${PROXY_PIDS[$target]} $UPSTREAM_PIDS)
                    p1=$(cpu_ticks ${PROXY_PIDS[$target]})
                    u1=$(cpu_ticks $UPSTREAM_PIDS)
                }
                metrics_snapshot "$target" "$m1"
                # What the gateway did with the calls: analysed, dropped from analysis
                # (queue full: then the CPU per call understates analysis), rate limited,
                # refused (or, in monitor mode, flagged) by attack detection.
                captured=$(metric_delta "$m0" "$m1" apiwarden_gateway_capture_queued_total)
                analyzed=$(metric_delta "$m0" "$m1" apiwarden_gateway_capture_analyzed_total)
                dropped=$(metric_delta "$m0" "$m1" apiwarden_gateway_capture_dropped_total)
                failed=$(metric_delta "$m0" "$m1" apiwarden_gateway_capture_failed_total)
                limited=$(metric_delta "$m0" "$m1" apiwarden_gateway_rejections_total 'layer="rate_limit"')
                detected=$(metric_delta "$m0" "$m1" apiwarden_gateway_rejections_total 'layer="detection"')
                json=$(sed -n 's/^WRKJSON //p' "$OUT/raw/wrk-$tag.txt")
                [ -n "$json" ] || { cat "$OUT/raw/wrk-$tag.txt" >&2; die "no summary from wrk ($tag)"; }
                row=$(jq -r --arg round "$round" --arg workload "$workload" --arg target "$target" \
                    --argjson tck "$CLK_TCK" --argjson dp "$((p1 - p0))" --argjson du "$((u1 - u0))" \
                    --argjson busy "$((busy1 - busy0))" --argjson total "$((total1 - total0))" \
                    --argjson steal "$((steal1 - steal0))" --arg drain "$drain" --arg load1 "$load1" \
                    --arg captured "$captured" --arg analyzed "$analyzed" --arg dropped "$dropped" \
                    --arg failed "$failed" --arg limited "$limited" --arg detected "$detected" \
                    --argjson proxied "$([ -n "${PROXY_PIDS[$target]}" ] && echo true || echo false)" '
                    def r(n): (. * pow(10; n) | round) / pow(10; n);
                    (.duration_us / 1e6) as $d
                    | [$round, $workload, $target, .requests, ($d | r(3)), (.requests / $d | round),
                       (if $proxied then ($dp / $tck | r(2)) else "" end),
                       (if $proxied then (if $dp > 0 then (.requests / ($dp / $tck) | round) else "" end) else "" end),
                       ($du / $tck | r(2)),
                       (if $du > 0 then (.requests / ($du / $tck) | round) else "" end),
                       (if $total > 0 then (100 * $busy / $total | r(1)) else "" end),
                       (if $total > 0 then (100 * $steal / $total | r(1)) else "" end),
                       $drain,
                       (.errors_connect + .errors_read + .errors_write + .errors_status + .errors_timeout),
                       .errors_status, $captured, $analyzed, $dropped, $failed, $limited, $detected,
                       (.latency_p50_us / 1000 | r(3)), (.latency_p99_us / 1000 | r(3)), $load1]
                    | map(tostring) | join("\t")' <<<"$json")
                printf '%s\n' "$row" >>"$TP"
                # (tab is IFS white space, so empty fields would merge: split on \x1f instead)
                IFS=$'\x1f' read -r -a f <<<"${row//$'\t'/$'\x1f'}"
                log "throughput $tag: ${f[5]} req/s, proxy CPU ${f[6]:--} s (${f[7]:--} req/CPU-s), upstream CPU ${f[8]} s, machine ${f[10]}% busy, drained in ${f[12]} s, ${f[13]} errors${captured:+, captured $captured, analysed $analyzed, dropped $dropped, failed $failed, rate limited $limited, refused by detection $detected}"
                [ "${dropped:-0}" = 0 ] ||
                    log "warning: $tag: $dropped calls dropped from analysis (queue full): the gateway's CPU per call leaves their analysis out"
                [ "${limited:-0}" = 0 ] || log "warning: $tag: $limited calls rate limited: the limit is meant to stay far above the load"
                [ "${f[13]}" = 0 ] || log "warning: $tag had ${f[13]} errors or non-2xx answers (see $OUT/raw/wrk-$tag.txt)"
                # wrk counts a 403 as a request done (and an error): refusals of these
                # legitimate requests would inflate apiwarden-detect's throughput, so they fail the run.
                if [ "$target" = apiwarden-detect ] && { [ "${f[14]}" != 0 ] || [ "${detected:-0}" != 0 ]; }; then
                    msg="$tag: ${f[14]} of ${f[3]} answers were >= 400 and ${detected:-?} were refused by attack detection (rules so far: $(detection_rules "$m1")); the benchmark's requests are legitimate, so these are false positives and this run's throughput is not valid (see $OUT/raw/wrk-$tag.txt and raw/apiwarden-detect.log)"
                    DETECT_FAILURES+=("$msg")
                    log "ERROR: $msg"
                fi
                [ "${f[3]}" -gt 0 ] || die "$tag: no request completed"
            done
        done
    done
fi

if [ "$LATENCY" = 1 ]; then
    for ((round = 1; round <= LAT_ROUNDS; round++)); do
        for workload in "${WORKLOAD_LIST[@]}"; do
            for target in $(rotated "$round"); do
                tag="r$round-$workload-$target"
                load1=$(cut -d' ' -f1 /proc/loadavg)
                run_oha "$OUT/raw/oha-$tag.json" "$target" "$workload"
                # shellcheck disable=SC2086
                settle ${PROXY_PIDS[$target]} $UPSTREAM_PIDS >/dev/null
                row=$(jq -r --arg round "$round" --arg workload "$workload" --arg target "$target" \
                    --arg rate "$RATE" --arg want "${WL_STATUS[$workload]}" --arg load1 "$load1" '
                    def r(n): (. * pow(10; n) | round) / pow(10; n);
                    def ms: (. // 0) * 1000 | r(3);
                    ((.statusCodeDistribution // {}) | to_entries) as $codes
                    | ([$codes[].value] | add // 0) as $n
                    | [$round, $workload, $target, $rate, (.summary.requestsPerSec | round), $n,
                       (.summary.successRate | r(4)),
                       ([$codes[] | select(.key != $want) | .value] | add // 0),
                       (.latencyPercentiles.p50 | ms), (.latencyPercentiles.p90 | ms),
                       (.latencyPercentiles.p99 | ms), (.latencyPercentiles["p99.9"] | ms),
                       (.summary.slowest | ms), $load1]
                    | map(tostring) | join("\t")' "$OUT/raw/oha-$tag.json") ||
                    die "could not read oha's JSON ($OUT/raw/oha-$tag.json; oha $("$OHA" --version))"
                printf '%s\n' "$row" >>"$LAT"
                # (tab is IFS white space, so empty fields would merge: split on \x1f instead)
                IFS=$'\x1f' read -r -a f <<<"${row//$'\t'/$'\x1f'}"
                log "latency $tag: ${f[4]} req/s achieved, p50 ${f[8]} ms, p99 ${f[10]} ms, p99.9 ${f[11]} ms, success ${f[6]}"
                if [ "${f[7]}" != 0 ] || [ "${f[6]}" != 1 ]; then
                    log "warning: $tag: success rate ${f[6]}, ${f[7]} answers other than ${WL_STATUS[$workload]} (see $OUT/raw/oha-$tag.json)"
                    if [ "$target" = apiwarden-detect ] && [ "${f[7]}" != 0 ]; then
                        msg="$tag (open loop): ${f[7]} of ${f[5]} answers other than ${WL_STATUS[$workload]} (a 403 is attack detection refusing a legitimate request; see $OUT/raw/oha-$tag.json and raw/apiwarden-detect.log)"
                        DETECT_FAILURES+=("$msg")
                        log "ERROR: $msg"
                    fi
                fi
                awk -v a="${f[4]}" -v r="$RATE" 'BEGIN { exit !(a < 0.95 * r) }' &&
                    log "warning: $tag reached ${f[4]} of $RATE req/s: RATE is not below saturation"
            done
        done
    done
fi

# ---------------------------------------------------------------- summary
# tsv_json FILE: the TSV as a JSON array of objects (numbers as numbers, "" as null).
tsv_json() {
    jq -Rs 'split("\n") | map(select(length > 0) | split("\t")) | .[0] as $h | .[1:]
        | map([$h, .] | transpose | map({(.[0]): (.[1] | if . == "" then null else (tonumber? // .) end)}) | add)' "$1"
}
tsv_json "$TP" >"$WORK/tp.json"
tsv_json "$LAT" >"$WORK/lat.json"

NGINX_VERSION=$("$NGINX" -v 2>&1 | sed 's/^nginx version: //')
WRK_VERSION=$(wrk -v 2>&1 | head -n 1 | awk '{ print $1 " " $2 }' || true)
OHA_VERSION_USED=$({ [ -n "$OHA" ] && "$OHA" --version 2>/dev/null; } || echo "oha not used")
APIWARDEN_VERSION=$({ [ -n "$APIWARDEN" ] && "$APIWARDEN" --version 2>/dev/null; } || echo "not used")
if [ ${#DETECT_FAILURES[@]} -gt 0 ]; then printf '%s\n' "${DETECT_FAILURES[@]}"; fi >"$WORK/detect-failures.txt"

jq -n --slurpfile tp "$WORK/tp.json" --slurpfile lat "$WORK/lat.json" \
    --arg date "$(date -u +%Y-%m-%dT%H:%M:%SZ)" --arg host "$(nproc) cores, $(uname -srm)" \
    --arg load "$LOAD_START" --arg nginx "$NGINX_VERSION" --arg wrk "$WRK_VERSION" \
    --arg oha "$OHA_VERSION_USED" --arg apiwarden "$APIWARDEN_VERSION" --arg apiwarden_build "$APIWARDEN_DESC" \
    --arg rev "$REV" --argjson duration "$DURATION" --argjson rounds "$ROUNDS" --argjson rate "$RATE" \
    --argjson lat_duration "$LAT_DURATION" --argjson lat_rounds "$LAT_ROUNDS" --argjson connections "$CONNECTIONS" \
    --argjson lat_connections "$LAT_CONNECTIONS" --argjson body "$BODY_BYTES" \
    --rawfile detect_failures "$WORK/detect-failures.txt" \
    --argjson targets "$(printf '%s\n' "${TARGET_LIST[@]}" | jq -R . | jq -s .)" \
    --argjson workloads "$(printf '%s\n' "${WORKLOAD_LIST[@]}" | jq -R . | jq -s .)" '
    def median: map(select(. != null)) | sort | if length == 0 then null
        elif length % 2 == 1 then .[(length - 1) / 2] else (.[length / 2 - 1] + .[length / 2]) / 2 end;
    def r(n): if . == null then null else (. * pow(10; n) | round) / pow(10; n) end;
    $tp[0] as $tp | $lat[0] as $lat
    | {
        date: $date, machine: $host, load_at_start: $load, repository: $rev,
        versions: {nginx: $nginx, wrk: $wrk, oha: $oha, apiwarden: $apiwarden, apiwarden_binary: $apiwarden_build},
        settings: {duration_s: $duration, rounds: $rounds, connections: $connections, rate: $rate,
                   latency_duration_s: $lat_duration, latency_rounds: $lat_rounds, latency_connections: $lat_connections,
                   post_body_bytes: $body, targets: $targets, workloads: $workloads},
        throughput: [ $workloads[] as $w | $targets[] as $t
            | [$tp[] | select(.workload == $w and .target == $t)] as $runs
            | select($runs | length > 0)
            | {workload: $w, target: $t, runs: ($runs | length),
               req_per_s: ([$runs[].req_per_s] | median | r(0)),
               proxy_cpu_s: ([$runs[].proxy_cpu_s] | median | r(2)),
               req_per_proxy_cpu_s: ([$runs[].req_per_proxy_cpu_s] | median | r(0)),
               upstream_cpu_s: ([$runs[].upstream_cpu_s] | median | r(2)),
               req_per_upstream_cpu_s: ([$runs[].req_per_upstream_cpu_s] | median | r(0)),
               machine_busy_pct: ([$runs[].machine_busy_pct] | median | r(1)),
               drain_s: ([$runs[].drain_s] | median | r(1)),
               errors: ([$runs[].errors] | add),
               errors_status: ([$runs[].errors_status] | add),
               captured: ([$runs[].captured] | if all(. == null) then null else add end),
               analyzed: ([$runs[].analyzed] | if all(. == null) then null else add end),
               dropped: ([$runs[].dropped] | if all(. == null) then null else add end),
               capture_failed: ([$runs[].capture_failed] | if all(. == null) then null else add end),
               rate_limited: ([$runs[].rate_limited] | if all(. == null) then null else add end),
               detection_refused: ([$runs[].detection_refused] | if all(. == null) then null else add end),
               ratio_to_nginx_per_round: [ $runs[] as $run
                   | ($tp[] | select(.workload == $w and .target == "nginx" and .round == $run.round)) as $n
                   | if $run.req_per_proxy_cpu_s != null and $n.req_per_proxy_cpu_s != null
                     then ($run.req_per_proxy_cpu_s / $n.req_per_proxy_cpu_s | r(3)) else empty end ]}
            | .ratio_to_nginx = (.ratio_to_nginx_per_round | median | r(3))
            # apiwarden-detect against apiwarden-plain in the same round: the cost of detection.
            | if $t != "apiwarden-detect" then . else
                ([ $runs[] as $run
                   | ($tp[] | select(.workload == $w and .target == "apiwarden-plain" and .round == $run.round)) as $p
                   | {cpu: (if $run.req_per_proxy_cpu_s != null and $p.req_per_proxy_cpu_s != null
                            then ($run.req_per_proxy_cpu_s / $p.req_per_proxy_cpu_s | r(3)) else null end),
                      rps: (if $run.req_per_s != null and ($p.req_per_s // 0) > 0
                            then ($run.req_per_s / $p.req_per_s | r(3)) else null end)} ]) as $pr
                | .ratio_to_plain_per_round = [$pr[].cpu | select(. != null)]
                | .ratio_to_plain = (.ratio_to_plain_per_round | median | r(3))
                | .req_per_s_ratio_to_plain_per_round = [$pr[].rps | select(. != null)]
                | .req_per_s_ratio_to_plain = (.req_per_s_ratio_to_plain_per_round | median | r(3))
              end ],
        latency: [ $workloads[] as $w | $targets[] as $t
            | [$lat[] | select(.workload == $w and .target == $t)] as $runs
            | select($runs | length > 0)
            | {workload: $w, target: $t, runs: ($runs | length),
               achieved_req_per_s: ([$runs[].achieved_req_per_s] | median | r(0)),
               p50_ms: ([$runs[].p50_ms] | median | r(3)), p90_ms: ([$runs[].p90_ms] | median | r(3)),
               p99_ms: ([$runs[].p99_ms] | median | r(3)), p999_ms: ([$runs[].p999_ms] | median | r(3)),
               min_success_rate: ([$runs[].success_rate] | min),
               unexpected_status: ([$runs[].unexpected_status] | add),
               added_p99_ms_per_round: [ $runs[] as $run
                   | ($lat[] | select(.workload == $w and .target == "direct" and .round == $run.round)) as $d
                   | ($run.p99_ms - $d.p99_ms | r(3)) ]}
            | .added_p99_ms = (.added_p99_ms_per_round | median | r(3)) ],
        detect_failures: ($detect_failures | split("\n") | map(select(length > 0)))
      }
    | . as $s
    # Every floor gets a line; value and pass are null when this run could not measure it.
    | .floors = [ $workloads[] as $w
        | ({target: "apiwarden-plain", floor: "req per proxy CPU-s >= 0.7x NGINX (capture off)", min: 0.7, unit: "x",
            key: "ratio_to_nginx", base: "nginx"},
           {target: "apiwarden-full", floor: "req per proxy CPU-s >= 0.5x NGINX (capture, analysis, rate limiting)", min: 0.5, unit: "x",
            key: "ratio_to_nginx", base: "nginx"},
           {target: "apiwarden-detect", floor: "req per proxy CPU-s >= 0.8x apiwarden-plain (detection on)", min: 0.8, unit: "x",
            key: "ratio_to_plain", base: "apiwarden-plain"}) as $f
        | ([$s.throughput[] | select(.workload == $w and .target == $f.target)][0]) as $row
        | ($row[$f.key]) as $v
        # apiwarden-detect: a refused (or otherwise >= 400) benchmark request fails the floor
        # whatever the ratio (wrk counts it as a request done).
        | (if $f.target == "apiwarden-detect" then ($row.errors_status // 0) + ($row.detection_refused // 0) else 0 end) as $bad
        | {workload: $w, target: $f.target, floor: $f.floor, unit: $f.unit, value: $v,
           pass: (if $v == null then null else $v >= $f.min and $bad == 0 end),
           needs: "targets \($f.base) and \($f.target), closed loop",
           note: ([ (if ($row.dropped // 0) > 0
                     then "\($row.dropped) of \($row.dropped + ($row.captured // 0)) calls were dropped from analysis (queue full), so their analysis is not in the CPU count"
                     else empty end),
                    (if $bad > 0
                     then "\($row.errors_status // 0) answers >= 400, \($row.detection_refused // 0) refused by attack detection: legitimate requests refused (false positives), so the throughput is not valid"
                     else empty end) ] | if length == 0 then null else join("; ") end)} ]
      + [ $workloads[] as $w | ("apiwarden-plain", "apiwarden-full") as $t
        | ([$s.latency[] | select(.workload == $w and .target == $t) | .added_p99_ms][0]) as $v
        | {workload: $w, target: $t, floor: "p99 added vs direct <= 1 ms at \($rate) req/s", unit: " ms",
           value: $v, pass: (if $v == null then null else $v <= 1 end),
           needs: "targets direct and \($t), open loop"} ]
    ' >"$OUT/summary.json"

# ---------------------------------------------------------------- report (stdout)
report() {
    local s=$OUT/summary.json
    jq -r '
        "apiwarden gateway load benchmark, \(.date), \(.machine); load at start \(.load_at_start)",
        "",
        "- repository: \(.repository); apiwarden: \(.versions.apiwarden)\(.versions.apiwarden_binary | if . == "" then "" else " (\(.))" end)",
        "- tools: \(.versions.nginx) (upstream and NGINX target, 1 worker each), \(.versions.wrk), \(.versions.oha)",
        "- workloads: get = GET /api/items/42 (93-byte JSON answer); post = POST /api/orders with a \(.settings.post_body_bytes)-byte JSON order (84-byte JSON 201 answer)",
        "- closed loop: wrk -t1 -c\(.settings.connections) -d\(.settings.duration_s)s per target and workload, \(.settings.rounds) round(s) interleaved; medians. Open loop: oha -q \(.settings.rate) --latency-correction -c\(.settings.latency_connections) -z \(.settings.latency_duration_s)s per target and workload, \(.settings.latency_rounds) round(s) interleaved; medians",
        "- each column is its own median over the rounds; the ratios and added latencies are taken within a round (same machine conditions), then their median"' "$s"
    if [ "$THROUGHPUT" = 1 ]; then
        echo
        echo "### Throughput (closed loop) and requests per CPU-second of the proxy process"
        echo
        echo "| workload | target | req/s | proxy CPU s | req per proxy CPU-s | ÷ NGINX (median of per-round ratios) | per round | upstream CPU s | req per upstream CPU-s | machine busy % | errors | calls analysed / dropped from analysis / rate limited (all rounds) | analysis drain after the load, s |"
        echo "|---|---|---:|---:|---:|---:|---|---:|---:|---:|---:|---|---:|"
        jq -r '.throughput[] | "| \(.workload) | \(.target) | \(.req_per_s) | \(.proxy_cpu_s // "– (no proxy)") | \(.req_per_proxy_cpu_s // "–") | \(if .target == "nginx" then "1" elif .target == "direct" then "–" else (.ratio_to_nginx // "–") end) | \(.ratio_to_nginx_per_round | map(tostring) | join(" / ")) | \(.upstream_cpu_s) | \(.req_per_upstream_cpu_s) | \(.machine_busy_pct) | \(.errors) | \(if .analyzed == null then "–" else "\(.analyzed) / \(.dropped) / \(.rate_limited)" end) | \(if .analyzed == null then "–" else .drain_s end) |"' "$s"
    fi
    if [ "$THROUGHPUT" = 1 ] && jq -e 'any(.throughput[]; .target == "apiwarden-detect")' "$s" >/dev/null; then
        echo
        echo "### Cost of attack detection: apiwarden-detect ÷ apiwarden-plain (closed loop, same round)"
        echo
        echo "| workload | apiwarden-detect req/s | apiwarden-plain req/s | req/s ÷ apiwarden-plain (median of per-round ratios) | per round | apiwarden-detect req per proxy CPU-s | apiwarden-plain req per proxy CPU-s | req per proxy CPU-s ÷ apiwarden-plain (median of per-round ratios) | per round | errors | answers >= 400 | refused by detection |"
        echo "|---|---:|---:|---:|---|---:|---:|---:|---|---:|---:|---:|"
        jq -r '.throughput as $all | $all[] | select(.target == "apiwarden-detect") | .workload as $w
            | ([$all[] | select(.workload == $w and .target == "apiwarden-plain")][0] // {}) as $p
            | "| \(.workload) | \(.req_per_s) | \($p.req_per_s // "–") | \(.req_per_s_ratio_to_plain // "–") | \(.req_per_s_ratio_to_plain_per_round | map(tostring) | join(" / ")) | \(.req_per_proxy_cpu_s // "–") | \($p.req_per_proxy_cpu_s // "–") | \(.ratio_to_plain // "–") | \(.ratio_to_plain_per_round | map(tostring) | join(" / ")) | \(.errors) | \(.errors_status) | \(.detection_refused // "–") |"' "$s"
    fi
    if [ "$LATENCY" = 1 ]; then
        echo
        echo "### Latency at a fixed rate (open loop, $RATE req/s, corrected for coordinated omission)"
        echo
        echo "| workload | target | achieved req/s | p50 ms | p90 ms | p99 ms | p99.9 ms | p99 added vs direct, ms (per round) | min success rate | unexpected status |"
        echo "|---|---|---:|---:|---:|---:|---:|---|---:|---:|"
        jq -r '.latency[] | "| \(.workload) | \(.target) | \(.achieved_req_per_s) | \(.p50_ms) | \(.p90_ms) | \(.p99_ms) | \(.p999_ms) | \(if .target == "direct" then "–" else "\(.added_p99_ms // "–") (\(.added_p99_ms_per_round | map(tostring) | join(" / ")))" end) | \(.min_success_rate) | \(.unexpected_status) |"' "$s"
    fi
    echo
    echo "### Floors"
    echo
    jq -r '.floors[] | "- \(.workload), \(.target): \(.floor): \(if .pass == null then "n/a (needs \(.needs))" elif .pass then "PASS (\(.value)\(.unit))" else "FAIL (\(.value)\(.unit))" end)\(if .note then "; note: \(.note)" else "" end)"' "$s"
    if jq -e '.detect_failures | length > 0' "$s" >/dev/null; then
        echo
        echo "### ERRORS: apiwarden-detect refused or failed legitimate benchmark requests"
        echo
        jq -r '.detect_failures[] | "- \(.)"' "$s"
    fi
    echo
    echo "Raw data: $OUT (throughput.tsv, latency.tsv, summary.json, raw/)."
}
for target in apiwarden-plain apiwarden-full apiwarden-detect; do
    [ ! -f "$WORK/$target.log" ] || cp "$WORK/$target.log" "$OUT/raw/"
done
report | tee "$OUT/report.md"
if [ ${#DETECT_FAILURES[@]} -gt 0 ]; then
    for msg in "${DETECT_FAILURES[@]}"; do log "ERROR: $msg"; done
    die "apiwarden-detect answered ${#DETECT_FAILURES[@]} run(s) of legitimate requests with errors or non-2xx statuses (false positives?): its results are not valid; report in $OUT"
fi
log "done: $OUT"
