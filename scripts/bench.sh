#!/usr/bin/env bash
# The benchmark (called by `make bench` after the Release build).
#   scripts/bench.sh [BUILD_DIR]          (default: build-release)
#
# Starts its own throwaway PostgreSQL 15 (fsync and synchronous_commit ON:
# the honest measurement, unlike the tests) and omsd, loads a realistic
# tenant (10,000 skus with stock, 20 locations with coordinates, 3 channels,
# routing and order rules), then runs, each for a fixed time, and prints
# throughput and p50/p95/p99 latency:
#   sweep     OMS_THREADS (= OMS_DB_POOL) candidates, capture at 32 connections
#   baseline  GET /health: the HTTP floor of this machine
#   capture   POST /v1/orders, 2 lines, uniform skus, at 8, 32 and 64 connections
#   hot       the same, every order on 10 hot skus (row contention)
#   sellout   32 connections racing for 10 scarce skus until they are gone
#   avail     GET /v1/channels/web/availability, 1 sku and 50 skus per call
#   ceiling   pgbench, 32 clients, one PL/pgSQL minimal capture (bench/ceiling.sql)
#   receipt   one receipt allocating BENCH_RECEIPT_LINES (10,000) waiting pre-order lines
#   routing   $BUILD/bench_routing (the engine alone), when it is built
#   x12       $BUILD/bench_x12 (the X12 codec alone: 850 written, 846 read), when it is built
# then checks in SQL that nothing is oversold and that the ledger sums equal
# on_hand, and prints a summary against the targets of issue 7.
#
# Environment (all optional):
#   BENCH_SECONDS=10         measured seconds per run
#   BENCH_WARMUP=2           warm-up seconds before each run (not counted)
#   BENCH_SWEEP_SECONDS=5    measured seconds per sweep candidate
#   BENCH_THREADS="2 4 8"    OMS_THREADS candidates (OMS_DB_POOL = threads); one value: no sweep
#   BENCH_CONNS="8 32 64"    connections of the uniform capture runs
#   BENCH_HOT_CONNS="32 64"  connections of the hot-sku runs
#   BENCH_AVAIL_CONNS=32     connections of the availability runs
#   BENCH_CLIENTS=32         pgbench clients of the ceiling
#   BENCH_HISTORY=50000      shipped orders each tenant has before the runs (bench/seed.sql)
#   BENCH_ROUTING_SECONDS=1  seconds per case of $BUILD/bench_routing
#   BENCH_LOADGEN_THREADS=2  epoll threads of the load generator
#   BENCH_LOG_LEVEL=info     omsd log level (info logs one line per request, as deployed)
#   BENCH_RECEIPT_LINES=10000  pre-order lines one receipt allocates (run "receipt")
#   BENCH_RUNS="sweep baseline capture hot sellout avail receipt ceiling routing x12"  what to run
#   BENCH_PROFILE=callgrind|perf  afterwards, profile a short capture load (needs BENCH_OUT)
#   BENCH_OUT=DIR            keep results.txt, logs and profiles there
#   BENCH_HOLD=1             after loading, wait (settings in $TMP/env) until $TMP/hold is removed
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

BUILD=${1:-build-release}
BUILD=${BUILD%/}
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac

S=${BENCH_SECONDS:-10}
W=${BENCH_WARMUP:-2}
SWEEP_S=${BENCH_SWEEP_SECONDS:-5}
THREADS_CANDIDATES=${BENCH_THREADS:-"2 4 8"}
CONNS=${BENCH_CONNS:-"8 32 64"}
HOT_CONNS=${BENCH_HOT_CONNS:-"32 64"}
AVAIL_CONNS=${BENCH_AVAIL_CONNS:-32}
CLIENTS=${BENCH_CLIENTS:-32}
HISTORY=${BENCH_HISTORY:-50000}
ROUTING_S=${BENCH_ROUTING_SECONDS:-1}
LG_THREADS=${BENCH_LOADGEN_THREADS:-2}
LOG_LEVEL=${BENCH_LOG_LEVEL:-info}
RUNS=" ${BENCH_RUNS:-sweep baseline capture hot sellout avail receipt ceiling routing x12} "
PROFILE=${BENCH_PROFILE:-}
OUT=${BENCH_OUT:-}
PGBIN=/usr/lib/postgresql/15/bin

say() { printf '%s\n' "$*" >&2; }
fail() { say "bench: FAILED: $*"; exit 1; }
want() { [[ $RUNS == *" $1 "* ]]; }

[ -x "$BUILD/omsd" ] || fail "$BUILD/omsd not built (run: make bench)"
[ -x "$PGBIN/pgbench" ] || fail "$PGBIN/pgbench not found (postgresql-15)"
command -v curl >/dev/null || fail "curl not found"
if [ -n "$PROFILE" ] && [ -z "$OUT" ]; then fail "BENCH_PROFILE needs BENCH_OUT=DIR to keep the profile"; fi

TMP=$(mktemp -d /tmp/oms-bench.XXXXXX)
chmod 711 "$TMP" # as root the cluster runs as "postgres", which must traverse it
OMSD_PID=
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [ -n "$OMSD_PID" ] && kill -0 "$OMSD_PID" 2>/dev/null; then
    kill -TERM "$OMSD_PID" 2>/dev/null || true
    wait "$OMSD_PID" 2>/dev/null || true
  fi
  if [ -n "$OUT" ]; then
    mkdir -p "$OUT"
    cp -f "$TMP"/results.txt "$TMP"/omsd.log "$TMP"/summary.txt "$OUT"/ 2>/dev/null || true
  fi
  scripts/pg.sh stop "$TMP/pg" >/dev/null 2>&1 || true
  if [ -f "$TMP/pg/.pgpath" ]; then
    rm -rf "$(cat "$TMP/pg/.pgpath")"
  fi
  rm -rf "$TMP"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---- the load generator: the CMake target if built, else compiled here ----
LOADGEN=$BUILD/oms_loadgen
if [ ! -x "$LOADGEN" ]; then
  LOADGEN=$TMP/oms_loadgen
  ${CC:-cc} -O2 -std=gnu11 -pthread -o "$LOADGEN" bench/loadgen.c || fail "cannot compile bench/loadgen.c"
