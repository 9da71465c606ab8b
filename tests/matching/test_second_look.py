"""The second look (issue 23): a turned object's first record, short of a `match` by ORB's cells but ahead of every
other record, looked at again with AKAZE features stored beside ORB's; a `match` only where AKAZE puts the same
record first, by a margin of its own, and only for an object told from what lies around it. Real photographs:
scikit-image's stereo pair of a motorcycle (two cameras, two viewpoints) and its other real photos as the other
records, each on a studio's black backdrop; its gravel photo as a frame filled with a surface."""
from __future__ import annotations

import cv2
import numpy as np
import pytest
from PIL import Image
from skimage import data as skdata

from registry.matching import compute_query, compute_signature, ranking
from registry.matching import second_look as sl
from registry.matching.types import Candidate



def _on_black(photo: np.ndarray) -> Image.Image:
    """A real photo laid on a studio's plain black backdrop: an object told from what lies around it."""
    frame = np.full((photo.shape[0] + 160, photo.shape[1] + 160, 3), 18, np.uint8)
    frame[80:80 + photo.shape[0], 80:80 + photo.shape[1]] = photo
    return Image.fromarray(frame)


LEFT, RIGHT = (_on_black(a[60:420, 120:620]) for a in skdata.stereo_motorcycle()[:2])
OTHERS = {2: skdata.astronaut(), 3: skdata.coffee(), 4: skdata.chelsea(), 5: skdata.rocket()}


@pytest.fixture(scope="module")
def stored() -> dict[int, bytes]:
    """Record n's one photo (photo id 10 n), its AKAZE features as its signature keeps them: the motorcycle from
    the left camera, then the others."""
    photos = {1: LEFT, **{rid: _on_black(a) for rid, a in OTHERS.items()}}
    return {10 * rid: compute_signature(img).second_features for rid, img in photos.items()}


@pytest.fixture(scope="module")
def query():
    """The motorcycle from the right camera: another viewpoint of the registered object."""
    return compute_query(RIGHT)


def _looked(query, stored: dict[int, bytes], orb_cells: dict[int, int]) -> ranking._SecondLook | None:
    """The second look, the records' photos verified by ORB with ``orb_cells`` (record -> cells), best first."""
    variant = query.variants[0].name
    photos = {rid: [ranking._PhotoResult(Candidate(10 * rid, rid, {"phash": 20, "combined": 40.0}), cells + 4,
                                         cells + 20, cells, variant, 0.5, ranking._image_score(cells, Candidate(
                                             10 * rid, rid, {"combined": 40.0}), 0.5), np.arange(cells))]
              for rid, cells in orb_cells.items()}
    scored = sorted(((ps[0].image_score, rid, ps, ranking._NO_FIELDS) for rid, ps in photos.items()),
                    key=lambda s: (-s[0], s[1]))
    return ranking._second_look(query, scored, photos, lambda ids: {i: stored[i] for i in ids if i in stored}, None)


def test_a_registered_photos_akaze_features_are_kept_beside_its_orb_features(stored: dict[int, bytes]) -> None:
    akaze = sl.unpacked(stored[10])
    assert akaze is not None and 50 < len(akaze.keypoints) <= sl.MAX_KEYPOINTS
    assert akaze.descriptors.shape == (len(akaze.keypoints), sl.DESCRIPTOR_BYTES)
    again = sl.unpacked(sl.packed(akaze))
    assert np.array_equal(again.keypoints, akaze.keypoints) and np.array_equal(again.descriptors, akaze.descriptors)
    assert sl.unpacked(b"") is None and sl.unpacked(None) is None  # a signature made without them


@pytest.mark.parametrize("damage", ["cut short", "one byte more", "not its magic"])
def test_damaged_akaze_features_are_refused(stored: dict[int, bytes], damage: str) -> None:
    good = stored[10]
    bad = {"cut short": good[:-5], "one byte more": good + b"\0", "not its magic": b"XXXX" + good[4:]}[damage]
    with pytest.raises(ValueError, match="reindex"):
        sl.unpacked(bad)


def test_a_check_without_a_second_look_loader_is_ranked_by_orb_alone(query) -> None:
    """The standing watch, certificates and a phone's offline bank rank without AKAZE features: no second look."""
    registered = compute_signature(LEFT)
    found = ranking.rank(query, [Candidate(10, 1, {"phash": 20, "combined": 40.0})],
                         lambda ids: {10: registered.features})
    assert found and found[0].evidence["second_look"] is None


def test_another_viewpoint_first_by_orb_is_confirmed_by_akaze(query, stored: dict[int, bytes]) -> None:
    """ORB puts the motorcycle first, short of a match and ahead of the rest: AKAZE verifies it again from the
    other camera, far more than any other record."""
    looked = _looked(query, stored, {1: ranking.SECOND_LOOK_MIN_CELLS + 1, 2: 2, 3: 1, 4: 0, 5: 0})
    assert looked is not None and looked.confirmed, looked
    assert looked.cells >= ranking.SECOND_LOOK_CELLS and looked.cells - looked.others >= ranking.SECOND_LOOK_MARGIN


def test_a_record_akaze_does_not_put_first_is_not_confirmed(query, stored: dict[int, bytes]) -> None:
    """Had ORB put another record first (the astronaut), AKAZE's cells with it are few: no match."""
    looked = _looked(query, stored, {2: ranking.SECOND_LOOK_MIN_CELLS + 1, 1: 2, 3: 1})
    assert looked is not None and not looked.confirmed and looked.cells < ranking.SECOND_LOOK_CELLS, looked


