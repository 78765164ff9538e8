#!/usr/bin/env bash
# Runs the TorchSharp benchmarks and their PyTorch counterparts alternately, ROUNDS times, so that a burst of load
# on the (shared) machine hits both sides alike; every table is appended to OUT. Used for docs/performance.md.
#
#   samples/VL2V.Benchmarks/run-all.sh [ROUNDS=2] [OUT=bench-results.md] [BENCHMARKS="data student clip"]
set -euo pipefail
rounds=${1:-2}
out=${2:-bench-results.md}
benchmarks=${3:-"data student clip"}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
folder=${VL2V_BENCH_FOLDER:-/tmp/vl2v-bench-pacs}

cd "$root"
dotnet build samples/VL2V.Benchmarks -c Release -v q -nologo
run() { echo "\$ $*" >> "$out"; "$@" >> "$out"; echo >> "$out"; }
for round in $(seq 1 "$rounds"); do
  echo "## round $round ($(date -u +%H:%M:%S) UTC, load $(cut -d' ' -f1-3 /proc/loadavg))" >> "$out"
  for b in $benchmarks; do
    extra=()
    if [ "$b" = data ]; then extra=(--folder "$folder"); fi
    run dotnet run -c Release --no-build --project samples/VL2V.Benchmarks -- "$b" "${extra[@]}"
    run /usr/bin/python3 "samples/VL2V.Benchmarks/python/bench_$b.py" "${extra[@]}"
  done
done
