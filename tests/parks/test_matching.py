"""Policy matching: every criterion kind met, failed and unknown, with the figures compared in Chinese;
the verdict of a clause; which clauses are in force; matches follow the record; constant queries."""

import datetime as dt
from decimal import Decimal

import pytest

from crm.models import EnterpriseQualification, Project, Stage
from parks.models import EligibilityCriterion
from parks.selectors.policies import (
    enterprise_policy_matches,
    enterprises_policy_matches,
    enterprises_policy_matches_in_chunks,
    project_policy_matches,
)
from tests.factories import (
    EnterpriseFactory,
    PolicyClauseFactory,
    PolicyFactory,
    ProjectFactory,
    criterion,
    project_at,
)

from .conftest import TODAY

pytestmark = pytest.mark.django_db
K = EligibilityCriterion.Kind
Q = EnterpriseQualification.Kind


def _only(matches):
    assert len(matches) == 1
    return matches[0]


def _outcome(match):
    (result,) = match.criteria
    return result.outcome, result.reason


def _qualify(enterprise, *kinds, expires_on=None):
    for kind in kinds:
        EnterpriseQualification.objects.create(enterprise=enterprise, kind=kind, expires_on=expires_on)


# ---- every kind: met / failed / unknown, for a project ---------------------------------------------


@pytest.fixture
def clause(policy):
    return PolicyClauseFactory(policy=policy, number=4, title="固定资产投资奖励", benefit_kind="investment_award",
                               amount_cap=Decimal("2000"))


def _project_outcome(clause, project):
    return _outcome(_only(project_policy_matches(project=project, today=TODAY)))


@pytest.mark.parametrize(("chain", "expected"), [
    ("xinchuang", ("met", "产业链“信创与商用密码”符合要求")),
    ("robotics", ("failed", "产业链“智能机器人”，要求“信创与商用密码”")),
    ("other", ("unknown", "产业链尚未归类（要求“信创与商用密码”）")),
])
def test_industry_chain_criterion(clause, chain, expected):
    criterion(clause, K.INDUSTRY_CHAIN, choice="xinchuang")
    project = ProjectFactory(industry_chain=chain)

    assert _project_outcome(clause, project) == expected


def test_qualification_criterion_is_met_by_a_qualification_held(clause):
    criterion(clause, K.QUALIFICATION, choice=Q.LITTLE_GIANT)
    project = ProjectFactory()
    _qualify(project.enterprise, Q.LITTLE_GIANT, Q.HIGH_TECH)

    assert _project_outcome(clause, project) == ("met", "持有资质：国家级专精特新“小巨人”")


def test_qualification_criterion_fails_when_other_qualifications_are_recorded_but_not_this_one(clause):
    criterion(clause, K.QUALIFICATION, choice=Q.LITTLE_GIANT)
    project = ProjectFactory()
    _qualify(project.enterprise, Q.HIGH_TECH)

    assert _project_outcome(clause, project) == ("failed", "未持有资质：国家级专精特新“小巨人”（已登记：高新技术企业）")


def test_an_expired_qualification_fails_the_criterion(clause):
    criterion(clause, K.QUALIFICATION, choice=Q.HIGH_TECH)
    project = ProjectFactory()
    _qualify(project.enterprise, Q.HIGH_TECH, expires_on=dt.date(2025, 12, 7))

    assert _project_outcome(clause, project) == ("failed", "资质已过期：高新技术企业（有效期至 2025-12-07）")


def test_qualification_criterion_is_unknown_when_no_qualification_is_recorded(clause):
    criterion(clause, K.QUALIFICATION, choice=Q.LISTED)

    assert _project_outcome(clause, ProjectFactory()) == ("unknown", "尚未登记企业资质（要求：上市企业）")


