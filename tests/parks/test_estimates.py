"""预计可享: each amount rule on a hand-computed example, the cap, the missing facts named; the rule's
parameters validated in Chinese; the estimate beside each match in the admin panel, the portal and the API."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from crm.text import number
from parks.estimates import clause_estimate
from parks.matching import Amount, Facts, ParkTree, YearFigures, match_clauses
from parks.models import EligibilityCriterion, PolicyClause
from tests.factories import PolicyClauseFactory, criterion

from .conftest import TODAY

pytestmark = pytest.mark.django_db
Rule = PolicyClause.AmountRule


def _clause(policy, rule, basis="", value=None, cap=None, number=1):
    clause = PolicyClauseFactory.build(
        policy=policy, number=number, amount_rule=rule, amount_basis=basis,
        amount_value=Decimal(value) if value is not None else None, amount_cap=Decimal(cap) if cap is not None else None,
    )
    clause.full_clean()
    clause.save()
    return clause


FACTS = Facts(
    industry_chain="xinchuang", qualifications=None,
    headcount=Amount(85), rd_headcount=Amount(12), fixed_asset_investment=Amount(Decimal("12000"), "项目：智造中心"),
    figures=YearFigures(year=2025, revenue=Decimal("6200"), rd_expense=Decimal("800"), tax=Decimal("820")),
    rented_m2=Decimal("1300"),
    # 1,300 m² at 1.20 元/m²·天: 1,300 × 1.2 × 365 / 12 = 47,450 元 a month.
    monthly_rent=Decimal("1300") * Decimal("1.2") * Decimal(365) / Decimal(12),
)


@pytest.mark.parametrize(("rule", "basis", "value", "cap", "amount", "reason"), [
    (Rule.FIXED, "", "50", None, "50", "定额 50 万元"),
    # 800 × 20% = 160
    (Rule.SHARE_OF_FIGURE, "rd_expense", "20", None, "160", "2025 年研发投入 800 万元 × 20% = 160 万元"),
    # 820 × 15% = 123, capped at 100
    (Rule.SHARE_OF_FIGURE, "tax", "15", "100", "100", "2025 年税收 820 万元 × 15% = 123 万元，封顶 100 万元"),
    # A project's planned investment: 12,000 × 10% = 1,200, capped at 1,000
    (Rule.SHARE_OF_FIGURE, "fixed_asset_investment", "10", "1000", "1000",
     "固定资产投资 12,000 万元（项目：智造中心） × 10% = 1,200 万元，封顶 1,000 万元"),
    # 12 × 2 = 24
    (Rule.PER_PERSON, "rd_headcount", "2", None, "24", "研发人员数 12 人 × 每人 2 万元 = 24 万元"),
    # 85 × 0.5 = 42.5
    (Rule.PER_PERSON, "headcount", "0.5", "40", "40", "员工人数 85 人 × 每人 0.50 万元 = 42.50 万元，封顶 40 万元"),
    # 1,300 m² × 300 元 = 390,000 元 = 39 万元
    (Rule.PER_SQM, "", "300", None, "39", "租用面积 1,300 m² × 每平方米 300 元 = 39 万元"),
    # 47,450 元 = 4.745 → 4.75 万元 a month (rounded half up); × 6 = 28.5
    (Rule.PER_MONTH_RENT, "", "6", None, "28.5", "月租金 4.75 万元 × 6 个月 = 28.50 万元"),
    (Rule.PER_MONTH_RENT, "", "12", "50", "50", "月租金 4.75 万元 × 12 个月 = 57 万元，封顶 50 万元"),
])
def test_each_amount_rule_estimates_by_hand(policy, rule, basis, value, cap, amount, reason):
    clause = _clause(policy, rule, basis, value, cap)

    estimate = clause_estimate(clause, FACTS, today=TODAY)

    assert (estimate.amount, estimate.reason) == (Decimal(amount), reason)
    assert estimate.label == f"预计可享 {number(Decimal(amount))} 万元"


@pytest.mark.parametrize(("rule", "basis", "value", "facts", "reason"), [
    (Rule.SHARE_OF_FIGURE, "revenue", "1", Facts(industry_chain=None, qualifications=None, figures=YearFigures(year=2025)),
     "缺少 2025 年营业收入"),
    (Rule.SHARE_OF_FIGURE, "value_added", "1", Facts(industry_chain=None, qualifications=None), "缺少 2025 年工业增加值"),
    (Rule.SHARE_OF_FIGURE, "fixed_asset_investment", "10", Facts(industry_chain=None, qualifications=None), "缺少固定资产投资"),
    (Rule.PER_PERSON, "rd_headcount", "2", Facts(industry_chain=None, qualifications=None), "缺少研发人员数"),
    (Rule.PER_PERSON, "headcount", "2", Facts(industry_chain=None, qualifications=None), "缺少员工人数"),
    (Rule.PER_SQM, "", "300", Facts(industry_chain=None, qualifications=None), "尚无在园租用的空间"),
    (Rule.PER_MONTH_RENT, "", "6", Facts(industry_chain=None, qualifications=None), "尚无在园租用的空间（或租金未填写）"),
])
def test_a_missing_fact_gives_no_amount_and_says_what_is_missing(policy, rule, basis, value, facts, reason):
    clause = _clause(policy, rule, basis, value, "100")

    estimate = clause_estimate(clause, facts, today=TODAY)

    assert (estimate.amount, estimate.reason) == (None, reason)
    assert estimate.label == f"暂无法估算：{reason}"


def test_a_clause_without_an_amount_rule_has_no_estimate(policy):
    clause = _clause(policy, "")

    assert clause_estimate(clause, FACTS, today=TODAY) is None


def test_a_match_carries_its_estimate_and_a_refused_one_gets_none(policy):
    eligible = _clause(policy, Rule.SHARE_OF_FIGURE, "rd_expense", "20", number=1)
    refused = _clause(policy, Rule.FIXED, "", "50", number=2)
    criterion(refused, EligibilityCriterion.Kind.MIN_TAX, number=Decimal("1000"))
    silent = _clause(policy, "", number=3)

    matches = {m.clause.pk: m for m in match_clauses([eligible, refused, silent], FACTS, ParkTree({}, {}), TODAY)}

    assert matches[eligible.pk].estimate.amount == Decimal("160")
    assert (matches[refused.pk].estimate.amount, str(matches[refused.pk].estimate.reason)) == (None, "不符合申报条件")
    assert matches[silent.pk].estimate is None


@pytest.mark.parametrize(("rule", "basis", "value", "field", "message"), [
    (Rule.FIXED, "", None, "amount_value", "“定额”必须填写计算参数：金额（万元）。"),
    (Rule.FIXED, "", "-5", "amount_value", "计算参数不能为负数。"),
    (Rule.SHARE_OF_FIGURE, "revenue", "120", "amount_value", "比例以百分数填写，不能超过 100。"),
    (Rule.SHARE_OF_FIGURE, "", "20", "amount_basis",
     "“按指标比例”必须选择计算依据，可选：营业收入、税收、研发投入、工业产值、工业增加值、融资额、固定资产投资（项目）。"),
    (Rule.SHARE_OF_FIGURE, "headcount", "20", "amount_basis",
     "“按指标比例”必须选择计算依据，可选：营业收入、税收、研发投入、工业产值、工业增加值、融资额、固定资产投资（项目）。"),
    (Rule.PER_PERSON, "revenue", "2", "amount_basis", "“按人”必须选择计算依据，可选：从业人员（每人）、研发人员（每人）。"),
    (Rule.PER_SQM, "revenue", "300", "amount_basis", "“按面积”不需要选择计算依据。"),
    (Rule.PER_MONTH_RENT, "", "2.5", "amount_value", "月数须为整数。"),
    ("", "", "5", "amount_value", "未选择预计金额算法时不填计算参数。"),
])
def test_an_amount_rule_that_does_not_fit_is_refused_in_chinese(policy, rule, basis, value, field, message):
    clause = PolicyClauseFactory.build(
        policy=policy, number=1, amount_rule=rule, amount_basis=basis, amount_value=Decimal(value) if value else None
    )

    with pytest.raises(ValidationError) as refused:
        clause.full_clean()

    assert message in refused.value.message_dict[field]
    assert not PolicyClause.objects.exists()


def test_the_database_refuses_an_amount_rule_without_its_parameters(policy):
    from django.db import IntegrityError, transaction

    with transaction.atomic(), pytest.raises(IntegrityError):
        PolicyClauseFactory(policy=policy, amount_rule=Rule.SHARE_OF_FIGURE, amount_value=Decimal("20"))
    assert not PolicyClause.objects.exists()


# ---- shown beside each match: admin panel, portal, API ---------------------------------------------------


@pytest.fixture
def rent_clause(policy, city):
    """按月租金: 6 months of the enterprise's rent, capped at 30 万元; open to the science city's enterprises."""
    clause = _clause(policy, Rule.PER_MONTH_RENT, "", "6", "30", number=2)
    criterion(clause, EligibilityCriterion.Kind.IN_PARK, park=city)
    return clause


@pytest.fixture
def renting(sunshine, xike):
    """西湖阳光 rents 1,300 m² at 1.20 元/m²·天 (47,450 元 a month → 4.75 万元) in 西科园; a reserved space
    and another enterprise's space do not count."""
    from tests.factories import EnterpriseFactory, SpaceFactory

    sunshine.park = xike
    sunshine.save()
    SpaceFactory(park=xike, occupant=sunshine, status="occupied", area_m2=Decimal("1300"), rent_per_m2_day=Decimal("1.20"))
    SpaceFactory(park=xike, occupant=sunshine, status="reserved", area_m2=Decimal("500"))
    SpaceFactory(park=xike, occupant=EnterpriseFactory(), status="occupied", area_m2=Decimal("900"))
    return sunshine


