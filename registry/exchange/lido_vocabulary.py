"""Words museums write in LIDO terms, in English, Dutch, German, French, Spanish and Italian, and what they mean here."""

from __future__ import annotations

import unicodedata

# measurementType words (lower case, accents kept and removed: both are looked up).
DIMENSION_WORDS: dict[str, str] = {
    **dict.fromkeys(("height", "h", "hoogte", "höhe", "hohe", "hauteur", "haut", "altura", "alto", "altezza", "alt"),
                    "height_cm"),
    **dict.fromkeys(("width", "w", "breedte", "breite", "largeur", "larg", "anchura", "ancho", "larghezza", "larg.",
                     "length", "lengte", "länge", "longueur", "longitud", "largo", "lunghezza"), "width_cm"),
    **dict.fromkeys(("depth", "d", "diepte", "tiefe", "profondeur", "prof", "profundidad", "fondo", "profondità",
                     "thickness", "dikte", "dicke", "stärke", "épaisseur", "grosor", "espesor", "spessore"), "depth_cm"),
    **dict.fromkeys(("diameter", "diam", "durchmesser", "diamètre", "diámetro", "diametro", "ø"), "diameter_cm"),
    **dict.fromkeys(("weight", "gewicht", "poids", "peso"), "weight_kg"),
}

# measurementUnit words, to the unit codes of registry.objectid.measurements.
UNIT_WORDS: dict[str, str] = {
    **dict.fromkeys(("cm", "centimetre", "centimetres", "centimeter", "centimeters", "zentimeter", "centimètre",
                     "centimètres", "centímetro", "centímetros", "centimetro", "centimetri"), "cm"),
    **dict.fromkeys(("mm", "millimetre", "millimetres", "millimeter", "millimeters", "millimètre", "millimètres",
                     "milímetro", "milímetros", "millimetro", "millimetri"), "mm"),
    **dict.fromkeys(("m", "metre", "metres", "meter", "meters", "mètre", "mètres", "metro", "metros", "metri"), "m"),
    **dict.fromkeys(("in", "inch", "inches", "duim", "zoll", "pouce", "pouces", "pulgada", "pulgadas", "pollice",
                     "pollici"), "in"),
    **dict.fromkeys(("kg", "kilogram", "kilograms", "kilogramm", "kilogramme", "kilogrammes", "kilogramo",
                     "kilogramos", "chilogrammo", "chilogrammi"), "kg"),
    **dict.fromkeys(("g", "gram", "grams", "gramm", "gramme", "grammes", "gramo", "gramos", "grammo", "grammi"), "g"),
    **dict.fromkeys(("lb", "lbs", "pound", "pounds"), "lb"),
    **dict.fromkeys(("oz", "ounce", "ounces"), "oz"),
}

# eventType words.
PRODUCTION_WORDS = frozenset({
    "production", "creation", "manufacture", "making", "vervaardiging", "productie", "herstellung", "entstehung",
    "fabrication", "création", "producción", "creación", "fabricación", "produzione", "creazione", "fabbricazione",
})
THEFT_WORDS = frozenset({"theft", "stolen", "diefstal", "gestolen", "diebstahl", "gestohlen", "vol", "volé",
                         "robo", "robado", "hurto", "furto", "rubato"})
LOOTING_WORDS = frozenset({"looting", "looted", "plundering", "geplunderd", "plünderung", "geplündert", "pillage",
                           "pillé", "saqueo", "saqueado", "expolio", "saccheggio", "saccheggiato"})
MISSING_WORDS = frozenset({"loss", "disappearance", "missing", "verlies", "vermist", "verlust", "vermisst",
                           "verschollen", "perte", "disparition", "disparu", "pérdida", "desaparición", "desaparecido",
                           "perdita", "scomparsa", "smarrimento"})
