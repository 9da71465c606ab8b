"""Load, validate and dump Red List data files (YAML or JSON); see FORMAT.md."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Iterable, Optional, Union

import yaml

from registry.redlists.model import LANGUAGES, STATUSES, Category, Measurement, Period, RedList, RedListSet

FORMAT_ID = "object-id-registry/red-lists@1"
DATA_DIR = Path(__file__).parent / "data"
INDEX_FILE = DATA_DIR / "icom_red_lists.yaml"
DEMO_FILE = DATA_DIR / "demo_categories.yaml"

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_MEASURE = re.compile(r"^[a-z][a-z_]*_(cm|mm|m|g|kg)$")
_TOP_KEYS = {"format", "title", "demonstration", "notes", "red_lists", "categories", "category_lists"}
_LIST_KEYS = {"slug", "name", "region", "countries", "year", "publisher", "languages", "url", "status",
              "demonstration", "notes"}
_CAT_KEYS = {"red_list", "code", "names", "descriptions", "object_types", "materials", "techniques", "period",
             "regions", "measurements", "reference_images", "demonstration"}
_GROUP_KEYS = {"red_list", "demonstration", "categories"}
MIN_YEAR, MAX_YEAR = -100_000, 2100


class RedListFileError(ValueError):
    """A data file failed validation; `errors` holds one actionable line per problem."""

    def __init__(self, errors: list[str], source: str = "<data>") -> None:
        self.errors = list(errors)
        self.source = source
        lines = "\n".join(f"  - {e}" for e in self.errors)
        super().__init__(f"{source}: {len(self.errors)} problem(s) found, fix them and load again:\n{lines}")


class _Errors:
    """Collects validation errors with their entry paths."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, path: str, message: str) -> None:
        self.items.append(f"{path}: {message}")


# ---------------------------------------------------------------- parsing helpers

def _str(raw: dict, key: str, path: str, errs: _Errors, required: bool = False) -> str:
    value = raw.get(key)
    if value is None or value == "":
        if required:
            errs.add(f"{path}.{key}", "missing")
        return ""
    if not isinstance(value, str):
        errs.add(f"{path}.{key}", f"must be text, got {type(value).__name__}")
        return ""
    return value.strip()


def _str_list(raw: dict, key: str, path: str, errs: _Errors, required: bool = False) -> list[str]:
    value = raw.get(key)
    if value is None:
        if required:
            errs.add(f"{path}.{key}", "missing (give a list with at least one entry)")
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        errs.add(f"{path}.{key}", "must be a list of text entries")
        return []
    out = []
    for i, item in enumerate(value):
        if not isinstance(item, str) or not item.strip():
            errs.add(f"{path}.{key}[{i}]", "must be non-empty text")
        else:
            out.append(item.strip())
    if required and not out:
        errs.add(f"{path}.{key}", "empty (give at least one entry)")
    return out


def _bool(raw: dict, key: str, path: str, errs: _Errors, default: bool = False) -> bool:
    value = raw.get(key, default)
    if not isinstance(value, bool):
        errs.add(f"{path}.{key}", "must be true or false")
        return default
    return value


def _unknown_keys(raw: dict, allowed: set[str], path: str, errs: _Errors) -> None:
    for key in raw:
        if key not in allowed:
            errs.add(f"{path}.{key}" if path else str(key), f"unknown field (allowed: {', '.join(sorted(allowed))})")


def _lang_map(raw: dict, key: str, path: str, errs: _Errors, need_en: bool) -> dict[str, str]:
    value = raw.get(key)
    if value is None:
        if need_en:
            errs.add(f"{path}.{key}.en", "missing English text (en is required)")
        return {}
    if not isinstance(value, dict):
        errs.add(f"{path}.{key}", "must be a mapping of language code to text, e.g. {en: ..., fr: ..., es: ...}")
        return {}
    out: dict[str, str] = {}
    for lang, text in value.items():
        if lang not in LANGUAGES:
            errs.add(f"{path}.{key}.{lang}", f"unknown language key (allowed: {', '.join(LANGUAGES)})")
        elif not isinstance(text, str) or not text.strip():
            errs.add(f"{path}.{key}.{lang}", "must be non-empty text")
        else:
            out[lang] = text.strip()
    if need_en and "en" not in out and "en" not in value:
        errs.add(f"{path}.{key}.en", "missing English text (en is required)")
    return out


