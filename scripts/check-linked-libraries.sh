#!/usr/bin/env bash
# Fails if the agent binary links full Foundation or ICU (it may link FoundationEssentials): they
# cost resident memory in every agent, and nothing the agent does needs them.
#
#   scripts/check-linked-libraries.sh [BINARY]    (default: .build/debug/pgvigil)
set -euo pipefail
binary=${1:-.build/debug/pgvigil}
forbidden='libFoundation\.so|libFoundationInternationalization\.so|libFoundationNetworking\.so|libFoundationXML\.so|_FoundationICU|libicu'
linked=$(ldd "$binary")
if grep -Eq "$forbidden" <<<"$linked"; then
  echo "FAIL: $binary links libraries it must not:" >&2
  grep -E "$forbidden" <<<"$linked" >&2
  exit 1
fi
echo "ok: $binary links no Foundation and no ICU ($(grep -c '=>' <<<"$linked") shared libraries)"
