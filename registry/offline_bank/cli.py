"""`registry offline-bank`: make the signing key, export a bank or a delta, check photos against a bank offline."""

from __future__ import annotations

import json

from pathlib import Path

import click

from registry.offline_bank.bank import MAGIC, BankRefused, assemble, read_bank
from registry.offline_bank.signing import SigningKeyError, fingerprint, parse_public_key, public_key_text


@click.group("offline-bank")
def offline_bank_group() -> None:
    """Offline hash bank: published lost records for a border post with no network."""


@offline_bank_group.command("keys")
@click.option("--generate", is_flag=True, help="Make the registry's signing key (refused when one exists).")
def keys_command(generate: bool) -> None:
    """Show the registry's public key (to give to border posts and other registries)."""
    from registry.services.offline_bank import make_signing_key, signing_key, signing_key_path

    try:
        key = make_signing_key() if generate else signing_key()
    except SigningKeyError as exc:
        raise click.ClickException(str(exc)) from exc
    if generate:
        click.echo(f"Signing key written to {signing_key_path()} (keep it secret; back it up).", err=True)
    text = public_key_text(key)
    click.echo(f"public key: {text}")
    click.echo(f"fingerprint: {fingerprint(text)}")


@offline_bank_group.command("export")
@click.option("--output", "-o", required=True, type=click.Path(dir_okay=False, path_type=Path), help="The .oidb file to write.")
@click.option("--since", type=click.IntRange(0), help="Write a delta: what changed after this bank version.")
@click.option("--max-mb", type=click.FloatRange(0.01), help="Largest bank size in MB (default REGISTRY_OFFLINE_BANK_MAX_MB).")
def export_command(output: Path, since: int | None, max_mb: float | None) -> None:
    """Write the published lost records (stolen, missing, looted), signed, for checks with no network."""
    from registry.services.offline_bank import export_bank

    try:
        data, content = export_bank(since, int(max_mb * 1_000_000) if max_mb else None)
    except SigningKeyError as exc:
        raise click.ClickException(str(exc)) from exc
    output.write_bytes(data)
    thinned = (f", features thinned to {content.keypoints_per_photo} keypoints a photo to fit"
               if content.keypoints_per_photo is not None else "")
    what = f"delta since version {since}" if since is not None else "bank"
    click.echo(f"Wrote {output}: {what} version {content.version}, {len(content.records)} record(s), "
               f"{len(content.photos)} photo(s), {len(content.removed)} withdrawn, {len(data) / 1e6:.2f} MB{thinned}; "
               f"expires {content.expires_at:%Y-%m-%d}.")


@offline_bank_group.command("check")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--public-key", envvar="REGISTRY_OFFLINE_BANK_PUBLIC_KEY",
              help="The registry's public key (base64); default: this installation's own signing key.")
@click.option("--description", default="", help="What is known of the object.")
@click.option("--object-type", default="")
@click.option("--top", default=5, show_default=True, type=click.IntRange(1, 50))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON array, one element per photo (as `registry match`).")
def check_command(files, public_key, description, object_type, top, as_json) -> None:
    """Check photos against a bank with no database and no network: BANK [DELTA ...] PHOTO ...

    The bank's signature is verified first; a tampered, foreign or expired bank is refused.
    """
    from registry.imaging import PhotoRejected, decode_photo
    from registry.matching import QUERY_WORK_SIDE
    from registry.offline_bank.matcher import BankIndex

    banks = [path for path in files if _is_bank(path)]
    photos = [path for path in files if path not in banks]
    if not banks or not photos:
        _fail("give a bank file (.oidb), then any deltas, then one or more photos", as_json)
    try:
        key = parse_public_key(public_key) if public_key else _own_public_key()
        bank = assemble([read_bank(path.read_bytes(), key, allow_expired=True) for path in banks])
        index = BankIndex(bank)
    except (BankRefused, SigningKeyError, ValueError) as exc:
        _fail(f"bank refused: {exc}", as_json)
    click.echo(f"bank of {bank.registry}: {'; '.join(bank.files)}; {len(bank.records)} record(s); "
               f"expires {bank.expires_at:%Y-%m-%d}", err=True)
    fields = {k: v for k, v in (("description", description), ("object_type", object_type)) if v}
    results = []
    for path in photos:
        try:
            image = decode_photo(path.read_bytes(), path.name, decode_side=QUERY_WORK_SIDE).image
        except (OSError, PhotoRejected) as exc:
            results.append({"query": str(path), "took_ms": 0.0, "candidates": [], "error": str(exc)})
            continue
        results.append(index.check(str(path), image, fields, top))
    if as_json:
        click.echo(json.dumps(results))
    else:
        _print(results)


def _is_bank(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(len(MAGIC)) == MAGIC


def _own_public_key():
    from registry.services.offline_bank import signing_key

    try:
        return signing_key().public_key()
    except SigningKeyError:
        raise SigningKeyError("give the registry's public key with --public-key (or REGISTRY_OFFLINE_BANK_PUBLIC_KEY): "
                              "this machine has no signing key of its own to trust") from None


def _print(results: list[dict]) -> None:
    for result in results:
        click.echo(f"{result['query']} ({result['took_ms']:.0f} ms)")
        if result.get("error"):
            click.echo(f"  error: {result['error']}")
        for c in result["candidates"]:
            click.echo(f"  {c['verdict']:9} {c['score']:.2f}  {c['institution']} {c['object_number']} [{c['status']}] "
                       f"{c['title']}  call: {c['contact']}")
        if not result["candidates"] and not result.get("error"):
            click.echo("  no candidate")


def _fail(message: str, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps({"error": message}))
    raise click.ClickException(message)


__all__ = ["offline_bank_group"]