fi

# ---- machine ----
say "== machine"
{
  echo "cpu: $(nproc) x $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)"
  echo "memory: $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
  echo "kernel: $(uname -sr)"
  echo "postgres: $("$PGBIN/postgres" --version)"
  echo "omsd: $BUILD/omsd ($(sed -n 's/^CMAKE_BUILD_TYPE:STRING=//p' "$BUILD/CMakeCache.txt" 2>/dev/null || echo '?'))"
  echo "source: $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD -- src migrations 2>/dev/null || echo ' + uncommitted changes in src/ or migrations/')"
  echo "runs: ${S}s measured after ${W}s warm-up"
} | tee "$TMP/summary.txt" >&2

# ---- PostgreSQL: throwaway cluster, durable commits ----
say "== PostgreSQL (synchronous_commit on, fsync on)"
OMS_PG_FAST=0 scripts/pg.sh start "$TMP/pg" || fail "could not start PostgreSQL"
PGPORT=$(scripts/pg.sh url "$TMP/pg" | sed 's/.*:\([0-9]*\)\/oms$/\1/')
URL=$(scripts/pg.sh url "$TMP/pg")
PSQL_SU=("$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PGPORT" -U postgres -d oms)
PSQL=("$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 "$URL")
# Sized for the machine, not for speed at the cost of durability: room in
# memory for the data, and no checkpoint in the middle of a run.
"${PSQL_SU[@]}" >/dev/null <<'SQL'
ALTER SYSTEM SET shared_buffers = '1GB';
ALTER SYSTEM SET max_wal_size = '16GB';
ALTER SYSTEM SET min_wal_size = '1GB';
ALTER SYSTEM SET checkpoint_timeout = '30min';
ALTER SYSTEM SET synchronous_commit = 'on';
ALTER SYSTEM SET fsync = 'on';
ALTER SYSTEM SET full_page_writes = 'on';
ALTER SYSTEM SET track_wal_io_timing = 'on';
SQL
scripts/pg.sh stop "$TMP/pg" >/dev/null 2>&1
OMS_PG_FAST=0 scripts/pg.sh start "$TMP/pg" || fail "could not restart PostgreSQL"
"${PSQL_SU[@]}" -At -c "SELECT 'settings: ' || string_agg(name || '=' || setting || coalesce(unit, ''), ' ' ORDER BY name)
  FROM pg_settings WHERE name IN ('synchronous_commit','fsync','shared_buffers','max_wal_size','wal_sync_method','max_connections')" \
  | tee -a "$TMP/summary.txt" >&2

DATABASE_URL=$URL OMS_CONFIG=/dev/null OMS_MIGRATIONS_DIR=$ROOT/migrations "$BUILD/omsd" --migrate \
  2>>"$TMP/omsd.log" || fail "omsd --migrate (see the log)"

# ---- omsd ----
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
OMS_PORT_B=
for _ in $(seq 1 50); do
  p=$((20000 + RANDOM % 40001))
  if port_free "$p"; then OMS_PORT_B=$p; break; fi
done
[ -n "$OMS_PORT_B" ] || fail "no free port for omsd"
ADMIN_TOKEN=bench-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
OMSD_THREADS=
BASE=http://127.0.0.1:$OMS_PORT_B

stop_omsd() {
  if [ -n "$OMSD_PID" ]; then
    kill -TERM "$OMSD_PID" 2>/dev/null || true
    wait "$OMSD_PID" 2>/dev/null || true
    OMSD_PID=
  fi
}

start_omsd() { # $1 = threads (and pool); $2.. = optional wrapper command (valgrind)
  local threads=$1
  shift
  stop_omsd
  env OMS_CONFIG=/dev/null OMS_PORT="$OMS_PORT_B" DATABASE_URL="$URL" OMS_THREADS="$threads" \
    OMS_DB_POOL="$threads" OMS_LOG_LEVEL="$LOG_LEVEL" OMS_ADMIN_TOKEN="$ADMIN_TOKEN" \
    OMS_MIGRATIONS_DIR="$ROOT/migrations" "$@" "$BUILD/omsd" >>"$TMP/omsd.log" 2>&1 &
  OMSD_PID=$!
  OMSD_THREADS=$threads
  for _ in $(seq 1 300); do
    if curl -fsS -o /dev/null "$BASE/health" 2>/dev/null; then return 0; fi
    kill -0 "$OMSD_PID" 2>/dev/null || fail "omsd exited at start (log: tail of $TMP/omsd.log)"
    sleep 0.1
  done
  fail "omsd did not answer /health"
}

# api METHOD PATH KEY [BODY] -> prints the body; fails unless 2xx
api() {
  local out code
  out=$(curl -sS -X "$1" "$BASE$2" -H "Authorization: Bearer $3" -H 'Content-Type: application/json' \
    ${4:+--data-binary "$4"} -w '\n%{http_code}') || fail "curl $1 $2"
  code=${out##*$'\n'}
  out=${out%$'\n'*}
  case $code in 2??) printf '%s' "$out" ;; *) fail "$1 $2 -> $code $out" ;; esac
}
key_of() { sed -n 's/.*"key":"\([^"]*\)".*/\1/p'; }

