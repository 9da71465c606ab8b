"""Plain data types exchanged between the matching engine and the app."""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any, Callable, NamedTuple

import numpy as np


@dataclass
class PhotoSignature:
    """Signature of a registered photo: in-memory index key + re-ranking blob."""

    index_key: bytes
    features: bytes
    hash_hex: dict[str, str]
    second_features: bytes = b""  # its AKAZE features for a second look (second_look.packed; empty: none)


class LocalFeatures(NamedTuple):
    """ORB features of a query variant."""

    keypoints: np.ndarray  # (n, 2) float32 pixel coordinates
    descriptors: np.ndarray  # (n, 32) uint8 ORB descriptors
    angles: np.ndarray  # (n,) uint8 keypoint orientations, 256 steps a turn
    descriptor_cells: np.ndarray  # (n,) codebook centre of each descriptor, ascending (matching compares within a cell)
    cell_bounds: np.ndarray  # (cells + 1,) offsets of each cell's descriptors
    code: np.ndarray  # (2,) uint64 ORB-VLAD code (see aggregate.py)


class QueryVariant:
    """One interpretation of a query photo (whole frame, isolated object, ...).

    Its ORB features are given, or described on first use by ``describe`` (ranking asks for them only
    when another variant did not verify a candidate); ``describe(mask)`` describes the variant's picture
    where a uint8 mask is not 0 (None: everywhere).
    """

    def __init__(self, name: str, hash_words: np.ndarray, colour_hist: np.ndarray, size: tuple[int, int],
                 features: LocalFeatures | None = None,
                 describe: Callable[[np.ndarray | None], LocalFeatures] | None = None,
                 box: tuple[float, float, float, float] = (0.0, 0.0, 1.0, 1.0),
                 backdrop: Callable[[], np.ndarray | None] | None = None,
                 object_colours: Callable[[np.ndarray | None], np.ndarray] | None = None,
                 start: Callable[[], Callable[[], LocalFeatures]] | None = None,
                 second: Callable[[], Any] | None = None) -> None:
        if features is None and describe is None:
            raise ValueError("a query variant needs its features or a way to describe them")
        self.name = name
        self.hash_words = hash_words  # (4 rotations, 3) uint64, rotation 0 first
        self.colour_hist = colour_hist  # (COLOUR_BINS,) float32, sums to 1
        self.size = size  # (width, height) of the variant image
        self.box = box  # the part of the query photo it shows: (left, top, right, bottom) as fractions of its sides
        self._make_backdrop = backdrop  # gives its one-coloured backdrop (imageops.one_colour_backdrop) when asked
        self._backdrop: tuple[np.ndarray | None] | None = None
        self._make_object_colours = object_colours  # its object's colours, given its one-coloured backdrop (or None)
        self._object_colours: np.ndarray | None = None
        self._features, self.describe = features, describe
        self._extracting = threading.Lock()  # described once, whichever thread asks first
        self._start = start  # starts describing it (without a mask) in the pool, and gives what finishes that
        self._finish: Callable[[], LocalFeatures] | None = None  # ... once started (:meth:`start_describing`)
        self._masking, self._colouring = threading.Lock(), threading.Lock()  # its backdrop and colours made once too
        self._second = second  # gives its picture's AKAZE features (second_look.describe_tilted), made once when asked

    def second_features(self) -> Any:
        """Its picture's AKAZE features (second_look.SecondFeatures), or None where it has no picture of its own to
        describe (a flipped copy)."""
        return None if self._second is None else self._second()

    def on_backdrop(self, points: np.ndarray) -> np.ndarray:
        """(n,) bool: which of these (n, 2) pixel positions of the variant's picture lie on its backdrop."""
        mask = self.backdrop_mask()
        if mask is None or len(points) == 0:
            return np.zeros(len(points), bool)
        h, w = mask.shape
        xy = (points * (w / self.size[0], h / self.size[1])).astype(np.intp)
        xy = np.clip(xy, 0, (w - 1, h - 1))
        return mask[xy[:, 1], xy[:, 0]]

    def backdrop_mask(self) -> np.ndarray | None:
        """The variant's backdrop mask (made once, on first use: most candidates verify nothing), or None."""
        if self._backdrop is None:
            with self._masking:
                if self._backdrop is None:
                    self._backdrop = (None if self._make_backdrop is None else self._make_backdrop(),)
        return self._backdrop[0]

    def object_colours(self) -> np.ndarray:
        """The colours of the variant's object without its plain backdrop (features.object_colour_histogram), made
        once, on first use; empty where the variant cannot make them."""
        if self._object_colours is None:
            with self._colouring:
                if self._object_colours is None:
                    make = self._make_object_colours
                    self._object_colours = NO_COLOURS if make is None else make(self.backdrop_mask())
        return self._object_colours

    def backdrop_if_made(self) -> np.ndarray | None:
        """The backdrop mask if a verification has made it, else None (not made for this)."""
        return None if self._backdrop is None else self._backdrop[0]

    @property
    def pending(self) -> bool:
        """True while the ORB features have not been extracted."""
        return self._features is None

    def start_describing(self) -> None:
        """Start describing the variant in the verification pool, ahead of the first use of :attr:`features`
        (which finishes it). It stays :attr:`pending` until then, so that what ranking does never depends on how
        far the pool got."""
        with self._extracting:
            if self._features is None and self._finish is None and self._start is not None:
                self._finish = self._start()

    @property
    def features(self) -> LocalFeatures:
        """The ORB features, extracted now if needed (or finished, where :meth:`start_describing` started)."""
        if self._features is None:
            with self._extracting:
                if self._features is None:
                    self._features = self._finish() if self._finish is not None else self.describe(None)
        return self._features


