"""`registry watch sweep`: look for records reported lost in earlier checks (cron, on any host)."""

from __future__ import annotations

import json

import click


@click.group("watch")
def watch_group() -> None:
    """Standing watch: records reported lost, looked for in earlier checks and certificates."""


@watch_group.command("sweep")
@click.option("--limit", type=click.IntRange(1), help="Sweep at most this many pending records.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object per sweep.")
def sweep_command(limit: int | None, as_json: bool) -> None:
    """Sweep the records reported lost that no host has swept yet (or whose sweep was cut short).

    Several hosts may run it at once: each pending sweep is claimed by one of them. Schedule it every few minutes.
    """
    from registry.services.watch import sweep_pending

    sweeps = sweep_pending(limit)
    for sweep in sweeps:
        line = {"record_id": sweep.record_id, "status": sweep.status, "hits": sweep.hits, "error": sweep.error or None}
        click.echo(json.dumps(line) if as_json else
                   f"record {sweep.record_id} ({sweep.status}): {sweep.hits} check(s) found"
                   + (f"; failed: {sweep.error}" if sweep.error else ""))
    if not sweeps and not as_json:
        click.echo("nothing to sweep")
    if any(sweep.error for sweep in sweeps):
        raise SystemExit(1)
