#!/usr/bin/env bash
# Benchmark of history memory: resident bytes per stored sample of the series archive, measured as
# two processes holding the same series, one with a long history and one with 2 points, the RSS
# difference divided by the samples the long one holds more. The series are shaped like a
# target's (70 % never change, 20 % count up, 10 % wander), 15 s apart, filled twice over. Then
# the same for the default consolidated tiers (history_tiers): 1 h of raw points with and without
# tiers of 288 and 384 points (a day of 5-minute steps, 8 days of 30-minute ones), the difference
# per series and per tier point.
#
#   benchmarks/history-memory.sh [SERIES]     (default 5463 series; builds in release mode; ~4 minutes,
#                                              most of it filling the tier twice at a step every 2 samples)
set -euo pipefail
cd "$(dirname "$0")/.."
SERIES=${1:-5463}

bench=$(scripts/build-agent.sh release pgvigil-bench)
rss() { "$bench" "$SERIES" "$@" | sed -n 's/.*rss_kib=\([0-9]*\).*/\1/p'; }

short=$(rss 2)
printf '%-28s %10s %14s\n' "history (points per series)" "RSS KiB" "bytes/sample"
printf '%-28s %10s %14s\n' "2" "$short" "-"
for points in 240 1440 3600; do
  long=$(rss "$points")
  printf '%-28s %10s %14s\n' "$points" "$long" "$(awk -v l="$long" -v s="$short" -v n="$SERIES" -v p="$points" \
    'BEGIN { printf "%.2f", (l - s) * 1024 / (n * (p - 2)) }')"
done

raw=$(rss 240)
tiered=$(rss 240 288 384)
printf '\n%-28s %10s %14s %14s\n' "tier (points per series)" "RSS KiB" "KiB/series" "bytes/point"
printf '%-28s %10s %14s %14s\n' "none" "$raw" "-" "-"
printf '%-28s %10s %14s %14s\n' "288 + 384 (1d 5m, 8d 30m)" "$tiered" \
  "$(awk -v l="$tiered" -v s="$raw" -v n="$SERIES" 'BEGIN { printf "%.1f", (l - s) / n }')" \
  "$(awk -v l="$tiered" -v s="$raw" -v n="$SERIES" 'BEGIN { printf "%.2f", (l - s) * 1024 / (n * 672) }')"
