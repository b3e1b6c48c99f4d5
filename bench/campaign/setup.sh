#!/bin/bash
# Lays out the 1M campaign outside the repository (default ~/sac-campaign) on a machine that lost it: the pinned Release
# build of the campaign's commit (with COMMIT beside it), the sweep directories the queue names, and queue.sh/stop.sh/status.sh.
# Usage: bench/campaign/setup.sh [campaign dir]   then: cd <dir> && nohup ./queue.sh >> queue.log 2>&1 &
# It never touches an existing sweep directory (their checkpoints are the runs), and refuses to rebuild an existing build.
set -eu
repo=$(cd "$(dirname "$0")/../.." && pwd)
dir=${1:-$HOME/sac-campaign}
mkdir -p "$dir"
build() {   # build <commit> <name>: a Release publish of that commit into $dir/<name>
  local commit=$1 name=$2
  [ -d "$dir/$name" ] && { echo "$name exists; kept"; return; }
  local tree; tree=$(mktemp -d)
  git -C "$repo" worktree add -f "$tree" "$commit" >/dev/null
  (cd "$tree" && dotnet publish Sac.Cli -c Release -o "$dir/$name" >/dev/null)
  git -C "$repo" worktree remove --force "$tree"
  git -C "$repo" rev-parse --short "$commit" > "$dir/$name/COMMIT"
  echo "built $name from $(cat "$dir/$name/COMMIT")"
}
cp -n "$repo/bench/campaign/queue.sh" "$repo/bench/campaign/stop.sh" "$repo/bench/campaign/status.sh" "$dir/" 2>/dev/null || true
[ -f "$dir/queue.txt" ] || cp "$repo/bench/campaign/queue.txt" "$dir/"
# Every build the queue names, from the commit in its name (build-<commit> or build-dev-<commit>).
for name in $(grep -v '^#' "$dir/queue.txt" | awk 'NF == 3 {print $3}' | sort -u); do
  build "${name##*-}" "$name"
done
# Every sweep directory the queue names, expanded by its own build from the sweep file of the same name.
grep -v '^#' "$dir/queue.txt" | awk 'NF == 3 {print $1, $3}' | sort -u | while read -r sweep name; do
  [ -d "$dir/$sweep" ] && continue
  file="$repo/bench/sweeps/$(basename "$sweep").json"
  [ -f "$file" ] || { echo "no sweep file for $sweep ($file)" >&2; exit 2; }
  cp "$file" "$dir/"
  (cd "$dir" && dotnet "$name/sac.dll" sweep "$(basename "$file")" --out "$sweep" --slurm --dry-run >/dev/null)
  echo "laid out $sweep with $name"
done
