"""Re-ranking of index candidates by geometric verification, colour and fields."""
from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from concurrent.futures import Executor
from typing import Any, Callable, NamedTuple

import numpy as np

from . import aggregate as ag
from . import features as ft
from . import hashing as hs
from . import second_look as sl
from .fields import compare_fields
from .shared import RecordInliers, shared_parts, unshared_cells, without_shared
from .signature import KEY_NAMES
from .threads import pool_to_split_into
from .types import (CUT_OUT, MIRRORED, NO_COLOURS, STUDIO_BACKDROPS, WHOLE_FRAME, Candidate, QuerySignature,
                    QueryVariant, RecordMatch, is_cut_out, is_object_variant)

# Verdict thresholds, calibrated with `python bench/run.py --dump` on the bench corpus (bench/README.md).
# Verdicts count the 32-px cells that RANSAC inliers cover, not the inliers: glyphs drawn in one font
# gave unrelated objects up to 35 inliers but never more than 12 cells (440 unregistered queries and
# wrong records of 841 registered ones), while the right record covers >= 14 cells in 96.8 % of them.
MATCH_MIN_CELLS = 14
POSSIBLE_MIN_CELLS = 10  # shown for human review: 2 of 440 unregistered queries reached it (1 reached 12)
POSSIBLE_MAX_PHASH = 6  # near-duplicate global hash without local agreement (texture-less objects)
STRONG_CELLS = 14  # once a variant reaches this ("match"), other variants are not tried. At 30, a lone object's
# 14-29 cells sent 23 of 29 registered object queries on to describe the whole frame (~10 ms) for a better
# score only; at 14, 6 of 29, the bench's verdicts and R@1 unchanged (A/B at 1 M photos 36.9 -> 34.3 ms median)
SECOND_VARIANT_MIN_CELLS = 7  # ... nor when the first found fewer cells, unless the candidate's hashes were
# nearest to that variant. Bench: every right record that only the second variant verified had >= 10 cells
# with the first or hashes nearest to the second; at 3 cells a quarter of strangers were verified twice, at 7 1 %
BATCH = 10  # candidates whose features are loaded and verified at a time
CUT_OUT_TRIED = 5 * BATCH  # the object cut out of a busy frame by its colours is verified with this many
# candidates whatever the frame's own verification found: the frame's corners are mostly its background's. eth80's
# objects moved onto textures (tune half): the right record first 0.932 -> 0.974-0.983 with 10 to 100 of them. 30
# since the cut-out is also searched laid on a studio's backdrops (run 35): the studio photos those hashes bring
# forward had pushed moved objects' records past the 20th; 50 since the cut is finer (run 36): a white studio photo
# at 128 px, its object seen on a texture, first 0.932 -> 0.949, for +0.2 ms (paired) on an unregistered object's
# check at 1 M photos (most candidates verify too few matches to cost more)
EARLY_STOP_CELLS = MATCH_MIN_CELLS  # stop verifying once a photo is a "match": wrong records stayed <= 12 cells
PLAIN_BACKGROUND_K = 60  # candidates verified when the object was cut out of a plain background: the right
# record was within the first 60 for every such bench query; 40 was tried (R@1 on new backgrounds 0.914 -> 0.900)
BUSY_FRAME_K = 100  # ... and when it was not (an object on a busy background, a crowded frame): the ORB code
# of the whole frame finds it later; bench: R@1 on photo backgrounds 0.814 (60) -> 0.857, ALL 0.978 -> 0.982.
# Each candidate costs ~0.35 ms when nothing verifies
MULTI_PHOTO_BONUS = 0.02  # per extra photo of the record that also verifies, capped below
MULTI_PHOTO_BONUS_CAP = 0.05
COLOURS_BESIDE_FROM = 1  # from the candidate at this position on, the variants' own colours are made in the pool
DESCRIBED_BESIDE_FROM = 1  # ... and, before them, the variants not described yet are described there
MATCHED_AHEAD_FROM = 1 + 2 * BATCH  # the batches from this position on have their first matches made in the pool
# while the batch before is verified (the features of the batch at 1 + 2 x BATCH are read with those before it)
LOOKAHEAD = BATCH  # candidates verified after the first clear match, to see whether other records share it
# (a studio's colour chart, a backdrop); 6 let a stranger through in tests/matching/test_shared.py
WHOLE_MATCH_COVER = 0.2  # ... unless its inliers' box covers this share of the query variant or more: a colour
# chart's matches covered 6-11 % of the photo (bench/props.py), the right record's 20 % or more in 85 % of the
# bench's registered queries, which then skip the look-ahead (~6 ms)
FIELDS_WEIGHT = 0.10  # fields are a secondary signal; never enough for "match"
FIELDS_RECORDS = 20  # records whose fields are compared: the best by their photos (a record's text is read and
# compared in ~0.3 ms the first time; an unregistered object's check verifies up to 100 records)
MIRRORED_MAX_COMBINED = 20.0  # the mirrored variant is described and tried only for a candidate this near to its
# hashes (a flipped copy of a registered photo: median 2.9, 5.6 re-compressed; 10 of the bench's 440 unregistered
# queries had a candidate this near, so strangers almost never pay the ~10 ms of describing it)
_RANDOM_COMBINED = 72.0  # expected combined hash distance between unrelated photos
# A small query photo (a sale's thumbnail, a scanned card) cannot carry MATCH_MIN_CELLS cells of detail: at
# 50-75 px, a copy of a registered 128 px photo verified a median 15 cells, and smooth objects none. Such a
# photo is a "match" when it is a near copy: its global hashes all but equal to the registered photo's, its
# colours alike, and its geometry agreeing as far as its pixels allow. Calibrated on bench/eth80.py's tune
# half (objects 1-5; 50-75 px copies of photos registered at 96-200 px, and every object's copies checked with
# its own record left out): strangers and wrong records were never nearer than 11.25 combined / pHash 4.
WHOLE_FRAME_WORD = KEY_NAMES.index("phash_full")  # a blob's words are its index key's: its whole frame's pHash
SMALL_PIECES_SIDE = 400  # longer side of a submitted photo, px, at or below which a second piece may be small
SMALL_QUERY_SIDE = 200  # longer side of a submitted photo, px, at or below which the rules below apply
NEAR_COPY_COMBINED = 8.0  # combined hash distance at or below which a small photo may be a near copy ...
NEAR_COPY_PHASH = 4  # ... with its object's pHash this near ...
NEAR_COPY_MIN_CELLS = 4  # ... and this many cells verified,
NEAR_COPY_MIN_COLOUR = 0.7  # ... and colours this alike
SMOOTH_COPY_COMBINED = 4.0  # or, where a smooth object gives ORB nothing to verify: hashes this near, pHash equal,
SMOOTH_COPY_MIN_COLOUR = 0.8  # and colours this alike
# A studio photo whose light falls off across the paper is cut out of it by another rule than a plain backdrop
# (imageops.isolate_object_off_shaded_paper; before engine orb-vlad-13, not at all), and a small copy of it, its
# grain averaged away, may be cut out as off a plain one, or not: their object's hashes then compare another
# framing. Their whole frames' pHashes do not (signature.KEY_NAMES "phash_full", stored with every photo). eth80's
# side views on its cloth and on a studio's black and white, registered at 96, 128 and 200 px, each checked with a
# 50-75 px copy, tune half: its own record 2 bits or less for 0.97-1.00 of the copies, every other record 4 or more
# (27 729 pairs; held-out, one of 29 151 at 2). With this rule, studio photos at 128 px: `match` 0.692 -> 0.897 on
# black, 0.795 -> 0.897 on white, tune; strangers none (bench/README.md run 38).
FRAME_COPY_PHASH = 2  # or the whole frames' pHashes this near, with NEAR_COPY_MIN_CELLS verified
# A smooth object on a plain backdrop (an apple, a white cup) gives ORB nothing to verify at 50-75 px, and its cut-out's
# hashes may frame it otherwise than registration did. Its whole frame still says it is a copy: eth80's studio copies
# (tune half, black and white, copies made with two seeds other than the bench's: 156) were 0 bits from their own
# registered frame in 119 of them, 2 in 34; every other record's 4 or more (the nearest look-alike of one kind, on one
# paper, in one pose: 4, for 12 of the 156). bench/README.md run 40
FRAME_TWIN_PHASH = 0  # so the whole frames' pHashes equal, with fewer cells verified ...
FRAME_TWIN_MIN_COLOUR = SMOOTH_COPY_MIN_COLOUR  # ... and colours this alike (the objects' own where known)
NEAR_COPY_SCORE = 0.81  # the score of a "match" by cells (_geo_score at MATCH_MIN_CELLS), at least
VIEWS_MIN_CELLS = POSSIBLE_MIN_CELLS  # two registered photos of one record that each verify this many cells ...
VIEWS_MIN_PHASH = 12  # ... and are two photographs (their pHashes this far apart), not one saved twice, make a match
VIEWS_MAX_OVERLAP = 0.75  # ... where each sees a part of the query of its own: of the cells of the query the fewer
# verified, at most this share verified by both. eth80's tune half: a record's views that made a right `match` shared
# 0.11-0.62; look-alikes' mirror-image sides 0.89-0.90 (held-out, where two registered views' strangers were first
# counted: bench/README.md run 46); rendered vases registered at 0 and 45 degrees unchanged
# Another viewpoint verifies fewer cells (a 3-D object turned 22 degrees: a median of 12 on eth80), and a look-alike
# stranger can verify as many with a registered object of its kind; but then it verifies its kind's other records
# too. A record is a "match" when it verifies this many cells ...
DISTINCT_MIN_CELLS = POSSIBLE_MIN_CELLS
DISTINCT_MARGIN_CELLS = 4  # ... this many more than any other record ...
DISTINCT_MAX_PHASH = 18  # ... its photo's object pHash is this near (the object's shape as a whole agrees) ...
DISTINCT_MIN_OWN_COLOURS = 0.65  # ... and the objects' own colours are alike (features.object_colour_histogram) ...
DISTINCT_MIN_COLOUR = 0.35  # ... or, where either's are unknown, the photos' do not differ (the page's "Colours differ")
# Calibrated on bench/eth80.py's tune half (objects 1-5, registered 090-000; every view checked, and checked again
# with its own record left out among the nine others of its kind): right record "match" 76 -> 110 of 351, wrong
# records and strangers flagged unchanged (0 and 3 of 390, the 3 by 14+ cells); margin 2-3 or pHash 20+ let
# strangers through. Held-out half: bench/README.md run 22. The objects' own colours were added in run 28: on a plain
# studio backdrop every look-alike's outline is crisp, and strangers of one kind reached the rule (eth80 on black and
# white, tune half: 8 of 780 by 10-13 cells, their own colours 0.42-0.64 alike but for white cups of one make,
# 0.94-0.98; the right records' 116 on cloth and studio backdrops 0.68 or more but for four, 0.48-0.61). Since run
# 29 the objects' own colours, where known, stand in for the photos': an object moved onto brick or grass keeps its
# colours, not its registered photo's backdrop (eth80 on textures, tune half: right "match" 0.829 -> 0.846). Since
# run 33 the pHash is not asked of an object registered on a backdrop and seen on a busy frame with none
# (_shapes_agree): eth80's studio photos registered at 128 px and seen on textures, tune half, right "match" on
# black 0.812 -> 0.838, on white 0.521 -> 0.590, strangers and wrong records unchanged. pHash 16 -> 18 in run 33:
# the tune half's views `match` 0.305 -> 0.316, strangers unchanged; at 20 cow2 reaches cow3 (11 cells, 5 ahead)
DISTINCT_FEW_CELLS = 8  # A record that verifies 8-9 cells, with the margin above, is distinct where its shape and its
DISTINCT_FEW_MAX_PHASH = 16  # colours agree more closely: the object pHash this near, and the objects' CIELAB chroma
DISTINCT_FEW_MIN_CHROMA = 0.7  # (features.chroma_alike) this alike, both known. A 3-D object turned 22-45 degrees
# verifies no more (eth80's held-out half: 27 of its 82 views turned 22 degrees first with 4-11 cells, bench/README.md
# run 43). Set on eth80's tune half, views on the cloth: the band let three strangers through with the rules above
# alone, a white mug by another (chroma 0.28), a silver car by a black one's wheels (0.62, pHash 18), a cow figurine
# by one of its make (0.80, pHash 18); of the 24 right records there (chroma 0.49-0.91, pHash 2-18) 17 are kept