# One tenant through the API (locations, channels, rules) and SQL (catalog, stock).
# Sets T_ID, T_ADMIN, T_STORE.
make_tenant() { # $1 = name
  local name=$1 reply
  reply=$(api POST /v1/tenants "$ADMIN_TOKEN" "{\"name\":\"$name\"}")
  T_ADMIN=$(printf '%s' "$reply" | key_of)
  [ -n "$T_ADMIN" ] || fail "no admin key in: $reply"
  T_ID=$("${PSQL_SU[@]}" -At -c "SELECT id FROM tenants WHERE name = '$name'")
  T_STORE=$(api POST /v1/api-keys "$T_ADMIN" '{"role":"storefront","name":"bench storefront"}' | key_of)
  [ -n "$T_STORE" ] || fail "no storefront key"

  # 4 warehouses (code city lat lon priority cost_per_shipment ship_days) and 16 stores (city lat lon)
  local wh=("WH-EAST Secaucus 40.79 -74.06 10 450 2" "WH-CENTRAL Columbus 39.96 -83.00 10 400 2"
            "WH-SOUTH Dallas 32.90 -97.04 20 420 3" "WH-WEST Reno 39.53 -119.81 20 500 3")
  local st=("New-York 40.75 -73.99" "Chicago 41.88 -87.63" "Houston 29.76 -95.37" "Phoenix 33.45 -112.07"
            "Philadelphia 39.95 -75.17" "San-Antonio 29.42 -98.49" "San-Diego 32.72 -117.16"
            "Dallas 32.78 -96.80" "Seattle 47.61 -122.33" "Denver 39.74 -104.99" "Boston 42.36 -71.06"
            "Atlanta 33.75 -84.39" "Miami 25.76 -80.19" "Portland 45.52 -122.68" "Detroit 42.33 -83.05"
            "Minneapolis 44.98 -93.27")
  local w code city lat lon prio cost days i=0
  for w in "${wh[@]}"; do
    read -r code city lat lon prio cost days <<<"$w"
    api PUT "/v1/locations/$code" "$T_ADMIN" "{\"name\":\"$city DC\",\"type\":\"warehouse\",\"lat\":$lat,\"lon\":$lon,\"ship\":true,\"pickup\":false,\"priority\":$prio,\"cost_per_shipment\":$cost,\"ship_days\":$days}" >/dev/null
  done
  for w in "${st[@]}"; do
    i=$((i + 1))
    read -r city lat lon <<<"$w"
    api PUT "/v1/locations/STORE-$(printf %02d $i)" "$T_ADMIN" "{\"name\":\"${city/-/ } store\",\"type\":\"store\",\"lat\":$lat,\"lon\":$lon,\"ship\":true,\"pickup\":true,\"priority\":50,\"cost_per_shipment\":900,\"ship_days\":3}" >/dev/null
  done
  api PUT /v1/channels/web "$T_ADMIN" '{"name":"Web store","locations":"*","safety_stock":0,"currency":"USD"}' >/dev/null
  api PUT /v1/channels/app "$T_ADMIN" '{"name":"Mobile app","locations":"*","safety_stock":1,"currency":"USD"}' >/dev/null
  api PUT /v1/channels/marketplace "$T_ADMIN" '{"name":"Marketplace","locations":["WH-EAST","WH-CENTRAL","WH-SOUTH","WH-WEST"],"safety_stock":2,"percent":80,"max_per_sku":500,"currency":"USD"}' >/dev/null
  api PUT /v1/routing-rules "$T_ADMIN" '[
    {"name":"express-nearest","when":{"ship_method":"express"},"filters":{"max_distance_km":1500},
     "sort":["distance","priority"],"split":"avoid","max_shipments":2,"dropship":"never"},
    {"name":"marketplace-warehouses","when":{"channel":"marketplace"},"filters":{"location_types":["warehouse"]},
     "sort":["cost","days","distance"],"split":"allow","max_shipments":3,"dropship":"never"},
    {"name":"standard","when":{"channel":["web","app"]},"filters":{"location_types":["warehouse","store"],"exclude":["STORE-16"]},
     "sort":["priority","distance","inventory"],"split":"avoid","max_shipments":3}]' >/dev/null
  api PUT /v1/order-rules "$T_ADMIN" '[
    {"name":"vip","when":{"email_domain_in":["vip.example.com"]},"action":"release"},
    {"name":"big-order","when":{"total_gt":2000000},"action":"hold","reason":"large order review"},
    {"name":"price-check","when":{"price_mismatch_pct_gt":10},"action":"hold","reason":"price mismatch"},
    {"name":"export","when":{"country_not_in":["US","CA"]},"action":"hold","reason":"export review"},
    {"name":"no-postcode","when":{"missing":["shipping_address.postal_code"]},"action":"hold","reason":"address incomplete"}]' >/dev/null
  "${PSQL[@]}" -v tenant="$T_ID" -v history="$HISTORY" -f bench/seed.sql >&2 || fail "bench/seed.sql"
}

say "== tenants"
start_omsd "${THREADS_CANDIDATES%% *}"
make_tenant Bench
TENANT=$T_ID
KEY=$T_STORE
make_tenant Ceiling
CEIL_TENANT=$T_ID
"${PSQL[@]}" -f bench/ceiling.sql >/dev/null || fail "bench/ceiling.sql"
"${PSQL_SU[@]}" -c "VACUUM ANALYZE" >/dev/null || fail "VACUUM ANALYZE"
"${PSQL_SU[@]}" -c "CHECKPOINT" >/dev/null

