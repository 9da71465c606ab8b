"""The catalogue as a PDF, in the reader's language: a cover, one object per half page (photo, Object ID fields,
whom to contact) and an index. Drawn with fpdf2 on the registry's A4 layout (Arabic shaped, right to left)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from flask_babel import gettext as _
from flask_babel import ngettext
from fpdf.fonts import FontFace

from registry.documents import LOGO_PATH, RegistryDocument
from registry.documents.layout import GOLD, LINE, MUTED, NAVY
from registry.models import ObjectRecord
from registry.objectid.standard import LOSS_STATUSES
from registry.policy import Principal, allowed
from registry.services.catalogue import Catalogue
from registry.templating import (
    field_label, format_day, maker_qualifier_label, measurement_lines, status_label,
)

PHOTO_BOX = 62.0
GUTTER = 5.0
STATUS_COLOURS = {"stolen": (164, 22, 26), "looted": (164, 22, 26), "missing": (138, 75, 0), "recovered": (43, 106, 48)}
# The Object ID fields printed beside the photo, in the standard's order (the title heads the entry, the number is
# under "contact"); a long text is cut so that an entry keeps to its half page.
PRINTED_FIELDS = ("object_type", "materials", "techniques", "inscriptions", "distinguishing_features", "subject",
                  "date_period", "maker", "place_of_origin", "description")
LONGEST = {"description": 320}
LONGEST_DEFAULT = 160


@dataclass(frozen=True)
class Shown:
    """What the reader's role may see beside each object (policy: checks.view_contact, checks.view_case_reference)."""

    contact: bool = True
    case_reference: bool = False

    @classmethod
    def to(cls, principal: Principal) -> "Shown":
        """What `principal` may see."""
        return cls(contact=allowed(principal, "checks.view_contact"),
                   case_reference=allowed(principal, "checks.view_case_reference"))


def catalogue_pdf(catalogue: Catalogue, language: str, photo_path: Callable[[str], Path | None],
                  sheet_url: Callable[[ObjectRecord], str], show: Shown = Shown()) -> bytes:
    """Render a catalogue.

    :param photo_path: the display copy's file for a photo's SHA-256 (None when not stored).
    :param sheet_url: the address of a record's Object ID sheet, printed with its contact.
    :param show: whether the institution's contact details and the police case reference are printed.
    """
    pdf = RegistryDocument(_("Object ID Registry"), _("Catalogue"), rtl=language == "ar",
                           footer=f"{_title(catalogue)} · {{page}} / {{pages}}")
    pdf.set_title(_title(catalogue))
    pdf.set_author(_("Object ID Registry"))
    pdf.set_lang(language)
    _cover(pdf, catalogue)
    pages: list[int] = []
    half = (pdf.h - pdf.t_margin - 18) / 2
    for position, record in enumerate(catalogue.records):
        if position % 2 == 0:
            pdf.add_page()
        top = pdf.t_margin + (position % 2) * half
        pages.append(pdf.page_no())
        _entry(pdf, position + 1, record, top, half, photo_path, sheet_url, show)
    _index(pdf, catalogue, pages)
    return bytes(pdf.output())


def _title(catalogue: Catalogue) -> str:
    if catalogue.selection.title:
        return catalogue.selection.title
    status = catalogue.selection.status
    return _("Catalogue of objects: %(status)s", status=status_label(status)) if status else _("Catalogue of objects")


def _selection_lines(catalogue: Catalogue) -> list[tuple[str, str]]:
    selection = catalogue.selection
    return [(label, value) for label, value in (
        (_("Status"), status_label(selection.status) if selection.status else _("All statuses")),
        (_("Institution"), selection.institution or _("All institutions")),
        (_("Search"), selection.text),
        (_("Printed"), format_day(datetime.now(timezone.utc))),
    ) if value]


