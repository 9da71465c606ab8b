"""Reference images are small, deterministic and present for every category."""

from PIL import Image

from registry.redlists.loader import load_default
from registry.redlists.reference_images import IMAGE_DIR, draw_category, ensure_image


def test_every_category_has_a_small_image():
    categories = load_default().categories
    total = 0
    for cat in categories:
        path = IMAGE_DIR / cat.reference_images[0]
        assert path.exists(), path
        total += path.stat().st_size
        with Image.open(path) as image:
            assert image.size == (256, 256)
    assert total < 1_000_000


def test_drawing_is_deterministic(tmp_path):
    cat = load_default().categories[0]
    assert draw_category(cat).tobytes() == draw_category(cat).tobytes()
    path = ensure_image(cat, tmp_path)
    assert path.read_bytes() == (IMAGE_DIR / cat.reference_images[0]).read_bytes()
