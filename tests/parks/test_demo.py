"""The demo science city (``load_demo``): the 紫金十条 matched against its enterprises, parcels on the map,
and the policy money per policy. The demo is loaded once for this module and rolled back after it.

Counts and sums of what the demo declares are computed from ``demo.data``; the ten clauses of the 紫金十条 are the
source article's and stay a literal."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction

from crm.models import Enterprise, EnterpriseFigure
from demo import data
from parks.models import LandParcel, ParcelStatus, Policy
from parks.mu import mu_evaluate
from parks.selectors.parcels import parcel_map_features
from parks.selectors.policies import enterprise_policy_matches, enterprises_policy_matches
from parks.validators import validate_polygon
from reports.selectors.common import ReportFilters
from reports.selectors.policy import policy_report

pytestmark = pytest.mark.django_db
PASSWORD = "x-demo-pass-123"


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", password=PASSWORD, stdout=StringIO())
        yield
        transaction.set_rollback(True)


def _verdicts(short_name: str) -> dict[int, str]:
    enterprise = Enterprise.objects.get(short_name=short_name)
    return {m.clause.number: m.verdict for m in enterprise_policy_matches(enterprise=enterprise)}


def test_kecong_a_robotics_little_giant_may_apply_for_the_investment_talent_and_little_giant_clauses(world):
    verdicts = _verdicts("科聪控制")

    assert sorted(n for n, v in verdicts.items() if v == "eligible") == [4, 7, 8]
    assert sorted(n for n, v in verdicts.items() if v == "not_eligible") == [1, 2, 3, 5, 6, 9, 10]


def test_xihu_sunshine_in_new_materials_may_apply_for_the_talent_subsidy_only(world):
    enterprise = Enterprise.objects.get(short_name="西湖阳光")
    matches = enterprise_policy_matches(enterprise=enterprise)

    eligible = [m for m in matches if m.verdict == "eligible"]
    assert [(m.clause.number, m.summary) for m in eligible] == [
        (7, "员工人数 85 人 ≥ 要求 20 人；所在园区“西湖大学转化基地”属于“紫金港科技城”"),
    ]
    fixed_asset = next(m for m in matches if m.clause.number == 4)
    assert fixed_asset.verdict == "not_eligible"
    assert fixed_asset.summary == "固定资产投资 4,500 万元 < 要求 10,000 万元（项目：西湖阳光研发总部及中试平台项目）"


def test_an_enterprise_without_recorded_qualifications_is_unknown_on_the_qualification_clauses(world):
    verdicts = _verdicts("云谷智算")

    assert {n: verdicts[n] for n in (6, 8, 9)} == {6: "unknown", 8: "unknown", 9: "unknown"}
    assert sorted(n for n, v in verdicts.items() if v == "eligible") == [4, 7]


def test_every_demo_enterprise_is_matched_against_the_ten_clauses_at_once(world):
    matches = enterprises_policy_matches()

    assert len(matches) == Enterprise.objects.count()
    assert {len(found) for found in matches.values()} == {Policy.objects.get().clauses.count()} == {10}  # the article's
    assert any(m.verdict == "eligible" for found in matches.values() for m in found)


def test_every_demo_parcel_has_an_outline_around_the_science_city(world):
    features = parcel_map_features()["features"]

    assert len(features) == LandParcel.objects.count() == len(data.PARCELS)
    for feature in features:
        validate_polygon(feature["geometry"])
        for lng, lat in feature["geometry"]["coordinates"][0]:
            assert 120.05 < lng < 120.11 and 30.28 < lat < 30.32
    assert {f["properties"]["status"] for f in features} == set(ParcelStatus.values)


def test_policy_money_per_policy_adds_up_the_demo_grants(world):
    """The demo grants: approved counts 已核准 and 已拨付 (not the refused or pending ones)."""
    (row,) = policy_report(filters=ReportFilters())["policies"]
    grants = data.GRANTS
    approved = [g for g in grants if g.status in ("approved", "disbursed")]
    assert 0 < len(approved) < len(grants)  # some are refused or pending: the approved sum must leave them out

    assert {k: row[k] for k in ("policy_id", "policy", "clauses", "grants", "applied_total", "approved_total",
                                "disbursed_total")} == {
        "policy_id": Policy.objects.get().pk, "policy": "信创“紫金十条”", "clauses": 10, "grants": len(grants),
        "applied_total": sum(g.applied_amount for g in grants),
        "approved_total": sum(g.approved_amount for g in approved),
        "disbursed_total": sum(g.disbursed_amount or Decimal("0") for g in grants),
    }


def test_the_demo_enterprises_come_out_a_to_d_with_one_self_report_waiting(world):
    last = data.FIGURE_YEARS[-1]
    ids = dict(Enterprise.objects.filter(short_name__in=data.FIGURES).values_list("short_name", "pk"))
    results = mu_evaluate(ids.values(), last)
    classes = {short: results[pk].klass for short, pk in ids.items()}

    assert {k for k in classes.values() if k} == {"A", "B", "C", "D"}
    assert (classes["芯体素"], classes["永创智能"], classes["精创激光"], classes["瀚川新材"]) == ("A", "B", "C", "D")
    # Renting under 5 亩: listed apart, 科聪控制's 1,300 m² (≈ 1.95 亩) among them.
    assert results[ids["科聪控制"]].below_min_land and classes["科聪控制"] is None
    waiting = EnterpriseFigure.objects.get(status=EnterpriseFigure.Status.SUBMITTED)
    assert (waiting.enterprise.short_name, waiting.year, waiting.source, waiting.submitted_by.is_staff) == (
        "西湖阳光", last, EnterpriseFigure.Source.SELF_REPORTED, False)
    # 税务 before 统计: the tax office's count of 永创智能's 2025 tax is the one read.
    assert results[ids["永创智能"]].figures.tax == Decimal("9996.00")


def test_the_talent_subsidy_is_open_for_online_application_around_the_demos_today(world):
    from django.utils import timezone

    from parks.models import PolicyClause
    from parks.services.applications import policy_application_refusal

    open_now = [c for c in PolicyClause.objects.all() if c.application_window_open(timezone.localdate())]
    assert [(c.number, c.required_document_list()) for c in open_now] == [
        (7, ["高层次人才认定证书", "劳动合同及社保缴纳证明"])]
    enterprise = Enterprise.objects.get(short_name="西湖阳光")
    match = next(m for m in enterprise_policy_matches(enterprise=enterprise) if m.clause.number == 7)
    assert policy_application_refusal(clause=open_now[0], enterprise=enterprise, today=timezone.localdate(),
                                      match=match) is None


def test_the_demo_has_proposals_waiting_and_a_grant_in_instalments_with_one_held(world):
    from parks.models import GrantInstalment, PolicyGrant

    proposals = PolicyGrant.objects.filter(status=PolicyGrant.Status.PROPOSED)
    assert proposals.exists()
    assert set(proposals.values_list("clause__number", flat=True)) == {data.NO_APPLICATION_CLAUSE}
    assert all(g.proposal_reasons["verdict"] == "eligible" for g in proposals)
    number, enterprise = data.INSTALMENT_GRANT
    instalments = GrantInstalment.objects.filter(grant__clause__number=number, grant__enterprise__short_name=enterprise)
    assert list(instalments.order_by("sequence").values_list("commitment_year", "status")) == [
        (2025, GrantInstalment.Status.HELD), (2026, GrantInstalment.Status.SCHEDULED),
    ]
    report = policy_report(filters=ReportFilters())["totals"]
    assert (report["proposed_count"], report["held_total"]) == (proposals.count(), Decimal("300"))