# ---- CPU accounting: who used the two cores during a run ----
# The machine may be shared (other people's builds and tests): every run
# reports the CPU of omsd, of this PostgreSQL (postmaster and backends), of
# the client (load generator or pgbench) and of everything else, in % of
# one core over the run, and omsd and PostgreSQL CPU per request.
HZ=$(getconf CLK_TCK)
CLUSTER_DIR=$TMP/pg
[ -f "$TMP/pg/.pgpath" ] && CLUSTER_DIR=$(cat "$TMP/pg/.pgpath")
proc_ticks() { # pid... -> "pid ticks" lines (utime + stime)
  local p
  for p in "$@"; do
    [ -r "/proc/$p/stat" ] && sed 's/^.*) //' "/proc/$p/stat" | awk -v p="$p" '{ print p, $12 + $13 }'
  done
  return 0
}
pg_ticks() { # "pid ticks" of this PostgreSQL: the postmaster with its exited children, and its live children
  local pm
  pm=$(head -n1 "$CLUSTER_DIR/postmaster.pid" 2>/dev/null) || return 0
  [ -r "/proc/$pm/stat" ] && sed 's/^.*) //' "/proc/$pm/stat" | awk -v p="$pm" '{ print p, $12 + $13 + $14 + $15 }'
  # shellcheck disable=SC2046
  proc_ticks $(ps -o pid= --ppid "$pm" 2>/dev/null)
}
cpu_snap() { # $1 = file prefix
  local task
  awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9, $6 }' /proc/stat >"$1.machine"
  if [ -n "$OMSD_PID" ]; then proc_ticks "$OMSD_PID" >"$1.omsd"; else : >"$1.omsd"; fi
  pg_ticks >"$1.pg"
  times >"$1.times" # in this shell: its children (the client) so far
  tail -n1 "$1.times" | awk '{ gsub(/[ms]/, " "); print ($1 * 60 + $2) + ($3 * 60 + $4) }' >"$1.client"
  if [ -n "$OMSD_PID" ] && [ -d "/proc/$OMSD_PID/task" ]; then
    for task in /proc/"$OMSD_PID"/task/*; do
      sed 's/^.*) //' "$task/stat" 2>/dev/null | awk -v t="${task##*/}" '{ print t, $12 + $13 }'
    done >"$1.threads"
  else
    : >"$1.threads"
  fi
  date +%s.%N >"$1.wall"
}
cpu_begin() {
  "${PSQL_SU[@]}" -c "SELECT pg_stat_reset_shared('wal')" >/dev/null 2>&1 || true
  cpu_snap "$TMP/cpu0"
}
cpu_end() { # $1 = replies in the run (warm-up included) -> CPU_TEXT, CPU_FIELDS
  local n=${1:-0}
  cpu_snap "$TMP/cpu1"
  delta() { awk 'NR == FNR { a[$1] = $2; next } { s += $2 - ($1 in a ? a[$1] : 0) } END { print s + 0 }' "$TMP/cpu0.$1" "$TMP/cpu1.$1"; }
  local wall machine iowait wal omsd pg client
  wall=$(awk -v a="$(cat "$TMP/cpu0.wall")" -v b="$(cat "$TMP/cpu1.wall")" 'BEGIN { print b - a }')
  machine=$(paste "$TMP/cpu0.machine" "$TMP/cpu1.machine" | awk '{ print $3 - $1 }')
  iowait=$(paste "$TMP/cpu0.machine" "$TMP/cpu1.machine" | awk '{ print $4 - $2 }')
  wal=$("${PSQL_SU[@]}" -At -F ' ' -c "SELECT wal_sync, round((wal_sync_time / greatest(wal_sync, 1))::numeric, 3), wal_bytes FROM pg_stat_wal" 2>/dev/null || echo "0 0 0")
  omsd=$(delta omsd)
  pg=$(delta pg)
  client=$(awk -v a="$(cat "$TMP/cpu0.client")" -v b="$(cat "$TMP/cpu1.client")" -v hz="$HZ" 'BEGIN { print (b - a) * hz }')
  # omsd worker threads that did at least a tenth of the busiest one's work
  # (MHD pins each keep-alive connection to the thread that accepted it)
  THREADS_ACTIVE=$(awk 'NR == FNR { a[$1] = $2; next } { d = $2 - ($1 in a ? a[$1] : 0); if (d > 0) { v[++n] = d; if (d > m) m = d } }
    END { k = 0; for (i = 1; i <= n; i++) if (v[i] >= m / 10 && m > 0) k++; print k }' "$TMP/cpu0.threads" "$TMP/cpu1.threads")
  read -r CPU_TEXT <<<"$(awk -v ta="$THREADS_ACTIVE" -v w="$wall" -v m="$machine" -v io="$iowait" -v o="$omsd" -v p="$pg" -v c="$client" -v hz="$HZ" -v n="$n" -v wal="$wal" 'BEGIN {
    t = w * hz / 100; if (t <= 0) t = 1
    other = m - o - p - c; if (other < 0) other = 0
    split(wal, x, " ")
    printf "cpu (%% of one core): busy %.0f = omsd %.0f + postgres %.0f + client %.0f + other %.0f, iowait %.0f;", m / t, o / t, p / t, c / t, other / t, io / t
    if (n > 0) printf " per request: omsd %.3f ms, postgres %.3f ms, WAL %.1f kB;", o / hz * 1000 / n, p / hz * 1000 / n, x[3] / 1024 / n
    printf " WAL fsyncs %.0f/s, %.3f ms each", x[1] / w, x[2]
    if (ta != "" && ta > 0) printf "; omsd threads working: %d", ta
    if (other / t > 15) printf "  WARNING: other processes used %.0f%% of a core: the machine was shared", other / t }')"
  CPU_FIELDS=$(awk -v ta="$THREADS_ACTIVE" -v w="$wall" -v m="$machine" -v io="$iowait" -v o="$omsd" -v p="$pg" -v c="$client" -v hz="$HZ" -v n="$n" -v wal="$wal" 'BEGIN {
    t = w * hz / 100; if (t <= 0) t = 1
    other = m - o - p - c; if (other < 0) other = 0
    split(wal, x, " ")
    printf "cpu_busy=%.0f cpu_omsd=%.0f cpu_pg=%.0f cpu_client=%.0f cpu_other=%.0f cpu_iowait=%.0f wal_fsync_per_s=%.0f wal_fsync_ms=%.3f threads_working=%d", m / t, o / t, p / t, c / t, other / t, io / t, x[1] / w, x[2], ta
    if (n > 0) printf " omsd_ms_per_req=%.3f pg_ms_per_req=%.3f wal_kb_per_req=%.2f", o / hz * 1000 / n, p / hz * 1000 / n, x[3] / 1024 / n }')
}

RESULTS=$TMP/results.txt
: >"$RESULTS"

# BENCH_HOLD=1: keep everything up for a person (profiling, psql) until $TMP/hold is removed
if [ "${BENCH_HOLD:-0}" = 1 ]; then
  {
    echo "export PGPORT=$PGPORT DATABASE_URL='$URL' OMS_URL='$BASE' OMS_PORT_B=$OMS_PORT_B"
    echo "export OMS_KEY='$KEY' OMS_TENANT=$TENANT OMS_CEIL_TENANT=$CEIL_TENANT"
    echo "export OMS_ADMIN_TOKEN='$ADMIN_TOKEN' OMSD_PID=$OMSD_PID LOADGEN='$LOADGEN'"
  } >"$TMP/env"
  touch "$TMP/hold"
  say "bench: holding; settings in $TMP/env; rm $TMP/hold to go on"
  while [ -e "$TMP/hold" ]; do sleep 1; done
