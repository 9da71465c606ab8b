"""Procedural "cultural object" photos (vases, coins, seals, tablets, statuettes) on plain backgrounds."""
from __future__ import annotations

import math

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

SIDE = 448
KINDS = ("vase", "coin", "seal", "tablet", "statuette", "plate")
_GLYPHS = "ABCDEFGHIKLMNOPQRSTVXYZΑΒΓΔΘΛΞΠΣΦΨΩ0123456789ᚠᚢᚦᚨᚱᚲ"
_PALETTES = {
    "terracotta": [(170, 90, 50), (40, 25, 20), (215, 160, 110)],
    "bronze": [(140, 100, 50), (70, 90, 60), (200, 160, 90)],
    "marble": [(220, 215, 205), (150, 145, 140), (240, 238, 230)],
    "jade": [(70, 140, 100), (30, 70, 50), (150, 200, 160)],
    "gold": [(200, 160, 60), (120, 80, 20), (240, 210, 120)],
    "lapis": [(40, 60, 140), (200, 170, 60), (90, 110, 190)],
    "ebony": [(50, 35, 30), (140, 110, 70), (90, 70, 55)],
    "faience": [(60, 150, 170), (20, 40, 60), (150, 210, 210)],
}


def fractal_noise(rng: np.random.Generator, h: int, w: int, octaves: int = 5) -> np.ndarray:
    """Multi-octave value noise in [0, 1]."""
    out = np.zeros((h, w), np.float32)
    amp, total = 1.0, 0.0
    for o in range(octaves):
        cells = 3 * 2 ** o
        grid = rng.standard_normal((cells, cells)).astype(np.float32)
        out += amp * cv2.resize(grid, (w, h), interpolation=cv2.INTER_CUBIC)
        total += amp
        amp *= 0.55
    out /= total
    return (out - out.min()) / max(1e-6, float(out.max() - out.min()))


def _font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.load_default(size=size)


def _palette(rng: np.random.Generator) -> list[np.ndarray]:
    name = list(_PALETTES)[rng.integers(len(_PALETTES))]
    jitter = rng.integers(-25, 26, size=3)
    return [np.clip(np.array(c) + jitter, 0, 255).astype(np.float32) for c in _PALETTES[name]]


def _background(rng: np.random.Generator) -> np.ndarray:
    base = rng.choice([rng.integers(215, 250), rng.integers(20, 60), rng.integers(150, 200)])
    tint = rng.integers(-8, 9, size=3)
    bg = np.full((SIDE, SIDE, 3), base, np.float32) + tint
    bg += np.linspace(6, -6, SIDE, dtype=np.float32)[:, None, None]
    return bg


def _vase_mask(rng: np.random.Generator) -> np.ndarray:
    ys = np.linspace(0, 1, SIDE)
    k = rng.uniform(0.8, 3.0, size=3)
    ph = rng.uniform(0, math.pi, size=3)
    r = 0.22 + sum(rng.uniform(0.02, 0.09) * np.sin(k[i] * math.pi * ys + ph[i]) for i in range(3))
    r = np.clip(r, 0.06, 0.42) * SIDE
    top, bot = int(SIDE * rng.uniform(0.06, 0.18)), int(SIDE * rng.uniform(0.86, 0.95))
    xx = np.abs(np.arange(SIDE) - SIDE / 2)[None, :]
    mask = xx < r[:, None]
    mask[:top] = False
    mask[bot:] = False
    return mask


def _ellipse_mask(cx: float, cy: float, rx: float, ry: float, angle: float = 0.0) -> np.ndarray:
    m = np.zeros((SIDE, SIDE), np.uint8)
    cv2.ellipse(m, (int(cx), int(cy)), (int(rx), int(ry)), angle, 0, 360, 1, -1)
    return m.astype(bool)


