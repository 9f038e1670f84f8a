#!/usr/bin/env bash
# Fails if the release binary's code is not laid out as scripts/link-order.txt and
# scripts/link/hot-sections.ld ask: the sections the script names must make a `.text.hot`, and
# pgvigil's own functions that the list names must follow one another in the list's order (each
# has a section of its own, which the link places by the list). Without the order (a flag lost
# from scripts/build-agent.sh or Package.swift), they lie in source order and about half the pairs
# are out of order; with it, all are. The standard library's functions are not checked: some of
# its sections hold several.
#
#   scripts/check-link-order.sh BINARY    (the release build: scripts/build-agent.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
binary=$1
# The functions placed by section name (scripts/link/hot-sections.ld) make an output section of
# their own. Captured first: `| grep -q` would stop reading at the first match and, under
# pipefail, fail the check with readelf's SIGPIPE.
sections=$(readelf -SW "$binary")
if ! grep -q ' \.text\.hot ' <<<"$sections"; then
  echo "FAIL: $binary has no .text.hot section (scripts/link/hot-sections.ld was not read)"
  exit 1
fi
# pgvigil's modules, as Swift mangles them ($s<length><name>).
modules='^\$s(5Store|7Support|10Exposition|8Postgres|4YAML|6Config|10Collectors|7Sampler|8Alerting|4HTTP|7PGVigil|9WebClient|11RemoteWrite)'
nm --defined-only "$binary" | awk '{ print $3, $1 }' | sort -u -k1,1 >"${TMPDIR:-/tmp}/pgvigil-link-order.$$"
trap 'rm -f "${TMPDIR:-/tmp}/pgvigil-link-order.$$"' EXIT
grep -E "$modules" scripts/link-order.txt | awk -v symbols="${TMPDIR:-/tmp}/pgvigil-link-order.$$" '
  BEGIN { while ((getline line < symbols) > 0) { split(line, f, " "); address[f[1]] = f[2] } }
  ($1 in address) { listed++; if (previous != "" && address[$1] "" > previous "") ordered++; if (previous != "") pairs++; previous = address[$1] }
  END {
    if (listed < 100) { printf "FAIL: only %d of link-order.txt'"'"'s pgvigil functions are in the binary (regenerate it: scripts/link-order.sh)\n", listed; exit 1 }
    if (ordered < pairs * 0.98) { printf "FAIL: %d of %d pairs of listed pgvigil functions are in the list'"'"'s order\n", ordered, pairs; exit 1 }
    printf "ok: %d pgvigil functions laid out in link-order.txt'"'"'s order (%d of %d pairs)\n", listed, ordered, pairs
  }'