LOSS_WORDS = THEFT_WORDS | LOOTING_WORDS | MISSING_WORDS
# A change of ownership: LIDO's Acquisition and Provenance event types.
ACQUISITION_WORDS = frozenset({
    "acquisition", "provenance", "change of ownership", "verwerving", "herkomst", "erwerb", "erwerbung", "provenienz",
    "adquisición", "procedencia", "acquisizione", "provenienza",
})
# eventMethod words of an acquisition: how the owner came by the object (registry/objectid/provenance.py).
ACQUISITION_METHODS: dict[str, str] = {
    **dict.fromkeys(("purchase", "bought", "sale", "achat", "vente", "compra", "kauf", "ankauf", "aankoop", "acquisto"), "purchase"),
    **dict.fromkeys(("gift", "donation", "don", "donación", "schenkung", "schenking", "dono", "donazione"), "gift"),
    **dict.fromkeys(("bequest", "legacy", "legs", "legado", "vermächtnis", "legaat", "lascito"), "bequest"),
    **dict.fromkeys(("inheritance", "inherited", "héritage", "herencia", "erbschaft", "erbe", "erfenis", "eredità"), "inheritance"),
    **dict.fromkeys(("excavation", "fouille", "fouilles", "excavación", "ausgrabung", "opgraving", "scavo"), "excavation"),
    **dict.fromkeys(("field collection", "collecting", "collecte", "recolección", "feldsammlung", "raccolta"), "field collection"),
    **dict.fromkeys(("confiscation", "seizure", "saisie", "confiscación", "decomiso", "beschlagnahme",
                     "inbeslagname", "confisca", "sequestro"), "confiscation"),
    **dict.fromkeys(("exchange", "échange", "intercambio", "canje", "tausch", "ruil", "scambio"), "exchange"),
    **dict.fromkeys(("transfer", "transfert", "transferencia", "übertragung", "overdracht", "trasferimento"), "transfer"),
    **dict.fromkeys(("restitution", "restitución", "rückgabe", "restitutie", "restituzione"), "restitution"),
    **dict.fromkeys(("unknown", "inconnu", "inconnue", "desconocido", "unbekannt", "onbekend", "sconosciuto"), "unknown"),
}

# lido:type words of termMaterialsTech.
MATERIAL_TYPE_WORDS = ("material", "materiaal", "matériau", "matière", "materiale", "stoff")
TECHNIQUE_TYPE_WORDS = ("techni", "techniek", "técnica", "tecnica", "verfahren")

# lido:type words of a repository's or record's identifier that is an inventory number.
INVENTORY_TYPE_WORDS = ("inventory", "inventar", "inventaris", "inventaire", "inventario", "objectnummer",
                        "object number", "accession", "numéro", "número", "numero")


def plain(word: str) -> str:
    """A term lower-cased, trimmed of spaces and a final full stop, for looking up in the tables above."""
    return word.strip().lower().rstrip(".").strip()


def without_accents(word: str) -> str:
    """The word with its accents removed (höhe -> hohe), as some systems write them."""
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))


def look_up(table: dict[str, str], word: str) -> str | None:
    """The meaning of a word in one of the tables above, with or without its accents; None when unknown."""
    key = plain(word)
    if key in table:
        return table[key]
    bare = without_accents(key)
    return next((value for name, value in table.items() if without_accents(name) == bare), None)


def loss_status(words: set[str]) -> str | None:
    """The Object ID status a loss event's words name (stolen, looted, missing), None when they name no loss."""
    bare = {without_accents(plain(word)) for word in words}
    for status, vocabulary in (("stolen", THEFT_WORDS), ("looted", LOOTING_WORDS), ("missing", MISSING_WORDS)):
        if bare & {without_accents(w) for w in vocabulary}:
            return status
    return None


def is_acquisition(words: set[str]) -> bool:
    """Whether an event's type words name a change of ownership (acquisition, provenance)."""
    bare = {without_accents(plain(word)) for word in words}
    return bool(bare & {without_accents(w) for w in ACQUISITION_WORDS})


def is_production(words: set[str]) -> bool:
    """Whether a production or creation event's words are among these."""
    bare = {without_accents(plain(word)) for word in words}
    return bool(bare & {without_accents(w) for w in PRODUCTION_WORDS})