SECOND_LOOK_MIN_CELLS = 5  # The first record, short of a "match", that ORB verifies this many cells ...
SECOND_LOOK_AHEAD = 3  # ... this many more than any other record, is looked at again with AKAZE (second_look.py) ...
SECOND_LOOK_RECORDS = 5  # ... with the first this many records' photos; AKAZE must put it first too ...
SECOND_LOOK_CELLS = 8  # ... with this many cells ...
SECOND_LOOK_MARGIN = 4  # ... this many more than the others', and the objects' own colours must agree
# (_colours_agree: two cups of one make on one cloth, posed alike, verified 9-10 cells of each other's photo by
# AKAZE, their glazes 0.62 alike), and the query must show an object told apart (_an_object_told_apart): then it is a
# "match". Chosen on eth80's tune half with one, two and three registered views (every view, and every view with its
# own record left out: bench/README.md run 48): the most right records with no wrong record and the fewest strangers
# there, 10 of 1 170, all three cow figurines of one mould (AKAZE 12-31 cells on their bodies; no rule kept them
# apart). Held-out half: run 48; the query described squeezed too (second_look.describe_tilted): run 49.


@dataclass
class _PhotoResult:
    cand: Candidate
    inliers: int
    matches: int
    cells: int
    variant: str
    colour: float
    image_score: float
    query_inliers: np.ndarray  # indices of the variant's keypoints that are inliers
    near_copy: bool = False  # a small query photo that is a near copy of this one (_small_near_copy)
    phash: int = 0  # the registered photo's object pHash (VIEWS_MIN_PHASH)
    turned_alike: int = 0  # the most matches that turned alike with one variant (TURNED_ALIKE_FULL)
    object_colour: float = 0.0  # the objects' own colours alike (OBJECT_COLOUR_WEIGHT)
    registered_colours: np.ndarray = field(default_factory=lambda: NO_COLOURS)  # its object's own (empty: unknown)
    whole_frame: int | None = None  # the registered photo's whole frame's pHash (_whole_frame_word)
    copy_colour: float = 0.0  # colours alike, for a small copy by its whole frame (_copy_colour)
    seen_in: QueryVariant | None = None  # the query variant it was verified with (query_inliers index its keypoints)


def candidates_to_verify(query: QuerySignature) -> int:
    """How many index candidates to verify for this query (``search(query, k=...)``)."""
    return BUSY_FRAME_K if query.busy_frame else PLAIN_BACKGROUND_K


TURNED_ALIKE_CELLS = 5  # a photo's matches that turn alike (features.consistent_rotation) but fit no one plane score
TURNED_ALIKE_FULL = 40  # as this many verified cells at most, reached with this many such matches. A 3-D object
# turned 45 degrees or seen from above verifies no plane with its record or with look-alikes (eth80's tune half: 69
# of the 70 views not found first had both under 10 cells, 43 both at 0), but turns more of its matches alike with
# its own record: all views R@1 0.801 -> 0.840 (20 or 80 matches: 0.826, 0.832; 6 cells: 0.826), verdicts unchanged
# (bench/README.md, run 26). Verdicts count cells only: these never make a "possible" or a "match", and a photo that
# verifies 5 cells or more keeps its score.


OBJECT_COLOUR_WEIGHT = 0.4  # the objects' own colours alike (features.colours_alike, 0-1), with the matches that
OBJECT_COLOUR_UP_TO_CELLS = 8  # turn alike, score as this many cells at most. A 3-D object seen from its other side
# or from above verifies no plane with its record or with look-alikes of its kind, and turns few matches alike; its
# own colours still tell ten cups apart. Set on eth80's tune half (objects 1-5, bench/README.md): by hues, run 27,
# all views R@1 0.840 -> 0.906 at 0.3 (7-8 cells with weights 0.25-0.4: 0.869-0.906; a cap of 6 cells saturates,
# 0.76-0.88); by chroma, run 42, 0.926 at 0.3, 0.934 at 0.4 (0.25: 0.926). Capped so that colours never outrank 8
# verified cells: a photo that verifies more keeps its score, and verdicts count cells only

