#!/usr/bin/env bash
# Side-by-side SAC update speed: Sac vs eager PyTorch, run alternately (A B A B ...) in one invocation so both see the
# same machine state, then a table of medians and the ratio Sac/PyTorch (updates/s) per configuration.
#
#   bash bench/compare.sh                       # small and large, v1 and v2, 1 thread, 5 pairs
#   PAIRS=7 CONFIGS="large" ALGOS="v2" THREADS="1 2" bash bench/compare.sh
#
# Needs Debian's PyTorch (not installed by the project):
#   sudo apt-get update && sudo apt-get install -y python3-torch libopenblas0-pthread
# PyTorch gets its best setting here: 1 thread (torch.set_num_threads and OPENBLAS_NUM_THREADS), and OPENBLAS_CORETYPE
# for the machine's widest vectors: SkylakeX on an AVX-512 CPU, Haswell on an AVX2-only one (where it beats Zen, and
# SkylakeX dies with SIGILL). Override with OPENBLAS_CORETYPE_FOR_TORCH.
set -euo pipefail
cd "$(dirname "$0")/.."
PAIRS=${PAIRS:-5}
CONFIGS=${CONFIGS:-"small large"}
ALGOS=${ALGOS:-"v1 v2"}
THREADS=${THREADS:-1}
if grep -qw avx512f /proc/cpuinfo 2>/dev/null; then DEFAULT_CORETYPE=SkylakeX; else DEFAULT_CORETYPE=Haswell; fi
CORETYPE=${OPENBLAS_CORETYPE_FOR_TORCH:-$DEFAULT_CORETYPE}
PY=${PYTHON:-/usr/bin/python3}

if ! "$PY" -c "import torch" 2>/dev/null; then
  echo "PyTorch is not installed for $PY. Install Debian's build:" >&2
  echo "  sudo apt-get update && sudo apt-get install -y python3-torch libopenblas0-pthread" >&2
  exit 1
fi
dotnet build -c Release Sac.Benchmarks >/dev/null
SAC="dotnet Sac.Benchmarks/bin/Release/net10.0/Sac.Benchmarks.dll update-timing"
results=$(mktemp)
for config in $CONFIGS; do
  updates=$([ "$config" = small ] && echo 300 || echo 60)
  for algo in $ALGOS; do
    for threads in $THREADS; do
      for pair in $(seq "$PAIRS"); do
        $SAC --config "$config" --algo "$algo" --threads "$threads" --updates "$updates" --repeats 3 >> "$results"
        OPENBLAS_NUM_THREADS=$threads OMP_NUM_THREADS=$threads OPENBLAS_CORETYPE=$CORETYPE \
          "$PY" bench/pytorch/sac_update.py --config "$config" --algo "$algo" --threads "$threads" --updates "$updates" --repeats 3 >> "$results"
      done
    done
  done
done
"$PY" - "$results" <<'PY'
import json, statistics, sys, platform
rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
keys = sorted({(r["config"], r["algo"], r["threads"]) for r in rows}, key=lambda k: (k[0] != "small", k[1], k[2]))
torch_meta = next((r for r in rows if r["impl"] == "pytorch"), {})
sac_meta = next((r for r in rows if r["impl"] == "sac"), {})
print(f"Machine: {platform.processor() or platform.machine()}, {open('/proc/cpuinfo').read().count('processor')} cores; "
      f".NET {sac_meta.get('dotnet')} ({sac_meta.get('isa')}); PyTorch {torch_meta.get('torch')} "
      f"(OPENBLAS_CORETYPE={torch_meta.get('openblas_coretype')}, OPENBLAS_NUM_THREADS={torch_meta.get('openblas_num_threads')})")
print()
print("| config | algo | threads | Sac ms/update | PyTorch ms/update | Sac updates/s | PyTorch updates/s | Sac GFLOP/s | Sac / PyTorch |")
print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
for c, a, t in keys:
    sac = [r for r in rows if r["impl"] == "sac" and (r["config"], r["algo"], r["threads"]) == (c, a, t)]
    pt = [r for r in rows if r["impl"] == "pytorch" and (r["config"], r["algo"], r["threads"]) == (c, a, t)]
    s = statistics.median(r["ms_per_update"] for r in sac)
    p = statistics.median(r["ms_per_update"] for r in pt)
    g = statistics.median(r["gflops"] for r in sac)
    print(f"| {c} | {a} | {t} | {s:.3f} | {p:.3f} | {1e3/s:.1f} | {1e3/p:.1f} | {g:.1f} | {p/s:.2f}x |")
print(f"\n{len(sac)} alternating pairs per row; medians of per-run medians.")
PY
rm -f "$results"
