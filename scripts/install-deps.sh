#!/usr/bin/env bash
# Installs what building, testing and the demo need from Debian's registry (idempotent; run as root).
set -euo pipefail

packages=(libpq-dev postgresql-server-dev-15 zlib1g-dev libyaml-dev libcrypt-dev libsnappy-dev pkg-config postgresql postgresql-contrib prometheus prometheus-alertmanager pgbouncer curl openssl chromium fonts-liberation systemd python3-prometheus-client apache2-utils protobuf-compiler)
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
command -v swift >/dev/null || { echo "swift is not installed: install a Swift 6.1+ toolchain first" >&2; exit 1; }
