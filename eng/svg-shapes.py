#!/usr/bin/env python3
"""Writes a PASCAL VOC test set of the six shape classes drawn by a renderer lookout-train never uses.

Every scene is an SVG document rasterized by librsvg (`rsvg-convert`, Debian package librsvg2-bin):
its own antialiasing, gradients, stroke joins, fractal-noise texture and fonts, none of them the
OpenCV drawing the training generator uses. It measures whether the networks learned the classes as
described (circle, regular triangle, square, five-pointed star, regular hexagon, plus-shaped cross)
rather than the generator's quirks:

    python3 eng/svg-shapes.py --out out/svg-shapes --count 200 --seed 1
    lookout eval --model models/lookout-yolo-shapes.onnx --data out/svg-shapes --split test

Objects do not overlap and lie wholly inside the image, so every box is exact: the bounding box of
the geometry, widened by half the stroke for outlined shapes (joins are round or bevelled, never
mitred, so no corner reaches further). Distractors that are not objects (elongated ellipses and
rectangles, pentagons, open arcs, line segments, text) lie beneath the objects.
"""

import argparse
import math
import os
import random
import subprocess
import sys
import tempfile
from xml.sax.saxutils import escape

CLASSES = ["circle", "triangle", "square", "star", "hexagon", "cross"]
WORDS = ["Lookout", "EXIT", "42", "camera", "Zone B", "north", "7:45", "sale", "No. 9", "open"]
FONTS = ["DejaVu Sans", "DejaVu Serif", "Liberation Sans", "Liberation Mono", "sans-serif", "serif"]


def rotate(points, cx, cy, angle):
    c, s = math.cos(angle), math.sin(angle)
    return [(cx + x * c - y * s, cy + x * s + y * c) for x, y in points]


def regular(n, r):
    return [(r * math.cos(2 * math.pi * k / n - math.pi / 2), r * math.sin(2 * math.pi * k / n - math.pi / 2)) for k in range(n)]


def outline(cls, r, rng):
    """Vertices of a class's shape of circumradius r about the origin (None for the circle)."""
    if cls == "triangle":
        return regular(3, r)
    if cls == "square":
        return regular(4, r)
    if cls == "hexagon":
        return regular(6, r)
    if cls == "star":
        inner = r * rng.uniform(0.38, 0.5)
        return [((r if k % 2 == 0 else inner) * math.cos(math.pi * k / 5 - math.pi / 2),
                 (r if k % 2 == 0 else inner) * math.sin(math.pi * k / 5 - math.pi / 2)) for k in range(10)]
    if cls == "cross":
        a = r * rng.uniform(0.22, 0.34)  # half the arm's width
        arm = math.sqrt(r * r - a * a)   # the arm's corners lie on the circumcircle
        return [(a, arm), (a, a), (arm, a), (arm, -a), (a, -a), (a, -arm),
                (-a, -arm), (-a, -a), (-arm, -a), (-arm, a), (-a, a), (-a, arm)]
    return None


def colour(rng, lightness):
    """An RGB colour near the given lightness (0-255) with a random hue."""
    hue = rng.random()
    sat = rng.uniform(0.2, 0.9)
    rgb = [lightness * (1 + sat * math.cos(2 * math.pi * (hue - k / 3))) for k in range(3)]
    return "#%02x%02x%02x" % tuple(max(0, min(255, int(v))) for v in rgb)


def points_attr(points):
    return " ".join("%.2f,%.2f" % p for p in points)


