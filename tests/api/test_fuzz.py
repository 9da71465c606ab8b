"""Schemathesis generates requests from the OpenAPI document against the live app: no request may cause a 5xx."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings

from registry.redlists import load_default
from registry.services.accounts import create_token
from registry.services.objects import create_record
from registry.services.redlists import import_red_list_set

EXAMPLES_PER_OPERATION = 25


def test_no_generated_request_makes_the_server_fail(app, make_user):
    import_red_list_set(load_default())
    create_record("Museum of Testing", {"object_number": "FZ-1", "object_type": "Vase"}, "test", status_fields={"status": "stolen"})
    headers = {"Authorization": f"Bearer {create_token(make_user('registrar'), 'fuzz', 'test')}"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 12

    for operation in operations:
        @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True, database=None)
        @given(case=operation.as_strategy())
        def call(case):
            response = case.call(headers=headers)
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path} -> {response.status_code}: {response.text[:300]}")

        call()
    assert not failures, "\n".join(failures[:10])
