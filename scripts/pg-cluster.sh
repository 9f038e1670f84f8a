#!/usr/bin/env bash
# Starts or stops a throwaway PostgreSQL primary and streaming replica on loopback, for tests and the demo.
#
#   scripts/pg-cluster.sh start|stop|stop-primary|start-primary|status
#
# Environment (all optional):
#   PG_BIN        the server's bin directory (default: Debian's PostgreSQL 15)
#   CLUSTER_DIR   where data, sockets and logs live (default /tmp/pgvigil-cluster)
#   PRIMARY_PORT  default 55432; the replica listens on PRIMARY_PORT+1
#
# The servers run as the OS user postgres (initdb and pg_ctl refuse root), listen on 127.0.0.1
# only, and have a role `pgvigil` (password `pgvigil-test-password`) with only pg_monitor, and
# pg_stat_statements loaded and created in the database postgres. A PgBouncer (if installed)
# listens on PRIMARY_PORT+2 in front of the primary's database postgres; `pgvigil` may read its
# admin console (stats_users).
set -euo pipefail

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
CLUSTER_DIR=${CLUSTER_DIR:-/tmp/pgvigil-cluster}
PRIMARY_PORT=${PRIMARY_PORT:-55432}
REPLICA_PORT=$((PRIMARY_PORT + 1))
PGBOUNCER_PORT=$((PRIMARY_PORT + 2))
SOCKET_DIR=$CLUSTER_DIR/socket
PRIMARY_DATA=$CLUSTER_DIR/primary
REPLICA_DATA=$CLUSTER_DIR/replica
MONITOR_PASSWORD=pgvigil-test-password

as_postgres() { runuser -u postgres -- "$@"; }
# pg_ctl start, and on failure the server log's last lines (e.g. "port already in use").
pg_start() {  # pg_start DATA LOG
  as_postgres "$PG_BIN/pg_ctl" -D "$1" -l "$2" -w -t 60 start >/dev/null || { tail -n 5 "$2" >&2; return 1; }
}
psql_primary() { as_postgres "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$SOCKET_DIR" -p "$PRIMARY_PORT" -U postgres -d postgres "$@"; }

wait_for() {  # wait_for DESCRIPTION SECONDS COMMAND...
  local what=$1 seconds=$2; shift 2
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    if [ $SECONDS -ge $deadline ]; then echo "timed out waiting for $what" >&2; return 1; fi
    sleep 0.2
  done
}

configure() {  # configure DATA PORT
  cat >>"$1/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $2
unix_socket_directories = '$SOCKET_DIR'
fsync = off
synchronous_commit = off
full_page_writes = off
wal_level = replica
max_wal_senders = 10
max_replication_slots = 10
hot_standby = on
shared_buffers = 64MB
max_connections = 300
shared_preload_libraries = 'pg_stat_statements'
track_io_timing = on
track_activity_query_size = 4096
logging_collector = off
CONF
}

