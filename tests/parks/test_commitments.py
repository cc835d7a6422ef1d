"""Landing commitments of signed projects: the three colours of each milestone, capital arrived against the
committed investment, the annual review flagging shortfalls — and nothing for a project not yet signed."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from crm.errors import DomainError
from crm.models import AnnualCommitment, CapitalArrival, Milestone, ProjectMilestone, Stage
from crm.pipeline.commitments import (
    annual_commitment_review,
    annual_commitment_set,
    capital_arrival_record,
    milestone_plan,
    milestone_record_actual,
)
from crm.pipeline.lights import milestone_light, project_commitments
from tests.factories import ProjectFactory, officer, project_at

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 28)
DAY = dt.timedelta(days=1)


@pytest.mark.parametrize(("planned", "actual", "level", "label"), [
    (TODAY + 31 * DAY, None, "green", "按计划（2026-12-29）"),
    (TODAY + 30 * DAY, None, "yellow", "30 天后到期（2026-12-28）"),
    (TODAY, None, "yellow", "今天到期"),
    (TODAY - DAY, None, "red", "已逾期 1 天未完成（计划 2026-11-27）"),
    (TODAY - 10 * DAY, TODAY - 10 * DAY, "green", "按期完成（2026-11-18）"),
    (TODAY - 10 * DAY, TODAY - 12 * DAY, "green", "按期完成（2026-11-16）"),
    (TODAY - 10 * DAY, TODAY - 3 * DAY, "red", "逾期 7 天完成（2026-11-25）"),
    (None, None, "none", "未计划"),
])
def test_a_milestone_is_green_on_time_yellow_within_30_days_red_when_late(planned, actual, level, label):
    light = milestone_light(planned_on=planned, actual_on=actual, today=TODAY)

    assert (light.level, light.label) == (level, label)


@pytest.fixture
def signed(qian):
    return project_at(Stage.SIGNED, owner=qian, name="羲和光电显示模组产线项目", total_investment=Decimal("20000"),
                      fixed_asset_investment=Decimal("15000"))


def test_a_signed_project_carries_its_clocks_capital_and_yearly_figures(signed, qian):
    today = timezone.localdate()
    land = milestone_plan(project=signed, kind=Milestone.LAND_DELIVERY, planned_on=today - 40 * DAY, actor=qian)
    milestone_record_actual(milestone=land, actual_on=today - 35 * DAY, actor=qian)
    milestone_plan(project=signed, kind=Milestone.CONSTRUCTION_START, planned_on=today + 10 * DAY, actor=qian)
    milestone_plan(project=signed, kind=Milestone.COMPLETION, planned_on=today + 400 * DAY, actor=qian)
    capital_arrival_record(project=signed, arrived_on=today - 30 * DAY, amount=Decimal("6000"), actor=qian, note="首期")
    capital_arrival_record(project=signed, arrived_on=today - 5 * DAY, amount=Decimal("2000"), actor=qian)

    overview = project_commitments(project=signed)

    assert [(m["label"], m["light"].level) for m in overview["milestones"]] == [
        ("交地", "red"), ("开工", "yellow"), ("竣工", "green"), ("达产", "none"),
    ]
    assert overview["capital"]["text"] == "实际到资 8,000 万元 / 承诺总投资 20,000 万元（40%）"


def test_milestone_dates_stay_in_order_and_a_wrong_plan_changes_nothing(signed, qian):
    milestone_plan(project=signed, kind=Milestone.CONSTRUCTION_START, planned_on=dt.date(2027, 3, 1), actor=qian)

    with pytest.raises(DomainError) as refused:
        milestone_plan(project=signed, kind=Milestone.COMPLETION, planned_on=dt.date(2027, 2, 1), actor=qian)

    assert refused.value.message == "“竣工”的计划日期 2027-02-01 早于“开工”的 2027-03-01。"
    assert list(ProjectMilestone.objects.values_list("kind", flat=True)) == [Milestone.CONSTRUCTION_START]


def test_re_planning_a_milestone_moves_its_date(signed, qian):
    milestone_plan(project=signed, kind=Milestone.LAND_DELIVERY, planned_on=dt.date(2027, 1, 10), actor=qian)
    milestone_plan(project=signed, kind=Milestone.LAND_DELIVERY, planned_on=dt.date(2027, 2, 10), actor=qian)

    assert list(ProjectMilestone.objects.values_list("planned_on", flat=True)) == [dt.date(2027, 2, 10)]


@pytest.mark.parametrize("stage", [Stage.LEAD, Stage.NEGOTIATING, Stage.ON_HOLD, Stage.LOST])
def test_a_project_not_signed_carries_no_commitments(stage, qian):
    project = project_at(stage, owner=qian)

    with pytest.raises(DomainError) as refused:
        milestone_plan(project=project, kind=Milestone.LAND_DELIVERY, planned_on=dt.date(2027, 1, 1), actor=qian)
    with pytest.raises(DomainError):
        capital_arrival_record(project=project, arrived_on=dt.date(2026, 1, 1), amount=Decimal("100"), actor=qian)
    with pytest.raises(DomainError):
        annual_commitment_set(project=project, year=2026, output_per_mu=Decimal("100"), tax_per_mu=Decimal("10"),
                              headcount=50, actor=qian)

    assert refused.value.code == DomainError.ILLEGAL_TRANSITION
    assert refused.value.message.endswith("签约后才能登记落地承诺。")
    assert (ProjectMilestone.objects.count(), CapitalArrival.objects.count(), AnnualCommitment.objects.count()) == (0, 0, 0)


def test_a_capital_arrival_must_be_positive_and_in_the_past(signed, qian):
    with pytest.raises(DomainError) as zero:
        capital_arrival_record(project=signed, arrived_on=dt.date(2026, 1, 1), amount=Decimal("0"), actor=qian)
    with pytest.raises(DomainError) as future:
        capital_arrival_record(project=signed, arrived_on=timezone.localdate() + DAY, amount=Decimal("1"), actor=qian)

    assert (zero.value.field, future.value.field) == ("amount", "arrived_on")
    assert CapitalArrival.objects.count() == 0


def test_the_annual_review_records_actuals_and_flags_each_shortfall(signed, qian):
    commitment = annual_commitment_set(project=signed, year=2025, output_per_mu=Decimal("100"),
                                       tax_per_mu=Decimal("10"), headcount=200, actor=qian)

    review = annual_commitment_review(commitment=commitment, actual_output_per_mu=Decimal("62"),
                                      actual_tax_per_mu=Decimal("12.5"), actual_headcount=160,
                                      reviewed_on=dt.date(2026, 3, 31), actor=qian)

    assert review.short is True
    assert [s.text for s in review.shortfalls] == ["亩均产值 实际 62 < 承诺 100 万元/亩", "用工人数 实际 160 < 承诺 200 人"]
    (row,) = project_commitments(project=signed)["annual"]
    assert (row["commitment"].actual_headcount, [s.measure for s in row["shortfalls"]]) == (160, ["亩均产值", "用工人数"])


def test_a_review_meeting_every_figure_flags_nothing(signed, qian):
    commitment = annual_commitment_set(project=signed, year=2025, output_per_mu=Decimal("100"),
                                       tax_per_mu=Decimal("10"), headcount=200, actor=qian)

    review = annual_commitment_review(commitment=commitment, actual_output_per_mu=Decimal("100"),
                                      actual_tax_per_mu=Decimal("10"), actual_headcount=230,
                                      reviewed_on=dt.date(2026, 3, 31), actor=qian)

    assert (review.short, review.shortfalls) == (False, [])


def test_a_reviewed_year_cannot_be_re_committed(signed, qian):
    commitment = annual_commitment_set(project=signed, year=2025, output_per_mu=Decimal("100"),
                                       tax_per_mu=Decimal("10"), headcount=200, actor=qian)
    annual_commitment_review(commitment=commitment, actual_output_per_mu=Decimal("50"), actual_tax_per_mu=Decimal("5"),
                             actual_headcount=100, reviewed_on=dt.date(2026, 3, 31), actor=qian)

    with pytest.raises(DomainError) as refused:
        annual_commitment_set(project=signed, year=2025, output_per_mu=Decimal("40"), tax_per_mu=Decimal("4"),
                              headcount=80, actor=qian)

    assert refused.value.message == "2025 年度已于 2026-03-31 考核，承诺不能再改。"
    assert AnnualCommitment.objects.get().output_per_mu == Decimal("100")


def test_commitments_overview_takes_three_queries(signed, qian, django_assert_num_queries):
    """milestones, the capital total, the annual rows."""
    milestone_plan(project=signed, kind=Milestone.LAND_DELIVERY, planned_on=dt.date(2027, 1, 10), actor=qian)
    annual_commitment_set(project=signed, year=2026, output_per_mu=Decimal("1"), tax_per_mu=Decimal("1"), headcount=1,
                          actor=qian)

    with django_assert_num_queries(3):
        project_commitments(project=signed)


def test_an_unsigned_project_shows_that_commitments_come_after_signing():
    assert project_commitments(project=ProjectFactory())["signed"] is False


def test_officer_role_may_record_commitments(qian):
    assert qian.has_perm("crm.add_projectmilestone") and qian.has_perm("crm.add_capitalarrival") and officer().is_staff
