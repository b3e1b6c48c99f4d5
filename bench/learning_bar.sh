#!/usr/bin/env bash
# The learning bar (issue 6): Pendulum-v1, default options (the Pendulum-v1 profile of `sac train`), 5 seeds, v1 and v2,
# deterministic evaluation over 10 episodes at the end. Prints a markdown table for docs/results.md.
#   bash bench/learning_bar.sh                 # both algorithms, seeds 0-4
#   ALGOS="v2" SEEDS="0 1" bash bench/learning_bar.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ENV_ID=${ENV_ID:-Pendulum-v1}
ALGOS=${ALGOS:-"v1 v2"}
SEEDS=${SEEDS:-"0 1 2 3 4"}
THREADS=${THREADS:-1}
OUT=${OUT:-runs/learning-bar-$(date +%Y%m%d-%H%M%S)}
EXTRA=${EXTRA:-}
dotnet build -c Release Sac.Cli >/dev/null
mkdir -p "$OUT"
for algo in $ALGOS; do
  for seed in $SEEDS; do
    dotnet Sac.Cli/bin/Release/net10.0/sac.dll train --env "$ENV_ID" --algo "$algo" --seed "$seed" --threads "$THREADS" \
      --out "$OUT/$ENV_ID-$algo-$seed" $EXTRA > "$OUT/$ENV_ID-$algo-$seed.log" 2>&1
    echo "done $algo seed $seed: $(grep 'final eval' "$OUT/$ENV_ID-$algo-$seed.log")" >&2
  done
done
python3 - "$OUT" "$ENV_ID" "$ALGOS" "$SEEDS" <<'PY'
import json, statistics, sys
out, env, algos, seeds = sys.argv[1], sys.argv[2], sys.argv[3].split(), sys.argv[4].split()
print(f"| algo | {' | '.join('seed ' + s for s in seeds)} | median | min | wall time per run (s) | env steps/s |")
print("|---|" + "---:|" * (len(seeds) + 4))
for algo in algos:
    runs = [json.load(open(f"{out}/{env}-{algo}-{s}/summary.json")) for s in seeds]
    finals = [r["finalEvalMean"] for r in runs]
    cells = " | ".join(f"{r['finalEvalMean']:.1f} ± {r['finalEvalStd']:.1f}" for r in runs)
    wall = statistics.mean(r["wallSeconds"] for r in runs)
    sps = statistics.mean(r["stepsPerSecond"] for r in runs)
    print(f"| {algo} | {cells} | {statistics.median(finals):.1f} | {min(finals):.1f} | {wall:.0f} | {sps:.0f} |")
PY