@pytest.mark.parametrize(("amount", "expected"), [
    ("12000", ("met", "总投资 12,000 万元 ≥ 要求 10,000 万元")),
    ("10000", ("met", "总投资 10,000 万元 ≥ 要求 10,000 万元")),
    ("8000", ("failed", "总投资 8,000 万元 < 要求 10,000 万元")),
    ("0", ("unknown", "总投资尚未填写（要求 ≥ 10,000 万元）")),
])
def test_minimum_investment_criterion(clause, amount, expected):
    criterion(clause, K.MIN_INVESTMENT, number=Decimal("10000"))
    project = ProjectFactory(total_investment=Decimal(amount), fixed_asset_investment=0)

    assert _project_outcome(clause, project) == expected


@pytest.mark.parametrize(("amount", "expected"), [
    ("12000", ("met", "固定资产投资 12,000 万元 ≥ 要求 10,000 万元")),
    ("8000", ("failed", "固定资产投资 8,000 万元 < 要求 10,000 万元")),
    ("0", ("unknown", "固定资产投资尚未填写（要求 ≥ 10,000 万元）")),
])
def test_minimum_fixed_asset_criterion(clause, amount, expected):
    criterion(clause, K.MIN_FIXED_ASSET, number=Decimal("10000"))
    project = ProjectFactory(total_investment=Decimal("20000"), fixed_asset_investment=Decimal(amount))

    assert _project_outcome(clause, project) == expected


@pytest.mark.parametrize(("headcount", "planned", "expected"), [
    (25, None, ("met", "员工人数 25 人 ≥ 要求 20 人")),
    (15, 300, ("failed", "员工人数 15 人 < 要求 20 人")),  # the enterprise's own staff count comes first
    (None, 30, ("met", "计划用工人数 30 人 ≥ 要求 20 人")),
    (None, None, ("unknown", "计划用工人数尚未填写（要求 ≥ 20 人）")),
])
def test_minimum_headcount_criterion(clause, headcount, planned, expected):
    criterion(clause, K.MIN_HEADCOUNT, number=Decimal("20"))
    project = ProjectFactory(enterprise=EnterpriseFactory(headcount=headcount), headcount_planned=planned)

    assert _project_outcome(clause, project) == expected


@pytest.mark.parametrize(("rd", "expected"), [
    (12, ("met", "研发人员数 12 人 ≥ 要求 10 人")),
    (8, ("failed", "研发人员数 8 人 < 要求 10 人")),
    (None, ("unknown", "研发人员数尚未填写（要求 ≥ 10 人）")),
])
def test_minimum_rd_headcount_criterion(clause, rd, expected):
    criterion(clause, K.MIN_RD_HEADCOUNT, number=Decimal("10"))
    project = ProjectFactory(enterprise=EnterpriseFactory(rd_headcount=rd))

    assert _project_outcome(clause, project) == expected


def test_in_park_criterion_is_met_by_a_sub_park_of_the_park_asked_for(clause, city, xinchuang_park):
    criterion(clause, K.IN_PARK, park=city)

    assert _project_outcome(clause, ProjectFactory(park=xinchuang_park)) == (
        "met", "拟落地园区“信创园”属于“紫金港科技城”"
    )


def test_in_park_criterion_is_met_by_the_park_itself(clause, xinchuang_park):
    criterion(clause, K.IN_PARK, park=xinchuang_park)

    assert _project_outcome(clause, ProjectFactory(park=xinchuang_park)) == ("met", "拟落地园区“信创园”符合要求")


def test_in_park_criterion_fails_for_a_park_outside(clause, city, elsewhere):
    criterion(clause, K.IN_PARK, park=city)

    assert _project_outcome(clause, ProjectFactory(park=elsewhere)) == (
        "failed", "拟落地园区“未来科技城”不在“紫金港科技城”范围内"
    )


def test_in_park_criterion_falls_back_on_the_enterprise_park_and_is_unknown_without_any(clause, city, xike):
    criterion(clause, K.IN_PARK, park=city)
    with_enterprise_park = ProjectFactory(enterprise=EnterpriseFactory(park=xike))

    assert _project_outcome(clause, with_enterprise_park) == ("met", "所在园区“西科园”属于“紫金港科技城”")
    assert _project_outcome(clause, ProjectFactory()) == ("unknown", "尚未登记所在园区（要求在“紫金港科技城”）")


