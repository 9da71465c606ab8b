"""Schemathesis generates requests from the OpenAPI document and sends them to the live app with every check it has
(issue 24: the document tells the truth): no 5xx, each answer's status documented, its body valid against the
documented schema (errors are {error, status, details}), its content type and headers as documented, the token
required, and a request the document calls valid accepted, except for the rules listed in DOCUMENTED_REFUSALS."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import CHECKS, load_all_checks

from registry.redlists import load_default
from registry.services.accounts import create_token
from registry.services.objects import create_record
from registry.services.redlists import import_red_list_set

EXAMPLES_PER_OPERATION = 15
ACCEPTED = {401, 403, 404, 409, 429}  # what positive_data_acceptance takes as an answer to a valid request
# Rules JSON Schema (OpenAPI 3.0) cannot state, each documented in its operation's description of the status:
# a generated request may break them although the document calls it valid. Every other refusal is a failure.
DOCUMENTED_REFUSALS = {
    "GET /api/v1/records": {422},  # a size minimum above its maximum
    "GET /api/v1/redlists/lookup": {400},  # at least one of its parameters must be given
    "POST /api/v1/checks": {422},  # the bytes of a photo are not a sound image
    "POST /api/v1/records": {400, 422},  # an Object ID rule across fields (years, dates); a photo not an image
    "POST /api/v1/records/{record_id}/photos": {422},  # a photo not an image
    "POST /api/v1/records/{record_id}/status": {400},  # a loss date in the future
    "PATCH /api/v1/records/{record_id}": {400},  # an Object ID rule across fields (year_from after year_to)
    "POST /api/v1/imports": {400},  # a file that is not CSV or LIDO
}


def test_every_generated_request_gets_an_answer_the_document_describes(app, make_user):
    load_all_checks()
    # positive_data_acceptance is run below, per operation, with the refusals documented there
    checks = [check for check in CHECKS.get_all() if check.__name__ != "positive_data_acceptance"]
    import_red_list_set(load_default())
    create_record("Museum of Testing", {"object_number": "FZ-1", "object_type": "Vase"}, "test", status_fields={"status": "stolen"})
    headers = {"Authorization": f"Bearer {create_token(make_user('registrar'), 'fuzz', 'test')}"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 12

    for operation in operations:
        refusals = ACCEPTED | DOCUMENTED_REFUSALS.get(operation.label, set())

        @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, suppress_health_check=list(HealthCheck),
                  derandomize=True, database=None)
        @given(case=operation.as_strategy())
        def call(case):
            response = case.call(headers=headers)
            try:
                case.validate_response(response, checks=checks, headers=headers)
            except AssertionError as failure:  # schemathesis' failures (and groups of them) are AssertionErrors
                failures.append(f"{case.method} {case.formatted_path}: {failure}"[:1500])
            if 400 <= response.status_code < 500 and response.status_code not in refusals:
                failures.append(f"{case.method} {case.formatted_path} {case.query!r} {case.body!r}"[:400] + ": a valid request refused with "
                                f"{response.status_code}: {response.text[:300]}")

        call()
    assert not failures, "\n\n".join(failures[:8])
