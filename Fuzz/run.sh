#!/usr/bin/env bash
# Builds pgvigil-fuzz with libFuzzer and AddressSanitizer and fuzzes each target for a while.
#
#   Fuzz/run.sh [SECONDS] [TARGET...]   default: 60 seconds each for request, expression, config
#
# Starts from the committed seeds in Fuzz/corpus/TARGET (new inputs it finds go to a scratch
# directory, not into the repository). A crash stops the run: the input is written to
# Fuzz/crashes/TARGET-*, and the script exits 1. Commit that input to Fuzz/corpus/TARGET/ (the
# unit test FuzzCorpusTests replays every corpus file) together with the fix and a unit test.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-60}
shift || true
targets=("${@:-request expression config}")
read -r -a targets <<<"${targets[*]}"

# SwiftPM links an executable's main to pgvigil_fuzz_main, which hands the command line to
# libFuzzer (see Sources/pgvigil-fuzz/FuzzDriver.swift); lld, because gold fails on ASan's symbols.
swift build --product pgvigil-fuzz --scratch-path .build-fuzz \
  -Xswiftc -sanitize=fuzzer,address -Xswiftc -DPGVIGIL_LIBFUZZER -Xswiftc -use-ld=lld
binary=.build-fuzz/debug/pgvigil-fuzz

mkdir -p Fuzz/crashes
for target in "${targets[@]}"; do
  scratch=$(mktemp -d)
  echo "== fuzzing $target for ${seconds}s"
  # Swift's own backtracer would run inside ASan after a trap and muddle the report: off.
  if ! SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=detect_leaks=0 "$binary" "$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 \
      -max_len=8192 -print_final_stats=1 -artifact_prefix="Fuzz/crashes/$target-" "$scratch" "Fuzz/corpus/$target" 2>"$scratch.log"; then
    tail -n 60 "$scratch.log"
    echo "FAIL: $target crashed; the input is in Fuzz/crashes/" >&2
    rm -rf "$scratch"
    exit 1
  fi
  grep -E "^(Done|stat::number_of_executed_units|stat::peak_rss_mb)" "$scratch.log" || tail -n 3 "$scratch.log"
  rm -rf "$scratch" "$scratch.log"
done
