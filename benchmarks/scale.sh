#!/usr/bin/env bash
# Benchmark of scale: (1) one target with 10 databases x 1,000 tables, every collector every 30 s:
# the first (cold) cycle's collector time, then the server time of a warm full cycle (from
# pg_stat_statements over two cycles, execution and planning), the series count (bounded by the
# limits) and RSS; (2) what a series costs besides its history: two agents keeping 30 s of
# history on two of those databases, one with every table and index (limits 1,000), one without
# the table and index collectors, the RSS difference per series; once with the default history
# tiers (made, not yet filled) and once without; (3) 1, 10 and 50 targets of the
# size most servers have (pgvigil's database list limited to `postgres`) on one server: CPU per
# cycle and RSS, to show the cost per target stays flat.
#
#   benchmarks/scale.sh      (as root; builds pgvigil in release mode; ~10 minutes)
#   SOAK_MINUTES=60 benchmarks/scale.sh
#                            (keeps the agent of (1) sampling that long first, its RSS printed every
#                            5 minutes: flat, but for its history filling, over an hour)
set -euo pipefail
cd "$(dirname "$0")/.."

[ "$(id -u)" = 0 ] && scripts/install-deps.sh
export PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
export CLUSTER_DIR=/tmp/pgvigil-scale
export PRIMARY_PORT=${PRIMARY_PORT:-58832}
DATABASES=${DATABASES:-10}
TABLES=${TABLES:-1000}

binary=$(scripts/build-agent.sh)
scripts/pg-cluster.sh stop 2>/dev/null || true
scripts/pg-cluster.sh start >/dev/null
agent_pid=""
trap '[ -n "$agent_pid" ] && kill "$agent_pid" 2>/dev/null; scripts/pg-cluster.sh stop' EXIT

psql_admin() { runuser -u postgres -- "$PG_BIN/psql" -X -q -h "$CLUSTER_DIR/socket" -p "$PRIMARY_PORT" -U postgres "$@"; }
echo "creating $DATABASES databases x $TABLES tables..."
for d in $(seq 1 "$DATABASES"); do
  psql_admin -d postgres -c "CREATE DATABASE bench_$d"
  psql_admin -d "bench_$d" -c "DO \$\$ BEGIN FOR i IN 1..$TABLES LOOP
      EXECUTE format('CREATE TABLE t_%s (id int PRIMARY KEY, v text)', i);
      EXECUTE format('INSERT INTO t_%s SELECT g, md5(g::text) FROM generate_series(1, %s) g', i, 1 + i % 20);
    END LOOP; END \$\$; ANALYZE;"
done

