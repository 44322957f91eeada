#!/usr/bin/env python3
"""Contact sheet of test objects as a network sees them: for each class, the first N objects (not difficult) whose
longer side at the network's letterboxed input falls in [LO, HI) px, each cropped with its surroundings (twice its
side), scaled to the input's scale (bilinear, as the pipeline does) and then enlarged with square pixels.
One row per class, in labels.txt order. Needs python3 and ffmpeg.

With --misnamed DETS.jsonl (what `lookout annotate` wrote over the split's images) it shows instead the objects in
that range the detections name wrongly: no detection of the object's class overlaps it at IoU >= 0.5 but one of
another class does (scores >= --score), the first (rows x per-class) in shuffled order, and prints each one's true
and given name.

With --fit each image is scaled as a card with "fit": true feeds it: at the input of at most --input's pixels, sides
multiples of 32, that letterboxes it largest.

    python3 eng/object-sheet.py DATA_DIR OUT.png [--lo 10] [--hi 16] [--input 512x384 [--fit]] [--per-class 8] [--split test]
                                [--misnamed DETS.jsonl [--score 0.25] [--rows 6]]
"""
import argparse
import json
import math
import os
import random
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

ap = argparse.ArgumentParser()
ap.add_argument("data")
ap.add_argument("out")
ap.add_argument("--lo", type=float, default=10)
ap.add_argument("--hi", type=float, default=16)
ap.add_argument("--input", default="512x384")
ap.add_argument("--per-class", type=int, default=8)
ap.add_argument("--split", default="test")
ap.add_argument("--seed", type=int, default=3)
ap.add_argument("--fit", action="store_true")
ap.add_argument("--misnamed")
ap.add_argument("--score", type=float, default=0.25)
ap.add_argument("--rows", type=int, default=6)
a = ap.parse_args()
iw, ih = (int(v) for v in a.input.split("x"))
labels = [l.strip() for l in open(os.path.join(a.data, "labels.txt")) if l.strip()]
names = [l.strip() for l in open(os.path.join(a.data, "ImageSets", "Main", a.split + ".txt")) if l.strip()]
random.Random(a.seed).shuffle(names)
picked = {c: [] for c in labels}


def iou(p, q):
    iw_ = max(0.0, min(p[2], q[2]) - max(p[0], q[0]))
    ih_ = max(0.0, min(p[3], q[3]) - max(p[1], q[1]))
    inter = iw_ * ih_
    return inter / ((p[2] - p[0]) * (p[3] - p[1]) + (q[2] - q[0]) * (q[3] - q[1]) - inter + 1e-9)


detections = None
if a.misnamed:
    detections = {}
    for line in open(a.misnamed):
        record = json.loads(line)
        detections[os.path.splitext(os.path.basename(record["source"]))[0]] = [
            d for d in record["detections"] if d["score"] >= a.score]
    missing = [n for n in names if n not in detections]
    if missing:
        sys.exit(f"object-sheet.py: {a.misnamed} has no detections for {len(missing)} of the split's images ({missing[0]}…)")
    picked = {"misnamed": []}
    wanted = a.rows * a.per_class
def fit_scale(w, h, m=32):
    """The letterbox scale of a w x h image at its fitted input (the runtime's ModelInputSpec.FitTo)."""
    budget, best, best_scale = iw * ih, None, -1.0
    for side in range(m, budget // m + 1, m):
        width = budget // side // m * m
        s = min(width / w, side / h)
        tw = max(m, -(-math.ceil(w * s - 1e-9) // m) * m)
        th = max(m, -(-math.ceil(h * s - 1e-9) // m) * m)
        s = min(tw / w, th / h)
        if s > best_scale + 1e-12 or (abs(s - best_scale) <= 1e-12 and tw * th < best[0] * best[1]):
            best, best_scale = (tw, th), s
    return best_scale


for n in names:
    root = ET.parse(os.path.join(a.data, "Annotations", n + ".xml")).getroot()
    w, h = int(root.find("size/width").text), int(root.find("size/height").text)
    scale = fit_scale(w, h) if a.fit else min(iw / w, ih / h)
    for o in root.findall("object"):
        d = o.find("difficult")
        c = o.find("name").text
        if d is not None and d.text == "1":
            continue
        b = o.find("bndbox")
        x1, y1, x2, y2 = (float(b.find(k).text) for k in ("xmin", "ymin", "xmax", "ymax"))
        if not a.lo <= max(x2 - x1, y2 - y1) * scale < a.hi:
            continue
        if detections is None:
            if len(picked[c]) < a.per_class:
                picked[c].append((n, x1, y1, x2, y2, scale, w, h))
            continue
        box = (x1, y1, x2, y2)
        overlapping = [det for det in detections[n] if iou(det["box"], box) >= 0.5]
        if overlapping and not any(det["label"] == c for det in overlapping) and len(picked["misnamed"]) < wanted:
            given = max(overlapping, key=lambda det: det["score"])
            picked["misnamed"].append((n, x1, y1, x2, y2, scale, w, h))
            print(f"{len(picked['misnamed']):3d} {n} {c} -> {given['label']} {given['score']:.2f}, {max(x2 - x1, y2 - y1) * scale:.1f} px")
    if detections is None and all(len(v) >= a.per_class for v in picked.values()):
        break
    if detections is not None and len(picked["misnamed"]) >= wanted:
        break
if detections is None:
    short = [c for c, v in picked.items() if len(v) < a.per_class]
    if short:
        sys.exit(f"object-sheet.py: fewer than {a.per_class} objects of {', '.join(short)} in that size range")
else:
    labels = ["misnamed"]
    if not picked["misnamed"]:
        sys.exit("object-sheet.py: no misnamed object in that size range")
with tempfile.TemporaryDirectory() as tmp:
    i = 0
    for c in labels:
        for n, x1, y1, x2, y2, scale, w, h in picked[c]:
            side = 2 * max(x2 - x1, y2 - y1)
            x, y = max(0, int((x1 + x2 - side) / 2)), max(0, int((y1 + y2 - side) / 2))
            cw, ch = int(min(side, w - x)), int(min(side, h - y))
            tw, th = max(2, round(cw * scale)), max(2, round(ch * scale))
            vf = f"crop={cw}:{ch}:{x}:{y},scale={tw}:{th}:flags=bilinear,scale=96:96:flags=neighbor"
            subprocess.run(["ffmpeg", "-loglevel", "error", "-y", "-i", os.path.join(a.data, "JPEGImages", n + ".jpg"),
                            "-vf", vf, os.path.join(tmp, f"{i:04d}.png")], check=True)
            i += 1
    rows = len(labels) if detections is None else -(-i // a.per_class)
    subprocess.run(["ffmpeg", "-loglevel", "error", "-y", "-framerate", "1", "-i", os.path.join(tmp, "%04d.png"),
                    "-vf", f"tile={a.per_class}x{rows}:padding=4:color=white", "-frames:v", "1", a.out], check=True)
if detections is None:
    print(f"{a.out}: {len(labels)} classes x {a.per_class} objects of {a.lo:g}-{a.hi:g} px at {a.input}")
else:
    print(f"{a.out}: {i} misnamed objects of {a.lo:g}-{a.hi:g} px at {a.input}")
