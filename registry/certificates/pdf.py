"""The PDF of a due-diligence certificate, drawn with fpdf2 in the reader's language (Arabic shaped right to left).

A document one files: the registry's header and logo, who asked and when, the submitted photos as thumbnails, what
was compared, the result in words, and a QR code to the page that verifies it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Sequence

from flask_babel import gettext as _
from flask_babel import ngettext

from registry.documents import RegistryDocument
from registry.documents.layout import MUTED
from registry.templating import field_label, format_number, format_when, role_label, status_label, verdict_label

# A check's measured fields are kept in cm and kg (registry/services/checks.py QUERY_FIELD_NAMES).
_UNITS = {"height_cm": "cm", "width_cm": "cm", "depth_cm": "cm", "diameter_cm": "cm", "weight_kg": "kg"}
QR_SIZE = 30.0


def described_fields(description: dict[str, Any] | None) -> list[tuple[str, str]]:
    """The description a check was given, as (label, value) in the reader's language; measurements with their unit."""
    rows = []
    for name, value in (description or {}).items():
        if name in _UNITS and isinstance(value, (int, float)):
            value = f"{format_number(value)} {_UNITS[name]}"
        rows.append((field_label(name), str(value)))
    return rows


def check_scope(check: dict[str, Any]) -> str:
    """One sentence: which check, when, against what (the same words as the certificate's page)."""
    options = {"num": check["photos_searched"], "id": check["id"], "when": format_when(check["at"], True),
               "records": format_number(check["records_in_registry"])}
    if check.get("all_statuses"):
        return ngettext("#%(id)s at %(when)s UTC, against %(num)s photo of all records (registry of %(records)s records)",
                        "#%(id)s at %(when)s UTC, against %(num)s photos of all records (registry of %(records)s records)",
                        **options)
    return ngettext("#%(id)s at %(when)s UTC, against %(num)s photo of records reported stolen, missing or looted "
                    "(registry of %(records)s records)",
                    "#%(id)s at %(when)s UTC, against %(num)s photos of records reported stolen, missing or looted "
                    "(registry of %(records)s records)", **options)


def certificate_pdf(content: dict[str, Any], verification_code: str, verify_url: str, language: str = "en",
                    photo_paths: Sequence[Path | None] = ()) -> bytes:
    """Render a certificate's signed content as a printable PDF.

    :param language: the reader's language (the request's; labels, verdicts and dates follow it); Arabic is set right to left.
    :param photo_paths: the thumbnail file of each submitted photo, in order (None where it was not kept).
    """
    number = content["number"]
    pdf = RegistryDocument(_("Object ID Registry"), _("Due-diligence certificate"), rtl=language == "ar",
                           footer=f"{_('Certificate %(number)s', number=number)} · {{page}} / {{pages}}")
    pdf.set_title(_("Certificate %(number)s", number=number))
    pdf.set_author(_("Object ID Registry"))
    pdf.set_lang(language)
    pdf.add_page()
    _qr_code(pdf, verify_url)
    _heading(pdf, content)
    _what_was_checked(pdf, content, photo_paths)
    _result(pdf, content)
    _verification(pdf, verification_code, verify_url)
    return bytes(pdf.output())


def _qr_code(pdf: RegistryDocument, verify_url: str) -> None:
    """The QR code to the verification page, at the top corner of the first page, with what it is for under it."""
    top = pdf.get_y()
    x = pdf.l_margin if pdf.rtl else pdf.w - pdf.r_margin - QR_SIZE
    pdf.qr(verify_url, x, top, QR_SIZE)
    pdf.set_xy(x, top + QR_SIZE)
    pdf.use(7, colour=MUTED)
    pdf.multi_cell(QR_SIZE, 3.2, pdf.text_of(_("Scan to verify")), align="C")
    pdf.set_y(top)


