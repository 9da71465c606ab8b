"""Fixtures for the exchange tests: full records exercising every key, and the LIDO schema path."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Callable

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
# $REGISTRY_LIDO_XSD (as the registry reads it) names the schemas where a checkout is not beside ../shared/.
LIDO_SCHEMA_DIR = (Path(os.environ["REGISTRY_LIDO_XSD"]).parent if os.environ.get("REGISTRY_LIDO_XSD")
                   else REPO_ROOT.parent / "shared" / "lido")


@pytest.fixture
def lido_schema() -> Path:
    """The official LIDO 1.1 XSD kept beside the repository (../shared/lido/)."""
    path = LIDO_SCHEMA_DIR / "lido-v1.1.xsd"
    if not path.is_file():
        pytest.skip(f"the LIDO schemas are not in {LIDO_SCHEMA_DIR}")
    return path


@pytest.fixture
def make_record() -> Callable[..., dict[str, Any]]:
    """Return make_record(number, **overrides): a record with every key filled in."""

    def make(number: str = "AO 1234", **overrides: Any) -> dict[str, Any]:
        record: dict[str, Any] = {
            "institution": "Musée du Louvre & <Département des Antiquités orientales>",
            "object_number": number,
            "object_type": "Cylinder seal",
            "materials": "chlorite; gold cap",
            "techniques": "carved, drilled",
            "measurements_text": "H 3.5 cm; Diam. 1.8 cm",
            "height_cm": 3.5,
            "width_cm": 0.1 + 0.2,
            "depth_cm": 1e-05,
            "diameter_cm": 1.8,
            "weight_kg": 0.0123,
            "inscriptions": "نقش مسماري — three lines: \"ana Šamaš\" <script>alert('x')</script>",
            "distinguishing_features": "Chipped end; modern drill hole\nand a crack",
            "title": "Sceau-cylindre à scène de présentation",
            "subject": "Presentation scene & worshipper",
            "date_period": "Ur III, 2112–2004 av. J.-C.",
            "year_from": -2112,
            "year_to": -2004,
            "maker": "Unknown workshop",
            "maker_qualifier": "workshop of",
            "description": "A carved seal.\r\nSecond line with ]]> and &amp; literally.",
            "status": "stolen",
            "loss_date": "1990-03-18",
            "loss_place": "Bagdad, المتحف العراقي",
            "case_reference": "INTERPOL 2003/1234",
            "loss_notes": "Taken during the night; <b>not</b> recovered.",
            "place_of_origin": "Ur, Iraq",
            "related_written_material": "Collon 1987, no. 530; archives, dossier 12",
            "related_objects": "AO 1235 (same find); AO 1236",
            "documented_on": "2003-04-20",
            "red_list_categories": ["IQ-2003-01", "IQ-2003-07"],
            "photos": [
                {"url": "https://registry.example/media/ab.jpg?size=full&v=2", "sha256": "ab" * 32,
                 "filename": "seal front.jpg", "caption": "Front — face"},
                {"url": "https://registry.example/media/cd.png", "sha256": "cd" * 32, "filename": "",
                 "caption": ""},
            ],
            "provenance": [
                {"owner": "Sir Leonard Woolley's excavation", "place": "Ur, Iraq", "date": "1927-1929",
                 "year_from": 1927, "year_to": 1929, "method": "excavation", "source": "Field register U.9178"},
                {"owner": "=Private collector, Geneva", "place": "", "date": "c. 1950", "year_from": 1950,
                 "year_to": 1950, "method": "purchase", "source": "Bill of sale, 3 May 1950\n<b>signed</b> & sealed"},
                {"owner": "Musée du Louvre", "place": "Paris", "date": "", "year_from": None, "year_to": None,
                 "method": "unknown", "source": ""},
            ],
        }
        record.update(overrides)
        return record

    return make
