"""The A4 layout every printed document shares: a navy header band with the logo, sections, label/value tables, photos.

Text is set in DejaVu Sans where the system has it (Debian: fonts-dejavu-core, with Arabic glyphs), shaped by HarfBuzz
for Arabic with the Unicode bidirectional algorithm, so an e-mail address or a number inside Arabic text keeps its
order. Without DejaVu the PDF falls back to a core font and Latin-1 text.
"""

from __future__ import annotations

import io
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable, Iterator, Sequence

import segno
from fpdf import FPDF
from fpdf.enums import TableBordersLayout, XPos, YPos

PROJECT_ROOT = Path(__file__).resolve().parent.parent.parent
LOGO_PATH = PROJECT_ROOT / "static" / "img" / "logo.png"
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}

NAVY = (18, 38, 58)
GOLD = (217, 164, 65)
INK = (29, 35, 42)
MUTED = (74, 85, 97)
LINE = (201, 209, 217)
VERDICT_COLOURS = {"match": (164, 22, 26), "possible": (176, 106, 0), "no_match": (43, 106, 48)}
HEADER_HEIGHT = 26.0


def qr_png(url: str) -> bytes:
    """A QR code of `url` as a PNG (error correction M, the standard quiet zone)."""
    buffer = io.BytesIO()
    segno.make(url, error="m", micro=False).save(buffer, kind="png", scale=8, border=4)
    return buffer.getvalue()


