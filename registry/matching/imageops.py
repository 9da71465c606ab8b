"""Pixel-level helpers: conversion, resizing and object isolation."""
from __future__ import annotations

from functools import cache, lru_cache
from typing import Callable, NamedTuple

import cv2
import numpy as np
from PIL import Image

Box = tuple[int, int, int, int]  # x0, y0, x1, y1

_SEG_SIDE = 256  # working resolution for segmentation
_PLAIN_BORDER_MAD = 14.0  # max median abs deviation of border pixels for a "plain" background
_FG_COLOUR_DIST = 28.0  # colour distance from background that counts as foreground
_MIN_COMPONENT_FRAC = 0.01
_UNION_MIN_FRAC = 0.002
_MAX_BOX_FRAC = 0.92  # a box larger than this is "the whole frame": no isolation


def to_rgb_array(image: Image.Image) -> np.ndarray:
    """Return an HxWx3 uint8 RGB array (alpha composited on white)."""
    if image.mode == "RGBA" or image.mode == "LA" or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        bg = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        image = Image.alpha_composite(bg, rgba)
    return np.asarray(image.convert("RGB"), dtype=np.uint8)


def working_array(image: Image.Image, max_side: int) -> np.ndarray:
    """RGB array of ``image`` reduced by a whole factor (a fast box filter) to no less than ``max_side``
    on its longer side: converting and resizing a 12-megapixel photo whole cost ~150 ms."""
    factor = max(image.size) // max_side
    if factor >= 2:
        if image.mode not in ("RGB", "RGBA", "L", "LA"):
            image = image.convert("RGBA")
        image = image.reduce(factor)
    return to_rgb_array(image)


def resize_max(arr: np.ndarray, max_side: int) -> np.ndarray:
    """Downscale so that the longer side is at most ``max_side`` (never upscale)."""
    h, w = arr.shape[:2]
    s = max_side / max(h, w)
    if s >= 1.0:
        return arr
    return cv2.resize(arr, (max(1, round(w * s)), max(1, round(h * s))), interpolation=cv2.INTER_AREA)


def resize_to(arr: np.ndarray, max_side: int) -> np.ndarray:
    """Resize (up or down) so that the longer side equals ``max_side``."""
    h, w = arr.shape[:2]
    s = max_side / max(h, w)
    interp = cv2.INTER_AREA if s < 1 else cv2.INTER_CUBIC
    return cv2.resize(arr, (max(1, round(w * s)), max(1, round(h * s))), interpolation=interp)


