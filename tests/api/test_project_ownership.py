"""Ownership over the API: only a project's owner, its co-officers and the head of investment promotion (招商负责人)
move it or log its follow-ups and landing records; anyone else gets 403 with the rule's words and nothing changes;
a manager reads it and changes nothing. The rule: crm/pipeline/ownership.py (service-level tests:
tests/crm/test_project_ownership.py)."""

import pytest
from django.utils import timezone

from crm.models import FollowUp, Notification, Project, ProjectMilestone, ProjectStageChange, ReminderRule, Stage
from tests.api.support import api_client
from tests.factories import ProjectFactory, officer, project_at

pytestmark = pytest.mark.django_db
PROJECTS = "/api/v1/projects/"
REFUSAL = {"detail": "只有项目负责人、协同专员或招商负责人可以修改此项目。"}


@pytest.fixture
def colleague():
    return officer(username="colleague", display_name="赵协同")


@pytest.fixture
def project(qian, colleague, sunshine):
    return ProjectFactory(name="沐曦智算中心项目", enterprise=sunshine, owner=qian, co_officers=[colleague])


def _state(project):
    project = Project.objects.get(pk=project.pk)
    return project.stage, ProjectStageChange.objects.filter(project=project).count(), FollowUp.objects.count()


def _follow_up():
    return {"kind": "visit", "occurred_on": timezone.localdate().isoformat(), "note": "走访，了解用地需求。"}


@pytest.mark.parametrize("who", ["qian", "colleague", "lead"])
def test_the_owner_a_co_officer_and_the_lead_move_the_project(who, project, request):
    response = api_client(request.getfixturevalue(who)).post(
        f"{PROJECTS}{project.pk}/stage/", {"stage": "contacted"}, format="json"
    )

    assert response.status_code == 200, response.content
    assert response.json()["stage"] == "contacted"
    told = Notification.objects.filter(rule=ReminderRule.Code.PROJECT_CHANGED, channel="in_app")
    # The owner's own move tells nobody; anyone else's tells the owner.
    assert list(told.values_list("recipient__username", flat=True)) == ([] if who == "qian" else ["qian"])


def test_another_officer_moving_the_project_is_403_and_nothing_changes(project):
    other = officer(username="other")
    before = _state(project)

    response = api_client(other).post(f"{PROJECTS}{project.pk}/stage/", {"stage": "contacted"}, format="json")

    assert (response.status_code, response.json()) == (403, REFUSAL)
    assert _state(project) == before
    assert Notification.objects.count() == 0


def test_another_officer_still_reads_the_project(project):
    response = api_client(officer(username="other")).get(f"{PROJECTS}{project.pk}/")

    assert (response.status_code, response.json()["name"]) == (200, "沐曦智算中心项目")


def test_a_manager_reads_the_project_and_moving_it_is_403(project, boss):
    before = _state(project)
    client = api_client(boss)

    assert client.get(f"{PROJECTS}{project.pk}/").status_code == 200
    assert client.post(f"{PROJECTS}{project.pk}/stage/", {"stage": "contacted"}, format="json").status_code == 403
    assert _state(project) == before


def test_another_officer_logging_a_follow_up_is_403_and_the_co_officer_may(project, colleague):
    refused = api_client(officer(username="other")).post(f"{PROJECTS}{project.pk}/follow-ups/", _follow_up(), format="json")

    assert (refused.status_code, refused.json()) == (403, REFUSAL)
    assert FollowUp.objects.count() == 0

    logged = api_client(colleague).post(f"{PROJECTS}{project.pk}/follow-ups/", _follow_up(), format="json")
    assert logged.status_code == 201
    assert list(FollowUp.objects.values_list("officer__username", flat=True)) == ["colleague"]


def test_another_officer_planning_a_milestone_is_403_and_nothing_is_written(qian):
    project = project_at(Stage.SIGNED, owner=qian)

    response = api_client(officer(username="other")).post(
        f"{PROJECTS}{project.pk}/milestones/", {"kind": "land_delivery", "planned_on": "2027-01-10"}, format="json"
    )

    assert (response.status_code, response.json()) == (403, REFUSAL)
    assert ProjectMilestone.objects.count() == 0
