"""Password links by e-mail: a signed, timed token that works once, to reset a forgotten password or, for an account an
administrator created, to choose the first one (an invitation: the administrator never knows the password).

The token names the account and a fingerprint of its password hash and session epoch: once the password is set (by
this link or any other way) or the user signs out everywhere, the fingerprint changes and every earlier link stops
working. Links are made only under REGISTRY_PUBLIC_URL, never from the Host header a request came with (anyone may
ask for a link to someone else's account, and would otherwise choose the site it points to).
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

from flask import current_app
from flask_babel import gettext
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select

from registry.extensions import db
from registry.models import AuditEvent, User
from registry.models.objects import utcnow
from registry.services.accounts import audit, find_user, set_password
from registry.services.mail import queue_mail

_RESET = "registry-password-reset"  # the salts keep the two kinds of link apart
_INVITATION = "registry-invitation"


def reset_by_mail_available() -> bool:
    """Whether links can be sent: e-mail set up, and the registry's public address known."""
    config = current_app.config
    return bool(config.get("SMTP_HOST") and config.get("PUBLIC_URL"))


def send_invitation(user: User, admin: User, new_account: bool = True) -> None:
    """E-mail the holder of an account ``admin`` created (or, ``new_account`` false, of any account) a link to choose
    their password, valid INVITATION_DAYS (committed)."""
    days = invitation_days()
    link = _link(user, _INVITATION)
    if new_account:
        subject = gettext("Your account on the Object ID Registry")
        body = gettext("An account was opened for you (%(email)s) on the Object ID Registry. Open this link within "
                       "%(days)s days to choose your password; it works once:\n\n%(link)s", email=user.email, days=days,
                       link=link)
    else:
        subject = gettext("Set a new password for the Object ID Registry")
        body = gettext("An administrator of the Object ID Registry sent you this link to set a new password for "
                       "%(email)s. It works once, within %(days)s days:\n\n%(link)s", email=user.email, days=days,
                       link=link)
    _send(user, subject, body, admin, "invitation_sent" if new_account else "password_link_sent_by_admin")


def send_reset_link(email: str) -> None:
    """E-mail a reset link to the active account with this address, if there is one (committed). Nothing tells the
    caller whether there was: the answer must not reveal which addresses have accounts."""
    user = find_user(email)
    if user is None or not user.active or not reset_by_mail_available() or _link_sent_lately(user):
        return
    subject = gettext("Set a new password for the Object ID Registry")
    body = gettext("Someone, probably you, asked to set a new password for %(email)s. Open this link within %(minutes)s "
                   "minutes to choose one; it works once:\n\n%(link)s\n\nIf you did not ask, ignore this message: your "
                   "password stays as it is.", email=user.email, minutes=link_minutes(), link=_link(user, _RESET))
    _send(user, subject, body, user, "password_reset_link_sent")


def _link_sent_lately(user: User) -> bool:
    """A forgotten-password link went to this account less than PASSWORD_RESET_EVERY_MINUTES ago: whoever asks again
    (anyone may, for any address) must not fill its holder's mailbox."""
    since = utcnow() - timedelta(minutes=int(current_app.config.get("PASSWORD_RESET_EVERY_MINUTES", 5)))
    return db.session.scalar(select(AuditEvent.id).where(
        AuditEvent.target_type == "user", AuditEvent.target_id == user.id,
        AuditEvent.action == "password_reset_link_sent", AuditEvent.at > since).limit(1)) is not None


def _send(user: User, subject: str, body: str, actor: User, action: str) -> None:
    # In the language of the page that asked (gettext above), which is not kept as the user's: anyone may ask.
    audit(actor.label, "user", user.id, action, actor_user_id=actor.id)
    queue_mail(user.email, subject, body)
    db.session.commit()


def _link(user: User, salt: str) -> str:
    return current_app.config["PUBLIC_URL"].rstrip("/") + f"/auth/reset/{_serializer(salt).dumps(_claims(user))}"


def account_of_link(token: str) -> User | None:
    """The active account a reset link was made for, while the link is current and unused; else None."""
    claims = _claims_of(token, _RESET, link_minutes() * 60)
    if claims is None:
        claims = _claims_of(token, _INVITATION, invitation_days() * 86_400)
    if not isinstance(claims, dict):
        return None
    user = db.session.get(User, claims.get("user")) if isinstance(claims.get("user"), int) else None
    if user is None or not user.active or claims.get("fingerprint") != _fingerprint(user):
        return None
    return user


def reset_password(user: User, password: str) -> None:
    """Set the password chosen through a reset link (committed); the link, and every session, stop working."""
    set_password(user, password, f"{user.label} (reset link)")


def link_minutes() -> int:
    """How long a forgotten-password link works (PASSWORD_RESET_MINUTES)."""
    return int(current_app.config.get("PASSWORD_RESET_MINUTES", 60))


def invitation_days() -> int:
    """How long an administrator's link works (INVITATION_DAYS)."""
    return int(current_app.config.get("INVITATION_DAYS", 7))


def _claims(user: User) -> dict:
    return {"user": user.id, "fingerprint": _fingerprint(user)}


def _fingerprint(user: User) -> str:
    return hashlib.sha256(f"{user.password_hash}:{user.session_epoch}".encode()).hexdigest()[:32]


def _claims_of(token: str, salt: str, max_age: int) -> object | None:
    try:
        return _serializer(salt).loads(token, max_age=max_age)
    except (SignatureExpired, BadSignature):
        return None


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=salt)
