"""Who may do what: the role x action matrix, written once as data, and the scope rules behind "own".

No Flask here: pages, the API and the CLI all ask `allowed()` and `in_scope()`.
"""

from __future__ import annotations

from dataclasses import dataclass

ROLES: tuple[str, ...] = ("anonymous", "dealer", "law_enforcement", "registrar", "admin")
ROLE_LABELS: dict[str, str] = {
    "anonymous": "Visitor (not signed in)",
    "dealer": "Dealer / auction house",
    "law_enforcement": "Law enforcement (police, customs)",
    "registrar": "Museum registrar",
    "admin": "Administrator",
}
PUBLISHED_STATUSES: frozenset[str] = frozenset({"stolen", "missing", "looted", "recovered"})

Y, OWN, N = "yes", "own", "no"

# action: (anonymous, dealer, law_enforcement, registrar, admin). "own" = allowed within the user's scope
# (a registrar: records of their institution; law enforcement: checks of their agency; anyone: their own
# checks, tokens and certificates).
MATRIX: dict[str, tuple[str, str, str, str, str]] = {
    "site.public": (Y, Y, Y, Y, Y),  # home, style sheets, scripts
    "records.search": (Y, Y, Y, Y, Y),  # results limited to the records the user may view
    "records.view_published": (Y, Y, Y, Y, Y),  # stolen, missing, looted, recovered
    "records.view_inventory": (N, N, Y, OWN, Y),
    "records.view_history": (N, N, Y, OWN, Y),
    "records.create": (N, N, N, OWN, Y),
    "records.edit": (N, N, N, OWN, Y),
    "records.change_status": (N, N, N, OWN, Y),
    "records.tag": (N, N, N, OWN, Y),
    # before registering: is this object already registered? a photo search of every record the user may view
    # (logged as a lookup, not a check: no certificate, no agency's log)
    "records.photo_lookup": (N, N, N, OWN, Y),
    "records.delete": (N, N, N, OWN, Y),  # a tombstone stays; photos purged after retention (services/deletion.py)
    "media.view": (Y, Y, Y, Y, Y),  # photos of records the user may view; query photos of checks they may view
    "checks.run": (Y, Y, Y, Y, Y),  # against published records
    "checks.run_all_statuses": (N, N, Y, OWN, Y),
    "checks.view": (N, OWN, OWN, OWN, Y),
    "certificates.issue": (N, OWN, OWN, OWN, OWN),
    "certificates.view": (N, OWN, Y, OWN, Y),
    "certificates.verify": (Y, Y, Y, Y, Y),
    "redlists.view": (Y, Y, Y, Y, Y),
    "account.sign_in": (Y, Y, Y, Y, Y),
    "account.manage_own": (N, Y, Y, Y, Y),  # dashboard, password, two-factor, API tokens
    "admin.users": (N, N, N, N, Y),
    "admin.audit": (N, N, N, N, Y),
    "admin.institutions": (N, N, N, N, Y),  # institutions and agencies: names and contact details
    # With a check's result, of a record the user may view: whom to call (anyone who holds the object must be able
    # to report it), and the police case reference to quote (given to accountable, signed-in accounts only).
    "checks.view_contact": (Y, Y, Y, Y, Y),
    "checks.view_case_reference": (N, Y, Y, Y, Y),
    "api.use": (N, Y, Y, Y, Y),  # any API call needs a valid personal token
}


# Which fields of a record a reader sees, once they may view the record at all (can_view_record). One rule per field:
# the statuses in which the field is public (everyone who may view the record sees it), and the roles that see it in
# any status. Those who may read the record's history (its own institution, law enforcement, admins) see every field.
# A field named here is withheld from everyone else: from the sheet, the API's JSON and the API's exports.
SIGNED_IN = frozenset({"dealer", "law_enforcement", "registrar", "admin"})


@dataclass(frozen=True)
class FieldRule:
    """Who sees one field of a record: everyone, in the statuses named; the roles named, in every status."""

    public_in: frozenset[str]
    roles: frozenset[str] = frozenset()


