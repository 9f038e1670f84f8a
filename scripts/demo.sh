#!/usr/bin/env bash
# Brings up a local demo: a PostgreSQL primary and streaming replica on loopback with a little
# pgbench load, a PgBouncer in front of the primary, and pgvigil sampling all three every 5s on
# :9432. Ctrl-C stops everything.
#
#   scripts/demo.sh        (as root: installs missing Debian packages first)
set -euo pipefail
cd "$(dirname "$0")/.."

[ "$(id -u)" = 0 ] && scripts/install-deps.sh

export PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
export CLUSTER_DIR=${CLUSTER_DIR:-/tmp/pgvigil-demo}
export PRIMARY_PORT=${PRIMARY_PORT:-55432}
REPLICA_PORT=$((PRIMARY_PORT + 1))
LISTEN=${LISTEN:-:9432}

echo "== building pgvigil (release)"
binary=$(scripts/build-agent.sh)

echo "== starting PostgreSQL primary and replica"
scripts/pg-cluster.sh stop 2>/dev/null || true
scripts/pg-cluster.sh start
load_pid=""
cleanup() {
  [ -n "$load_pid" ] && kill "$load_pid" 2>/dev/null || true
  scripts/pg-cluster.sh stop
}
trap cleanup EXIT

echo "== creating database shop and starting a light pgbench load"
socket="$CLUSTER_DIR/socket"
runuser -u postgres -- "$PG_BIN/createdb" -h "$socket" -p "$PRIMARY_PORT" shop
runuser -u postgres -- "$PG_BIN/pgbench" -h "$socket" -p "$PRIMARY_PORT" -i -s 5 -q shop 2>/dev/null
runuser -u postgres -- "$PG_BIN/pgbench" -h "$socket" -p "$PRIMARY_PORT" -c 4 -R 40 -T 86400 -n shop >/dev/null 2>&1 &
load_pid=$!

config="$CLUSTER_DIR/pgvigil-demo.yaml"
cat >"$config" <<YAML
listen: "$LISTEN"
interval: 5s
history: 1h
targets:
  - name: primary
    dsn: "host=127.0.0.1 port=$PRIMARY_PORT user=pgvigil password=pgvigil-test-password dbname=postgres"
    labels: { cluster: demo }
  - name: replica
    dsn: "host=127.0.0.1 port=$REPLICA_PORT user=pgvigil password=pgvigil-test-password dbname=postgres"
    labels: { cluster: demo }
  - name: bouncer
    type: pgbouncer
    dsn: "host=127.0.0.1 port=$((PRIMARY_PORT + 2)) user=pgvigil dbname=pgbouncer"
    labels: { cluster: demo }
collectors:
  table_sizes: { interval: 15s, limit: 20 }
  cache_hit_ratio: { window: 1m }
YAML

port=${LISTEN##*:}
cat <<TEXT

pgvigil is starting. In another terminal:
  curl -s localhost:$port/metrics | grep -v '^#'
  curl -s localhost:$port/readyz
  curl -s 'localhost:$port/probe?target=replica'
Ctrl-C stops pgvigil, the load and the servers.

TEXT
"$binary" run --config "$config"
