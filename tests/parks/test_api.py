"""The parks API under /api/v1/: who may read and change what, isolation between enterprises, and the shapes.

Enterprise users read published policies and their own enterprises' matches and grants only; staff read
all; investment officers move parcels and record commitments; service officers record and decide grants;
managers read only. Every refused write leaves the data as it was.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from crm.models import AnnualCommitment, EnterpriseQualification, Milestone, ProjectMilestone, Stage
from parks.models import EligibilityCriterion, LandParcel, ParcelStatus, PolicyGrant
from parks.services.grants import policy_grant_approve, policy_grant_record
from parks.services.parcels import parcel_change_status
from tests.api.support import api_client, results
from tests.factories import (
    LandParcelFactory,
    PolicyClauseFactory,
    PolicyFactory,
    ProjectFactory,
    SpaceFactory,
    criterion,
    project_at,
)

pytestmark = pytest.mark.django_db
K = EligibilityCriterion.Kind
V1 = "/api/v1"


@pytest.fixture
def clauses(policy, xinchuang_park):
    """Three clauses of the 紫金十条: 载体免租 (信创 + 信创园), 固定资产投资奖励 (≥ 1 亿), 小巨人奖励."""
    rent_free = PolicyClauseFactory(policy=policy, number=1, title="载体免租", benefit_kind="rent_free",
                                    amount_cap=Decimal("300"))
    criterion(rent_free, K.INDUSTRY_CHAIN, choice="xinchuang")
    criterion(rent_free, K.IN_PARK, park=xinchuang_park)
    investment = PolicyClauseFactory(policy=policy, number=4, title="固定资产投资奖励", benefit_kind="investment_award",
                                     amount_cap=Decimal("2000"))
    criterion(investment, K.MIN_FIXED_ASSET, number=Decimal("10000"))
    giant = PolicyClauseFactory(policy=policy, number=8, title="专精特新“小巨人”奖励", benefit_kind="other",
                                amount_cap=Decimal("100"))
    criterion(giant, K.QUALIFICATION, choice=EnterpriseQualification.Kind.LITTLE_GIANT)
    return {"rent_free": rent_free, "investment": investment, "giant": giant}


@pytest.fixture
def grants(clauses, sunshine, kecong, zhou):
    ours = policy_grant_record(clause=clauses["rent_free"], enterprise=sunshine, applied_amount=Decimal("80"),
                               applied_on=dt.date(2025, 11, 2), actor=zhou)
    theirs = policy_grant_record(clause=clauses["giant"], enterprise=kecong, applied_amount=Decimal("100"),
                                 applied_on=dt.date(2025, 8, 1), actor=zhou)
    return {"sunshine": ours, "kecong": theirs}


# ---- policies and clauses ----------------------------------------------------------------------------


def test_enterprise_users_read_published_policies_with_their_clauses_and_criteria(alice, clauses):
    PolicyFactory(name="尚未发布的政策", is_published=False)
    client = api_client(alice)

    policies = results(client.get(f"{V1}/policies/"))
    detail = client.get(f"{V1}/policies/{policies[0]['id']}/").json()

    assert [p["short_name"] for p in policies] == ["紫金十条"]
    assert [(c["number"], [cr["requirement"] for cr in c["criteria"]]) for c in detail["clauses"]] == [
        (1, ["信创与商用密码", "信创园"]), (4, ["≥ 10,000"]), (8, ["国家级专精特新“小巨人”"]),
    ]


def test_an_unpublished_policy_and_its_clauses_are_a_404_for_enterprise_users_but_not_for_staff(alice, boss):
    draft = PolicyClauseFactory(policy=PolicyFactory(name="草稿政策", is_published=False))

    assert api_client(alice).get(f"{V1}/policies/{draft.policy_id}/").status_code == 404
    assert api_client(alice).get(f"{V1}/clauses/{draft.pk}/").status_code == 404
    assert api_client(boss).get(f"{V1}/clauses/{draft.pk}/").status_code == 200


def test_clauses_filter_by_policy(boss, clauses):
    other = PolicyClauseFactory(policy=PolicyFactory(name="人才新政"))

    rows = results(api_client(boss).get(f"{V1}/clauses/", {"policy": other.policy_id}))

    assert [r["id"] for r in rows] == [other.pk]


# ---- matches -----------------------------------------------------------------------------------------


def test_an_enterprise_user_reads_its_own_matches_with_the_figures(alice, sunshine, clauses, xinchuang_park):
    sunshine.industry_chain = "xinchuang"
    sunshine.park = xinchuang_park
    sunshine.save()

    body = api_client(alice).get(f"{V1}/enterprises/{sunshine.pk}/policy-matches/").json()

    assert (body["enterprise"], body["project"], body["eligible"], body["unknown"], body["not_eligible"]) == (
        sunshine.pk, None, 1, 2, 0,
    )
    first = body["clauses"][0]
    assert (first["title"], first["verdict"], first["verdict_display"]) == ("载体免租", "eligible", "符合条件")
    assert [(c["kind"], c["outcome"], c["reason"]) for c in first["criteria"]] == [
        ("industry_chain", "met", "产业链“信创与商用密码”符合要求"),
        ("in_park", "met", "所在园区“信创园”符合要求"),
    ]


def test_another_enterprises_matches_are_a_404_for_an_enterprise_user(alice, bob, kecong, clauses):
    assert api_client(alice).get(f"{V1}/enterprises/{kecong.pk}/policy-matches/").status_code == 404
    assert api_client(bob).get(f"{V1}/enterprises/{kecong.pk}/policy-matches/").status_code == 200


def test_project_matches_are_for_staff_and_follow_the_projects_figures(alice, boss, qian, clauses):
    project = ProjectFactory(total_investment=Decimal("20000"), fixed_asset_investment=Decimal("8000"))
    url = f"{V1}/projects/{project.pk}/policy-matches/"

    assert api_client(alice).get(url).status_code == 403
    investment = next(c for c in api_client(boss).get(url).json()["clauses"] if c["title"] == "固定资产投资奖励")
    assert (investment["verdict"], investment["criteria"][0]["reason"]) == (
        "not_eligible", "固定资产投资 8,000 万元 < 要求 10,000 万元"
    )

    project.fixed_asset_investment = Decimal("15000")
    project.save()

    investment = next(c for c in api_client(qian).get(url).json()["clauses"] if c["title"] == "固定资产投资奖励")
    assert (investment["verdict"], investment["criteria"][0]["reason"]) == (
        "eligible", "固定资产投资 15,000 万元 ≥ 要求 10,000 万元"
    )


# ---- grants ------------------------------------------------------------------------------------------


def test_an_enterprise_user_sees_only_its_own_enterprises_grants(alice, bob, grants):
    assert [g["id"] for g in results(api_client(alice).get(f"{V1}/grants/"))] == [grants["sunshine"].pk]
    assert [g["id"] for g in results(api_client(bob).get(f"{V1}/grants/"))] == [grants["kecong"].pk]
    assert api_client(alice).get(f"{V1}/grants/{grants['kecong'].pk}/").status_code == 404
    assert api_client(alice).get(f"{V1}/grants/", {"enterprise": grants["kecong"].enterprise_id}).status_code == 400


def test_staff_see_every_grant_and_filter_by_status(boss, grants, zhou):
    policy_grant_approve(grant=grants["kecong"], amount=Decimal("100"), on=dt.date(2025, 9, 1), actor=zhou)

    assert len(results(api_client(boss).get(f"{V1}/grants/"))) == 2
    assert [g["id"] for g in results(api_client(boss).get(f"{V1}/grants/", {"status": "approved"}))] == [
        grants["kecong"].pk
    ]


def test_a_service_officer_records_and_approves_a_grant(zhou, clauses, kecong):
    client = api_client(zhou)

    created = client.post(f"{V1}/grants/", {"clause": clauses["investment"].pk, "enterprise": kecong.pk,
                                            "applied_amount": "1800", "applied_on": "2025-03-10"}, format="json")
    approved = client.post(f"{V1}/grants/{created.json()['id']}/approve/",
                           {"amount": "1500", "approved_on": "2025-05-16"}, format="json")

    assert created.status_code == 201
    assert (approved.status_code, approved.json()["status"], approved.json()["approved_amount"]) == (
        200, "approved", "1500.00"
    )


def test_an_approval_above_the_cap_is_a_400_with_the_reason_and_changes_nothing(zhou, grants):
    grant = grants["sunshine"]  # 载体免租: at most 300 万元; 80 applied for

    response = api_client(zhou).post(f"{V1}/grants/{grant.pk}/approve/", {"amount": "350", "approved_on": "2025-11-20"},
                                     format="json")

    assert response.status_code == 400
    assert response.json() == {"approved_amount": ["核准金额 350 万元 超过条款“载体免租”的最高金额 300 万元。"]}
    assert PolicyGrant.objects.get(pk=grant.pk).status == PolicyGrant.Status.APPLIED


def test_disbursing_an_unapproved_grant_is_a_409(zhou, grants):
    response = api_client(zhou).post(f"{V1}/grants/{grants['sunshine'].pk}/disburse/",
                                     {"amount": "10", "disbursed_on": "2025-12-01"}, format="json")

    assert response.status_code == 409
    assert PolicyGrant.objects.get(pk=grants["sunshine"].pk).disbursed_amount is None


@pytest.mark.parametrize("who", ["alice", "qian", "boss"])
def test_only_service_officers_record_or_decide_grants(request, who, grants, clauses, sunshine):
    client = api_client(request.getfixturevalue(who))
    before = list(PolicyGrant.objects.order_by("pk").values_list("pk", "status"))

    created = client.post(f"{V1}/grants/", {"clause": clauses["giant"].pk, "enterprise": sunshine.pk,
                                            "applied_amount": "100", "applied_on": "2025-03-10"}, format="json")
    approved = client.post(f"{V1}/grants/{grants['sunshine'].pk}/approve/",
                           {"amount": "80", "approved_on": "2025-11-20"}, format="json")

    assert (created.status_code, approved.status_code) == (403, 403)
    assert list(PolicyGrant.objects.order_by("pk").values_list("pk", "status")) == before


# ---- parcels, spaces, candidates ---------------------------------------------------------------------


def test_enterprise_users_cannot_read_parcels_or_spaces(alice):
    LandParcelFactory()
    SpaceFactory()

    assert api_client(alice).get(f"{V1}/parcels/").status_code == 403
    assert api_client(alice).get(f"{V1}/spaces/").status_code == 403


def test_staff_read_parcels_filtered_by_status_with_their_outline_and_allowed_moves(boss, qian):
    available = parcel_change_status(parcel=LandParcelFactory(code="ZJG-XK-RD-05", outline={
        "type": "Polygon", "coordinates": [[[120.07, 30.29], [120.08, 30.29], [120.08, 30.30], [120.07, 30.29]]]
    }), to=ParcelStatus.AVAILABLE, actor=qian)
    LandParcelFactory(code="ZJG-XK-M1-12")

    rows = results(api_client(boss).get(f"{V1}/parcels/", {"status": "available"}))

    assert [(r["code"], r["status_display"], r["allowed_moves"]) for r in rows] == [
        ("ZJG-XK-RD-05", "可供地", ["planned", "reserved", "listed"])
    ]
    assert rows[0]["outline"]["type"] == "Polygon" and rows[0]["id"] == available.pk


def test_an_investment_officer_reserves_lists_and_transfers_a_parcel(qian):
    project = ProjectFactory(name="科聪控制机器人研发总部项目")
    parcel = parcel_change_status(parcel=LandParcelFactory(reserve_price=Decimal("4500")), to=ParcelStatus.AVAILABLE,
                                  actor=qian)
    client = api_client(qian)

    reserved = client.post(f"{V1}/parcels/{parcel.pk}/reserve/", {"project": project.pk}, format="json")
    listed = client.post(f"{V1}/parcels/{parcel.pk}/status/", {"status": "listed"}, format="json")
    transferred = client.post(f"{V1}/parcels/{parcel.pk}/transfer/",
                              {"project": project.pk, "transferred_on": "2025-09-25", "price": "4500"}, format="json")

    assert [r.status_code for r in (reserved, listed, transferred)] == [200, 200, 200]
    assert (transferred.json()["status"], transferred.json()["project_name"], transferred.json()["allowed_moves"]) == (
        "transferred", "科聪控制机器人研发总部项目", ["under_construction"]
    )


def test_an_illegal_parcel_move_over_the_api_is_a_409_and_changes_nothing(qian):
    parcel = LandParcelFactory(code="ZJG-XK-M1-12")

    response = api_client(qian).post(f"{V1}/parcels/{parcel.pk}/status/", {"status": "delivered"}, format="json")

    assert (response.status_code, response.json()) == (
        409, {"detail": "地块 ZJG-XK-M1-12 当前“规划中”，不能转为“已交付”。可转为：可供地。"}
    )
    assert LandParcel.objects.get(pk=parcel.pk).status == ParcelStatus.PLANNED


@pytest.mark.parametrize("who", ["boss", "zhou"])
def test_managers_and_service_officers_cannot_move_parcels(request, who):
    parcel = LandParcelFactory()

    response = api_client(request.getfixturevalue(who)).post(f"{V1}/parcels/{parcel.pk}/status/",
                                                             {"status": "available"}, format="json")

    assert response.status_code == 403
    assert LandParcel.objects.get(pk=parcel.pk).status == ParcelStatus.PLANNED


def test_parcel_candidates_for_a_project_are_ranked_with_reasons(boss, qian, xike):
    project = ProjectFactory(land_need_m2=Decimal("20000"), land_use_need="M1", park=xike)
    parcel_change_status(parcel=LandParcelFactory(code="ZJG-XK-M1-08", park=xike), to=ParcelStatus.AVAILABLE, actor=qian)

    (row,) = api_client(boss).get(f"{V1}/projects/{project.pk}/parcel-candidates/").json()

    assert (row["rank"], row["parcel"]["code"]) == (1, "ZJG-XK-M1-08")
    assert row["reason"] == "可供地；用地性质相符（工业用地 M1）；面积 20,000 m²，与需求相同；位于拟落地园区西科园"


def test_spaces_show_when_rent_starts(boss, kecong):
    SpaceFactory(status="occupied", occupant=kecong, lease_start=dt.date(2024, 3, 1), rent_free_months=36)

    (row,) = results(api_client(boss).get(f"{V1}/spaces/"))

    assert (row["occupant_name"], row["rent_free_ends_on"]) == (kecong.name, "2027-03-01")


# ---- commitments -------------------------------------------------------------------------------------


def test_an_investment_officer_records_a_signed_projects_commitments_and_reads_them_in_colours(qian):
    project = project_at(Stage.SIGNED, owner=qian, total_investment=Decimal("20000"), fixed_asset_investment=Decimal("0"))
    client = api_client(qian)
    base = f"{V1}/projects/{project.pk}"

    assert client.post(f"{base}/milestones/", {"kind": "land_delivery", "planned_on": "2020-01-10"},
                       format="json").status_code == 200
    assert client.post(f"{base}/capital-arrivals/", {"arrived_on": "2025-01-10", "amount": "5000"},
                       format="json").status_code == 201
    committed = client.post(f"{base}/annual-commitments/",
                            {"year": 2025, "output_per_mu": "100", "tax_per_mu": "10", "headcount": 200}, format="json")
    commitment_id = committed.json()["annual"][0]["id"]
    review = client.post(f"{V1}/annual-commitments/{commitment_id}/review/", {
        "actual_output_per_mu": "62", "actual_tax_per_mu": "12", "actual_headcount": 210, "reviewed_on": "2026-03-31",
    }, format="json")
    body = client.get(f"{base}/commitments/").json()

    assert review.json()["shortfalls"] == ["亩均产值 实际 62 < 承诺 100 万元/亩"]
    assert [(m["kind"], m["light"]["level"]) for m in body["milestones"]] == [
        ("land_delivery", "red"), ("construction_start", "none"), ("completion", "none"), ("full_production", "none"),
    ]
    assert body["capital"]["text"] == "实际到资 5,000 万元 / 承诺总投资 20,000 万元（25%）"


def test_commitments_of_a_project_not_signed_are_a_409_and_nothing_is_written(qian):
    project = ProjectFactory(owner=qian)

    response = api_client(qian).post(f"{V1}/projects/{project.pk}/milestones/",
                                     {"kind": "land_delivery", "planned_on": "2027-01-10"}, format="json")

    assert response.status_code == 409
    assert ProjectMilestone.objects.count() == 0


def test_the_api_refuses_milestones_with_the_words_the_admin_shows(qian):
    project = project_at(Stage.SIGNED, owner=qian)
    start = ProjectMilestone.objects.create(project=project, kind=Milestone.CONSTRUCTION_START,
                                            planned_on=dt.date(2027, 3, 1))
    lead = ProjectFactory(name="沐曦智算中心项目", owner=qian)
    client = api_client(qian)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)

    future = client.post(f"{V1}/milestones/{start.pk}/actual/", {"actual_on": tomorrow.isoformat()}, format="json")
    early = client.post(f"{V1}/projects/{project.pk}/milestones/", {"kind": "completion", "planned_on": "2027-02-01"},
                        format="json")
    unsigned = client.post(f"{V1}/projects/{lead.pk}/milestones/", {"kind": "land_delivery", "planned_on": "2027-01-10"},
                           format="json")

    assert (future.status_code, future.json()) == (400, {"actual_on": ["实际日期不能为空，也不能晚于今天。"]})
    assert (early.status_code, early.json()) == (400, {"planned_on": ["“竣工”的计划日期 2027-02-01 早于“开工”的 2027-03-01。"]})
    assert (unsigned.status_code, unsigned.json()) == (
        409, {"detail": "项目“沐曦智算中心项目”当前“线索”，签约后才能登记落地承诺。"}
    )
    assert list(ProjectMilestone.objects.values_list("kind", "actual_on")) == [(Milestone.CONSTRUCTION_START, None)]


def test_the_api_refuses_capital_arrivals_with_the_words_the_admin_shows(qian):
    project = project_at(Stage.SIGNED, owner=qian)
    client = api_client(qian)
    url = f"{V1}/projects/{project.pk}/capital-arrivals/"
    tomorrow = timezone.localdate() + dt.timedelta(days=1)

    nothing = client.post(url, {"arrived_on": "2025-01-10", "amount": "0"}, format="json")
    future = client.post(url, {"arrived_on": tomorrow.isoformat(), "amount": "5000"}, format="json")

    assert (nothing.status_code, nothing.json()) == (400, {"amount": ["到资金额必须大于 0。"]})
    assert (future.status_code, future.json()) == (400, {"arrived_on": ["到资日期不能为空，也不能晚于今天。"]})
    assert project.capital_arrivals.count() == 0


def test_the_api_refuses_annual_commitments_and_reviews_with_the_words_the_admin_shows(qian):
    project = project_at(Stage.SIGNED, owner=qian)
    client = api_client(qian)
    figures = {"year": 2025, "output_per_mu": "100", "tax_per_mu": "10", "headcount": 200}
    commitment_id = client.post(f"{V1}/projects/{project.pk}/annual-commitments/", figures, format="json").json()[
        "annual"][0]["id"]
    review_url = f"{V1}/annual-commitments/{commitment_id}/review/"
    actuals = {"actual_output_per_mu": "62", "actual_tax_per_mu": "12", "actual_headcount": 160}
    tomorrow = timezone.localdate() + dt.timedelta(days=1)

    future = client.post(review_url, {**actuals, "reviewed_on": tomorrow.isoformat()}, format="json")
    early = client.post(review_url, {**actuals, "reviewed_on": "2024-12-31"}, format="json")
    client.post(review_url, {**actuals, "reviewed_on": "2026-03-31"}, format="json")
    rewritten = client.post(f"{V1}/projects/{project.pk}/annual-commitments/", {**figures, "output_per_mu": "40"},
                            format="json")

    assert (future.status_code, future.json()) == (400, {"reviewed_on": ["考核日期不能为空，也不能晚于今天。"]})
    assert (early.status_code, early.json()) == (400, {"reviewed_on": ["考核日期不能早于 2025 年度开始。"]})
    assert (rewritten.status_code, rewritten.json()) == (409, {"detail": "2025 年度已于 2026-03-31 考核，承诺不能再改。"})
    assert list(project.commitments.values_list("output_per_mu", "reviewed_on")) == [
        (Decimal("100"), dt.date(2026, 3, 31))
    ]


@pytest.mark.parametrize(("figures", "errors"), [
    ({"year": 1999}, {"year": ["年度不正确。"]}),
    ({"tax_per_mu": "-1"}, {"tax_per_mu": ["承诺数值不能为负数。"]}),
    ({"headcount": 10_000_001}, {"headcount": ["用工人数不能超过 10,000,000 人。"]}),
], ids=["year_1999", "negative_tax", "headcount_too_large"])
def test_the_api_checks_the_committed_figures_in_the_services_words_as_the_admin_does(qian, figures, errors):
    project = project_at(Stage.SIGNED, owner=qian)

    response = api_client(qian).post(f"{V1}/projects/{project.pk}/annual-commitments/", {
        "year": 2025, "output_per_mu": "100", "tax_per_mu": "10", "headcount": 200, **figures,
    }, format="json")

    assert (response.status_code, response.json()) == (400, errors)
    assert project.commitments.count() == 0


def test_a_figure_per_mu_longer_than_the_column_is_a_400_not_a_database_error(qian):
    """亩均 figures are stored in 12 digits (10 before the point), as the admin form already says."""
    project = project_at(Stage.SIGNED, owner=qian)

    response = api_client(qian).post(f"{V1}/projects/{project.pk}/annual-commitments/", {
        "year": 2025, "output_per_mu": "123456789012.00", "tax_per_mu": "10", "headcount": 200,
    }, format="json")

    assert (response.status_code, response.json()) == (400, {"output_per_mu": ["请确保总计不超过 12 个数字。"]})
    assert project.commitments.count() == 0


def test_the_api_checks_a_reviews_headcount_in_the_services_words_as_the_admin_does(qian):
    project = project_at(Stage.SIGNED, owner=qian)
    commitment = AnnualCommitment.objects.create(project=project, year=2025, output_per_mu=100, tax_per_mu=10,
                                                 headcount=200)

    response = api_client(qian).post(f"{V1}/annual-commitments/{commitment.pk}/review/", {
        "actual_output_per_mu": "62", "actual_tax_per_mu": "-1", "actual_headcount": 10_000_001,
        "reviewed_on": "2026-03-31",
    }, format="json")

    assert (response.status_code, response.json()) == (400, {"actual_tax_per_mu": ["实际数值不能为负数。"]})
    assert AnnualCommitment.objects.get().reviewed_on is None


@pytest.mark.parametrize("who", ["boss", "zhou", "alice"])
def test_only_investment_officers_record_commitments(request, who):
    project = project_at(Stage.SIGNED)
    milestone = ProjectMilestone.objects.create(project=project, kind=Milestone.LAND_DELIVERY, planned_on=dt.date(2027, 1, 1))
    client = api_client(request.getfixturevalue(who))

    planned = client.post(f"{V1}/projects/{project.pk}/milestones/", {"kind": "completion", "planned_on": "2028-01-10"},
                          format="json")
    actual = client.post(f"{V1}/milestones/{milestone.pk}/actual/", {"actual_on": "2026-11-01"}, format="json")

    assert (planned.status_code, actual.status_code) == (403, 403)
    assert list(ProjectMilestone.objects.values_list("kind", "actual_on")) == [(Milestone.LAND_DELIVERY, None)]


def test_enterprise_users_cannot_read_commitments(alice):
    project = project_at(Stage.SIGNED)

    assert api_client(alice).get(f"{V1}/projects/{project.pk}/commitments/").status_code == 403


def test_anonymous_clients_are_asked_to_authenticate():
    assert api_client().get(f"{V1}/policies/").status_code == 401