def _year(value: Any, path: str, errs: _Errors) -> Optional[int]:
    if isinstance(value, bool) or not isinstance(value, int):
        errs.add(path, "missing or not a whole number (use negative numbers for BCE)")
        return None
    if not MIN_YEAR <= value <= MAX_YEAR:
        errs.add(path, f"year {value} out of range {MIN_YEAR}..{MAX_YEAR}")
        return None
    return value


def _period(raw: dict, path: str, errs: _Errors) -> Optional[Period]:
    value = raw.get("period")
    if value is None:
        return None
    if not isinstance(value, dict):
        errs.add(f"{path}.period", "must be a mapping {year_from: ..., year_to: ...}")
        return None
    _unknown_keys(value, {"year_from", "year_to"}, f"{path}.period", errs)
    start = _year(value.get("year_from"), f"{path}.period.year_from", errs)
    end = _year(value.get("year_to"), f"{path}.period.year_to", errs)
    if start is None or end is None:
        return None
    if start > end:
        errs.add(f"{path}.period", f"bad year range: year_from {start} is after year_to {end}")
        return None
    return Period(start, end)


def _number(value: Any, path: str, errs: _Errors) -> Optional[float]:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        errs.add(path, "must be a non-negative number")
        return None
    return value


def _measurements(raw: dict, path: str, errs: _Errors) -> list[Measurement]:
    value = raw.get("measurements")
    if value is None:
        return []
    if not isinstance(value, dict):
        errs.add(f"{path}.measurements", "must be a mapping such as {height_cm: {min: 2, max: 6}}")
        return []
    out = []
    for name, rng in value.items():
        mpath = f"{path}.measurements.{name}"
        if not isinstance(name, str) or not _MEASURE.match(name):
            errs.add(mpath, "name must look like height_cm, diameter_cm, length_mm or weight_g")
            continue
        if not isinstance(rng, dict) or not set(rng) <= {"min", "max"} or not rng:
            errs.add(mpath, "must be a mapping {min: number, max: number}")
            continue
        low, high = _number(rng.get("min"), f"{mpath}.min", errs), _number(rng.get("max"), f"{mpath}.max", errs)
        if low is not None and high is not None and low > high:
            errs.add(mpath, f"bad range: min {low} is greater than max {high}")
            continue
        out.append(Measurement(name, low, high))
    return out


def _images(raw: dict, path: str, errs: _Errors) -> list[str]:
    names = _str_list(raw, "reference_images", path, errs)
    for i, name in enumerate(names):
        if "/" in name or "\\" in name or name.startswith("."):
            errs.add(f"{path}.reference_images[{i}]", "must be a plain file name inside data/images/")
    return names


# ---------------------------------------------------------------- entries

def _parse_red_list(raw: Any, path: str, errs: _Errors) -> Optional[RedList]:
    if not isinstance(raw, dict):
        errs.add(path, "must be a mapping")
        return None
    before = len(errs.items)
    _unknown_keys(raw, _LIST_KEYS, path, errs)
    slug = _str(raw, "slug", path, errs, required=True)
    if slug and not _SLUG.match(slug):
        errs.add(f"{path}.slug", f"'{slug}' must be lower-case letters, digits and dashes, e.g. iraq-2015")
    year = _year(raw.get("year"), f"{path}.year", errs)
    status = _str(raw, "status", path, errs) or "current"
    if status not in STATUSES:
        errs.add(f"{path}.status", f"'{status}' is not one of {', '.join(STATUSES)}")
    entry = RedList(
        slug=slug, name=_str(raw, "name", path, errs, required=True), region=_str(raw, "region", path, errs, True),
        countries=_str_list(raw, "countries", path, errs), year=year or 0,
        publisher=_str(raw, "publisher", path, errs) or "ICOM", languages=_str_list(raw, "languages", path, errs),
        url=_str(raw, "url", path, errs), status=status, demonstration=_bool(raw, "demonstration", path, errs),
        notes=_str(raw, "notes", path, errs))
    return entry if len(errs.items) == before else None


