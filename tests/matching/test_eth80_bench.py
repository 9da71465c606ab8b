"""The eth80 benches' own pieces (the ETH-80 data is never a test's input): on drawn photos, the tune / held-out
split, the object cut off a blue cloth, the textured and studio backdrops; the skip where the data is absent
(eth80.py, eth80_scale.py and descriptors.py); on skimage's real photos, the learned descriptors descriptors.py
measures."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw
from skimage import data as skdata

import descriptors
import eth80_photos as ep

ROOT = Path(__file__).resolve().parents[2]


def _cloth_photo() -> Image.Image:
    """A yellow toy car with a blue stripe, and a white mug whose handle shows the cloth through it, on blue cloth."""
    rng = np.random.default_rng(3)
    cloth = np.clip(np.array([45, 55, 125]) + rng.normal(0, 6, (256, 256, 1)) * np.array([1, 1, 2]), 0, 255)
    img = Image.fromarray(cloth.astype(np.uint8))
    draw = ImageDraw.Draw(img)
    draw.rectangle((20, 160, 120, 200), fill=(235, 228, 150))  # the car
    draw.rectangle((20, 182, 120, 185), fill=(56, 89, 143))  # its blue stripe, inside it
    draw.rectangle((150, 40, 210, 130), fill=(215, 215, 228))  # the mug
    draw.ellipse((195, 60, 245, 110), fill=(215, 215, 228))  # its handle ...
    draw.ellipse((207, 72, 233, 98), fill=(45, 55, 125))  # ... and the cloth seen through it
    return img


def test_split_is_objects_one_to_five() -> None:
    halves = {name: ep.Eth80Object(name, "car", int(name[3:])).half for name in ("car1", "car5", "car6", "car14")}
    assert halves == {"car1": "tune", "car5": "tune", "car6": "heldout", "car14": "heldout"}


def test_object_mask_keeps_blue_inside_the_object_but_not_the_cloth_through_a_handle() -> None:
    mask = ep.object_mask(_cloth_photo())
    assert mask[183, 70]  # the stripe belongs to the car
    assert mask[180, 30] and mask[80, 170]  # the car, the mug
    assert not mask[85, 220]  # the cloth through the handle
    assert not mask[10, 10] and not mask[240, 240]  # the cloth
    assert 0.1 < mask.mean() < 0.2


def test_on_texture_keeps_the_object_and_replaces_the_cloth() -> None:
    img = _cloth_photo()
    moved = np.asarray(ep.on_texture(img, "brick", np.random.default_rng(1)), np.float32)
    before = np.asarray(img, np.float32)
    assert np.abs(moved[170, 60] - before[170, 60]).max() < 20  # the car, as it was (JPEG aside)
    assert np.abs(moved[10:40, 10:40].mean(axis=(0, 1)) - before[10:40, 10:40].mean(axis=(0, 1))).max() > 40  # no blue left


def test_on_studio_backdrop_keeps_the_object_on_plain_black_or_white() -> None:
    img = _cloth_photo()
    before = np.asarray(img, np.float32)
    for name, (low, high) in (("black", (5, 50)), ("white", (215, 255))):
        moved = np.asarray(ep.on_studio_backdrop(img, name, np.random.default_rng(1)), np.float32)
        assert np.abs(moved[170, 60] - before[170, 60]).max() < 20  # the car, as it was (JPEG aside)
        corner = moved[5:40, 5:40]
        assert low <= corner.mean() <= high and np.ptp(corner.mean(axis=(0, 1))) < 16  # plain, barely tinted


@pytest.mark.parametrize("script", ["eth80.py", "eth80_scale.py", "descriptors.py"])
def test_bench_skips_with_a_message_where_the_data_is_absent(tmp_path: Path, script: str) -> None:
    done = subprocess.run([sys.executable, str(ROOT / "bench" / script), "--data", str(tmp_path / "nowhere")],
                          capture_output=True, text=True, check=True)
    assert "not found" in done.stdout and "skipped" in done.stdout



def _grey_at_side(photo: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A real photo in grey at the size bench/descriptors.py describes a picture, and a mask over all of it."""
    grey = cv2.resize(cv2.cvtColor(photo, cv2.COLOR_RGB2GRAY), (descriptors.SIDE, descriptors.SIDE))
    return grey, np.full_like(grey, 255)


@pytest.mark.parametrize("name", ["VGG", "BOOST", "TEBLID", "BEBLID"])
def test_a_learned_descriptor_verifies_a_real_photo_shifted_and_not_another(name: str) -> None:
    """bench/descriptors.py's learned descriptors (weights inside opencv-contrib's wheel), on skimage's real photos:
    the astronaut, cropped and shifted, verifies over much of the picture; the coffee photo below every rule the bench
    scores (its fewest cells, RULES)."""
    det, matcher = descriptors.detector(name), descriptors.matcher_for(name)
    photo = skdata.astronaut()
    registered = descriptors.describe(det, name, *_grey_at_side(photo))
    shifted = descriptors.describe(det, name, *_grey_at_side(photo[40:, 30:]))
    stranger = descriptors.describe(det, name, *_grey_at_side(skdata.coffee()))
    assert registered[1] is not None and len(registered[0]) > 100
    assert descriptors.cells_verified(shifted, registered, matcher) >= 40
    assert descriptors.cells_verified(stranger, registered, matcher) < min(t for t, _ in descriptors.RULES)
