"""Demo accounts, one per role, with passwords generated on first run and kept in the instance folder."""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

from registry.demo.collection import MUSEUMS
from registry.services.accounts import create_user, find_user

DEMO_ACCOUNTS = (
    {"role": "admin", "email": "admin@demo.example", "name": "Demo Administrator"},
    {"role": "registrar", "email": "registrar@demo.example", "name": "Demo Registrar", "institution": MUSEUMS[0]},
    {"role": "law_enforcement", "email": "officer@demo.example", "name": "Demo Customs Officer", "agency": "Demo Customs Service"},
    {"role": "dealer", "email": "dealer@demo.example", "name": "Demo Dealer", "organisation": "Demo Auction House"},
)


def ensure_demo_accounts(instance_path: str, actor: str) -> list[dict[str, str]]:
    """Create the demo accounts that do not exist yet; return each with its password (from instance/demo-accounts.txt)."""
    store = Path(instance_path) / "demo-accounts.txt"
    passwords: dict[str, str] = json.loads(store.read_text()) if store.exists() else {}
    for account in DEMO_ACCOUNTS:
        if find_user(account["email"]) is None:
            passwords[account["email"]] = secrets.token_urlsafe(12)
            create_user(account["email"], account["name"], account["role"], passwords[account["email"]], actor,
                        institution=account.get("institution", ""), agency=account.get("agency", ""),
                        organisation=account.get("organisation", ""))
    _write_private(store, json.dumps(passwords, indent=2))
    return [{**account, "password": passwords.get(account["email"], "(set before this file existed)")} for account in DEMO_ACCOUNTS]


def _write_private(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
