#!/usr/bin/env bash
# Proves, without Docker, that the Dockerfile's runtime stage holds everything the binary needs:
# builds the release binary as the build stage does, unpacks only the Dockerfile's RUNTIME_PACKAGES
# and what they depend on (from Debian's registry) into an empty root, and runs the binary in it.
# The dynamic loader must find every library; the binary must start, read a config and use libpq, and
# libpq's LDAP lookups and GSSAPI calls must reach libldap and Kerberos, which the binary opens only then.
#
#   scripts/check-runtime-image.sh        (as root: needs chroot and apt-get download)
set -euo pipefail
cd "$(dirname "$0")/.."

packages=$(sed -n 's/^ARG RUNTIME_PACKAGES="\(.*\)"$/\1/p' Dockerfile)
[ -n "$packages" ] || { echo "Dockerfile: no ARG RUNTIME_PACKAGES=\"...\" line" >&2; exit 1; }
echo "runtime packages: $packages"

# The build stage builds from what it copies: every file of the repository that Package.swift's
# release link reads must be among the Dockerfile's COPY lines, itself or a folder holding it.
for path in $(grep -o 'Context.packageDirectory)/[^" ]*' Package.swift | sed 's|^Context.packageDirectory)/||' | sort -u); do
  copied=$path
  until grep -Eq "^COPY (.* )?$copied/? " Dockerfile; do
    [ "$copied" != "${copied%/*}" ] || { echo "FAIL: Package.swift reads $path, which the Dockerfile does not copy" >&2; exit 1; }
    copied=${copied%/*}
  done
done

binary=$(scripts/build-agent.sh)
# The release build lays out its code as scripts/link-order.txt asks (fewer resident pages).
scripts/check-link-order.sh "$binary"

work=$(mktemp -d /tmp/pgvigil-runtime.XXXXXX)
listener=
cleanup() {
  [ -z "$listener" ] || kill "$listener" 2>/dev/null || true
  umount "$work/root/proc" "$work/root/dev" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
# What `apt-get install --no-install-recommends $packages` brings: the packages and their
# Depends/Pre-Depends, recursively (virtual packages resolved through the alternatives listed).
# shellcheck disable=SC2086
closure=$(apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks --no-replaces --no-enhances $packages \
  | grep -v '^[ <]' | sort -u)
apt-get update -qq
# shellcheck disable=SC2086
(cd "$work" && apt-get download -qq $closure 2>/dev/null)
echo "unpacked $(ls "$work"/*.deb | wc -l) packages into an empty root"
for deb in "$work"/*.deb; do dpkg-deb -x "$deb" "$work/root"; done
install -D -m 0755 "$binary" "$work/root/usr/local/bin/pgvigil"
install -d "$work/root/tmp" "$work/root/proc" "$work/root/dev"
# A container has /proc and /dev; Swift reads its arguments from /proc/self/cmdline.
mount --bind /proc "$work/root/proc"
mount --bind /dev "$work/root/dev"
cp examples/pgvigil.yaml "$work/root/pgvigil.yaml"

if ! listing=$(chroot "$work/root" /lib64/ld-linux-x86-64.so.2 --list /usr/local/bin/pgvigil 2>&1) || grep -q "not found" <<<"$listing"; then
  echo "$listing" >&2
  echo "FAIL: libraries missing from the runtime stage: add their packages to RUNTIME_PACKAGES" >&2
  exit 1
fi
echo "$listing"
version=$(chroot "$work/root" /usr/local/bin/pgvigil version)
echo "$version"
grep -q "^pgvigil [0-9]" <<<"$version" || { echo "FAIL: version printed \"$version\"" >&2; exit 1; }
# Captured first: `| grep -q` would stop reading at the first match and, under pipefail, fail
# the check with the writer's SIGPIPE.
effective=$(chroot "$work/root" /usr/local/bin/pgvigil check-config --config /pgvigil.yaml)
grep -q "^listen:" <<<"$effective" || { echo "FAIL: check-config did not print the effective config" >&2; exit 1; }
echo "check-config: ok"
# Runs `pgvigil once` in the root against DSN (with the VAR=VALUE environment given), which must
# fail at runtime (exit 1) with EXPECTED in its message: libpq was loaded and tried the network.
expect_once_failure() {  # WHAT EXPECTED DSN [VAR=VALUE...]
  local what=$1 expected=$2 dsn=$3 message status
  shift 3
  set +e
  message=$(env "$@" chroot "$work/root" /usr/local/bin/pgvigil once --dsn "$dsn" 2>&1 >/dev/null)
  status=$?
  set -e
  echo "once $what: exit $status: $(grep -o "$expected" <<<"$message" | head -1)"
  [ "$status" = 1 ] && grep -q "$expected" <<<"$message" || { echo "FAIL: $message" >&2; exit 1; }
  # The binary says so when it cannot open a library it opens on demand.
  ! grep -q "could not be used\|it lacks" <<<"$message" || { echo "FAIL: $message" >&2; exit 1; }
}
# libpq works: nothing listens on loopback port 1.
expect_once_failure "against a closed port" "Connection refused" "host=127.0.0.1 port=1 user=pgvigil dbname=postgres connect_timeout=2"
# A service file's ldap:// line: libpq asks libldap, which the binary opens on this first call; it
# finds nothing on loopback port 1, so libpq reads on to the service's own host and port, port 1
# too. Without libldap the lookup stops at "could not create LDAP structure".
printf '[directory]\nldap://127.0.0.1:1/dc=example,dc=net?description?one?(cn=postgres)\nhost=127.0.0.1\nport=1\n' \
  >"$work/root/pg_service.conf"
expect_once_failure "through a service's ldap:// line" "port 1 failed: Connection refused" "service=directory user=pgvigil" \
  PGSERVICEFILE=/pg_service.conf
# GSSAPI encryption asked for: once the TCP connect succeeds (a loopback listener that never
# answers stands in for a server), libpq looks for a Kerberos ticket through Kerberos, which the
# binary opens on this first call. The root holds no ticket, so libpq finds GSSAPI encryption
# impossible.
python3 -c 'import socket, time
listener = socket.create_server(("127.0.0.1", 0))
print(listener.getsockname()[1], flush=True)
time.sleep(120)' >"$work/listener.port" &
listener=$!
for _ in $(seq 100); do [ -s "$work/listener.port" ] && break; sleep 0.1; done
[ -s "$work/listener.port" ] || { echo "FAIL: the loopback listener (python3) did not start" >&2; exit 1; }
expect_once_failure "with gssencmode=require" "GSSAPI encryption required but was impossible" \
  "host=127.0.0.1 port=$(cat "$work/listener.port") user=pgvigil gssencmode=require connect_timeout=2"
echo "runtime image check: ok"