def test_a_frame_filled_with_a_surface_is_not_looked_at_again() -> None:
    """Two parts of one gravel photo: no object told apart, so AKAZE's chance cells on the texture are not asked."""
    gravel = skdata.gravel()
    left, right = (Image.fromarray(np.stack([part] * 3, axis=2)) for part in (gravel[:, :300], gravel[:, 212:]))
    stored = {10: compute_signature(left).second_features}
    assert _looked(compute_query(right), stored, {1: ranking.SECOND_LOOK_MIN_CELLS + 3, 2: 0}) is None


@pytest.mark.parametrize("orb_cells", [
    {1: ranking.SECOND_LOOK_MIN_CELLS - 1, 2: 0},  # too few ORB cells to look again
    {1: ranking.SECOND_LOOK_MIN_CELLS + 1, 2: ranking.SECOND_LOOK_MIN_CELLS + 1 - ranking.SECOND_LOOK_AHEAD + 1},
    {1: ranking.MATCH_MIN_CELLS, 2: 0},  # a match already
], ids=["few cells", "a record close behind", "already a match"])
def test_akaze_is_not_asked_outside_the_gate(query, stored: dict[int, bytes], orb_cells: dict[int, int]) -> None:
    assert _looked(query, stored, orb_cells) is None


def test_the_verdict_and_its_evidence_say_second_look(query, stored: dict[int, bytes]) -> None:
    looked = _looked(query, stored, {1: ranking.SECOND_LOOK_MIN_CELLS + 1, 2: 2})
    variant = query.variants[0].name
    cand = Candidate(10, 1, {"phash": 20, "combined": 40.0})
    best = ranking._PhotoResult(cand, 11, 27, ranking.SECOND_LOOK_MIN_CELLS + 1, variant, 0.5, 0.6, np.arange(7))
    match = ranking._record_match(1, [best], ranking._NO_FIELDS, 0.81, query, np.zeros(1, bool), False, looked)
    assert match.verdict == "match" and match.evidence["match_by"] == "second_look"
    assert match.evidence["second_look"]["feature"] == "AKAZE" and match.evidence["second_look"]["confirmed"]
    plain = ranking._record_match(1, [best], ranking._NO_FIELDS, 0.6, query, np.zeros(1, bool))
    assert plain.verdict == "no_match" and plain.evidence["second_look"] is None


def test_an_akaze_picture_with_nothing_to_describe_verifies_nothing(stored: dict[int, bytes]) -> None:
    flat = sl.describe(np.full((480, 640, 3), 128, np.uint8))
    assert len(flat.keypoints) == 0
    assert sl.cells_verified(flat, sl.unpacked(stored[10])) == 0


@pytest.mark.parametrize("shape", [(1, 640, 3), (640, 1, 3), (15, 640, 3), (5, 5, 3)])
def test_a_strip_or_a_speck_is_described_as_nothing(shape: tuple[int, ...]) -> None:
    """A picture 1 px high made OpenCV's AKAZE fail; one thinner than MIN_SIDE is not described at all."""
    picture = np.random.default_rng(0).integers(0, 256, shape, dtype=np.uint8)
    assert len(sl.describe(picture).keypoints) == 0


@pytest.mark.parametrize("photo", [skdata.astronaut(), skdata.chelsea(), skdata.coffee()],
                         ids=["astronaut", "cat", "coffee"])
@pytest.mark.parametrize("squeezed", ["width", "height"])
def test_a_foreshortened_photo_is_verified_through_the_querys_tilted_copies(photo: np.ndarray, squeezed: str) -> None:
    """A face seen at a slant is foreshortened (half its width at 60 degrees): AKAZE alone verifies little of it;
    with the query's squeezed copies (TILTS) far more, every keypoint put back inside the query's picture."""
    h, w = photo.shape[:2]
    slanted = cv2.resize(photo, (w // 2, h) if squeezed == "width" else (w, h // 2), interpolation=cv2.INTER_AREA)
    registered = sl.describe(photo)
    plain, tilted = sl.describe(slanted), sl.describe_tilted(slanted)
    assert len(tilted.keypoints) > len(plain.keypoints) and len(tilted.keypoints) == len(tilted.descriptors)
    assert (tilted.keypoints >= 0).all() and (tilted.keypoints < (slanted.shape[1], slanted.shape[0])).all()
    assert sl.cells_verified(tilted, registered) >= 2 * sl.cells_verified(plain, registered) + 5


def test_the_plane_verified_maps_the_query_where_the_registered_photo_shows_it() -> None:
    """plane_verified gives cells_verified's cells and the homography behind them: a real photo shrunk to 80 % and
    shifted is mapped back onto the photo within a few pixels, and an unrelated photo gives no plane."""
    photo = skdata.astronaut()
    warp = np.float32([[0.8, 0, 30], [0, 0.8, 20]])
    moved = cv2.warpAffine(photo, warp, (photo.shape[1], photo.shape[0]))
    registered, query = sl.describe(photo), sl.describe(moved)
    cells, homography = sl.plane_verified(query, registered)
    assert cells == sl.cells_verified(query, registered) >= 20
    corners = np.float32([[60, 60], [400, 60], [60, 380], [400, 380]])  # in the photo
    in_query = corners @ warp[:, :2].T + warp[:, 2]
    back = cv2.perspectiveTransform(in_query.reshape(-1, 1, 2), homography).reshape(-1, 2)
    assert np.abs(back - corners).max() < 3
    assert sl.plane_verified(sl.describe(skdata.coffee()), registered) == (0, None)
