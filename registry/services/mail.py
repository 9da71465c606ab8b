"""E-mail with smtplib, sent only once the transaction that decided it is committed (none when SMTP is not set)."""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from registry.extensions import db

log = logging.getLogger(__name__)
_OUTBOX = "registry_outbox"


@dataclass
class _Mail:
    to: str
    subject: str
    body: str
    settings: dict


def queue_mail(to: str, subject: str, body: str) -> bool:
    """Send an e-mail when the current transaction commits; False (nothing queued) when SMTP is not configured."""
    config = current_app.config
    if not config.get("SMTP_HOST") or not to:
        return False
    settings = {name: config.get(name) for name in ("SMTP_HOST", "SMTP_PORT", "SMTP_FROM", "SMTP_USERNAME",
                                                    "SMTP_PASSWORD", "SMTP_STARTTLS")}
    db.session().info.setdefault(_OUTBOX, []).append(_Mail(to, subject, body, settings))
    return True


@event.listens_for(Session, "after_commit")
def _send_outbox(session: Session) -> None:
    for mail in session.info.pop(_OUTBOX, []):
        try:
            _send(mail)
        except (OSError, smtplib.SMTPException) as exc:  # the notice is on the dashboard anyway
            log.error("e-mail to %s not sent: %s", mail.to, exc)


@event.listens_for(Session, "after_rollback")
def _drop_outbox(session: Session) -> None:
    session.info.pop(_OUTBOX, None)


def _send(mail: _Mail) -> None:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = mail.settings["SMTP_FROM"], mail.to, mail.subject
    message.set_content(mail.body)
    with smtplib.SMTP(mail.settings["SMTP_HOST"], int(mail.settings["SMTP_PORT"]), timeout=30) as smtp:
        if str(mail.settings["SMTP_STARTTLS"]).lower() in ("1", "true", "yes"):
            smtp.starttls()
        if mail.settings["SMTP_USERNAME"]:
            smtp.login(mail.settings["SMTP_USERNAME"], mail.settings["SMTP_PASSWORD"])
        smtp.send_message(message)