fi
RUN_N=0
# lg NAME CONNS SECONDS WARMUP [loadgen args...]: one run; its RESULT line goes to results.txt
lg() {
  local name=$1 conns=$2 secs=$3 warm=$4 out line
  shift 4
  RUN_N=$((RUN_N + 1))
  cpu_begin
  out=$("$LOADGEN" --port "$OMS_PORT_B" --key "$KEY" --conns "$conns" --threads "$LG_THREADS" \
    --seconds "$secs" --warmup "$warm" --name "$name" --run-id "r$RUN_N" "$@") || fail "loadgen $name"
  line=$(printf '%s\n' "$out" | grep '^RESULT ')
  cpu_end "$(printf '%s\n' "$line" | tr ' ' '\n' | sed -n 's/^all_total=//p')"
  printf '%s\n' "$out" | grep -v '^RESULT ' >&2
  printf '  %s\n' "$CPU_TEXT" >&2
  printf '%s threads=%s %s\n' "$line" "$OMSD_THREADS" "$CPU_FIELDS" >>"$RESULTS"
}
# res NAME FIELD -> the value from results.txt (empty when the run did not happen)
res() { { grep "^RESULT name=$1 " "$RESULTS" || true; } | tail -n1 | tr ' ' '\n' | sed -n "s/^$2=//p"; }

UNIFORM=(--mode capture --sku-from 21 --sku-to 10000 --lines 2)

