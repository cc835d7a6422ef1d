"""The pipeline page read from the summary tables says exactly what the raw rows say, after every kind of change.

The world is the pipeline world of conftest.py (ten projects, two officers, two parks); the summaries are built
once by the rebuild, then one change is made the way a user makes it (a service, or the admin's form), and for
several filters the page's whole figure dict from the summaries must equal the one computed from the raw rows.
The rebuild from scratch must then give the very rows the incremental refreshes left.
"""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import translation

from crm.models import Milestone, Project, ProjectMilestone, User
from crm.pipeline.commitments import capital_arrival_record, milestone_record_actual
from crm.pipeline.services import follow_up_create, project_change_stage
from crm.service_requests.services import service_request_transition
from reports.models import ProjectFact, StageStay, SummaryState
from reports.selectors.common import ReportFilters
from reports.selectors.pipeline import pipeline_report as pipeline_report_from_raw
from reports.selectors.pipeline_summary import pipeline_page_report, pipeline_report_from_summaries
from reports.summaries import rebuild
from tests.factories import EnterpriseFactory, ServiceCategoryFactory, enterprise_user, service_officer, service_request

from .conftest import NOW, at


@pytest.fixture
def root(db):
    return User.objects.create_superuser(username="root", password="x", display_name="管理员")


@pytest.fixture
def built(pipeline_world):
    rebuild(now=NOW)
    return pipeline_world


def _filter_sets(world) -> list[ReportFilters]:
    return [
        ReportFilters(),
        ReportFilters(park=world["xike"]),
        ReportFilters(owner=world["li"]),
        ReportFilters(chain="robotics"),
        ReportFilters(start=dt.date(2024, 1, 1), end=dt.date(2024, 12, 31)),
        ReportFilters(start=dt.date(2023, 1, 1), end=dt.date(2023, 12, 31), park=world["xike"]),
        ReportFilters(end=dt.date(2023, 12, 31)),
        ReportFilters(stage="all"),  # 暂缓 and 终止 counted too
        ReportFilters(stage="negotiating", owner=world["li"]),
        ReportFilters(start=dt.date(2024, 1, 1), end=dt.date(2024, 12, 31)).year_earlier(),  # the 同比 run
    ]


def _assert_same_figures(world):
    for filters in _filter_sets(world):
        from_summaries = pipeline_report_from_summaries(filters=filters, now=NOW)
        from_raw = pipeline_report_from_raw(filters=filters, now=NOW)
        assert from_summaries == from_raw, filters


def _admin_form(client, project):
    """The project's change form as a browser submits it (main form and every inline's management fields)."""
    page = client.get(reverse("admin:crm_project_change", args=[project.pk]))
    data = _form_values(page.context["adminform"].form)
    for inline in page.context["inline_admin_formsets"]:
        prefix = inline.formset.prefix
        count = len(inline.formset.initial_forms)
        data |= {f"{prefix}-TOTAL_FORMS": count, f"{prefix}-INITIAL_FORMS": count, f"{prefix}-MIN_NUM_FORMS": 0,
                 f"{prefix}-MAX_NUM_FORMS": 1000}
        for form in inline.formset.initial_forms:
            data |= _form_values(form)
    return data


def _form_values(form) -> dict:
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None:
            continue
        value = [getattr(v, "pk", v) for v in value] if isinstance(value, list | tuple) else getattr(value, "pk", value)
        data[form.add_prefix(name)] = value
    return data


def _admin_edit(root, project, **changes):
    client = Client()
    client.force_login(root)
    data = _admin_form(client, project) | changes
    response = client.post(reverse("admin:crm_project_change", args=[project.pk]), data)
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors


def stage_change(world, root):
    project_change_stage(project=world["projects"][8], to="registered", actor=root, at=at("2024-12-01"))


def put_on_hold_and_lose(world, root):
    project_change_stage(project=world["projects"][3], to="on_hold", actor=root, at=at("2024-11-01"))
    project_change_stage(project=world["projects"][2], to="lost", actor=root, at=at("2024-11-02"), note="落户外地")


def new_project(world, root):
    from crm.pipeline.services import project_create

    project_create(actor=root, owner=world["wang"], name="P11 新线索", enterprise=EnterpriseFactory(jurisdiction="sandun"),
                   total_investment=Decimal("200000"), industry_chain="ai", park=world["xinchuang"], at=at("2024-12-02"))


def edit_park_and_investment(world, root):
    _admin_edit(root, world["projects"][2], park=world["xinchuang"].pk, total_investment="123456.78",
                industry_chain="cloud", source_channel="fund_led")


def reassign_owner(world, root):
    _admin_edit(root, world["projects"][5], owner=world["li"].pk)


def edit_jurisdiction(world, root):
    # 属地 is read through the enterprise, never copied: the enterprise's services need not refresh anything.
    from crm.enterprises import enterprise_update

    enterprise_update(actor=root, enterprise=world["projects"][9].enterprise, jurisdiction="sandun")


def follow_up(world, root):
    follow_up_create(project=world["projects"][1], officer=world["wang"], occurred_on=dt.date(2024, 12, 19), note="走访")


def capital_arrival(world, root):
    capital_arrival_record(project=world["projects"][8], arrived_on=dt.date(2024, 12, 1), amount=Decimal("3000"),
                           actor=root)


