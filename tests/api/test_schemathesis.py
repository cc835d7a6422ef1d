"""Property-based fuzzing of every operation in /api/schema/ (schemathesis 4): the API answers what its schema says.

No input may cause a server error, and every answer must be one the operation documents: its status code,
its content type, its headers and its body (``response_schema_conformance`` validates the body against the
status code's schema, errors included). The schema is loaded from the WSGI application and each case is sent
to it in-process with a token. Schemathesis' coverage phase (boundary and wrong-type values) runs once, as a
superuser, so that every body reaches its validation; generated cases then run once for each of three users:

- 西湖阳光's enterprise user (alice): what an enterprise sees and may do, and the 403/404s of the rest;
- the service officer (zhou), assignee of the seeded request: the service-request, approval-step and grant
  writes, and the passport number in clear;
- the investment officer (qian): the project, follow-up, parcel and landing-commitment writes.

Between them the two officers take every write of ``crm.roles.WHO_DOES`` (a manager would meet only 403s
on writes, a superuser would hide the role refusals); each reads what its role reads. Examples are bounded
and derandomized so the run is repeatable; seeded rows (ids 1, 2, ...) give the fuzzer real objects to hit
besides the 404s. The whole module takes about three CPU-minutes, most of it the coverage phase.
"""

import datetime as dt

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core import NotSet
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from crm.models import Notification
from crm.service_requests.approval_steps import approval_step_plan
from crm.service_requests.services import service_request_transition
from crm.service_requests.thread import message_post
from tests.api.support import api_token
from tests.factories import ProjectFactory, ServiceCategoryFactory, service_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def _in_test_transaction():
    """Serve in-process requests inside the test's transaction, as Django's test client does.

    A WSGI request normally ends with ``close_old_connections``, which would close the test's
    connection mid-transaction; the test client disconnects it, and so do we.
    """
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(_in_test_transaction, settings, root, alice, zhou, qian, sunshine, work_permit):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"user": None, "anon": None}}
    housing = ServiceCategoryFactory(code="talent_housing", name="人才房", sla_unit="working_days", sla_value=5)
    request = service_request(enterprise=sunshine, submitted_by=alice, category=work_permit)
    service_request(
        enterprise=sunshine, submitted_by=alice, category=housing, title="第二件诉求",
        details={"applicant_name": "李华", "household_size": "3"},
    )
    service_request_transition(service_request=request, action="accept", actor=zhou)
    message_post(service_request=request, author=alice, body="请尽快办理。")
    approval_step_plan(service_request=request, name="外专局审批", due_at=timezone.now() + dt.timedelta(days=2), actor=zhou)
    ProjectFactory(enterprise=sunshine, owner=qian)
    Notification.objects.create(key="request:1:sla:50", rule="sla_50", recipient=zhou, subject="时限已过半", target=request)
    return schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())


@pytest.fixture
def root_token(root):
    return api_token(root)


@pytest.fixture
def alice_token(alice):
    return api_token(alice)


@pytest.fixture
def zhou_token(zhou):
    return api_token(zhou)


@pytest.fixture
def qian_token(qian):
    return api_token(qian)


schema = schemathesis.pytest.from_fixture("api_schema")
FORM_MEDIA_TYPES = {"multipart/form-data", "application/x-www-form-urlencoded"}


HYPOTHESIS = {"max_examples": 5, "derandomize": True, "deadline": None, "database": None,
              "suppress_health_check": list(HealthCheck)}


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


def _call(case, token):
    if case.media_type in FORM_MEDIA_TYPES and not isinstance(case.body, dict | NotSet):
        # The in-process client cannot even encode a form that is not an object (e.g. a JSON list);
        # a malformed form over the wire is covered by test_robustness.
        return
    case.call_and_validate(headers={"Authorization": f"Token {token}"}, checks=CHECKS)


EVERY_OPERATION = schema.exclude(method="GET", path="/api/v1/projects/")
GENERATED = settings(**HYPOTHESIS, phases=[Phase.generate, Phase.shrink])


@EVERY_OPERATION.parametrize()
@settings(**HYPOTHESIS, phases=[Phase.explicit])
def test_every_operation_answers_boundary_and_wrong_values_as_its_schema_says(case, root_token):
    """Schemathesis' coverage phase (boundary and wrong-type values of every field, missing auth, ...), as a
    superuser so that every body reaches its validation: the costly part of the run (~2 CPU-minutes), once."""
    _call(case, root_token)


@EVERY_OPERATION.parametrize()
@GENERATED
def test_every_operation_answers_an_enterprise_user_as_its_schema_says(case, alice_token):
    _call(case, alice_token)


@EVERY_OPERATION.parametrize()
@GENERATED
def test_every_operation_answers_a_service_officer_as_its_schema_says(case, zhou_token):
    _call(case, zhou_token)


@EVERY_OPERATION.parametrize()
@GENERATED
def test_every_operation_answers_an_investment_officer_as_its_schema_says(case, qian_token):
    _call(case, qian_token)


@schema.include(method="GET", path="/api/v1/projects/").parametrize()
@settings(**HYPOTHESIS, phases=[Phase.generate, Phase.shrink])
def test_the_project_filters_answer_as_the_schema_says(case, qian_token):
    """Random filter combinations only, as an investment officer (the pipeline's reader): the coverage phase's
    thousands of combinations of twelve filters take a minute on their own, and each filter's bad values are
    pinned in test_robustness."""
    _call(case, qian_token)
