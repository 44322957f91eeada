#!/usr/bin/env bash
# Trains the SSD from scratch in one command (the bundled one is this, then fine-tuned on images with more distractors: README): a short YOLO run teaches the shared backbone
# (the SSD alone is slow to start), then the SSD trains from that checkpoint. Prints each step's and
# the total wall time; both run folders keep their run.json, training.csv and training.png.
#
#   bash eng/train-ssd.sh DATA_DIR OUT_DIR [VAL_DIR]   # e.g. bash eng/train-ssd.sh data/shapes runs/ssd-recipe
#
# VAL_DIR: a VOC folder whose val split scores the epochs (train --val-data) when DATA_DIR has none.
#
# Environment: YOLO_EPOCHS (default 15), SSD_EPOCHS (default 19), SEED (default 1).
# Then: lookout-train export --checkpoint OUT_DIR/ssd/best.ckpt --out models/lookout-ssd-shapes.onnx --imgsz 448x320, then lookout eval --model models/lookout-ssd-shapes.onnx --data VAL_DIR --split val --calibrate
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ $# -lt 2 || $# -gt 3 ]]; then
  echo "usage: bash eng/train-ssd.sh DATA_DIR OUT_DIR [VAL_DIR]" >&2
  exit 2
fi

data=$1
out=$2
val=()
if [[ $# -eq 3 ]]; then
  val=(--val-data "$3")
fi
yolo_epochs=${YOLO_EPOCHS:-15}
ssd_epochs=${SSD_EPOCHS:-19}
seed=${SEED:-1}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

if [[ ! -d "$data/Annotations" ]]; then
  echo "train-ssd.sh: '$data' is not a VOC folder (no Annotations/); make one with: lookout-train synth --out $data --count 8000 --seed 2026" >&2
  exit 2
fi

dotnet build -c Release src/Training -v q -nologo >/dev/null
train=(dotnet run -c Release --no-build --project src/Training --)

start=$(date +%s)
"${train[@]}" train --data "$data" "${val[@]}" --out "$out/backbone" --imgsz 448 --crop 288 --epochs "$yolo_epochs" --lr 0.003 \
  --val-images 300 --seed "$seed" --balance sqrt --ema --stem patch2 --detail 16
mid=$(date +%s)
"${train[@]}" train --arch ssd --data "$data" "${val[@]}" --out "$out/ssd" --imgsz 448 --crop 256 --init "$out/backbone/best.ckpt" \
  --epochs "$ssd_epochs" --lr 0.003 --val-images 300 --seed "$seed" --balance sqrt --ema --stem patch2 --detail 16 --min-priors 8
end=$(date +%s)

awk -v a="$start" -v b="$mid" -v c="$end" 'BEGIN { printf "train-ssd.sh: backbone (YOLO) %.1f min, SSD %.1f min, total %.1f min\n", (b - a) / 60, (c - b) / 60, (c - a) / 60 }'