def _shape_mask(rng: np.random.Generator, kind: str) -> np.ndarray:
    c = SIDE / 2
    if kind == "vase":
        return _vase_mask(rng)
    if kind in ("coin", "plate"):
        r = SIDE * rng.uniform(0.3, 0.42)
        return _ellipse_mask(c, c, r, r * rng.uniform(0.85, 1.0))
    if kind == "seal":
        m = np.zeros((SIDE, SIDE), np.uint8)
        s = SIDE * rng.uniform(0.25, 0.38)
        pts = np.array([[c - s, c - s], [c + s, c - s], [c + s, c + s], [c - s, c + s]], np.float32)
        pts += rng.normal(0, SIDE * 0.02, pts.shape).astype(np.float32)
        cv2.fillPoly(m, [pts.astype(np.int32)], 1)
        return m.astype(bool)
    if kind == "tablet":
        m = np.zeros((SIDE, SIDE), np.uint8)
        w, h = SIDE * rng.uniform(0.28, 0.42), SIDE * rng.uniform(0.3, 0.44)
        pts = np.array([[c - w, c - h], [c + w, c - h], [c + w, c + h], [c - w, c + h]], np.float32)
        pts += rng.normal(0, SIDE * 0.03, pts.shape).astype(np.float32)
        cv2.fillPoly(m, [pts.astype(np.int32)], 1)
        return cv2.GaussianBlur(m.astype(np.float32), (0, 0), 6) > 0.5
    head = _ellipse_mask(c + rng.normal(0, 8), SIDE * 0.2, SIDE * rng.uniform(0.06, 0.1), SIDE * rng.uniform(0.07, 0.11))
    body = _ellipse_mask(c, SIDE * 0.5, SIDE * rng.uniform(0.1, 0.2), SIDE * rng.uniform(0.22, 0.3), rng.normal(0, 6))
    base = _ellipse_mask(c, SIDE * 0.82, SIDE * rng.uniform(0.15, 0.25), SIDE * 0.06)
    return head | body | base


def _decorate(rng: np.random.Generator, layer: Image.Image, mask: np.ndarray, pal: list[np.ndarray]) -> None:
    """Draw inscriptions, bands and motifs inside the object's bounding box."""
    d = ImageDraw.Draw(layer)
    ys, xs = np.nonzero(mask)
    x0, x1, y0, y1 = xs.min(), xs.max(), ys.min(), ys.max()
    ink = tuple(int(v) for v in pal[1])
    light = tuple(int(v) for v in pal[2])
    for _ in range(rng.integers(2, 5)):  # bands of glyphs
        y = int(rng.uniform(y0, y1))
        size = int(rng.integers(14, 30))
        text = "".join(rng.choice(list(_GLYPHS), size=int(rng.integers(6, 16))))
        d.text((int(x0 + rng.uniform(0, 0.2) * (x1 - x0)), y), text, fill=ink, font=_font(size))
    for _ in range(rng.integers(3, 8)):  # motifs: polygons, circles, strokes
        cx, cy = rng.uniform(x0, x1), rng.uniform(y0, y1)
        r = rng.uniform(6, 28)
        n = int(rng.integers(3, 8))
        pts = [(cx + r * math.cos(2 * math.pi * i / n + rng.uniform(0, 0.5)), cy + r * math.sin(2 * math.pi * i / n))
               for i in range(n)]
        if rng.random() < 0.5:
            d.polygon(pts, outline=ink, fill=light if rng.random() < 0.5 else None, width=2)
        else:
            d.line(pts, fill=ink, width=int(rng.integers(1, 4)))
    for _ in range(rng.integers(0, 3)):  # zig-zag band
        y = rng.uniform(y0, y1)
        step = rng.uniform(8, 20)
        pts = [(x, y + (step / 2 if i % 2 else -step / 2)) for i, x in enumerate(np.arange(x0, x1, step))]
        if len(pts) > 1:
            d.line(pts, fill=light, width=2)


