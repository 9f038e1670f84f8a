#!/usr/bin/env bash
# Benchmark of history memory: resident bytes per stored sample of the series archive, measured as
# two processes holding the same series, one with a long history and one with 2 points, the RSS
# difference divided by the samples the long one holds more. The series are shaped like a
# target's (70 % never change, 20 % count up, 10 % wander), 15 s apart, filled twice over.
#
#   benchmarks/history-memory.sh [SERIES]     (default 5463 series; builds in release mode; ~1 minute)
set -euo pipefail
cd "$(dirname "$0")/.."
SERIES=${1:-5463}

swift build -c release --product pgvigil-bench >/dev/null
bench="$(swift build -c release --show-bin-path)/pgvigil-bench"
rss() { "$bench" "$SERIES" "$1" | sed -n 's/.*rss_kib=\([0-9]*\).*/\1/p'; }

short=$(rss 2)
printf '%-28s %10s %14s\n' "history (points per series)" "RSS KiB" "bytes/sample"
printf '%-28s %10s %14s\n' "2" "$short" "-"
for points in 240 1440 3600; do
  long=$(rss "$points")
  printf '%-28s %10s %14s\n' "$points" "$long" "$(awk -v l="$long" -v s="$short" -v n="$SERIES" -v p="$points" \
    'BEGIN { printf "%.2f", (l - s) * 1024 / (n * (p - 2)) }')"
done