# ---- sweep: threads and pool for 2 cores ----
BEST=${THREADS_CANDIDATES%% *}
set -- $THREADS_CANDIDATES
if want sweep && [ $# -gt 1 ]; then
  say "== sweep: OMS_THREADS = OMS_DB_POOL in {$THREADS_CANDIDATES}, capture at 32 connections, ${SWEEP_S}s each"
  best_rps=0
  for t in $THREADS_CANDIDATES; do
    start_omsd "$t"
    lg "sweep_t$t" 32 "$SWEEP_S" "$W" "${UNIFORM[@]}"
    r=$(res "sweep_t$t" rps)
    if awk -v a="$r" -v b="$best_rps" 'BEGIN { exit !(a > b) }'; then best_rps=$r; BEST=$t; fi
  done
  say "   best: OMS_THREADS=$BEST OMS_DB_POOL=$BEST"
fi
start_omsd "$BEST"
echo "omsd: OMS_THREADS=$BEST OMS_DB_POOL=$BEST log_level=$LOG_LEVEL; load generator: $LG_THREADS epoll threads" \
  | tee -a "$TMP/summary.txt" >&2

if want baseline; then
  say "== baseline: GET /health (HTTP only, no database)"
  lg health 32 5 1 --mode get --path /health
fi

if want capture; then
  say "== (1) capture: POST /v1/orders, 2 lines, uniform skus"
  for c in $CONNS; do lg "capture_$c" "$c" "$S" "$W" "${UNIFORM[@]}"; done
fi

if want hot; then
  say "== (2) capture on 10 hot skus (contention)"
  for c in $HOT_CONNS; do lg "hot_$c" "$c" "$S" "$W" --mode capture --sku-from 1 --hot 10 --lines 2; done
fi

if want sellout; then
  say "== sell-out: 32 connections race for 10 scarce skus (1,500 units)"
  lg sellout 32 3 0 --mode capture --sku-from 11 --sku-to 20 --lines 2
fi

if want avail; then
  say "== (3) availability: GET /v1/channels/web/availability"
  lg avail_1 "$AVAIL_CONNS" "$S" "$W" --mode avail --channel web --per-call 1 --sku-from 21 --sku-to 10000
  lg avail_50 "$AVAIL_CONNS" "$S" "$W" --mode avail --channel web --per-call 50 --sku-from 21 --sku-to 10000
fi

if want receipt; then
  RECEIPT_LINES=${BENCH_RECEIPT_LINES:-10000}
  # one receipt: a tenant whose sku PRE has RECEIPT_LINES pre-ordered lines waiting, $1 per order
  receipt_run() { # $1 = lines per order
    local name=receipt_$1 reply key tid rt ms alloc wait
    reply=$(api POST /v1/tenants "$ADMIN_TOKEN" "{\"name\":\"Receipt $1\"}")
    key=$(printf '%s' "$reply" | key_of)
    tid=$("${PSQL_SU[@]}" -At -c "SELECT id FROM tenants WHERE name = 'Receipt $1'")
    "${PSQL[@]}" -v tenant="$tid" -v n="$RECEIPT_LINES" -v per="$1" -f bench/receipt.sql >/dev/null \
      || fail "bench/receipt.sql"
    rt=$(curl -sS -o "$TMP/receipt.json" -w '%{http_code} %{time_total}' -X POST \
      "$BASE/v1/inbound/00000000-0000-4000-8000-0000000000aa/receive" \
      -H "Authorization: Bearer $key" -H 'Content-Type: application/json' \
      --data-binary "{\"lines\":[{\"sku\":\"PRE\",\"quantity\":$RECEIPT_LINES}]}")
    [ "${rt%% *}" = 200 ] || fail "receipt -> $rt $(head -c 300 "$TMP/receipt.json")"
    ms=$(awk -v t="${rt#* }" 'BEGIN { printf "%.1f", t * 1000 }')
    alloc=$("${PSQL_SU[@]}" -At -c "SELECT sum(allocated) FROM order_lines WHERE tenant_id = '$tid'")
    wait=$("${PSQL_SU[@]}" -At -c "SELECT count(*) FROM order_lines WHERE tenant_id = '$tid' AND preordered > 0")
    printf '%-22s lines=%-6d orders=%-6d %9.1f ms  (allocated %s, still waiting %s)\n' "$name" \
      "$RECEIPT_LINES" $((RECEIPT_LINES / $1)) "$ms" "$alloc" "$wait" >&2
    echo "RESULT name=$name lines=$RECEIPT_LINES orders=$((RECEIPT_LINES / $1)) ms=$ms allocated=$alloc waiting=$wait" >>"$RESULTS"
    [ "$alloc" = "$RECEIPT_LINES" ] || fail "receipt allocated $alloc of $RECEIPT_LINES"
  }
  say "== receipt: one POST /v1/inbound/{id}/receive allocating $RECEIPT_LINES waiting pre-order lines"
  receipt_run 1
  receipt_run 10
fi

CEIL_TPS=
if want ceiling; then
  say "== (4) the database's ceiling: pgbench, $CLIENTS clients, one PL/pgSQL capture per transaction"
  stop_omsd # the database alone, as in the issue's measurement
  PGB=("$PGBIN/pgbench" -n -M prepared -c "$CLIENTS" -j 2 -h 127.0.0.1 -p "$PGPORT" -U oms
       -D tenant="$CEIL_TENANT" -f "$ROOT/bench/ceiling.pgbench" oms)
  if [ "${W%%.*}" -gt 0 ] 2>/dev/null; then
    "${PGB[@]}" -T "${W%%.*}" >/dev/null 2>&1 || fail "pgbench warm-up"
  fi
  mkdir -p "$TMP/pgb"
  cpu_begin
  (cd "$TMP/pgb" && "${PGB[@]}" -T "$S" -l --log-prefix=ceil >"$TMP/pgbench.out" 2>&1) \
    || { cat "$TMP/pgbench.out" >&2; fail "pgbench"; }
  grep -E 'latency average|^tps|failed|number of transactions actually' "$TMP/pgbench.out" >&2 || true
  CEIL_TPS=$(sed -n 's/^tps = \([0-9.]*\).*/\1/p' "$TMP/pgbench.out" | head -n1 | awk '{ printf "%.1f", $1 }')
  CEIL_N=$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' "$TMP/pgbench.out")
  CEIL_FAILED=$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' "$TMP/pgbench.out")
  cpu_end "$CEIL_N"
  read -r CP50 CP95 CP99 CMAX < <(cat "$TMP"/pgb/ceil.* | awk '{print $3}' | sort -n | awk '
    { v[NR] = $1 } END { if (!NR) { print "0 0 0 0"; exit }
      i50 = int(NR * .50) + 1; i95 = int(NR * .95) + 1; i99 = int(NR * .99) + 1
      if (i50 > NR) i50 = NR; if (i95 > NR) i95 = NR; if (i99 > NR) i99 = NR
      printf "%.2f %.2f %.2f %.1f\n", v[i50] / 1000, v[i95] / 1000, v[i99] / 1000, v[NR] / 1000 }')
  printf '%-22s conns=%-3d %9.1f tx/s   p50 %7.2f ms  p95 %7.2f ms  p99 %7.2f ms  max %7.1f ms  | failed %s\n' \
    ceiling "$CLIENTS" "$CEIL_TPS" "$CP50" "$CP95" "$CP99" "$CMAX" "${CEIL_FAILED:-0}" >&2
  printf '  %s\n' "$CPU_TEXT" >&2
  echo "RESULT name=ceiling conns=$CLIENTS seconds=$S ok=$CEIL_N rps=$CEIL_TPS p50=$CP50 p95=$CP95 p99=$CP99 max=$CMAX failed=${CEIL_FAILED:-0} $CPU_FIELDS" >>"$RESULTS"
  rm -rf "$TMP/pgb"
fi

ROUTING_OUT=
if want routing; then
  say "== (5) the routing engine alone"
  if [ -x "$BUILD/bench_routing" ]; then
    ROUTING_OUT=$("$BUILD/bench_routing" "$ROUTING_S" 2>&1) || say "   bench_routing exited non-zero"
    printf '%s\n' "$ROUTING_OUT" >&2
  else
    say "   $BUILD/bench_routing is not built: skipped"
  fi
fi

if want x12 && [ -x "$BUILD/bench_x12" ]; then
  say "== (6) the X12 codec alone"; "$BUILD/bench_x12" "$ROUTING_S" >&2 || say "   bench_x12 exited non-zero"
fi

# ---- profile (optional): a short capture load on an instrumented omsd ----
if [ -n "$PROFILE" ]; then
  mkdir -p "$OUT"
  case $PROFILE in
    callgrind)
      say "== profile: omsd under callgrind, capture at 8 connections for 20 s"
      start_omsd "$BEST" valgrind --tool=callgrind --callgrind-out-file="$OUT/callgrind.out.omsd"
      lg profile_callgrind 8 20 2 "${UNIFORM[@]}"
      stop_omsd
      callgrind_annotate --inclusive=yes "$OUT/callgrind.out.omsd" 2>/dev/null | head -n 80 >"$OUT/callgrind.inclusive.txt" || true
      callgrind_annotate "$OUT/callgrind.out.omsd" 2>/dev/null | head -n 60 >"$OUT/callgrind.self.txt" || true
      start_omsd "$BEST"
      ;;
    perf)
      say "== profile: perf (cpu-clock, whole machine), capture at 32 connections"
      start_omsd "$BEST"
      perf record -e cpu-clock -F 999 -a -g -o "$OUT/perf.data" -- sleep "$((S + W))" >/dev/null 2>&1 &
      PERF_PID=$!
      lg profile_perf 32 "$S" "$W" "${UNIFORM[@]}"
      wait "$PERF_PID" || true
      perf report -i "$OUT/perf.data" --no-children --sort comm,dso --stdio 2>/dev/null | head -n 60 >"$OUT/perf.comm_dso.txt" || true
      perf report -i "$OUT/perf.data" --no-children --sort sym --stdio -g none 2>/dev/null | head -n 120 >"$OUT/perf.sym.txt" || true
      ;;
    *) fail "BENCH_PROFILE must be callgrind or perf" ;;
  esac
fi

stop_omsd

# ---- checks: nothing oversold, the ledger adds up, every 2xx is an order ----
say "== checks (SQL)"
CAPTURED=$(awk '/^RESULT/ && / name=(sweep_|capture_|hot_|sellout|profile_)/ {
  for (i = 1; i <= NF; i++) if ($i ~ /^ok_total=/) { sub("ok_total=", "", $i); s += $i } } END { print s + 0 }' "$RESULTS")
