"""Accounts: creating users, signing in with lockout, passwords, two-factor codes, API tokens; all audited."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

import pyotp
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from registry.policy import ROLES
from registry.extensions import db
from registry.i18n import LANGUAGES, current_language
from registry.messages import N_, ReadableError
from registry.models import ApiToken, AuditEvent, Institution, User
from registry.models.objects import client_address, utcnow
from registry.services import sign_in_backoff

MIN_PASSWORD_LENGTH = 12
TOKEN_PREFIX = "oidr_"
# Compared against when the e-mail is unknown, so a wrong e-mail costs as much time as a wrong password.
_DUMMY_HASH = generate_password_hash("not-a-real-password-" + secrets.token_hex(8))


class AccountError(ReadableError):
    """An account operation that cannot be done; the message says why."""


def audit(actor: str, target_type: str, target_id: int | None, action: str, old: str | None = None, new: str | None = None,
          actor_user_id: int | None = None) -> None:
    """Append an audit event (not committed)."""
    db.session.add(AuditEvent(actor=actor, actor_user_id=actor_user_id, ip=client_address(), target_type=target_type,
                              target_id=target_id, action=action, old_value=old, new_value=new))


MIN_DISTINCT_CHARACTERS = 5  # "aaaaaaaaaaaa" and "abababababab" are long but guessed at once
MIN_OWN_CHARACTERS = 6  # what must be left once common words and digits are taken out ("password1234": nothing)
_COMMON_WORDS = ("password", "passwort", "passe", "contrasena", "contraseña", "qwerty", "azerty", "letmein", "welcome",
                 "admin", "registry", "musee", "museum", "museo", "secret", "abc")


def _check_password(password: str, email: str = "") -> None:
    """Refuse passwords guessed at once: too short, too few different characters, a common word with digits, or
    the account's own e-mail address (issue 24)."""
    password = password or ""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(N_("the password must have at least %(count)s characters"), count=MIN_PASSWORD_LENGTH)
    if len(set(password)) < MIN_DISTINCT_CHARACTERS:
        raise AccountError(N_("the password repeats too few different characters; choose one harder to guess"))
    lowered = password.lower()
    address = normalise_email(email)
    name = address.split("@")[0]
    mostly_the_name = len(name) >= 4 and name in lowered and _own_characters(lowered, (name,)) < MIN_OWN_CHARACTERS
    if address and (address in lowered or mostly_the_name):
        raise AccountError(N_("the password must not contain the account's e-mail address"))
    if _own_characters(lowered, _COMMON_WORDS) < MIN_OWN_CHARACTERS:
        raise AccountError(N_("the password is mostly a common word and digits; choose one harder to guess"))


def _own_characters(lowered: str, words: tuple[str, ...]) -> int:
    """How many letters and signs are left once ``words``, digits and spaces are taken out."""
    for word in words:
        lowered = lowered.replace(word, "")
    return sum(1 for ch in lowered if not ch.isdigit() and not ch.isspace())


def normalise_email(email: str) -> str:
    """E-mail addresses are compared without case and surrounding spaces."""
    return (email or "").strip().lower()


def create_user(email: str, name: str, role: str, password: str, actor: str, institution: str = "", agency: str = "",
                organisation: str = "") -> User:
    """Create an account (committed). A registrar needs an institution; law enforcement an agency."""
    email = normalise_email(email)
    if "@" not in email:
        raise AccountError(N_("give a valid e-mail address"))
    if role not in ROLES or role == "anonymous":
        raise AccountError(N_("role must be one of %(roles)s"), roles=", ".join(r for r in ROLES if r != "anonymous"))
    if db.session.scalar(select(User).where(User.email == email)):
        raise AccountError(N_("an account with e-mail %(email)s already exists"), email=email)
    _check_password(password, email)
    institution_row = None
    if role == "registrar":
        if not institution.strip():
            raise AccountError(N_("a registrar belongs to an institution: give the institution"))
        from registry.services.objects import institution_named

        institution_row = institution_named(institution)
    if role == "law_enforcement" and not agency.strip():
        raise AccountError(N_("a law-enforcement account belongs to an agency: give the agency"))
    user = User(email=email, name=name.strip() or email, role=role, institution=institution_row, agency=agency.strip(),
                organisation=organisation.strip(), password_hash=generate_password_hash(password))
    db.session.add(user)
    db.session.flush()
    audit(actor, "user", user.id, "user_created", new=f"{email} role={role} institution={institution} agency={agency}")
    db.session.commit()
    return user


def keep_language(user: User, language: str) -> None:
    """Send this user's notices and e-mails in ``language`` from now on (chosen on the pages)."""
    if language in LANGUAGES and user.language != language:
        user.language = language
        db.session.commit()


