#!/usr/bin/env bash
# Builds a product and prints its binary's path; the build's output only when it fails (on
# stderr). The Dockerfile, the demo and every benchmark build through here, so each configuration
# is compiled one way:
#   - release (the default), as the agent ships: the Swift runtime linked in
#     (--static-swift-stdlib), every Swift function in a section of its own (so the link can place
#     the functions scripts/link-order.txt and scripts/link/hot-sections.ld name together);
#     Package.swift adds lld, that order, packed relocations and no exported symbols;
#   - debug, as the tests use it (the benchmarks' quick runs, which check that they work).
#
#   scripts/build-agent.sh [release|debug] [PRODUCT] [SWIFT BUILD ARGUMENTS...]
#     (default: release pgvigil; scripts/link-order.sh passes `-Xlinker -Map=FILE` to read where
#     the link placed each function)
set -euo pipefail
cd "$(dirname "$0")/.."
configuration=${1:-release}
product=${2:-pgvigil}
case "$configuration" in
  release) flags=(-c release --static-swift-stdlib -Xswiftc -Xfrontend -Xswiftc -function-sections) ;;
  debug) flags=(-c debug) ;;
  *) echo "build-agent.sh: configuration \"$configuration\": expected release or debug" >&2; exit 2 ;;
esac
flags+=("${@:3}")
if ! log=$(swift build "${flags[@]}" --product "$product" 2>&1); then
  echo "$log" >&2
  exit 1
fi
echo "$(swift build "${flags[@]}" --show-bin-path)/$product"
