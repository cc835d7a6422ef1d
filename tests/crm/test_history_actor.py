"""Every state change records who made it, also where there is no web request to read the user from (a Celery
task, a management command, the demo builder): each service hands its actor to the history row itself."""

import pytest

from crm.models import Project, ServiceRequest, Stage
from crm.pipeline.services import project_change_stage, project_create, projects_assign_owner
from crm.service_requests.satisfaction import service_request_rate
from crm.service_requests.services import service_request_assign, service_request_submit, service_request_transition
from tests.factories import ProjectFactory, officer, service_officer, work_permit_details

pytestmark = pytest.mark.django_db


def _new_history_users(model, call):
    """Call ``call`` outside any request and return the history_user of each history row it wrote, oldest first."""
    before = set(model.history.values_list("history_id", flat=True))
    call()
    return [row.history_user for row in model.history.exclude(history_id__in=before).order_by("history_id")]


def test_a_project_created_outside_a_request_records_its_creator_in_the_history(qian, sunshine):
    written = _new_history_users(Project, lambda: project_create(
        actor=qian, name="西湖阳光储能电站", enterprise=sunshine, industry_chain="robotics", total_investment=5000,
        fixed_asset_investment=2000,
    ))

    assert written == [qian]


def test_a_stage_change_outside_a_request_records_its_actor_in_the_history(qian, sunshine):
    project = ProjectFactory(owner=qian, enterprise=sunshine)

    written = _new_history_users(Project, lambda: project_change_stage(project=project, to=Stage.CONTACTED, actor=qian))

    assert written == [qian]
    assert project.history.latest().stage == Stage.CONTACTED


def test_reassigning_projects_outside_a_request_records_who_reassigned_them(qian, lead, sunshine):
    project = ProjectFactory(owner=officer(), enterprise=sunshine)

    written = _new_history_users(Project, lambda: projects_assign_owner(
        projects=Project.objects.filter(pk=project.pk), owner=qian, actor=lead,
    ))

    assert written == [lead]


def test_a_request_submitted_outside_a_request_records_its_submitter_in_the_history(alice, sunshine, work_permit):
    written = _new_history_users(ServiceRequest, lambda: service_request_submit(
        enterprise=sunshine, category=work_permit, title="申请外籍专家工作许可", submitted_by=alice,
        details=work_permit_details(),
    ))

    assert written == [alice]


def test_a_request_transition_and_assignment_outside_a_request_record_the_officer(zhou, alice_request):
    colleague = service_officer(username="colleague")
    written = _new_history_users(ServiceRequest, lambda: (
        service_request_transition(service_request=alice_request, action="accept", actor=zhou),  # zhou takes it
        service_request_assign(service_request=ServiceRequest.objects.get(pk=alice_request.pk), assignee=colleague, actor=zhou),
    ))

    assert written == [zhou, zhou]


def test_a_rating_outside_a_request_records_the_enterprise_user_in_the_history(zhou, alice, alice_request):
    for action in ("accept", "resolve"):
        service_request_transition(service_request=alice_request, action=action, actor=zhou)

    written = _new_history_users(ServiceRequest, lambda: service_request_rate(service_request=alice_request, user=alice, rating=5))

    assert written == [alice, alice]  # the close, then the rating