def resize_query(arr: np.ndarray, max_side: int) -> np.ndarray:
    """:func:`resize_to` for a query photo, fast: halved by OpenCV's area fast path while at least twice too
    large, then the rest of the way bilinearly after a blur in proportion (in place of an area filter).

    OpenCV's area filter by a fractional ratio cost 7-21 ms a photo (1 000 to 2 016 px to 640), most of a
    check of a web or phone photo; the bench's queries and real pairs verified the same (bench/README.md).
    Registered photos keep :func:`resize_to`: their stored features must not change.
    """
    h, w = arr.shape[:2]
    if max_side >= max(h, w):
        return resize_to(arr, max_side)
    while max_side <= max(h, w) / 2:
        arr = cv2.resize(arr[: h - h % 2, : w - w % 2], (w // 2, h // 2), interpolation=cv2.INTER_AREA)
        h, w = arr.shape[:2]
    s = max_side / max(h, w)
    blurred = cv2.GaussianBlur(arr, (0, 0), 0.5 * (1 / s - 1)) if s < 1 else arr
    return cv2.resize(blurred, (max(1, round(w * s)), max(1, round(h * s))), interpolation=cv2.INTER_LINEAR)


def crop(arr: np.ndarray, box: Box) -> np.ndarray:
    """Crop an array to ``box``."""
    x0, y0, x1, y1 = box
    return arr[y0:y1, x0:x1]


def _border_pixels(arr: np.ndarray, width: int) -> np.ndarray:
    top, bottom = arr[:width].reshape(-1, 3), arr[-width:].reshape(-1, 3)
    left, right = arr[:, :width].reshape(-1, 3), arr[:, -width:].reshape(-1, 3)
    return np.concatenate([top, bottom, left, right]).astype(np.float32)


def _plain_background(small: np.ndarray) -> np.ndarray | None:
    """Return the background colour if the image border is plain, else None."""
    border = _border_pixels(small, _border_width(small))
    med = np.median(border, axis=0)
    mad = np.median(np.abs(border - med).sum(axis=1))
    return med if mad <= _PLAIN_BORDER_MAD else None


def _border_width(small: np.ndarray) -> int:
    return max(2, small.shape[0] // 50)


def _component_box(mask: np.ndarray) -> Box | None:
    """Box of the union of all significant components, or None when even the largest is too small."""
    n, _, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=8)
    if n <= 1:
        return None
    areas = stats[1:, cv2.CC_STAT_AREA]
    if areas.max() < _MIN_COMPONENT_FRAC * mask.size:
        return None
    keep = np.flatnonzero(areas >= _UNION_MIN_FRAC * mask.size)
    x0, y0 = stats[1 + keep, 0].min(), stats[1 + keep, 1].min()
    x1 = (stats[1 + keep, 0] + stats[1 + keep, 2]).max()
    y1 = (stats[1 + keep, 1] + stats[1 + keep, 3]).max()
    return int(x0), int(y0), int(x1), int(y1)


def plain_foreground_mask(small: np.ndarray) -> np.ndarray | None:
    """Foreground mask of a small RGB image on a plain background, else None."""
    bg = _plain_background(small)
    return None if bg is None else _foreground(small, bg)


class Segmentation(NamedTuple):
    """A photo on a plain background cut into components, at a small size."""

    small: np.ndarray  # the photo at the segmentation's size
    background: np.ndarray  # the plain background's colour
    labels: np.ndarray  # component of each pixel, 0 for the background
    stats: np.ndarray  # cv2.connectedComponentsWithStats rows, row 0 the background's
    shaded: bool = False  # a page whose background shades across the frame (:func:`_shaded_page`)


def segment(arr: np.ndarray, seg_side: int = _SEG_SIDE, pages: bool = False) -> Segmentation | None:
    """Components of the photo reduced to ``seg_side``, or None when its background is not plain. With
    ``pages``, also a page shaded across the frame (a dark theme's gradient, a catalogue photographed under a
    lamp) when what stands out of it is mostly a rectangle: a picture on the page (:func:`_shaded_page`)."""
    small = resize_max(arr, seg_side)
    bg = _plain_background(small)
    if bg is None:
        return _shaded_page(small) if pages else None
    _, labels, stats, _ = cv2.connectedComponentsWithStats(_foreground(small, bg).astype(np.uint8), connectivity=8)
    return Segmentation(small, bg, labels, stats)


PAGE_PICTURE_FILL = 0.95  # share of its box the largest component on a shaded page fills to be a picture
PAGE_SIDE = 160  # a shaded page is looked for at this size: ~0.2 ms a busy frame, ~0.9 ms a shaded backdrop (2.5 at 320 px)


def _shaded_page(small: np.ndarray) -> Segmentation | None:
    """The segmentation of a page whose background shades smoothly across the frame, when its largest
    component is a picture (a rectangle, PAGE_PICTURE_FILL of its box): an object on a studio backdrop
    that falls off into shadow is left whole, as its registered photo was described."""
    small = resize_max(small, PAGE_SIDE)
    surface = _shaded_background(small)
    if surface is None:
        return None
    _, labels, stats, _ = cv2.connectedComponentsWithStats(_foreground(small, surface).astype(np.uint8), connectivity=8)
    if len(stats) < 2:
        return None
    x, y, w, h, area = stats[1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))]
    if area < PAGE_PICTURE_FILL * w * h:
        return None
    return Segmentation(small, np.median(_border_pixels(small, _border_width(small)), axis=0), labels, stats, True)


def _shaded_background(small: np.ndarray) -> np.ndarray | None:
    """The background as a smooth surface (each channel a quadratic of the position, fitted to the frame's
    border) when the border is that within _PLAIN_BORDER_MAD, else None."""
    h, w = small.shape[:2]
    rows, cols = _ring(h, w, _border_width(small))
    border = small[rows, cols].astype(np.float32)
    terms = _quadratic_terms(rows / np.float32(h), cols / np.float32(w))
    coef = np.linalg.lstsq(terms, border, rcond=None)[0].astype(np.float32)
    if float(np.median(np.abs(border - terms @ coef).sum(axis=1))) > _PLAIN_BORDER_MAD:
        return None
    y = (np.arange(h, dtype=np.float32) / np.float32(h) - 0.5)[:, None, None]
    x = (np.arange(w, dtype=np.float32) / np.float32(w) - 0.5)[None, :, None]
    c0, cx, cy, cxx, cyy, cxy = coef  # each (3,): the terms of _quadratic_terms, summed without a (h, w, 6) array
    return (c0 + cy * y + cyy * y * y) + (cx * x + cxx * x * x) + cxy * (y * x)


@lru_cache(maxsize=8)
def _ring(h: int, w: int, width: int) -> tuple[np.ndarray, np.ndarray]:
    """Rows and columns of the pixels within ``width`` of the frame's edge."""
    ring = np.zeros((h, w), bool)
    ring[:width], ring[-width:], ring[:, :width], ring[:, -width:] = True, True, True, True
    return np.nonzero(ring)


def _quadratic_terms(y: np.ndarray, x: np.ndarray) -> np.ndarray:
    y, x = (y.astype(np.float32) - 0.5).ravel(), (x.astype(np.float32) - 0.5).ravel()
    return np.stack([np.ones_like(x), x, y, x * x, y * y, x * y], axis=1)


_CHANNEL_SUM = np.ones((1, 3), np.float32)


