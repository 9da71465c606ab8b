"""The PDF of a due-diligence certificate, drawn with fpdf2 in the reader's language (Arabic shaped right to left)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask_babel import gettext as _
from fpdf import FPDF

# A Unicode font where the system has one (Debian: fonts-dejavu-core, which has Arabic); else the PDF core font.
_UNICODE_FONTS = (Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),)


def certificate_pdf(content: dict[str, Any], verification_code: str, verify_url: str, language: str = "en") -> bytes:
    """Render a certificate's signed content as a printable PDF.

    :param language: the reader's language; labels are translated, Arabic is shaped and set right to left.
    """
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_page()
    family = _font(pdf, shaped=language == "ar")
    align = "R" if language == "ar" else "L"

    def line(text: str, size: int = 10, gap: float = 5.5) -> None:
        pdf.set_font(family, "", size)
        pdf.multi_cell(0, gap, _printable(text, family), new_x="LMARGIN", new_y="NEXT", align=align)

    holder = content["holder"]
    check = content["check"]
    line(_("Due-diligence certificate"), 18, gap=9)
    line(_("No. %(number)s, issued %(when)s UTC", number=content["number"], when=content["issued_at"]), 11)
    line(_("Issued to: %(holder)s", holder=f"{holder['name']} <{holder['email']}> {holder['organisation']}"))
    line("")
    line(_("What was checked"), 13, gap=7)
    line(_("Check #%(id)s at %(when)s UTC, against %(photos)s photos (registry of %(records)s records).",
           id=check["id"], when=check["at"], photos=check["photos_searched"], records=check["records_in_registry"]))
    for key, value in (check.get("description") or {}).items():
        line(f"{key.replace('_', ' ')}: {value}")
    for photo in check["photos"]:
        line(f"{photo['label']}: SHA-256 {photo['sha256']}", 8)
    line(_("Red Lists consulted: %(lists)s", lists="; ".join(f"{r['name']} ({r['year']})" for r in content["red_lists"]) or "-"), 9)
    line("")
    line(_("Result: %(outcome)s", outcome=_outcome_label(content["outcome"])), 13, gap=7)
    for result in content["results"]:
        line(f"{result['query']}:", 10)
        for candidate in result["candidates"] or []:
            line(f"  {candidate['verdict']}  {candidate['score']:.2f}  {candidate['institution']} {candidate['object_number']} [{candidate['status']}]", 9)
        for category in result["red_list_categories"]:
            line(f"  {category['code']}: {category['name']} ({category['score']:.2f})", 9)
    line("")
    line(_("Verification code: %(code)s", code=verification_code), 12, gap=7)
    line(_("Anyone can confirm this certificate is genuine and unaltered at %(url)s", url=verify_url), 9)
    return bytes(pdf.output())


def _outcome_label(outcome: str) -> str:
    return {"match": _("Match"), "possible": _("Possible match"), "no_match": _("No match")}.get(outcome, outcome)


def _font(pdf: FPDF, shaped: bool) -> str:
    for path in _UNICODE_FONTS:
        if path.is_file():
            pdf.add_font("unicode", "", str(path))
            if shaped:
                pdf.set_text_shaping(use_shaping_engine=True, direction="rtl", script="arab", language="ar")
            return "unicode"
    return "helvetica"


def _printable(text: str, family: str) -> str:
    if family != "helvetica":
        return text
    return text.encode("latin-1", "replace").decode("latin-1")
