#!/bin/bash
# `sac sweep status` of every sweep directory the queue names, each read by the build the queue runs it with, then the
# last progress line of each running cell. Reads only (safe beside the running queue).
# Usage: <campaign dir>/status.sh (it reads the queue.txt beside it)
cd "$(dirname "$0")"
awk '!/^#/ && NF == 3 && !seen[$1]++ {print $1, $3}' queue.txt | while read -r sweep build; do
  [ -d "$sweep" ] || { echo "$sweep: not laid out (run bench/campaign/setup.sh)"; continue; }
  dotnet "$build/sac.dll" sweep status "$sweep" 2>&1 | sed -n '1p'
done
for log in $(ls -t */*/logs/queue-cell*.log 2>/dev/null); do
  cell=${log##*queue-cell}; cell=${cell%.log}
  sweep=${log%/logs/*}
  pgrep -f "sweep $sweep run-cell $sweep $cell " >/dev/null || continue
  echo "running $sweep cell $cell: $(grep '^step ' "$log" | tail -1)"
done