def scene(rng, width, height, index):
    """One SVG document and its objects [(class, x1, y1, x2, y2)]."""
    dark = rng.random() < 0.5
    bg = rng.uniform(25, 90) if dark else rng.uniform(165, 235)
    fg_range = (150, 250) if dark else (10, 100)
    defs, body, objects = [], [], []
    angle = rng.uniform(0, 360)
    defs.append('<linearGradient id="bg" gradientTransform="rotate(%.1f .5 .5)"><stop offset="0" stop-color="%s"/><stop offset="1" stop-color="%s"/></linearGradient>'
                % (angle, colour(rng, bg), colour(rng, bg + rng.uniform(-20, 20))))
    defs.append('<filter id="grain" x="0" y="0" width="1" height="1"><feTurbulence type="fractalNoise" baseFrequency="%.3f" numOctaves="3" seed="%d"/>'
                '<feColorMatrix type="saturate" values="0"/></filter>' % (rng.uniform(0.01, 0.08), index))
    defs.append('<filter id="soft"><feGaussianBlur stdDeviation="%.1f"/></filter>' % rng.uniform(6, 20))
    body.append('<rect width="100%" height="100%" fill="url(#bg)"/>')
    body.append('<rect width="100%%" height="100%%" filter="url(#grain)" opacity="%.2f"/>' % rng.uniform(0.08, 0.25))
    for _ in range(rng.randint(2, 5)):
        body.append('<ellipse cx="%.0f" cy="%.0f" rx="%.0f" ry="%.0f" fill="%s" opacity="%.2f" filter="url(#soft)"/>'
                    % (rng.uniform(0, width), rng.uniform(0, height), rng.uniform(30, 160), rng.uniform(30, 160),
                       colour(rng, bg + rng.uniform(-35, 35)), rng.uniform(0.3, 0.7)))

    for _ in range(rng.randint(3, 8)):
        body.append(distractor(rng, width, height, fg_range))

    placed = []
    for _ in range(rng.randint(3, 8)):
        for _attempt in range(40):
            extent = math.exp(rng.uniform(math.log(24), math.log(min(200, 0.6 * min(width, height)))))
            r = extent / 2
            cx, cy = rng.uniform(r + 4, width - r - 4), rng.uniform(r + 4, height - r - 4)
            if all(math.hypot(cx - px, cy - py) > r + pr + 6 for px, py, pr in placed):
                placed.append((cx, cy, r))
                cls = rng.choice(CLASSES)
                svg, box = shape(rng, cls, cx, cy, r, fg_range, len(objects), defs)
                body.append(svg)
                objects.append((cls,) + box)
                break

    svg = ('<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d"><defs>%s</defs>%s</svg>'
           % (width, height, width, height, "".join(defs), "".join(body)))
    return svg, objects


def shape(rng, cls, cx, cy, r, fg_range, n, defs):
    rotation = rng.uniform(0, 2 * math.pi)
    base = outline(cls, r, rng)
    style = rng.choice(["fill", "fill", "gradient", "outline", "outline", "fill+stroke"])
    stroke = rng.uniform(1.5, max(2.0, min(6.0, r / 6)))
    fill, stroke_colour = colour(rng, rng.uniform(*fg_range)), colour(rng, rng.uniform(*fg_range))
    if style == "gradient":
        defs.append('<linearGradient id="g%d" gradientTransform="rotate(%.0f .5 .5)"><stop offset="0" stop-color="%s"/><stop offset="1" stop-color="%s"/></linearGradient>'
                    % (n, rng.uniform(0, 360), fill, colour(rng, rng.uniform(*fg_range))))
        paint = 'fill="url(#g%d)"' % n
    elif style == "outline":
        paint = 'fill="none" stroke="%s" stroke-width="%.1f"' % (stroke_colour, stroke)
    elif style == "fill+stroke":
        paint = 'fill="%s" stroke="%s" stroke-width="%.1f"' % (fill, stroke_colour, stroke)
    else:
        paint = 'fill="%s"' % fill
    paint += ' stroke-linejoin="%s"' % rng.choice(["round", "bevel"])
    half = stroke / 2 if "stroke" in paint else 0
    if base is None:
        svg = '<circle cx="%.2f" cy="%.2f" r="%.2f" %s/>' % (cx, cy, r, paint)
        box = (cx - r - half, cy - r - half, cx + r + half, cy + r + half)
    else:
        points = rotate(base, cx, cy, rotation)
        svg = '<polygon points="%s" %s/>' % (points_attr(points), paint)
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        box = (min(xs) - half, min(ys) - half, max(xs) + half, max(ys) + half)
    return svg, box