def _foreground(small: np.ndarray, bg: np.ndarray) -> np.ndarray:
    # Summing the three channels with cv2.transform: numpy's sum over a last axis of 3 took ~2.8 ms at 320 px.
    dist = cv2.transform(np.abs(small.astype(np.float32) - np.asarray(bg, np.float32)), _CHANNEL_SUM)
    mask = (dist > _FG_COLOUR_DIST).astype(np.uint8)
    mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))
    return cv2.morphologyEx(mask, cv2.MORPH_CLOSE, np.ones((3, 3), np.uint8)).astype(bool)  # 7x7 merged page headers with photos


def isolate_object(arr: np.ndarray, margin: float = 0.04, seg_side: int = _SEG_SIDE) -> Box | None:
    """Box (full-resolution coordinates) around everything on a plain background, or None if it fills the
    frame: registered photos, whose scattered content (a star field, a set of beads) stays whole.
    Queries use :func:`isolate_objects`.
    """
    small = resize_max(arr, seg_side)
    mask = plain_foreground_mask(small)
    if mask is None:
        return None
    box = _component_box(mask)
    if box is None:
        return None
    return _scale_box(box, small.shape, arr.shape, margin)


def isolate_object_off_shaded_paper(arr: np.ndarray, margin: float = 0.04, seg_side: int = _SEG_SIDE) -> Box | None:
    """Box (full-resolution coordinates) around everything on a neutral studio paper whose light falls off across
    the frame (its border a smooth surface, :func:`_shaded_background`, but not one colour), or None: the object a
    registered studio photo shows, which :func:`isolate_object` leaves whole. A coloured backdrop (a cloth, a
    painted wall, whose chroma is a one-coloured backdrop's: _BACKDROP_MIN_CHROMA) is left to it: it is the
    object's as much as the light's."""
    small = resize_max(arr, seg_side)
    if _chroma(np.median(_border_pixels(small, _border_width(small)), axis=0)) >= _BACKDROP_MIN_CHROMA:
        return None
    surface = _shaded_background(small)
    if surface is None:
        return None
    box = _component_box(_foreground(small, surface))
    if box is None:
        return None
    return _scale_box(box, small.shape, arr.shape, margin)


def _component_pixels(seg: Segmentation, label: int) -> tuple[np.ndarray, np.ndarray]:
    """Rows and columns of a component's pixels, in row-major order (looked for in its box only)."""
    x, y, w, h = (int(v) for v in seg.stats[label, :4])
    ys, xs = np.nonzero(seg.labels[y:y + h, x:x + w] == label)
    return ys + y, xs + x


def _elongation(ys: np.ndarray, xs: np.ndarray) -> float:
    """Length over width of a component (square root of its covariance's eigenvalue ratio): 5.7 for a
    400 x 70 bar, turned any way."""
    if len(xs) < 3:
        return 1.0
    low, high = np.linalg.eigvalsh(np.cov(np.stack([xs, ys]).astype(np.float64)))
    return float(np.sqrt(high / max(low, 1e-6)))


PROP_DARK, PROP_BRIGHT = 70, 190  # grey levels of a printed scale bar's or label's ink and paper
PROP_MIN_INK = 0.1  # ... each at least this share of its pixels
PROP_MIN_EXTREMES = 0.6  # ... and together at least this share


def _black_and_white(pixels: np.ndarray) -> bool:
    """True for printed matter (a scale bar, a label): mostly ink and paper, little in between. A sword,
    a flute or a scroll, elongated too, is not."""
    if len(pixels) == 0:
        return False
    dark, bright = float((pixels < PROP_DARK).mean()), float((pixels > PROP_BRIGHT).mean())
    return dark >= PROP_MIN_INK and bright >= PROP_MIN_INK and dark + bright >= PROP_MIN_EXTREMES


class Bars(NamedTuple):
    """Printed bars found on a segmentation: where (uint8 mask at its size), the background's colour, and
    their component labels."""

    mask: np.ndarray
    colour: np.ndarray
    labels: tuple[int, ...]


def printed_bars(seg: Segmentation) -> Bars | None:
    """The photo's printed bars (a scale bar, a label: elongated, black and white components of a plain
    background), when something else is in it; else None.

    A photographer's props say nothing of the object, and a scale bar's black and white squares and
    figures outshine a smooth object's corners: with one beside it, a registered object photographed
    again without it verified 0-7 cells instead of 25-43 (bench/props.py).
    """
    labels, stats = seg.labels, seg.stats
    significant = [i for i in range(1, len(stats)) if stats[i, cv2.CC_STAT_AREA] >= _UNION_MIN_FRAC * labels.size]
    gray = cv2.cvtColor(seg.small, cv2.COLOR_RGB2GRAY)
    pixels = {i: _component_pixels(seg, i) for i in significant}
    bars = [i for i in significant if _elongation(*pixels[i]) > OTHER_OBJECT_MAX_ASPECT and _black_and_white(gray[pixels[i]])]
    if not bars or len(bars) == len(significant):
        return None
    painted = np.zeros(labels.shape, np.uint8)
    for i in bars:  # the hull, not the component: ink that blends with the paper leaves holes in the mask
        ys, xs = pixels[i]
        cv2.fillConvexPoly(painted, cv2.convexHull(np.stack([xs, ys], axis=1).astype(np.int32)), 1)
    return Bars(cv2.dilate(painted, np.ones((3, 3), np.uint8)),
                np.clip(np.rint(seg.background), 0, 255).astype(np.uint8), tuple(bars))


