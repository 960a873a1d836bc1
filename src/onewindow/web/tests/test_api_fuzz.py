"""API fuzzing (issue 9): schemathesis generates requests from the project's own OpenAPI document
and sends them, authenticated by an API key and a staff session with its CSRF token, to the
application in-process. No answer may be a 5xx, and every answer must be a documented status in
its documented shape."""

import os
from collections import Counter
from pathlib import Path

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.middleware.csrf import _get_new_csrf_string
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import checks
from schemathesis.generation import GenerationMode

from onewindow.cases.api import issue_key
from onewindow.cases.models import ApiClient, Case, Channel
from onewindow.org.roles import RoleCode
from onewindow.testing.factories import (
    CaseFactory,
    CombinedServiceFactory,
    DeskFactory,
    UserFactory,
)

ARTIFACTS = Path(__file__).resolve().parents[4] / "test-results"
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
]


@pytest.fixture
def api_schema(db):
    # As Django's test client does: requests served in-process must not close the test's
    # database connection (and its transaction) when they finish.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def auth(client):
    key = issue_key(ApiClient(name="湖南省一体化平台"))
    client.force_login(UserFactory(roles=[RoleCode.REFORM_OFFICE]))
    csrf = _get_new_csrf_string()
    return {
        "headers": {"X-API-Key": key, "X-CSRFToken": csrf},
        "cookies": {"sessionid": client.cookies["sessionid"].value, "csrftoken": csrf},
    }


@pytest.fixture
def real_ids():
    """Path parameters that exist, so generated bodies reach the services behind the 404s."""
    desk = DeskFactory()
    case = CaseFactory(desk=desk, channel=Channel.ONLINE)
    Case.objects.filter(pk=case.pk).update(source="湖南省一体化平台")
    return {
        "code": desk.item.implementation_code,  # published
        "case_id": case.pk,
        "service_id": CombinedServiceFactory().pk,
        "combined_id": 1,
    }


def test_api_answers_in_its_documented_shape(api_schema, auth, real_ids):
    """Every operation: valid and invalid generated requests, with made-up and with real path
    parameters; no 5xx, only documented statuses in their documented shapes. All failures are
    reported together."""
    failures = []
    seen: Counter = Counter()
    ARTIFACTS.mkdir(exist_ok=True)
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 15
    examples = int(os.environ.get("FUZZ_EXAMPLES", "25"))

    for operation in operations:
        params = {p["name"] for p in operation.definition.raw.get("parameters", [])}
        pinned = {
            k: v for k, v in real_ids.items() if k in params and "{" + k + "}" in operation.path
        }
        runs = [(GenerationMode.POSITIVE, None), (GenerationMode.NEGATIVE, None)]
        if pinned:
            runs.append((GenerationMode.POSITIVE, pinned))
        for mode, path in runs:

            @given(case=operation.as_strategy(mode, path_parameters=path))
            @settings(
                max_examples=examples,
                deadline=None,
                suppress_health_check=list(HealthCheck),
                derandomize=True,
                database=None,
            )
            def run(case):
                response = case.call_and_validate(checks=CHECKS, **auth)
                # run() is called at once, inside this iteration: the loop variable is current
                seen[(operation.label, response.status_code, mode.value)] += 1  # noqa: B023

            try:
                run()
            except Unsatisfiable:
                assert mode == GenerationMode.NEGATIVE  # nothing to make invalid: no inputs
            except (Exception, BaseExceptionGroup) as exc:  # keep going: report every one
                failures.append(f"{operation.label} ({mode.value}, {path}): {exc}"[:3000])
    tally = "\n".join(
        f"{label} ({mode}) → {status}: {n}" for (label, status, mode), n in sorted(seen.items())
    )
    (ARTIFACTS / "api-fuzz.txt").write_text(tally + "\n\n" + "\n\n".join(failures))
    assert not failures, "\n\n".join(failures)
    # every valid request carried working credentials: none was turned away as unauthenticated
    # (invalid ones may have had their credentials mangled on purpose)
    assert len({label for label, _, _ in seen}) == len(operations)
    assert not [label for label, status, mode in seen if status == 401 and mode == "positive"]
    # real path parameters got past the 404s into the services
    assert ("GET /api/catalog/items/{code}", 200, "positive") in seen


def test_api_schema_names_are_unique():
    """OpenAPI components are named by class: two shapes of one name would document one of
    them wrongly (as CombinedOut once did)."""
    from ninja import Schema

    import onewindow.api  # noqa: F401 - every router imported

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    ours = [c for c in subclasses(Schema) if c.__module__.startswith("onewindow.")]
    names = [c.__name__ for c in ours]
    assert len(ours) > 10 and len(names) == len(set(names)), sorted(names)
