"""Errors raised by the domain (rejected photos, broken Object ID rules) reach the reader in their language."""

from __future__ import annotations

import io

from registry.imaging import PhotoRejected, decode_photo


def test_domain_errors_stay_english_as_text_but_carry_their_template():
    try:
        decode_photo(b"", "empty.jpg")
    except PhotoRejected as exc:
        assert str(exc) == "empty.jpg: the file is empty; choose a photo file (JPEG, PNG, WebP, HEIC or TIFF)."
        assert exc.filename == "empty.jpg" and "%" not in exc.template


def test_rejected_photo_is_explained_in_french(client, login_as, record_fields):
    login_as("admin")
    client.get("/objects/?lang=fr")
    form = record_fields()
    form["photos"] = [(io.BytesIO(b"not a picture at all" * 10), "lot.jpg")]
    page = client.post("/objects/new", data=form, content_type="multipart/form-data").get_data(as_text=True)
    assert "lot.jpg: ce n’est pas un fichier image lisible" in page


def test_broken_rule_is_explained_in_spanish_beside_its_field(client, login_as, record_fields):
    login_as("admin")
    client.get("/objects/?lang=es")
    client.post("/objects/new", data=record_fields(), content_type="multipart/form-data")
    page = client.post("/objects/new", data=record_fields(), content_type="multipart/form-data").get_data(as_text=True)
    assert "el número de inventario «T-001» ya está registrado por Museum of Testing" in page
