"""Demo accounts, one per role, with passwords generated on first run and kept in the instance folder."""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

from werkzeug.security import check_password_hash

from registry.demo.collection import MUSEUMS
from registry.services.accounts import create_user, find_user

DEMO_ACCOUNTS = (
    {"role": "admin", "email": "admin@demo.example", "name": "Demo Administrator"},
    {"role": "registrar", "email": "registrar@demo.example", "name": "Demo Registrar", "institution": MUSEUMS[0]},
    {"role": "law_enforcement", "email": "officer@demo.example", "name": "Demo Customs Officer", "agency": "Demo Customs Service"},
    {"role": "dealer", "email": "dealer@demo.example", "name": "Demo Dealer", "organisation": "Demo Auction House"},
)


PASSWORD_NOT_KNOWN = "(not known here: set one with `registry users reset-password {email}`)"


def ensure_demo_accounts(instance_path: str, actor: str) -> list[dict[str, str]]:
    """Create the demo accounts that do not exist yet; return each with its password (from instance/demo-accounts.txt).

    A password is returned only when it is the account's password now: the file may be older than the database, or
    the password may have been changed since, and a wrong one printed would lock the account after five tries."""
    store = Path(instance_path) / "demo-accounts.txt"
    passwords: dict[str, str] = _read_passwords(store)
    for account in DEMO_ACCOUNTS:
        if find_user(account["email"]) is None:
            passwords[account["email"]] = secrets.token_urlsafe(12)
            create_user(account["email"], account["name"], account["role"], passwords[account["email"]], actor,
                        institution=account.get("institution", ""), agency=account.get("agency", ""),
                        organisation=account.get("organisation", ""))
    current = {email: password for email, password in passwords.items() if _is_password_of(email, password)}
    _write_private(store, json.dumps(current, indent=2))
    return [{**account, "password": current.get(account["email"], PASSWORD_NOT_KNOWN.format(email=account["email"]))}
            for account in DEMO_ACCOUNTS]


def _read_passwords(store: Path) -> dict[str, str]:
    try:
        passwords = json.loads(store.read_text()) if store.exists() else {}
    except ValueError:  # a damaged file: its passwords cannot be trusted anyway
        return {}
    return {str(k): str(v) for k, v in passwords.items()} if isinstance(passwords, dict) else {}


def _is_password_of(email: str, password: str) -> bool:
    user = find_user(email)
    return user is not None and check_password_hash(user.password_hash, password)


def _write_private(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
