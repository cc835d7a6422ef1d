"""亩均论英雄: the score and class of an enterprise from its confirmed figures, by the active method."""

from decimal import Decimal

import pytest

from crm.figures.services import figure_record
from crm.models import EnterpriseFigure
from parks.models import MuMethod
from parks.mu import mu_evaluate
from tests.factories import EnterpriseFactory

TAX = EnterpriseFigure.Source.TAX


@pytest.fixture
def method(db):
    """The seeded default (50/20/15/15, cap 2× weight, A ≥ 120, B ≥ 80, C ≥ 50, 5 亩) with fixed benchmarks."""
    method = MuMethod.objects.get(is_active=True)
    method.benchmark_tax_per_mu = Decimal("10")  # 万元/亩
    method.benchmark_value_added_per_mu = Decimal("40")  # 万元/亩
    method.benchmark_value_added_per_energy = Decimal("2.5")  # 万元/吨标煤
    method.benchmark_rd_ratio = Decimal("4")  # %
    method.save()
    return method


def record(enterprise, actor, year=2024, **values):
    return figure_record(enterprise=enterprise, year=year, source=TAX, values=values, actor=actor)


def test_the_seeded_default_method_is_zhejiangs_four_indicators(db):
    method = MuMethod.objects.get(is_active=True)
    assert (method.weight_tax_per_mu, method.weight_value_added_per_mu, method.weight_value_added_per_energy,
            method.weight_rd_ratio) == (50, 20, 15, 15)
    assert (method.threshold_a, method.threshold_b, method.threshold_c, method.min_land_mu, method.cap_ratio) == (
        120, 80, 50, 5, 2)


def test_score_and_class_on_a_hand_computed_example(method, zhou, django_assert_num_queries):
    firm = EnterpriseFactory()
    record(firm, zhou, land_mu=20, tax=300, value_added=1000, energy_tce=500, revenue=5000, rd_expense=250)

    with django_assert_num_queries(2):  # the active method; every enterprise's confirmed figures of 2024
        result = mu_evaluate([firm.pk], 2024)[firm.pk]

    # 亩均税收 300/20 = 15 万元/亩      → 15/10 × 50   = 75
    # 亩均增加值 1000/20 = 50 万元/亩   → 50/40 × 20   = 25
    # 单位能耗增加值 1000/500 = 2       → 2/2.5 × 15   = 12
    # 研发经费占比 250/5000 = 5 %        → 5/4 × 15     = 18.75
    # score 75 + 25 + 12 + 18.75 = 130.75 ≥ 120 → A
    assert (result.tax_per_mu, result.value_added_per_mu, result.value_added_per_energy, result.rd_ratio) == (
        Decimal("15.00"), Decimal("50.00"), Decimal("2.00"), Decimal("5.00"))
    assert result.indicator_scores == {"tax_per_mu": Decimal("75.00"), "value_added_per_mu": Decimal("25.00"),
                                       "value_added_per_energy": Decimal("12.00"), "rd_ratio": Decimal("18.75")}
    assert (result.score, result.klass, result.below_min_land, result.reasons) == (Decimal("130.75"), "A", False, ())
    assert result.klass_label == "A 类（优先发展类）"
    assert result.figures.tax == Decimal("300.00")  # the figures that decided it travel with the result


def test_editing_the_weights_changes_the_class(method, zhou):
    firm = EnterpriseFactory()
    record(firm, zhou, land_mu=20, tax=300, value_added=1000, energy_tce=500, revenue=5000, rd_expense=250)
    method.weight_tax_per_mu, method.weight_value_added_per_energy, method.weight_rd_ratio = 20, 30, 30
    method.save()

    result = mu_evaluate([firm.pk], 2024)[firm.pk]

    # 15/10 × 20 = 30; 50/40 × 20 = 25; 2/2.5 × 30 = 24; 5/4 × 30 = 37.5 → 116.5: below A's 120, B
    assert (result.score, result.klass) == (Decimal("116.50"), "B")


def test_one_indicator_scores_at_most_its_capped_weight(method, zhou):
    firm = EnterpriseFactory()
    record(firm, zhou, land_mu=10, tax=1000, value_added=0, energy_tce=100, revenue=1000, rd_expense=0)

    result = mu_evaluate([firm.pk], 2024)[firm.pk]

    # 亩均税收 100 = 10 × the benchmark, yet scores 2 × 50 = 100, not 500; the others score 0 → 100 → B
    assert result.indicator_scores["tax_per_mu"] == Decimal("100.00")
    assert (result.score, result.klass) == (Decimal("100.00"), "B")


