"""`registry catalogue`: print a selection of records as a PDF catalogue from the command line."""

from __future__ import annotations

from pathlib import Path

import click

from registry.objectid.standard import STATUSES

LANGUAGES = ("en", "fr", "es", "ar")


@click.command("catalogue")
@click.option("--text", default="", help="Words to find in any text field (all must appear).")
@click.option("--status", type=click.Choice(STATUSES), help="Only records with this status.")
@click.option("--institution", default="", help="Only this institution's records (its exact name).")
@click.option("--title", default="", help="The title on the cover (default: says the status).")
@click.option("--lang", "language", type=click.Choice(LANGUAGES), default="en", show_default=True, help="The catalogue's language.")
@click.option("--all-records", is_flag=True, help="Print as the operator sees: inventory records and police case references "
                                                  "too (by default only what the public may see: records reported stolen, "
                                                  "missing, looted or recovered, without case references).")
@click.option("--base-url", default="http://127.0.0.1:5000", show_default=True, help="The registry's address, printed with each object's contact.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), required=True, help="The PDF file to write.")
def catalogue_command(text, status, institution, title, language, all_records, base_url, output) -> None:
    """Print the records of a selection as a PDF catalogue: a cover, one object per half page (photo, Object ID
    fields, contact) and an index. Exits 1 when the selection cannot be made (an unknown institution)."""
    from flask import current_app
    from flask_babel import force_locale

    from registry.catalogue.pdf import Shown, catalogue_pdf
    from registry.catalogue.routes import display_photo
    from registry.cli import _fail
    from registry.policy import ANONYMOUS, Principal
    from registry.services.catalogue import CatalogueError, Selection, select_records

    principal = Principal(role="admin") if all_records else ANONYMOUS
    try:
        catalogue = select_records(Selection(text=text, status=status or "", institution=institution, title=title), principal)
    except CatalogueError as exc:
        _fail(str(exc), False)
    base = base_url.rstrip("/")
    with current_app.test_request_context(base_url=base), force_locale(language):
        data = catalogue_pdf(catalogue, language, photo_path=display_photo,
                             sheet_url=lambda record: f"{base}/objects/{record.id}", show=Shown.to(principal))
    output.write_bytes(data)
    shown = len(catalogue.records)
    click.echo(f"{output}: {shown} object(s)" + (f" of {catalogue.total} (narrow the selection)" if catalogue.truncated else "")
               + f", {language}.")
