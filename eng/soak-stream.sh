#!/usr/bin/env bash
# Soak benchmark of `lookout stream` on a loopback RTSP camera: runs for MINUTES, restarts the
# camera every RESTART minutes (a reconnect each time), samples the process's resident memory every
# 10 s, and reports latency p50/p95 (from the metrics lines), reconnects, dropped frames and memory
# drift. The targets: p95 capture-to-output latency <= inference + one frame interval, memory flat
# (+-10 %) once warm. (SIGTERM ends it: background jobs of a script ignore SIGINT.)
#
# Usage: eng/soak-stream.sh [MINUTES=30] [RESTART=5] [MODEL=models/lookout-yolo-shapes.onnx] [FPS=10]
# Needs: a Release build of src/Host, python3-gi and gir1.2-gst-rtsp-server-1.0 (eng/install-deps.sh test).
# Writes out/soak/{stream.log,memory.csv,summary.txt}.
set -euo pipefail
cd "$(dirname "$0")/.."

minutes=${1:-30}
restart=${2:-5}
model=${3:-models/lookout-yolo-shapes.onnx}
fps=${4:-10}
port=${SOAK_PORT:-8655}
out=out/soak
mkdir -p "$out"
host=src/Host/bin/Release/net10.0/lookout.dll
[[ -f $host ]] || dotnet build -c Release src/Host >/dev/null

server_pid=""
start_server() {
  # The server exits when its standard input closes: keep a pipe open to it.
  exec {server_in}< <(sleep infinity)
  /usr/bin/python3 tests/Lookout.Tests/Support/rtsp-test-server.py "$port" 640 360 "$fps" <&"$server_in" >"$out/server.log" 2>&1 &
  server_pid=$!
}
stop_server() {
  if [[ -n $server_pid ]]; then
    kill "$server_pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$server_pid" 2>/dev/null || true
  fi
  server_pid=""
}

start_server
sleep 2
dotnet "$host" stream "rtsp://127.0.0.1:$port/test" --model "$model" --device cpu --detections /dev/null \
  --metrics-interval 10 >"$out/stream.log" 2>&1 &
lookout_pid=$!
trap 'kill -TERM $lookout_pid 2>/dev/null || true; stop_server' EXIT

echo "seconds,rss_kib" >"$out/memory.csv"
end=$((SECONDS + minutes * 60))
next_restart=$((SECONDS + restart * 60))
while ((SECONDS < end)); do
  sleep 10
  rss=$(awk '/VmRSS/ {print $2}' "/proc/$lookout_pid/status" 2>/dev/null || echo "")
  [[ -n $rss ]] || { echo "lookout exited early; see $out/stream.log" >&2; exit 1; }
  echo "$SECONDS,$rss" >>"$out/memory.csv"
  if ((SECONDS >= next_restart)); then
    echo "$(date +%T) restarting the camera" >&2
    stop_server
    sleep 3
    start_server
    next_restart=$((SECONDS + restart * 60))
  fi
done

kill -TERM "$lookout_pid"
wait "$lookout_pid" || true
trap - EXIT
stop_server

{
  echo "lookout stream soak: $minutes min, camera restarted every $restart min, $fps fps, model $model"
  echo "losses logged: $(grep -c "stream lost" "$out/stream.log" || true)"
  grep -o "reconnects: [0-9]*" "$out/stream.log" | tail -1 || true
  grep -o "dropped: [0-9]* stale frames" "$out/stream.log" | tail -1 || true
  # Latency of each 10 s metrics line after the first minute: the median and the worst p95, and inference.
  lines=$(grep -o "inference [0-9.]* ms, latency p50 [0-9]* ms p95 [0-9]* ms" "$out/stream.log" | tail -n +7 || true)
  if [[ -z $lines ]]; then
    echo "no metrics lines after the first minute"
  else
    p95=$(awk '{print $9}' <<<"$lines" | sort -n)
    n=$(wc -l <<<"$p95")
    echo "metrics lines: $n; inference mean $(awk '{s += $2} END {printf "%.1f", s / NR}' <<<"$lines") ms;" \
      "latency p95 per 10 s: median $(sed -n "$(((n + 1) / 2))p" <<<"$p95") ms, worst $(tail -1 <<<"$p95") ms"
  fi
  # Memory after the first two minutes: first, last, min, max and the spread relative to the first.
  awk -F, 'NR > 1 && $1 >= 120 {if (!first) first=$2; last=$2; if (!min || $2 < min) min=$2; if ($2 > max) max=$2}
    END { if (!first) { print "run too short for memory figures"; exit }
      printf "RSS after warm-up: first %d KiB, last %d KiB, min %d, max %d, drift %+.1f %%, spread %.1f %%\n",
        first, last, min, max, 100 * (last - first) / first, 100 * (max - min) / first }' "$out/memory.csv"
} | tee "$out/summary.txt"
