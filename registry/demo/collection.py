"""The demonstration records: invented objects, clearly marked as demo data."""

from __future__ import annotations

from dataclasses import dataclass

MUSEUMS = (
    "National Museum of Antiquities (demo)",
    "City Art Gallery (demo)",
    "Regional Ethnographic Museum (demo)",
)


@dataclass(frozen=True)
class DemoRecord:
    """One invented object and how to draw it."""

    seed: int
    institution: str
    object_number: str
    object_type: str
    shape: str
    material_key: str
    materials: str
    techniques: str
    measurements: str
    date_period: str
    title: str
    subject: str
    inscriptions: str
    features: str
    maker: str
    status: str
    loss_place: str = ""
    second_view: bool = False

    def fields(self) -> dict[str, str]:
        """The record's Object ID fields."""
        return {
            "object_number": self.object_number,
            "object_type": self.object_type,
            "materials": self.materials,
            "techniques": self.techniques,
            "measurements_text": self.measurements,
            "date_period": self.date_period,
            "title": self.title,
            "subject": self.subject,
            "inscriptions": self.inscriptions,
            "distinguishing_features": self.features,
            "maker": self.maker,
            "maker_qualifier": "attributed to" if self.maker and self.seed % 3 == 0 else ("" if not self.maker else "by"),
            "description": f"Demonstration record. {self.title}: {self.object_type.lower()} in {self.materials}, {self.date_period}.",
        }


# (object type, shape, material key, materials, techniques, period, subject, maker)
_KINDS = (
    ("Vase", "vase", "terracotta", "terracotta, slip", "wheel-thrown, painted", "5th century BC", "Banquet scene", ""),
    ("Coin", "coin", "gold", "gold", "struck", "4th century BC", "Head of a ruler; eagle on reverse", ""),
    ("Cylinder seal", "seal", "stone", "stone (chlorite)", "carved, drilled", "2300-2100 BC", "Presentation scene", ""),
    ("Tablet", "tablet", "terracotta", "clay", "inscribed, sun-dried", "1800-1600 BC", "Administrative text", ""),
    ("Statuette", "statuette", "bronze", "bronze", "lost-wax cast", "8th-7th century BC", "Standing worshipper", ""),
    ("Mask", "mask", "wood", "wood, pigment", "carved, painted", "19th century", "Ancestor figure", "Unknown Baule carver"),
    ("Manuscript leaf", "manuscript", "parchment", "parchment, ink, gold leaf", "calligraphy, illumination", "14th century", "Opening of a chapter", "Unknown scribe"),
    ("Bowl", "bowl", "ceramic", "stoneware, glaze", "thrown, glazed", "1368-1644", "Floral scroll", ""),
    ("Painting", "painting", "coffee", "oil on canvas", "painted", "1920", "Still life with a cup", "M. Duval"),
    ("Painting", "painting", "chelsea", "oil on panel", "painted", "c. 1895", "Portrait of a cat", "A. Lindqvist"),
    ("Photograph", "painting", "astronaut", "gelatin silver print, hand-coloured", "photography", "1984", "Portrait in a spacesuit", "Studio Orion"),
    ("Figurine", "statuette", "jade", "jade", "carved, polished", "1200-1046 BC", "Kneeling figure", ""),
)
_STATUSES = ("stolen", "inventory", "missing", "stolen", "looted", "inventory", "stolen", "recovered", "inventory")
_PLACES = ("Museum storage, north wing", "Travelling exhibition, in transit", "Archaeological site, trench B", "Regional museum gallery 3")


def _demo_records() -> tuple[DemoRecord, ...]:
    records = []
    for index in range(36):
        kind = _KINDS[index % len(_KINDS)]
        object_type, shape, material_key, materials, techniques, period, subject, maker = kind
        variant = index // len(_KINDS) + 1
        status = _STATUSES[index % len(_STATUSES)]
        if shape == "painting" and variant > 1:
            shape, material_key = "tablet", "marble"
            object_type, materials, techniques = "Relief plaque", "marble", "carved"
        height = 4 + (index * 7) % 60
        records.append(
            DemoRecord(
                seed=1000 + index,
                institution=MUSEUMS[index % len(MUSEUMS)],
                object_number=f"DEMO-{index + 1:03d}",
                object_type=object_type,
                shape=shape,
                material_key=material_key,
                materials=materials,
                techniques=techniques,
                measurements=f"H {height} cm; W {max(2, height // 2)} cm",
                date_period=period,
                title=f"{object_type} with {subject.lower()} ({variant})",
                subject=subject,
                inscriptions="Inventory number painted on the base" if index % 2 else "",
                features=("Chip on the rim; old repair with adhesive" if index % 3 == 0 else "Scratch across the lower left"),
                maker=maker,
                status=status,
                loss_place=_PLACES[index % len(_PLACES)] if status in ("stolen", "missing", "looted") else "",
                second_view=index % 2 == 0 and shape != "painting",
            )
        )
    return tuple(records)


DEMO_RECORDS: tuple[DemoRecord, ...] = _demo_records()
