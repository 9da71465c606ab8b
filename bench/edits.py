"""Query-photo edits used by the bench: compression, crops, rotations, lighting, screenshots, viewpoint."""
from __future__ import annotations

import io
import math

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from objects import fractal_noise

Rng = np.random.Generator


def _border_colour(img: Image.Image) -> tuple[int, int, int]:
    a = np.asarray(img.convert("RGB"))
    border = np.concatenate([a[0], a[-1], a[:, 0], a[:, -1]])
    return tuple(int(v) for v in np.median(border, axis=0))


def jpeg(img: Image.Image, rng: Rng, quality: int | None = None) -> Image.Image:
    """Re-compress as JPEG at quality 30-70."""
    buf = io.BytesIO()
    img.convert("RGB").save(buf, "JPEG", quality=int(quality or rng.integers(30, 71)))
    return Image.open(io.BytesIO(buf.getvalue())).convert("RGB")


def downscale(img: Image.Image, rng: Rng) -> Image.Image:
    """Downscale to 30-60 % and JPEG q 50-70."""
    s = rng.uniform(0.3, 0.6)
    small = img.resize((max(32, int(img.width * s)), max(32, int(img.height * s))), Image.Resampling.BILINEAR)
    return jpeg(small, rng, int(rng.integers(50, 71)))


def crop(img: Image.Image, rng: Rng) -> Image.Image:
    """Crop away up to 25 % of the area (random side split)."""
    keep = rng.uniform(0.75, 0.9)
    fw = rng.uniform(keep, 1.0)
    fh = keep / fw
    w, h = int(img.width * fw), int(img.height * min(1.0, fh))
    x, y = int(rng.integers(0, img.width - w + 1)), int(rng.integers(0, img.height - h + 1))
    return img.crop((x, y, x + w, y + h))


def rotate_small(img: Image.Image, rng: Rng) -> Image.Image:
    """Rotate by 5-15 degrees either way, canvas expanded with the border colour."""
    ang = rng.uniform(5, 15) * rng.choice([-1, 1])
    return img.rotate(ang, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=_border_colour(img))


def rotate90(img: Image.Image, rng: Rng) -> Image.Image:
    """Rotate by 90, 180 or 270 degrees."""
    return img.rotate(int(rng.choice([90, 180, 270])), expand=True)


def relight(img: Image.Image, rng: Rng) -> Image.Image:
    """Brightness/contrast change plus an illumination gradient."""
    a = np.asarray(img.convert("RGB"), np.float32)
    h, w = a.shape[:2]
    grad = np.linspace(1 - rng.uniform(0, 0.3), 1 + rng.uniform(0, 0.3), w, dtype=np.float32)[None, :, None]
    if rng.random() < 0.5:
        grad = np.linspace(1 - rng.uniform(0, 0.3), 1 + rng.uniform(0, 0.3), h, dtype=np.float32)[:, None, None]
    out = (a - 128) * rng.uniform(0.7, 1.3) + 128 * rng.uniform(0.75, 1.25)
    return Image.fromarray(np.clip(out * grad, 0, 255).astype(np.uint8))


def colour_cast(img: Image.Image, rng: Rng) -> Image.Image:
    """Per-channel gains (white-balance error)."""
    a = np.asarray(img.convert("RGB"), np.float32) * rng.uniform(0.7, 1.3, size=3).astype(np.float32)
    return Image.fromarray(np.clip(a, 0, 255).astype(np.uint8))


def gamma(img: Image.Image, rng: Rng) -> Image.Image:
    """Gamma 0.5-2.0."""
    g = float(np.exp(rng.uniform(math.log(0.5), math.log(2.0))))
    a = 255.0 * (np.asarray(img.convert("RGB"), np.float32) / 255.0) ** g
    return Image.fromarray(np.clip(a, 0, 255).astype(np.uint8))


def _font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.load_default(size=size)