def distractor(rng, width, height, fg_range):
    kind = rng.choice(["ellipse", "bar", "pentagon", "arc", "line", "text"])
    cx, cy = rng.uniform(0, width), rng.uniform(0, height)
    paint = colour(rng, rng.uniform(*fg_range))
    size = rng.uniform(20, 160)
    angle = rng.uniform(0, 180)
    if kind == "ellipse":
        return '<ellipse cx="%.0f" cy="%.0f" rx="%.0f" ry="%.0f" fill="%s" transform="rotate(%.0f %.0f %.0f)"/>' % (
            cx, cy, size / 2, size / 2 / rng.uniform(2.5, 5), paint, angle, cx, cy)
    if kind == "bar":
        w, h = size, size / rng.uniform(3, 8)
        return '<rect x="%.0f" y="%.0f" width="%.0f" height="%.0f" fill="%s" transform="rotate(%.0f %.0f %.0f)"/>' % (
            cx - w / 2, cy - h / 2, w, h, paint, angle, cx, cy)
    if kind == "pentagon":
        return '<polygon points="%s" fill="%s"/>' % (points_attr(rotate(regular(5, size / 2), cx, cy, math.radians(angle))), paint)
    if kind == "arc":
        r = size / 2
        a0, a1 = math.radians(angle), math.radians(angle + rng.uniform(60, 250))
        return '<path d="M %.1f %.1f A %.1f %.1f 0 %d 1 %.1f %.1f" fill="none" stroke="%s" stroke-width="%.1f"/>' % (
            cx + r * math.cos(a0), cy + r * math.sin(a0), r, r, 1 if a1 - a0 > math.pi else 0,
            cx + r * math.cos(a1), cy + r * math.sin(a1), paint, rng.uniform(1.5, 5))
    if kind == "line":
        return '<line x1="%.0f" y1="%.0f" x2="%.0f" y2="%.0f" stroke="%s" stroke-width="%.1f"/>' % (
            cx, cy, cx + size * math.cos(math.radians(angle)), cy + size * math.sin(math.radians(angle)), paint, rng.uniform(1, 5))
    return '<text x="%.0f" y="%.0f" font-family="%s" font-size="%.0f" fill="%s" transform="rotate(%.0f %.0f %.0f)">%s</text>' % (
        cx, cy, rng.choice(FONTS), rng.uniform(12, 40), paint, rng.uniform(-30, 30), cx, cy, escape(rng.choice(WORDS)))


def voc_xml(name, width, height, objects):
    parts = ["<annotation><folder>JPEGImages</folder><filename>%s.png</filename><size><width>%d</width><height>%d</height><depth>3</depth></size>"
             % (name, width, height)]
    for cls, x1, y1, x2, y2 in objects:
        parts.append("<object><name>%s</name><difficult>0</difficult><bndbox><xmin>%d</xmin><ymin>%d</ymin><xmax>%d</xmax><ymax>%d</ymax></bndbox></object>"
                     % (cls, max(1, round(x1)), max(1, round(y1)), min(width, round(x2)), min(height, round(y2))))
    parts.append("</annotation>\n")
    return "".join(parts)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", required=True, help="VOC folder to write (replaced when complete)")
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--size", default="640x480", help="WxH[,WxH...] image sizes, one chosen per image")
    args = parser.parse_args()
    sizes = [tuple(int(v) for v in s.split("x")) for s in args.size.split(",")]
    if subprocess.run(["which", "rsvg-convert"], capture_output=True).returncode != 0:
        sys.exit("svg-shapes: rsvg-convert is not installed; install Debian's librsvg2-bin (apt-get install librsvg2-bin).")

    out = os.path.abspath(args.out)
    partial = out + ".partial"
    subprocess.run(["rm", "-rf", partial], check=True)
    for folder in ("Annotations", "JPEGImages", os.path.join("ImageSets", "Main")):
        os.makedirs(os.path.join(partial, folder))
    names, counts = [], dict.fromkeys(CLASSES, 0)
    with tempfile.TemporaryDirectory() as scratch:
        for i in range(args.count):
            rng = random.Random(args.seed * 1_000_003 + i)
            width, height = rng.choice(sizes)
            svg, objects = scene(rng, width, height, i)
            name = "svg_%05d" % i
            source = os.path.join(scratch, name + ".svg")
            with open(source, "w", encoding="utf-8") as f:
                f.write(svg)
            subprocess.run(["rsvg-convert", "--background-color", "white", "-o", os.path.join(partial, "JPEGImages", name + ".png"), source], check=True)
            with open(os.path.join(partial, "Annotations", name + ".xml"), "w", encoding="utf-8") as f:
                f.write(voc_xml(name, width, height, objects))
            names.append(name)
            for o in objects:
                counts[o[0]] += 1
    with open(os.path.join(partial, "ImageSets", "Main", "test.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(names) + "\n")
    subprocess.run(["rm", "-rf", out], check=True)
    os.rename(partial, out)
    print("wrote %s: %d images, %s" % (out, len(names), ", ".join("%s %d" % kv for kv in counts.items())))


if __name__ == "__main__":
    main()
