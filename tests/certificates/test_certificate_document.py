"""The certificate as a document one files: logo, thumbnails, dates and verdicts in the reader's language, a QR code to
/verify, and only the Red Lists whose categories were compared. PDFs are read back with pypdf and rendered with pdfium."""

from __future__ import annotations

import io
import re

import pypdfium2
import pytest
from babel.dates import format_datetime
from pypdf import PdfReader
from sqlalchemy import select

from registry.demo.images import draw_object
from registry.extensions import db
from registry.models import CategoryRow, Certificate, Check, RedListRow
from registry.redlists import load_default, loads
from registry.services.redlists import import_red_list_set


def _jpeg(seed: int, shape: str = "statuette") -> bytes:
    buffer = io.BytesIO()
    draw_object(seed, shape, "bronze").save(buffer, format="JPEG", quality=90)
    return buffer.getvalue()


def _certify(client, description: str = "bronze figure", photos: int = 2) -> Certificate:
    files = [(io.BytesIO(_jpeg(70 + n, ("statuette", "vase")[n % 2])), f"lot-{n + 1}.jpg") for n in range(photos)]
    response = client.post("/check/", data={"photos": files, "description": description}, content_type="multipart/form-data")
    assert response.status_code == 200
    check = db.session.scalars(select(Check).order_by(Check.id.desc())).first()
    assert client.post(f"/checks/{check.id}/certificate").status_code == 302
    return db.session.scalar(select(Certificate).where(Certificate.check_id == check.id))


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _lists_with_categories() -> list[RedListRow]:
    return list(db.session.scalars(select(RedListRow).where(RedListRow.categories.any())))


@pytest.fixture
def red_lists(app):
    import_red_list_set(load_default())


def test_the_pdf_speaks_french_dates_and_verdicts(client, login_as, red_lists):
    login_as("dealer")
    certificate = _certify(client)
    response = client.get(f"/certificates/{certificate.number}.pdf?lang=fr")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = _pdf_text(response.data)
    assert "Registre Object ID" in text and f"Certificat {certificate.number}" in text
    assert "Aucune correspondance" in text  # the verdict in words
    check = certificate.check
    french_day = format_datetime(check.created_at, "medium", locale="fr", tzinfo="UTC")
    assert french_day in text, (french_day, text)
    assert "déc." in text or re.search(r"\d{1,2} [a-zéû]+\.? \d{4}", text)
    assert "no_match" not in text and not re.search(r"\d{4}-\d{2}-\d{2}T\d{2}", text)  # no raw verdicts or ISO stamps
    assert "Photos soumises" in text and "lot-1.jpg" in text and "lot-2.jpg" in text
    assert "Description" in text and "bronze figure" in text


def test_the_pdf_carries_logo_thumbnails_and_a_qr_code_to_verify(client, login_as, red_lists):
    login_as("dealer")
    certificate = _certify(client, photos=2)
    data = client.get(f"/certificates/{certificate.number}.pdf").data
    first_page = PdfReader(io.BytesIO(data)).pages[0]
    assert len(first_page.images) >= 4  # logo, QR code, two thumbnails
    verify_url = f"http://localhost/verify/{certificate.verification_code}"
    assert verify_url in _pdf_text(data)
    zxingcpp = pytest.importorskip("zxingcpp")
    image = pypdfium2.PdfDocument(data)[0].render(scale=2.5).to_pil()
    decoded = [code.text for code in zxingcpp.read_barcodes(image)]
    assert decoded == [verify_url]
    # and the page the QR code opens says the certificate is genuine
    assert "Genuine and unaltered" in client.get(verify_url.removeprefix("http://localhost")).get_data(as_text=True)


def test_only_red_lists_whose_categories_were_compared_are_consulted(client, login_as, red_lists):
    login_as("dealer")
    # Every shipped list has categories (issue 26): index one that has none yet.
    import_red_list_set(loads("red_lists: [{slug: newly-published-2030, name: A Red List published without categories "
                              "loaded yet, region: Nowhere, year: 2030}]"))
    with_categories = _lists_with_categories()
    without = db.session.scalars(select(RedListRow).where(~RedListRow.categories.any())).all()
    assert with_categories and without
    certificate = _certify(client)
    consulted = {entry["slug"] for entry in certificate.content["red_lists"]}
    assert consulted == {row.slug for row in with_categories}
    text = _pdf_text(client.get(f"/certificates/{certificate.number}.pdf").data)
    assert without[0].name not in text.replace("\n", " ")
    # a list that gains categories is consulted from then on: computed from the data, not written down
    newcomer = without[0]
    model = db.session.scalars(select(CategoryRow)).first()
    db.session.add(CategoryRow(red_list=newcomer, code="TEST-NEW", name_en=model.name_en,
                               data={**model.data, "code": "TEST-NEW", "red_list": newcomer.slug}))
    db.session.commit()
    later = _certify(client)
    assert newcomer.slug in {entry["slug"] for entry in later.content["red_lists"]}


def test_a_check_without_a_description_consults_no_red_list(client, login_as, red_lists):
    login_as("dealer")
    certificate = _certify(client, description="", photos=1)
    assert certificate.content["red_lists"] == []
    text = _pdf_text(client.get(f"/certificates/{certificate.number}.pdf").data)
    assert "no Red List category was compared" in text.replace("\n", " ")
    page = client.get(f"/certificates/{certificate.number}").get_data(as_text=True)
    assert "no Red List category was compared" in page


def test_the_web_certificate_labels_its_description_once(client, login_as, red_lists):
    login_as("dealer")
    certificate = _certify(client)
    page = client.get(f"/certificates/{certificate.number}?lang=fr").get_data(as_text=True)
    assert "Description: Description" not in page and "Description : Description" not in page
    assert re.search(r"<dt>Description</dt><dd>bronze figure</dd>", page)
    assert "img/logo.svg" in page


def test_an_arabic_pdf_is_set_with_a_font_that_has_arabic(client, login_as, red_lists):
    login_as("dealer")
    certificate = _certify(client, photos=1)
    data = client.get(f"/certificates/{certificate.number}.pdf?lang=ar").data
    reader = PdfReader(io.BytesIO(data))
    fonts = {str(font["/BaseFont"]) for page in reader.pages for font in (page["/Resources"]["/Font"].values())}
    if not any("DejaVu" in name for name in fonts):
        pytest.skip("DejaVu Sans is not installed (apt-get install fonts-dejavu-core)")
    assert certificate.number in _pdf_text(data)
    rendered = pypdfium2.PdfDocument(data)[0].render(scale=1).to_pil().convert("L")
    assert rendered.getextrema()[0] < 80  # ink on the page: text was drawn, not left out