CHECKS=$("${PSQL_SU[@]}" -At -F ' ' -v t="$TENANT" -v c="$CEIL_TENANT" -v n="$CAPTURED" <<'SQL'
WITH inv AS (
  SELECT sku, location, on_hand, reserved FROM inventory WHERE tenant_id = :'t'),
open_fl AS (
  SELECT fl.sku, f.source AS location, sum(fl.quantity - fl.shipped - fl.rejected - fl.cancelled) AS q
    FROM fulfillment_lines fl JOIN fulfillments f ON f.tenant_id = fl.tenant_id AND f.id = fl.fulfillment_id
   WHERE f.tenant_id = :'t' AND f.source_type = 'location'
   GROUP BY 1, 2),
alloc AS (
  SELECT sku, sum(allocated) AS q FROM order_lines WHERE tenant_id = :'t' GROUP BY 1),
inv_sku AS (
  SELECT sku, sum(reserved) AS q FROM inv GROUP BY 1),
ledger AS (
  SELECT sku, location, sum(delta) AS q FROM inventory_ledger WHERE tenant_id = :'t' GROUP BY 1, 2),
cinv AS (
  SELECT sku, location, on_hand, reserved FROM inventory WHERE tenant_id = :'c'),
cledger AS (
  SELECT sku, location, sum(delta) AS q FROM inventory_ledger WHERE tenant_id = :'c' GROUP BY 1, 2),
calloc AS (
  SELECT sku, sum(allocated) AS q FROM order_lines WHERE tenant_id = :'c' GROUP BY 1),
cinv_sku AS (
  SELECT sku, sum(reserved) AS q FROM cinv GROUP BY 1)
SELECT 'orders_in_db', count(*)::text FROM orders WHERE tenant_id = :'t' AND external_id NOT LIKE 'hist-%'
UNION ALL SELECT 'orders_2xx', :'n'
UNION ALL SELECT 'oversold_positions', count(*)::text FROM inv WHERE reserved > on_hand
UNION ALL SELECT 'reserved_ne_open_lines', count(*)::text
  FROM inv v FULL JOIN open_fl o ON o.sku = v.sku AND o.location = v.location
 WHERE coalesce(v.reserved, 0) <> coalesce(o.q, 0)
UNION ALL SELECT 'reserved_ne_allocated_skus', count(*)::text
  FROM inv_sku i FULL JOIN alloc a ON a.sku = i.sku WHERE coalesce(i.q, 0) <> coalesce(a.q, 0)
UNION ALL SELECT 'ledger_ne_on_hand', count(*)::text
  FROM inv v FULL JOIN ledger l ON l.sku = v.sku AND l.location = v.location
 WHERE coalesce(v.on_hand, 0) <> coalesce(l.q, 0)
UNION ALL SELECT 'units_reserved', coalesce(sum(reserved), 0)::text FROM inv
UNION ALL SELECT 'scarce_on_hand', coalesce(sum(on_hand), 0)::text FROM inv
 WHERE sku BETWEEN 'SKU-00011' AND 'SKU-00020'
UNION ALL SELECT 'scarce_sold', coalesce(sum(allocated), 0)::text FROM order_lines
 WHERE tenant_id = :'t' AND sku BETWEEN 'SKU-00011' AND 'SKU-00020'
UNION ALL SELECT 'ceiling_orders', count(*)::text FROM orders WHERE tenant_id = :'c' AND external_id NOT LIKE 'hist-%'
UNION ALL SELECT 'ceiling_oversold_positions', count(*)::text FROM cinv WHERE reserved > on_hand
UNION ALL SELECT 'ceiling_reserved_ne_allocated_skus', count(*)::text
  FROM cinv_sku i FULL JOIN calloc a ON a.sku = i.sku WHERE coalesce(i.q, 0) <> coalesce(a.q, 0)
UNION ALL SELECT 'ceiling_ledger_ne_on_hand', count(*)::text
  FROM cinv v FULL JOIN cledger l ON l.sku = v.sku AND l.location = v.location
 WHERE coalesce(v.on_hand, 0) <> coalesce(l.q, 0);
SQL
) || fail "check queries"
chk() { printf '%s\n' "$CHECKS" | awk -v k="$1" '$1 == k { print $2 }'; }
CHECK_FAIL=0
verdict() { # label ok-condition(0/1) detail
  if [ "$2" = 1 ]; then printf '  ok    %-58s %s\n' "$1" "$3"; else printf '  FAIL  %-58s %s\n' "$1" "$3"; CHECK_FAIL=1; fi
}
{
  echo "checks:"
  verdict "no inventory row has reserved > on_hand" "$([ "$(chk oversold_positions)" = 0 ] && echo 1)" "($(chk oversold_positions) rows)"
  verdict "reserved = open fulfillment units per (sku, location)" "$([ "$(chk reserved_ne_open_lines)" = 0 ] && echo 1)" "($(chk reserved_ne_open_lines) mismatches; $(chk units_reserved) units reserved)"
  verdict "sum reserved = sum order_lines.allocated per sku" "$([ "$(chk reserved_ne_allocated_skus)" = 0 ] && echo 1)" "($(chk reserved_ne_allocated_skus) mismatches)"
  verdict "ledger sum(delta) = on_hand per (sku, location)" "$([ "$(chk ledger_ne_on_hand)" = 0 ] && echo 1)" "($(chk ledger_ne_on_hand) mismatches)"
  verdict "every 2xx capture is one order in the database" "$([ "$(chk orders_in_db)" = "$(chk orders_2xx)" ] && echo 1)" "($(chk orders_2xx) replies 2xx, $(chk orders_in_db) orders)"
  verdict "scarce skus: units sold <= units on hand" "$([ "$(chk scarce_sold)" -le "$(chk scarce_on_hand)" ] && echo 1)" "($(chk scarce_sold) sold of $(chk scarce_on_hand))"
  verdict "ceiling tenant: no reserved > on_hand" "$([ "$(chk ceiling_oversold_positions)" = 0 ] && echo 1)" "($(chk ceiling_orders) orders captured by pgbench)"
  verdict "ceiling tenant: sum reserved = sum allocated per sku" "$([ "$(chk ceiling_reserved_ne_allocated_skus)" = 0 ] && echo 1)" "($(chk ceiling_reserved_ne_allocated_skus) mismatches)"
  verdict "ceiling tenant: ledger sum(delta) = on_hand" "$([ "$(chk ceiling_ledger_ne_on_hand)" = 0 ] && echo 1)" "($(chk ceiling_ledger_ne_on_hand) mismatches)"
} | tee -a "$TMP/summary.txt" >&2
if grep -q '^  FAIL' "$TMP/summary.txt"; then CHECK_FAIL=1; fi

