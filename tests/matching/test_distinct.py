"""A record verified far more than any other, whose photo's shape agrees as a whole, is a `match` below the usual
cell count (another viewpoint of a 3-D object, issue 23); not when another record verifies nearly as much (a
look-alike of the same kind), nor when the shapes or the objects' own colours disagree (the photos' colours where
an object's own are unknown); below `possible`'s cells only where shape and chroma agree closely, and never below
eight cells. Where the object lies on a busy background with no backdrop to tell it from (gravel), its shape as a
pHash cannot be compared, and its own colours decide."""
from __future__ import annotations

import io
from dataclasses import replace

import cv2
import numpy as np
import pytest
from PIL import Image
from skimage import data as skdata

from registry.matching import compute_query, compute_signature, ranking
from registry.matching import features as ft
from registry.matching import hashing as hs
from registry.matching.imageops import plain_backdrop
from registry.matching.types import CUT_OUT, NO_COLOURS, STUDIO_BACKDROPS, Candidate, QuerySignature

QUERY = compute_query(Image.fromarray(skdata.coffee()))  # a real query photo: its first variant stands for each one


def _on_black(part: np.ndarray) -> np.ndarray:
    """A real photo's part on a studio's plain black backdrop."""
    frame = np.full((480, 640, 3), 18, np.uint8)
    frame[100:100 + part.shape[0], 40:40 + part.shape[1]] = part
    return frame


CUP_ON_BLACK = compute_query(Image.fromarray(_on_black(skdata.coffee()[40:330, 120:480])))
CAT_ON_BLACK = _on_black(skdata.chelsea()[40:280, 80:330])


def _on_texture(part: np.ndarray, texture: np.ndarray) -> np.ndarray:
    """A real photo's object (cut off its black backdrop) laid on one of scikit-image's real texture photos."""
    on_black = _on_black(part)
    texture = np.array(Image.fromarray(texture).resize((640, 480))).astype(np.uint8)
    frame = np.repeat(texture[..., None], 3, axis=2)
    obj = cv2.resize((~plain_backdrop(on_black)).astype(np.uint8), (640, 480), interpolation=cv2.INTER_NEAREST) > 0
    frame[obj] = on_black[obj]
    return frame


CUP_ON_GRAVEL = compute_query(Image.fromarray(_on_texture(skdata.coffee()[40:330, 120:480], skdata.gravel())))


def _on_cloth(part: np.ndarray) -> np.ndarray:
    """A real photo's object on a blue cloth with folds (scikit-image's grass photo, its contrast lowered, tinted):
    a busy frame, but one whose backdrop the object's own colours are told from, as on ETH-80's cloth."""
    on_black = _on_black(part)
    folds = np.array(Image.fromarray(skdata.grass()).resize((640, 480))).astype(np.float32)
    folds = 0.3 * (folds - folds.mean())
    frame = np.stack([base + folds for base in (45, 75, 150)], axis=2).clip(0, 255).astype(np.uint8)
    obj = cv2.resize((~plain_backdrop(on_black)).astype(np.uint8), (640, 480), interpolation=cv2.INTER_NEAREST) > 0
    frame[obj] = on_black[obj]
    return frame


CUP_ON_CLOTH = compute_query(Image.fromarray(_on_cloth(skdata.coffee()[40:330, 120:480])))


def _photo(record_id: int, cells: int, phash: int = 8, query: QuerySignature = QUERY,
           colours: np.ndarray = NO_COLOURS, frame_colour: float = 0.8) -> ranking._PhotoResult:
    cand = Candidate(photo_id=record_id * 10, record_id=record_id, distances={"phash": phash, "combined": 20.0})
    score = ranking._image_score(cells, cand, frame_colour)
    return ranking._PhotoResult(cand, cells + 5, cells + 20, cells, query.variants[0].name, frame_colour, score,
                                np.arange(cells), False, 0, registered_colours=colours)


def _verdicts(*photos: ranking._PhotoResult, query: QuerySignature = QUERY) -> dict[int, tuple[str, str | None]]:
    groups = ranking._group(list(photos))
    distinct = ranking._distinct_record(groups, query)
    out = {}
    for rid, group in groups.items():
        score = ranking._record_score(group, ranking._NO_FIELDS, rid == distinct)
        match = ranking._record_match(rid, group, ranking._NO_FIELDS, score, query, np.zeros(1, bool), rid == distinct)
        out[rid] = (match.verdict, match.evidence["match_by"])
    return out


def test_far_more_than_any_other_record_is_a_match():
    verdicts = _verdicts(_photo(1, 11), _photo(2, 6), _photo(3, 0))
    assert verdicts[1] == ("match", "distinct") and verdicts[2][0] == "no_match"


