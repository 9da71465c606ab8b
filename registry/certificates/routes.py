"""Issue, show, download and verify due-diligence certificates."""

from __future__ import annotations


from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from registry.auth.access import current_principal
from registry.certificates import bp
from registry.certificates.pdf import certificate_pdf, described_fields
from registry.i18n import current_language, readable
from registry.extensions import db
from registry.models import Certificate, CertificateAlert, Check
from registry.policy import can_view_check, rule
from registry.services.certificates import CertificateError, issue_certificate
from registry.services.certificates import verify as verify_certificate
from registry.services.photos import media_store


@bp.post("/checks/<int:check_id>/certificate")
def issue(check_id: int):
    """Issue the certificate of one of your checks."""
    check = db.session.get(Check, check_id)
    if check is None or check.user_id != current_user.id:
        abort(404)  # only one's own checks; others' are not revealed
    try:
        certificate = issue_certificate(check, current_user)
    except CertificateError as exc:
        abort(403, description=readable(exc))
    flash(_("Certificate %(number)s issued.", number=certificate.number), "success")
    return redirect(url_for("certificates.show", number=certificate.number))


def _certificate_or_404(number: str) -> Certificate:
    certificate = db.session.scalar(select(Certificate).where(Certificate.number == number))
    principal = current_principal()
    if certificate is None:
        abort(404)
    if rule("certificates.view", principal.role) != "yes" and certificate.user_id != principal.user_id:
        abort(404)
    return certificate


@bp.get("/certificates/<number>")
def show(number: str):
    """The printable certificate."""
    certificate = _certificate_or_404(number)
    alerts = db.session.scalars(select(CertificateAlert).where(CertificateAlert.certificate_id == certificate.id)).all()
    return render_template("certificates/show.html", certificate=certificate, content=certificate.content, alerts=alerts,
                           described=described_fields(certificate.content["check"].get("description")),
                           verify_url=url_for("certificates.verify", code=certificate.verification_code, _external=True))


@bp.get("/certificates/<number>.pdf")
def pdf(number: str):
    """The certificate as a PDF."""
    certificate = _certificate_or_404(number)
    data = certificate_pdf(certificate.content, certificate.verification_code,
                           url_for("certificates.verify", code=certificate.verification_code, _external=True),
                           language=current_language(), photo_paths=_thumbnails(certificate))
    return Response(data, mimetype="application/pdf", headers={"Content-Disposition": f"inline; filename={number}.pdf"})


def _thumbnails(certificate: Certificate) -> list[bytes | None]:
    """The stored thumbnail of each photo the certificate's check was given (None where it was not kept).

    The same rule as the photos' web addresses: only to those who may view the check itself.
    """
    photos = certificate.content["check"].get("photos") or []
    check = certificate.check
    if check is None or not can_view_check(current_principal(), check.user_id, check.agency):
        return [None] * len(photos)
    store = media_store()
    return [store.read("thumb", photo["sha256"]) for photo in photos]


@bp.get("/verify")
def verify_form():
    """Type a verification code."""
    code = request.args.get("code", "").strip()
    if code:
        return redirect(url_for("certificates.verify", code=code))
    return render_template("certificates/verify_form.html")


@bp.get("/verify/<code>")
def verify(code: str):
    """Anyone can confirm a certificate is genuine and unaltered, and read what it states."""
    verdict, certificate = verify_certificate(code)
    status = 200 if verdict == "genuine" else (404 if verdict == "unknown" else 409)
    return render_template("certificates/verify.html", verdict=verdict, certificate=certificate, code=code), status