def test_the_portal_shows_the_estimate_beside_the_match(client, alice, renting, rent_clause):
    client.force_login(alice)

    html = client.get("/portal/policies/").content.decode()

    assert "预计可享 28.50 万元" in html
    assert "月租金 4.75 万元 × 6 个月 = 28.50 万元" in html


def test_the_admin_panel_shows_the_estimate_or_what_is_missing(client, zhou, renting, rent_clause, policy):
    from django.urls import reverse

    share = _clause(policy, Rule.SHARE_OF_FIGURE, "revenue", "1", "100", number=3)
    client.force_login(zhou)

    html = client.get(reverse("admin:crm_enterprise_change", args=[renting.pk])).content.decode()

    assert "预计可享 28.50 万元" in html
    assert f'data-clause="{share.pk}"' in html and "暂无法估算：缺少 2025 年营业收入" in html


def test_the_api_gives_the_estimate_of_each_match(alice, renting, rent_clause):
    from tests.api.support import api_client

    body = api_client(alice).get(f"/api/v1/enterprises/{renting.pk}/policy-matches/").json()

    (match,) = body["clauses"]
    assert match["estimate"] == {
        "amount": "28.50", "reason": "月租金 4.75 万元 × 6 个月 = 28.50 万元", "label": "预计可享 28.50 万元",
    }


def test_the_api_gives_no_estimate_for_a_clause_without_a_rule(alice, sunshine, policy):
    from tests.api.support import api_client

    _clause(policy, "", number=4)

    body = api_client(alice).get(f"/api/v1/enterprises/{sunshine.pk}/policy-matches/").json()

    assert body["clauses"][0]["estimate"] is None


def test_rented_space_is_read_only_when_an_amount_rule_needs_it(renting, rent_clause, django_assert_num_queries):
    """6 queries as the batch without (tests/parks/test_matching.py), + the rented space for 按月租金."""
    from parks.selectors.policies import enterprises_policy_matches

    with django_assert_num_queries(6 + 1):
        matches = enterprises_policy_matches(today=TODAY)

    assert matches[renting.pk][0].estimate.amount == Decimal("28.50")
