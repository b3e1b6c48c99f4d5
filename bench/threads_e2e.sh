#!/usr/bin/env bash
# End to end, `sac train` env steps/s with --threads 1 and 2 (issue 15), alternating, on Pendulum-v1 and HalfCheetah-v5
# with a fixed number of steps past a short warm-up, each case REPEATS times; then the same with a busy process pinned
# to one core (`taskset -c 1 sh -c 'while :; do :; done'`). Prints a markdown table of medians.
#   bash bench/threads_e2e.sh
#   ENVS="Pendulum-v1" STEPS=6000 REPEATS=3 bash bench/threads_e2e.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ENVS=${ENVS:-"Pendulum-v1 HalfCheetah-v5"}
STEPS=${STEPS:-5000}
WARMUP=${WARMUP:-1000}
REPEATS=${REPEATS:-3}
OUT=$(mktemp -d)
dotnet build -c Release Sac.Cli >/dev/null
SAC="dotnet Sac.Cli/bin/Release/net10.0/sac.dll"
measure() { # env threads label
  local dir="$OUT/$1-$2-$3-$RANDOM"
  $SAC train --env "$1" --steps $((WARMUP + STEPS)) --learning-starts "$WARMUP" --eval-every 0 --eval-episodes 1 \
    --checkpoint-every 0 --threads "$2" --out "$dir" > "$dir.log" 2>&1
  # Steps per second past the warm-up: progress.csv's training time between the first and the last episode row after it
  # (the final evaluation is left out).
  python3 - "$dir/progress.csv" "$WARMUP" <<'PY'
import csv, sys
rows = [r for r in csv.DictReader(open(sys.argv[1]))]
warm = int(sys.argv[2])
after = [r for r in rows if int(r["time/total_timesteps"]) > warm and r["rollout/ep_rew"]]  # episode rows only
first, last = after[0], after[-1]
steps = int(last["time/total_timesteps"]) - int(first["time/total_timesteps"])
print(steps / (float(last["time/time_elapsed"]) - float(first["time/time_elapsed"])))
PY
}
run_cases() { # label
  for env in $ENVS; do
    for r in $(seq "$REPEATS"); do
      for t in 1 2; do echo "$env $t $1 $(measure "$env" "$t" "$1")"; done
    done
  done
}
results="$OUT/results.txt"
run_cases idle >> "$results"
taskset -c 1 sh -c 'while :; do :; done' & BUSY=$!
trap 'kill $BUSY 2>/dev/null || true' EXIT
run_cases busy >> "$results"
kill $BUSY; trap - EXIT
python3 - "$results" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
print("| env | machine | --threads 1 (steps/s) | --threads 2 (steps/s) | 2 / 1 |")
print("|---|---|--:|--:|--:|")
for env in dict.fromkeys(r[0] for r in rows):
    for label in ("idle", "busy"):
        one = statistics.median(float(r[3]) for r in rows if r[0] == env and r[1] == "1" and r[2] == label)
        two = statistics.median(float(r[3]) for r in rows if r[0] == env and r[1] == "2" and r[2] == label)
        what = "idle" if label == "idle" else "a busy process pinned to core 1"
        print(f"| {env} | {what} | {one:.0f} | {two:.0f} | {two / one:.2f}× |")
PY