def milestone_actual(world, root):
    milestone = ProjectMilestone.objects.get(project=world["projects"][5], kind=Milestone.CONSTRUCTION_START)
    milestone_record_actual(milestone=milestone, actual_on=dt.date(2024, 12, 10), actor=root)


def request_transition(world, root):
    enterprise = world["projects"][1].enterprise
    request = service_request(enterprise=enterprise, submitted_by=enterprise_user(enterprise, username="qy"),
                              category=ServiceCategoryFactory(), at=at("2024-12-18"))
    service_request_transition(service_request=request, action="accept", actor=service_officer(username="zm"),
                               at=at("2024-12-19"))


def delete_project(world, root):
    # The admin refuses to delete a project with a stage history (its history rows are not deletable there);
    # a deletion from the shell cascades to the summary rows like to the history.
    project = world["projects"][10]
    Project.objects.get(pk=project.pk).delete()


CHANGES = [stage_change, put_on_hold_and_lose, new_project, edit_park_and_investment, reassign_owner,
           edit_jurisdiction, follow_up, capital_arrival, milestone_actual, request_transition, delete_project]


def test_the_summaries_and_the_raw_rows_give_the_same_figures_once_built(built):
    _assert_same_figures(built)


@pytest.mark.parametrize("change", CHANGES, ids=[c.__name__ for c in CHANGES])
def test_after_every_kind_of_change_the_summaries_give_the_figures_of_the_raw_rows(built, root, change):
    before = pipeline_report_from_raw(filters=ReportFilters(), now=NOW)

    change(built, root)

    _assert_same_figures(built)
    if change not in (follow_up, request_transition):  # these two do not touch a pipeline figure
        assert pipeline_report_from_raw(filters=ReportFilters(), now=NOW) != before  # the change is seen at all


def _rows():
    facts = sorted(ProjectFact.objects.values_list(*[f.attname for f in ProjectFact._meta.concrete_fields]))
    stays = sorted(StageStay.objects.values_list(
        *[f.attname for f in StageStay._meta.concrete_fields if f.attname != "id"]))
    return facts, stays


def test_the_rebuild_from_scratch_gives_the_rows_the_refreshes_left(built, root):
    for change in CHANGES:
        change(built, root)
    refreshed = _rows()
    ProjectFact.objects.all().delete()
    StageStay.objects.all().delete()

    rebuild()

    assert _rows() == refreshed
    rebuild()  # twice: the same rows again
    assert _rows() == refreshed


def test_the_nightly_task_rebuilds_the_summaries(pipeline_world, settings):
    from reports.tasks import rebuild_summaries_task

    assert not SummaryState.objects.exists()

    assert rebuild_summaries_task.apply().get() == {"projects": 10}

    assert ProjectFact.objects.count() == 10
    _assert_same_figures(pipeline_world)


def test_the_nightly_rebuild_is_in_the_beat_schedule(db):
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(task="reports.rebuild_summaries")
    assert (task.enabled, task.crontab.hour, task.crontab.minute) == (True, "2", "30")


def test_before_the_first_rebuild_the_page_reads_the_raw_rows_and_says_so(pipeline_world, manager_client):
    page = manager_client.get(reverse("reports:pipeline"))

    assert pipeline_page_report(filters=ReportFilters(), now=NOW)["summaries"]["from_summaries"] is False
    assert "汇总数据尚未生成：本页按原始数据计算" in page.content.decode()


def test_the_page_says_how_fresh_the_summaries_are(built, boss, root):
    with time_machine.travel(NOW + dt.timedelta(minutes=5), tick=False):
        project_change_stage(project=built["projects"][1], to="contacted", actor=root)  # refreshed 10:05
    with time_machine.travel(NOW + dt.timedelta(minutes=47), tick=False):
        client = Client()
        client.force_login(boss)
        page = client.get(reverse("reports:pipeline")).content.decode()

    assert "汇总数据更新于 2024-12-20 10:05（42 分钟前）" in page
    assert pipeline_page_report(filters=ReportFilters(), now=NOW)["summaries"]["from_summaries"] is True


def test_a_second_view_reads_the_summary_only_figures_from_the_cache_until_the_summaries_change(
    built, manager_client, root, django_assert_num_queries
):
    from crm.models import warm_lists

    warm_lists()
    first = manager_client.get(reverse("reports:pipeline")).context["report"]
    # the stage rows, funnel, stays, this year's figures and the breakdowns but 属地's: not again, neither for the
    # period nor for the year-earlier one beside it (同比)
    with django_assert_num_queries(35 - 2 * 8):
        second = manager_client.get(reverse("reports:pipeline")).context["report"]
    assert second["funnel"] == first["funnel"] and second["durations"] == first["durations"]

    project_change_stage(project=built["projects"][1], to="contacted", actor=root, at=at("2024-12-19"))
    third = manager_client.get(reverse("reports:pipeline")).context["report"]

    assert third["funnel"][1]["reached"] == first["funnel"][1]["reached"] + 1  # not the cached funnel
    assert {k: v for k, v in third.items() if k != "summaries"} == pipeline_report_from_raw(filters=third["filters"], now=NOW)


def test_the_cached_stages_keep_the_language_of_the_page_that_reads_them(built, manager_client):
    manager_client.get(reverse("reports:pipeline"))  # cached in Chinese

    with translation.override("en"):
        english = pipeline_page_report(filters=ReportFilters(), now=NOW)

    assert english["durations"][0]["label"] == english["stages"][0]["label"] != "线索"
