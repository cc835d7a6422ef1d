"""Who may write what, by role: service officers work requests, investment officers work projects, managers change
nothing. Every refusal is a 403 and leaves every table as it was. (Who may read what: tests/security/.)"""

import pytest

from crm.models import (
    ApprovalStep,
    Enterprise,
    FollowUp,
    Notification,
    Project,
    ProjectStageChange,
    ServiceRequest,
    ServiceRequestAttachment,
    ServiceRequestMessage,
    ServiceRequestTransition,
)
from tests.api.support import api_client, pdf_upload
from tests.factories import ProjectFactory, work_permit_details

pytestmark = pytest.mark.django_db

REQUEST_WRITES = ["submit", "transition", "assign", "message", "attachment", "approval_step"]
PROJECT_WRITES = ["enterprise", "project", "stage", "follow_up"]


@pytest.fixture
def world(qian, zhou, sunshine, alice_request):
    return {"request": alice_request, "project": ProjectFactory(enterprise=sunshine, owner=qian), "zhou": zhou}


def _post(client, world, write):
    request, project = world["request"], world["project"]
    calls = {
        "submit": ("/api/v1/service-requests/",
                   {"enterprise": request.enterprise_id, "category": "work_permit", "title": "代办",
                    "details": work_permit_details()}, "json"),
        "transition": (f"/api/v1/service-requests/{request.pk}/transition/", {"action": "accept"}, "json"),
        "assign": (f"/api/v1/service-requests/{request.pk}/assign/", {"assignee": world["zhou"].pk}, "json"),
        "message": (f"/api/v1/service-requests/{request.pk}/messages/", {"body": "你好"}, "json"),
        "attachment": (f"/api/v1/service-requests/{request.pk}/attachments/", {"file": pdf_upload()}, "multipart"),
        "approval_step": (f"/api/v1/service-requests/{request.pk}/approval-steps/",
                          {"name": "外专局审批", "due_at": "2026-11-06T17:00:00+08:00"}, "json"),
        "enterprise": ("/api/v1/enterprises/", {"name": "杭州新设科技有限公司"}, "json"),
        "project": ("/api/v1/projects/", {"name": "新项目", "enterprise": project.enterprise_id}, "json"),
        "stage": (f"/api/v1/projects/{project.pk}/stage/", {"stage": "contacted"}, "json"),
        "follow_up": (f"/api/v1/projects/{project.pk}/follow-ups/", {"occurred_on": "2025-03-01", "note": "走访"}, "json"),
    }
    path, data, fmt = calls[write]
    return client.post(path, data, format=fmt)


def _snapshot():
    request = ServiceRequest.objects.order_by("id").first()
    return {
        "requests": ServiceRequest.objects.count(),
        "transitions": ServiceRequestTransition.objects.count(),
        "messages": ServiceRequestMessage.objects.count(),
        "attachments": ServiceRequestAttachment.objects.count(),
        "approval_steps": ApprovalStep.objects.count(),
        "status_and_assignee": (request.status, request.assignee_id),
        "enterprises": Enterprise.objects.count(),
        "projects": Project.objects.count(),
        "stage_changes": ProjectStageChange.objects.count(),
        "follow_ups": FollowUp.objects.count(),
    }


@pytest.mark.parametrize("write", REQUEST_WRITES + PROJECT_WRITES)
def test_a_manager_changes_nothing(boss, world, write):
    before = _snapshot()

    response = _post(api_client(boss), world, write)

    assert response.status_code == 403
    assert _snapshot() == before


@pytest.mark.parametrize("write", REQUEST_WRITES)
def test_an_investment_officer_does_not_work_requests(qian, world, write):
    before = _snapshot()

    response = _post(api_client(qian), world, write)

    assert response.status_code == 403
    assert _snapshot() == before


@pytest.mark.parametrize("write", ["project", "stage", "follow_up"])
def test_a_service_officer_does_not_change_projects(zhou, world, write):
    before = _snapshot()

    response = _post(api_client(zhou), world, write)

    assert response.status_code == 403
    assert _snapshot() == before


@pytest.mark.parametrize(
    ("who", "write", "status"),
    [
        ("zhou", "submit", 201), ("zhou", "transition", 200), ("zhou", "assign", 200), ("zhou", "message", 201),
        ("zhou", "attachment", 201), ("zhou", "approval_step", 201), ("zhou", "enterprise", 201),
        ("qian", "enterprise", 201), ("qian", "project", 201), ("qian", "stage", 200), ("qian", "follow_up", 201),
        ("root", "submit", 201), ("root", "transition", 200), ("root", "approval_step", 201), ("root", "project", 201),
        ("root", "stage", 200),
    ],
)
def test_each_role_does_its_own_work(request, world, who, write, status):
    response = _post(api_client(request.getfixturevalue(who)), world, write)

    assert response.status_code == status, response.content


def test_a_manager_may_still_mark_its_own_notification_read(boss):
    own = Notification.objects.create(key="digest:weekly", rule="weekly_digest", recipient=boss, subject="本周招商周报")

    response = api_client(boss).post(f"/api/v1/notifications/{own.pk}/read/")

    assert response.status_code == 200
    own.refresh_from_db()
    assert own.read_at is not None