@pytest.mark.parametrize(("stage", "expected"), [
    (Stage.REGISTERED, ("met", "项目阶段“注册落地”已达到“注册落地”")),
    (Stage.PRODUCTION, ("met", "项目阶段“投产”已达到“注册落地”")),
    (Stage.NEGOTIATING, ("failed", "项目阶段“深度洽谈”未达到“注册落地”")),
    (Stage.LOST, ("failed", "项目已“终止”")),
    (Stage.ON_HOLD, ("unknown", "项目“暂缓”，要求至少“注册落地”")),
])
def test_minimum_stage_criterion(clause, stage, expected):
    criterion(clause, K.MIN_STAGE, choice=Stage.REGISTERED)

    assert _project_outcome(clause, project_at(stage)) == expected


# ---- an enterprise's facts --------------------------------------------------------------------------


def test_an_enterprise_is_measured_by_its_largest_project_named_in_the_reason(clause):
    criterion(clause, K.MIN_FIXED_ASSET, number=Decimal("10000"))
    enterprise = EnterpriseFactory()
    ProjectFactory(enterprise=enterprise, name="小试线项目", total_investment=Decimal("3000"),
                   fixed_asset_investment=Decimal("1000"))
    ProjectFactory(enterprise=enterprise, name="智造中心项目", total_investment=Decimal("20000"),
                   fixed_asset_investment=Decimal("12000"))
    project_at(Stage.LOST, enterprise=enterprise, name="已终止的大项目", total_investment=Decimal("90000"),
               fixed_asset_investment=Decimal("90000"))

    match = _only(enterprise_policy_matches(enterprise=enterprise, today=TODAY))

    assert _outcome(match) == ("met", "固定资产投资 12,000 万元 ≥ 要求 10,000 万元（项目：智造中心项目）")


def test_an_enterprise_without_projects_has_unknown_amounts_and_stage(clause):
    criterion(clause, K.MIN_INVESTMENT, number=Decimal("5000"))
    criterion(clause, K.MIN_STAGE, choice=Stage.SIGNED)
    prospect = EnterpriseFactory(status="prospect")

    match = _only(enterprise_policy_matches(enterprise=prospect, today=TODAY))

    assert [(c.outcome, c.reason) for c in match.criteria] == [
        ("unknown", "总投资尚未填写（要求 ≥ 5,000 万元）"),
        ("unknown", "尚无招商项目（要求至少“签约”）"),
    ]
    assert match.verdict == "unknown"


def test_an_enterprise_in_the_park_counts_as_registered_without_a_project(clause):
    criterion(clause, K.MIN_STAGE, choice=Stage.REGISTERED)
    enterprise = EnterpriseFactory(status="in_park")

    match = _only(enterprise_policy_matches(enterprise=enterprise, today=TODAY))

    assert _outcome(match) == ("met", "项目阶段“注册落地”已达到“注册落地”（在园企业，视为已注册落地）")


# ---- the verdict of a clause ------------------------------------------------------------------------


@pytest.fixture
def xc_clause(policy):
    """“载体免租”: 信创 chain and a fixed-asset minimum."""
    clause = PolicyClauseFactory(policy=policy, number=1, title="载体免租", benefit_kind="rent_free")
    criterion(clause, K.INDUSTRY_CHAIN, choice="xinchuang")
    criterion(clause, K.MIN_FIXED_ASSET, number=Decimal("10000"))
    return clause


@pytest.mark.parametrize(("chain", "fixed", "verdict"), [
    ("xinchuang", "12000", "eligible"),  # all met
    ("xinchuang", "0", "unknown"),  # none failed, one unknown
    ("robotics", "12000", "not_eligible"),  # one failed
    ("robotics", "0", "not_eligible"),  # failed beats unknown
    ("other", "0", "unknown"),  # all unknown
])
def test_a_clause_is_eligible_only_when_every_criterion_is_met(xc_clause, chain, fixed, verdict):
    project = ProjectFactory(industry_chain=chain, total_investment=Decimal("20000"), fixed_asset_investment=Decimal(fixed))

    assert _only(project_policy_matches(project=project, today=TODAY)).verdict == verdict