def find_user(email: str) -> User | None:
    """The account with this e-mail, if any."""
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def authenticate(email: str, password: str, totp_code: str = "") -> User | None:
    """Return the user if the credentials (and two-factor code, when enabled) are right, else None.

    After repeated failures from one address, that address waits before it may try that account again, longer
    each time (services.sign_in_backoff); other addresses are not held back. The caller shows the same message for
    every failure, so the answer does not reveal whether an e-mail has an account.
    """
    user = find_user(email)
    if user is None:
        check_password_hash(_DUMMY_HASH, password or "")
        return None
    now, address = utcnow(), client_address()
    waiting = sign_in_backoff.waiting_until(user, address, now)
    good = not waiting and check_password_hash(user.password_hash, password or "") and _totp_ok(user, totp_code)
    if waiting or not user.active or not good:
        if not waiting and user.active:
            _record_failure(user, address, now)
        db.session.commit()
        return None
    sign_in_backoff.forget_failures(user, address)
    user.last_login_at = now
    user.language = user.language or current_language()
    audit(user.label, "user", user.id, "signed_in", actor_user_id=user.id)
    db.session.commit()
    return user


def _totp_ok(user: User, code: str) -> bool:
    if not user.totp_secret:
        return True
    return bool(code) and pyotp.TOTP(user.totp_secret).verify(code.strip(), valid_window=1)


def _record_failure(user: User, address: str, now: datetime) -> None:
    row = sign_in_backoff.note_failure(user, address, now)
    audit("anonymous", "user", user.id, "sign_in_failed", new=f"failure {row.failures} from {row.address}")
    if row.wait_until is not None:
        audit("system", "user", user.id, "sign_in_delayed",
              new=f"{row.address} waits until {row.wait_until.isoformat()}")


def set_password(user: User, password: str, actor: str) -> None:
    """Change a password (committed); every address held back from signing in to the account may try again."""
    _check_password(password, user.email)
    user.password_hash = generate_password_hash(password)
    sign_in_backoff.forget_failures(user)
    end_sessions(user)
    audit(actor, "user", user.id, "password_changed")
    db.session.commit()


def end_sessions(user: User) -> None:
    """Make every session cookie the user holds, or anyone copied, stop signing in (not committed)."""
    user.session_epoch = (user.session_epoch or 0) + 1


def sign_out_everywhere(user: User, actor: str) -> None:
    """End every session of the user, in every browser, this one included (committed)."""
    end_sessions(user)
    audit(actor, "user", user.id, "signed_out_everywhere", actor_user_id=user.id)
    db.session.commit()


def set_active(user: User, active: bool, actor: str) -> None:
    """Disable or re-enable an account (committed); a disabled account's sessions end and its tokens stop working."""
    if user.active == active:
        return
    audit(actor, "user", user.id, "enabled" if active else "disabled", old=str(user.active), new=str(active))
    user.active = active
    if not active:
        end_sessions(user)  # re-enabling does not bring them back
    db.session.commit()


def pending_totp_secret(user: User) -> str:
    """The secret the user's authenticator app is being set up with, made when first asked for (committed)."""
    if not user.pending_totp_secret:
        user.pending_totp_secret = pyotp.random_base32()
        db.session.commit()
    return user.pending_totp_secret


def enable_totp(user: User, code: str, actor: str) -> None:
    """Turn on two-factor sign-in once the user proves their app shows the right code for the pending secret."""
    secret = user.pending_totp_secret
    if not secret or not pyotp.TOTP(secret).verify((code or "").strip(), valid_window=1):
        raise AccountError(N_("that code is not right; check the time on your phone and try the current code"))
    user.totp_secret, user.pending_totp_secret = secret, None
    audit(actor, "user", user.id, "two_factor_enabled")
    db.session.commit()


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(user: User, name: str, actor: str) -> str:
    """Create a personal API token and return it: the only time it is shown; only its hash is stored."""
    name = (name or "").strip()
    if not name:
        raise AccountError(N_("give the token a name, e.g. the tool that will use it"))
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(user=user, name=name[:100], token_hash=_hash_token(token), prefix=token[:12])
    db.session.add(row)
    db.session.flush()
    audit(actor, "token", row.id, "token_created", new=f"{row.name} ({row.prefix}…) for {user.email}")
    db.session.commit()
    return token


def revoke_token(user: User, token_id: int, actor: str) -> None:
    """Revoke one of the user's tokens (committed)."""
    row = db.session.get(ApiToken, token_id)
    if row is None or row.user_id != user.id:
        raise AccountError(N_("no such token"))
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        audit(actor, "token", row.id, "token_revoked", old=f"{row.name} ({row.prefix}…)")
        db.session.commit()


def user_for_token(token: str) -> User | None:
    """The active user a valid, unrevoked token belongs to."""
    if not token or not token.startswith(TOKEN_PREFIX):
        return None
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _hash_token(token), ApiToken.revoked_at.is_(None)))
    if row is None or not row.user.active:
        return None
    row.last_used_at = utcnow()
    db.session.commit()
    return row.user


def user_count() -> int:
    """How many accounts exist."""
    return db.session.scalar(select(func.count()).select_from(User))


def institution_id_for(name: str) -> int | None:
    """Id of an institution by name, if it exists."""
    return db.session.scalar(select(Institution.id).where(Institution.name == name))
