"""Red Lists in the API: list them, look up categories for an object, read one category."""

from __future__ import annotations

from registry.api import bp
from registry.api.errors import ApiError
from registry.api.openapi import TEXT_PATTERN, errors
from registry.api.schemas import LookupArgsSchema, LookupResultSchema, RedListSchema
from registry.redlists.loader import category_to_data, red_list_to_data
from registry.services.redlists import ADVICE, fit_as_dict, look_up_categories, stored_red_list_set

LOOKUP_FIELDS = ("text", "region", "object_type", "materials", "techniques", "year_from", "year_to")


@bp.get("/redlists")
@bp.response(200, RedListSchema(many=True))
@errors(bp)
def red_lists():
    """Every stored Red List with its categories' codes and English names."""
    red_set = stored_red_list_set()
    return [
        {**red_list_to_data(r), "categories": [{"code": c.code, "name": c.name("en")} for c in red_set.categories if c.red_list == r.slug]}
        for r in red_set.red_lists
    ]


@bp.get("/redlists/lookup")
@bp.arguments(LookupArgsSchema, location="query")
@bp.response(200, LookupResultSchema)
@errors(bp, 400, 422, described={400: "Nothing to look up: give at least one of " + ", ".join(LOOKUP_FIELDS)})
def lookup(args: dict):
    """Categories an object may fall into, best first, with the facets that agreed and disagreed (text in EN/FR/ES)."""
    query = {name: args[name] for name in LOOKUP_FIELDS}
    if not any(value not in (None, "") for value in query.values()):
        raise ApiError(f"give at least one of {', '.join(LOOKUP_FIELDS)}")
    fits = look_up_categories(query)[: args["limit"]]
    return {"advice": ADVICE if any(fit.may_fall_into for fit in fits) else "",
            "categories": [{**fit_as_dict(fit, args["lang"]), "disagreements": list(fit.disagreements)} for fit in fits]}


@bp.get("/redlists/categories/<code>")
@bp.doc(parameters=[{"in": "path", "name": "code", "required": True,
                     "schema": {"type": "string", "minLength": 1, "pattern": TEXT_PATTERN}}])
@bp.response(200)
@errors(bp, 404)
def category(code: str):
    """One category in the documented data format (registry/redlists/FORMAT.md)."""
    found = stored_red_list_set().category(code)
    if found is None:
        raise ApiError(f"there is no Red List category with code {code!r}", 404)
    return category_to_data(found, with_list=True, demo=False)
