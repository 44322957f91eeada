#!/usr/bin/env bash
# Regenerates the performance figures: `lookout bench` on vtest.avi with YOLOX-nano, the bundled YOLO and UltraFace,
# then the BenchmarkDotNet hot paths. Run it on a quiet machine; every report states the cores and the load average.
#
#   bash eng/bench.sh [OUT_DIR]          # default out/bench
#
# Environment: DEVICE=cpu|cuda|auto (default cpu), FRAMES=N (default 795, all of vtest.avi: short runs weigh start-up too much), THREADS=N (ONNX Runtime intra-op threads,
# default: appsettings.json's), LOOKOUT_SHARED=DIR (default ../shared), SKIP_BDN=1 to skip BenchmarkDotNet,
# BDN_JOB=short for a quick BenchmarkDotNet pass (default: its full default job), CONFIG=Release|Debug (default Release).
# On a CUDA machine: DEVICE=cuda SKIP_BDN=1 bash eng/bench.sh out/bench-gpu
set -euo pipefail
cd "$(dirname "$0")/.."

out=${1:-out/bench}
device=${DEVICE:-cpu}
frames=${FRAMES:-795}
config=${CONFIG:-Release}
shared=${LOOKOUT_SHARED:-../shared}
video="$shared/media/video/vtest.avi"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

if [[ ! -f "$video" ]]; then
  echo "bench.sh: $video not found; set LOOKOUT_SHARED to the folder holding models/ and media/" >&2
  exit 2
fi

mkdir -p "$out"
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo "cpu: $(nproc) cores,$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2)"
  echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
  if command -v nvidia-smi >/dev/null 2>&1; then
    echo "gpu: $(nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader | head -1)"
  fi
} | tee "$out/machine.txt"

dotnet build src/Host -c "$config" -v quiet -nologo
lookout="src/Host/bin/$config/net10.0/lookout"
threads=()
if [[ -n "${THREADS:-}" ]]; then
  threads=(--threads "$THREADS")
fi

for model in "$shared/models/yolox-nano.onnx" models/lookout-yolo-shapes.onnx "$shared/models/ultraface-rfb-320.onnx"; do
  name=$(basename "$model" .onnx)
  echo "== lookout bench vtest.avi --model $name --device $device --frames $frames ${threads[*]}"
  "$lookout" bench "$video" --model "$model" --device "$device" --frames "$frames" "${threads[@]}" \
    --json "$out/bench-$name-$device.json" 2> >(tee "$out/bench-$name-$device.txt" >&2)
done

if [[ "${SKIP_BDN:-}" != "1" ]]; then
  job=()
  if [[ -n "${BDN_JOB:-}" ]]; then
    job=(--job "$BDN_JOB")
  fi

  echo "== BenchmarkDotNet hot paths ${job[*]}"
  dotnet run -c Release --project benchmarks/Lookout.Benchmarks -- --filter '*' "${job[@]}" --artifacts "$out/benchmarkdotnet"
  cat "$out"/benchmarkdotnet/results/*-report-github.md > "$out/benchmarkdotnet.md"
fi

echo "figures in $out"