OBJECT_COLOUR_UNKNOWN = 0.5  # a registered photo whose object was not told from a backdrop is as alike as a typical
# look-alike (eth80's tune half, the median of the first 15 records' wrong ones 0.48, right ones 0.90; by chroma,
# run 42: 0.49 and 0.85); at 0, such a record lost its views to records of its kind (held-out all views R@1 0.867 ->
# 0.846, dog10's photo)


def _geo_score(cells: int) -> float:
    return 1.0 - math.exp(-max(0, cells - 4) / 6.0)  # 0.81 at MATCH_MIN_CELLS, 0.99 at 30 cells


def _image_score(cells: int, cand: Candidate, colour: float, turned_alike: int = 0, object_colour: float = 0.0) -> float:
    hash_sim = max(0.0, 1.0 - float(cand.distances.get("combined", _RANDOM_COMBINED)) / _RANDOM_COMBINED)
    return 0.8 * max(_geo_score(cells), _weak_score(turned_alike, object_colour)) + 0.15 * hash_sim + 0.05 * colour


def _weak_score(turned_alike: int, object_colour: float) -> float:
    """What a photo that verifies no plane is worth: its matches that turn alike (up to what TURNED_ALIKE_CELLS
    cells are) and its object's own colours, together no more than OBJECT_COLOUR_UP_TO_CELLS cells."""
    alike = _geo_score(TURNED_ALIKE_CELLS) * min(1.0, turned_alike / TURNED_ALIKE_FULL)
    return min(_geo_score(OBJECT_COLOUR_UP_TO_CELLS), alike + OBJECT_COLOUR_WEIGHT * object_colour)


def _variants_for(cand: Candidate, query: QuerySignature, pending: frozenset[str]) -> list:
    """Query variants in the order to try them on a candidate: those whose features were extracted
    (before its batch: the order must not depend on which thread got there first), then the one its
    hashes were nearest to."""
    first = cand.distances.get("variant")
    return sorted(query.variants, key=lambda v: (v.name in pending, v.name != first))


class _Best(NamedTuple):
    inliers: int
    matches: int
    cells: int
    variant: str
    colour_hist: np.ndarray
    query_inliers: np.ndarray


def _flipped_copy(cand: Candidate) -> bool:
    """The candidate's hashes are nearest to the query flipped left to right, and near enough for a copy."""
    return cand.distances.get("variant") == MIRRORED and cand.distances.get("combined", _RANDOM_COMBINED) <= MIRRORED_MAX_COMBINED


def _always_tried(variant: QueryVariant, query: QuerySignature, position: int) -> bool:
    """The main variant, every object of a group photo (any of them may be the one registered), the object cut
    out of a busy frame by its colours for the first CUT_OUT_TRIED candidates, and a small photo's whole frame: a
    thumbnail's backdrop may be cut away where its registered photo's was not (a studio's paper whose light falls
    off), and the frame is then the registered photo's framing. eth80's black studio photos registered at 128 px,
    50-75 px copies: `match` 0.897 -> 0.949 tune, 0.902 -> 0.951 held-out; strangers none (bench/README.md run 38)."""
    return (variant is query.variants[0] or is_object_variant(variant.name)
            or (variant.name == CUT_OUT and position < CUT_OUT_TRIED)
            or (variant.name == WHOLE_FRAME and 0 < query.source_side <= SMALL_QUERY_SIDE))


class _Verification:
    """Best verification of one candidate photo over the query variants, tried in order; :meth:`run` may stop
    short of the variants not described yet (``waiting``) and be run again to try them."""

    def __init__(self, cand: Candidate, blob: bytes, query: QuerySignature, pending: frozenset[str],
                 position: int) -> None:
        self.cand, self.blob, self.query, self.pending, self.position = cand, blob, query, pending, position
        self.matched: dict[str, tuple[np.ndarray, np.ndarray, int]] = {}  # made beforehand (_FirstMatches), by name
        self._feats: dict[str, np.ndarray] | None = None
        first = query.variants[0]
        self.best = _Best(0, 0, 0, first.name, first.colour_hist, _NO_INLIERS)
        self.order = _variants_for(cand, query, pending)
        self.turned_alike = 0  # the most matches that turned alike with one variant
        self.tried = 0  # variants of ``order`` tried or passed over
        self.waiting = False

    def run(self, extract: bool) -> _Verification:
        """Try the next variants; without ``extract``, stop (``waiting``) before one not described yet."""
        while self.tried < len(self.order) and self.best.cells < STRONG_CELLS:
            i, v = self.tried, self.order[self.tried]
            if self.passed_over(v):
                self.tried += 1
                continue
            self.waiting = v.name in self.pending and not extract
            if self.waiting:
                return self
            self.tried += 1
            if self.best.cells < SECOND_VARIANT_MIN_CELLS and not self.tried_whatever_found(i, v):
                continue
            f = v.features
            matches = self.matched.get(v.name) or ft.turned_alike_matches(
                f.descriptors, f.cell_bounds, f.angles, self.feats["desc"], self.feats["bounds"], self.feats["angle"])
            got = ft.too_few_to_verify(*matches) or ft.verify_matches(f.keypoints, self.feats["kp"], *matches,
                                                                      second_min_inliers=_second_piece_min(self.query))
            cells = got.cells if got.cells < NEAR_COPY_MIN_CELLS else _object_cells(v, got, self.feats["kp"])
            self.turned_alike = max(self.turned_alike, got.turned_alike)
            if (cells, got.inliers) > (self.best.cells, self.best.inliers):
                self.best = _Best(got.inliers, got.matches, cells, v.name, v.colour_hist, got.query_inliers)
        self.waiting = False
        return self

    def passed_over(self, v: QueryVariant) -> bool:
        """The mirrored variant, unless the candidate's hashes say it is a flipped copy."""
        return v.name == MIRRORED and not _flipped_copy(self.cand)

    def tried_whatever_found(self, i: int, v: QueryVariant) -> bool:
        """Whether the i-th variant of the order is tried even where those before verified little
        (SECOND_VARIANT_MIN_CELLS): the first, the one the candidate's hashes are nearest to, and those always tried."""
        return i == 0 or v.name == self.cand.distances.get("variant") or _always_tried(v, self.query, self.position)

    @property
    def feats(self) -> dict[str, np.ndarray]:
        """The candidate's features, unpacked on first use: most candidates verify too few matches to need them."""
        if self._feats is None:
            self._feats = ft.unpack_features(self.blob)
            self._feats["bounds"] = ft.cell_bounds(self._feats["cells"], ag.N_CELLS)
        return self._feats

    def result(self) -> _PhotoResult:
        b = self.best
        colours, words = ((self._feats["colour"], self._feats["words"]) if self._feats is not None
                          else ft.colours_and_words(self.blob))
        registered, registered_object = ft.frame_and_object_colours(colours.astype(np.float32))
        col = ft.colour_similarity(b.colour_hist, registered)
        if is_cut_out(b.variant):  # its colours are the object's alone; a registered photo's, with its backdrop's
            col = max(col, ft.colour_similarity(self.query.variants[0].colour_hist, registered))
        object_col = self._object_colour(b.variant, registered_object)
        score = _image_score(b.cells, self.cand, col, self.turned_alike, object_col)
        whole_frame = _whole_frame_word(words)
        copy_col = _copy_colour(self.query, b.variant, b.cells, registered, registered_object)
        near_copy = _small_near_copy(self.query, self.cand, b.cells, col, whole_frame, copy_col)
        if near_copy:
            score = max(score, NEAR_COPY_SCORE)
        return _PhotoResult(self.cand, b.inliers, b.matches, b.cells, b.variant, col, score, b.query_inliers, near_copy,
                            int(words[0]), self.turned_alike, object_col, registered_object, whole_frame, copy_col,
                            self.query.variant(b.variant))

    def _object_colour(self, variant: str, registered: np.ndarray) -> float:
        """How alike the objects' own colours are, where the verification found too few cells for them to count
        (OBJECT_COLOUR_UP_TO_CELLS): 0 for every candidate when the query's object could not be told from its
        backdrop, OBJECT_COLOUR_UNKNOWN when the registered photo's could not."""
        if self.best.cells >= OBJECT_COLOUR_UP_TO_CELLS:
            return 0.0
        seen = _object_colour_estimates(self.query, variant)
        if not seen:
            return 0.0
        return max(ft.colours_alike(mine, registered) for mine in seen) if len(registered) else OBJECT_COLOUR_UNKNOWN


