#!/usr/bin/env bash
# Runs the whole test suite: unit tests, then the integration tests against a real primary and
# streaming replica of each PostgreSQL version, which this script starts on loopback and stops.
#
#   scripts/test.sh                       (as root: installs missing Debian packages first)
#   PG_VERSIONS="15" scripts/test.sh      only some versions (default: 15 17 18)
#   PG_BIN=/path/to/bin scripts/test.sh   one other PostgreSQL build
#   FUZZ_SECONDS=0 scripts/test.sh        skip fuzzing (default: 60 s per fuzz target)
#   TSAN=0 scripts/test.sh                skip the ThreadSanitizer run (default: on the first version)
#
# Style first: `swift format lint --strict` with the committed .swift-format (swift format format -i
# --recursive Sources Tests Package.swift fixes what it reports).
set -euo pipefail
cd "$(dirname "$0")/.."

[ "$(id -u)" = 0 ] && scripts/install-deps.sh

export CLUSTER_DIR=${CLUSTER_DIR:-/tmp/pgvigil-test-cluster}
export PRIMARY_PORT=${PRIMARY_PORT:-56432}
REPLICA_PORT=$((PRIMARY_PORT + 1))

echo "== style (swift format lint, .swift-format; warnings fail the run)"
swift format lint --strict --recursive Sources Tests Package.swift

swift build --build-tests

echo "== linked libraries (no Foundation, no ICU in the agent)"
scripts/check-linked-libraries.sh .build/debug/pgvigil

echo "== unit tests"
swift test --skip-build --filter PGVigilTests

echo "== Prometheus alert rules (promtool)"
promtool check rules alerts/*.rules.yml
promtool test rules alerts/*_test.yml

if [ "${FUZZ_SECONDS:-60}" != 0 ]; then
  echo "== fuzzing (libFuzzer + AddressSanitizer)"
  Fuzz/run.sh "${FUZZ_SECONDS:-60}"
fi

if [ "$(id -u)" = 0 ]; then
  echo "== deployment files (Dockerfile, runtime libraries, systemd unit)"
  scripts/check-deploy.sh
else
  echo "== deployment files: skipped (scripts/check-deploy.sh needs root for chroot)"
fi

# integration PG_BIN: the integration suite against a primary + replica of that build.
integration() {
  export PG_BIN=$1
  echo "== integration tests on $("$PG_BIN/postgres" --version)"
  scripts/pg-cluster.sh stop 2>/dev/null || true
  trap 'scripts/pg-cluster.sh stop' EXIT
  scripts/pg-cluster.sh start

  local socket="$CLUSTER_DIR/socket"
  export PGVIGIL_TEST_PRIMARY_DSN="host=127.0.0.1 port=$PRIMARY_PORT user=pgvigil password=pgvigil-test-password dbname=postgres"
  export PGVIGIL_TEST_REPLICA_DSN="host=127.0.0.1 port=$REPLICA_PORT user=pgvigil password=pgvigil-test-password dbname=postgres"
  export PGVIGIL_TEST_ADMIN_PRIMARY_DSN="host=$socket port=$PRIMARY_PORT user=postgres dbname=postgres"
  export PGVIGIL_TEST_ADMIN_REPLICA_DSN="host=$socket port=$REPLICA_PORT user=postgres dbname=postgres"
  export PGVIGIL_TEST_PGBOUNCER_DSN="host=127.0.0.1 port=$((PRIMARY_PORT + 2)) user=pgvigil dbname=pgbouncer"
  export PGVIGIL_TEST_CLUSTER_SCRIPT="$PWD/scripts/pg-cluster.sh"
  export PGVIGIL_TEST_BINARY="$PWD/.build/debug/pgvigil"

  # The restart test stops the primary under everyone's feet, so it runs alone, after the rest;
  # so does the stopped-backend test: while a backend is stopped, every DROP DATABASE waits for it.
  # The stuck-listener test times how soon 40 stuck targets are down (the client deadline plus an
  # interval), and the stalled-handshake test how soon a 1 s request deadline closes a connection:
  # alone, so they measure the agent and not the other suites' load on two cores (under it, the
  # agent's process waited for a core for seconds).
  # The doctor test judges whole servers, whose slots and settings other suites change (a slot
  # held by the forecast test is a finding): it runs alone too.
  local stalled=aClientStalledInTheHandshakeIsClosedAtTheRequestHeadDeadline
  swift test --skip-build --filter IntegrationTests --skip PrimaryRestartTests --skip StoppedBackendTests --skip StuckServerTests --skip "$stalled" \
    --skip DoctorIntegrationTests
  swift test --skip-build --filter DoctorIntegrationTests
  swift test --skip-build --filter PrimaryRestartTests
  swift test --skip-build --filter StoppedBackendTests
  swift test --skip-build --filter StuckServerTests
  swift test --skip-build --filter "$stalled"

  if [ "${TSAN:-1}" != 0 ] && [ -z "${tsan_done:-}" ]; then
    thread_sanitizer
    tsan_done=1
  fi

  scripts/pg-cluster.sh stop
  trap - EXIT
}

# Under ThreadSanitizer run the unit tests (among them the HTTP server under a flood, the delivery
# queues and spool, libpq cancels against a silent server) and these integration suites: the alert
# outage, collectors and lanes, PgBouncer, replication lag, the full-disk spool, least privilege.
# The suites that wait for a whole agent's first cycles against fixed deadlines time out under TSan's slowdown.
TSAN_INTEGRATION_SUITES='IntegrationTests\.(AlertOutageTests|CollectorIntegrationTests|PgBouncerIntegrationTests|ReplicationLagIntegrationTests|SpoolFullDiskTests|LeastPrivilegeTests)'

# thread_sanitizer: the unit tests and those integration suites built with ThreadSanitizer,
# against the running servers; a data race it reports stops the run (halt_on_error).
thread_sanitizer() {
  echo "== ThreadSanitizer: unit and integration tests on $("$PG_BIN/postgres" --version)"
  swift build --build-tests --sanitize=thread --scratch-path .build-tsan
  export TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 suppressions=$PWD/scripts/tsan-suppressions.txt"
  swift test --skip-build --sanitize=thread --scratch-path .build-tsan --filter PGVigilTests
  swift test --skip-build --sanitize=thread --scratch-path .build-tsan --filter "$TSAN_INTEGRATION_SUITES"
  unset TSAN_OPTIONS
}

if [ -n "${PG_BIN:-}" ]; then
  integration "$PG_BIN"
else
  for version in ${PG_VERSIONS:-15 17 18}; do
    integration "$(scripts/postgres-bin.sh "$version")"
  done
fi