NO_COLOURS = np.zeros(0, np.float32)  # an object's own colours where they are unknown
NO_COLOURS.setflags(write=False)
WHOLE_FRAME = "full"  # the query photo as a whole, beside the objects cut out of it
MIRRORED = "mirrored"  # the query flipped left to right (a seller's trick against reverse image search)
CUT_OUT = "cutout"  # the object of a busy frame cut out by its colours, its background faded
# ... and laid on a studio's black and white backdrops instead (signature._cut_out): (variant name, grey)
STUDIO_BACKDROPS = ((f"{CUT_OUT}-on-black", 0), (f"{CUT_OUT}-on-white", 255))


def object_variant_name(i: int) -> str:
    """Name of the query variant of the i-th object cut out of a photo: "object", "object2", ..."""
    return "object" if i == 0 else f"object{i + 1}"


def is_cut_out(name: str) -> bool:
    """True for the object cut out of a busy frame, on the frame's lightness or a studio's backdrop."""
    return name.startswith(CUT_OUT)


def is_object_variant(name: str) -> bool:
    """True for the variants :func:`object_variant_name` names."""
    return name.startswith("object")


@dataclass
class QuerySignature:
    """Everything derived from one query photo."""

    variants: list[QueryVariant]
    hash_hex: dict[str, str] = field(default_factory=dict)
    # (n, 2) uint64 ORB codes of sub-windows of a busy frame: they re-rank the pre-filtered rows
    window_codes: np.ndarray = field(default_factory=lambda: np.zeros((0, 2), np.uint64))
    source_side: int = 0  # the longer side of the photo as submitted, in pixels (0: not known)
    # what gives a busy frame's object's own colours as the region of rare colours grown gives them
    # (imageops.rare_colour_masks; made when ranking first asks)
    grown_colours: Callable[[], np.ndarray] = field(default=lambda: NO_COLOURS)

    @property
    def busy_frame(self) -> bool:
        """True when no object could be cut out of a plain background: the whole frame is searched."""
        return not is_object_variant(self.variants[0].name)

    @property
    def object_count(self) -> int:
        """Objects cut out of a plain background (several in a group photo; 0 for a busy frame)."""
        return sum(1 for v in self.variants if is_object_variant(v.name))

    def variant(self, name: str) -> QueryVariant:
        """Return the variant called ``name``."""
        for v in self.variants:
            if v.name == name:
                return v
        raise KeyError(name)


@dataclass
class Candidate:
    """A photo returned by the hash index, with its Hamming distances."""

    photo_id: int
    record_id: int
    distances: dict[str, Any]


@dataclass
class RecordMatch:
    """A ranked record with score in [0, 1], verdict and JSON-safe evidence."""

    record_id: int
    score: float
    verdict: str  # "match" | "possible" | "no_match"
    evidence: dict[str, Any]
