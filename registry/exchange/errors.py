"""Errors of the exchange formats, each with a message a person can act on."""

from __future__ import annotations


class ExchangeError(ValueError):
    """A record or file that cannot be exchanged; the message says which record or line and why."""


class LidoError(ExchangeError):
    """A LIDO document that cannot be read or written: malformed, hostile or missing a required part."""


class CsvError(ExchangeError):
    """A CSV file that cannot be read: a missing column or a cell that is not the expected kind of value."""


class LidoSchemaNotFound(FileNotFoundError):
    """The LIDO XML Schema files are not where the registry looks for them (a setup problem, not bad input)."""
