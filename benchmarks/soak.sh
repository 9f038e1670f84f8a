#!/usr/bin/env bash
# Soak test: the release agent runs for SOAK_MINUTES (default 30) at a 1 s interval under churn, and
# its RSS, open file descriptors and PostgreSQL sessions are recorded once a minute; all three must
# end flat. The churn, all on loopback:
#   - the primary is stopped for 20 s every 4 minutes (the agent's targets go down and come back);
#   - a webhook receiver answers 503 to every other POST (retries, backoff, the spool);
#   - /metrics is scraped every second (each failure is counted);
#   - one slowloris burst at minute 3: 200 connections trickling a header every 2 s for 60 s.
# Rules fire on the restarts (PostgresDown, for 0s) and one fires all along (repeat_interval 1m),
# so notifications flow the whole time. History is 5 minutes so the ring buffers are full after
# minute 5: from then on memory must stay flat.
#
#   benchmarks/soak.sh     (as root; builds pgvigil in release mode; SOAK_MINUTES=30)
# Prints a table (minute, RSS, fds, sessions, scrapes failed, notifications received) and a verdict;
# exits 1 if RSS grew more than 10% or 8 MiB over the steady half, fds or sessions grew, or a scrape failed.
set -euo pipefail
cd "$(dirname "$0")/.."

[ "$(id -u)" = 0 ] && scripts/install-deps.sh
export PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
export CLUSTER_DIR=/tmp/pgvigil-soak
export PRIMARY_PORT=57800
MINUTES=${SOAK_MINUTES:-30}
AGENT_PORT=57810
RECEIVER_PORT=57811
work=$(mktemp -d)

binary=$(scripts/build-agent.sh)
scripts/pg-cluster.sh stop 2>/dev/null || true
scripts/pg-cluster.sh start >/dev/null
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  scripts/pg-cluster.sh stop
  rm -rf "$work"
}
trap cleanup EXIT

# A receiver that answers 503 to every other POST and counts the 200s it gave.
cat >"$work/receiver.py" <<'PY'
import http.server, sys
class Receiver(http.server.BaseHTTPRequestHandler):
    posts = 0
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        Receiver.posts += 1
        ok = Receiver.posts % 2 == 0
        if ok:
            with open(sys.argv[2], "a") as log: log.write("1\n")
        self.send_response(200 if ok else 503)
        self.send_header("Content-Length", "0")
        self.end_headers()
    def log_message(self, *args): pass
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Receiver).serve_forever()
PY
python3 "$work/receiver.py" "$RECEIVER_PORT" "$work/delivered" &
pids+=($!)
touch "$work/delivered"

dsn() { echo "host=127.0.0.1 port=$1 user=pgvigil password=pgvigil-test-password dbname=postgres"; }
cat >"$work/pgvigil.yaml" <<YAML
listen: "127.0.0.1:$AGENT_PORT"
interval: 1s
history: 5m
timeout: 2s
targets:
  - { name: primary, dsn: "$(dsn "$PRIMARY_PORT")" }
  - { name: replica, dsn: "$(dsn $((PRIMARY_PORT + 1)))" }
alerts:
  repeat_interval: 1m
  spool: $work/spool
  receivers:
    - { name: flaky, url: "http://127.0.0.1:$RECEIVER_PORT/hook", timeout: 2s }
  rules:
    - { alert: PostgresDown, expr: "pg_up == 0" }
    - { alert: AlwaysFiring, expr: "pg_settings_max_connections > 0" }
YAML
"$binary" run --config "$work/pgvigil.yaml" --log-level warning 2>"$work/agent.log" &
agent=$!
pids+=("$agent")

deadline=$((SECONDS + 30))
until curl -sf "http://127.0.0.1:$AGENT_PORT/healthz" >/dev/null; do
  [ $SECONDS -lt $deadline ] || { echo "the agent did not start" >&2; cat "$work/agent.log" >&2; exit 1; }
  sleep 0.2
done

# Scrapes every second; each failure (not 200 within 3 s) is a line in scrape-failures.
touch "$work/scrape-failures"
( while kill -0 "$agent" 2>/dev/null; do
    code=$(curl -s -o /dev/null -m 3 -w '%{http_code}' "http://127.0.0.1:$AGENT_PORT/metrics" || true)
    [ "$code" = 200 ] || echo "$code" >>"$work/scrape-failures"
    sleep 1
  done ) &
pids+=($!)

