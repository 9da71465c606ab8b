"""Red Lists in the API: list them, look up categories for an object, read one category."""

from __future__ import annotations

from flask import jsonify, request

from registry.api import bp
from registry.api.errors import ApiError
from registry.redlists.loader import category_to_data, red_list_to_data
from registry.services.redlists import ADVICE, fit_as_dict, look_up_categories, stored_red_list_set

LOOKUP_FIELDS = ("text", "region", "object_type", "materials", "techniques")


@bp.get("/redlists")
def red_lists():
    """Every stored Red List with its categories' codes and English names."""
    red_set = stored_red_list_set()
    return jsonify([
        {**red_list_to_data(r), "categories": [{"code": c.code, "name": c.name("en")} for c in red_set.categories if c.red_list == r.slug]}
        for r in red_set.red_lists
    ])


@bp.get("/redlists/lookup")
def lookup():
    """Categories an object may fall into: query parameters text, region, object_type, materials, techniques,
    year_from, year_to, lang (en/fr/es for names), limit (1-50, default 10)."""
    query = {name: request.args.get(name, "").strip() for name in LOOKUP_FIELDS}
    query["year_from"], query["year_to"] = _year("year_from"), _year("year_to")
    if not any(query.values()):
        raise ApiError(f"give at least one of {', '.join(LOOKUP_FIELDS)}, year_from, year_to")
    lang = request.args.get("lang", "en")
    if lang not in ("en", "fr", "es"):
        raise ApiError("lang must be en, fr or es")
    limit = _limit()
    fits = look_up_categories(query)[:limit]
    return jsonify({"advice": ADVICE if fits else "", "categories": [
        {**fit_as_dict(fit, lang), "disagreements": list(fit.disagreements)} for fit in fits
    ]})


@bp.get("/redlists/categories/<code>")
def category(code: str):
    """One category in the documented data format."""
    found = stored_red_list_set().category(code)
    if found is None:
        raise ApiError(f"there is no Red List category with code {code!r}", 404)
    return jsonify(category_to_data(found, with_list=True, demo=False))


def _year(name: str) -> int | None:
    text = request.args.get(name, "").strip()
    if not text:
        return None
    try:
        return int(text)
    except ValueError as exc:
        raise ApiError(f"{name} must be a whole year (negative for BCE), not {text!r}") from exc


def _limit() -> int:
    text = request.args.get("limit", "10").strip() or "10"
    if not text.isdigit() or not 1 <= int(text) <= 50:
        raise ApiError("limit must be a whole number from 1 to 50")
    return int(text)
