#!/usr/bin/env bash
# Installs what building, testing and the demo need from Debian's registry (idempotent; run as root).
set -euo pipefail

packages=(libpq-dev postgresql-server-dev-15 zlib1g-dev libyaml-dev libcrypt-dev libsnappy-dev postgresql postgresql-contrib prometheus prometheus-alertmanager pgbouncer curl openssl chromium fonts-liberation systemd python3-prometheus-client apache2-utils protobuf-compiler)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# Debian's postgresql package creates and starts a cluster of its own; pgvigil's scripts start
# their own servers on other ports, so the system one is left alone.
# libpq is linked in from libpq-dev's static archive with PostgreSQL's common and port archives from
# postgresql-server-dev-15 (Package.swift, libpqLinkedIn): both must be major version 15.
libpq_version=$(dpkg-query -W -f='${Version}' libpq-dev)
case "$libpq_version" in
  15.*) ;;
  *) echo "libpq-dev is $libpq_version: pgvigil links libpq 15 with postgresql-server-dev-15's archives (Debian 12's); install libpq-dev 15" >&2; exit 1 ;;
esac
command -v swift >/dev/null || { echo "swift is not installed: install a Swift 6.1+ toolchain first" >&2; exit 1; }