def _second_piece_min(query: QuerySignature) -> int:
    """The fewest inliers a second homography needs (features.verify_matches): fewer where the submitted photo is
    small (SMALL_PIECES_SIDE), whose faces have few corners each."""
    small = 0 < query.source_side <= SMALL_PIECES_SIDE
    return ft.SMALL_PHOTO_SECOND_PIECE_MIN_INLIERS if small else ft.SECOND_PIECE_MIN_INLIERS


def _object_colour_estimates(query: QuerySignature, variant: str) -> list[np.ndarray]:
    """The query's object's own colours as ``variant`` gives them (:func:`_query_object_colours`) and, in a busy
    frame, as its colours cut the object out (CUT_OUT); those known. A smooth object moved onto grass or brick
    verifies no cells with its record and is ranked by its colours, the better of the two: the whole frame's, where
    the ground passed for its backdrop, were the ground's as much as the object's, or there were none; on a cloth
    they are the object's, where a cut-out may miss a part of it. eth80's studio photos at 128 px seen on textures,
    right record first, tune / held-out: on white 0.821 / 0.805 -> 0.906 / 0.870, on black 0.966 / 0.959 -> 0.974 /
    0.984 (bench/README.md run 34)."""
    seen = [_query_object_colours(query, variant), _cut_out_colours(query),  # the same twice for the cut-out itself
            query.grown_colours()]
    return [c for c in seen if len(c)]


def _cut_out_colours(query: QuerySignature) -> np.ndarray:
    """The colours of the object cut out of a busy frame by its colours (empty: none was, or it gave none)."""
    return next((v.object_colours() for v in query.variants if v.name == CUT_OUT), NO_COLOURS)


def _query_object_colours(query: QuerySignature, variant: str) -> np.ndarray:
    """The query's object's own colours as seen by ``variant`` (empty: unknown). The cut-out laid on a studio's
    backdrop that gives none takes the cut-out's (the same pixels), not the frame's: a grass frame passes for a
    green backdrop, and its "object" is the grass's as much as the cup's (eth80's cup8 moved onto grass, 13 cells
    with its black studio photo and none with any other: own colours 0.47 by the frame's, 0.83 by the cut-out's;
    bench/README.md run 36). Any other variant that gives none, the cut-out itself among them, takes the photo's
    main variant's."""
    mine = query.variant(variant).object_colours()
    if len(mine) == 0 and is_cut_out(variant):
        mine = _cut_out_colours(query)
    return mine if len(mine) else query.variants[0].object_colours()


def _own_colours_seen(query: QuerySignature, photo: _PhotoResult) -> np.ndarray:
    """The query's object's own colours as the variant that verified ``photo`` gives them, else as the object of a
    busy frame was cut out by its colours (empty: neither is known)."""
    mine = _query_object_colours(query, photo.variant)
    return mine if len(mine) else _cut_out_colours(query)


def _colours_agree(query: QuerySignature, photo: _PhotoResult) -> bool:
    """The objects' own colours are alike (DISTINCT_MIN_OWN_COLOURS) where both are known, else the photos'
    colours do not differ (DISTINCT_MIN_COLOUR). Where the object lies on another backdrop than in its registered
    photo (brick, grass), the photos' colours are mostly their backdrops'; the object's own are not."""
    mine = _own_colours_seen(query, photo)
    if len(mine) == 0 or len(photo.registered_colours) == 0:
        return photo.colour >= DISTINCT_MIN_COLOUR
    return ft.hues_alike(mine, photo.registered_colours) >= DISTINCT_MIN_OWN_COLOURS


def _object_cells(variant: QueryVariant, got: ft.Verified, registered_kp: np.ndarray) -> int:
    """The cells a verification covers, without inliers on the query's one-coloured backdrop (the cloth it lies on).
    Fewer than NEAR_COPY_MIN_CELLS count for nothing either way (no score, no verdict): the mask is not made for
    them, which spares most checks of an unregistered object its ~1.5 ms a variant."""
    if got.cells < NEAR_COPY_MIN_CELLS or variant.backdrop_mask() is None:
        return got.cells
    on_object = ~variant.on_backdrop(variant.features.keypoints[got.query_inliers])
    return ft.cells_covered(registered_kp[got.train_inliers[on_object]])


def _small_near_copy(query: QuerySignature, cand: Candidate, cells: int, colour: float, frame_word: int | None,
                     copy_colour: float) -> bool:
    """A small query photo that is a near copy of the candidate photo (see SMALL_QUERY_SIDE): by its object's
    hashes, or by its whole frame's pHash (``frame_word``: the registered photo's; None where not stored) and
    the colours of :func:`_copy_colour`."""
    if not 0 < query.source_side <= SMALL_QUERY_SIDE:
        return False
    combined = float(cand.distances.get("combined", _RANDOM_COMBINED))
    phash = int(cand.distances.get("phash", 64))
    textured = (combined <= NEAR_COPY_COMBINED and phash <= NEAR_COPY_PHASH and cells >= NEAR_COPY_MIN_CELLS
                and colour >= NEAR_COPY_MIN_COLOUR)
    smooth = combined <= SMOOTH_COPY_COMBINED and phash == 0 and colour >= SMOOTH_COPY_MIN_COLOUR
    return textured or smooth or _same_frame(query, frame_word, cells, copy_colour)


def _whole_frame(query: QuerySignature) -> QueryVariant | None:
    return next((v for v in query.variants if v.name == WHOLE_FRAME), None)


def _copy_colour(query: QuerySignature, variant: str, cells: int, registered: np.ndarray,
                 registered_object: np.ndarray) -> float:
    """How alike a small query's colours are to the registered photo's, for a copy by its whole frame
    (FRAME_TWIN_MIN_COLOUR; 0 for a larger query): the objects' own hues where both are known and the photo
    verified too few cells for them to rank it (a red apple and a green one on one paper have frames alike), else
    the whole frames'."""
    if not 0 < query.source_side <= SMALL_QUERY_SIDE:
        return 0.0
    seen = (_object_colour_estimates(query, variant)
            if cells < OBJECT_COLOUR_UP_TO_CELLS and len(registered_object) else [])
    own = max((ft.hues_alike(mine, registered_object) for mine in seen), default=0.0)
    if own > 0:
        return own
    frame = _whole_frame(query)
    return 0.0 if frame is None else ft.colour_similarity(frame.colour_hist, registered)


def _same_frame(query: QuerySignature, frame_word: int | None, cells: int, copy_colour: float) -> bool:
    """The query's whole frame is a copy of the registered photo's by its pHash: FRAME_COPY_PHASH with
    NEAR_COPY_MIN_CELLS verified, or FRAME_TWIN_PHASH with colours alike (``copy_colour``)."""
    frame = _whole_frame(query)
    if frame is None or frame_word is None:
        return False
    distance = hs.hamming(int(frame.hash_words[0][0]), frame_word)
    if cells >= NEAR_COPY_MIN_CELLS:
        return distance <= FRAME_COPY_PHASH
    return distance <= FRAME_TWIN_PHASH and copy_colour >= FRAME_TWIN_MIN_COLOUR


def _whole_frame_word(words: np.ndarray) -> int | None:
    """The registered photo's whole frame's pHash, where its blob holds it."""
    return int(words[WHOLE_FRAME_WORD]) if len(words) > WHOLE_FRAME_WORD else None


_NO_INLIERS = np.zeros(0, np.intp)


