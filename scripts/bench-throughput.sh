#!/usr/bin/env bash
# End-to-end throughput and memory of `apiwarden analyze` and `apiwarden ingest`.
#
#   scripts/bench-throughput.sh            # ~5 minutes on 2 cores; needs ~2 GB free in $BENCH_TMP
#
# Measures RUNS times each (medians reported): wall time (date, ns), CPU time (user + sys)
# and peak RSS ("Maximum resident set size", reported in MiB) from /usr/bin/time -v:
#   1. `wc -l` of a 200k-call HAR with ~1 KB bodies: the I/O baseline of this run;
#   2. `apiwarden analyze FILE --json -q --no-sensitive` on it: discovery only (floor: >= 50,000
#      calls/s), and the same with sensitive-data classification and posture checks (the
#      default; floor: at most 2x the wall time of discovery only), PAIRS times each,
#      alternating;
#   3. the same traffic with minimal bodies (`--body-bytes 1`: no padding, lists cut to one
#      item): how much of the time the ~1 KB bodies cost;
#   4. `apiwarden ingest` of the 200k file into a fresh SQLite store, then a re-ingest of the
#      same file into that store (idempotent: must add 0 calls);
#   5. `analyze` of a ~1 GB HAR, with classification (floor: peak RSS <= 300 MB; checked here as MiB, the
#      stricter reading), with its own `wc -l` baseline.
# Every generated file is deleted at exit. Prints a markdown table on stdout; progress on
# stderr.
#
# Knobs (environment): RUNS=3, PAIRS=5, CALLS=200000, BODY_BYTES=1024, BIG_CALLS=230000,
# BIG_BODY_BYTES=3000, SEED=7, SKIP_BIG=1 (leave out part 5), SKIP_SMALL=1 (part 3),
# SKIP_BUILD=1, BENCH_TMP=/tmp, CARGO_TARGET_DIR (default: <repo>/target).

set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
RUNS=${RUNS:-3}
PAIRS=${PAIRS:-5}
CALLS=${CALLS:-200000}
BODY_BYTES=${BODY_BYTES:-1024}
BIG_CALLS=${BIG_CALLS:-230000}
BIG_BODY_BYTES=${BIG_BODY_BYTES:-3000}
SEED=${SEED:-7}
BENCH_TMP=${BENCH_TMP:-${TMPDIR:-/tmp}}
APIWARDEN=$TARGET/release/apiwarden
CORPUS=$TARGET/release/apiwarden-corpus

