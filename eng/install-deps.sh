#!/usr/bin/env bash
# Installs the Debian packages Lookout needs at run time (and, with "test", for its tests).
# Idempotent: installs only what is missing. Usage: eng/install-deps.sh [runtime|test]
set -euo pipefail

runtime=(libgtk-3-0 ffmpeg)
# Window tests run under Xvfb (xdotool presses keys in the window); RTSP tests start a loopback GstRtspServer (python3-gi, x264enc from -ugly);
# the robustness test draws shapes with librsvg (eng/svg-shapes.py).
test=(librsvg2-bin xvfb xauth xdotool python3-gi gir1.2-gst-rtsp-server-1.0 gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-ugly)

want=("${runtime[@]}")
if [[ "${1:-runtime}" == "test" ]]; then
  want+=("${test[@]}")
fi

missing=()
for pkg in "${want[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done

if [[ ${#missing[@]} -eq 0 ]]; then
  exit 0
fi

if ! command -v apt-get >/dev/null; then
  echo "lookout: missing system packages: ${missing[*]} (OpenCV's native library needs GTK 3; RTSP and H.264 need ffmpeg). Install them with your package manager." >&2
  exit 1
fi

sudo=""
if [[ $(id -u) -ne 0 ]]; then
  sudo="sudo"
fi

echo "lookout: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq >/dev/null
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