def _verdict(best: _PhotoResult, views_agree: bool, distinct: bool = False, second_look: bool = False) -> str:
    if best.cells >= MATCH_MIN_CELLS or best.near_copy or views_agree or distinct or second_look:
        return "match"
    if best.cells >= POSSIBLE_MIN_CELLS or int(best.cand.distances.get("phash", 64)) <= POSSIBLE_MAX_PHASH:
        return "possible"
    return "no_match"


def _group(results: list[_PhotoResult]) -> dict[int, list[_PhotoResult]]:
    groups: dict[int, list[_PhotoResult]] = {}
    for r in results:
        groups.setdefault(r.cand.record_id, []).append(r)
    for rs in groups.values():
        rs.sort(key=lambda r: (-r.image_score, r.cand.photo_id))
    return groups


_NO_FIELDS: dict[str, Any] = {"agree": [], "disagree": [], "score": None}


def _views_agree(photos: list[_PhotoResult]) -> bool:
    """Two of the record's photographs each verify the query, neither enough alone for a match: two views
    that each see the object are evidence that one alone is not (a stranger seldom verifies one photo of a
    record this far: 2 of 440 unregistered objects in bench/run.py). Two views count where each sees a part of
    the query of its own (VIEWS_MAX_OVERLAP): a symmetric object's front and back are nearly mirror images, and
    both verify one part of a look-alike's photo (eth80's cars by their two sides, bench/README.md run 46)."""
    seen = [r for r in photos if r.cells >= VIEWS_MIN_CELLS]
    return any(bin(a.phash ^ b.phash).count("1") >= VIEWS_MIN_PHASH and _cells_shared(a, b) <= VIEWS_MAX_OVERLAP
               for i, a in enumerate(seen) for b in seen[i + 1:])


def _cells_shared(a: _PhotoResult, b: _PhotoResult) -> float:
    """The share of the query's cells that two verifications' inliers lie in (SPREAD_CELL_PX cells of ``a``'s
    variant's picture) that both verified, of the fewer; 0 where either's variant is not known."""
    if a.seen_in is None or b.seen_in is None:
        return 0.0
    in_a, in_b = _query_cells(a, a.seen_in), _query_cells(b, a.seen_in)
    return len(in_a & in_b) / max(1, min(len(in_a), len(in_b)))


def _query_cells(r: _PhotoResult, frame: QueryVariant) -> set[tuple[int, int]]:
    """The SPREAD_CELL_PX cells of ``frame``'s picture (a query variant) that ``r``'s inliers lie in, wherever in
    the query photo the variant it was verified with lies."""
    v = r.seen_in
    at = v.features.keypoints[r.query_inliers] / np.array(v.size, np.float32)
    if v.name == MIRRORED:  # its keypoints are those of the picture flipped left to right
        at[:, 0] = 1 - at[:, 0]
    left, top, right, bottom = v.box
    x0, y0, x1, y1 = frame.box
    px = (left + at[:, 0] * (right - left) - x0) / (x1 - x0) * frame.size[0]
    py = (top + at[:, 1] * (bottom - top) - y0) / (y1 - y0) * frame.size[1]
    cells = np.floor(np.stack([px, py], axis=1) / ft.SPREAD_CELL_PX).astype(np.int64)
    return set(map(tuple, cells.tolist()))


def _record_score(photos: list[_PhotoResult], fields: dict[str, Any], distinct: bool = False) -> float:
    """Record score in [0, 1] (4 decimals): its best photo, a bonus per other photo verified (at least a match's
    when two views agree, or the record is distinct from the others), then fields."""
    score = photos[0].image_score + min(MULTI_PHOTO_BONUS_CAP, MULTI_PHOTO_BONUS * _extra_photos(photos))
    if _views_agree(photos) or distinct:
        score = max(score, NEAR_COPY_SCORE)
    if fields["score"] is not None:
        score = (1 - FIELDS_WEIGHT) * score + FIELDS_WEIGHT * fields["score"]
    return round(float(min(1.0, max(0.0, score))), 4)


def _extra_photos(photos: list[_PhotoResult]) -> int:
    return sum(1 for r in photos[1:] if r.cells >= POSSIBLE_MIN_CELLS)


def _distinct_record(groups: dict[int, list[_PhotoResult]], query: QuerySignature) -> int | None:
    """The record whose photos verified the query far more than any other's, and look like it as a whole (see
    DISTINCT_MIN_CELLS), if there is one."""
    cells = _cells_by_record(groups)
    if not cells:
        return None
    rid = max(cells, key=lambda r: (cells[r], -r))
    others = _most_cells_besides(cells, rid)
    best = max(groups[rid], key=lambda r: r.cells)
    if cells[rid] < DISTINCT_FEW_CELLS or cells[rid] - others < DISTINCT_MARGIN_CELLS:
        return None
    if cells[rid] < DISTINCT_MIN_CELLS and not _closely_alike(query, best):
        return None
    return rid if _shapes_agree(query, best) and _colours_agree(query, best) else None


def _cells_by_record(groups: dict[int, list[_PhotoResult]]) -> dict[int, int]:
    """The most cells any photo of each record verified."""
    return {rid: max(r.cells for r in photos) for rid, photos in groups.items()}


def _most_cells_besides(cells: dict[int, int], rid: int) -> int:
    """The most cells a record other than ``rid`` verified (0: none)."""
    return max((c for r, c in cells.items() if r != rid), default=0)


def _closely_alike(query: QuerySignature, photo: _PhotoResult) -> bool:
    """The query's object and the registered photo's have shapes (DISTINCT_FEW_MAX_PHASH) and chroma
    (DISTINCT_FEW_MIN_CHROMA) closely alike, both known: what a record that verifies few cells (DISTINCT_FEW_CELLS)
    must show to be distinct."""
    if _moved_onto_a_busy_frame(query, photo) or _object_phash_distance(query, photo) > DISTINCT_FEW_MAX_PHASH:
        return False
    mine = _own_colours_seen(query, photo)
    if len(mine) <= ft.OBJECT_COLOUR_BINS or len(photo.registered_colours) <= ft.OBJECT_COLOUR_BINS:
        return False
    return ft.chroma_alike(mine, photo.registered_colours) >= DISTINCT_FEW_MIN_CHROMA


def _shapes_agree(query: QuerySignature, photo: _PhotoResult) -> bool:
    """The query's object's pHash is near the registered photo's (DISTINCT_MAX_PHASH), or the two cannot be
    compared (:func:`_moved_onto_a_busy_frame`): then the margin of cells and the objects' own colours decide, so
    the busy frame's object must have been cut out with its colours (else its frame's colours are the ground's)."""
    if _moved_onto_a_busy_frame(query, photo):
        return len(_cut_out_colours(query)) > 0
    return _object_phash_distance(query, photo) <= DISTINCT_MAX_PHASH


def _moved_onto_a_busy_frame(query: QuerySignature, photo: _PhotoResult) -> bool:
    """An object registered on a backdrop it was told from (a studio's paper, a cloth: its own colours are known),
    seen on a busy frame with none (grass, gravel, a table): each photo has another background, the busy frame's
    pHash is its background's and a cut-out's only as good as the cut, so their shapes cannot be compared. A busy
    frame registered as it is (a textile, a painting filling the photo) is not: two parts of one weave verify a
    few cells by chance, and their pHashes tell them apart."""
    return query.busy_frame and len(photo.registered_colours) > 0 and len(query.variants[0].object_colours()) == 0


_STUDIO_CUT_OUTS = frozenset(name for name, _grey in STUDIO_BACKDROPS)


def _object_phash_distance(query: QuerySignature, photo: _PhotoResult) -> int:
    """How far the query's object's pHash is from the registered photo's: as the search found it, or nearer for an
    object cut out of a busy frame that was registered on a studio's backdrop (types.STUDIO_BACKDROPS)."""
    found = int(photo.cand.distances.get("phash", 64))
    if not is_cut_out(photo.variant):
        return found
    on_studio = (v for v in query.variants if v.name in _STUDIO_CUT_OUTS)
    return min([found, *(hs.hamming(int(v.hash_words[0][0]), photo.phash) for v in on_studio)])