def _parse_category(raw: Any, path: str, errs: _Errors, red_list: str = "", demo: bool = False) -> Optional[Category]:
    if not isinstance(raw, dict):
        errs.add(path, "must be a mapping")
        return None
    allowed = _CAT_KEYS if not red_list else _CAT_KEYS - {"red_list"}
    _unknown_keys(raw, allowed, path, errs)
    code = _str(raw, "code", path, errs, required=True)
    if code and not _CODE.match(code):
        errs.add(f"{path}.code", f"'{code}' may hold only letters, digits, '.', '_' and '-'")
    entry = Category(
        red_list=red_list or _str(raw, "red_list", path, errs, required=True), code=code,
        names=_lang_map(raw, "names", path, errs, need_en=True),
        descriptions=_lang_map(raw, "descriptions", path, errs, need_en=False),
        object_types=_str_list(raw, "object_types", path, errs, required=True),
        materials=_str_list(raw, "materials", path, errs), techniques=_str_list(raw, "techniques", path, errs),
        period=_period(raw, path, errs), regions=_str_list(raw, "regions", path, errs),
        measurements=_measurements(raw, path, errs), reference_images=_images(raw, path, errs),
        demonstration=_bool(raw, "demonstration", path, errs, default=demo))
    # Returned even when invalid, so its references are checked too; parse() raises if anything was wrong.
    return entry


def _parse_groups(value: Any, errs: _Errors, demo: bool) -> list[tuple[str, Category]]:
    if not isinstance(value, list):
        errs.add("category_lists", "must be a list of {red_list, demonstration, categories}")
        return []
    out = []
    for g, group in enumerate(value):
        gpath = f"category_lists[{g}]"
        if not isinstance(group, dict):
            errs.add(gpath, "must be a mapping")
            continue
        _unknown_keys(group, _GROUP_KEYS, gpath, errs)
        slug = _str(group, "red_list", gpath, errs, required=True)
        gdemo = _bool(group, "demonstration", gpath, errs, default=demo)
        cats = group.get("categories")
        if not isinstance(cats, list):
            errs.add(f"{gpath}.categories", "missing or not a list")
            continue
        for i, raw in enumerate(cats):
            cat = _parse_category(raw, f"{gpath}.categories[{i}]", errs, red_list=slug or "?", demo=gdemo)
            if cat:
                out.append((f"{gpath}.categories[{i}]", cat))
    return out


def _check_references(cats: list[tuple[str, Category]], known: set[str], errs: _Errors) -> None:
    seen: dict[str, str] = {}
    for path, cat in cats:
        if cat.red_list and cat.red_list not in known:
            hint = f" (known: {', '.join(sorted(known))})" if known else " (no Red List index loaded)"
            errs.add(f"{path}.red_list", f"unknown red list '{cat.red_list}'{hint}")
        if not cat.code:
            continue
        if cat.code in seen:
            errs.add(f"{path}.code", f"duplicate code '{cat.code}' (first used at {seen[cat.code]})")
        else:
            seen[cat.code] = path


def parse(data: Any, source: str = "<data>", known_red_lists: Iterable[str] = ()) -> RedListSet:
    """Validate already-decoded YAML/JSON data; raise RedListFileError listing every problem."""
    errs = _Errors()
    if not isinstance(data, dict):
        raise RedListFileError(["(top level): must be a mapping with red_lists and/or categories"], source)
    _unknown_keys(data, _TOP_KEYS, "", errs)
    fmt = data.get("format", FORMAT_ID)
    if fmt != FORMAT_ID:
        errs.add("format", f"'{fmt}' is not supported (expected {FORMAT_ID})")
    demo = _bool(data, "demonstration", "(top level)", errs)
    red_lists, slugs = [], set()
    raw_lists = data.get("red_lists") or []
    for i, raw in enumerate(raw_lists if isinstance(raw_lists, list) else []):
        entry = _parse_red_list(raw, f"red_lists[{i}]", errs)
        if entry and entry.slug in slugs:
            errs.add(f"red_lists[{i}].slug", f"duplicate slug '{entry.slug}'")
        elif entry:
            slugs.add(entry.slug)
            red_lists.append(entry)
    if not isinstance(raw_lists, list):
        errs.add("red_lists", "must be a list")
    cats: list[tuple[str, Category]] = []
    raw_cats = data.get("categories") or []
    if not isinstance(raw_cats, list):
        errs.add("categories", "must be a list")
        raw_cats = []
    for i, raw in enumerate(raw_cats):
        cat = _parse_category(raw, f"categories[{i}]", errs, demo=demo)
        if cat:
            cats.append((f"categories[{i}]", cat))
    if "category_lists" in data:
        cats += _parse_groups(data["category_lists"], errs, demo)
    _check_references(cats, slugs | set(known_red_lists), errs)
    if errs.items:
        raise RedListFileError(errs.items, source)
    return RedListSet(red_lists=red_lists, categories=[c for _, c in cats], demonstration=demo,
                      title=data.get("title") or "", notes=data.get("notes") or "")


