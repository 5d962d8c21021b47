"""The fees API's answers checked against the FBS adapter spec as it is: schemathesis
generates requests from ``../shared/specs/fbs-adapter.yaml`` and validates every response
(status, content type, body schema) from a live server."""

from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from .test_fees_api import FEES, get_token

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SPEC = Path(__file__).resolve().parents[3] / "shared" / "specs" / "fbs-adapter.yaml"
schema = schemathesis.openapi.from_path(SPEC).include(path=FEES)


@pytest.fixture
def bearer(citizen):
    return get_token().json()["access_token"]


@schema.parametrize()
# One patron's data and token serve every generated request: nothing a request does changes it.
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=60)
def test_the_answers_conform_to_the_fbs_adapter_spec(case, live_server, bearer):
    case.call_and_validate(base_url=live_server.url, headers={"Authorization": f"Bearer {bearer}"})