def _record_match(record_id: int, photos: list[_PhotoResult], fields: dict[str, Any], score: float,
                  query: QuerySignature, shared: np.ndarray, distinct: bool = False,
                  second_look: _SecondLook | None = None) -> RecordMatch:
    best = photos[0]
    evidence = {
        "query_variant": best.variant,
        "query_box": list(query.variant(best.variant).box),  # the part of the photo that matched (fractions)
        "record_photo_id": int(best.cand.photo_id),
        "hash_distances": _plain(best.cand.distances),
        "inliers": int(best.inliers),
        "ratio_matches": int(best.matches),
        "turned_alike": int(best.turned_alike),  # matches that turn alike, which rank photos that verify few cells
        "object_colour_similarity": round(float(best.object_colour), 4),  # ... with the objects' own colours (0: not used)
        "inlier_cells": int(best.cells),
        "colour_similarity": round(float(best.colour), 4),
        "small_photo_near_copy": bool(best.near_copy),  # a "match" by hashes and colour (see SMALL_QUERY_SIDE)
        "matching_photos": 1 + _extra_photos(photos) if best.cells >= POSSIBLE_MIN_CELLS else 0,
        "several_views_agree": _views_agree(photos),  # a "match" by two photographs of the record (VIEWS_MIN_CELLS)
        "distinct_from_other_records": distinct,  # verified far more than any other record (DISTINCT_MIN_CELLS)
        # ... whose pHash was asked (None: not a match by that rule; asked only then, the query's colours may cost ~2 ms)
        "shape_compared": not _moved_onto_a_busy_frame(query, max(photos, key=lambda r: r.cells)) if distinct else None,
        "shared_parts_ignored": round(float(shared.mean()), 3),  # of the photo: they verified 3+ records (props)
        "backdrop_left_out": _backdrop_share(query.variant(best.variant)),  # a cloth or paper of one colour
        "fields": {"agree": list(fields["agree"]), "disagree": list(fields["disagree"])},
        # AKAZE's cells with this record and the most with another of the first records (None: not looked again)
        "second_look": None if second_look is None else second_look._asdict(),
    }
    confirmed = second_look is not None and second_look.confirmed
    verdict = _verdict(best, evidence["several_views_agree"], distinct, confirmed)
    evidence["match_by"] = (_match_by(best, evidence["several_views_agree"], distinct)
                            if verdict == "match" else None)
    return RecordMatch(record_id=int(record_id), score=score, verdict=verdict, evidence=evidence)


def _backdrop_share(variant: QueryVariant) -> float:
    """The share of the variant's picture that is a one-coloured backdrop, whose matches were not counted (0: none,
    or no verification found enough for it to matter)."""
    mask = variant.backdrop_if_made()
    return 0.0 if mask is None else round(float(mask.mean()), 3)


def _match_by(best: _PhotoResult, views_agree: bool, distinct: bool) -> str:
    """Which rule made a record a "match" (the page says it in words): its photo's matching areas, a near copy of a
    small photo, several views, areas far more than any other record's, or a second feature that agrees."""
    if best.cells >= MATCH_MIN_CELLS:
        return "areas"
    if best.near_copy:
        return "near_copy"
    if views_agree:
        return "several_views"
    return "distinct" if distinct else "second_look"


class _SecondLook(NamedTuple):
    feature: str
    cells: int  # AKAZE's cells with the record
    others: int  # ... and the most with any other of the first SECOND_LOOK_RECORDS
    confirmed: bool


def _second_look(query: QuerySignature, scored: list, groups: dict[int, list[_PhotoResult]],
                 load_second: Callable[[list[int]], dict[int, bytes]], distinct: int | None) -> _SecondLook | None:
    """The first record looked at again with AKAZE where ORB puts it first by a margin short of a "match"
    (SECOND_LOOK_MIN_CELLS, SECOND_LOOK_AHEAD): its photos and those of the next few records (their AKAZE features
    read by ``load_second``) verified with the query's, described only now with its squeezed copies (the look adds
    ~65 ms to a check: bench/README.md run 49). None where it is not looked at."""
    _, rid, photos, _ = scored[0]
    if _verdict(photos[0], _views_agree(photos), rid == distinct) == "match":
        return None
    cells = _cells_by_record(groups)
    if cells[rid] < SECOND_LOOK_MIN_CELLS or cells[rid] - _most_cells_besides(cells, rid) < SECOND_LOOK_AHEAD:
        return None
    if not _colours_agree(query, photos[0]):  # two cups of one make, posed alike, differ by their glaze
        return None
    variant = query.variant(photos[0].variant)
    if variant.second_features() is None:
        variant = query.variants[0]
    if not _an_object_told_apart(query, variant):
        return None
    looked = _off_backdrop(variant, variant.second_features())
    if looked is None:
        return None
    records = [r for _, r, _, _ in scored[:SECOND_LOOK_RECORDS]]
    stored = load_second([p.cand.photo_id for r in records for p in groups[r]])
    seen = {r: max((_second_cells(looked, stored.get(p.cand.photo_id)) for p in groups[r]), default=0)
            for r in records}
    others = _most_cells_besides(seen, rid)
    return _SecondLook("AKAZE", seen[rid], others,
                       seen[rid] >= SECOND_LOOK_CELLS and seen[rid] - others >= SECOND_LOOK_MARGIN)


def _an_object_told_apart(query: QuerySignature, variant: QueryVariant) -> bool:
    """The query shows an object told from what lies around it: cut out of a plain background or of a busy frame,
    or lying on a one-coloured backdrop. Not a frame filled with a surface (gravel, grass, a weave): two parts of
    one texture photo verified 8-12 ORB cells and AKAZE's more, by chance (bench/run.py's unregistered queries)."""
    return query.object_count > 0 or is_cut_out(variant.name) or variant.backdrop_mask() is not None


def _off_backdrop(variant: QueryVariant, looked: sl.SecondFeatures | None) -> sl.SecondFeatures | None:
    """The query's AKAZE features off the one-coloured backdrop its object lies on (a cloth's folds: photos of two
    objects on one studio cloth match each other's, as ORB's do, see _backdrop_share)."""
    if looked is None or len(looked.keypoints) == 0:
        return looked
    keep = ~variant.on_backdrop(looked.keypoints)
    return sl.SecondFeatures(looked.keypoints[keep], looked.descriptors[keep])


def _second_cells(looked: sl.SecondFeatures, stored: bytes | None) -> int:
    """AKAZE's cells of a registered photo (0 where it has none stored)."""
    registered = sl.unpacked(stored)
    return 0 if registered is None else sl.cells_verified(looked, registered)


def _plain(d: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.item() if isinstance(v, np.generic) else v) for k, v in d.items()}


def _verify_batch(query: QuerySignature, batch: list[Candidate], blobs: dict[int, bytes],
                  first_position: int) -> list[_Verification]:
    """Verify a batch, in order, with the query variants described so far (their first matches made together)."""
    return _run(_matched_batch(query, batch, blobs, first_position))


def _run(verifications: list[_Verification]) -> list[_Verification]:
    """Verify a batch whose first matches were made, in order, in this thread: verifying is short compiled
    loops between Python steps that hold the GIL, and with a second thread taking candidates in turn, an
    unregistered object's check took longer (A/B on this 2-core machine, whole checks: 33.9 ms median in one
    thread, 37.5 in two; bench/README.md). The pool makes the next batch's first matches meanwhile, in one
    compiled call that lets go of the GIL (:class:`_MatchedAhead`)."""
    return [v.run(extract=False) for v in verifications]


def _pending(query: QuerySignature) -> frozenset[str]:
    return frozenset(v.name for v in query.variants if v.pending)


def _verifications(query: QuerySignature, batch: list[Candidate], blobs: dict[int, bytes], first_position: int,
                   pending: frozenset[str]) -> list[_Verification]:
    return [_Verification(c, blobs[c.photo_id], query, pending, first_position + i)
            for i, c in enumerate(batch) if c.photo_id in blobs]