def _shade(kind: str, mask: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    ys, xs = np.nonzero(mask)
    cx, cy = xs.mean(), ys.mean()
    w = max(1.0, (xs.max() - xs.min()) / 2)
    yy, xx = np.mgrid[0:SIDE, 0:SIDE].astype(np.float32)
    lx = rng.uniform(-0.4, 0.4)
    if kind in ("vase", "statuette"):
        t = np.clip((xx - cx) / w - lx, -1, 1)
        return 0.55 + 0.45 * np.sqrt(1 - t * t)
    r = np.sqrt((xx - cx) ** 2 + (yy - cy) ** 2) / w
    return 0.8 + 0.2 * np.clip(1 - r, 0, 1) + 0.1 * ((xx - cx) / w) * lx


def make_object(seed: int, kind: str | None = None) -> Image.Image:
    """One deterministic procedural object photo (RGB, SIDE x SIDE)."""
    rng = np.random.default_rng(seed)
    kind = kind or KINDS[int(rng.integers(len(KINDS)))]
    pal = _palette(rng)
    mask = _shape_mask(rng, kind)
    tex = fractal_noise(rng, SIDE, SIDE)[..., None]
    body = pal[0] * (0.7 + 0.6 * tex) + rng.normal(0, 6, (SIDE, SIDE, 3))
    layer = Image.fromarray(np.clip(body, 0, 255).astype(np.uint8))
    _decorate(rng, layer, mask, pal)
    obj = np.asarray(layer, np.float32) * _shade(kind, mask, rng)[..., None]
    bg = _background(rng)
    shadow = cv2.GaussianBlur(np.roll(mask.astype(np.float32), (8, 6), (0, 1)), (0, 0), 8)
    bg *= (1 - 0.25 * shadow)[..., None]
    soft = cv2.GaussianBlur(mask.astype(np.float32), (0, 0), 1.0)[..., None]
    img = soft * obj + (1 - soft) * bg + rng.normal(0, 2.0, (SIDE, SIDE, 3))
    return Image.fromarray(np.clip(img, 0, 255).astype(np.uint8))


def scale_bar(width: int = 400, height: int = 70) -> Image.Image:
    """A photographer's 10 cm scale bar (black and white centimetres, ticks, figures, a studio's name)."""
    bar = Image.new("RGB", (width, height), (250, 250, 248))
    draw = ImageDraw.Draw(bar)
    cm = (width - 20) / 10
    for i in range(10):
        x0 = 10 + i * cm
        draw.rectangle([x0, 10, x0 + cm, 30], fill=(0, 0, 0) if i % 2 == 0 else (255, 255, 255), outline=(0, 0, 0))
        draw.text((x0 - 3, 34), str(i), fill=(0, 0, 0), font=_font(14))
        for k in range(1, 10):
            draw.line([x0 + k * cm / 10, 30, x0 + k * cm / 10, 30 + (6 if k == 5 else 3)], fill=(0, 0, 0))
    draw.text((width - 40, 34), "cm", fill=(0, 0, 0), font=_font(14))
    draw.text((10, 52), "MUSÉE DES ANTIQUITÉS · PHOTO DEPT", fill=(60, 60, 60), font=_font(11))
    return bar


def colour_chart(width: int = 240, height: int = 160) -> Image.Image:
    """A 4 x 6 colour chart of fixed patches."""
    colours = np.random.default_rng(99).integers(30, 240, (24, 3))
    chart = Image.new("RGB", (width, height), (20, 20, 20))
    draw = ImageDraw.Draw(chart)
    pw, ph = (width - 14) / 6, (height - 10) / 4
    for r in range(4):
        for c in range(6):
            x0, y0 = 7 + c * pw, 5 + r * ph
            draw.rectangle([x0 + 2, y0 + 2, x0 + pw - 2, y0 + ph - 2], fill=tuple(int(v) for v in colours[r * 6 + c]))
    return chart


def with_props(obj: Image.Image, rng: np.random.Generator, chart: bool = True) -> Image.Image:
    """The object photographed as many museums do: with the studio's scale bar (and colour chart)."""
    canvas = Image.new("RGB", (700, 620), (235, 233, 228))
    side = int(rng.integers(380, 430))
    canvas.paste(obj.convert("RGB").resize((side, side)), (int(rng.integers(20, 60)), int(rng.integers(10, 40))))
    canvas.paste(scale_bar(), (int(rng.integers(40, 200)), 530))
    if chart:
        canvas.paste(colour_chart(), (450, int(rng.integers(60, 200))))
    return canvas