log() { printf '[bench %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
die() {
    log "error: $*"
    exit 1
}

[ -x /usr/bin/time ] || die "/usr/bin/time is missing (apt-get install time)"
command -v jq >/dev/null || die "jq is missing"

WORK=$(mktemp -d "$BENCH_TMP/apiwarden-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT INT TERM

free_mb() { df -Pm "$WORK" | awk 'NR == 2 { print $4 }'; }

if [ "${SKIP_BUILD:-0}" != 1 ]; then
    log "building release binaries in $TARGET"
    (cd "$ROOT" && cargo build --release -q -p apiwarden -p apiwarden-corpus) >&2
fi
[ -x "$APIWARDEN" ] && [ -x "$CORPUS" ] || die "release binaries not found in $TARGET/release"
BUILT=$(date -u -r "$APIWARDEN" +%Y-%m-%dT%H:%M:%SZ)
# Private copies: the target directory may be shared, and a concurrent build must not swap
# the binary between runs.
cp "$APIWARDEN" "$WORK/apiwarden"
cp "$CORPUS" "$WORK/apiwarden-corpus"
APIWARDEN=$WORK/apiwarden
CORPUS=$WORK/apiwarden-corpus
# What was measured: the commit, plus a digest of uncommitted changes to tracked files.
REV=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
DIRTY=$(git -C "$ROOT" diff HEAD --stat -- . 2>/dev/null | tail -n 1)
[ -n "$DIRTY" ] && REV="$REV + uncommitted changes ($DIRTY; diff sha256 $(git -C "$ROOT" diff HEAD -- . | sha256sum | cut -c1-12))"
mb() { awk -v b="$(stat -c %s "$1")" 'BEGIN { printf "%.0f", b / 1e6 }'; }

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
max() { sort -g | tail -n 1; }

# timed LABEL CMD...: runs CMD RUNS times under /usr/bin/time -v (stdout to $WORK/out),
# leaves the per-run wall seconds, CPU seconds and peak RSS (MiB) in $WORK/LABEL.{wall,cpu,rss}
# and the 1-minute load average before each run in $WORK/LABEL.load.
timed() {
    local label=$1
    shift
    if [ "${APPEND:-0}" != 1 ]; then
        : >"$WORK/$label.wall"
        : >"$WORK/$label.rss"
        : >"$WORK/$label.load"
        : >"$WORK/$label.cpu"
    fi
    local i
    for ((i = 1; i <= RUNS; i++)); do
        [ -n "${BEFORE_EACH:-}" ] && eval "$BEFORE_EACH"
        cut -d' ' -f1 /proc/loadavg >>"$WORK/$label.load"
        local status=0 t0 t1
        t0=$(date +%s%N)
        /usr/bin/time -v -o "$WORK/time.txt" "$@" >"$WORK/out" 2>"$WORK/err" || status=$?
        t1=$(date +%s%N)
        if [ "$status" -ne 0 ] && [ "$status" -ne 3 ]; then
            cat "$WORK/err" >&2
            die "$label: '$*' exited with $status"
        fi
        # Wall time from date (ns), not /usr/bin/time (10 ms resolution).
        awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", (b - a) / 1e9 }' >>"$WORK/$label.wall"
        awk -F': ' '/Maximum resident set size/ { printf "%.1f\n", $2 / 1024 }' "$WORK/time.txt" >>"$WORK/$label.rss"
        # CPU seconds (user + sys): less sensitive than wall time to other load on the machine.
        awk -F': ' '/User time|System time/ { s += $2 } END { printf "%.2f\n", s }' "$WORK/time.txt" >>"$WORK/$label.cpu"
        log "$label run $i: $(tail -n 1 "$WORK/$label.wall") s wall, $(tail -n 1 "$WORK/$label.cpu") s CPU, $(tail -n 1 "$WORK/$label.rss") MiB peak RSS"
    done
}

ROWS=()
# row LABEL COMMAND CALLS BASELINE_LABEL
row() {
    local label=$1 command=$2 calls=$3 base=${4:-}
    local wall rss rss_max load calls_s ratio="" runs cpu cpu_call="–"
    wall=$(median <"$WORK/$label.wall")
    runs=$(paste -sd/ "$WORK/$label.wall")
    rss=$(median <"$WORK/$label.rss")
    rss_max=$(max <"$WORK/$label.rss")
    load=$(paste -sd/ "$WORK/$label.load")
    cpu=$(median <"$WORK/$label.cpu")
    if [ -n "$calls" ] && [ "$calls" != 0 ]; then
        calls_s=$(awk -v c="$calls" -v w="$wall" 'BEGIN { printf "%.0f", (w > 0 ? c / w : 0) }')
        cpu_call=$(awk -v c="$calls" -v t="$cpu" 'BEGIN { printf "%.1f", t * 1e6 / c }')
    else
        calls_s="–"
    fi
    if [ -n "$base" ]; then
        ratio=$(awk -v a="$wall" -v b="$(median <"$WORK/$base.wall")" -v n="$base" 'BEGIN { printf "%.1f× %s", (b > 0 ? a / b : 0), n }')
    fi
    ROWS+=("| $label | \`$command\` | $wall ($runs) | $calls_s | $cpu | $cpu_call | $rss (max $rss_max) | $ratio | $load |")
}

log "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(free_mb) MB free in $BENCH_TMP"

# ---------------------------------------------------------------- 200k calls, ~1 KB bodies
HAR=$WORK/calls-${CALLS}-b${BODY_BYTES}.har
need=$((CALLS * (BODY_BYTES * 2 + 3000) / 1000000 + 500))
[ "$(free_mb)" -ge "$need" ] || die "$(free_mb) MB free in $BENCH_TMP, about $need MB needed"
log "generating $HAR"
"$CORPUS" big --out "$HAR" --calls "$CALLS" --body-bytes "$BODY_BYTES" --seed "$SEED" --truth /dev/null >&2
HAR_MB=$(mb "$HAR")

timed wc-200k wc -l "$HAR"
row wc-200k "wc -l FILE" "$CALLS"

# With and without classification alternate run by run, so that drift in the machine's
# speed hits both alike; the ratio is the median of the per-pair ratios.
report() { jq -r "$1" "$WORK/out"; }
for ((pair = 1; pair <= PAIRS; pair++)); do
    APPEND=$((pair > 1)) RUNS=1 timed analyze-200k "$APIWARDEN" analyze "$HAR" --json -q --no-sensitive
    A_CALLS=$(report '.report.calls_read')
    A_IGNORED=$(report '.report.calls_ignored | add // 0')
    A_ENDPOINTS=$(report '.endpoints | length')
    A_ELAPSED=$(report '.report.elapsed_ms')
    APPEND=$((pair > 1)) RUNS=1 timed analyze-200k-sensitive "$APIWARDEN" analyze "$HAR" --json -q
    S_CALLS=$(report '.report.calls_read')
    S_FINDINGS=$(report '.findings | length')
    S_TAGGED=$(report '[.endpoints[] | select(.sensitive != null)] | length')
done
row analyze-200k "apiwarden analyze FILE --json -q --no-sensitive" "$A_CALLS" wc-200k
row analyze-200k-sensitive "apiwarden analyze FILE --json -q (with classification)" "$S_CALLS" analyze-200k
PAIR_RATIOS=$(paste "$WORK/analyze-200k-sensitive.wall" "$WORK/analyze-200k.wall" | awk '{ printf "%.2f\n", ($2 > 0 ? $1 / $2 : 0) }')

# ---------------------------------------------------------------- ingest, fresh and again
DB=$WORK/store.db
BEFORE_EACH='rm -f "$DB" "$DB-wal" "$DB-shm"'
timed ingest-fresh "$APIWARDEN" --db "$DB" ingest "$HAR" --json -q
unset BEFORE_EACH
I_NEW=$(report '.calls_new')
DB_MB=$(du -cm "$DB"* | tail -n 1 | cut -f1)
row ingest-fresh "apiwarden --db NEW.db ingest FILE --json -q" "$I_NEW" wc-200k

timed reingest "$APIWARDEN" --db "$DB" ingest "$HAR" --json -q
R_NEW=$(report '.calls_new')
R_DUP=$(report '.calls_duplicate')
row reingest "apiwarden --db SAME.db ingest FILE --json -q" "$(report '.calls_read')" wc-200k
rm -f "$DB" "$DB-wal" "$DB-shm" "$HAR"

# ---------------------------------------------------------------- same traffic, small bodies
if [ "${SKIP_SMALL:-0}" != 1 ]; then
    SMALL=$WORK/calls-${CALLS}-b1.har
    log "generating $SMALL (minimal bodies)"
    "$CORPUS" big --out "$SMALL" --calls "$CALLS" --body-bytes 1 --seed "$SEED" --truth /dev/null >&2
    SMALL_MB=$(mb "$SMALL")
    timed wc-200k-small wc -l "$SMALL"
    row wc-200k-small "wc -l FILE" "$CALLS"
    timed analyze-200k-small "$APIWARDEN" analyze "$SMALL" --json -q
    row analyze-200k-small "apiwarden analyze FILE --json -q (minimal bodies)" "$(report '.report.calls_read')" wc-200k-small
    rm -f "$SMALL"
fi

# ---------------------------------------------------------------- ~1 GB HAR
if [ "${SKIP_BIG:-0}" != 1 ]; then
    need=$((BIG_CALLS * BIG_BODY_BYTES * 3 / 1000000 + 500))
    if [ "$(free_mb)" -lt "$need" ]; then
        log "skipping the big HAR: $(free_mb) MB free, $need MB needed"
    else
        BIG=$WORK/calls-${BIG_CALLS}-b${BIG_BODY_BYTES}.har
        log "generating $BIG"
        "$CORPUS" big --out "$BIG" --calls "$BIG_CALLS" --body-bytes "$BIG_BODY_BYTES" --seed "$SEED" --truth /dev/null >&2
        BIG_MB=$(mb "$BIG")
        timed wc-big wc -l "$BIG"
        row wc-big "wc -l FILE" "$BIG_CALLS"
        timed analyze-big "$APIWARDEN" analyze "$BIG" --json -q
        B_CALLS=$(report '.report.calls_read')
        row analyze-big "apiwarden analyze FILE --json -q" "$B_CALLS" wc-big
        rm -f "$BIG"
    fi
fi

# ---------------------------------------------------------------- report
echo "apiwarden throughput, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(uname -m); binary built $BUILT from $REV"
echo
echo "- 200k file: $CALLS calls, --body-bytes $BODY_BYTES, seed $SEED, ${HAR_MB} MB; analyze read $A_CALLS calls ($A_IGNORED ignored as static/preflight), $A_ENDPOINTS endpoints, report elapsed ${A_ELAPSED} ms (last run); with classification: $S_TAGGED endpoints carry sensitive data, $S_FINDINGS findings"
echo "- ingest: fresh store got $I_NEW new calls (${DB_MB} MB on disk); re-ingest: $R_NEW new, $R_DUP duplicate"
[ -n "${SMALL_MB:-}" ] && echo "- minimal-body file: $CALLS calls, --body-bytes 1, seed $SEED, ${SMALL_MB} MB"
[ -n "${BIG_MB:-}" ] && echo "- big file: $BIG_CALLS calls, --body-bytes $BIG_BODY_BYTES, ${BIG_MB} MB; analyze read $B_CALLS calls"
echo
echo "| measurement | command | wall s, median (runs) | calls/s (median wall) | CPU s (user+sys), median | CPU µs/call | peak RSS MiB, median (max) | wall ratio to baseline | 1-min load before each run |"
echo "|---|---|---|---|---|---|---|---|---|"
printf '%s\n' "${ROWS[@]}"
echo
verdict() { if [ "$1" = 1 ]; then echo "met"; else echo "MISSED"; fi; }
A_RATE=$(awk -v c="$A_CALLS" -v w="$(median <"$WORK/analyze-200k.wall")" 'BEGIN { printf "%.0f", c / w }')
echo "- floor end-to-end >= 50,000 calls/s (analyze --no-sensitive, 200k calls, ~1 KB bodies): $(verdict "$(awk -v r="$A_RATE" 'BEGIN { print (r >= 50000) }')") ($A_RATE calls/s, median wall)"
S_RATIO=$(median <<<"$PAIR_RATIOS")
echo "- floor classification costs at most half the throughput (wall with / without <= 2, median of $PAIRS alternating pairs): $(verdict "$(awk -v r="$S_RATIO" 'BEGIN { print (r <= 2) }')") (${S_RATIO}x; pairs $(paste -sd/ <<<"$PAIR_RATIOS"))"
if [ -n "${BIG_MB:-}" ]; then
    B_RSS=$(max <"$WORK/analyze-big.rss")
    echo "- floor peak RSS <= 300 MB (analyze, ${BIG_MB} MB HAR): $(verdict "$(awk -v r="$B_RSS" 'BEGIN { print (r <= 300) }')") ($B_RSS MiB, max of $RUNS runs)"
fi
echo "- re-ingest idempotent (adds 0 calls): $(verdict "$([ "$R_NEW" = 0 ] && echo 1)") ($R_NEW new)"
if [ "$R_NEW" != 0 ]; then
    log "re-ingest added $R_NEW calls: not idempotent"
    exit 1
fi
