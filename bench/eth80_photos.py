"""The ETH-80 photos for bench/eth80.py: where they are, the tune / held-out split, and the photos made from them
(small copies, the object cut off its blue cloth and laid on real textures or on a studio's black or white backdrop)."""
from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageFilter
from scipy import ndimage as ndi
from skimage import data as skdata

DATA_DIR = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "eth80-views"  # ../shared/data/
VIEWS = ("090-000", "090-022", "090-338", "090-045", "090-315", "068-000", "066-027", "066-333", "045-000", "090-180")
# Views by how far they are from the side view 090-000 (TILT-PAN in degrees; /work/shared/data/README.md)
VIEW_GROUPS = {
    "turned 22": ("090-022", "090-338"),
    "turned 45": ("090-045", "090-315"),
    "22 higher": ("068-000", "066-027", "066-333"),
    "45 higher": ("045-000",),
    "other side": ("090-180",),
}
TUNE_MAX_NUMBER = 5  # tune on objects 1-5 of each kind (the cars there are car1, car2, car3, car5), report the others
HALVES = ("tune", "heldout")


@dataclass(frozen=True)
class Eth80Object:
    """One physical object: ``cup3``, its kind, number and half of the split."""

    name: str
    kind: str
    number: int

    @property
    def half(self) -> str:
        """"tune" for objects 1-5 of their kind, "heldout" for the others."""
        return "tune" if self.number <= TUNE_MAX_NUMBER else "heldout"


def present(data_dir: Path) -> bool:
    """Whether the eth80-views folder is at ``data_dir``; where it is not, says so (the benches that read it skip)."""
    if (data_dir / "cup1").is_dir():
        return True
    print(f"eth80-views not found at {data_dir}: skipped (see /work/shared/data/README.md)")
    return False


def objects(data_dir: Path) -> list[Eth80Object]:
    """The objects found in ``data_dir`` (one folder each), by kind and number."""
    found = []
    for folder in sorted(p for p in data_dir.iterdir() if p.is_dir()):
        m = re.fullmatch(r"([a-z]+)(\d+)", folder.name)
        if m and all((folder / f"{v}.jpg").exists() for v in VIEWS):
            found.append(Eth80Object(folder.name, m.group(1), int(m.group(2))))
    return sorted(found, key=lambda o: (o.kind, o.number))


def photo(data_dir: Path, obj: Eth80Object, view: str) -> Image.Image:
    """One view of an object, as shot (256 x 256, JPEG)."""
    return Image.open(data_dir / obj.name / f"{view}.jpg").convert("RGB")


def jpeg(img: Image.Image, quality: int) -> Image.Image:
    """``img`` saved as a JPEG at ``quality`` and read again (what a phone, a web page or a chat app sends)."""
    buf = io.BytesIO()
    img.convert("RGB").save(buf, "JPEG", quality=quality)
    return Image.open(io.BytesIO(buf.getvalue())).convert("RGB")


def sized(img: Image.Image, side: int, quality: int = 90) -> Image.Image:
    """``img`` resized so its longer side is ``side`` px, then JPEG-compressed."""
    s = side / max(img.size)
    return jpeg(img.resize((max(1, round(img.width * s)), max(1, round(img.height * s))), Image.Resampling.LANCZOS), quality)


# --- the object off its blue cloth --------------------------------------------------------------------------------