# ---- summary ----
row() { # name label
  local r thr
  r=$(res "$1" rps)
  [ -n "$r" ] || return 0
  thr=$(res "$1" threads)
  if [ -n "$thr" ]; then thr="$(res "$1" threads_working)/$thr"; else thr=-; fi
  printf '| %-34s | %5s | %9s | %7s | %7s | %7s | %9s | %6s | %6s | %5s | %5s |\n' "$2" "$(res "$1" conns)" "$r" \
    "$(res "$1" p50)" "$(res "$1" p95)" "$(res "$1" p99)" "$(res "$1" s409)/$(res "$1" s5xx)/$(res "$1" neterr)" \
    "$(res "$1" omsd_ms_per_req)" "$(res "$1" pg_ms_per_req)" "$(res "$1" cpu_other)" \
    "$thr"
}
target() { # label value op threshold unit
  local v=$2
  if [ -z "$v" ]; then printf '  %-46s %s\n' "$1" "not measured"; return; fi
  awk -v l="$1" -v v="$v" -v op="$3" -v t="$4" -v u="$5" 'BEGIN {
    met = (op == ">=") ? (v >= t) : (v <= t)
    d = (t != 0) ? (v - t) / t * 100 : 0
    printf "  %-46s %10.1f %-8s (target %s %s)  %s %+.0f%%\n", l, v, u, op, t, met ? "MET   " : "MISSED", d }'
}
{
  echo
  echo "results (throughput = 2xx replies per second; latency of 2xx replies in ms; errors = 409/5xx/socket;"
  echo "CPU ms per request of omsd and of PostgreSQL; other = % of a core used by processes not in the benchmark;"
  echo "thr = omsd worker threads that did work / OMS_THREADS):"
  printf '| %-34s | %5s | %9s | %7s | %7s | %7s | %9s | %6s | %6s | %5s | %5s |\n' run conns "per s" p50 p95 p99 errors "omsd" "pg" other thr
  echo "|------------------------------------|-------|-----------|---------|---------|---------|-----------|--------|--------|-------|-------|"
  for t in $THREADS_CANDIDATES; do row "sweep_t$t" "sweep: capture, threads=pool=$t"; done
  row health "GET /health (HTTP floor)"
  for c in $CONNS; do row "capture_$c" "capture, uniform skus"; done
  for c in $HOT_CONNS; do row "hot_$c" "capture, 10 hot skus"; done
  row sellout "sell-out, 10 scarce skus (3 s)"
  row avail_1 "availability, 1 sku per call"
  row avail_50 "availability, 50 skus per call"
  row ceiling "ceiling: pgbench PL/pgSQL capture"
  row profile_callgrind "profile: capture, omsd under callgrind"
  row profile_perf "profile: capture under perf"
  [ -n "$(res sellout rps)" ] && echo "sell-out: $(res sellout ok) orders captured (window), $(res sellout insufficient) refused 409 insufficient_inventory"
  for c in $HOT_CONNS; do
    [ -n "$(res "hot_$c" rps)" ] && echo "hot skus at $c connections: $(res "hot_$c" insufficient) x 409 insufficient_inventory, $(res "hot_$c" s5xx) x 5xx"
  done
  if [ -n "$ROUTING_OUT" ]; then
    echo "routing engine (bench_routing):"
    printf '%s\n' "$ROUTING_OUT" | sed 's/^/  /'
  fi
  PCT=
  if [ -n "$CEIL_TPS" ] && [ -n "$(res capture_32 rps)" ]; then
    PCT=$(awk -v a="$(res capture_32 rps)" -v b="$CEIL_TPS" 'BEGIN { printf "%.1f", (b > 0) ? a / b * 100 : 0 }')
    echo "capture at 32 connections = $PCT% of the same-run ceiling ($(res capture_32 rps) / $CEIL_TPS per s)"
  fi
  # bench_routing prints "<case> plan|explain <N> plans/s ..." per case
  ENGINE_DEFAULT= ENGINE_MIN= ENGINE_EXPLAIN=
  if [ -n "$ROUTING_OUT" ]; then
    ENGINE_DEFAULT=$(printf '%s\n' "$ROUTING_OUT" | awk '/^default/ && / plan / { for (i = 1; i < NF; i++) if ($(i + 1) == "plans/s") { print $i; exit } }')
    ENGINE_MIN=$(printf '%s\n' "$ROUTING_OUT" | awk '/ plan / { for (i = 1; i < NF; i++) if ($(i + 1) == "plans/s" && (m == "" || $i + 0 < m)) m = $i } END { print m }')
    ENGINE_EXPLAIN=$(printf '%s\n' "$ROUTING_OUT" | awk '/ explain / { for (i = 1; i < NF; i++) if ($(i + 1) == "plans/s" && (m == "" || $i + 0 < m)) m = $i } END { print m }')
  fi
  echo
  echo "targets (issue 7):"
  target "capture, 32 connections: orders/s" "$(res capture_32 rps)" ">=" 5000 "orders/s"
  target "capture, 32 connections: p99" "$(res capture_32 p99)" "<=" 20 "ms"
  target "capture, 32 connections: % of ceiling" "$PCT" ">=" 40 "%"
  target "hot skus, 32 connections: orders/s" "$(res hot_32 rps)" ">=" 2500 "orders/s"
  target "hot skus, 32 connections: p99" "$(res hot_32 p99)" "<=" 150 "ms"
  target "availability, 1 sku: reads/s" "$(res avail_1 rps)" ">=" 20000 "reads/s"
  target "routing engine, default rule: plans/s" "$ENGINE_DEFAULT" ">=" 100000 "plans/s"
  target "routing engine, slowest rule: plans/s" "$ENGINE_MIN" ">=" 100000 "plans/s"
  target "routing engine with explanation: plans/s" "$ENGINE_EXPLAIN" ">=" 100000 "plans/s"
} | tee -a "$TMP/summary.txt"

[ "$CHECK_FAIL" = 0 ] || fail "a consistency check failed (see above)"
say "bench: done"
