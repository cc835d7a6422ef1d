"""Property-based fuzzing of every operation in /api/schema/ (schemathesis 4): no input may cause a server error.

The schema is loaded from the WSGI application and each case is sent to it in-process, as a
superuser with a token, so every endpoint is reachable. Examples are bounded and derandomized so the
run is repeatable and takes about half a minute; seeded rows (ids 1, 2, ...) give the fuzzer real objects
to hit besides the 404s.
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

from crm.api_tokens import api_token_issue
from crm.models import Notification
from crm.service_requests.approval_steps import approval_step_plan
from crm.service_requests.services import service_request_transition
from crm.service_requests.thread import message_post
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
def api_schema(_in_test_transaction, settings, root, alice, zhou, sunshine, work_permit):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"user": None, "anon": None}}
    ServiceCategoryFactory(code="talent_housing", name="人才房", sla_unit="working_days", sla_value=5)
    request = service_request(enterprise=sunshine, submitted_by=alice, category=work_permit)
    service_request(enterprise=sunshine, submitted_by=alice, category=work_permit, title="第二件诉求")
    service_request_transition(service_request=request, action="accept", actor=zhou)
    message_post(service_request=request, author=alice, body="请尽快办理。")
    approval_step_plan(service_request=request, name="外专局审批", due_at=timezone.now() + dt.timedelta(days=2), actor=zhou)
    ProjectFactory(enterprise=sunshine, owner=root)
    Notification.objects.create(key="request:1:sla:50", rule="sla_50", recipient=root, subject="时限已过半", target=request)
    return schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())


@pytest.fixture
def root_token(root):
    return api_token_issue(user=root)[1]


schema = schemathesis.pytest.from_fixture("api_schema")
FORM_MEDIA_TYPES = {"multipart/form-data", "application/x-www-form-urlencoded"}


HYPOTHESIS = {"max_examples": 15, "derandomize": True, "deadline": None, "database": None,
              "suppress_health_check": list(HealthCheck)}


def _call(case, token):
    if case.media_type in FORM_MEDIA_TYPES and not isinstance(case.body, dict | NotSet):
        # The in-process client cannot even encode a form that is not an object (e.g. a JSON list);
        # a malformed form over the wire is covered by test_robustness.
        return
    case.call_and_validate(headers={"Authorization": f"Token {token}"}, checks=[not_a_server_error])


@schema.exclude(method="GET", path="/api/v1/projects/").parametrize()
@settings(**HYPOTHESIS, phases=[Phase.explicit, Phase.generate, Phase.shrink])
def test_no_operation_answers_with_a_server_error(case, root_token):
    """Explicit cases include schemathesis' coverage phase: boundary and wrong-type values of every field."""
    _call(case, root_token)


@schema.include(method="GET", path="/api/v1/projects/").parametrize()
@settings(**HYPOTHESIS, phases=[Phase.generate, Phase.shrink])
def test_the_project_filters_never_answer_with_a_server_error(case, root_token):
    """Random filter combinations only: the coverage phase's thousands of combinations of twelve filters take a
    minute on their own, and each filter's bad values are pinned in test_robustness."""
    _call(case, root_token)
