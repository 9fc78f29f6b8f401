"""Property-based requests over the API's own OpenAPI schema (schemathesis), sent to the Django
WSGI application of the test run: no generated request gets a server error, and every answer
matches the schema (documented status, content type and body).

One world is built for the whole run; for each operation schemathesis generates valid and
invalid requests (``POSITIVE`` and ``NEGATIVE``), which hypothesis sends with one of the
personas' tokens (or none) and, half of the time, the ids and codes of real objects in place of
the generated ones, so the requests reach the services and not only the 404s. The number of
examples per operation keeps the run bounded (under a minute).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from .conftest import PREFIX, ApiWorld

EXAMPLES = 10  # per operation and generation mode
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def real_parameters(api: ApiWorld) -> dict[str, list[object]]:
    """Ids and codes of objects that exist, per path parameter."""
    world = api.world
    return {
        "version_id": [world.version.pk, api.cycle.framework_version_id],
        "unit_code": [api.unit_a.code, world.unit_b.code, world.commune.code],
        "cycle_id": [api.cycle.pk, world.published.pk, world.current.pk],
        "leaf_code": ["3.3.1", "1.1.1", "1.1.2", "1.5"],
        "plan_id": [api.plans.plan.pk],
        "task_id": [t.pk for t in api.plans.tasks],
        "questionnaire_id": [api.questionnaire.pk],
        "job_id": [1],
    }


@pytest.fixture
def connection_kept_across_requests() -> Iterator[None]:
    """The WSGI handler closes the database connection at the start and end of each request
    (``close_old_connections``); inside the test's transaction that closes the connection the
    test's data lives on (PostgreSQL; SQLite's in-memory database ignores it). Django's own test
    client disconnects the same receivers while it sends a request."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.mark.django_db
@pytest.mark.usefixtures("connection_kept_across_requests")
def test_no_generated_request_breaks_the_api_or_its_schema(api: ApiWorld) -> None:
    schema = schemathesis.openapi.from_wsgi(f"{PREFIX}/openapi.json", get_wsgi_application())
    tokens = [
        None,
        api.token("editor_a", "write"),
        api.token("par_admin", "write"),
        api.token("viewer", "read"),
        api.token("head_a", "write", api.unit_a),
    ]
    real = real_parameters(api)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20
    failures: list[str] = []
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @given(
                case=operation.as_strategy(generation_mode=mode),
                token=st.sampled_from(tokens),
                choice=st.integers(min_value=0, max_value=7),
            )
            @settings(
                max_examples=EXAMPLES,
                deadline=None,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            def run(case: schemathesis.Case, token: str | None, choice: int) -> None:
                if choice % 2 and case.path_parameters:  # half of the time, objects that exist
                    case.path_parameters = {
                        name: real[name][choice // 2 % len(real[name])] if name in real else value
                        for name, value in case.path_parameters.items()
                    }
                headers = {"Authorization": f"Bearer {token}"} if token else {}
                response = case.call(headers=headers)
                case.validate_response(response, checks=CHECKS, headers=headers)

            try:
                run()
            except Unsatisfiable:  # nothing to make invalid: an operation without parameters
                assert mode == GenerationMode.NEGATIVE and not operation.path_parameters
            except Exception as failure:  # every operation is tried; all failures are reported
                failures.append(
                    f"{operation.method.upper()} {operation.path} ({mode}): {str(failure)[:1500]}"
                )
    assert not failures, "\n\n".join(failures)
