#!/usr/bin/env bash
# pgvigil beside postgres_exporter (Debian's, with its defaults) on the same throwaway primary with
# 1,000 extra small tables, in one run, each under its own role so pg_stat_statements tells their
# database time apart. Prints one table of figures and ratios:
#   - database time (execution + planning) and statements per minute at a 15 s cadence: pgvigil
#     samples on its own 15 s timer, the exporter is scraped every 15 s (it queries when scraped);
#   - RSS after 200 scrapes with Prometheus's headers, and of it the anonymous memory (heap,
#     stacks, relocated data) and the pages of files (binaries and libraries, which the kernel
#     maps in blocks around each page touched; the page cache is dropped first, so both start as
#     after a boot); and the RSS of a second pgvigil (its own role, 1 s interval, 240 s of
#     history) whose series hold 240 points each by the end, as the default 1 h at 15 s does;
#   - the median scrape with Prometheus's headers over one keep-alive connection (wrk).
#
#   benchmarks/peer.sh                 (as root; release build; about 8 minutes; PEER_MINUTES=5)
#   PEER_QUICK=1 benchmarks/peer.sh    (what .ci/run does: debug build, 1 minute, 20 scrapes; checks
#                                       that the benchmark works, not its figures)
set -euo pipefail
cd "$(dirname "$0")/.."

[ "$(id -u)" = 0 ] && scripts/install-deps.sh
missing=()
command -v prometheus-postgres-exporter >/dev/null || missing+=(prometheus-postgres-exporter)
command -v wrk >/dev/null || missing+=(wrk)
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  systemctl stop prometheus-postgres-exporter 2>/dev/null || true
fi

export PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
export CLUSTER_DIR=/tmp/pgvigil-peer
export PRIMARY_PORT=57900
quick=${PEER_QUICK:-0}
if [ "$quick" = 1 ]; then
  minutes=1 scrapes=20 wrk_seconds=2 full_points=60 configuration=debug
else
  minutes=${PEER_MINUTES:-5} scrapes=200 wrk_seconds=10 full_points=240 configuration=release
fi
binary=$(scripts/build-agent.sh "$configuration")

scripts/pg-cluster.sh stop 2>/dev/null || true
scripts/pg-cluster.sh start >/dev/null
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  scripts/pg-cluster.sh stop >/dev/null
}
trap cleanup EXIT

psql_admin() { runuser -u postgres -- "$PG_BIN/psql" -X -q -At -h "$CLUSTER_DIR/socket" -p "$PRIMARY_PORT" -U postgres -d postgres "$@"; }
psql_admin <<SQL
CREATE ROLE exporter LOGIN PASSWORD 'exporter-password' IN ROLE pg_monitor;
CREATE ROLE pgvigil_full LOGIN PASSWORD 'pgvigil-test-password' IN ROLE pg_monitor;
ALTER SYSTEM SET pg_stat_statements.track_planning = on;
SELECT FROM pg_reload_conf();
DO \$\$ BEGIN
  FOR i IN 1..1000 LOOP
    EXECUTE format('CREATE TABLE bench_%s (id int PRIMARY KEY, payload text)', i);
    EXECUTE format('INSERT INTO bench_%s SELECT g, md5(g::text) FROM generate_series(1, %s) g', i, 1 + i % 50);
  END LOOP;
END \$\$;
ANALYZE;
SQL

# Both binaries are read from disk as at a first start (pages already cached would be mapped
# around each page touched, and counted).
[ "$quick" = 1 ] || { sync; echo 3 >/proc/sys/vm/drop_caches; }
work=$(mktemp -d)
dsn="host=127.0.0.1 port=$PRIMARY_PORT password=pgvigil-test-password dbname=postgres"
printf 'listen: "127.0.0.1:57910"\ntargets: [{ name: primary, dsn: "%s user=pgvigil" }]\n' "$dsn" >"$work/pgvigil.yaml"
printf 'listen: "127.0.0.1:57911"\ninterval: 1s\nhistory: %ss\ntargets: [{ name: primary, dsn: "%s user=pgvigil_full" }]\n' \
  "$full_points" "$dsn" >"$work/full.yaml"
"$binary" run --config "$work/pgvigil.yaml" --log-level warning &
pids+=($!)
pgvigil_pid=$!
"$binary" run --config "$work/full.yaml" --log-level warning &
pids+=($!)
full_pid=$!
DATA_SOURCE_NAME="host=127.0.0.1 port=$PRIMARY_PORT user=exporter password=exporter-password dbname=postgres sslmode=disable" \
  prometheus-postgres-exporter --web.listen-address=127.0.0.1:57987 --log.level=warn &
pids+=($!)
exporter_pid=$!

pgvigil_url=http://127.0.0.1:57910/metrics
exporter_url=http://127.0.0.1:57987/metrics
deadline=$((SECONDS + 120))
until curl -sf "$pgvigil_url" | grep -q '^pg_stat_user_tables_n_live_tup' && curl -sf "$exporter_url" >/dev/null \
  && curl -sf http://127.0.0.1:57911/metrics | grep -q '^pg_up'; do
  [ $SECONDS -lt $deadline ] || { echo "the agents did not answer in time" >&2; exit 1; }
  sleep 1
done
series() { curl -s "$1" | grep -vc '^#'; }
pgvigil_series=$(series "$pgvigil_url")
exporter_series=$(series "$exporter_url")

