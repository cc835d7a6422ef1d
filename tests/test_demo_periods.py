"""The demo world read as a manager would: the default period shows data, and the 2024 view of the pipeline page shows
the article's 32 projects ≥ 1 亿 landed against the target of 32, with cards that say what each one counts.

The demo is loaded once for this module on the real clock (as ``manage.py load_demo`` would run), inside a
transaction rolled back at the end.
"""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.utils import timezone

from crm.models import LANDED_STAGES, PIPELINE, Project, ProjectStageChange, Stage, User
from reports.definitions import define
from reports.forms import ReportFilterForm

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", "--password", "demo-pass-123", stdout=StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture
def manager(demo):
    client = Client()
    client.force_login(User.objects.get(username="manager"))
    return client


def kpis(response) -> dict:
    return {kpi.key: kpi for kpi in response.context["kpis"]}


def test_the_default_period_of_every_page_shows_data_on_the_demo(manager):
    for path in ("/reports/", "/reports/service/", "/reports/policies/", "/reports/land/"):
        response = manager.get(path)
        filters = response.context["filters"]
        assert filters.start is not None and filters.end is not None, path
        assert any(row for table in response.context["tables"] for row in table.rows), path

    pipeline = manager.get("/reports/")
    cards = kpis(pipeline)
    # the demo's pipeline has something in the default period: projects entered, or landed ≥ 1 亿
    assert cards["cohort_count"].value != "0" or cards["landed_key"].value != "0"
    form = ReportFilterForm({}, page="pipeline")
    assert form.is_valid()
    latest = timezone.localdate(ProjectStageChange.objects.latest("changed_at").changed_at)
    assert form.filters().start.year == min(latest.year, timezone.localdate().year)


def test_2024_shows_32_landed_projects_of_1_yi_or_more_against_the_target_of_32(manager):
    response = manager.get("/reports/?period=custom&start=2024-01-01&end=2024-12-31")
    cards = kpis(response)

    assert response.context["report"]["this_year"]["landed_key_count"] == 32
    assert (cards["landed_key"].label, cards["landed_key"].value) == ("期内落地亿元以上项目", "32")
    assert cards["landed_key"].note == "2024 年度目标 32 个，完成 100.00%"
    assert cards["landed_key"].level == "green"
    html = response.content.decode()
    assert "期内落地亿元以上项目" in html and "2024 年度目标 32 个，完成 100.00%" in html


def test_the_2024_cards_say_what_they_count_so_they_do_not_contradict_each_other(manager):
    """期内入库 counts the projects that entered in 2024 (still in the pipeline); 期内落地 those that landed in 2024,
    whenever they entered; 开工率 is over the entered ones that have landed. Each figure equals its own definition."""
    response = manager.get("/reports/?period=custom&start=2024-01-01&end=2024-12-31")
    cards, report = kpis(response), response.context["report"]

    entered = Project.objects.filter(
        stage_changes__from_stage="", stage_changes__changed_at__year=2024, stage__in=PIPELINE
    ).distinct()
    landed_2024 = Project.objects.filter(
        stage_changes__to_stage=Stage.REGISTERED, stage_changes__changed_at__year=2024, total_investment__gte=10000
    ).distinct()
    assert report["totals"]["count"] == entered.count()
    assert report["this_year"]["landed_key_count"] == landed_2024.count() == 32
    # some of the 32 entered the pipeline in 2023: the two cards count different projects, and their labels say so
    assert landed_2024.exclude(pk__in=entered).exists()
    assert report["rates"]["landed_count"] == entered.filter(stage__in=LANDED_STAGES).count()
    assert cards["start_rate"].note.endswith("个期内入库且已落地的项目")
    assert cards["cohort_count"].label == "期内入库项目"
    assert cards["cohort_count"].help == define("pipeline", "cohort_count")
    assert cards["landed_key"].help == define("pipeline", "landed_key")
    # terminated and paused projects are not in 2024's totals
    assert not entered.filter(stage__in=[Stage.LOST, Stage.ON_HOLD]).exists()
    assert sum(s["count"] for s in report["stages"] if s["in_total"]) == report["totals"]["count"]
