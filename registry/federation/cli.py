"""`registry federation add|list|pull`: other registries whose published lost records this one pulls."""

from __future__ import annotations

import json

import click


@click.group("federation")
def federation_group() -> None:
    """Other registries: pull their published lost records (signed feeds) as read-only foreign records."""


@federation_group.command("add")
@click.argument("name")
@click.argument("url")
@click.option("--public-key", required=True, help="The other registry's public key (`registry offline-bank keys` there).")
def add_command(name: str, url: str, public_key: str) -> None:
    """Add a registry to pull from: NAME, and URL (its address or its /feeds/stolen.feed.json)."""
    from registry.cli import cli_actor
    from registry.services.federation import FederationError, add_source

    try:
        source = add_source(name, url, public_key, cli_actor())
    except FederationError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Added {source.name}: {source.url}")


@federation_group.command("list")
def list_command() -> None:
    """The registries pulled from, and how their last pull went."""
    from registry.services.federation import sources

    for source in sources():
        last = source.last_result or {}
        click.echo(f"{source.name}  {source.url}  last pull: {source.last_pulled_at or 'never'}  "
                   f"{last.get('error') or json.dumps({k: last.get(k) for k in ('created', 'updated', 'withdrawn')})}")


@federation_group.command("pull")
@click.argument("name", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON array, one report per registry.")
def pull_command(name: str | None, as_json: bool) -> None:
    """Pull what changed at every registry added (or the one NAMEd) since the last pull; safe to repeat."""
    from registry.cli import cli_actor
    from registry.services.federation import pull, sources

    chosen = sources(name)
    if name and not chosen:
        raise click.ClickException(f"no registry named {name!r} was added (`registry federation list`)")
    reports = [pull(source, cli_actor()).as_dict() for source in chosen]
    if as_json:
        click.echo(json.dumps(reports))
    else:
        for report in reports:
            click.echo(f"{report['source']}: created {report['created']}, updated {report['updated']}, unchanged "
                       f"{report['unchanged']}, withdrawn {report['withdrawn']}, rejected {len(report['rejected'])}")
            for rejected in report["rejected"]:
                click.echo(f"  rejected {rejected['entry']}: {rejected['reason']}")
            if report["error"]:
                click.echo(f"  error: {report['error']}")
    if any(report["error"] for report in reports):
        raise SystemExit(1)
