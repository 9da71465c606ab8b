"""Which Red Lists have categories, and so which lists a look-up or a check actually compares an object with."""

from __future__ import annotations

from typing import Any, Iterable

from registry.redlists.model import Category, RedList


def lists_compared(red_lists: Iterable[RedList], categories: Iterable[Category]) -> list[dict[str, Any]]:
    """The Red Lists that have at least one category, in the index's order, with their number of categories.

    These are the lists an object's description is compared with; a list without categories is named in the index
    only and cannot match anything.

    :return: [{"slug", "name", "year", "status", "categories": n, "demonstration": bool}]
    """
    counts: dict[str, int] = {}
    demo: dict[str, bool] = {}
    for category in categories:
        counts[category.red_list] = counts.get(category.red_list, 0) + 1
        demo[category.red_list] = demo.get(category.red_list, False) or category.demonstration
    return [{"slug": r.slug, "name": r.name, "year": r.year, "status": r.status, "categories": counts[r.slug],
             "demonstration": demo[r.slug]}
            for r in red_lists if counts.get(r.slug)]


def lists_without_categories(red_lists: Iterable[RedList], categories: Iterable[Category]) -> list[RedList]:
    """The Red Lists of the index that have no category loaded (nothing is compared with them)."""
    with_categories = {c.red_list for c in categories}
    return [r for r in red_lists if r.slug not in with_categories]
