#!/bin/bash
# `sac sweep status` of every sweep directory the queue names, each read by the build the queue runs it with, then the
# last progress line of each running cell. Reads only (safe beside the running queue).
# Usage: status.sh (run from the campaign directory, e.g. ~/sac-campaign)
cd "$(dirname "$0")"
grep -v '^#' queue.txt | awk 'NF == 3 {print $1, $3}' | awk '!seen[$1]++' | while read -r sweep build; do
  [ -d "$sweep" ] || { echo "$sweep: not laid out (run bench/campaign/setup.sh)"; continue; }
  dotnet "$build/sac.dll" sweep status "$sweep" 2>&1 | sed -n '1p'
done
for log in $(ls -t */*/logs/queue-cell*.log 2>/dev/null); do
  cell=${log##*queue-cell}; cell=${cell%.log}
  sweep=${log%/logs/*}
  grep -qxF "$sweep $cell" claims.txt 2>/dev/null || continue
  pgrep -f "sweep $sweep run-cell $sweep $cell " >/dev/null || continue
  echo "running $sweep cell $cell: $(grep '^step ' "$log" | tail -1)"
done