start() {
  # A postmaster.pid whose server is gone (a machine stopped mid-run) is stale: start afresh.
  if [ -f "$PRIMARY_DATA/postmaster.pid" ] && as_postgres "$PG_BIN/pg_ctl" -D "$PRIMARY_DATA" status >/dev/null 2>&1; then
    echo "already running in $CLUSTER_DIR" >&2; exit 1
  fi
  [ -x "$PG_BIN/initdb" ] || { echo "no initdb in PG_BIN=$PG_BIN" >&2; exit 1; }
  rm -rf "$CLUSTER_DIR"
  install -d -o postgres -m 0700 "$CLUSTER_DIR" "$PRIMARY_DATA" "$SOCKET_DIR" "$CLUSTER_DIR/log"
  chmod 0755 "$CLUSTER_DIR" "$SOCKET_DIR"
  as_postgres "$PG_BIN/initdb" -D "$PRIMARY_DATA" -U postgres --locale=C.UTF-8 -E UTF8 --auth-local=trust --auth-host=scram-sha-256 >/dev/null
  configure "$PRIMARY_DATA" "$PRIMARY_PORT"
  cat >"$PRIMARY_DATA/pg_hba.conf" <<HBA
local   all          all                    trust
local   replication  all                    trust
host    all          postgres  127.0.0.1/32 trust
host    replication  postgres  127.0.0.1/32 trust
host    all          all       127.0.0.1/32 scram-sha-256
HBA
  pg_start "$PRIMARY_DATA" "$CLUSTER_DIR/log/primary.log"
  psql_primary >/dev/null <<SQL
CREATE ROLE pgvigil LOGIN PASSWORD '$MONITOR_PASSWORD' IN ROLE pg_monitor;
CREATE EXTENSION pg_stat_statements;
SELECT FROM pg_create_physical_replication_slot('replica_slot');
SQL
  as_postgres "$PG_BIN/pg_basebackup" -h "$SOCKET_DIR" -p "$PRIMARY_PORT" -U postgres -D "$REPLICA_DATA" -R -X stream -S replica_slot
  chmod 0700 "$REPLICA_DATA"
  echo "port = $REPLICA_PORT" | as_postgres tee -a "$REPLICA_DATA/postgresql.auto.conf" >/dev/null
  echo "primary_conninfo = 'host=$SOCKET_DIR port=$PRIMARY_PORT user=postgres application_name=replica'" \
    | as_postgres tee -a "$REPLICA_DATA/postgresql.auto.conf" >/dev/null
  pg_start "$REPLICA_DATA" "$CLUSTER_DIR/log/replica.log"
  wait_for "the replica to stream" 60 bash -c \
    "[ \"\$(runuser -u postgres -- '$PG_BIN/psql' -X -At -h '$SOCKET_DIR' -p $PRIMARY_PORT -U postgres -d postgres -c \"SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'\")\" = 1 ]"
  echo "primary: 127.0.0.1:$PRIMARY_PORT  replica: 127.0.0.1:$REPLICA_PORT  ($("$PG_BIN/postgres" --version))"
  start_pgbouncer
}

start_pgbouncer() {
  command -v pgbouncer >/dev/null || return 0
  local dir="$CLUSTER_DIR/pgbouncer"
  install -d -o postgres -m 0700 "$dir"
  cat >"$dir/pgbouncer.ini" <<INI
[databases]
postgres = host=127.0.0.1 port=$PRIMARY_PORT dbname=postgres user=postgres
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $PGBOUNCER_PORT
unix_socket_dir =
auth_type = trust
auth_file = $dir/users.txt
stats_users = pgvigil
pool_mode = session
logfile = $CLUSTER_DIR/log/pgbouncer.log
pidfile = $dir/pgbouncer.pid
INI
  printf '"pgvigil" ""\n"postgres" ""\n' >"$dir/users.txt"
  chown postgres "$dir/pgbouncer.ini" "$dir/users.txt"
  as_postgres pgbouncer -d "$dir/pgbouncer.ini"
  wait_for "PgBouncer" 20 bash -c "echo > /dev/tcp/127.0.0.1/$PGBOUNCER_PORT"
  echo "pgbouncer: 127.0.0.1:$PGBOUNCER_PORT"
}

stop() {
  if [ -f "$CLUSTER_DIR/pgbouncer/pgbouncer.pid" ]; then
    kill "$(cat "$CLUSTER_DIR/pgbouncer/pgbouncer.pid")" 2>/dev/null || true
  fi
  for data in "$REPLICA_DATA" "$PRIMARY_DATA"; do
    if [ -f "$data/postmaster.pid" ]; then
      as_postgres "$PG_BIN/pg_ctl" -D "$data" -m immediate -w stop >/dev/null || true
    fi
  done
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  stop-primary) as_postgres "$PG_BIN/pg_ctl" -D "$PRIMARY_DATA" -m fast -w stop >/dev/null ;;
  start-primary) pg_start "$PRIMARY_DATA" "$CLUSTER_DIR/log/primary.log" ;;
  status) as_postgres "$PG_BIN/pg_ctl" -D "$PRIMARY_DATA" status; as_postgres "$PG_BIN/pg_ctl" -D "$REPLICA_DATA" status ;;
  *) echo "usage: $0 start|stop|stop-primary|start-primary|status" >&2; exit 2 ;;
esac