def paint_bars(arr: np.ndarray, bars: Bars) -> np.ndarray:
    """A copy of the photo (at any size) with the bars painted in the background's colour."""
    where = cv2.resize(bars.mask, (arr.shape[1], arr.shape[0]), interpolation=cv2.INTER_NEAREST).astype(bool)
    out = arr.copy()
    out[where] = bars.colour
    return out


def paint_out_bars(arr: np.ndarray, seg_side: int = _SEG_SIDE) -> np.ndarray:
    """The photo with its printed bars painted out (:func:`printed_bars`), or the photo itself."""
    seg = segment(arr, seg_side)
    bars = None if seg is None else printed_bars(seg)
    return arr if bars is None else paint_bars(arr, bars)


OTHER_OBJECT_MIN_SHARE = 0.3  # another component this large against the largest is another object (a group photo)
OTHER_OBJECT_MAX_ASPECT = 4.0  # ... unless it is a bar or a line of text
MAX_OBJECTS = 3


def _banners(stats: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Which components are thin bands from one edge of the frame to the opposite one: a web page's header,
    footer or menu bar, never an object (a screenshot's header outsized a photo on white with a light object,
    and was the only component left where the photo's own white merged with the page's: playing cards)."""
    x, y, w, h = (stats[:, i] for i in range(4))
    across = (x <= 0) & (x + w >= shape[1]) & (w > OTHER_OBJECT_MAX_ASPECT * h)
    down = (y <= 0) & (y + h >= shape[0]) & (h > OTHER_OBJECT_MAX_ASPECT * w)
    return across | down


def isolate_objects(arr: np.ndarray, margin: float = 0.04, seg_side: int = _SEG_SIDE,
                    seg: Segmentation | None = None, ignore: tuple[int, ...] = ()) -> list[Box]:
    """Boxes (full-resolution coordinates) around the objects of a photo on a plain background, largest
    first; [] when there is no plain background or the largest object fills the frame.

    In a group photo (several objects photographed together, as after a raid) the others are the
    components at least OTHER_OBJECT_MIN_SHARE of the largest's area that are not bars or lines of
    text; only when no object touches the frame's edge, where a "plain" border more likely belongs to
    a cropped picture than to a table or a backdrop. ``seg``: the photo's segmentation, if made already;
    ``ignore``: labels of its components that are not objects (painted-out bars).
    """
    seg = segment(arr, seg_side) if seg is None else seg
    if seg is None:
        return []
    small, stats = seg.small, seg.stats
    areas = stats[1:, cv2.CC_STAT_AREA].copy()
    areas[[i - 1 for i in ignore]] = 0
    if len(areas) == 0 or areas.max() < _MIN_COMPONENT_FRAC * seg.labels.size:
        return []
    areas[_banners(stats[1:], small.shape)] = 0
    if areas.max() < _MIN_COMPONENT_FRAC * seg.labels.size:
        return []
    order = np.argsort(-areas, kind="stable")[:MAX_OBJECTS]
    boxes = [(int(x), int(y), int(x + w), int(y + h)) for x, y, w, h in stats[1 + order, :4]]
    first = _scale_box(boxes[0], small.shape, arr.shape, margin)
    if first is None:
        return []
    others = [b for b, i in zip(boxes[1:], order[1:]) if areas[i] >= OTHER_OBJECT_MIN_SHARE * areas[order[0]]
              and max(b[2] - b[0], b[3] - b[1]) <= OTHER_OBJECT_MAX_ASPECT * min(b[2] - b[0], b[3] - b[1])]
    if any(_touches_edge(b, small.shape) for b in [boxes[0], *others]):
        return [first]
    scaled = (_scale_box(b, small.shape, arr.shape, margin) for b in others)
    return [first, *(b for b in scaled if b is not None)]


def _touches_edge(box: Box, shape: tuple[int, ...]) -> bool:
    x0, y0, x1, y1 = box
    return x0 <= 0 or y0 <= 0 or x1 >= shape[1] or y1 >= shape[0]


CALM_SIDE = 160  # texture is measured on a thumbnail this long
CALM_WINDOW = 9  # ... averaged over windows of this many thumbnail pixels
CALM_FRACTION = 0.5  # a pixel is calm when its texture is below this fraction of the frame's median
CALM_MIN_AREA, CALM_MAX_AREA = 0.05, 0.8  # shares of the frame the calm region may cover


def calm_region_box(arr: np.ndarray, margin: float = 0.04) -> Box | None:
    """Box around the largest region much smoother than the rest of a busy frame, or None.

    An object photographed on gravel, grass, a carpet or a crowded shelf is usually smoother than
    what surrounds it; its box gives a view in which the object's own corners are not outnumbered
    by the background's (a cheap stand-in for segmentation: ~1 ms).
    """
    gray = cv2.cvtColor(resize_max(arr, CALM_SIDE), cv2.COLOR_RGB2GRAY).astype(np.float32)
    texture = np.abs(cv2.Sobel(gray, cv2.CV_32F, 1, 0)) + np.abs(cv2.Sobel(gray, cv2.CV_32F, 0, 1))
    texture = cv2.blur(texture, (CALM_WINDOW, CALM_WINDOW))
    calm = (texture < CALM_FRACTION * float(np.median(texture))).astype(np.uint8)
    calm = cv2.morphologyEx(calm, cv2.MORPH_OPEN, np.ones((5, 5), np.uint8))
    largest = _largest_component(calm)
    if largest is None or not CALM_MIN_AREA * calm.size <= largest.area <= CALM_MAX_AREA * calm.size:
        return None
    return _scale_box(largest.box, calm.shape, arr.shape, margin)


class _Component(NamedTuple):
    box: Box
    area: int  # pixels
    mask: np.ndarray  # uint8, 1 on the component, the size of the mask it was found in


def _largest_component(mask: np.ndarray) -> _Component | None:
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask)
    if n < 2:
        return None
    label = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
    x, y, w, h, area = (int(v) for v in stats[label])
    return _Component((x, y, x + w, y + h), area, (labels == label).astype(np.uint8))


def _filled(mask: np.ndarray) -> np.ndarray:
    """The mask with its small holes filled (an object's highlights and shadows are of the background's colours;
    a larger hole, as in a cup's handle, shows the background)."""
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    out = np.zeros_like(mask)
    cv2.drawContours(out, contours, -1, 1, thickness=cv2.FILLED)
    _, labels, stats, _ = cv2.connectedComponentsWithStats(out & (1 - mask), connectivity=4)
    large = np.flatnonzero(stats[:, cv2.CC_STAT_AREA] > HOLE_MAX_SHARE * out.sum())
    large = large[large > 0]
    if len(large):
        out[np.isin(labels, large)] = 0
    return out


RARE_SIDE = 128  # colours are compared on a thumbnail this long ...
RARE_BORDER = 0.1  # the frame's border, this share of its shorter side wide, shows the background
RARE_BINS = (8, 24, 24)  # ... in CIELAB bins (lightness, a, b): steps of ~11 in a* and b*. With 12 steps on a 96 px
# thumbnail a pale blue cup's colours shared the bins of grey gravel and a cow's legs those of the ground: the cut-out
# lost them (eth80's objects moved onto textures, the region against the object's true outline 0.84 -> 0.90 of the
# two together on both halves; scikit-image's cat on its textures 0.74 -> 0.99; bench/README.md run 36)
RARE_SHARE = 0.8  # a pixel's colour is rare when its bin's share inside the frame is this much of the two (4x likelier
# inside than on the border)
RARE_GROW_SHARE = 0.55  # the region grown into the pixels it touches whose colour is this likely inside or more
# (hysteresis) gives the object's colours (:func:`rare_colour_masks`) ...
RARE_GROW_MAX = 3.0  # ... unless it grew to more than this many times the region: into the ground (eth80's objects
# on textures, tune half: 1.02 at the median, 2.4 at the 99th percentile, 2.8 at most; bench/README.md run 41)
RARE_MIN_AREA, RARE_MAX_AREA = 0.01, 0.6  # shares of the frame the rare-coloured region may cover
RARE_MIN_FILL = 0.25  # ... and of its own box (not a thread across the frame)
RARE_MARGIN = 0.02
HOLE_MAX_SHARE = 0.05  # a hole in the rare-coloured region up to this share of it is the object's (a highlight)


def rare_colour_region(arr: np.ndarray) -> tuple[Box, np.ndarray] | None:
    """Box around the largest region whose colours the frame's border hardly shows, and the region (uint8, its
    small holes filled) on a RARE_SIDE thumbnail of the frame; or None.

    An object laid on grass, bricks, a table or a cloth is seldom of their colours, even where it is as
    busy as they are (a painted plate on bricks, which :func:`calm_region_box` misses); the border
    stands for the background, as the object is rarely at the edge of a photo taken of it (~1 ms).
    """
    found = rare_colour_masks(arr)
    return None if found is None else (found.box, found.mask)


class RareColours(NamedTuple):
    box: Box  # full-resolution coordinates
    mask: np.ndarray  # uint8 on ``small``: the region (:func:`rare_colour_region`)
    grown: Callable[[], np.ndarray | None]  # bool on ``small``: the region grown by hysteresis (RARE_GROW_SHARE), its
    # small holes filled; None where it grew over RARE_MAX_AREA of the frame or RARE_GROW_MAX times the region (made
    # when first asked)
    small: np.ndarray  # the frame's RARE_SIDE thumbnail


def rare_colour_masks(arr: np.ndarray) -> RareColours | None:
    """:func:`rare_colour_region`, with the region grown into the pixels it touches whose colours are likelier
    inside the frame than on its border, RARE_GROW_SHARE or more. The region is a busy frame's object where its
    colours are not the ground's; where they partly are (a brown horse on brown gravel: rare only at its outline,
    its white legs and its shadows), the region is a piece of it, whose colours are not the object's; the grown
    region's are more nearly so. Only colours are taken from it: cut out by it, the object's outline took in the
    ground (bench/README.md run 40)."""
    small = resize_max(arr, RARE_SIDE)
    share = _inside_share(_colour_bins(small))
    strong = _opened(share > RARE_SHARE)
    rare = cv2.morphologyEx(strong, cv2.MORPH_CLOSE, np.ones((3, 3), np.uint8))
    largest = _largest_component(rare)
    if largest is None or not RARE_MIN_AREA * rare.size <= largest.area <= RARE_MAX_AREA * rare.size:
        return None
    x0, y0, x1, y1 = largest.box
    if largest.area < RARE_MIN_FILL * (x1 - x0) * (y1 - y0):
        return None
    box = _scale_box(largest.box, rare.shape, arr.shape, RARE_MARGIN)
    if box is None:
        return None
    region = _filled(largest.mask)
    return RareColours(box, region, cache(lambda: _grown_region(strong, share, int(region.sum()))), small)


def _grown_region(strong: np.ndarray, share: np.ndarray, region_area: int) -> np.ndarray | None:
    """:func:`rare_colour_masks`' region grown (bool), or None where it grew over more than RARE_MAX_AREA of the
    frame or RARE_GROW_MAX times the region's area."""
    grown = _grown(strong, _opened(share > RARE_GROW_SHARE))
    grown = cv2.morphologyEx(grown, cv2.MORPH_CLOSE, np.ones((3, 3), np.uint8))
    largest = _largest_component(grown)
    if largest is None or largest.area > min(RARE_MAX_AREA * grown.size, RARE_GROW_MAX * region_area):
        return None
    return _filled(largest.mask) > 0


def _opened(mask: np.ndarray) -> np.ndarray:
    return cv2.morphologyEx(mask.astype(np.uint8), cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))


def _grown(seeds: np.ndarray, within: np.ndarray) -> np.ndarray:
    """``seeds`` (uint8) with the parts of ``within`` that touch them (hysteresis, as an edge detector keeps weak
    edges joined to strong ones)."""
    _, labels = cv2.connectedComponents(seeds | within)
    touched = np.unique(labels[seeds > 0])
    return np.isin(labels, touched[touched > 0]).astype(np.uint8)


def fade_outside(part: np.ndarray, mask: np.ndarray, box: tuple[float, float, float, float],
                 grey: int | None = None) -> np.ndarray:
    """``part`` (the ``box`` of a frame, as fractions of its sides) with what lies off ``mask`` (the whole frame's,
    at any smaller size) faded into a flat grey of the background's lightness (or of ``grey``): a busy background's
    corners, which outnumber a smooth object's on gravel or grass, are not described, and its colours are not
    counted (grey has none: :func:`features.colour_histogram` counts saturated pixels only). The mask is enlarged
    bilinearly: its edge fades over the few pixels a thumbnail's pixel spans, not in steps that would be corners
    (~1 ms at 640 px)."""
    h, w = part.shape[:2]
    mh, mw = mask.shape
    x0, y0, x1, y1 = box
    sx, sy = w / ((x1 - x0) * mw), h / ((y1 - y0) * mh)  # the part's pixels a mask pixel spans
    to_part = np.float32([[sx, 0, (0.5 - x0 * mw) * sx - 0.5], [0, sy, (0.5 - y0 * mh) * sy - 0.5]])
    alpha = cv2.warpAffine(mask.astype(np.float32), to_part, (w, h), flags=cv2.INTER_LINEAR,
                           borderMode=cv2.BORDER_REPLICATE)
    if grey is None:
        off = (alpha[::4, ::4] < 0.5).astype(np.uint8)  # the background's lightness, from every 4th pixel
        grey = round(float(np.mean(cv2.mean(np.ascontiguousarray(part[::4, ::4]), off if off.any() else None)[:3])))
    return cv2.blendLinear(part, np.full_like(part, grey), alpha, 1 - alpha)


def _colour_bins(small: np.ndarray) -> np.ndarray:
    lab = cv2.GaussianBlur(cv2.cvtColor(small, cv2.COLOR_RGB2LAB), (3, 3), 0).astype(np.int32)
    nl, na, nb = RARE_BINS
    return (lab[..., 0] * nl // 256 * na + lab[..., 1] * na // 256) * nb + lab[..., 2] * nb // 256


def _inside_share(bins: np.ndarray) -> np.ndarray:
    """Per pixel: how much likelier its colour bin is inside the border than on it, in [0, 1] (0.5: as likely)."""
    h, w = bins.shape
    width = max(2, int(RARE_BORDER * min(h, w)))
    border = np.ones((h, w), bool)
    border[width:h - width, width:w - width] = False
    n = int(np.prod(RARE_BINS))
    on_border = (np.bincount(bins[border], minlength=n) + 0.5) / (border.sum() + 0.5 * n)
    inside = (np.bincount(bins[~border], minlength=n) + 0.5) / ((~border).sum() + 0.5 * n)
    return (inside / (inside + on_border))[bins]


def rescale_box(box: Box, from_shape: tuple[int, ...], to_shape: tuple[int, ...]) -> Box:
    """The same box in an image of another size (rounded outwards)."""
    fy, fx = to_shape[0] / from_shape[0], to_shape[1] / from_shape[1]
    x0, y0, x1, y1 = box
    return (int(x0 * fx), int(y0 * fy), min(to_shape[1], int(np.ceil(x1 * fx))), min(to_shape[0], int(np.ceil(y1 * fy))))


def _scale_box(box: Box, small_shape: tuple[int, ...], full_shape: tuple[int, ...], margin: float) -> Box | None:
    sh, sw = small_shape[:2]
    fh, fw = full_shape[:2]
    x0, y0, x1, y1 = box
    mx, my = margin * (x1 - x0), margin * (y1 - y0)
    fx, fy = fw / sw, fh / sh
    out = (max(0, int((x0 - mx) * fx)), max(0, int((y0 - my) * fy)),
           min(fw, int(np.ceil((x1 + mx) * fx))), min(fh, int(np.ceil((y1 + my) * fy))))
    area = (out[2] - out[0]) * (out[3] - out[1])
    if area > _MAX_BOX_FRAC * fw * fh or min(out[2] - out[0], out[3] - out[1]) < 16:
        return None
    return out


# A one-coloured backdrop (a studio's coloured cloth or paper): what lies on it is verified, not the cloth. Two
# photos of one cloth verify each other's folds and weave (bench/eth80.py: look-alike strangers on the cloth
# registered objects lie on reached 7-16 cells, most of them on the cloth).
_BACKDROP_SIDE = 160  # px: the mask is made at this size (~1 ms a picture)
_BACKDROP_MIN_CHROMA = 20.0  # CIELAB chroma of the border's median colour: a coloured cloth or paper (ETH-80's blue
# cloth: 41-52); grey, white and black backdrops, and dull browns (a cat's fur, a table), are not told from objects
_BACKDROP_RING = 0.03  # of the longer side: the border whose colour is the backdrop's ...
_BACKDROP_RING_SHARE = 0.8  # ... when this share of it is alike
_BACKDROP_NEAR_AB = 0.3  # a pixel is alike when its a*b* are within this share of the backdrop's chroma of them
_BACKDROP_MAX_SHARE = 0.9  # a texture filling the frame (a leaf, a fabric: 0.91-0.92 of the bench's corpus photos
_BACKDROP_MIN_OBJECT = 0.08  # alike) is not a backdrop, nor is one that leaves no part of this share of the picture
_BLANK_DARK, _BLANK_SPREAD = 12, 8  # ... besides black or white fill (a turned or warped picture's corners)


def _chroma(rgb: np.ndarray) -> float:
    """CIELAB chroma of one RGB colour, on OpenCV's 8-bit scale (as :func:`one_colour_backdrop` measures it)."""
    lab = cv2.cvtColor(np.clip(rgb, 0, 255).astype(np.uint8).reshape(1, 1, 3), cv2.COLOR_RGB2LAB)
    return float(np.hypot(*(lab[0, 0, 1:].astype(np.float32) - 128.0)))


def backdrop_picture(arr: np.ndarray) -> np.ndarray:
    """``arr`` (RGB) at the size backdrops are looked for in (at most _BACKDROP_SIDE px on a side). The masks below
    are the same made from it as from ``arr``: a picture asked for both, and its object's colours, is resized once
    (~0.7 ms at 640 px)."""
    h, w = arr.shape[:2]
    s = _BACKDROP_SIDE / max(h, w)
    size = (max(8, round(w * s)), max(8, round(h * s)))
    return arr if size == (w, h) else cv2.resize(arr, size, interpolation=cv2.INTER_AREA)


def one_colour_backdrop(arr: np.ndarray) -> np.ndarray | None:
    """A mask at most _BACKDROP_SIDE px on a side, True where ``arr`` (RGB) shows a backdrop of one colour reached
    from its border (not where the object's inside has that colour), a pixel short of the object's outline; None
    when there is no such backdrop, or no object of some size lies on it."""
    small = backdrop_picture(arr)
    ab = cv2.cvtColor(small, cv2.COLOR_RGB2LAB)[..., 1:].astype(np.float32) - 128.0
    ring = _ring(*ab.shape[:2], max(2, round(_BACKDROP_RING * max(ab.shape[:2]))))
    centre = np.median(ab[ring], axis=0)
    chroma = float(np.hypot(*centre))
    if chroma < _BACKDROP_MIN_CHROMA:
        return None
    alike = np.linalg.norm(ab - centre, axis=2) <= _BACKDROP_NEAR_AB * chroma
    return _backdrop_reached(alike, ring, ~_blank(small))


_PLAIN_NEAR_LIGHTNESS = 20  # a pixel is a plain backdrop's (black velvet, white or grey paper) when its CIELAB
_PLAIN_NEAR_AB = 12  # lightness (0-255) and each of a*, b* are within these of the border's median


def backdrop_for_colours(arr: np.ndarray) -> np.ndarray | None:
    """What an object's own colours leave out (:func:`features.object_colour_histogram`): a backdrop of one colour
    (:func:`one_colour_backdrop`) or, failing one, a plain one without colour (a studio's black velvet, white or
    grey paper) reached from the border, under the same rules; None when there is neither. Not used to set
    matches aside: a plain backdrop has nothing to match, and white paper's rule would take a white cup's edge."""
    small = backdrop_picture(arr)
    mask = one_colour_backdrop(small)
    return mask if mask is not None else plain_backdrop(small)


def plain_backdrop(arr: np.ndarray) -> np.ndarray | None:
    """A mask at most _BACKDROP_SIDE px on a side, True where ``arr`` (RGB) shows a backdrop of one lightness
    without colour reached from its border, a pixel short of the object's outline; None when there is no such
    backdrop (a coloured one is :func:`one_colour_backdrop`'s), or no object of some size lies on it."""
    small = backdrop_picture(arr)
    lab = cv2.cvtColor(small, cv2.COLOR_RGB2LAB)
    ring = _ring(*lab.shape[:2], max(2, round(_BACKDROP_RING * max(lab.shape[:2]))))
    centre = np.median(lab[ring], axis=0)
    if float(np.hypot(centre[1] - 128.0, centre[2] - 128.0)) >= _BACKDROP_MIN_CHROMA:
        return None
    near = np.array([_PLAIN_NEAR_LIGHTNESS, _PLAIN_NEAR_AB, _PLAIN_NEAR_AB])
    alike = cv2.inRange(lab, np.clip(centre - near, 0, 255), np.clip(centre + near, 0, 255)).astype(bool)
    return _backdrop_reached(alike, ring, np.ones(alike.shape, bool))


LIGHT_BACKDROP_MIN_LIGHTNESS = 170  # CIELAB lightness (0-255) of a light studio backdrop: white or pale grey paper
LIGHT_BACKDROP_GROWN = 2  # px at _BACKDROP_SIDE: the mask stops a pixel short of the outline, whose light rim stays


def light_backdrop(arr: np.ndarray) -> np.ndarray | None:
    """A mask at most _BACKDROP_SIDE px on a side, True where ``arr`` (RGB) shows a light plain backdrop (white or
    pale grey paper: :func:`plain_backdrop` whose median lightness is LIGHT_BACKDROP_MIN_LIGHTNESS or more), grown
    over the light rim it leaves along the object's outline; None where there is no such backdrop."""
    small = backdrop_picture(arr)
    back = plain_backdrop(small)
    if back is None:
        return None
    lightness = cv2.cvtColor(small, cv2.COLOR_RGB2LAB)[..., 0]
    if float(np.median(lightness[back])) < LIGHT_BACKDROP_MIN_LIGHTNESS:
        return None
    side = 2 * LIGHT_BACKDROP_GROWN + 1
    return cv2.dilate(back.astype(np.uint8), np.ones((side, side), np.uint8)).astype(bool)


def _backdrop_reached(alike: np.ndarray, ring: tuple[np.ndarray, np.ndarray], objects: np.ndarray) -> np.ndarray | None:
    """The pixels ``alike`` the backdrop reached from the border, a pixel short of the object's outline; None when
    too little of the border (``ring``) is alike, when the backdrop fills the picture, or when no part of what it
    leaves (where ``objects`` allows) is an object of some size."""
    if alike[ring].mean() < _BACKDROP_RING_SHARE:
        return None
    back = _reached_from_border(alike)
    if back.mean() > _BACKDROP_MAX_SHARE or _largest_share(~back & objects) < _BACKDROP_MIN_OBJECT:
        return None
    return cv2.erode(back.astype(np.uint8), np.ones((3, 3), np.uint8), borderValue=1).astype(bool)


def _blank(rgb: np.ndarray) -> np.ndarray:
    """Black or white without colour: what a turned, warped or scanned picture is filled with, not an object."""
    lightness = rgb.max(axis=2).astype(np.int16)
    spread = lightness - rgb.min(axis=2)
    return (spread <= _BLANK_SPREAD) & ((lightness <= _BLANK_DARK) | (lightness >= 255 - _BLANK_DARK))


def _largest_share(mask: np.ndarray) -> float:
    """The share of the picture its largest connected part of ``mask`` covers."""
    part = _largest_component(mask.astype(np.uint8))
    return 0.0 if part is None else part.area / mask.size


def _reached_from_border(alike: np.ndarray) -> np.ndarray:
    """The parts of ``alike`` connected to the border through pixels 1 px inside it (a thin line of the backdrop's
    colour across the object does not make the object backdrop)."""
    core = cv2.erode(alike.astype(np.uint8), np.ones((3, 3), np.uint8), borderValue=1)
    n, labels = cv2.connectedComponents(core, connectivity=4)
    edge = np.unique(np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]]))
    reached = np.isin(labels, edge[edge > 0])
    return cv2.dilate(reached.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool) & alike
