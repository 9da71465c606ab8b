"""The PDF of a due-diligence certificate, drawn with fpdf2."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fpdf import FPDF

# A Unicode font where the system has one (Debian: fonts-dejavu-core); otherwise the PDF core font.
_UNICODE_FONTS = (Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),)


def certificate_pdf(content: dict[str, Any], verification_code: str, verify_url: str) -> bytes:
    """Render a certificate's signed content as a printable PDF."""
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_page()
    family = _font(pdf)

    def line(text: str, size: int = 10, bold: bool = False, gap: float = 5.5) -> None:
        pdf.set_font(family, "B" if bold and family == "helvetica" else "", size)
        pdf.multi_cell(0, gap, _printable(text, family), new_x="LMARGIN", new_y="NEXT")

    line("Due-diligence certificate", 18, bold=True, gap=9)
    line(f"No. {content['number']}  ·  issued {content['issued_at']} UTC", 11)
    holder = content["holder"]
    line(f"Issued to: {holder['name']} <{holder['email']}> ({holder['role']}{', ' + holder['organisation'] if holder['organisation'] else ''})")
    check = content["check"]
    line("")
    line("What was checked", 13, bold=True, gap=7)
    line(f"Check #{check['id']} at {check['at']} UTC, against {check['photos_searched']} photos of "
         f"{'all records' if check['all_statuses'] else 'records reported stolen, missing or looted'} "
         f"(registry of {check['records_in_registry']} records).")
    for key, value in (check.get("description") or {}).items():
        line(f"{key.replace('_', ' ')}: {value}")
    for photo in check["photos"]:
        line(f"Photo {photo['label']}: SHA-256 {photo['sha256']}", 8)
    line("Red Lists consulted: " + ("; ".join(f"{r['name']} ({r['year']})" for r in content["red_lists"]) or "none"), 9)
    line("")
    line(f"Result: {content['outcome'].replace('_', ' ').upper()}", 13, bold=True, gap=7)
    for result in content["results"]:
        line(f"{result['query']}:", 10, bold=True)
        for candidate in result["candidates"] or []:
            line(f"  {candidate['verdict']}  {candidate['score']:.2f}  {candidate['institution']} {candidate['object_number']} [{candidate['status']}]", 9)
        if not result["candidates"]:
            line("  no candidate", 9)
        for category in result["red_list_categories"]:
            line(f"  Red List category {category['code']}: {category['name']} (fit {category['score']:.2f})", 9)
    line("")
    line(f"Verification code: {verification_code}", 12, bold=True, gap=7)
    line(f"Anyone can confirm this certificate is genuine and unaltered at {verify_url}", 9)
    return bytes(pdf.output())


def _font(pdf: FPDF) -> str:
    for path in _UNICODE_FONTS:
        if path.is_file():
            pdf.add_font("unicode", "", str(path))
            return "unicode"
    return "helvetica"


def _printable(text: str, family: str) -> str:
    if family != "helvetica":
        return text
    return text.encode("latin-1", "replace").decode("latin-1")