def _heading(pdf: RegistryDocument, content: dict[str, Any]) -> None:
    holder = content["holder"]
    beside_qr = pdf.epw - QR_SIZE - 6
    pdf.document_title(_("Certificate %(number)s", number=content["number"]), width=beside_qr)
    who = f"{holder['name']} <{holder['email']}>"
    organisation = ", ".join(part for part in (role_label(holder.get("role", "")), holder.get("organisation")) if part)
    pdf.fields([
        (_("Issued"), _("%(when)s UTC", when=format_when(content["issued_at"], True))),
        (_("To"), f"{who} ({organisation})" if organisation else who),
    ], width=beside_qr)
    pdf.set_y(max(pdf.get_y(), pdf.t_margin + QR_SIZE + 4))


def _what_was_checked(pdf: RegistryDocument, content: dict[str, Any], photo_paths: Sequence[Path | None]) -> None:
    check = content["check"]
    pdf.section(_("What was checked"))
    rows = [(_("Check"), check_scope(check))] + described_fields(check.get("description"))
    red_lists = content.get("red_lists") or []
    consulted = "; ".join(f"{r['name']} ({r['year']})" for r in red_lists) or _(
        "None: no Red List category was compared (the object was not described in words).")
    pdf.fields(rows + [(_("Red Lists consulted"), consulted)])
    photos = check.get("photos") or []
    if photos:
        pdf.ln(2)
        pdf.text_block(_("Photos submitted"), size=10, bold=True)
        pdf.ln(1)
        paths = list(photo_paths) + [None] * (len(photos) - len(photo_paths))
        pdf.photo_row([(path, photo["label"]) for path, photo in zip(paths, photos)])
        for photo in photos:
            pdf.text_block(f"{photo['label']}: SHA-256 {photo['sha256']}", size=6.5, colour=MUTED)


def _result(pdf: RegistryDocument, content: dict[str, Any]) -> None:
    pdf.section(_("Result"))
    pdf.verdict_box(verdict_label(content["outcome"]), content["outcome"])
    for result in content["results"]:
        pdf.text_block(result["query"], size=10, bold=True)
        lines = [f"{verdict_label(c['verdict'])} · {format_number(c['score'], 2)} · {c['institution']} "
                 f"{c['object_number']} · {status_label(c['status'])}" for c in result.get("candidates") or []]
        lines += [_("Red List category %(code)s: %(name)s (fit %(score)s)", code=c["code"], name=c["name"],
                    score=format_number(c["score"], 2)) for c in result.get("red_list_categories") or []]
        for line in lines or [_("No candidate.")]:
            pdf.text_block(f"• {line}", size=9)
        for candidate in result.get("candidates") or []:
            if candidate.get("enquiry"):
                pdf.ln(1)
                pdf.panel(*enquiry_rows(candidate["enquiry"], candidate["object_number"]))
        pdf.ln(1.5)


def enquiry_rows(enquiry: dict[str, Any], object_number: str) -> tuple[str, list[tuple[str, str]]]:
    """Whom to contact about a found record, and the case reference to quote (issue 25): a heading and labelled rows."""
    contact = enquiry.get("contact") or {}
    heading = _("Contact about %(number)s: %(institution)s", number=object_number, institution=enquiry["institution"])
    labels = {"enquiry_email": _("E-mail for stolen-object enquiries"), "phone": _("Phone"),
              "postal_address": _("Postal address"), "website": _("Website")}
    rows = [(label, contact[name].replace("\n", ", ")) for name, label in labels.items() if contact.get(name)]
    if enquiry.get("case_reference"):
        rows.append((_("Police / case reference"), enquiry["case_reference"]))
    return heading, rows


def _verification(pdf: RegistryDocument, verification_code: str, verify_url: str) -> None:
    pdf.section(_("Verification"))
    pdf.text_block(_("Verification code: %(code)s", code=verification_code), size=11, bold=True)
    pdf.text_block(_("Anyone can confirm this certificate is genuine and unaltered at %(url)s", url=verify_url), size=9)