# The slowloris burst: 200 connections, each sending a request line and then a header every 2 s.
cat >"$work/slowloris.py" <<'PY'
import socket, sys, time
port, count, seconds = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
connections = []
for _ in range(count):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(b"GET /metrics HTTP/1.1\r\nHost: soak\r\n")
    connections.append(s)
end = time.time() + seconds
while time.time() < end:
    for s in list(connections):
        try:
            s.sendall(b"X-Trickle: 1\r\n")
        except OSError:
            connections.remove(s)
            s = socket.create_connection(("127.0.0.1", port))
            s.sendall(b"GET /metrics HTTP/1.1\r\nHost: soak\r\n")
            connections.append(s)
    time.sleep(2)
for s in connections: s.close()
PY

psql_count() {  # sessions of the agent on the server at PORT, or "-" when it does not answer
  runuser -u postgres -- "$PG_BIN/psql" -X -At -h "$CLUSTER_DIR/socket" -p "$1" -U postgres -d postgres \
    -c "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'pgvigil'" 2>/dev/null || echo "-"
}

echo "| minute | RSS MiB | fds | sessions primary | sessions replica | scrapes failed | notifications delivered |"
echo "| --- | --- | --- | --- | --- | --- | --- |"
rss=()
fds=()
sessions=()
start=$SECONDS
for minute in $(seq 1 "$MINUTES"); do
  # Churn inside the minute: a restart every 4 minutes, the slowloris burst at minute 3.
  if [ $((minute % 4)) = 0 ]; then
    ( scripts/pg-cluster.sh stop-primary; sleep 20; scripts/pg-cluster.sh start-primary ) >/dev/null 2>&1 &
  fi
  if [ "$minute" = 3 ]; then
    python3 "$work/slowloris.py" "$AGENT_PORT" 200 60 &
    pids+=($!)
  fi
  while [ $((SECONDS - start)) -lt $((minute * 60)) ]; do sleep 1; done
  kill -0 "$agent" 2>/dev/null || { echo "the agent died" >&2; tail -20 "$work/agent.log" >&2; exit 1; }
  r=$(awk '/VmRSS/ { printf "%.1f", $2 / 1024 }' "/proc/$agent/status")
  f=$(ls "/proc/$agent/fd" | wc -l)
  p=$(psql_count "$PRIMARY_PORT")
  s=$(psql_count $((PRIMARY_PORT + 1)))
  failed=$(wc -l <"$work/scrape-failures")
  delivered=$(wc -l <"$work/delivered")
  echo "| $minute | $r | $f | $p | $s | $failed | $delivered |"
  rss+=("$r")
  fds+=("$f")
  sessions+=("$p+$s")
done

# Flat: over the second half of the run (after the rings filled), RSS within 10% (or 8 MiB), and no
# more fds or sessions at the end than at the middle; no scrape failed.
python3 - "$MINUTES" "${rss[*]}" "${fds[*]}" "${sessions[*]}" "$(wc -l <"$work/scrape-failures")" <<'PY'
import sys
minutes = int(sys.argv[1])
rss = [float(x) for x in sys.argv[2].split()]
fds = [int(x) for x in sys.argv[3].split()]
sessions = [sum(int(v) for v in x.split("+") if v != "-") for x in sys.argv[4].split()]
failed = int(sys.argv[5])
half = max(5, minutes // 2) - 1
steady_rss, steady_fds = rss[half:], fds[half:]
growth = steady_rss[-1] - min(steady_rss)
problems = []
if growth > max(8.0, 0.10 * min(steady_rss)):
    problems.append(f"RSS grew {growth:.1f} MiB over the steady half")
if fds[-1] > max(steady_fds[:1] + [0]) + 2:
    problems.append(f"fds grew from {steady_fds[0]} to {fds[-1]}")
if sessions[-1] > 4:
    problems.append(f"{sessions[-1]} sessions at the end (at most 2 per server expected)")
if failed:
    problems.append(f"{failed} scrapes failed")
print(f"\nsteady half (minutes {half + 1}-{minutes}): RSS {min(steady_rss):.1f}-{max(steady_rss):.1f} MiB, "
      f"fds {min(steady_fds)}-{max(steady_fds)}, sessions at the end {sessions[-1]}, scrapes failed {failed}")
print("verdict: " + ("flat" if not problems else "NOT flat: " + "; ".join(problems)))
sys.exit(1 if problems else 0)
PY
