#!/usr/bin/env bash
# Fails if the agent binary links full Foundation or ICU (it may link FoundationEssentials), or
# loads libpq as a shared library, libldap or Kerberos at start (libpq is linked in, libldap and
# Kerberos opened on the first call into them: Package.swift, libpqLinkedIn): they cost resident
# memory in every agent, and nothing the agent does needs them. Checks both ways a
# library gets in: as a shared library (ldd; the debug build) and linked in (its symbols; the
# release build carries the Swift runtime and FoundationEssentials inside).
#
#   scripts/check-linked-libraries.sh [BINARY]    (default: .build/debug/pgvigil)
set -euo pipefail
binary=${1:-.build/debug/pgvigil}
forbidden='libpq\.so|libldap|libgssapi|libkrb5|libFoundation\.so|libFoundationInternationalization\.so|libFoundationNetworking\.so|libFoundationXML\.so|_FoundationICU|libicu'
linked=$(ldd "$binary")
if grep -Eq "$forbidden" <<<"$linked"; then
  echo "FAIL: $binary links libraries it must not:" >&2
  grep -E "$forbidden" <<<"$linked" >&2
  exit 1
fi
# Swift symbols of those modules (mangled $s<length><module>) and ICU's C entry points.
forbidden_symbols='^\$s(10Foundation|30FoundationInternationalization|20FoundationNetworking|13FoundationXML|14_FoundationICU)|^(u_init|ucol_open|udat_open)'
inside=$(nm --defined-only "$binary" | awk '{print $3}' | grep -Ec "$forbidden_symbols" || true)
if [ "$inside" -gt 0 ]; then
  echo "FAIL: $binary has $inside symbols of full Foundation or ICU linked in:" >&2
  nm --defined-only "$binary" | awk '{print $3}' | grep -E "$forbidden_symbols" | head -5 >&2
  exit 1
fi
echo "ok: $binary links no Foundation, no ICU, no shared libpq, libldap or Kerberos ($(grep -c '=>' <<<"$linked") shared libraries)"