@pytest.mark.parametrize("other_cells", [8, 10, 12])
def test_a_look_alike_verified_nearly_as_much_keeps_it_possible(other_cells: int):
    assert _verdicts(_photo(1, 11), _photo(2, other_cells))[1] == ("possible", None)


@pytest.mark.parametrize("query", [CUP_ON_BLACK, CUP_ON_CLOTH], ids=["plain backdrop", "cloth, busy frame"])
def test_shapes_that_disagree_as_a_whole_keep_it_possible(query: QuerySignature):
    """On a plain backdrop or a cloth the object's outline shapes the frame's pHash: a record whose photo is far by
    it stays `possible` however far ahead, with colours alike."""
    own = query.variants[0].object_colours()
    assert len(own)
    near, far = (_photo(1, 12, phash=phash, query=query, colours=own) for phash in (8, ranking.DISTINCT_MAX_PHASH + 2))
    assert _verdicts(near, _photo(2, 3, query=query), query=query)[1] == ("match", "distinct")
    assert _verdicts(far, _photo(2, 3, query=query), query=query)[1] == ("possible", None)


def test_on_a_busy_frame_with_no_backdrop_the_objects_own_colours_decide_not_its_shape():
    """The cup seen on gravel: no backdrop tells its object from the gravel, so the frame's pHash is the gravel's
    and a cut-out's only as good as the cut; a record far ahead whose photo (on a backdrop: its object's own colours
    known) is far by its pHash is a `match` when the objects' own colours agree (the cup's), not when they differ
    (the cat's). A registered photo whose object was not told from a backdrop (a weave filling the frame) keeps its
    pHash asked; and where no object was cut out of the frame with its colours, nothing stands in for the shape."""
    assert CUP_ON_GRAVEL.busy_frame and len(CUP_ON_GRAVEL.variants[0].object_colours()) == 0
    own = CUP_ON_BLACK.variants[0].object_colours()
    cat = ft.object_colour_histogram(CAT_ON_BLACK, plain_backdrop(CAT_ON_BLACK))
    far = ranking.DISTINCT_MAX_PHASH + 10

    def verdict(colours: np.ndarray) -> tuple[str, str | None]:
        best = replace(_photo(1, 11, phash=far, query=CUP_ON_GRAVEL, colours=colours), variant=CUT_OUT)
        return _verdicts(best, _photo(2, 3, query=CUP_ON_GRAVEL), query=CUP_ON_GRAVEL)[1]

    assert verdict(own) == ("match", "distinct")
    assert verdict(cat) == ("possible", None)
    assert verdict(NO_COLOURS) == ("possible", None)
    no_cut_out = replace(CUP_ON_GRAVEL, variants=[v for v in CUP_ON_GRAVEL.variants if v.name != CUT_OUT])
    best = _photo(1, 11, phash=far, query=no_cut_out, colours=own)
    assert _verdicts(best, _photo(2, 3, query=no_cut_out), query=no_cut_out)[1] == ("possible", None)


def test_objects_whose_own_colours_differ_keep_it_possible():
    own = CUP_ON_BLACK.variants[0].object_colours()
    cat = ft.object_colour_histogram(CAT_ON_BLACK, plain_backdrop(CAT_ON_BLACK))
    assert len(own) and ft.hues_alike(own, cat) < ranking.DISTINCT_MIN_OWN_COLOURS
    alike = _verdicts(_photo(1, 11, query=CUP_ON_BLACK, colours=own), _photo(2, 3, query=CUP_ON_BLACK), query=CUP_ON_BLACK)
    differ = _verdicts(_photo(1, 11, query=CUP_ON_BLACK, colours=cat), _photo(2, 3, query=CUP_ON_BLACK), query=CUP_ON_BLACK)
    unknown = _verdicts(_photo(1, 11, query=CUP_ON_BLACK), _photo(2, 3, query=CUP_ON_BLACK), query=CUP_ON_BLACK)
    assert alike[1] == ("match", "distinct") and differ[1] == ("possible", None) and unknown[1] == ("match", "distinct")


def test_on_another_backdrop_the_objects_own_colours_decide_not_the_photos():
    """The cup registered on black, seen on gravel: the photos' colours differ (gravel against black), the
    object's own colours, as the busy frame's cut-out gives them, do not."""
    assert "full" == CUP_ON_GRAVEL.variants[0].name and len(CUP_ON_GRAVEL.variants[0].object_colours()) == 0
    own = CUP_ON_BLACK.variants[0].object_colours()
    cat = ft.object_colour_histogram(CAT_ON_BLACK, plain_backdrop(CAT_ON_BLACK))
    differ = ranking.DISTINCT_MIN_COLOUR - 0.15

    def verdict(colours: np.ndarray) -> tuple[str, str | None]:
        photos = (_photo(1, 11, query=CUP_ON_GRAVEL, colours=colours, frame_colour=differ),
                  _photo(2, 3, query=CUP_ON_GRAVEL, frame_colour=differ))
        return _verdicts(*photos, query=CUP_ON_GRAVEL)[1]

    assert verdict(own) == ("match", "distinct")
    assert verdict(cat) == ("possible", None)
    assert verdict(NO_COLOURS) == ("possible", None)  # the registered object's own colours unknown: the photos' differ


