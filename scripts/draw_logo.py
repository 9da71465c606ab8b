"""Draw the registry's logo as static/img/logo.svg and static/img/logo.png (dev tool; both are committed).

python scripts/draw_logo.py

One set of shapes on a 64-unit square, written once as SVG and once rasterised with Pillow (4x supersampled), so the
page and the PDFs show the same mark: an amphora under a magnifying glass, on the registry's navy.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parent.parent / "static" / "img"
NAVY, GOLD, WHITE = "#12263a", "#d9a441", "#ffffff"

# Half an amphora's outline (x from the axis at 28), top to bottom; mirrored for the other half.
_HALF = [(4, 9), (4, 12), (3, 13), (3, 17), (7, 19), (11, 24), (12, 31), (10, 39), (6, 45), (3, 48), (5, 50), (5, 52), (0, 52)]
_AXIS = 28
_HANDLE = [(3, 14), (9, 13), (11, 16), (10, 21), (8, 21), (8, 17), (6, 16), (3, 17)]
_LENS_CENTRE, _LENS_RADIUS, _LENS_WIDTH = (43, 40), 10, 4
_HANDLE_LINE = ((50, 47), (58, 55))


def _amphora() -> list[tuple[float, float]]:
    right = [(_AXIS + dx, y) for dx, y in _HALF]
    left = [(_AXIS - dx, y) for dx, y in reversed(_HALF)]
    return right + left


def _handles() -> list[list[tuple[float, float]]]:
    return [[(_AXIS + dx, y) for dx, y in _HANDLE], [(_AXIS - dx, y) for dx, y in _HANDLE]]


def _points(points: list[tuple[float, float]]) -> str:
    return " ".join(f"{x:g},{y:g}" for x, y in points)


def svg() -> str:
    """The logo as SVG text."""
    (cx, cy), r = _LENS_CENTRE, _LENS_RADIUS
    (x1, y1), (x2, y2) = _HANDLE_LINE
    handles = "".join(f'<polygon points="{_points(h)}" fill="{GOLD}"/>' for h in _handles())
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" width="64" height="64" role="img" '
        'aria-label="Object ID Registry">'
        f'<rect width="64" height="64" rx="12" fill="{NAVY}"/>'
        f'<polygon points="{_points(_amphora())}" fill="{GOLD}"/>{handles}'
        f'<circle cx="{cx}" cy="{cy}" r="{r}" fill="{NAVY}" fill-opacity="0.35" stroke="{WHITE}" stroke-width="{_LENS_WIDTH}"/>'
        f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke="{WHITE}" stroke-width="6" stroke-linecap="round"/>'
        "</svg>\n"
    )


def png(size: int = 256) -> Image.Image:
    """The logo rasterised at `size` pixels."""
    scale = size * 4 / 64
    big = Image.new("RGBA", (size * 4, size * 4), (0, 0, 0, 0))
    draw = ImageDraw.Draw(big)

    def s(points):
        return [(x * scale, y * scale) for x, y in points]

    draw.rounded_rectangle((0, 0, 64 * scale - 1, 64 * scale - 1), radius=12 * scale, fill=NAVY)
    draw.polygon(s(_amphora()), fill=GOLD)
    for handle in _handles():
        draw.polygon(s(handle), fill=GOLD)
    (cx, cy), r = _LENS_CENTRE, _LENS_RADIUS
    lens = Image.new("RGBA", big.size, (0, 0, 0, 0))
    ImageDraw.Draw(lens).ellipse(s([(cx - r, cy - r), (cx + r, cy + r)]), fill=(18, 38, 58, 90))
    big = Image.alpha_composite(big, lens)
    draw = ImageDraw.Draw(big)
    draw.ellipse(s([(cx - r - 2, cy - r - 2), (cx + r + 2, cy + r + 2)]), outline=WHITE, width=round(_LENS_WIDTH * scale))
    (x1, y1), (x2, y2) = _HANDLE_LINE
    draw.line(s([(x1, y1), (x2, y2)]), fill=WHITE, width=round(6 * scale))
    for x, y in (_HANDLE_LINE[1],):
        draw.ellipse(s([(x - 3, y - 3), (x + 3, y + 3)]), fill=WHITE)
    return big.resize((size, size), Image.LANCZOS)


def main() -> None:
    """Write both files."""
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "logo.svg").write_text(svg())
    png().save(OUT / "logo.png", optimize=True)


if __name__ == "__main__":
    main()
