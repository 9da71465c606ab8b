"""A result's evidence in the reader's words: sentences, the numbers under "Details", the matched area outlined on
both photos, and a low colour similarity beside a match explained."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image, ImageOps

from registry.demo.images import draw_object
from registry.services.objects import create_record
from registry.services.photos import decode_upload

ENGINEERING_WORDS = ("phash", "dhash", "orb_code", "32-pixel", "Hash distances", "inlier")


def _jpeg(image: Image.Image, quality: int = 90) -> bytes:
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, format="JPEG", quality=quality)
    return buffer.getvalue()


@pytest.fixture
def vase(app):
    image = draw_object(51, "vase", "terracotta")
    create_record("Museum of Testing", {"object_number": "EV-1", "object_type": "Vase", "materials": "terracotta",
                                        "inscriptions": "Dedication to the god"}, "test",
                  photos=[decode_upload(_jpeg(image), "v.jpg")], filenames=["v.jpg"], status_fields={"status": "stolen"})
    return image


def _on_a_table(image: Image.Image) -> Image.Image:
    """The object photographed small on the right of a larger scene."""
    scene = Image.new("RGB", (1200, 700), (90, 120, 80))
    scene.paste(image.resize((360, 360)), (780, 250))
    return scene


def _candidate(client, api_headers, photo: bytes, **fields) -> dict:
    response = client.post("/api/v1/checks", data={"photos": [(io.BytesIO(photo), "q.jpg")], **fields},
                           content_type="multipart/form-data", headers=api_headers())
    [candidate] = [c for c in response.get_json()[0]["candidates"] if c["verdict"] == "match"]
    return candidate


def test_the_matched_area_is_outlined_on_both_photos(client, api_headers, vase):
    evidence = _candidate(client, api_headers, _jpeg(_on_a_table(vase)))["evidence"]
    x0, y0, x1, y1 = evidence["query_outline"]
    assert 780 / 1200 - 0.02 <= x0 < x1 <= 1140 / 1200 + 0.02  # within where the vase was pasted
    assert 250 / 700 - 0.02 <= y0 < y1 <= 610 / 700 + 0.02
    rx0, ry0, rx1, ry1 = evidence["record_outline"]
    assert 0 <= rx0 < rx1 <= 1 and 0 <= ry0 < ry1 <= 1 and (rx1 - rx0) * (ry1 - ry0) > 0.1
    page = client.post("/check/", data={"photos": [(io.BytesIO(_jpeg(_on_a_table(vase))), "q.jpg")]},
                       content_type="multipart/form-data").get_data(as_text=True)
    assert page.count('class="matched-part"') >= 2  # on the submitted and on the registered photo
    assert "Registered (outlined: the part that matched)" in page


def test_the_evidence_is_said_in_sentences_with_the_numbers_under_details(client, vase):
    page = client.post("/check/", data={"photos": [(io.BytesIO(_jpeg(vase, 80)), "q.jpg")], "description": "dedication",
                                        "materials": "terracotta"},
                       content_type="multipart/form-data").get_data(as_text=True)
    assert re.search(r"The submitted photo’s outlined area matches \d+ areas of the registered photo\.", page)
    assert "Colours agree." in page
    assert "The description agrees on: " in page and "Materials" in page
    for word in ENGINEERING_WORDS:
        assert word not in page, word
    sentences, details = page.split('<ul class="evidence-sentences">', 1)[1].split('<details class="evidence-details">', 1)
    assert not re.search(r"\d\.\d\d", sentences.split("</ul>")[0])  # no measured numbers among the sentences
    assert "Matching areas" in details and "Colour similarity" in details and "Score (0 to 1)" in details


def test_a_low_colour_similarity_beside_a_match_is_explained(client, api_headers, vase):
    grey = _jpeg(ImageOps.grayscale(vase))
    candidate = _candidate(client, api_headers, grey)
    assert candidate["evidence"]["colour_similarity"] < 0.35  # a black-and-white photo of the stolen vase
    page = client.post("/check/", data={"photos": [(io.BytesIO(grey), "q.jpg")]},
                       content_type="multipart/form-data").get_data(as_text=True)
    assert "Colours differ: the lighting differs, or this is another photo of the object" in page
    assert "Colours agree." not in page


def test_the_sentences_are_in_the_readers_language(client, vase):
    page = client.post("/check/?lang=fr", data={"photos": [(io.BytesIO(_jpeg(vase, 80)), "q.jpg")]},
                       content_type="multipart/form-data").get_data(as_text=True)
    assert "Les couleurs concordent." in page and "Détails" in page
    assert "Colours agree." not in page


def test_a_registered_photo_whose_display_copy_is_missing_is_still_matched(client, api_headers, vase, app):
    from pathlib import Path

    for copy in Path(app.config["MEDIA_DIR"]).rglob("*"):
        if copy.is_file() and "display" in copy.parts:
            copy.unlink()
    evidence = _candidate(client, api_headers, _jpeg(vase, 80))["evidence"]
    assert "record_outline" not in evidence and evidence["inlier_cells"] > 0


def _cup_on_cloth(x: int, y: int) -> Image.Image:
    """Scikit-image's real photo of a cup laid on a cloth of one colour (its weave a real photo of grass)."""
    import cv2
    import numpy as np
    from skimage import data as skdata

    grey = np.asarray(Image.fromarray(skdata.grass()).resize((640, 480)), np.float32)
    lab = np.stack([40 + grey * 0.6, np.full_like(grey, 150), np.full_like(grey, 80)], -1)
    frame = cv2.cvtColor(lab.astype(np.uint8), cv2.COLOR_LAB2RGB)
    cup = skdata.coffee()[40:330, 120:480]
    frame[y:y + cup.shape[0], x:x + cup.shape[1]] = cup
    return Image.fromarray(frame)


