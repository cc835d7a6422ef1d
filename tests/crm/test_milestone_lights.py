"""One three-colour definition for landing milestones (crm.pipeline.lights): the admin's milestone list, filtered
by colour, counts what the pipeline report counts — red is overdue and not done, or done late; yellow is due
within 30 days; green is the rest (not due soon, or done on time)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from crm.models import Milestone, ProjectMilestone, Stage
from tests.factories import UserFactory, manager, project_at
from tests.reports.support import api_client

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2025, 6, 18, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
TODAY = NOW.date()
DAY = dt.timedelta(days=1)


@pytest.fixture
def milestones():
    with time_machine.travel(NOW, tick=False):
        built, planning = project_at(Stage.SIGNED, name="已交地项目"), project_at(Stage.SIGNED, name="待交地项目")
        for project, kind, planned, actual in [
            (built, Milestone.LAND_DELIVERY, -60, -62),  # done on time: green
            (built, Milestone.CONSTRUCTION_START, -30, -20),  # done 10 days late: red
            (built, Milestone.COMPLETION, -5, None),  # overdue, not done: red
            (planning, Milestone.LAND_DELIVERY, 10, None),  # due in 10 days: yellow
            (planning, Milestone.CONSTRUCTION_START, 60, None),  # due in 60 days: green
        ]:
            ProjectMilestone.objects.create(
                project=project, kind=kind, planned_on=TODAY + planned * DAY,
                actual_on=None if actual is None else TODAY + actual * DAY,
            )


def test_the_admin_filters_and_the_pipeline_report_count_the_same_colours(milestones):
    client = Client()
    client.force_login(UserFactory(is_staff=True, is_superuser=True, username="root"))
    url = reverse("admin:crm_projectmilestone_changelist")
    with time_machine.travel(NOW, tick=False):
        admin = {c: client.get(url, {"light": c}).context["cl"].result_count for c in ("green", "yellow", "red")}
        report = api_client(manager(username="boss")).get("/api/v1/reports/pipeline/").json()["milestones"]["totals"]

    assert admin == {"green": 2, "yellow": 1, "red": 2}
    assert {c: report[c] for c in ("green", "yellow", "red")} == admin
    assert (report["done_on_time"], report["done_late"]) == (1, 1)
