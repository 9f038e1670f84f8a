#!/usr/bin/env bash
# Builds a product as the agent ships (the Dockerfile, the demo and every benchmark build through
# here, so one set of flags is compiled once): release, with the Swift runtime linked in
# (--static-swift-stdlib); Package.swift adds lld, packed relocations and no exported symbols for
# the agent. Prints the binary's path; the build's output only when it fails (on stderr).
#
#   scripts/build-release.sh [PRODUCT]    (default: pgvigil)
set -euo pipefail
cd "$(dirname "$0")/.."
product=${1:-pgvigil}
if ! log=$(swift build -c release --static-swift-stdlib --product "$product" 2>&1); then
  echo "$log" >&2
  exit 1
fi
echo "$(swift build -c release --static-swift-stdlib --show-bin-path)/$product"