def loads(text: str, fmt: str = "yaml", source: str = "<text>", known_red_lists: Iterable[str] = ()) -> RedListSet:
    """Parse and validate YAML or JSON text."""
    try:
        data = json.loads(text) if fmt == "json" else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError) as exc:
        raise RedListFileError([f"(file): not valid {fmt.upper()}: {exc}"], source) from exc
    return parse(data, source, known_red_lists)


def load(path: Union[str, Path], known_red_lists: Iterable[str] = ()) -> RedListSet:
    """Load and validate a .yaml/.yml/.json file; categories may refer to red lists in the file or known_red_lists."""
    path = Path(path)
    fmt = "json" if path.suffix.lower() == ".json" else "yaml"
    return loads(path.read_text(encoding="utf-8"), fmt, str(path), known_red_lists)


def load_default() -> RedListSet:
    """Load the shipped ICOM index merged with the demonstration categories."""
    index = load(INDEX_FILE)
    demo = load(DEMO_FILE, known_red_lists=[r.slug for r in index.red_lists])
    return RedListSet(red_lists=index.red_lists, categories=demo.categories, demonstration=demo.demonstration,
                      title=index.title, notes=index.notes)


# ---------------------------------------------------------------- dumping

def red_list_to_data(r: RedList) -> dict:
    """One Red List entry in the documented file format."""
    out: dict[str, Any] = {"slug": r.slug, "name": r.name, "region": r.region}
    if r.countries:
        out["countries"] = list(r.countries)
    out.update({"year": r.year, "publisher": r.publisher})
    if r.languages:
        out["languages"] = list(r.languages)
    if r.url:
        out["url"] = r.url
    out["status"] = r.status
    if r.demonstration:
        out["demonstration"] = True
    if r.notes:
        out["notes"] = r.notes
    return out


def category_to_data(c: Category, with_list: bool, demo: bool) -> dict:
    """One category entry in the documented file format (`demo`: the enclosing file's demonstration flag)."""
    out: dict[str, Any] = {"red_list": c.red_list} if with_list else {}
    out["code"] = c.code
    out["names"] = {k: c.names[k] for k in LANGUAGES if k in c.names}
    if c.descriptions:
        out["descriptions"] = {k: c.descriptions[k] for k in LANGUAGES if k in c.descriptions}
    for key in ("object_types", "materials", "techniques"):
        if getattr(c, key):
            out[key] = list(getattr(c, key))
    if c.period:
        out["period"] = {"year_from": c.period.year_from, "year_to": c.period.year_to}
    if c.regions:
        out["regions"] = list(c.regions)
    if c.measurements:
        out["measurements"] = {m.name: {k: v for k, v in (("min", m.min), ("max", m.max)) if v is not None}
                               for m in c.measurements}
    if c.reference_images:
        out["reference_images"] = list(c.reference_images)
    if c.demonstration != demo:
        out["demonstration"] = c.demonstration
    return out


def to_data(red_set: RedListSet, grouped: bool = True) -> dict:
    """Return the plain dict/list structure of a RedListSet in the documented format."""
    out: dict[str, Any] = {"format": FORMAT_ID}
    if red_set.title:
        out["title"] = red_set.title
    out["demonstration"] = red_set.demonstration
    if red_set.notes:
        out["notes"] = red_set.notes
    if red_set.red_lists:
        out["red_lists"] = [red_list_to_data(r) for r in red_set.red_lists]
    if red_set.categories and grouped:
        groups: dict[str, list[Category]] = {}
        for cat in red_set.categories:
            groups.setdefault(cat.red_list, []).append(cat)
        out["category_lists"] = [
            {"red_list": slug, "demonstration": red_set.demonstration,
             "categories": [category_to_data(c, False, red_set.demonstration) for c in cats]}
            for slug, cats in groups.items()]
    elif red_set.categories:
        out["categories"] = [category_to_data(c, True, red_set.demonstration) for c in red_set.categories]
    return out


def dumps(red_set: RedListSet, fmt: str = "yaml", grouped: bool = True) -> str:
    """Serialise a RedListSet to YAML or JSON text that loads back to an equal RedListSet."""
    data = to_data(red_set, grouped)
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=110, default_flow_style=False)


def dump(red_set: RedListSet, path: Union[str, Path], grouped: bool = True) -> None:
    """Write a RedListSet to a .yaml/.yml or .json file."""
    path = Path(path)
    fmt = "json" if path.suffix.lower() == ".json" else "yaml"
    path.write_text(dumps(red_set, fmt, grouped), encoding="utf-8")
