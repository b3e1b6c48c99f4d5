#!/bin/bash
# Copies the small files of finished runs into results/<name>/ (committed), so that `sac report results/<name>`
# regenerates their tables: config.json, progress.csv, summary.json, eval_terms.csv, the curves. Never checkpoints.
# Usage: bench/keep_results.sh <sweep or runs folder> <name>
set -eu
src=$1; name=$2
dest=$(cd "$(dirname "$0")/.." && pwd)/results/$name
[ -d "$src" ] || { echo "no folder $src" >&2; exit 2; }
# An ignore rule once matched results/<name>/runs/ and kept every copied file out of the commits: refuse that.
if git -C "$(dirname "$dest")" check-ignore -q "$dest/runs/x/progress.csv"; then
  echo "results/$name/runs/ is ignored by git (see .gitignore); its files would never be committed" >&2; exit 2
fi
n=0
while IFS= read -r summary; do
  run=$(dirname "$summary")
  out=$dest/runs/$(basename "$run")
  mkdir -p "$out"
  for f in config.json progress.csv summary.json eval_terms.csv learning_curve.svg; do
    [ -f "$run/$f" ] && cp "$run/$f" "$out/"
  done
  n=$((n + 1))
done < <(find "$src" -name summary.json -not -path '*/checkpoints/*' | sort)
[ -f "$src/sweep.json" ] && cp "$src/sweep.json" "$dest/"
echo "kept $n finished runs in $dest"
