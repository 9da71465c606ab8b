"""Drawn photographs of demonstration objects: each seed gives a distinct object on a studio background."""

from __future__ import annotations

import math

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

SIZE = (640, 640)
SHAPES = ("vase", "coin", "seal", "tablet", "statuette", "mask", "manuscript", "bowl")
MATERIAL_COLOURS: dict[str, tuple[int, int, int]] = {
    "bronze": (140, 100, 50), "terracotta": (178, 92, 58), "stone": (150, 144, 132), "gold": (212, 170, 60),
    "silver": (190, 192, 196), "wood": (120, 78, 42), "ivory": (230, 220, 196), "parchment": (222, 204, 160),
    "jade": (90, 150, 110), "ceramic": (70, 110, 160), "marble": (226, 224, 218), "lapis": (40, 70, 150),
}


def draw_object(seed: int, shape: str, material: str) -> Image.Image:
    """Draw one object, as a museum photo: the object centred on a plain, softly lit background.

    :param seed: makes the object's proportions, decoration and texture unique.
    :param shape: one of SHAPES.
    :param material: a key of MATERIAL_COLOURS (its base colour).
    """
    rng = np.random.default_rng(seed)
    background = _studio_background(rng)
    mask = Image.new("L", SIZE, 0)
    _draw_shape(ImageDraw.Draw(mask), shape, rng)
    texture = _material_texture(rng, MATERIAL_COLOURS.get(material, (150, 130, 110)))
    _decorate(ImageDraw.Draw(texture), rng, mask)
    shaded = _shade(texture, mask)
    background.paste(shaded, (0, 0), mask.filter(ImageFilter.GaussianBlur(1.2)))
    return background


def other_view(image: Image.Image, seed: int, angle_degrees: float = 25.0) -> Image.Image:
    """The same object seen from another angle: a perspective turn, a slight zoom and other light."""
    rng = np.random.default_rng(seed)
    width, height = image.size
    shrink = math.sin(math.radians(angle_degrees)) * 0.35
    side = rng.choice([-1, 1])
    dx, dy = width * shrink / 2, height * shrink * 0.25
    quad = _turn_quad(width, height, dx, dy, side)
    turned = image.transform(image.size, Image.Transform.QUAD, quad, Image.Resampling.BICUBIC, fillcolor=image.getpixel((2, 2)))
    light = np.clip(np.asarray(turned, dtype=np.float32) * rng.uniform(0.8, 1.15) + rng.uniform(-12, 12), 0, 255)
    return Image.fromarray(light.astype(np.uint8))


def _turn_quad(width: int, height: int, dx: float, dy: float, side: int) -> tuple[float, ...]:
    # Source quad (upper-left, lower-left, lower-right, upper-right) mapped to the full output.
    if side > 0:
        return (-dx, -dy, -dx, height + dy, width + dx * 0.3, height - dy, width + dx * 0.3, dy)
    return (-dx * 0.3, dy, -dx * 0.3, height - dy, width + dx, height + dy, width + dx, -dy)


def _studio_background(rng: np.random.Generator) -> Image.Image:
    tone = rng.uniform(170, 235)
    ys = np.linspace(0, 1, SIZE[1])[:, None]
    gradient = tone - 35 * ys + np.zeros((1, SIZE[0]))
    rgb = np.stack([gradient * rng.uniform(0.95, 1.05) for _ in range(3)], axis=-1)
    return Image.fromarray(np.clip(rgb, 0, 255).astype(np.uint8))