def _on_white(part: np.ndarray) -> np.ndarray:
    """A real photo's part on a studio's white paper."""
    frame = np.full((480, 640, 3), 240, np.uint8)
    frame[100:100 + part.shape[0], 40:40 + part.shape[1]] = part
    return frame


def _registered_phash(frame: np.ndarray) -> int:
    return int(np.frombuffer(compute_signature(Image.fromarray(frame)).index_key, "<u8")[0])


def _studio_phashes(query: QuerySignature) -> list[int]:
    return [int(query.variant(name).hash_words[0][0]) for name, _grey in STUDIO_BACKDROPS]


def test_a_cut_out_is_also_laid_on_a_studio_backdrop():
    """The cup seen on gravel, its object cut out of the busy frame, laid on black and on white (two more variants,
    in the cut-out's box): each is nearer the cup registered on that backdrop (a pHash carries the backdrop's
    lightness); a cat registered there stays far."""
    cut = CUP_ON_GRAVEL.variant(CUT_OUT)
    assert all(CUP_ON_GRAVEL.variant(name).box == cut.box for name, _grey in STUDIO_BACKDROPS)
    on_black, on_white = _studio_phashes(CUP_ON_GRAVEL)
    cup, cat = skdata.coffee()[40:330, 120:480], skdata.chelsea()[40:280, 80:330]
    registered_black, registered_white = _registered_phash(_on_black(cup)), _registered_phash(_on_white(cup))
    assert hs.hamming(on_black, registered_black) < hs.hamming(on_white, registered_black)
    assert hs.hamming(on_white, registered_white) < hs.hamming(on_black, registered_white)
    for backdrop in (_on_black, _on_white):
        stranger = _registered_phash(backdrop(cat))
        assert min(hs.hamming(p, stranger) for p in _studio_phashes(CUP_ON_GRAVEL)) > ranking.DISTINCT_MAX_PHASH


def test_a_cut_out_far_by_its_search_but_near_on_a_studio_backdrop_is_distinct():
    """The search's pHash distance (here one far beyond the rule's) is not the last word for a cut-out: laid on a
    studio's backdrop, the cup cut out of its cloth is near the cup's registered photo, not the cat's."""
    own = CUP_ON_CLOTH.variants[0].object_colours()

    def verdict(registered: np.ndarray) -> tuple[str, str | None]:
        far = ranking.DISTINCT_MAX_PHASH + 10
        best = replace(_photo(1, 11, phash=far, query=CUP_ON_CLOTH, colours=own), variant=CUT_OUT,
                       phash=_registered_phash(registered))
        return _verdicts(best, _photo(2, 3, query=CUP_ON_CLOTH), query=CUP_ON_CLOTH)[1]

    assert verdict(_on_white(skdata.coffee()[40:330, 120:480])) == ("match", "distinct")
    assert verdict(_on_white(skdata.chelsea()[40:280, 80:330])) == ("possible", None)