def test_a_backdrop_left_out_is_said(client, api_headers, app):
    create_record("Museum of Testing", {"object_number": "EV-2", "object_type": "Cup"}, "test",
                  photos=[decode_upload(_jpeg(_cup_on_cloth(40, 100)), "c.jpg")], filenames=["c.jpg"],
                  status_fields={"status": "stolen"})
    moved = _jpeg(_cup_on_cloth(260, 160))  # the cup again, elsewhere on its cloth
    assert _candidate(client, api_headers, moved)["evidence"]["backdrop_left_out"] > 0.3
    for lang, said in (("en", "The coloured backdrop the object lies on (a cloth, a paper) was left out"),
                       ("fr", "Le fond de couleur sur lequel repose l’objet (un tissu, un papier) a été écarté")):
        page = client.post(f"/check/?lang={lang}", data={"photos": [(io.BytesIO(moved), "q.jpg")]},
                           content_type="multipart/form-data").get_data(as_text=True)
        assert said in page


def test_a_second_look_is_said_in_the_readers_language(app):
    """A record made a `match` by the second look: the details give AKAZE's areas beside the best other record's,
    in the reader's language (the evidence as ranking gives it)."""
    from types import SimpleNamespace

    from flask_babel import force_locale

    evidence = {"inlier_cells": 7, "second_look": {"feature": "AKAZE", "cells": 12, "others": 3, "confirmed": True},
                "match_by": "second_look"}
    details = app.jinja_env.get_template("_partials/evidence.html").module.evidence_details
    with app.test_request_context():
        english = str(details(SimpleNamespace(score=0.81, evidence=evidence)))
        with force_locale("fr"):
            french = str(details(SimpleNamespace(score=0.81, evidence=evidence)))
    assert "a second comparison (AKAZE)" in english and "12 / 3" in english
    assert "seconde comparaison (AKAZE)" in french
    without = str(details(SimpleNamespace(score=0.5, evidence={**evidence, "second_look": None})))
    assert "AKAZE" not in without
