"""Plain dataclasses describing ICOM Red Lists and the categories of objects they list."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

LANGUAGES: tuple[str, ...] = ("en", "fr", "es", "ar")
STATUSES: tuple[str, ...] = ("current", "superseded")


@dataclass
class RedList:
    """One published Red List (a country or region, in a given year)."""

    slug: str
    name: str
    region: str
    countries: list[str] = field(default_factory=list)
    year: int = 0
    publisher: str = "ICOM"
    languages: list[str] = field(default_factory=list)
    url: str = ""
    status: str = "current"
    demonstration: bool = False
    notes: str = ""


@dataclass
class Period:
    """A year range; negative years are BCE (year 0 is not used)."""

    year_from: int
    year_to: int

    def overlap(self, other: "Period") -> int:
        """Return the number of years shared with another period (0 when disjoint)."""
        return max(0, min(self.year_to, other.year_to) - max(self.year_from, other.year_from) + 1)

    def gap(self, other: "Period") -> int:
        """Return the number of years between two disjoint periods (0 when they overlap)."""
        if self.overlap(other):
            return 0
        return max(other.year_from - self.year_to, self.year_from - other.year_to)


@dataclass
class Measurement:
    """A typical size range for one dimension, e.g. height_cm 2–6."""

    name: str
    min: Optional[float] = None
    max: Optional[float] = None


@dataclass
class Category:
    """A category of objects at risk listed by a Red List (not an individual object)."""

    red_list: str
    code: str
    names: dict[str, str] = field(default_factory=dict)
    descriptions: dict[str, str] = field(default_factory=dict)
    object_types: list[str] = field(default_factory=list)
    materials: list[str] = field(default_factory=list)
    techniques: list[str] = field(default_factory=list)
    period: Optional[Period] = None
    regions: list[str] = field(default_factory=list)
    measurements: list[Measurement] = field(default_factory=list)
    reference_images: list[str] = field(default_factory=list)
    demonstration: bool = False

    def name(self, lang: str = "en") -> str:
        """Return the name in the given language, falling back to English."""
        return self.names.get(lang) or self.names.get("en", self.code)

    def measurement(self, name: str) -> Optional[Measurement]:
        """Return the typical measurement with this name, if the category has one."""
        return next((m for m in self.measurements if m.name == name), None)


@dataclass
class RedListSet:
    """The content of one data file: Red Lists and/or categories, with header flags."""

    red_lists: list[RedList] = field(default_factory=list)
    categories: list[Category] = field(default_factory=list)
    demonstration: bool = False
    title: str = ""
    notes: str = ""

    def red_list(self, slug: str) -> Optional[RedList]:
        """Return the Red List with this slug, if present."""
        return next((r for r in self.red_lists if r.slug == slug), None)

    def category(self, code: str) -> Optional[Category]:
        """Return the first category with this code, if present."""
        return next((c for c in self.categories if c.code == code), None)