def _laid_at_middle(backdrop: np.ndarray, part: np.ndarray, share: float) -> Image.Image:
    """``part`` enlarged to ``share`` of the backdrop's shorter side, laid at its middle, saved as a JPEG."""
    h, w = backdrop.shape[:2]
    scale = share * min(h, w) / max(part.shape[:2])
    part = cv2.resize(part, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
    y, x = (h - part.shape[0]) // 2, (w - part.shape[1]) // 2
    frame = backdrop.copy()
    frame[y:y + part.shape[0], x:x + part.shape[1]] = part
    buffer = io.BytesIO()
    Image.fromarray(frame).save(buffer, "JPEG", quality=85)
    return Image.open(buffer)


def test_a_cut_out_laid_on_a_studio_backdrop_is_coloured_as_the_cut_out_not_as_the_frame():
    """The astronaut's panel, registered from a 128 px photo on white paper, seen on scikit-image's real brick
    photo tinted red (a busy frame that passes for a backdrop of one colour: the whole frame's "own colours" are
    the bricks' as much as the panel's). The cut-out laid on the studio's white gives no colours of its own (no
    plain backdrop found around its half-size picture). A record far ahead that this variant verified, its pHash
    near, is a `match` by the cut-out's colours (the same pixels), which agree with the registered photo's; by the
    frame's it stayed `possible` (as eth80's cup8 moved onto grass, bench/README.md run 36)."""
    panel = np.ascontiguousarray(skdata.astronaut()[20:300, 100:330])
    paper = np.full((160, 160, 3), 236, np.uint8)
    own = ft.frame_and_object_colours(ft.unpack_features(compute_signature(
        _laid_at_middle(paper, panel, 0.7).resize((128, 128))).features)["colour"])[1]
    brick = cv2.resize(skdata.brick(), (480, 360)).astype(np.float32)
    red = np.stack([brick, brick * 0.6, brick * 0.5], axis=2).clip(0, 255).astype(np.uint8)
    query = compute_query(_laid_at_middle(red, panel, 0.6))
    studio, cut, frame = (query.variant(name).object_colours() for name in ("cutout-on-white", CUT_OUT, "full"))
    assert query.busy_frame and len(studio) == 0 and len(cut) and len(frame)
    assert ft.hues_alike(frame, own) < ranking.DISTINCT_MIN_OWN_COLOURS <= ft.hues_alike(cut, own)
    assert np.array_equal(ranking._query_object_colours(query, "cutout-on-white"), cut)
    best = replace(_photo(1, 11, phash=8, query=query, colours=own), variant="cutout-on-white")
    assert _verdicts(best, _photo(2, 3, query=query), query=query)[1] == ("match", "distinct")


def test_below_its_fewest_cells_nothing_is_a_match_however_alone():
    own = CUP_ON_BLACK.variants[0].object_colours()
    few = _photo(1, ranking.DISTINCT_FEW_CELLS - 1, phash=8, query=CUP_ON_BLACK, colours=own)
    assert _verdicts(few, query=CUP_ON_BLACK)[1][0] == "no_match"
    assert _verdicts(_photo(1, ranking.DISTINCT_MIN_CELLS - 1))[1][0] == "no_match"  # colours unknown


def _paler(part: np.ndarray, share: float) -> np.ndarray:
    """A real photo's part with its colours ``share`` as strong (the same hues, in CIELAB a* and b* nearer grey)."""
    lab = cv2.cvtColor(part, cv2.COLOR_RGB2LAB).astype(np.float32)
    lab[..., 1:] = 128 + share * (lab[..., 1:] - 128)
    return cv2.cvtColor(lab.clip(0, 255).astype(np.uint8), cv2.COLOR_LAB2RGB)


def test_a_record_ahead_by_few_cells_is_distinct_only_where_shape_and_chroma_agree_closely():
    """8-9 cells, far ahead of every other record (another viewpoint of a 3-D object verifies no more): a `match`
    where the object's shape (pHash) and its CIELAB chroma agree closely; not for a look-alike of the same hues in
    paler colours (the coffee cup's own colours, seven tenths as strong), nor a shape only as near as 10+ cells want,
    nor where the registered object's chroma is unknown (an offline bank keeps its hues only)."""
    query = CUP_ON_BLACK
    own = query.variants[0].object_colours()
    cup = skdata.coffee()[40:330, 120:480]
    pale_photo = _on_black(_paler(cup, 0.7))
    pale = ft.object_colour_histogram(pale_photo, plain_backdrop(pale_photo))
    assert ft.hues_alike(own, pale) >= ranking.DISTINCT_MIN_OWN_COLOURS  # the 10+ cells' rule lets it through
    assert ft.chroma_alike(own, pale) < ranking.DISTINCT_FEW_MIN_CHROMA <= ft.chroma_alike(own, own)
    few = ranking.DISTINCT_FEW_CELLS + 1

    def verdict(cells: int, colours: np.ndarray, phash: int = 8) -> tuple[str, str | None]:
        return _verdicts(_photo(1, cells, phash=phash, query=query, colours=colours), _photo(2, 3, query=query),
                         query=query)[1]

    assert verdict(few, own) == ("match", "distinct")
    assert verdict(few, pale) == ("no_match", None)
    assert verdict(ranking.DISTINCT_MIN_CELLS, pale) == ("match", "distinct")
    assert verdict(few, own, phash=ranking.DISTINCT_FEW_MAX_PHASH + 2) == ("no_match", None)
    assert verdict(ranking.DISTINCT_MIN_CELLS, own, phash=ranking.DISTINCT_FEW_MAX_PHASH + 2) == ("match", "distinct")
    assert verdict(few, ft.hues_only(own)) == ("no_match", None)
    assert verdict(ranking.DISTINCT_MIN_CELLS, ft.hues_only(own)) == ("match", "distinct")


def test_a_match_by_its_areas_says_so():
    assert _verdicts(_photo(1, 20), _photo(2, 18))[1] == ("match", "areas")