def test_criteria_of_the_same_kind_are_alternatives(policy):
    clause = PolicyClauseFactory(policy=policy, title="专精特新奖励")
    criterion(clause, K.QUALIFICATION, choice=Q.LITTLE_GIANT)
    criterion(clause, K.QUALIFICATION, choice=Q.PROVINCIAL_SRDI)
    provincial = ProjectFactory()
    _qualify(provincial.enterprise, Q.PROVINCIAL_SRDI)
    neither = ProjectFactory()
    _qualify(neither.enterprise, Q.TECH_SME)

    match = _only(project_policy_matches(project=provincial, today=TODAY))
    assert match.verdict == "eligible"
    assert [c.outcome for c in match.criteria] == ["failed", "met"]
    assert _only(project_policy_matches(project=neither, today=TODAY)).verdict == "not_eligible"


def test_a_clause_without_criteria_is_open_to_everyone(policy):
    PolicyClauseFactory(policy=policy, title="企业服务包")

    match = _only(project_policy_matches(project=ProjectFactory(), today=TODAY))

    assert (match.verdict, match.criteria, match.summary) == ("eligible", [], "本条款未设申报条件。")


def test_matches_list_eligible_clauses_first_then_unknown_then_not_eligible(policy):
    criterion(PolicyClauseFactory(policy=policy, number=1), K.INDUSTRY_CHAIN, choice="xinchuang")
    criterion(PolicyClauseFactory(policy=policy, number=2), K.QUALIFICATION, choice=Q.LITTLE_GIANT)
    criterion(PolicyClauseFactory(policy=policy, number=3), K.INDUSTRY_CHAIN, choice="robotics")

    matches = project_policy_matches(project=ProjectFactory(industry_chain="robotics"), today=TODAY)

    assert [(m.clause.number, m.verdict) for m in matches] == [(3, "eligible"), (2, "unknown"), (1, "not_eligible")]


# ---- which clauses are in force ---------------------------------------------------------------------


def test_only_published_policies_and_clauses_in_their_validity_window_are_matched(policy):
    in_force = PolicyClauseFactory(policy=policy, title="有效条款")
    PolicyClauseFactory(policy=policy, title="已失效条款", valid_until=TODAY - dt.timedelta(days=1))
    PolicyClauseFactory(policy=policy, title="尚未生效条款", valid_from=TODAY + dt.timedelta(days=1))
    PolicyClauseFactory(policy=PolicyFactory(is_published=False), title="草稿政策条款")
    PolicyClauseFactory(policy=PolicyFactory(valid_until=TODAY - dt.timedelta(days=1)), title="过期政策条款")

    matches = project_policy_matches(project=ProjectFactory(), today=TODAY)

    assert [m.clause for m in matches] == [in_force]


# ---- live facts and query counts --------------------------------------------------------------------


def test_when_a_projects_facts_change_its_matches_change(xc_clause):
    project = ProjectFactory(industry_chain="xinchuang", total_investment=Decimal("20000"),
                             fixed_asset_investment=Decimal("8000"))
    before = _only(project_policy_matches(project=project, today=TODAY))
    assert (before.verdict, before.summary) == ("not_eligible", "固定资产投资 8,000 万元 < 要求 10,000 万元")

    Project.objects.filter(pk=project.pk).update(fixed_asset_investment=Decimal("12000"))

    after = _only(project_policy_matches(project=project, today=TODAY))
    assert (after.verdict, after.summary) == (
        "eligible", "产业链“信创与商用密码”符合要求；固定资产投资 12,000 万元 ≥ 要求 10,000 万元"
    )