def test_blank_benchmarks_are_the_park_average_of_the_evaluated_enterprises(zhou):
    small, big, tiny, partial = EnterpriseFactory.create_batch(4)
    record(small, zhou, land_mu=10, tax=100, value_added=200, energy_tce=100, revenue=1000, rd_expense=30)
    record(big, zhou, land_mu=30, tax=500, value_added=1000, energy_tce=400, revenue=4000, rd_expense=170)
    # Neither counts in the averages: below the minimum land, and without its energy figure.
    record(tiny, zhou, land_mu=3, tax=900, value_added=900, energy_tce=1, revenue=900, rd_expense=900)
    record(partial, zhou, land_mu=50, tax=1, value_added=1, revenue=1, rd_expense=1)

    results = mu_evaluate([small.pk, big.pk, tiny.pk, partial.pk], 2024)

    # Averages: 600/40 = 15 万元/亩; 1200/40 = 30 万元/亩; 1200/500 = 2.4 万元/吨标煤; 200/5000 = 4 %.
    assert results[small.pk].benchmarks == {"tax_per_mu": Decimal("15.00"), "value_added_per_mu": Decimal("30.00"),
                                            "value_added_per_energy": Decimal("2.40"), "rd_ratio": Decimal("4.00")}
    # small: 10/15×50 = 33.33 + 20/30×20 = 13.33 + 2/2.4×15 = 12.5 + 3/4×15 = 11.25 → 70.42 → C
    assert (results[small.pk].score, results[small.pk].klass) == (Decimal("70.42"), "C")
    # big: 16.67/15×50 = 55.56 + 33.33/30×20 = 22.22 + 2.5/2.4×15 = 15.63 + 4.25/4×15 = 15.94 → 109.34 → B
    assert (results[big.pk].score, results[big.pk].klass) == (Decimal("109.34"), "B")
    assert (results[tiny.pk].klass, results[tiny.pk].below_min_land, results[tiny.pk].tax_per_mu) == (
        None, True, Decimal("300.00"))
    assert results[tiny.pk].reasons == ("用地 3 亩，小于参评最小用地 5 亩，不参与综合评价，单独列出。",)
    assert (results[partial.pk].klass, results[partial.pk].below_min_land) == (None, False)
    assert results[partial.pk].reasons == ("缺少综合能耗，无法评价。",)


def test_no_confirmed_figures_means_no_class_with_the_reason(method, zhou):
    firm = EnterpriseFactory()
    record(firm, zhou, year=2023, land_mu=20, tax=300, value_added=1000, energy_tce=500, revenue=5000, rd_expense=250)

    result = mu_evaluate([firm.pk], 2024)[firm.pk]

    assert (result.klass, result.score, result.reasons) == (None, None, ("2024 年度没有已确认的年度指标。",))


def test_a_low_score_is_d(method, zhou):
    firm = EnterpriseFactory()
    record(firm, zhou, land_mu=100, tax=100, value_added=400, energy_tce=1000, revenue=10000, rd_expense=50)
    result = mu_evaluate([firm.pk], 2024)[firm.pk]
    # 1/10×50 = 5; 4/40×20 = 2; 0.4/2.5×15 = 2.4; 0.5/4×15 = 1.875 → 11.28 < 50 → D
    assert (result.score, result.klass) == (Decimal("11.28"), "D")


def test_classes_by_ranking_share(method, zhou):
    method.class_by = MuMethod.ClassBy.SHARE
    method.share_a, method.share_b, method.share_c = 25, 50, 75
    method.save()
    firms = EnterpriseFactory.create_batch(4)
    for n, firm in enumerate(firms, start=1):  # 亩均税收 4, 8, 12, 16 万元/亩; the other figures equal
        record(firm, zhou, land_mu=10, tax=40 * n, value_added=400, energy_tce=160, revenue=1000, rd_expense=40)

    results = mu_evaluate([f.pk for f in firms], 2024)

    # Ranks 4, 3, 2, 1 of 4 → 100 %, 75 %, 50 %, 25 % → D, C, B, A
    assert [results[f.pk].klass for f in firms] == ["D", "C", "B", "A"]
