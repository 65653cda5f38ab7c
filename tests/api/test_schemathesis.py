"""Property-based run of schemathesis against /api/openapi.json on a live server.

Every operation gets generated valid and invalid requests, authenticated as a real admin; no
answer may be a 5xx or break the document (status, content type, headers, body schema), invalid
data must be refused, and unauthenticated calls must be refused. Not checked: that every
schema-valid request succeeds — business rules the document cannot express (email syntax,
a future expiry for paid plans, a real MP4/WebM file) answer a documented 400.
"""
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from webapp.accounts.sessions.tokens import open_session
from webapp.core.extensions import db

EXAMPLES_PER_OPERATION_AND_MODE = 25


def fresh_token(admin):
    """Undo what the previous example did to the caller (deleted, demoted, logged out) and sign a token."""
    db.session.rollback()
    db.session.expire_all()
    admin.deleted_at = None
    admin.role = "admin"
    admin.corporation.deleted_at = None
    token = open_session(admin)["access_token"]  # a logout in the last example ended the previous one
    db.session.commit()
    return token


def check_operation(operation, mode, caller, base_url):
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=EXAMPLES_PER_OPERATION_AND_MODE, deadline=None, derandomize=True,
              database=None, suppress_health_check=list(HealthCheck))
    def run(case):
        case.call_and_validate(base_url=base_url, headers={"Authorization": f"Bearer {fresh_token(caller)}"},
                               excluded_checks=[positive_data_acceptance])

    try:
        run()
    except Unsatisfiable:
        # Nothing about this operation can be made invalid (e.g. GET /healthz in negative mode).
        assert mode == GenerationMode.NEGATIVE, operation.label
    except Exception as error:
        error.add_note(f"operation: {operation.label} ({mode.value} data)")
        raise


@pytest.mark.slow
def test_api_conforms_to_its_openapi_document(live_server, caller):
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 27
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            check_operation(operation, mode, caller, live_server.url)