def _matched_batch(query: QuerySignature, batch: list[Candidate], blobs: dict[int, bytes],
                   first_position: int) -> list[_Verification]:
    """The batch's verifications, given their first matches with the variants described so far."""
    pending = _pending(query)
    verifications = _verifications(query, batch, blobs, first_position, pending)
    to_match = _FirstMatches(query, verifications, pending)
    to_match.give(to_match.made())
    return verifications


class _FirstMatches:
    """The first matches (ft.turned_alike_matches) each verification of a batch needs, of the described variants
    it tries whatever the first finds, made in one compiled call for the batch (:meth:`made`, in any thread: it
    reads only what does not change) and given to the verifications (:meth:`give`, in the verifying thread): a
    call a candidate and its features unpacked cost ~70 us of Python each, and most candidates of an unregistered
    object's check match too little to need more."""

    def __init__(self, query: QuerySignature, verifications: list[_Verification], pending: frozenset[str]) -> None:
        described = [v for v in query.variants if v.name not in pending]
        index = {v.name: i for i, v in enumerate(described)}
        self.pairs: list[tuple[int, int]] = []
        self.asked: list[tuple[_Verification, str]] = []
        for k, verification in enumerate(verifications):
            for i, v in enumerate(verification.order):
                if v.name in pending:
                    break
                if not verification.passed_over(v) and verification.tried_whatever_found(i, v):
                    self.pairs.append((k, index[v.name]))
                    self.asked.append((verification, v.name))
        self.variants = [(v.features.descriptors, v.features.cell_bounds, v.features.angles) for v in described]
        self.blobs = [v.blob for v in verifications]

    def made(self) -> list[tuple[np.ndarray, np.ndarray, int] | None]:
        return ft.matches_of_blobs(self.variants, self.blobs, self.pairs)

    def give(self, found: list[tuple[np.ndarray, np.ndarray, int] | None]) -> None:
        for (verification, name), matches in zip(self.asked, found):
            if matches is not None:  # else the blob is unpacked, and says what is wrong with it
                verification.matched[name] = matches


class _MatchedAhead:
    """A batch's verifications, their first matches made in the verification pool while this thread verifies
    the batch before: the same verifications :func:`_matched_batch` makes, unless a variant was described in
    between (the batch before found nothing without it), when they are made again. The pool holds the GIL only to
    start and end the one compiled call (run 30 made them there candidate by candidate, in Python, and lost 1 ms
    waiting for the GIL; this saves ~0.7 ms, bench/README.md run 31)."""

    def __init__(self, query: QuerySignature, batch: list[Candidate], blobs: dict[int, bytes], first_position: int,
                 pool: Executor) -> None:
        self.query, self.batch, self.blobs, self.first_position = query, batch, blobs, first_position
        self.pending = _pending(query)
        self.verifications = _verifications(query, batch, blobs, first_position, self.pending)
        self.to_match = _FirstMatches(query, self.verifications, self.pending)
        self.task = pool.submit(self.to_match.made)

    def taken(self) -> list[_Verification]:
        """The verifications with their first matches (made here if the pool had not started them)."""
        if _pending(self.query) != self.pending:
            self.task.cancel()
            return _matched_batch(self.query, self.batch, self.blobs, self.first_position)
        self.to_match.give(self.to_match.made() if self.task.cancel() else self.task.result())
        return self.verifications


def _finish(verifications: list[_Verification]) -> None:
    """Describe the variants the verifications wait for (ORB's levels in two threads) and try them."""
    for v in verifications:
        if v.waiting:
            v.run(extract=True)


class _Verified(NamedTuple):
    results: list[_PhotoResult]  # in search order, up to where verification stopped
    lookahead: list[_PhotoResult]  # candidates verified after that, only to find shared parts


def _verify_in_order(query: QuerySignature, candidates: list[Candidate],
                     load_features: Callable[[list[int]], dict[int, bytes]], lookahead: int = 0) -> _Verified:
    """Verify candidates in search order, stopping once the photo is clearly verified (EARLY_STOP_CELLS:
    wrong records stay far below it), each object of a group photo; then verify ``lookahead`` more to
    see whether other records share what verified it (:mod:`.shared`), unless it plainly was the object.

    The first candidate is verified alone (most checks of a registered object stop there), then a
    batch of blobs at a time."""
    verified: list[_Verification] = []
    ahead: _MatchedAhead | None = None
    batches = _batches(len(candidates))
    for k, (start, end) in enumerate(batches):
        if start == DESCRIBED_BESIDE_FROM:
            _describe_beside(query)
        if start == COLOURS_BESIDE_FROM:
            _colours_beside(query)
        batch = candidates[start:end]
        matched = ahead.taken() if ahead is not None else _matched_batch(
            query, batch, load_features([c.photo_id for c in batch]), start)
        ahead = _match_ahead(query, candidates, batches[k + 1:], load_features)
        verifications = _run(matched)
        stop = _first_stop(verified, verifications, query)
        if stop is None and any(v.waiting for v in verifications):
            # Another variant is described (~10 ms) only when the batch held no clear match without it: a
            # stranger's hashes nearest to the whole frame had it described for most registered objects.
            _finish(verifications)
            stop = _first_stop(verified, verifications, query)
        verified.extend(verifications if stop is None else verifications[:stop + 1])
        if stop is not None:
            if ahead is not None:
                ahead.task.cancel()  # not needed (if the pool has not started it)
            results = [v.result() for v in verified]
            clear = [r for r in results if r.cells >= EARLY_STOP_CELLS]
            after = [] if _plainly_the_object(clear, query) else candidates[start + stop + 1:start + stop + 1 + lookahead]
            return _Verified(results, _look_ahead(query, after, load_features, start + stop + 1))
    return _Verified([v.result() for v in verified], [])


def _match_ahead(query: QuerySignature, candidates: list[Candidate], later: list[tuple[int, int]],
                 load_features: Callable[[list[int]], dict[int, bytes]]) -> _MatchedAhead | None:
    """The next batch's first matches started in the pool, from the batch at MATCHED_AHEAD_FROM on (its
    features read with the batch before it: a check that stops in the first three batches, as a registered
    object's mostly does at the first candidate, reads nothing more); None when there is no next batch, or no
    pool."""
    pool = pool_to_split_into()
    if not later or later[0][0] < MATCHED_AHEAD_FROM or pool is None:
        return None
    start, end = later[0]
    batch = candidates[start:end]
    return _MatchedAhead(query, batch, load_features([c.photo_id for c in batch]), start, pool)


def _describe_beside(query: QuerySignature) -> None:
    """Start describing, in the verification pool, the variants not described yet, but the mirrored one (described
    only for a flipped copy). An unregistered object's check needs them for some candidate (the whole frame of an
    isolated object, ~8 ms; a busy frame's cut-out on a studio's backdrops, ~4 ms each), and this thread described
    them itself before: bench/README.md, run 44. Not before the first candidate failed to stop the check (most
    checks of a registered object stop there). Which variants ranking tries, and when, does not change
    (QueryVariant.start_describing)."""
    if pool_to_split_into() is None:
        return
    for v in query.variants:
        if v.pending and v.name != MIRRORED:
            v.start_describing()


def _colours_beside(query: QuerySignature) -> None:
    """Start making the described variants' own colours in the verification pool (~1-2 ms each, GIL released in
    OpenCV): every candidate that verifies fewer than OBJECT_COLOUR_UP_TO_CELLS cells is scored with them. Not
    before the first candidate failed to stop the check (most checks of a registered object stop there)."""
    pool = pool_to_split_into()
    if pool is None:
        return
    for v in query.variants:
        if not v.pending and v.name != MIRRORED:
            pool.submit(v.object_colours)


def _first_stop(verified: list[_Verification], verifications: list[_Verification],
                query: QuerySignature) -> int | None:
    """Index of the first verification at which the photo is clearly verified (each object of a group photo)."""
    clear = [v.result() for v in verified if v.best.cells >= EARLY_STOP_CELLS]
    for i, v in enumerate(verifications):
        if v.best.cells >= EARLY_STOP_CELLS:
            clear.append(v.result())
            if _every_object_verified(clear, query):
                return i
    return None


