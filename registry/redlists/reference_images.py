"""Generate small, deterministic illustrative PNGs (not photographs) for Red List categories."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Callable, Iterable, Optional

from PIL import Image, ImageDraw

from registry.redlists import text as tx
from registry.redlists.model import Category

SIZE = 256
IMAGE_DIR = Path(__file__).parent / "data" / "images"
BACKGROUND = (246, 242, 232)
OUTLINE = (60, 50, 40)
MATERIAL_COLOURS = {
    "stone": (150, 145, 135), "lapis_lazuli": (38, 68, 150), "hematite": (70, 70, 78), "chalcedony": (200, 170, 150),
    "steatite": (120, 135, 110), "chlorite": (60, 80, 70), "calcite": (225, 220, 205), "alabaster": (235, 230, 215),
    "gypsum": (220, 215, 200), "limestone": (215, 200, 170), "basalt": (55, 55, 60), "schist": (105, 110, 115),
    "marble": (240, 238, 232), "shell": (240, 225, 210), "clay": (180, 130, 90), "terracotta": (190, 100, 60),
    "ceramic": (200, 150, 110), "fritware": (90, 170, 180), "glaze": (70, 160, 170), "gold": (212, 175, 55),
    "silver": (192, 192, 200), "copper": (184, 115, 51), "bronze": (140, 110, 60), "brass": (181, 166, 66),
    "glass": (140, 200, 190), "ivory": (240, 232, 205), "bone": (230, 220, 195), "wood": (120, 80, 45),
    "paper": (240, 230, 200), "parchment": (230, 215, 175), "birch_bark": (210, 190, 160),
    "palm_leaf": (200, 180, 120), "cotton": (235, 225, 205), "wool": (160, 60, 50), "canvas": (170, 140, 100),
    "stucco": (225, 220, 210), "sandstone": (196, 160, 120), "jade": (90, 150, 100),
    "greenstone": (80, 130, 95), "tumbaga": (200, 150, 70), "faience_eg": (60, 150, 160), "papyrus_m": (225, 205, 150),
    "cartonnage": (215, 190, 120), "tempera": (170, 60, 40), "granite": (120, 110, 110), "sequins": (200, 40, 90),
    "linen": (225, 215, 190), "iron": (90, 85, 80), "steel": (120, 125, 130), "laterite": (160, 80, 50),
    "obsidian": (30, 30, 35),
}
SHAPE_OF_TYPE = {
    "seal": "cylinder", "cylinder_seal": "cylinder", "stamp_seal": "cylinder", "tablet": "tablet", "cone": "tablet",
    "coin": "coin", "manuscript": "page", "book": "page", "scroll": "page", "mosaic": "mosaic", "panel": "mosaic",
    "textile": "textile", "mantle": "textile", "tunic": "textile", "bag": "textile", "mask": "mask",
    "painting": "painting", "jewellery": "ornament", "ear_spool": "ornament", "crown": "ornament",
    "figurine": "figure", "statue": "figure", "sculpture": "figure", "head": "head", "bust": "head",
    "relief": "relief", "plaque": "relief", "lamp": "vessel",
    "icon": "painting", "retablo": "painting", "papyrus": "page", "document": "page", "coffin": "mask",
    "mummy_mask": "mask", "architectural_element": "relief", "stele": "relief", "rock_art": "relief",
    "ritual_disc": "coin", "flag": "textile", "cut_metal": "relief", "torc": "ornament", "incense_burner": "vessel",
    "rattle": "vessel", "duho": "relief", "inscription": "tablet", "inscribed_stick": "tablet",
}


def _shape(category: Category) -> str:
    for value in category.object_types:
        for key, _ in tx.find_concepts(value, "en"):
            kind, _, cid = key.partition(":")
            if kind == "type":
                parents = {p.split(":")[1] for p in tx.vocabulary().ancestors(key)}
                if cid in SHAPE_OF_TYPE:
                    return SHAPE_OF_TYPE[cid]
                if "vessel" in parents or cid == "vessel":
                    return "vessel"
    return "figure"


def _colours(category: Category) -> tuple[tuple[int, int, int], tuple[int, int, int]]:
    found = [k.split(":")[1] for m in category.materials for k, _ in tx.find_concepts(m, "en")]
    colours = [MATERIAL_COLOURS[m] for m in found if m in MATERIAL_COLOURS] or [(170, 160, 150)]
    main = colours[0]
    accent = colours[1] if len(colours) > 1 else tuple(max(0, c - 50) for c in main)
    return main, accent


def _cylinder(d: ImageDraw.ImageDraw, main, accent) -> None:
    d.rectangle((88, 60, 168, 196), fill=main, outline=OUTLINE, width=3)
    d.ellipse((88, 45, 168, 75), fill=accent, outline=OUTLINE, width=3)
    d.ellipse((88, 181, 168, 211), fill=main, outline=OUTLINE, width=3)
    d.ellipse((120, 54, 136, 66), fill=OUTLINE)
    for y in range(90, 180, 22):
        d.line((100, y, 156, y + 8), fill=accent, width=3)


def _tablet(d, main, accent) -> None:
    d.rounded_rectangle((60, 40, 196, 216), radius=22, fill=main, outline=OUTLINE, width=3)
    for row, y in enumerate(range(62, 200, 18)):
        for x in range(76 + (row % 2) * 6, 180, 16):
            d.polygon([(x, y), (x + 8, y + 3), (x, y + 6)], fill=accent)


def _figure(d, main, accent) -> None:
    d.ellipse((103, 30, 153, 82), fill=main, outline=OUTLINE, width=3)
    d.polygon([(92, 90), (164, 90), (180, 220), (76, 220)], fill=main, outline=OUTLINE)
    d.line((92, 120, 164, 120), fill=accent, width=5)
    d.ellipse((115, 50, 124, 58), fill=accent)
    d.ellipse((132, 50, 141, 58), fill=accent)


def _head(d, main, accent) -> None:
    d.ellipse((68, 36, 188, 196), fill=main, outline=OUTLINE, width=3)
    d.rectangle((104, 190, 152, 226), fill=main, outline=OUTLINE, width=3)
    d.polygon([(96, 100), (120, 92), (120, 108)], fill=accent)
    d.polygon([(160, 100), (136, 92), (136, 108)], fill=accent)
    d.line((110, 150, 146, 150), fill=accent, width=4)


def _vessel(d, main, accent) -> None:
    d.rectangle((108, 40, 148, 70), fill=main, outline=OUTLINE, width=3)
    d.ellipse((60, 62, 196, 210), fill=main, outline=OUTLINE, width=3)
    d.line((70, 130, 186, 130), fill=accent, width=6)
    d.line((74, 150, 182, 150), fill=accent, width=3)


def _coin(d, main, accent) -> None:
    d.ellipse((48, 48, 208, 208), fill=main, outline=OUTLINE, width=4)
    d.ellipse((64, 64, 192, 192), outline=accent, width=3)
    d.ellipse((104, 84, 152, 132), fill=accent)
    d.rectangle((112, 128, 144, 168), fill=accent)


def _page(d, main, accent) -> None:
    d.rectangle((64, 28, 192, 228), fill=main, outline=OUTLINE, width=3)
    for y in range(50, 210, 14):
        d.line((80, y, 176 - (y % 28), y), fill=(60, 40, 30), width=3)
    d.rectangle((80, 40, 100, 60), fill=accent)


def _mosaic(d, main, accent) -> None:
    for i, x in enumerate(range(40, 216, 16)):
        for j, y in enumerate(range(40, 216, 16)):
            d.rectangle((x, y, x + 14, y + 14), fill=accent if (i * j + i) % 5 == 0 else main)


def _textile(d, main, accent) -> None:
    d.rectangle((44, 44, 212, 212), fill=main, outline=OUTLINE, width=3)
    for k in range(0, 168, 24):
        d.polygon([(44 + k, 128), (56 + k, 116), (68 + k, 128), (56 + k, 140)], fill=accent)
        d.line((44, 60 + k, 212, 60 + k), fill=accent, width=2)


def _mask(d, main, accent) -> None:
    d.ellipse((72, 28, 184, 228), fill=main, outline=OUTLINE, width=3)
    d.ellipse((96, 90, 122, 108), fill=OUTLINE)
    d.ellipse((134, 90, 160, 108), fill=OUTLINE)
    d.rectangle((122, 110, 134, 170), fill=accent)
    d.line((108, 190, 148, 190), fill=OUTLINE, width=4)


def _painting(d, main, accent) -> None:
    d.rectangle((48, 28, 208, 228), fill=(212, 175, 55), outline=OUTLINE, width=3)
    d.rectangle((64, 44, 192, 212), fill=main)
    d.ellipse((108, 64, 148, 104), fill=(230, 200, 170))
    d.ellipse((102, 58, 154, 110), outline=(212, 175, 55), width=3)
    d.polygon([(96, 110), (160, 110), (176, 200), (80, 200)], fill=accent)


def _ornament(d, main, accent) -> None:
    d.ellipse((48, 48, 208, 208), outline=main, width=22)
    d.ellipse((112, 20, 144, 52), fill=accent, outline=OUTLINE, width=2)


def _relief(d, main, accent) -> None:
    d.rectangle((40, 40, 216, 216), fill=main, outline=OUTLINE, width=3)
    d.ellipse((108, 70, 148, 110), fill=accent)
    d.rectangle((100, 112, 156, 190), fill=accent)
    d.line((56, 200, 200, 200), fill=OUTLINE, width=2)


SHAPES: dict[str, Callable] = {
    "cylinder": _cylinder, "tablet": _tablet, "figure": _figure, "head": _head, "vessel": _vessel, "coin": _coin,
    "page": _page, "mosaic": _mosaic, "textile": _textile, "mask": _mask, "painting": _painting,
    "ornament": _ornament, "relief": _relief,
}


def draw_category(category: Category, size: int = SIZE) -> Image.Image:
    """Draw an illustrative picture of the category's object type in its material's colours."""
    image = Image.new("RGB", (SIZE, SIZE), BACKGROUND)
    main, accent = _colours(category)
    SHAPES[_shape(category)](ImageDraw.Draw(image), main, accent)
    if size != SIZE:
        image = image.resize((size, size), Image.Resampling.LANCZOS)
    return image.quantize(colors=32, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)


def image_name(category: Category) -> str:
    """The file name used for a category's first reference image."""
    return category.reference_images[0] if category.reference_images else f"{category.code.lower()}.png"


def ensure_image(category: Category, directory: Path = IMAGE_DIR) -> Path:
    """Return the path of the category's image, drawing it first if it does not exist."""
    path = Path(directory) / image_name(category)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        draw_category(category).save(path, optimize=True)
    return path


def generate_all(categories: Iterable[Category], directory: Path = IMAGE_DIR, force: bool = False) -> list[Path]:
    """Draw every category's image into directory; returns the written paths."""
    paths = []
    for category in categories:
        path = Path(directory) / image_name(category)
        if force and path.exists():
            path.unlink()
        paths.append(ensure_image(category, directory))
    return paths


def main(argv: Optional[list[str]] = None) -> None:
    """Command line: regenerate the shipped reference images."""
    from registry.redlists.loader import load_default
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=IMAGE_DIR)
    args = parser.parse_args(argv)
    paths = generate_all(load_default().categories, args.out, force=True)
    print(f"{len(paths)} images, {sum(p.stat().st_size for p in paths)} bytes in {args.out}")


if __name__ == "__main__":
    main()
