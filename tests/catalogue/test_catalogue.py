"""The printable catalogue of a selection: cover, one object per half page (photo, Object ID fields, contact), index;
in English, French, Spanish and Arabic; from the page and the CLI; only the records the reader may see."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from registry.demo.images import draw_object
from registry.extensions import db
from registry.services.objects import create_record
from registry.services.photos import decode_upload


def _jpeg(seed: int) -> bytes:
    buffer = io.BytesIO()
    draw_object(seed, "vase", "terracotta").save(buffer, format="JPEG", quality=90)
    return buffer.getvalue()


def _record(number: str, status: str, institution: str = "Museum of Testing", seed: int = 1, **loss):
    return create_record(institution, {"object_number": number, "object_type": "Vase", "title": f"Banquet vase {number}",
                                       "materials": "terracotta", "measurements_text": "H 23 cm",
                                       "inscriptions": "Painted mark under the foot", "description": "A red-figure vase."},
                         "test", photos=[decode_upload(_jpeg(seed), f"{number}.jpg")], filenames=[f"{number}.jpg"],
                         status_fields={"status": status, **loss})


@pytest.fixture
def collection(app):
    """Three stolen records, one recovered, one inventory record, and another museum's inventory record."""
    from datetime import date

    for n in range(3):
        _record(f"ST-{n + 1}", "stolen", seed=10 + n, loss_date=date(2025, 1, 15 + n), case_reference=f"PJ-2025-00{n + 1}",
                loss_place="Gallery 4")
    record = _record("RC-1", "recovered", seed=20)
    _record("INV-1", "inventory", seed=21)
    _record("OTHER-INV", "inventory", institution="Other Museum", seed=22)
    record.institution.enquiry_email = "stolen@testing.example"
    record.institution.phone = "+33 1 23 45 67 89"
    db.session.commit()


def _text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_the_cli_prints_the_stolen_records_with_cover_entries_and_index(runner, collection, tmp_path):
    output = tmp_path / "stolen.pdf"
    result = runner.invoke(args=["catalogue", "--status", "stolen", "--output", str(output)])
    assert result.exit_code == 0, result.output
    assert "3 object(s)" in result.output
    reader = PdfReader(output)
    assert len(reader.pages) == 4  # cover, two pages of two and one, the index
    cover = reader.pages[0].extract_text()
    assert "Catalogue of objects: Stolen" in cover and "3 objects" in cover and "do not buy, sell or move it" in cover
    entries = reader.pages[1].extract_text()
    for text in ("No. 1", "No. 2", "Banquet vase ST-", "Type of object", "Vase", "Materials", "terracotta",
                 "Painted mark under the foot", "Contact", "Museum of Testing", "stolen@testing.example", "+33 1 23 45 67 89",
                 "Object number: ST-", "Gallery 4", "/objects/"):
        assert text in entries, text
    assert "PJ-2025-00" not in entries  # the police case reference is for signed-in roles (checks.view_case_reference)
    assert len(reader.pages[1].images) >= 3  # the logo and each entry's photo
    index = reader.pages[3].extract_text()
    assert "Index" in index and all(f"ST-{n}" in index for n in (1, 2, 3))
    everything = _text(output.read_bytes())
    assert "RC-1" not in everything and "INV-1" not in everything


def test_the_cli_shows_only_what_the_public_may_see_unless_asked(runner, collection, tmp_path):
    public = tmp_path / "public.pdf"
    assert runner.invoke(args=["catalogue", "--output", str(public)]).exit_code == 0
    text = _text(public.read_bytes())
    assert "ST-1" in text and "RC-1" in text and "INV-1" not in text and "OTHER-INV" not in text
    everything = tmp_path / "all.pdf"
    assert runner.invoke(args=["catalogue", "--all-records", "--output", str(everything)]).exit_code == 0
    text = _text(everything.read_bytes())
    assert "INV-1" in text and "OTHER-INV" in text and "Case reference: PJ-2025-001" in text


def test_the_cli_refuses_an_unknown_institution(runner, collection, tmp_path):
    result = runner.invoke(args=["catalogue", "--institution", "Musuem of Testing", "--output", str(tmp_path / "x.pdf")])
    assert result.exit_code == 1 and "no institution is named 'Musuem of Testing'" in result.output
    assert not (tmp_path / "x.pdf").exists()


@pytest.mark.parametrize(("language", "words"), [
    ("en", ["Catalogue of objects: Stolen", "Object number: ST-1", "Stolen", "stolen@testing.example"]),
    ("fr", ["Catalogue d’objets : Volé", "Numéro d’inventaire : ST-1", "Matériaux"]),
    ("es", ["Catálogo de objetos: Robado", "Número de inventario: ST-1", "Materiales"]),
])
def test_the_page_prints_the_catalogue_in_the_readers_language(client, collection, language, words):
    response = client.get(f"/catalogue/catalogue.pdf?status=stolen&lang={language}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = _text(response.data)
    for word in words:
        assert word in text, (word, text[:400])


def test_the_arabic_catalogue_is_shaped_with_a_font_that_has_arabic(client, collection):
    response = client.get("/catalogue/catalogue.pdf?status=stolen&lang=ar")
    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(response.data))
    fonts = {str(font["/BaseFont"]) for page in reader.pages for font in page["/Resources"]["/Font"].values()}
    if not any("DejaVu" in name for name in fonts):
        pytest.skip("DejaVu Sans is not installed (apt-get install fonts-dejavu-core)")
    text = _text(response.data)
    assert "ST-1" in text and "stolen@testing.example" in text
    assert any("\u0600" <= ch <= "\u06ff" or "\ufb50" <= ch <= "\ufeff" for ch in text)  # Arabic letters were set


def test_the_selection_page_counts_within_what_the_reader_may_see(client, login_as, collection):
    page = client.get("/catalogue/?institution=Museum of Testing").get_data(as_text=True)
    assert "4 objects in this selection" in page and "INV-1" not in page  # 3 stolen + 1 recovered
    assert "/catalogue/catalogue.pdf?institution=Museum+of+Testing" in page
    login_as("registrar")  # of Museum of Testing: its own inventory too, never another museum's
    page = client.get("/catalogue/").get_data(as_text=True)
    assert "5 objects in this selection" in page and "INV-1" in page and "OTHER-INV" not in page
    text = _text(client.get("/catalogue/catalogue.pdf").data)
    assert "INV-1" in text and "OTHER-INV" not in text and "Case reference: PJ-2025-001" in text


def test_an_unknown_institution_is_a_clear_error_on_the_page(client, collection):
    response = client.get("/catalogue/catalogue.pdf?institution=Nowhere&lang=fr")
    assert response.status_code == 400
    assert "aucune institution ne s’appelle « Nowhere »" in response.get_data(as_text=True)