# Database time: from a reset, $minutes minutes at a 15 s cadence.
psql_admin -c "SELECT pg_stat_statements_reset()" >/dev/null
end=$((SECONDS + minutes * 60))
while [ $SECONDS -lt $end ]; do
  curl -s -o /dev/null "$exporter_url"
  curl -s -o /dev/null "$pgvigil_url"
  sleep 15
done
db_time() {  # ROLE -> "milliseconds_per_minute calls_per_minute"
  psql_admin -F ' ' -c "SELECT round((coalesce(sum(s.total_exec_time + s.total_plan_time), 0) / $minutes)::numeric, 1),
      round(coalesce(sum(s.calls), 0)::numeric / $minutes, 1)
    FROM pg_stat_statements s JOIN pg_roles r ON r.oid = s.userid WHERE r.rolname = '$1'"
}
read -r pgvigil_ms pgvigil_calls <<<"$(db_time pgvigil)"
read -r exporter_ms exporter_calls <<<"$(db_time exporter)"

# RSS after the scrapes, and the scrapes' median as Prometheus makes them.
scrape() { python3 benchmarks/scrape_latency.py "$1" "$2" "$scrapes" "$3" --as-prometheus; }
pgvigil_scrape=$(scrape pgvigil "$pgvigil_url" "$pgvigil_pid")
exporter_scrape=$(scrape postgres_exporter "$exporter_url" "$exporter_pid")
rss_of() { sed -n 's/.*rss=\([0-9.]*\) MiB.*/\1/p' <<<"$1"; }
resident() { awk -v field="$2:" '$1 == field { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }  # PID RssAnon|RssFile -> MiB
pgvigil_anon=$(resident "$pgvigil_pid" RssAnon) pgvigil_file=$(resident "$pgvigil_pid" RssFile)
exporter_anon=$(resident "$exporter_pid" RssAnon) exporter_file=$(resident "$exporter_pid" RssFile)
full_rss=$(awk '/^VmRSS:/ { printf "%.1f", $2 / 1024 }' "/proc/$full_pid/status")
cat >"$work/headers.lua" <<'LUA'
wrk.headers["Accept"] = "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1"
wrk.headers["Accept-Encoding"] = "gzip"
LUA
wrk_median() {  # URL -> median latency in ms
  wrk -t1 -c1 -d"${wrk_seconds}s" --latency -s "$work/headers.lua" "$1" | awk '$1 == "50%" {
    value = $2; unit = value; sub(/[0-9.]+/, "", unit); sub(/[a-z]+$/, "", value)
    printf "%.3f", value * (unit == "us" ? 0.001 : unit == "s" ? 1000 : 1) }'
}
pgvigil_wrk=$(wrk_median "$pgvigil_url")
exporter_wrk=$(wrk_median "$exporter_url")

# Two decimals, or three significant digits for a ratio under 0.1 (the scrape's is about 0.01).
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b <= 0) print "-"; else if (a / b < 0.1) printf "%.3g", a / b; else printf "%.2f", a / b }'; }
echo
echo "$("$binary" version | head -1) ($configuration) beside $(prometheus-postgres-exporter --version 2>&1 | head -1 | cut -c1-40)"
echo "on $("$PG_BIN/postgres" --version), $(nproc) cores, $(date -u +%Y-%m-%d); ${minutes} min at 15 s, ${scrapes} scrapes"
printf '%-52s %12s %18s %8s\n' "figure" "pgvigil" "postgres_exporter" "ratio"
printf '%-52s %12s %18s %8s\n' "series served" "$pgvigil_series" "$exporter_series" "$(ratio "$pgvigil_series" "$exporter_series")"
printf '%-52s %12s %18s %8s\n' "database time per minute (ms)" "$pgvigil_ms" "$exporter_ms" "$(ratio "$pgvigil_ms" "$exporter_ms")"
printf '%-52s %12s %18s %8s\n' "statements per minute" "$pgvigil_calls" "$exporter_calls" "$(ratio "$pgvigil_calls" "$exporter_calls")"
printf '%-52s %12s %18s %8s\n' "RSS after the scrapes (MiB)" "$(rss_of "$pgvigil_scrape")" "$(rss_of "$exporter_scrape")" \
  "$(ratio "$(rss_of "$pgvigil_scrape")" "$(rss_of "$exporter_scrape")")"
printf '%-52s %12s %18s %8s\n' "  of it anonymous (MiB)" "$pgvigil_anon" "$exporter_anon" "$(ratio "$pgvigil_anon" "$exporter_anon")"
printf '%-52s %12s %18s %8s\n' "  of it pages of files (MiB)" "$pgvigil_file" "$exporter_file" "$(ratio "$pgvigil_file" "$exporter_file")"
printf '%-52s %12s %18s %8s\n' "RSS with $full_points points of history a series (MiB)" "$full_rss" "$(rss_of "$exporter_scrape")" \
  "$(ratio "$full_rss" "$(rss_of "$exporter_scrape")")"
printf '%-52s %12s %18s %8s\n' "median scrape as Prometheus makes it, wrk (ms)" "$pgvigil_wrk" "$exporter_wrk" "$(ratio "$pgvigil_wrk" "$exporter_wrk")"
for figure in "$pgvigil_ms" "$exporter_ms" "$pgvigil_wrk" "$exporter_wrk" "$full_rss" "$pgvigil_anon" "$exporter_file"; do
  [ -n "$figure" ] || { echo "FAIL: a figure is missing" >&2; exit 1; }
done