class RegistryDocument(FPDF):
    """An A4 page set with the registry's header band on every page and page numbers in the footer.

    :param registry_name: shown in the header beside the logo.
    :param kind: what the document is ("Due-diligence certificate"), under the name.
    :param rtl: right-to-left text (Arabic): text is right-aligned and shaped.
    :param footer: a line printed at the bottom of every page; `{page}` and `{pages}` are filled in.
    """

    def __init__(self, registry_name: str, kind: str, rtl: bool = False, footer: str = "{page} / {pages}") -> None:
        super().__init__(format="A4")
        self.registry_name, self.kind, self.rtl, self.footer_text = registry_name, kind, rtl, footer
        self.set_margins(15, HEADER_HEIGHT + 8, 15)
        self.set_auto_page_break(True, margin=18)
        self.font_name = self._fonts()
        self.text_alignment = "R" if rtl else "L"
        self.alias_nb_pages("{pages}")
        self.set_text_color(*INK)

    # -- fonts ---------------------------------------------------------------------------------------------
    def _fonts(self) -> str:
        if not all((FONT_DIR / name).is_file() for name in FONT_FILES.values()):
            return "helvetica"
        for style, name in FONT_FILES.items():
            self.add_font("body", style, str(FONT_DIR / name))
        if self.rtl:
            self.set_text_shaping(use_shaping_engine=True)  # HarfBuzz shapes Arabic; bidi orders mixed runs
        return "body"

    def text_of(self, text: object) -> str:
        """Text the current font can print (the core fallback font has Latin-1 only)."""
        text = "" if text is None else str(text)
        return text if self.font_name != "helvetica" else text.encode("latin-1", "replace").decode("latin-1")

    def use(self, size: float, bold: bool = False, colour: tuple[int, int, int] = INK) -> None:
        """Switch font size, weight and colour."""
        self.set_font(self.font_name, "B" if bold else "", size)
        self.set_text_color(*colour)

    # -- page furniture ------------------------------------------------------------------------------------
    def header(self) -> None:
        """The navy band: logo, the registry's name and the kind of document."""
        self.set_fill_color(*NAVY)
        self.rect(0, 0, self.w, HEADER_HEIGHT, style="F")
        logo_x = self.w - 15 - 16 if self.rtl else 15
        if LOGO_PATH.is_file():
            self.image(str(LOGO_PATH), x=logo_x, y=5, w=16, h=16)
        text_x, text_w = (15, self.w - 30 - 20) if self.rtl else (15 + 20, self.w - 30 - 20)
        self.set_xy(text_x, 6)
        self.use(15, bold=True, colour=(255, 255, 255))
        self.cell(text_w, 7, self.text_of(self.registry_name), align=self.text_alignment, new_x=XPos.LEFT, new_y=YPos.NEXT)
        self.set_x(text_x)
        self.use(10.5, colour=GOLD)
        self.cell(text_w, 6, self.text_of(self.kind), align=self.text_alignment)
        self.set_text_color(*INK)
        self.set_y(HEADER_HEIGHT + 8)

    def footer(self) -> None:
        """A thin rule and the footer line with page numbers."""
        self.set_y(-13)
        self.set_draw_color(*LINE)
        self.line(15, self.get_y(), self.w - 15, self.get_y())
        self.use(7.5, colour=MUTED)
        text = self.footer_text.replace("{page}", str(self.page_no()))
        self.cell(0, 6, self.text_of(text), align="C")

    # -- blocks --------------------------------------------------------------------------------------------
    def block_x(self, width: float) -> float:
        """Where a block `width` wide starts: at the left margin, or against the right one in right-to-left text."""
        return self.w - self.r_margin - width if self.rtl else self.l_margin

    @contextmanager
    def column(self, x: float, width: float) -> Iterator[None]:
        """Set text between x and x + width (margins moved for the duration), e.g. beside a photo."""
        left, right = self.l_margin, self.r_margin
        self.set_left_margin(x)
        self.set_right_margin(self.w - x - width)
        self.set_x(x)
        try:
            yield
        finally:
            self.set_left_margin(left)
            self.set_right_margin(right)

    def document_title(self, text: str, size: float = 17, width: float = 0) -> None:
        """The document's title line (`width`: narrower than the page, beside a QR code)."""
        width = width or self.epw
        self.use(size, bold=True)
        self.set_x(self.block_x(width))
        self.multi_cell(width, size * 0.5, self.text_of(text), align=self.text_alignment, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(1.5)

    def section(self, text: str) -> None:
        """A section heading with a rule under it; starts a new page when too little room is left."""
        if self.get_y() > self.h - 45:
            self.add_page()
        self.ln(3)
        self.use(12, bold=True, colour=NAVY)
        self.multi_cell(0, 6.5, self.text_of(text), align=self.text_alignment, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_draw_color(*GOLD)
        self.set_line_width(0.5)
        self.line(15, self.get_y(), self.w - 15, self.get_y())
        self.set_line_width(0.2)
        self.ln(2)

    def text_block(self, text: str, size: float = 10, colour: tuple[int, int, int] = INK, bold: bool = False) -> None:
        """Wrapped text."""
        self.use(size, bold=bold, colour=colour)
        self.multi_cell(0, size * 0.52, self.text_of(text), align=self.text_alignment, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def fields(self, rows: Iterable[tuple[str, str]], label_width: float = 48, size: float = 9.5, width: float = 0) -> None:
        """Label/value rows (Object ID fields, who and when), the label in bold; mirrored right to left."""
        rows = [(self.text_of(label), self.text_of(value)) for label, value in rows if value not in (None, "")]
        if not rows:
            return
        width = width or self.epw
        widths = (width - label_width, label_width) if self.rtl else (label_width, width - label_width)
        self.use(size)
        with self.table(width=width, col_widths=widths, borders_layout=TableBordersLayout.NONE, first_row_as_headings=False,
                        text_align=self.text_alignment, line_height=size * 0.5, padding=(0.8, 1.5),
                        align="RIGHT" if self.rtl else "LEFT") as table:
            for label, value in rows:
                row = table.row()
                cells = ((value, False), (label, True)) if self.rtl else ((label, True), (value, False))
                for text, bold in cells:
                    self.use(size, bold=bold, colour=MUTED if bold else INK)
                    row.cell(text)
        self.set_text_color(*INK)

    def panel(self, heading: str, rows: Sequence[tuple[str, str]], size: float = 8.8) -> None:
        """A tinted box with a navy edge: a bold heading, then label/value rows (whom to contact, say)."""
        if self.get_y() + 12 + 5 * len(rows) > self.h - 18:
            self.add_page()
        top = self.get_y()
        self.set_fill_color(238, 243, 248)
        self.use(size + 0.5, bold=True, colour=NAVY)
        self.set_x(self.l_margin + (0 if self.rtl else 2.5))
        self.multi_cell(self.epw - 2.5, size * 0.6, self.text_of(heading), align=self.text_alignment, fill=True,
                        padding=(1.5, 2, 0.5, 2), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        for label, value in rows:
            self.set_x(self.l_margin + (0 if self.rtl else 2.5))
            text = f"{label}: {value}" if label else value
            self.use(size)
            self.multi_cell(self.epw - 2.5, size * 0.55, self.text_of(text), align=self.text_alignment, fill=True,
                            padding=(0.3, 2), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        bottom = self.get_y() + 1.2
        self.set_fill_color(238, 243, 248)
        self.rect(self.l_margin + (0 if self.rtl else 2.5), self.get_y(), self.epw - 2.5, 1.2, style="F")
        self.set_fill_color(*NAVY)
        edge_x = self.w - self.r_margin - 2.5 if self.rtl else self.l_margin
        self.rect(edge_x, top, 2.5, bottom - top, style="F")
        self.set_y(bottom + 1.5)
        self.set_text_color(*INK)

    def verdict_box(self, text: str, verdict: str) -> None:
        """The result, large, on the verdict's colour (red for a match, amber possible, green none)."""
        self.set_fill_color(*VERDICT_COLOURS.get(verdict, NAVY))
        self.use(14, bold=True, colour=(255, 255, 255))
        self.multi_cell(0, 10, self.text_of(text), align="C", fill=True, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(*INK)
        self.ln(2)

    def photo_row(self, photos: Sequence[tuple[Path | None, str]], box: float = 38, caption_size: float = 7.5) -> None:
        """Thumbnails side by side with a caption under each; a photo not kept shows an empty frame."""
        if not photos:
            return
        per_row = max(1, int((self.w - 30 + 4) // (box + 4)))
        for start in range(0, len(photos), per_row):
            chunk = photos[start:start + per_row]
            if self.get_y() + box + 12 > self.h - 18:
                self.add_page()
            top = self.get_y()
            for position, (path, caption) in enumerate(chunk):
                x = (self.w - 15 - box - position * (box + 4)) if self.rtl else (15 + position * (box + 4))
                self.photo_frame(path, x, top, box)
                self.set_xy(x, top + box + 1)
                self.use(caption_size, colour=MUTED)
                self.multi_cell(box, caption_size * 0.45, self.text_of(caption), align="C", new_x=XPos.RIGHT, new_y=YPos.TOP)
            self.set_xy(15, top + box + 12)

    def photo_frame(self, path: Path | bytes | None, x: float, y: float, box: float) -> None:
        """A photo fitted into a framed square (an empty frame when there is none)."""
        self.set_draw_color(*LINE)
        self.rect(x, y, box, box)
        if isinstance(path, bytes):  # a photo read from the media store, wherever it keeps its files
            self.image(io.BytesIO(path), x=x + 1, y=y + 1, w=box - 2, h=box - 2, keep_aspect_ratio=True)
        elif path is not None and Path(path).is_file():
            self.image(str(path), x=x + 1, y=y + 1, w=box - 2, h=box - 2, keep_aspect_ratio=True)

    def qr(self, url: str, x: float, y: float, size: float = 28) -> None:
        """A QR code of `url` at (x, y), `size` millimetres wide, linked to the URL."""
        self.image(io.BytesIO(qr_png(url)), x=x, y=y, w=size, h=size, link=url, alt_text=url)