def _draw_shape(draw: ImageDraw.ImageDraw, shape: str, rng: np.random.Generator) -> None:
    cx, cy = SIZE[0] / 2 + rng.uniform(-30, 30), SIZE[1] / 2 + rng.uniform(-20, 20)
    w, h = rng.uniform(150, 230), rng.uniform(180, 260)
    if shape in ("coin", "seal"):
        r = rng.uniform(140, 220) if shape == "coin" else rng.uniform(90, 140)
        if shape == "seal":
            draw.rounded_rectangle((cx - r * 0.7, cy - r * 1.6, cx + r * 0.7, cy + r * 1.6), radius=r * 0.6, fill=255)
        else:
            draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=255)
    elif shape in ("tablet", "manuscript"):
        draw.rounded_rectangle((cx - w, cy - h, cx + w * 0.9, cy + h), radius=rng.uniform(4, 40), fill=255)
    elif shape == "bowl":
        draw.pieslice((cx - w * 1.2, cy - h, cx + w * 1.2, cy + h * 0.9), 0, 180, fill=255)
        draw.rectangle((cx - w * 0.4, cy + h * 0.8, cx + w * 0.4, cy + h * 0.95), fill=255)
    elif shape == "statuette":
        head = rng.uniform(40, 60)
        draw.ellipse((cx - head, cy - h - head, cx + head, cy - h + head), fill=255)
        draw.polygon([(cx - w * 0.5, cy - h + head), (cx + w * 0.5, cy - h + head), (cx + w * 0.7, cy + h), (cx - w * 0.7, cy + h)], fill=255)
    elif shape == "mask":
        draw.ellipse((cx - w * 0.8, cy - h, cx + w * 0.8, cy + h), fill=255)
        for ex in (-0.35, 0.35):
            draw.ellipse((cx + ex * w - 25, cy - h * 0.3 - 12, cx + ex * w + 25, cy - h * 0.3 + 12), fill=0)
    else:  # vase
        points = []
        bulge, neck = rng.uniform(0.8, 1.2), rng.uniform(0.25, 0.45)
        for i in range(21):
            t = i / 20
            radius = w * (neck + (bulge - neck) * math.sin(math.pi * min(1.0, t * 1.3)) ** 1.5)
            points.append((cx + radius, cy - h + 2 * h * t))
        draw.polygon(points + [(2 * cx - x, y) for x, y in reversed(points)], fill=255)


def _material_texture(rng: np.random.Generator, colour: tuple[int, int, int]) -> Image.Image:
    noise = rng.normal(0, 1, (SIZE[1] // 8, SIZE[0] // 8))
    coarse = np.asarray(Image.fromarray(noise.astype(np.float32)).resize(SIZE, Image.Resampling.BICUBIC))
    fine = rng.normal(0, 6, (SIZE[1], SIZE[0]))
    tint = np.array(colour, dtype=np.float32) * rng.uniform(0.85, 1.15, 3)
    rgb = tint[None, None, :] + (coarse * 18 + fine)[:, :, None]
    return Image.fromarray(np.clip(rgb, 0, 255).astype(np.uint8))


def _decorate(draw: ImageDraw.ImageDraw, rng: np.random.Generator, mask: Image.Image) -> None:
    left, top, right, bottom = mask.getbbox() or (0, 0, *SIZE)
    for _ in range(int(rng.integers(6, 16))):
        x0, y0 = rng.uniform(left, right), rng.uniform(top, bottom)
        shade = tuple(int(v) for v in rng.integers(20, 240, 3))
        kind = int(rng.integers(0, 3))
        if kind == 0:
            draw.line((x0, y0, x0 + rng.uniform(-120, 120), y0 + rng.uniform(-40, 40)), fill=shade, width=int(rng.integers(2, 7)))
        elif kind == 1:
            r = rng.uniform(6, 30)
            draw.ellipse((x0 - r, y0 - r, x0 + r, y0 + r), outline=shade, width=int(rng.integers(2, 5)))
        else:
            draw.text((x0, y0), "".join(chr(int(c)) for c in rng.integers(65, 90, 4)), fill=shade)


def _shade(texture: Image.Image, mask: Image.Image) -> Image.Image:
    """Darken towards the object's edges so it reads as a rounded solid."""
    distance = np.asarray(mask.filter(ImageFilter.GaussianBlur(25)), dtype=np.float32) / 255.0
    rgb = np.asarray(texture, dtype=np.float32) * (0.55 + 0.45 * distance[:, :, None])
    return Image.fromarray(np.clip(rgb, 0, 255).astype(np.uint8))