def screenshot(img: Image.Image, rng: Rng) -> Image.Image:
    """A catalogue/auction web page with header, texts, price and the photo at some scale."""
    pw, ph = int(rng.integers(900, 1300)), int(rng.integers(700, 1000))
    page = Image.new("RGB", (pw, ph), (255, 255, 255))
    d = ImageDraw.Draw(page)
    d.rectangle((0, 0, pw, 70), fill=tuple(int(v) for v in rng.integers(20, 90, 3)))
    d.text((24, 18), f"Antiques & Collectibles - Lot {int(rng.integers(100, 9999))}", fill=(255, 255, 255), font=_font(28))
    scale = rng.uniform(0.35, 0.55) * pw / img.width
    photo = img.resize((int(img.width * scale), int(img.height * scale)), Image.Resampling.BILINEAR)
    photo = photo.crop((0, 0, photo.width, min(photo.height, ph - 120)))
    x0 = int(rng.integers(30, max(31, pw // 3 - photo.width // 3)))
    page.paste(photo, (x0, 100))
    tx = x0 + photo.width + 40
    d.text((tx, 110), f"Price: EUR {int(rng.integers(200, 90000)):,}", fill=(180, 20, 20), font=_font(30))
    for i in range(int(rng.integers(4, 9))):
        words = " ".join("".join(rng.choice(list("abcdefghilmnoprstu"), size=int(rng.integers(3, 9)))) for _ in range(5))
        d.text((tx, 170 + 34 * i), words, fill=(60, 60, 60), font=_font(20))
    shot = page.resize((int(pw * 0.8), int(ph * 0.8)), Image.Resampling.BILINEAR)
    return jpeg(shot, rng, 85)


def _texture_background(rng: Rng, w: int, h: int) -> np.ndarray:
    base = rng.integers(30, 220, size=3).astype(np.float32)
    n = fractal_noise(rng, h, w)[..., None]
    stripes = (np.sin(np.arange(w)[None, :] / rng.uniform(4, 20)) * rng.uniform(0, 30))[..., None]
    return np.clip(base * (0.5 + n) + stripes, 0, 255)


PICTURE_MAX_LARGEST_SHARE = 0.5  # a "foreground" scattered in hundreds of bits, the largest under this share of it


def object_mask(img: Image.Image) -> np.ndarray:
    """Foreground mask of a photo on a plain background; all True when the border is not plain, or when the
    foreground is scattered (PICTURE_MAX_LARGEST_SHARE): cut out, a star field's stars pasted on a backdrop
    are no photo of anything (corpus versions <= 3 did that: 4 of the 140 new-background queries, all failed)."""
    a = np.asarray(img.convert("RGB"), np.float32)
    bg = np.array(_border_colour(img), np.float32)
    border = np.concatenate([a[0], a[-1], a[:, 0], a[:, -1]])
    if np.median(np.abs(border - bg).sum(axis=1)) > 14:
        return np.ones(a.shape[:2], bool)
    m = cv2.morphologyEx((np.abs(a - bg).sum(axis=2) > 40).astype(np.uint8), cv2.MORPH_CLOSE, np.ones((9, 9), np.uint8))
    _, _, stats, _ = cv2.connectedComponentsWithStats(m, connectivity=8)
    areas = stats[1:, cv2.CC_STAT_AREA]
    if len(areas) and areas.max() < PICTURE_MAX_LARGEST_SHARE * areas.sum():
        return np.ones(a.shape[:2], bool)  # a picture (a star field, the moon's surface): moved whole, as a print is
    return m.astype(bool)


def background(img: Image.Image, rng: Rng) -> Image.Image:
    """Cut the object out and paste it at 60-90 % scale on a textured background."""
    w, h = img.size
    canvas = _texture_background(rng, w, h)
    s = rng.uniform(0.6, 0.9)
    obj = img.resize((int(w * s), int(h * s)), Image.Resampling.BILINEAR)
    m = cv2.resize(object_mask(img).astype(np.float32), obj.size, interpolation=cv2.INTER_LINEAR)[..., None]
    x, y = int(rng.integers(0, w - obj.width + 1)), int(rng.integers(0, h - obj.height + 1))
    region = canvas[y:y + obj.height, x:x + obj.width]
    canvas[y:y + obj.height, x:x + obj.width] = m * np.asarray(obj, np.float32) + (1 - m) * region
    return Image.fromarray(canvas.astype(np.uint8))


def background_photo(img: Image.Image, rng: Rng, scene: Image.Image, scale: tuple[float, float] = (0.5, 0.85)) -> Image.Image:
    """Cut the object out and paste it at ``scale`` (50-85 %) of the frame's sides on a crop of a real photo (a scene)."""
    w, h = img.size
    sw, sh = scene.size
    side = min(sw, sh, max(64, int(min(sw, sh) * rng.uniform(0.6, 1.0))))
    x0, y0 = int(rng.integers(0, sw - side + 1)), int(rng.integers(0, sh - side + 1))
    canvas = np.asarray(scene.crop((x0, y0, x0 + side, y0 + side)).resize((w, h), Image.Resampling.BILINEAR), np.float32).copy()
    s = rng.uniform(*scale)
    obj = img.resize((max(1, int(w * s)), max(1, int(h * s))), Image.Resampling.BILINEAR)
    m = cv2.resize(object_mask(img).astype(np.float32), obj.size, interpolation=cv2.INTER_LINEAR)[..., None]
    x, y = int(rng.integers(0, w - obj.width + 1)), int(rng.integers(0, h - obj.height + 1))
    region = canvas[y:y + obj.height, x:x + obj.width]
    canvas[y:y + obj.height, x:x + obj.width] = m * np.asarray(obj, np.float32) + (1 - m) * region
    return jpeg(Image.fromarray(canvas.astype(np.uint8)), rng)


def _turned_plane(r: np.ndarray, f: float, w: int, h: int) -> np.ndarray:
    """Homography from a w x h picture seen face on to the same picture's plane turned by ``r`` about its
    centre, both seen by a camera of focal length ``f`` pixels at distance ``f``."""
    k = np.array([[f, 0, w / 2], [0, f, h / 2], [0, 0, 1]])
    t = np.array([0.0, 0.0, f])
    plane_to_view = k @ np.column_stack([r[:, 0], r[:, 1], t])
    plane_to_front = k @ np.column_stack([[1.0, 0, 0], [0, 1.0, 0], t])
    return plane_to_view @ np.linalg.inv(plane_to_front)


def perspective(img: Image.Image, rng: Rng, min_deg: float = 10, max_deg: float = 40) -> Image.Image:
    """Simulated other viewpoint: out-of-plane rotation 10-40 deg, slight scale and lighting change."""
    a = np.asarray(img.convert("RGB"))
    h, w = a.shape[:2]
    theta = math.radians(rng.uniform(min_deg, max_deg)) * rng.choice([-1, 1])
    phi = math.radians(rng.uniform(0, 10)) * rng.choice([-1, 1])
    f = 1.4 * max(w, h)
    cy, sy, cx_, sx = math.cos(theta), math.sin(theta), math.cos(phi), math.sin(phi)
    r = np.array([[cy, 0, sy], [0, 1, 0], [-sy, 0, cy]]) @ np.array([[1, 0, 0], [0, cx_, -sx], [0, sx, cx_]])
    hmat = _turned_plane(r, f, w, h)
    s = rng.uniform(0.85, 1.1)
    hmat = np.array([[s, 0, (1 - s) * w / 2], [0, s, (1 - s) * h / 2], [0, 0, 1]]) @ hmat
    out = cv2.warpPerspective(a, hmat, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT,
                              borderValue=_border_colour(img))
    out = out.astype(np.float32) * rng.uniform(0.85, 1.15)
    return Image.fromarray(np.clip(out, 0, 255).astype(np.uint8))


def close_up(img: Image.Image, degrees: float, focal: float = 0.5) -> Image.Image:
    """The picture as a phone sees it from close by, its plane turned ``degrees`` about the vertical axis:
    a short focal length (``focal`` times the longer side; ~0.5-0.8 for a phone's main camera held near)
    makes the perspective far stronger than :func:`perspective`'s long lens. White around it."""
    a = np.asarray(img.convert("RGB"))
    h, w = a.shape[:2]
    f, theta = focal * max(w, h), math.radians(degrees)
    r = np.array([[math.cos(theta), 0, math.sin(theta)], [0, 1, 0], [-math.sin(theta), 0, math.cos(theta)]])
    hmat = _turned_plane(r, f, w, h)
    corners = cv2.perspectiveTransform(np.float32([[0, 0], [w, 0], [w, h], [0, h]]).reshape(-1, 1, 2), hmat).reshape(-1, 2)
    (x0, y0), (x1, y1) = corners.min(axis=0), corners.max(axis=0)
    s = min(w / (x1 - x0), h / (y1 - y0))  # the turned picture fitted in the frame
    hmat = np.array([[s, 0, -s * x0], [0, s, -s * y0], [0, 0, 1]]) @ hmat
    return Image.fromarray(cv2.warpPerspective(a, hmat, (w, h), flags=cv2.INTER_LINEAR, borderValue=(255, 255, 255)))


SINGLE_EDITS = {
    "jpeg": jpeg, "downscale": downscale, "crop": crop, "rotate_small": rotate_small, "rotate90": rotate90,
    "relight": relight, "colour_cast": colour_cast, "gamma": gamma, "screenshot": screenshot,
    "background": background,
}
_COMBINABLE = ("jpeg", "crop", "rotate_small", "relight", "colour_cast", "gamma", "background", "screenshot")


def angle_plus_edits(img: Image.Image, rng: Rng) -> Image.Image:
    """Another viewpoint followed by two random edits."""
    return two_edits(perspective(img, rng), rng)


def two_edits(img: Image.Image, rng: Rng) -> Image.Image:
    """Two random edits: one of compression, crop, small rotation, lighting or colour, then one of those or a new
    background or a screenshot."""
    names = list(rng.choice(list(_COMBINABLE[:-2]), size=1)) + [str(rng.choice(list(_COMBINABLE)))]
    for name in names:
        img = SINGLE_EDITS[name](img, rng)
    return img


def apply(kind: str, img: Image.Image, rng: Rng) -> Image.Image:
    """Apply the edit called ``kind``."""
    if kind == "angle":
        return perspective(img, rng)
    if kind == "angle_edits":
        return angle_plus_edits(img, rng)
    return SINGLE_EDITS[kind](img, rng)


KINDS = list(SINGLE_EDITS) + ["angle", "angle_edits"]
