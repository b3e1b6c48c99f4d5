#!/usr/bin/env bash
# The MuJoCo learning runs of issue 14: each "task seed steps" line of the queue is one `sac train` with the task's
# profile (Tianshou's SAC settings, see `sac train --help`), run JOBS at a time, one thread each. Afterwards prints a
# markdown table (final and best deterministic evaluation over 10 episodes, wall time, env steps/s) for docs/results.md.
#   bash bench/learning_mujoco.sh                       # the default queue below
#   QUEUE="HalfCheetah-v5 0 300000" bash bench/learning_mujoco.sh
#   OUT=runs/mujoco-X bash bench/learning_mujoco.sh     # a queue whose finished runs are skipped and unfinished resumed
#   EXTRA="--learn-alpha false --alpha 0.2" bash bench/learning_mujoco.sh   # options added to every new run's profile
set -euo pipefail
cd "$(dirname "$0")/.."
JOBS=${JOBS:-2}
EXTRA=${EXTRA:-}
OUT=${OUT:-runs/mujoco-$(date +%Y%m%d-%H%M%S)}
QUEUE=${QUEUE:-"HalfCheetah-v5 0 300000
HalfCheetah-v5 1 300000
HalfCheetah-v5 2 300000
Hopper-v5 0 300000
Hopper-v5 1 300000
Walker2d-v5 0 100000
Ant-v5 0 100000
Humanoid-v5 0 100000"}
mkdir -p "$OUT"
# The runs use a copy of the build, so rebuilding the working tree meanwhile cannot change (or overwrite) what they run.
if [ ! -f "$OUT/bin/sac.dll" ]; then
  dotnet build -c Release Sac.Cli >/dev/null
  cp -r Sac.Cli/bin/Release/net10.0 "$OUT/bin"
  git rev-parse HEAD > "$OUT/bin/commit.txt"
fi
SAC="dotnet $OUT/bin/sac.dll"
run_one() {
  local task=$1 seed=$2 steps=$3 dir="$OUT/$1-$2"
  if [ -f "$dir/summary.json" ]; then return 0; fi
  if [ -f "$dir/config.json" ]; then
    $SAC train --resume "$dir" >> "$dir.log" 2>&1 || true
  else
    $SAC train --env "$task" --seed "$seed" --steps "$steps" --threads 1 $EXTRA --out "$dir" > "$dir.log" 2>&1 || true
  fi
  echo "done $task seed $seed: $(grep 'final eval' "$dir.log" || tail -1 "$dir.log")" >&2
}
export -f run_one
export OUT SAC EXTRA
echo "$QUEUE" | xargs -P "$JOBS" -L 1 bash -c 'run_one "$@"' _
python3 - "$OUT" <<'PY'
import json, os, sys
out = sys.argv[1]
print("| task | seed | steps | final eval | best eval (step) | wall time | env steps/s |")
print("|---|--:|--:|--:|--:|--:|--:|")
for name in sorted(d for d in os.listdir(out) if os.path.isdir(os.path.join(out, d))):
    path = os.path.join(out, name, "summary.json")
    if not os.path.exists(path):
        print(f"| {name} | | | (unfinished) | | | |")
        continue
    r = json.load(open(path))
    print(f"| {r['env']} | {r['seed']} | {r['steps']} | {r['finalEvalMean']:.0f} ± {r['finalEvalStd']:.0f} | "
          f"{r['bestEvalMean']:.0f} ({r['bestEvalStep']}) | {r['wallSeconds'] / 60:.1f} min | {r['stepsPerSecond']:.0f} |")
PY
