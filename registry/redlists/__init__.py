"""Red Lists domain library: ICOM Red List categories, loading, look-up and suggestion (no Flask)."""

from registry.redlists.model import Category, Measurement, Period, RedList, RedListSet
from registry.redlists.loader import RedListFileError, dump, dumps, load, loads, load_default
from registry.redlists.lookup import CategoryFit, Query, look_up, suggest
from registry.redlists.coverage import lists_compared, lists_without_categories

__all__ = [
    "Category", "CategoryFit", "Measurement", "Period", "Query", "RedList", "RedListFileError",
    "RedListSet", "dump", "dumps", "lists_compared", "lists_without_categories", "load", "load_default", "loads",
    "look_up", "suggest",
]
