"""The screenshots the README shows: made by scripts/screenshots.py, each a real PNG, small, and linked."""

from __future__ import annotations

import re
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / "docs" / "screenshots"
EXPECTED = {"landing.png", "match.png", "no-match.png", "certificate.png", "catalogue.png"}


def test_each_screenshot_is_a_small_png_linked_from_the_readme():
    readme = (ROOT / "README.md").read_text()
    linked = set(re.findall(r"docs/screenshots/([\w-]+\.png)", readme))
    assert EXPECTED <= linked
    for name in EXPECTED:
        path = SHOTS / name
        assert path.stat().st_size < 300_000, f"{name} is {path.stat().st_size} bytes"
        with Image.open(path) as image:
            assert image.format == "PNG" and image.width >= 900 and image.height >= 700


def test_the_screenshots_are_made_by_a_script_in_the_repository():
    script = (ROOT / "scripts" / "screenshots.py").read_text()
    for name in EXPECTED:
        assert f'"{name}"' in script, f"scripts/screenshots.py does not make {name}"