def test_project_matches_take_five_queries(xc_clause, django_assert_num_queries):
    """project + enterprise, the enterprise's qualifications, clauses + policy, criteria, parks. Explain any change."""
    project = ProjectFactory()
    for number in range(2, 12):
        criterion(PolicyClauseFactory(policy=xc_clause.policy, number=number), K.MIN_INVESTMENT, number=Decimal("1"))

    with django_assert_num_queries(5):
        matches = project_policy_matches(project=project, today=TODAY)
    assert len(matches) == 11


@pytest.mark.parametrize("enterprises", [2, 25])
def test_matching_all_enterprises_takes_six_queries_however_many_there_are(xc_clause, enterprises,
                                                                           django_assert_num_queries):
    """enterprises, their qualifications, their projects' figures, clauses + policy, criteria, parks."""
    for i in range(enterprises):
        enterprise = EnterpriseFactory()
        _qualify(enterprise, Q.HIGH_TECH)
        ProjectFactory(enterprise=enterprise, total_investment=Decimal(3000 * (i + 1)))

    with django_assert_num_queries(6):
        matches = enterprises_policy_matches(today=TODAY)

    assert len(matches) == enterprises
    assert all(len(found) == 1 for found in matches.values())


def test_the_batch_gives_each_enterprise_the_same_matches_as_matching_it_alone(
    policy, city, xike, elsewhere, django_assert_num_queries
):
    """The batch remembers outcomes per fact value; it must never lend one enterprise's reasons to another."""
    clause = PolicyClauseFactory(policy=policy, number=1)
    criterion(clause, K.IN_PARK, park=city)
    criterion(clause, K.MIN_HEADCOUNT, number=Decimal("20"))
    other = PolicyClauseFactory(policy=policy, number=2)
    criterion(other, K.MIN_INVESTMENT, number=Decimal("10000"))
    criterion(other, K.QUALIFICATION, choice=Q.HIGH_TECH)
    enterprises = [
        EnterpriseFactory(park=xike, headcount=85), EnterpriseFactory(park=elsewhere, headcount=85),
        EnterpriseFactory(park=xike, headcount=5), EnterpriseFactory(park=None, headcount=None),
    ]
    ProjectFactory(enterprise=enterprises[0], name="甲项目", total_investment=Decimal("12000"))
    ProjectFactory(enterprise=enterprises[1], name="乙项目", total_investment=Decimal("12000"))
    _qualify(enterprises[1], Q.HIGH_TECH)

    batch = enterprises_policy_matches(today=TODAY)

    def shape(matches):
        return [(m.clause.pk, m.verdict, [(c.outcome, c.reason) for c in m.criteria]) for m in matches]

    for enterprise in enterprises:
        assert shape(batch[enterprise.pk]) == shape(enterprise_policy_matches(enterprise=enterprise, today=TODAY))
    # The daily job reads them 3 at a time against one prepared matcher: the same matches, chunk by chunk.
    with django_assert_num_queries(1 + 3 + 3 * 2):  # ids; clauses, criteria, parks; 2 chunks of 3 queries
        chunks = list(enterprises_policy_matches_in_chunks(today=TODAY, size=3))
    assert [sorted(chunk) for chunk in chunks] == [sorted(e.pk for e in enterprises)[:3], sorted(e.pk for e in enterprises)[3:]]
    for chunk in chunks:
        for pk, found in chunk.items():
            assert shape(found) == shape(batch[pk])
    assert [c.reason for c in batch[enterprises[1].pk][0].criteria if c.kind == K.MIN_INVESTMENT] == [
        "总投资 12,000 万元 ≥ 要求 10,000 万元（项目：乙项目）"
    ]


def test_a_batch_pauses_the_cycle_collector_and_restores_it_as_it_was():
    import gc

    from parks.matching import without_cycle_collector

    assert gc.isenabled()
    with without_cycle_collector():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with without_cycle_collector():
            pass
        assert not gc.isenabled()  # someone else's pause is theirs to end
    finally:
        gc.enable()