def object_mask(img: Image.Image) -> np.ndarray:
    """True on the object: everything but the blue cloth seen from the photo's border.

    Cloth is where blue clearly outweighs red and green (its folds' shadows and pale highlights too). Blue
    inside the object is kept (a car's blue stripe, a black car's reflections of the cloth) unless it is a
    thick patch (the cloth seen through a cup's handle): the cloth reaches the object only through its
    outline, so it is followed from the border through pixels at least 2 px inside blue regions."""
    a = np.asarray(img.convert("RGB"), np.float32)
    blue = a[..., 2] - np.maximum(a[..., 0], a[..., 1]) > 0.12 * a[..., 2] + 10
    core, _ = ndi.label(ndi.binary_erosion(blue, iterations=2, border_value=1))
    at_border = np.unique(np.concatenate([core[0], core[-1], core[:, 0], core[:, -1]]))
    cloth = ndi.binary_dilation(np.isin(core, at_border[at_border > 0]), iterations=3) & blue
    cloth |= ndi.binary_opening(blue & ~cloth, iterations=5)  # a handle's loop
    fg = ndi.binary_opening(~cloth, iterations=1)
    parts, n = ndi.label(fg)
    if n == 0:
        return fg
    sizes = ndi.sum(fg, parts, range(1, n + 1))
    keep = np.zeros(n + 1, bool)
    keep[1:] = sizes >= 0.1 * sizes.max()  # the object's pieces, not specks of pale cloth
    return keep[parts]


# Real texture photographs shipped inside scikit-image (no download): grey, tinted to a plausible colour.
TEXTURES = {"brick": (skdata.brick, (1.05, 0.62, 0.45)), "grass": (skdata.grass, (0.55, 0.85, 0.35)),
            "gravel": (skdata.gravel, (0.95, 0.88, 0.74))}


def texture(name: str, side: int, rng: np.random.Generator) -> Image.Image:
    """A ``side`` x ``side`` piece of a real texture photo, at a random zoom and place, tinted and lit."""
    load, tint = TEXTURES[name]
    grey = Image.fromarray(load())
    zoom = rng.uniform(0.6, 1.0)
    big = grey.resize((max(side, round(grey.width * zoom)), max(side, round(grey.height * zoom))), Image.Resampling.LANCZOS)
    x, y = (int(rng.integers(0, d - side + 1)) for d in big.size)
    g = np.asarray(big.crop((x, y, x + side, y + side)), np.float32)[..., None]
    light = rng.uniform(0.8, 1.15) * np.asarray(tint, np.float32) * rng.uniform(0.93, 1.07, 3)
    return Image.fromarray(np.clip(g * light, 0, 255).astype(np.uint8))


def on_texture(img: Image.Image, name: str, rng: np.random.Generator, quality: int = 90) -> Image.Image:
    """The object of ``img`` where it stands, its blue cloth replaced by the texture."""
    return _laid_on(img, texture(name, max(img.size), rng).crop((0, 0, *img.size)), quality)


def _laid_on(img: Image.Image, backdrop: Image.Image, quality: int) -> Image.Image:
    """The object of ``img`` on ``backdrop`` (of its size) in place of its blue cloth, edges softened by a pixel."""
    alpha = Image.fromarray((object_mask(img) * 255).astype(np.uint8)).filter(ImageFilter.GaussianBlur(0.8))
    return jpeg(Image.composite(img, backdrop, alpha), quality)


# A photographic studio's plain backdrop (black velvet, white paper): lightness (lowest, highest) of its far corner
# and its near one, with a little grain (a camera's noise, the paper's texture)
STUDIO_BACKDROPS = {"black": ((8, 30), (22, 48)), "white": ((218, 236), (238, 252))}


def studio_backdrop(name: str, size: tuple[int, int], rng: np.random.Generator) -> Image.Image:
    """A plain black or white studio backdrop, lit a little unevenly from top to bottom, slightly warm or cool."""
    (far_low, far_high), (near_low, near_high) = STUDIO_BACKDROPS[name]
    width, height = size
    far, near = rng.uniform(far_low, far_high), rng.uniform(near_low, near_high)
    tint = rng.uniform(0.97, 1.03, 3).astype(np.float32)
    light = np.linspace(far, near, height, dtype=np.float32)[:, None, None] * tint
    grain = rng.normal(0.0, 2.0, (height, width, 1)).astype(np.float32)
    return Image.fromarray(np.clip(light + grain, 0, 255).astype(np.uint8))


def on_studio_backdrop(img: Image.Image, name: str, rng: np.random.Generator, quality: int = 90) -> Image.Image:
    """The object of ``img`` where it stands, its blue cloth replaced by a studio's black or white backdrop."""
    return _laid_on(img, studio_backdrop(name, img.size, rng), quality)
