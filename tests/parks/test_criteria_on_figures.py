"""Criteria on the yearly figures (营业收入, 税收, 研发经费占比, 亩均类别, 亩均税收): each kind met, failed and
unknown — unknown naming the figure and the year missing — with the compared figures in the reason; several
亩均 classes are alternatives; the batch's grouping never lends one enterprise's year to another."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from parks.matching import Facts, Matcher, ParkTree, YearFigures, match_clauses
from parks.models import EligibilityCriterion
from tests.factories import PolicyClauseFactory, criterion

from .conftest import TODAY

pytestmark = pytest.mark.django_db
K = EligibilityCriterion.Kind
NO_PARKS = ParkTree(parents={}, names={})


@pytest.fixture
def clause(policy):
    return PolicyClauseFactory(policy=policy, number=3, title="亩均效益奖励", benefit_kind="investment_award")


def _facts(**figures) -> Facts:
    return Facts(industry_chain="xinchuang", qualifications=None, figures=YearFigures(**figures))


def _outcome(clause, facts, today=TODAY):
    (match,) = match_clauses([clause], facts, NO_PARKS, today)
    return [(c.outcome, c.reason) for c in match.criteria], match.verdict


@pytest.mark.parametrize(("kind", "number", "figures", "expected"), [
    (K.MIN_REVENUE, "5000", {"year": 2025, "revenue": Decimal("6200")}, ("met", "2025 年营业收入 6,200 万元 ≥ 5,000 万元")),
    (K.MIN_REVENUE, "5000", {"year": 2025, "revenue": Decimal("4999.5")}, ("failed", "2025 年营业收入 4,999.50 万元 < 5,000 万元")),
    (K.MIN_REVENUE, "5000", {"year": 2025, "tax": Decimal("820")}, ("unknown", "缺少 2025 年营业收入（要求 ≥ 5,000 万元）")),
    (K.MIN_TAX, "500", {"year": 2025, "tax": Decimal("820")}, ("met", "2025 年税收 820 万元 ≥ 500 万元")),
    (K.MIN_TAX, "500", {"year": 2024, "tax": Decimal("500")}, ("met", "2024 年税收 500 万元 ≥ 500 万元")),
    (K.MIN_TAX, "500", {"year": 2025, "tax": Decimal("120")}, ("failed", "2025 年税收 120 万元 < 500 万元")),
    # Nothing confirmed at all: the year asked for is last year's.
    (K.MIN_TAX, "500", {}, ("unknown", "缺少 2025 年税收（要求 ≥ 500 万元）")),
    (K.MIN_RD_RATIO, "3", {"year": 2025, "rd_ratio": Decimal("4.5")}, ("met", "2025 年研发经费占比 4.50% ≥ 3%")),
    (K.MIN_RD_RATIO, "3", {"year": 2025, "rd_ratio": Decimal("1.2")}, ("failed", "2025 年研发经费占比 1.20% < 3%")),
    (K.MIN_RD_RATIO, "3", {"year": 2025}, ("unknown", "缺少 2025 年研发经费占比（要求 ≥ 3%）")),
    (K.MIN_TAX_PER_MU, "30", {"year": 2025, "tax_per_mu": Decimal("41")}, ("met", "2025 年亩均税收 41 万元/亩 ≥ 30 万元/亩")),
    (K.MIN_TAX_PER_MU, "30", {"year": 2025, "tax_per_mu": Decimal("12.5")}, ("failed", "2025 年亩均税收 12.50 万元/亩 < 30 万元/亩")),
    (K.MIN_TAX_PER_MU, "30", {"year": 2025, "tax": Decimal("820")}, ("unknown", "缺少 2025 年亩均税收（要求 ≥ 30 万元/亩）")),
])
def test_each_figure_criterion_is_met_failed_or_unknown_with_the_figures_compared(clause, kind, number, figures, expected):
    criterion(clause, kind, number=Decimal(number))

    results, verdict = _outcome(clause, _facts(**figures))

    assert results == [expected]
    assert verdict == {"met": "eligible", "failed": "not_eligible", "unknown": "unknown"}[expected[0]]


@pytest.mark.parametrize(("figures", "expected_reasons", "verdict"), [
    ({"year": 2025, "mu_class": "A"}, [("met", "2025 年亩均评价 A 类，符合要求"), ("failed", "2025 年亩均评价 A 类，要求 B 类")],
     "eligible"),
    ({"year": 2025, "mu_class": "B"}, [("failed", "2025 年亩均评价 B 类，要求 A 类"), ("met", "2025 年亩均评价 B 类，符合要求")],
     "eligible"),
    ({"year": 2025, "mu_class": "C"}, [("failed", "2025 年亩均评价 C 类，要求 A 类"), ("failed", "2025 年亩均评价 C 类，要求 B 类")],
     "not_eligible"),
    ({"year": 2025}, [("unknown", "缺少 2025 年亩均评价类别（要求 A 类）"), ("unknown", "缺少 2025 年亩均评价类别（要求 B 类）")],
     "unknown"),
    # Below the method's minimum land: evaluated apart, never in a class — known, so not “unknown”.
    ({"year": 2025, "mu_below_min_land": True, "mu_note": "用地 3 亩，小于参评最小用地 5 亩"},
     [("failed", "2025 年未参加亩均评价：用地 3 亩，小于参评最小用地 5 亩（要求 A 类）"),
      ("failed", "2025 年未参加亩均评价：用地 3 亩，小于参评最小用地 5 亩（要求 B 类）")], "not_eligible"),
    # Not evaluated for want of a figure: unknown, naming it.
    ({"year": 2025, "mu_note": "缺少综合能耗，无法评价"},
     [("unknown", "缺少 2025 年亩均评价类别：缺少综合能耗，无法评价（要求 A 类）"),
      ("unknown", "缺少 2025 年亩均评价类别：缺少综合能耗，无法评价（要求 B 类）")], "unknown"),
])
def test_mu_classes_are_alternatives_one_criterion_per_class(clause, figures, expected_reasons, verdict):
    criterion(clause, K.MU_CLASS_IN, choice="A")
    criterion(clause, K.MU_CLASS_IN, choice="B")

    assert _outcome(clause, _facts(**figures)) == (expected_reasons, verdict)


def test_figure_kinds_combine_with_the_others_all_must_hold(clause):
    criterion(clause, K.MIN_TAX, number=Decimal("500"))
    criterion(clause, K.MU_CLASS_IN, choice="A")
    criterion(clause, K.INDUSTRY_CHAIN, choice="xinchuang")

    (match,) = match_clauses([clause], _facts(year=2025, tax=Decimal("820"), mu_class="B"), NO_PARKS, TODAY)

    assert match.verdict == "not_eligible"
    assert match.summary == "2025 年亩均评价 B 类，要求 A 类"


def test_the_batch_never_lends_one_enterprises_year_or_figure_to_another(clause):
    """The matcher remembers outcomes per fact key: the key holds the year as well as the figure."""
    criterion(clause, K.MIN_TAX, number=Decimal("500"))
    criterion(clause, K.MU_CLASS_IN, choice="A")
    matcher = Matcher([clause], NO_PARKS, TODAY)
    cases = [
        (_facts(year=2025, tax=Decimal("820"), mu_class="A"), "eligible", ["2025 年税收 820 万元 ≥ 500 万元", "2025 年亩均评价 A 类，符合要求"]),
        (_facts(year=2024, tax=Decimal("820"), mu_class="A"), "eligible", ["2024 年税收 820 万元 ≥ 500 万元", "2024 年亩均评价 A 类，符合要求"]),
        (_facts(year=2025, tax=Decimal("120"), mu_class="A"), "not_eligible", ["2025 年税收 120 万元 < 500 万元", "2025 年亩均评价 A 类，符合要求"]),
        (_facts(year=2025, mu_below_min_land=True, mu_note="用地 3 亩，小于参评最小用地 5 亩"), "not_eligible",
         ["缺少 2025 年税收（要求 ≥ 500 万元）", "2025 年未参加亩均评价：用地 3 亩，小于参评最小用地 5 亩（要求 A 类）"]),
        (_facts(year=2025, mu_note="缺少综合能耗，无法评价"), "unknown",
         ["缺少 2025 年税收（要求 ≥ 500 万元）", "缺少 2025 年亩均评价类别：缺少综合能耗，无法评价（要求 A 类）"]),
        (_facts(year=2025), "unknown", ["缺少 2025 年税收（要求 ≥ 500 万元）", "缺少 2025 年亩均评价类别（要求 A 类）"]),
    ]
    for _round in range(2):  # the second round is served from the remembered outcomes
        for facts, verdict, reasons in cases:
            (match,) = matcher.match(facts)
            assert (match.verdict, [c.reason for c in match.criteria]) == (verdict, reasons)


def test_the_year_asked_for_without_any_confirmed_figure_is_last_year():
    clause = PolicyClauseFactory()
    criterion(clause, K.MIN_REVENUE, number=Decimal("100"))

    assert _outcome(clause, _facts(), today=dt.date(2027, 3, 1))[0] == [("unknown", "缺少 2026 年营业收入（要求 ≥ 100 万元）")]


# ---- the criterion as the admin enters it ----------------------------------------------------------


@pytest.mark.parametrize(("kind", "number", "choice", "field", "message"), [
    (K.MIN_TAX, None, "", "number", "“税收 ≥（万元）”必须填写数值。"),
    (K.MIN_REVENUE, "-1", "", "number", "数值不能为负数。"),
    (K.MIN_RD_RATIO, "120", "", "number", "研发经费占比以百分数填写，不能超过 100。"),
    (K.MIN_TAX_PER_MU, "30", "A", "choice", "“亩均税收 ≥（万元/亩）”不需要选择选项。"),
    (K.MU_CLASS_IN, None, "", "choice", "“亩均评价类别属于”必须选择一个选项。"),
    (K.MU_CLASS_IN, None, "E", "choice", "“E”不是“亩均评价类别属于”的有效选项，可选：A 类、B 类、C 类、D 类。"),
    (K.MU_CLASS_IN, "1", "A", "number", "“亩均评价类别属于”不需要填写数值。"),
])
def test_a_figure_criterion_that_does_not_fit_its_kind_is_refused_in_chinese(clause, kind, number, choice, field, message):
    row = EligibilityCriterion(clause=clause, kind=kind, number=Decimal(number) if number else None, choice=choice)

    with pytest.raises(ValidationError) as refused:
        row.full_clean()

    assert message in refused.value.message_dict[field]
    assert not EligibilityCriterion.objects.exists()


def test_the_requirement_reads_with_its_unit(clause):
    assert criterion(clause, K.MIN_RD_RATIO, number=Decimal("3")).requirement_label() == "≥ 3%"
    assert criterion(clause, K.MIN_TAX_PER_MU, number=Decimal("30")).requirement_label() == "≥ 30 万元/亩"
    assert criterion(clause, K.MU_CLASS_IN, choice="A").requirement_label() == "A 类"


# ---- through the enterprise's confirmed figures and its 亩均 evaluation (the one reading) ------------------


@pytest.fixture
def method(db):
    """The seeded default method with fixed benchmarks (as tests/parks/test_mu.py): classes computed by hand."""
    from parks.models import MuMethod

    method = MuMethod.objects.get(is_active=True)
    method.benchmark_tax_per_mu, method.benchmark_value_added_per_mu = Decimal("10"), Decimal("40")
    method.benchmark_value_added_per_energy, method.benchmark_rd_ratio = Decimal("2.5"), Decimal("4")
    method.save()
    return method


def _record(enterprise, actor, year, source="tax", **values):
    from crm.figures.services import figure_record

    return figure_record(enterprise=enterprise, year=year, source=source, values=values, actor=actor)


# 亩均税收 300/20 = 15, 亩均增加值 50, 单位能耗增加值 2, 研发经费占比 5 % → score 130.75 → A (tests/parks/test_mu.py)
STRONG = {"land_mu": 20, "tax": 300, "value_added": 1000, "energy_tce": 500, "revenue": 5000, "rd_expense": 250}


@pytest.fixture
def figure_clause(policy):
    clause = PolicyClauseFactory(policy=policy, number=9, title="亩均英雄奖励", benefit_kind="other")
    criterion(clause, K.MIN_REVENUE, number=Decimal("4000"))
    criterion(clause, K.MIN_TAX, number=Decimal("200"))
    criterion(clause, K.MIN_RD_RATIO, number=Decimal("4"))
    criterion(clause, K.MU_CLASS_IN, choice="A")
    criterion(clause, K.MIN_TAX_PER_MU, number=Decimal("10"))
    return clause


def _reasons(enterprise):
    from parks.selectors.policies import enterprise_policy_matches

    (match,) = enterprise_policy_matches(enterprise=enterprise, today=TODAY)
    return match.verdict, [(c.outcome, c.reason) for c in match.criteria]


def test_criteria_read_the_latest_confirmed_year_and_its_mu_class(figure_clause, method, zhou):
    from tests.factories import EnterpriseFactory

    firm = EnterpriseFactory()
    _record(firm, zhou, 2023, tax=50, revenue=1000)  # an older year: not read
    _record(firm, zhou, 2024, **STRONG)

    assert _reasons(firm) == ("eligible", [
        ("met", "2024 年营业收入 5,000 万元 ≥ 4,000 万元"),
        ("met", "2024 年税收 300 万元 ≥ 200 万元"),
        ("met", "2024 年研发经费占比 5% ≥ 4%"),
        ("met", "2024 年亩均评价 A 类，符合要求"),
        ("met", "2024 年亩均税收 15 万元/亩 ≥ 10 万元/亩"),
    ])


def test_a_figure_submitted_but_not_confirmed_is_not_a_fact(figure_clause, method, zhou):
    from crm.models import EnterpriseFigure
    from tests.factories import EnterpriseFactory

    firm = EnterpriseFactory()
    EnterpriseFigure.objects.create(enterprise=firm, year=2025, source="self_reported", status="submitted", **STRONG)

    verdict, reasons = _reasons(firm)

    assert verdict == "unknown"
    assert reasons == [
        ("unknown", "缺少 2025 年营业收入（要求 ≥ 4,000 万元）"),
        ("unknown", "缺少 2025 年税收（要求 ≥ 200 万元）"),
        ("unknown", "缺少 2025 年研发经费占比（要求 ≥ 4%）"),
        ("unknown", "缺少 2025 年亩均评价类别（要求 A 类）"),
        ("unknown", "缺少 2025 年亩均税收（要求 ≥ 10 万元/亩）"),
    ]


def test_a_missing_figure_names_itself_and_an_enterprise_below_the_minimum_land_is_in_no_class(
    figure_clause, method, zhou
):
    from tests.factories import EnterpriseFactory

    no_energy = EnterpriseFactory()
    _record(no_energy, zhou, 2024, **{k: v for k, v in STRONG.items() if k != "energy_tce"})
    small = EnterpriseFactory()
    _record(small, zhou, 2024, **{**STRONG, "land_mu": 3})

    assert _reasons(no_energy)[1][3] == ("unknown", "缺少 2024 年亩均评价类别：缺少综合能耗，无法评价（要求 A 类）")
    verdict, reasons = _reasons(small)
    assert verdict == "not_eligible"
    assert reasons[3] == ("failed", "2024 年未参加亩均评价：用地 3 亩，小于参评最小用地 5 亩，不参与综合评价，单独列出（要求 A 类）")
    assert reasons[4] == ("met", "2024 年亩均税收 100 万元/亩 ≥ 10 万元/亩")


@pytest.mark.parametrize("enterprises", [2, 12])
def test_the_batch_reads_the_figures_in_a_constant_number_of_queries(figure_clause, method, zhou, enterprises,
                                                                     django_assert_num_queries):
    """6 as without figure criteria (tests/parks/test_matching.py), plus the confirmed yearly figures, the active
    亩均 method and, per distinct latest year (two here: 2024 and 2025), every enterprise's confirmed figures of
    that year (the 亩均 class's park averages). Explain any change."""
    from parks.selectors.policies import enterprises_policy_matches
    from tests.factories import EnterpriseFactory

    for i in range(enterprises):
        _record(EnterpriseFactory(), zhou, 2024 + i % 2, **STRONG)

    with django_assert_num_queries(6 + 1 + 1 + 2):
        matches = enterprises_policy_matches(today=TODAY)

    assert sorted(m[0].verdict for m in matches.values()) == ["eligible"] * enterprises


def test_without_a_mu_class_criterion_no_mu_evaluation_is_read(policy, method, zhou, django_assert_num_queries):
    """研发经费占比 and 亩均税收 are the 亩均 method's formulas on the enterprise's own figures: the park's figures
    (for the class) are read only when a 亩均类别 criterion is in force. 6 + the confirmed figures."""
    from parks.selectors.policies import enterprises_policy_matches
    from tests.factories import EnterpriseFactory

    clause = PolicyClauseFactory(policy=policy, number=1)
    criterion(clause, K.MIN_RD_RATIO, number=Decimal("4"))
    criterion(clause, K.MIN_TAX_PER_MU, number=Decimal("10"))
    firm = EnterpriseFactory()
    _record(firm, zhou, 2024, **STRONG)

    with django_assert_num_queries(6 + 1):
        matches = enterprises_policy_matches(today=TODAY)

    assert [c.reason for c in matches[firm.pk][0].criteria] == [
        "2024 年研发经费占比 5% ≥ 4%", "2024 年亩均税收 15 万元/亩 ≥ 10 万元/亩",
    ]