dsn="host=127.0.0.1 port=$PRIMARY_PORT user=pgvigil password=pgvigil-test-password dbname=postgres"
metrics() { curl -sf "http://127.0.0.1:59500/metrics"; }
rss_mib() { awk '/VmRSS/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }
anonymous_mib() { awk '/RssAnon/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }
cpu_seconds() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$1/stat"; }

# run_agent TARGETS INTERVAL DATABASES [COLLECTORS [HISTORY [TIERS]]]: starts pgvigil with TARGETS targets on the same server.
run_agent() {
  local config="$CLUSTER_DIR/scale.yaml"
  { echo "listen: \"127.0.0.1:59500\""; echo "interval: $2"; echo "history: ${5:-1h}"; [ -z "${6:-}" ] || echo "history_tiers: $6"
    echo "targets:"
    for i in $(seq 1 "$1"); do echo "  - { name: t$i, dsn: \"$dsn\", databases: $3 }"; done
    [ -z "${4:-}" ] || echo "collectors: $4"
  } >"$config"
  "$binary" run --config "$config" --log-level error &
  agent_pid=$!
}

wait_for_cycles() {  # wait_for_cycles TARGETS: until every target has all collectors' results
  local deadline=$((SECONDS + 300))
  until [ "$(metrics | grep -c '^pgvigil_collector_success{.*collector="partitions"} 1')" -ge "$1" ]; do
    [ $SECONDS -lt $deadline ] || { echo "timed out" >&2; exit 1; }
    sleep 1
  done
}

echo
echo "== one target, $DATABASES databases x $TABLES tables, every collector every 30s"
every30s=$(printf '%s: { interval: 30s }, ' table_sizes indexes partitions vacuum wraparound settings)
run_agent 1 30s auto "{ ${every30s%, } }"
wait_for_cycles 1
body=$(metrics)
cycle=$(echo "$body" | awk '/^pgvigil_collector_duration_seconds/ { sum += $2 } END { printf "%.3f", sum }')
series=$(echo "$body" | grep -vc '^#')
echo "first (cold) full cycle, sum of collector durations: ${cycle}s"
psql_admin -d postgres -c "SELECT pg_stat_statements_reset()" >/dev/null
sleep 60
warm=$(psql_admin -d postgres -At -c "SELECT round((sum(total_exec_time + total_plan_time) / 2 / 1000)::numeric, 3)
  FROM pg_stat_statements s JOIN pg_roles r ON r.oid = s.userid WHERE r.rolname = 'pgvigil'")
echo "warm full cycle, server time (pg_stat_statements over two cycles): ${warm}s"
body=$(metrics)
echo "series served: $series"
echo "per collector, its latest (warm) run (series, seconds):"
paste <(echo "$body" | sed -n 's/^pgvigil_series{target="[^"]*",collector="\([^"]*\)"} \(.*\)/  \1 \2/p') \
      <(echo "$body" | sed -n 's/^pgvigil_collector_duration_seconds{target="[^"]*",collector="[^"]*"} \(.*\)/\1/p')
echo "RSS: $(rss_mib $agent_pid) MiB"
for minute in $(seq 5 5 "${SOAK_MINUTES:-0}"); do
  sleep 300
  echo "  after $minute more minutes: RSS $(rss_mib $agent_pid) MiB (anonymous $(anonymous_mib $agent_pid)), series $(metrics | grep -vc '^#'), CPU $(cpu_seconds $agent_pid) s"
done
kill "$agent_pid"; wait "$agent_pid" 2>/dev/null || true; agent_pid=""

echo
echo "== per series, besides history (history 30s, interval 5s, 60s of sampling; databases bench_1 and bench_2)"
# rss_and_series COLLECTORS [TIERS]: the steady RSS (KiB) and series count of one agent.
rss_and_series() {
  run_agent 1 5s "[bench_1, bench_2]" "$1" 30s "${2:-}"
  wait_for_cycles 1
  sleep 60
  echo "$(awk '/VmRSS/ { print $2 }' "/proc/$agent_pid/status") $(metrics | grep -vc '^#')"
  kill "$agent_pid"; wait "$agent_pid" 2>/dev/null || true; agent_pid=""
}
for tiers in "" "[]"; do
  read -r full_kib full_series < <(rss_and_series "{ table_sizes: { limit: 1000 }, indexes: { limit: 1000 } }" "$tiers")
  read -r few_kib few_series < <(rss_and_series "{ table_sizes: { enabled: false }, indexes: { enabled: false } }" "$tiers")
  awk -v fk="$full_kib" -v fs="$full_series" -v k="$few_kib" -v s="$few_series" -v tiers="${tiers:-default}" 'BEGIN {
    printf "history tiers %s: %d series: %.1f MiB; %d series: %.1f MiB; per series: %.0f bytes\n",
      tiers, fs, fk / 1024, s, k / 1024, (fk - k) * 1024 / (fs - s) }'
done

echo
echo "== targets on one server (interval 5s, 60s of sampling)"
for targets in 1 10 50; do
  run_agent "$targets" 5s "[postgres]"
  wait_for_cycles "$targets"
  start_cpu=$(cpu_seconds $agent_pid)
  sleep 60
  end_cpu=$(cpu_seconds $agent_pid)
  awk -v t="$targets" -v a="$start_cpu" -v b="$end_cpu" -v rss="$(rss_mib $agent_pid)" -v series="$(metrics | grep -vc '^#')" \
    'BEGIN { c = (b - a) / 12; printf "targets=%d  CPU per cycle: %.3fs  per target: %.1fms  RSS: %s MiB  series: %d\n", t, c, c / t * 1000, rss, series }'
  kill "$agent_pid"; wait "$agent_pid" 2>/dev/null || true; agent_pid=""
done