FIELD_VISIBILITY: dict[str, FieldRule] = {
    # provenance is what a dealer's due diligence reads
    "provenance": FieldRule(PUBLISHED_STATUSES),
    # the loss: when and where, to anyone; the case reference to accountable signed-in accounts (as with a check's
    # result, checks.view_case_reference); the notes on the loss (how, what else) to those investigating only
    "loss_date": FieldRule(PUBLISHED_STATUSES),
    "loss_place": FieldRule(PUBLISHED_STATUSES),
    "case_reference": FieldRule(frozenset(), roles=SIGNED_IN),
    "loss_notes": FieldRule(frozenset()),
    # who at the institution registered or changed the record (their e-mail address): never public; the public
    # is given the institution's enquiry contact instead
    "registered_by": FieldRule(frozenset()),
    "institution_contact": FieldRule(PUBLISHED_STATUSES),
}


@dataclass(frozen=True)
class Principal:
    """Who is acting, in the terms the rules need (plain values, no ORM objects)."""

    role: str = "anonymous"
    user_id: int | None = None
    institution_id: int | None = None
    agency: str = ""

    @property
    def is_anonymous(self) -> bool:
        """True for a visitor who is not signed in."""
        return self.role == "anonymous"


ANONYMOUS = Principal()


def rule(action: str, role: str) -> str:
    """The matrix entry for an action and a role: "yes", "own" or "no"."""
    if action not in MATRIX:
        raise KeyError(f"no rule for action {action!r}: add it to registry/policy.py MATRIX")
    return MATRIX[action][ROLES.index(role)]


def allowed(principal: Principal, action: str) -> bool:
    """May this principal attempt the action at all (scope checked separately for "own")?"""
    return rule(action, principal.role) != N


def can_view_record(principal: Principal, status: str, institution_id: int) -> bool:
    """Published records are public; an inventory record only to its institution, law enforcement and admins."""
    if status in PUBLISHED_STATUSES:
        return True
    return _in_scope(principal, "records.view_inventory", institution_id=institution_id)


def can_view_field(principal: Principal, field: str, status: str, institution_id: int) -> bool:
    """May this principal, who may view the record, see this field of it (FIELD_VISIBILITY)?

    Fields not in the table are shown to everyone who may view the record.
    """
    field_rule = FIELD_VISIBILITY.get(field)
    if field_rule is None or status in field_rule.public_in or principal.role in field_rule.roles:
        return True
    return _in_scope(principal, "records.view_history", institution_id=institution_id)


def withheld_fields(principal: Principal, status: str, institution_id: int) -> frozenset[str]:
    """The fields of a record (FIELD_VISIBILITY) this principal may not see."""
    return frozenset(field for field in FIELD_VISIBILITY
                     if not can_view_field(principal, field, status, institution_id))


def can_view_removed_photo(principal: Principal, institution_id: int) -> bool:
    """A photo taken off a record stays as evidence, for those who may read the record's history only."""
    return _in_scope(principal, "records.view_history", institution_id=institution_id)


def can_change_record(principal: Principal, action: str, institution_id: int) -> bool:
    """May the principal create/edit/change status/tag a record of this institution?"""
    return _in_scope(principal, action, institution_id=institution_id)


def can_view_check(principal: Principal, check_user_id: int | None, check_agency: str) -> bool:
    """Admins see every check; law enforcement those of its agency; others their own."""
    verdict = rule("checks.view", principal.role)
    if verdict == Y:
        return True
    if verdict == N or principal.user_id is None:
        return False
    if principal.role == "law_enforcement" and principal.agency and check_agency == principal.agency:
        return True
    return check_user_id == principal.user_id


def _in_scope(principal: Principal, action: str, institution_id: int | None = None) -> bool:
    verdict = rule(action, principal.role)
    if verdict == Y:
        return True
    if verdict == N:
        return False
    return principal.institution_id is not None and principal.institution_id == institution_id


def matrix_as_markdown() -> str:
    """The matrix as a Markdown table (for the README)."""
    header = "| action | " + " | ".join(ROLES) + " |\n| --- |" + " --- |" * len(ROLES) + "\n"
    return header + "".join(f"| `{action}` | " + " | ".join(row) + " |\n" for action, row in MATRIX.items())
