#!/bin/bash
# Workers (two, or the number given) take queue.txt's lines in order (DIR CELL BUILD) and run
# `sac sweep run-cell DIR CELL --threads 1` with that pinned build. A cell another process holds is refused at once (the
# run directory's lock) and skipped. Stop with ./stop.sh (one SIGTERM per run; each checkpoints).
# Restart: nohup ./queue.sh >> queue.log 2>&1 &
cd "$(dirname "$0")"
rm -f STOP claims.txt; touch claims.txt
worker() {
  local w=$1
  while [ ! -f STOP ]; do
    local line
    line=$(flock queue.lock bash -c '
      grep -v "^#" queue.txt | grep -v "^\s*$" | while read -r d c b; do
        key="$d $c"; grep -qxF "$key" claims.txt && continue
        echo "$key" >> claims.txt; echo "$d $c $b"; break
      done')
    [ -z "$line" ] && break
    set -- $line
    echo "$(date -u +%FT%TZ) worker $w: start $1 cell $2 ($3)"
    dotnet "$3/sac.dll" sweep "$1" run-cell "$1" "$2" --threads 1 >> "$1/logs/queue-cell$2.log" 2>&1
    rc=$?
    echo "$(date -u +%FT%TZ) worker $w: $1 cell $2 exited $rc"
    [ $rc -ne 0 ] && [ -f STOP ] && break
  done
  echo "$(date -u +%FT%TZ) worker $w: done"
}
workers=${1:-2}
for w in $(seq 1 "$workers"); do worker "$w" & sleep 5; done
wait