def _every_object_verified(clear: list[_PhotoResult], query: QuerySignature) -> bool:
    """Some variant clearly verified a record; in a group photo, each object's variant did, or a clear
    verification's inliers surround the object (one object in several pieces, a star field: the whole
    frame verified them together, and the pieces alone will verify nothing more)."""
    if query.object_count <= 1:
        return bool(clear)
    verified = {r.variant for r in clear}
    around = [_inlier_box(r, query) for r in clear]
    return all(v.name in verified or any(_contains(box, _centre(v.box)) for box in around)
               for v in query.variants if is_object_variant(v.name))


def _inlier_box(r: _PhotoResult, query: QuerySignature) -> tuple[float, float, float, float]:
    """The box around a verification's inliers, as fractions of the query photo's sides."""
    x0, y0, x1, y1 = _inlier_extent(r, query)
    left, top, right, bottom = query.variant(r.variant).box
    w, h = right - left, bottom - top
    return left + x0 * w, top + y0 * h, left + x1 * w, top + y1 * h


def _inlier_extent(r: _PhotoResult, query: QuerySignature) -> tuple[float, float, float, float]:
    """The box around a verification's inliers, as fractions of its query variant's sides (empty: all 0)."""
    v = query.variant(r.variant)
    kp = v.features.keypoints[r.query_inliers] / np.array(v.size, np.float32)
    if len(kp) == 0:
        return 0.0, 0.0, 0.0, 0.0
    (x0, y0), (x1, y1) = kp.min(axis=0), kp.max(axis=0)
    if v.name == MIRRORED:  # its keypoints are those of the picture flipped left to right
        x0, x1 = 1 - x1, 1 - x0
    return float(x0), float(y0), float(x1), float(y1)


def _centre(box: tuple[float, float, float, float]) -> tuple[float, float]:
    return (box[0] + box[2]) / 2, (box[1] + box[3]) / 2


def _contains(box: tuple[float, float, float, float], point: tuple[float, float]) -> bool:
    return box[0] <= point[0] <= box[2] and box[1] <= point[1] <= box[3]


def _plainly_the_object(clear: list[_PhotoResult], query: QuerySignature) -> bool:
    """Each clear verification spans WHOLE_MATCH_COVER of its variant, and no variant verified two records
    (one of them at least is not the object: a prop both photos show, or a series)."""
    variants = [r.variant for r in clear]
    return len(set(variants)) == len(variants) and all(_inlier_cover(r, query) >= WHOLE_MATCH_COVER for r in clear)


def _inlier_cover(r: _PhotoResult, query: QuerySignature) -> float:
    """Share of the query variant's picture in the box around the inliers."""
    x0, y0, x1, y1 = _inlier_extent(r, query)
    return (x1 - x0) * (y1 - y0)


def _look_ahead(query: QuerySignature, candidates: list[Candidate],
                load_features: Callable[[list[int]], dict[int, bytes]], first_position: int) -> list[_PhotoResult]:
    """Verify ``candidates`` (the first at ``first_position`` in search order) with the variants already
    described (describing another costs ~10 ms)."""
    if not candidates:
        return []
    blobs = load_features([c.photo_id for c in candidates])
    return [v.result() for v in _verify_batch(query, candidates, blobs, first_position)]


class _ReadAhead:
    """The candidates' features as ``load_features`` reads them from storage, in search order and in reads
    that double (1, then BATCH, 2 x BATCH, ...): an unregistered object's check verifies up to 100 candidates,
    and each read costs ~0.2-0.5 ms besides its bytes (bench/service.py); a registered object's check mostly
    stops at the first. What was read is kept for the check's second pass (without shared parts)."""

    def __init__(self, load_features: Callable[[list[int]], dict[int, bytes]], photo_ids: list[int]) -> None:
        self.load, self.order = load_features, photo_ids
        self.blobs: dict[int, bytes] = {}
        self.asked: set[int] = set()
        self.next_read = 0

    def __call__(self, photo_ids: list[int]) -> dict[int, bytes]:
        missing = [p for p in photo_ids if p not in self.asked]
        if missing:
            unread = set(missing)
            later = [p for p in self.order if p not in self.asked and p not in unread]
            ahead = later[:max(0, self.next_read - len(missing))]
            self.blobs.update(self.load(missing + ahead))
            self.asked.update(missing + ahead)
            self.next_read = max(BATCH, 2 * self.next_read)
        return {p: self.blobs[p] for p in photo_ids if p in self.blobs}


def _batches(n: int) -> list[tuple[int, int]]:
    return [(0, min(1, n))] + [(s, min(s + BATCH, n)) for s in range(1, n, BATCH)]


def _besides_shared(first: list[_PhotoResult], again: list[_PhotoResult], query: QuerySignature,
                    shared: np.ndarray) -> list[_PhotoResult]:
    """Each photo's better verification without the shared parts: verified again, or the first verification's
    inliers outside them (the registered photo itself, props and all, keeps what its object verified)."""
    best = {r.cand.photo_id: r for r in again}
    for r in first:
        cells = unshared_cells(query.variant(r.variant), r.query_inliers, shared, ft.SPREAD_CELL_PX)
        if r.cand.photo_id not in best or cells > best[r.cand.photo_id].cells:
            near = _small_near_copy(query, r.cand, cells, r.colour, r.whole_frame, r.copy_colour)
            score = _image_score(cells, r.cand, r.colour, r.turned_alike, r.object_colour)
            best[r.cand.photo_id] = replace(r, cells=cells, near_copy=near,
                                            image_score=max(score, NEAR_COPY_SCORE) if near else score)
    return list(best.values())


def _with_fields(scored: list, query_fields: dict, record_fields: Callable[[list[int]], dict[int, dict]],
                 distinct: int | None) -> list:
    """Records scored by their photos (best first), the first FIELDS_RECORDS scored again with their fields."""
    compared = record_fields([rid for _, rid, _, _ in scored[:FIELDS_RECORDS]])
    rescored = []
    for score, rid, photos, fields in scored:
        if rid in compared:
            fields = compare_fields(query_fields, compared[rid])
            score = _record_score(photos, fields, rid == distinct)
        rescored.append((score, rid, photos, fields))
    return _best_first(rescored)


def _best_first(scored: list) -> list:
    return sorted(scored, key=lambda s: (-s[0], s[1]))


def rank(query: QuerySignature, candidates: list[Candidate], load_features: Callable[[list[int]], dict[int, bytes]],
         query_fields: dict | None = None, record_fields: Callable[[list[int]], dict[int, dict]] | None = None,
         top: int = 5, load_second: Callable[[list[int]], dict[int, bytes]] | None = None) -> list[RecordMatch]:
    """Verify candidates geometrically, group them by record and return the best ``top`` records. ``load_second``
    reads photos' AKAZE features (PhotoSignature.second_features) for a second look (None: no second look)."""
    if not candidates:
        return []
    load_features = _ReadAhead(load_features, [c.photo_id for c in candidates])
    first = _verify_in_order(query, candidates, load_features, LOOKAHEAD)
    results = first.results
    shared = shared_parts((RecordInliers(r.cand.record_id, r.variant, r.cells, r.query_inliers)
                           for r in first.results + first.lookahead), query)
    if shared.any():  # described and verified again without them: what verifies then is the object
        masked = without_shared(query, shared)
        again = _verify_in_order(masked, candidates, load_features).results if masked.variants else []
        results = _besides_shared(first.results, again, query, shared)
    groups = _group(results)
    distinct = _distinct_record(groups, query)
    scored = _best_first([(_record_score(photos, _NO_FIELDS, rid == distinct), rid, photos, _NO_FIELDS)
                          for rid, photos in groups.items()])
    if record_fields is not None and query_fields:
        scored = _with_fields(scored, query_fields, record_fields, distinct)
    second = None if load_second is None else _second_look(query, scored, groups, load_second, distinct)
    if second is not None and second.confirmed:
        score, rid, photos, fields = scored[0]
        scored[0] = (max(score, NEAR_COPY_SCORE), rid, photos, fields)
    return [_record_match(rid, photos, fields, score, query, shared, rid == distinct, second if i == 0 else None)
            for i, (score, rid, photos, fields) in enumerate(scored[:top])]
