"""Browse Red List categories across lists: by country, by kind of object and by material (no Flask)."""

from __future__ import annotations

from functools import lru_cache
from typing import Iterable, Optional

from registry.messages import N_
from registry.redlists import text as tx
from registry.redlists.model import Category, RedList

# Kinds of object a dealer asks about, each a set of vocabulary concepts (narrower concepts are included).
KINDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "figures": (N_("Figures and statuettes"), ("type:figurine", "type:statue")),
    "sculpture": (N_("Sculpture, heads and reliefs"), ("type:sculpture",)),
    "vessels": (N_("Vessels and pottery"), ("type:vessel",)),
    "coins": (N_("Coins"), ("type:coin",)),
    "manuscripts": (N_("Manuscripts, books and documents"), ("type:manuscript",)),
    "jewellery": (N_("Jewellery and ornaments"), ("type:jewellery",)),
    "paintings": (N_("Paintings and icons"), ("type:painting",)),
    "textiles": (N_("Textiles"), ("type:textile",)),
    "seals": (N_("Seals, tablets and inscriptions"), ("type:seal", "type:tablet", "type:inscription")),
    "masks": (N_("Masks"), ("type:mask",)),
    "architecture": (N_("Architectural elements and mosaics"), ("type:architectural_element", "type:mosaic")),
    "tools": (N_("Tools, weapons and harness"), ("type:tool", "type:weapon", "type:axe", "type:horse_harness")),
}
MATERIALS: dict[str, tuple[str, tuple[str, ...]]] = {
    "bronze": (N_("Bronze, copper and brass"), ("material:copper",)),
    "gold": (N_("Gold"), ("material:gold",)),
    "silver": (N_("Silver"), ("material:silver",)),
    "stone": (N_("Stone"), ("material:stone",)),
    "clay": (N_("Clay, terracotta and ceramics"), ("material:clay",)),
    "wood": (N_("Wood"), ("material:wood",)),
    "ivory": (N_("Ivory and bone"), ("material:ivory", "material:bone", "material:shell")),
    "glass": (N_("Glass"), ("material:glass",)),
    "fibre": (N_("Textile fibres"), ("material:fibre", "material:silk")),
    "paper": (N_("Paper, parchment and papyrus"), ("material:paper", "material:parchment")),
}


@lru_cache(maxsize=4096)
def _concepts(kind: str, values: tuple[str, ...]) -> frozenset[str]:
    """The vocabulary concepts named by a category's facet values, with all their broader concepts."""
    vocab = tx.vocabulary()
    found = {k for v in values for k, _ in tx.find_concepts(v, "en") if k.startswith(kind + ":")}
    return frozenset(found | {a for k in found for a in vocab.ancestors(k)})


def is_kind(category: Category, kind: str) -> bool:
    """True when one of the category's object types is, or is a narrower form of, the kind (see KINDS)."""
    return bool(_concepts("type", tuple(category.object_types)) & set(KINDS[kind][1]))


def is_material(category: Category, material: str) -> bool:
    """True when one of the category's materials is, or is a narrower form of, the material (see MATERIALS)."""
    return bool(_concepts("material", tuple(category.materials)) & set(MATERIALS[material][1]))


def countries(red_lists: Iterable[RedList]) -> list[str]:
    """ISO 3166 codes of the countries the Red Lists name, sorted."""
    return sorted({code for r in red_lists for code in r.countries})


def lists_of_country(red_lists: Iterable[RedList], country: str) -> list[RedList]:
    """The Red Lists that cover a country (ISO 3166 alpha-2)."""
    return [r for r in red_lists if country.upper() in r.countries]


def browse(red_lists: Iterable[RedList], categories: Iterable[Category], country: Optional[str] = None,
           kind: Optional[str] = None, material: Optional[str] = None) -> list[tuple[RedList, list[Category]]]:
    """Categories grouped by Red List, in the index's order, kept when they fit every filter given.

    :param country: ISO 3166 alpha-2; only the lists covering it.
    :param kind: a key of KINDS ("figures"); unknown keys are ignored by the caller's validation, not here.
    :param material: a key of MATERIALS ("bronze").
    """
    lists = list(red_lists)
    if country:
        lists = lists_of_country(lists, country)
    slugs = {r.slug for r in lists}
    kept = [c for c in categories if c.red_list in slugs and (not kind or is_kind(c, kind))
            and (not material or is_material(c, material))]
    return [(r, [c for c in kept if c.red_list == r.slug]) for r in lists if any(c.red_list == r.slug for c in kept)]
