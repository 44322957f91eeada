#!/usr/bin/env bash
# What the input size buys the bundled networks: each is exported again from its checkpoint in models/training/ at
# several input sizes and scored on a held-out split by `lookout eval` — mAP50, mAP50-95 and the inference latency
# of the same run — so the mAP targets can be weighed against the latency one. The bundled files are not touched.
#
#   bash eng/input-sweep.sh DATA_DIR [OUT_DIR]   # DATA_DIR: the synthetic dataset (synth --count 8000 --seed 2026); OUT_DIR default out/input-sweep
#
# Environment: SPLIT (default test), DEVICE (default cpu), ROUNDS=N (default 1: every size once; with more, the sizes
# are run in turn N times and the table lists each round's p50, as this VM's speed drifts by ±20 %),
# YOLO_SIZES (default "512x384 576x448 640x480 768x576": fitted inputs of at most that many pixels, as the bundled
# card's 512x384), SSD_SIZES (default "448x320 512x384 576x448 640x512": fixed inputs, sides multiples of 64).
# Writes OUT_DIR/<net>-<size>.onnx/.json (model and card), <net>-<size>.r<round>.json (eval reports) and input-sweep.md.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ $# -lt 1 || $# -gt 2 ]]; then
  echo "usage: bash eng/input-sweep.sh DATA_DIR [OUT_DIR]" >&2
  exit 2
fi

data=$1
out=${2:-out/input-sweep}
split=${SPLIT:-test}
device=${DEVICE:-cpu}
rounds=${ROUNDS:-1}
yolo_sizes=${YOLO_SIZES:-512x384 576x448 640x480 768x576}
ssd_sizes=${SSD_SIZES:-448x320 512x384 576x448 640x512}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

if [[ ! -d "$data/Annotations" ]]; then
  echo "input-sweep.sh: '$data' is not a VOC folder (no Annotations/); make one with: lookout-train synth --out $data --count 8000 --seed 2026" >&2
  exit 2
fi

for tool in jq; do
  command -v "$tool" >/dev/null || { echo "input-sweep.sh: needs $tool (apt-get install $tool)" >&2; exit 2; }
done

dotnet build -c Release src/Training -v q -nologo >/dev/null
dotnet build -c Release src/Host -v q -nologo >/dev/null
train=(dotnet run -c Release --no-build --project src/Training --)
lookout=src/Host/bin/Release/net10.0/lookout
mkdir -p "$out"

sizes_of() { if [[ $1 == yolo ]]; then echo "$yolo_sizes"; else echo "$ssd_sizes"; fi; }

# net, bundled card, checkpoint, extra export options
export_all() {
  local net=$1 card=$2 checkpoint=$3
  shift 3
  local score iou size
  score=$(jq -r .score_threshold "$card")
  iou=$(jq -r .iou_threshold "$card")
  for size in $(sizes_of "$net"); do
    "${train[@]}" export --checkpoint "$checkpoint" --out "$out/$net-$size.onnx" --imgsz "$size" --score "$score" --iou "$iou" "$@" >/dev/null
  done
}

export_all yolo models/lookout-yolo-shapes.json models/training/lookout-yolo-shapes/best.ckpt --fit
export_all ssd models/lookout-ssd-shapes.json models/training/lookout-ssd-shapes/best.ckpt

{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo "cpu: $(nproc) cores,$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2)"
  echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "data: $data (split $split), device $device"
} | tee "$out/machine.txt"

for ((r = 1; r <= rounds; r++)); do
  for net in yolo ssd; do
    for size in $(sizes_of "$net"); do
      if ! "$lookout" eval --model "$out/$net-$size.onnx" --data "$data" --split "$split" --device "$device" --no-progress \
        --json "$out/$net-$size.r$r.json" >/dev/null 2>"$out/$net-$size.r$r.log"; then
        echo "input-sweep.sh: lookout eval of $net at $size failed; its log: $out/$net-$size.r$r.log" >&2
        tail -3 "$out/$net-$size.r$r.log" >&2
        exit 1
      fi
      echo "round $r $net $size: $(jq -r '"mAP50 \(.map50) mAP50-95 \(.map50_95) p50 \(.inference.p50_ms) ms"' "$out/$net-$size.r$r.json")"
    done
  done
done

{
  cat "$out/machine.txt"
  echo
  echo "| network | input | mAP50 | mAP50-95 | < 16 px | 16–32 px | inference p50 (ms), each round | model |"
  echo "|---|---|---|---|---|---|---|---|"
  for net in yolo ssd; do
    for size in $(sizes_of "$net"); do
      first="$out/$net-$size.r1.json"
      p50s=$(for ((r = 1; r <= rounds; r++)); do printf '%.2f\n' "$(jq .inference.p50_ms "$out/$net-$size.r$r.json")"; done | paste -sd/ | sed 's#/# / #g')
      kind=fixed
      [[ $net == yolo ]] && kind="fitted, at most"
      printf '| %s | %s %s | %.3f | %.3f | %.2f | %.2f | %s | %s KiB |\n' "$net" "$kind" "$size" \
        "$(jq .map50 "$first")" "$(jq .map50_95 "$first")" \
        "$(jq '.by_size[] | select(.max_side == 16) | .map50' "$first")" \
        "$(jq '.by_size[] | select(.min_side == 16) | .map50' "$first")" \
        "$p50s" "$(( $(stat -c %s "$out/$net-$size.onnx") / 1024 ))"
    done
  done
} > "$out/input-sweep.md"
echo
cat "$out/input-sweep.md"