def _cover(pdf: RegistryDocument, catalogue: Catalogue) -> None:
    pdf.add_page()
    if LOGO_PATH.is_file():
        pdf.image(str(LOGO_PATH), x=pdf.block_x(36), y=pdf.get_y() + 4, w=36, h=36)
    pdf.ln(48)
    pdf.document_title(_title(catalogue), size=24)
    pdf.use(13, colour=MUTED)
    count = ngettext("%(num)s object", "%(num)s objects", catalogue.total)
    pdf.multi_cell(0, 7, pdf.text_of(count), align=pdf.text_alignment, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.fields(_selection_lines(catalogue), label_width=40, size=10.5)
    if catalogue.truncated:
        pdf.ln(2)
        pdf.text_block(_("This catalogue prints the %(shown)s most recently changed of the %(total)s objects of the "
                         "selection; narrow the selection to print the others.", shown=len(catalogue.records),
                         total=catalogue.total), size=9.5, colour=MUTED)
    pdf.ln(10)
    pdf.set_draw_color(*GOLD)
    pdf.set_line_width(0.8)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
    pdf.set_line_width(0.2)
    pdf.ln(5)
    pdf.text_block(_("If you are offered, or come across, one of these objects: do not buy, sell or move it. Contact "
                     "the institution named with it, or the police, quoting its object number and case reference. "
                     "Anyone can check an object's photos against the registry."), size=11)
    if not catalogue.records:
        pdf.ln(6)
        pdf.text_block(_("No record fits this selection."), size=12, bold=True)


def _entry(pdf: RegistryDocument, number: int, record: ObjectRecord, top: float, height: float,
           photo_path: Callable[[str], Path | None], sheet_url: Callable[[ObjectRecord], str], show: "Shown") -> None:
    """One object in its half page: the photo and whom to contact on one side, its description on the other."""
    pdf.set_auto_page_break(False)
    photo_x = pdf.w - pdf.r_margin - PHOTO_BOX if pdf.rtl else pdf.l_margin
    text_x = pdf.l_margin if pdf.rtl else pdf.l_margin + PHOTO_BOX + GUTTER
    text_width = pdf.epw - PHOTO_BOX - GUTTER
    photos = record.current_photos
    pdf.photo_frame(photo_path(photos[0].sha256) if photos else None, photo_x, top + 2, PHOTO_BOX)
    with pdf.column(photo_x, PHOTO_BOX):
        pdf.set_y(top + PHOTO_BOX + 5)
        _contact(pdf, record, sheet_url(record), show)
    with pdf.column(text_x, text_width):
        pdf.set_y(top + 1)
        pdf.use(9, bold=True, colour=GOLD)
        pdf.cell(0, 5, pdf.text_of(_("No. %(n)s", n=number)), align=pdf.text_alignment, new_x="LMARGIN", new_y="NEXT")
        pdf.use(13, bold=True, colour=NAVY)
        pdf.multi_cell(0, 6.2, pdf.text_of(record.display_title), align=pdf.text_alignment, new_x="LMARGIN", new_y="NEXT")
        _status_line(pdf, record)
        pdf.fields(_record_rows(record), label_width=34, size=8.3, width=text_width)
    if number % 2 == 1:
        pdf.set_draw_color(*LINE)
        pdf.line(pdf.l_margin, top + height - 2, pdf.w - pdf.r_margin, top + height - 2)
    pdf.set_auto_page_break(True, margin=18)


def _status_line(pdf: RegistryDocument, record: ObjectRecord) -> None:
    parts = [status_label(record.status)]
    if record.status in LOSS_STATUSES or record.status == "recovered":
        parts += [format_day(record.loss_date) if record.loss_date else "", record.loss_place]
    pdf.use(9.5, bold=True, colour=STATUS_COLOURS.get(record.status, MUTED))
    pdf.multi_cell(0, 5.5, pdf.text_of(" · ".join(part for part in parts if part)), align=pdf.text_alignment,
                   new_x="LMARGIN", new_y="NEXT")
    pdf.ln(0.5)


def _cut(text: str, longest: int) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= longest else text[:longest - 1].rstrip() + "…"


def _record_rows(record: ObjectRecord) -> list[tuple[str, str]]:
    rows = []
    for name in PRINTED_FIELDS:
        value = getattr(record, name) or ""
        if name == "maker" and value and record.maker_qualifier:
            value = f"{maker_qualifier_label(record.maker_qualifier)} {value}"
        if name == "techniques":
            rows.append((field_label(name), _cut(value, LONGEST_DEFAULT)))
            measured = "; ".join(f"{label} {text}" for label, text in measurement_lines(record)) or record.measurements_text
            rows.append((_("Measurements"), _cut(measured, LONGEST_DEFAULT)))
            continue
        rows.append((field_label(name), _cut(value, LONGEST.get(name, LONGEST_DEFAULT))))
    return rows


def _contact(pdf: RegistryDocument, record: ObjectRecord, url: str, show: "Shown") -> None:
    pdf.use(8.5, bold=True, colour=NAVY)
    pdf.multi_cell(0, 4.4, pdf.text_of(_("Contact")), align=pdf.text_alignment, new_x="LMARGIN", new_y="NEXT")
    institution = record.institution
    contact = institution.contact if show.contact else {}
    lines = [institution.name] + [contact[name].replace("\n", ", ") for name in ("enquiry_email", "phone", "postal_address",
                                                                               "website") if contact.get(name)]
    lines += [_("Object number: %(number)s", number=record.object_number)]
    if record.case_reference and show.case_reference:
        lines.append(_("Case reference: %(reference)s", reference=record.case_reference))
    pdf.use(7.8)
    for line in lines:
        pdf.multi_cell(0, 3.9, pdf.text_of(line), align=pdf.text_alignment, new_x="LMARGIN", new_y="NEXT")
    pdf.use(6.5, colour=MUTED)
    pdf.multi_cell(0, 3.4, pdf.text_of(url), align=pdf.text_alignment, new_x="LMARGIN", new_y="NEXT", link=url)


def _index(pdf: RegistryDocument, catalogue: Catalogue, pages: list[int]) -> None:
    if not catalogue.records:
        return
    pdf.add_page()
    pdf.section(_("Index"))
    headings = (_("No."), _("Object number"), _("Title"), _("Institution"), _("Status"), _("Page"))
    widths = (12, 30, 62, 44, 20, 12)
    rows = [(str(n), r.object_number, _cut(r.display_title, 60), r.institution.name, status_label(r.status), str(page))
            for n, (r, page) in enumerate(zip(catalogue.records, pages), start=1)]
    if pdf.rtl:
        headings, widths, rows = headings[::-1], widths[::-1], [row[::-1] for row in rows]
    pdf.use(8)
    with pdf.table(col_widths=widths, text_align=pdf.text_alignment, line_height=4.4, padding=(0.8, 1.2),
                   headings_style=FontFace(emphasis="BOLD", color=NAVY), borders_layout="HORIZONTAL_LINES",
                   first_row_as_headings=True) as table:
        table.row([pdf.text_of(text) for text in headings])
        for row in rows:
            table.row([pdf.text_of(text) for text in row])
