"""The people of the reminder tests: the service desk, a station head (服务站负责人), a leader, an officer
who takes requests, and an enterprise that submits them. Times are Asia/Shanghai."""

import contextlib
import datetime as dt

import pytest
from django.contrib.auth.models import Group

from crm.notifications.delivery import notification_deliver
from crm.notifications.sweep import reminders_sweep
from crm.service_requests.reminders import SERVICE_MANAGER
from crm.service_requests.services import service_request_submit, service_request_transition
from tests.factories import EnterpriseFactory, ServiceCategoryFactory, enterprise_user, manager, service_officer

from .helpers import Robot


@pytest.fixture(autouse=True)
def _deliveries_run_inline(request, monkeypatch):
    """Outside the real-worker tests, a notification handed to Celery is delivered at once, in the test's
    process, by the service the task calls (the task itself, and its retry, are tested on their own).
    Celery is as the test settings leave it: not eager, an in-memory broker nothing consumes."""
    if request.node.get_closest_marker("celery"):
        return
    monkeypatch.setattr(
        "crm.notifications.tasks.enqueue_deliveries",
        lambda ids: [notification_deliver(notification_id=pk) for pk in ids],
    )


@pytest.fixture
def desk(db):
    """A service-desk member (服务台) with an e-mail address."""
    return service_officer(username="desk", display_name="前台小周", email="desk@zjg.example.cn")


@pytest.fixture
def desk_no_email(db):
    return service_officer(username="desk2", display_name="前台小吴")


@pytest.fixture
def wang(db):
    """The service officer who takes the requests (经办人)."""
    return service_officer(username="wang", display_name="王专员", email="wang@zjg.example.cn")


@pytest.fixture
def head(db):
    """The station head (服务站负责人): a service officer who is also in the service_manager group."""
    user = service_officer(username="head", display_name="陈站长", email="head@zjg.example.cn")
    user.groups.add(Group.objects.get(name=SERVICE_MANAGER))
    return user


@pytest.fixture
def leader(db):
    return manager(username="leader", display_name="林主任", email="leader@zjg.example.cn")


@pytest.fixture
def people(desk, desk_no_email, wang, head, leader):
    return {"desk": desk, "desk2": desk_no_email, "wang": wang, "head": head, "leader": leader}


@pytest.fixture
def enterprise(db):
    return EnterpriseFactory(name="杭州西湖阳光科技有限公司", short_name="西湖阳光")


@pytest.fixture
def submitter(enterprise):
    return enterprise_user(enterprise, username="alice", display_name="王丽", email="alice@sunshine.example.cn")


@pytest.fixture
def work_permit(db):
    """外国人来华工作许可: 24 calendar hours."""
    return ServiceCategoryFactory(code="work_permit", sla_unit="calendar_hours", sla_value=24)


@pytest.fixture
def talent_housing(db):
    """人才房: 5 working days."""
    return ServiceCategoryFactory(code="talent_housing", name="人才房申请", sla_unit="working_days", sla_value=5)


@pytest.fixture
def submit(enterprise, submitter, work_permit, django_capture_on_commit_callbacks):
    """Submit a request the normal way at a given time; optionally have ``by`` accept it a minute later.

    Each step commits as the portal's would, so its immediate events — 新诉求 to the service desk, and
    已受理 to the submitter when ``by`` accepts — are delivered then, as a worker would: a test starts from
    what production has. ``commit=False`` leaves the on-commit callbacks to the test."""

    def submit(when, *, category=None, by=None, title="申请外籍专家工作许可", commit=True):
        category = category or work_permit
        details = None
        if category.code == "talent_housing":
            details = {"applicant_name": "李博士", "household_size": 3}
        elif category.code == "work_permit":
            from tests.factories import work_permit_details

            details = work_permit_details()
        committed = django_capture_on_commit_callbacks(execute=True) if commit else contextlib.nullcontext()
        with committed:
            request, _ = service_request_submit(
                enterprise=enterprise, category=category, title=title, submitted_by=submitter, details=details, at=when
            )
        if by is not None:
            committed = django_capture_on_commit_callbacks(execute=True) if commit else contextlib.nullcontext()
            with committed:
                request = service_request_transition(
                    service_request=request, action="accept", actor=by, at=when + dt.timedelta(minutes=1)
                )
        return request

    return submit


@pytest.fixture
def sweep(django_capture_on_commit_callbacks):
    """Run a sweep at ``now`` and let its after-commit deliveries run, as they do outside a test transaction."""

    def run(now, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return reminders_sweep(now=now, **kwargs)

    return run


@pytest.fixture
def robot():
    robot = Robot()
    yield robot
    robot.close()
