#!/usr/bin/env bash
# Benchmark: 1,000 sequential scrapes of /metrics with 1,000 tables in the database, pgvigil beside
# postgres_exporter (the exporter operators use today), both against the same throwaway server.
# Prints median and p99 latency and each process's RSS, for plain requests and for requests with
# the headers Prometheus sends (OpenMetrics, gzip).
#
#   benchmarks/scrape-latency.sh     (as root; builds pgvigil in release mode)
set -euo pipefail
cd "$(dirname "$0")/.."

[ "$(id -u)" = 0 ] && scripts/install-deps.sh
if ! command -v prometheus-postgres-exporter >/dev/null; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq prometheus-postgres-exporter >/dev/null
  systemctl stop prometheus-postgres-exporter 2>/dev/null || true
fi

export PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
export CLUSTER_DIR=/tmp/pgvigil-bench
export PRIMARY_PORT=57432
SCRAPES=${SCRAPES:-1000}
TABLES=${TABLES:-1000}

binary=$(scripts/build-agent.sh)
scripts/pg-cluster.sh stop 2>/dev/null || true
scripts/pg-cluster.sh start >/dev/null
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  scripts/pg-cluster.sh stop
}
trap cleanup EXIT

socket="$CLUSTER_DIR/socket"
runuser -u postgres -- "$PG_BIN/psql" -X -q -h "$socket" -p "$PRIMARY_PORT" -U postgres -d postgres -c "CREATE DATABASE bench"
runuser -u postgres -- "$PG_BIN/psql" -X -q -h "$socket" -p "$PRIMARY_PORT" -U postgres -d bench <<SQL
DO \$\$ BEGIN
  FOR i IN 1..$TABLES LOOP
    EXECUTE format('CREATE TABLE t_%s (id int PRIMARY KEY, payload text)', i);
    EXECUTE format('INSERT INTO t_%s SELECT g, md5(g::text) FROM generate_series(1, %s) g', i, 1 + i % 50);
  END LOOP;
END \$\$;
ANALYZE;
SQL

dsn="host=127.0.0.1 port=$PRIMARY_PORT user=pgvigil password=pgvigil-test-password dbname=bench"
config="$CLUSTER_DIR/bench.yaml"
cat >"$config" <<YAML
listen: "127.0.0.1:59432"
interval: 15s
history: ${HISTORY:-1h}
targets: [{ name: bench, dsn: "$dsn", databases: [bench] }]
collectors: { table_sizes: { interval: 15s, limit: $TABLES } }
YAML
"$binary" run --config "$config" --log-level warning &
pids+=($!)
pgvigil_pid=$!

DATA_SOURCE_NAME="$dsn sslmode=disable" prometheus-postgres-exporter --web.listen-address=127.0.0.1:59187 --log.level=warn &
pids+=($!)
exporter_pid=$!

# Wait until pgvigil has sampled the tables and the exporter answers.
deadline=$((SECONDS + 60))
until curl -sf http://127.0.0.1:59432/metrics | grep pg_stat_user_tables_total_size_bytes >/dev/null; do
  [ $SECONDS -lt $deadline ] || { echo "pgvigil did not sample in time" >&2; exit 1; }
  sleep 0.5
done
until curl -sf http://127.0.0.1:59187/metrics >/dev/null; do
  [ $SECONDS -lt $deadline ] || { echo "postgres_exporter did not start" >&2; exit 1; }
  sleep 0.5
done
echo "series served by pgvigil: $(curl -s http://127.0.0.1:59432/metrics | grep -vc '^#')"
echo "series served by postgres_exporter: $(curl -s http://127.0.0.1:59187/metrics | grep -vc '^#')"
python3 benchmarks/scrape_latency.py pgvigil http://127.0.0.1:59432/metrics "$SCRAPES" "$pgvigil_pid"
python3 benchmarks/scrape_latency.py postgres_exporter http://127.0.0.1:59187/metrics "$SCRAPES" "$exporter_pid"
# The same with the headers Prometheus sends: OpenMetrics preferred, gzip accepted.
python3 benchmarks/scrape_latency.py pgvigil http://127.0.0.1:59432/metrics "$SCRAPES" "$pgvigil_pid" --as-prometheus
python3 benchmarks/scrape_latency.py postgres_exporter http://127.0.0.1:59187/metrics "$SCRAPES" "$exporter_pid" --as-prometheus
