"""Matches that turn alike rank photos that verify no plane (another viewpoint of a 3-D object, issue 23): counted on
real photos, worth at most what a few verified cells are, and never a verdict."""
from __future__ import annotations

import numpy as np
from PIL import Image
from skimage import data as skdata

from conftest import ranked_records
from registry.matching import aggregate as ag
from registry.matching import compute_query, compute_signature, ranking
from registry.matching import features as ft
from registry.matching.types import Candidate

QUERY = compute_query(Image.fromarray(skdata.coffee()))  # a real query photo: its first variant stands for each one


def _verified(registered: Image.Image, query: Image.Image) -> ft.Verified:
    blob = ft.unpack_features(compute_signature(registered).features)
    q = compute_query(query).variants[0].features
    return ft.verify(q.keypoints, q.descriptors, blob["kp"], blob["desc"], q.cell_bounds,
                     ft.cell_bounds(blob["cells"], ag.N_CELLS), q.angles, blob["angle"])


def test_a_photo_turned_turns_its_matches_alike_and_a_stranger_does_not():
    astronaut = Image.fromarray(skdata.astronaut())
    same = _verified(astronaut, astronaut.rotate(30, expand=True))
    stranger = _verified(astronaut, Image.fromarray(skdata.chelsea()))
    assert same.turned_alike >= same.inliers >= 50  # every inlier turned alike, and more matches besides
    assert same.turned_alike <= same.matches
    assert stranger.cells == 0 and stranger.turned_alike < same.turned_alike / 5


def _photo(record_id: int, cells: int, turned_alike: int, combined: float = 20.0) -> ranking._PhotoResult:
    cand = Candidate(photo_id=record_id * 10, record_id=record_id, distances={"phash": 20, "combined": combined})
    score = ranking._image_score(cells, cand, 0.8, turned_alike)
    return ranking._PhotoResult(cand, cells + 5, cells + 20, cells, QUERY.variants[0].name, 0.8, score, np.arange(cells),
                                False, 0, turned_alike)


def _ranked(*photos: ranking._PhotoResult) -> list:
    return ranked_records(QUERY, list(photos))


def test_more_matches_turned_alike_rank_first_where_no_plane_verified():
    ranked = _ranked(_photo(1, 0, 6, combined=18.0), _photo(2, 0, 40, combined=24.0))
    assert [m.record_id for m in ranked] == [2, 1]  # before: the nearer hashes first
    assert [m.verdict for m in ranked] == ["no_match", "no_match"]
    assert ranked[0].evidence["turned_alike"] == 40


def test_they_count_no_more_than_a_few_verified_cells():
    ranked = _ranked(_photo(1, 5, 0), _photo(2, 0, 400))
    assert [m.record_id for m in ranked] == [1, 2]
    assert _photo(3, 5, 0).image_score == _photo(3, 5, 400).image_score  # a photo that verified cells keeps its score
    assert _photo(3, 14, 0).image_score == _photo(3, 14, 400).image_score
