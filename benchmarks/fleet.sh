#!/usr/bin/env bash
# A fleet on one machine: 200 named targets over two real servers (a primary and its streaming
# replica, 10 databases each: 20 server-database pairs, 10 target names on each) split between
# 4 agents by `--shard I/4`, every agent remote-writing to one Prometheus (Debian's, with
# --web.enable-remote-write-receiver). Prints:
#   - samples delivered / expected: every point the agents' histories hold up to a cut-off time
#     (their /api/v1/series, all families they serve), against what Prometheus stored for the same
#     series up to the same time (count_over_time), series by series (fleet_count.py);
#   - per agent: targets, CPU per target per minute, RSS and RSS per target.
#
#   benchmarks/fleet.sh                 (as root; release build; about 12 minutes; FLEET_MINUTES=10)
#   FLEET_QUICK=1 benchmarks/fleet.sh   (what .ci/run does: debug build, 40 targets, 1 minute;
#                                        checks that the benchmark works, not its figures)
set -euo pipefail
cd "$(dirname "$0")/.."

[ "$(id -u)" = 0 ] && scripts/install-deps.sh
export PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
export CLUSTER_DIR=/tmp/pgvigil-fleet
export PRIMARY_PORT=57700
replica_port=$((PRIMARY_PORT + 1))
prometheus_port=57790
agents=4
if [ "${FLEET_QUICK:-0}" = 1 ]; then
  targets=40 minutes=1 configuration=debug
else
  targets=${FLEET_TARGETS:-200} minutes=${FLEET_MINUTES:-10} configuration=release
fi
interval=10
binary=$(scripts/build-agent.sh "$configuration")

work=$(mktemp -d /tmp/pgvigil-fleet-bench.XXXXXX)
scripts/pg-cluster.sh stop 2>/dev/null || true
scripts/pg-cluster.sh start >/dev/null
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  scripts/pg-cluster.sh stop >/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

psql_admin() { runuser -u postgres -- "$PG_BIN/psql" -X -q -At -h "$CLUSTER_DIR/socket" -p "$PRIMARY_PORT" -U postgres "$@"; }
for d in $(seq 1 10); do
  psql_admin -d postgres -c "CREATE DATABASE fleet_$d"
  psql_admin -d "fleet_$d" -c "CREATE TABLE orders (id int PRIMARY KEY, note text);
    INSERT INTO orders SELECT g, md5(g::text) FROM generate_series(1, 1000 * $d) g; ANALYZE;"
done

echo "global: {}" >"$work/prometheus.yml"
prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/prometheus" \
  --web.listen-address="127.0.0.1:$prometheus_port" --web.enable-remote-write-receiver --log.level=warn &
pids+=($!)
deadline=$((SECONDS + 60))
until curl -sf "http://127.0.0.1:$prometheus_port/-/ready" >/dev/null; do
  [ $SECONDS -lt $deadline ] || { echo "Prometheus did not become ready" >&2; exit 1; }
  sleep 0.5
done

# Target i (1-based) reads server (i mod 2) and database fleet_((i div 2) mod 10 + 1).
{
  echo "interval: ${interval}s"
  echo "external_labels: { fleet: bench }"
  echo "remote_write:"
  echo "  - url: http://127.0.0.1:$prometheus_port/api/v1/write"
  echo "targets:"
  for i in $(seq 1 "$targets"); do
    port=$([ $((i % 2)) = 0 ] && echo "$PRIMARY_PORT" || echo "$replica_port")
    database="fleet_$(((i / 2) % 10 + 1))"
    printf '  - { name: db%03d, dsn: "host=127.0.0.1 port=%s user=pgvigil password=pgvigil-test-password dbname=%s", databases: [%s] }\n' \
      "$i" "$port" "$database" "$database"
  done
} >"$work/fleet.yaml"

agent_urls=()
for a in $(seq 0 $((agents - 1))); do
  "$binary" run --config "$work/fleet.yaml" --shard "$a/$agents" --listen "127.0.0.1:$((59600 + a))" --log-level warning &
  pids+=($!)
  agent_urls+=("http://127.0.0.1:$((59600 + a))")
done
agent_pids=("${pids[@]:1}")

# Warm-up: every agent has sampled each of its targets once.
deadline=$((SECONDS + 120))
for url in "${agent_urls[@]}"; do
  until curl -sf "$url/readyz" >/dev/null; do
    [ $SECONDS -lt $deadline ] || { echo "$url did not become ready" >&2; exit 1; }
    sleep 1
  done
done
cpu_seconds() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$1/stat"; }
rss_mib() { awk '/VmRSS/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }
start_cpu=()
for pid in "${agent_pids[@]}"; do start_cpu+=("$(cpu_seconds "$pid")"); done

echo "$targets targets, $agents agents, every ${interval}s, $minutes minutes..."
sleep $((minutes * 60))

echo
echo "| agent | targets | CPU per target per minute | RSS | RSS per target |"
echo "| --- | --- | --- | --- | --- |"
for a in $(seq 0 $((agents - 1))); do
  pid=${agent_pids[$a]}
  served=$(curl -sf "${agent_urls[$a]}/metrics" | grep -c '^pg_up{' || true)
  awk -v a="$a" -v n="$served" -v c0="${start_cpu[$a]}" -v c1="$(cpu_seconds "$pid")" -v m="$minutes" -v rss="$(rss_mib "$pid")" \
    'BEGIN { printf "| %d | %d | %.1f ms | %.1f MiB | %.2f MiB |\n", a, n, (c1 - c0) * 1000 / m / n, rss, rss / n }'
done

# The cut-off leaves the last three cycles to arrive; the count waits until every agent's last
# accepted request is after it.
cutoff=$(awk -v now="$(date +%s.%N)" -v i="$interval" 'BEGIN { printf "%.4f", now - 3 * i + 0.0005 }')
echo
python3 benchmarks/fleet_count.py --prometheus "http://127.0.0.1:$prometheus_port" --cutoff "$cutoff" \
  --external-label fleet=bench --expect-targets "$targets" "${agent_urls[@]}"
