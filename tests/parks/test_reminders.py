"""The parks' reminder rules, run by the reminder sweep of crm: 60 days before rent-free ends, before a
landing milestone's planned date, the day after one is missed, and the daily 新的可申请政策 — each sent once.

The rules are registered by crm (ReminderRule codes, migration crm.0006): these tests use the rows the
migration made, with their default thresholds and groups.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from crm.models import EnterpriseQualification, Milestone, Notification, ProjectMilestone, ReminderRule, Stage
from crm.notifications.rules import registered_rules
from crm.notifications.sweep import reminders_sweep
from crm.pipeline.services import project_change_stage
from parks.models import EligibilityCriterion, Space
from parks.reminders import (
    GRANT_CONFIRMED,
    INSTALMENT_CHANGED,
    POLICY_APPLICATION_WAITING,
    POLICY_ELIGIBLE,
    POLICY_WINDOW_CLOSING,
    RULES,
    SPACE_RENT_FREE_ENDING,
)
from parks.services.grants import policy_grant_record
from tests.factories import (
    EnterpriseFactory,
    PolicyClauseFactory,
    PolicyFactory,
    SpaceFactory,
    criterion,
    enterprise_user,
    manager,
    project_at,
    service_officer,
)

pytestmark = pytest.mark.django_db
# The landing milestones' rules belong to the pipeline (crm.pipeline.reminders); they are tested here beside
# the parks' rules because they read the landing commitments the parks' screens edit.
MILESTONE_DUE_SOON = ReminderRule.Code.MILESTONE_DUE_SOON
MILESTONE_MISSED = ReminderRule.Code.MILESTONE_MISSED
PARK_AND_MILESTONE_CODES = [*RULES, MILESTONE_DUE_SOON, MILESTONE_MISSED]
SH = ZoneInfo("Asia/Shanghai")


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SH)


@pytest.fixture
def parks_rules(db):
    """The four rules as the migrations made them; crm's other rules are tested in tests/reminders."""
    ReminderRule.objects.exclude(code__in=PARK_AND_MILESTONE_CODES).update(enabled=False)
    ReminderRule.objects.update(send_webhook=False)
    return {rule.code: rule for rule in ReminderRule.objects.filter(code__in=PARK_AND_MILESTONE_CODES)}


def test_the_migrations_register_the_parks_rules_with_their_defaults(parks_rules):
    assert {code: (rule.enabled, rule.days, rule.notify_responsible, sorted(g.name for g in rule.recipient_groups.all()))
            for code, rule in parks_rules.items()} == {
        SPACE_RENT_FREE_ENDING: (True, 60, True, ["service_officer"]),
        MILESTONE_DUE_SOON: (True, 30, True, []),
        MILESTONE_MISSED: (True, None, True, ["manager"]),
        POLICY_ELIGIBLE: (True, None, True, []),
        POLICY_WINDOW_CLOSING: (True, 7, True, []),
        POLICY_APPLICATION_WAITING: (True, 3, True, ["service_officer"]),
        GRANT_CONFIRMED: (True, None, True, []),
        INSTALMENT_CHANGED: (True, None, False, ["service_officer"]),
    }
    assert parks_rules[POLICY_ELIGIBLE].send_at == dt.time(7, 30)
    # Spaces and policies registered by parks, milestones by crm's pipeline; swept in ReminderRule.Code order.
    assert [r.code for r in registered_rules(app_label="parks")] == [
        SPACE_RENT_FREE_ENDING, POLICY_ELIGIBLE, POLICY_WINDOW_CLOSING, POLICY_APPLICATION_WAITING, GRANT_CONFIRMED,
        INSTALMENT_CHANGED,
    ]
    assert {r.code for r in registered_rules(app_label="crm")} >= {MILESTONE_DUE_SOON, MILESTONE_MISSED}


def sweep(now, *, last=None):
    """One sweep at ``now``; the previous one ran at ``last`` (five minutes before by default)."""
    ReminderRule.objects.update(last_swept_at=last or now - dt.timedelta(minutes=5))
    return reminders_sweep(now=now, deliver=lambda pk: None)


def rows(result) -> set[tuple[str, str, str]]:
    return {(n.key, n.recipient.username, n.channel) for n in result.created}


# ---- 60 days before rent-free ends -------------------------------------------------------------------


@pytest.fixture
def kecong_unit(db):
    kecong = EnterpriseFactory(short_name="科聪控制")
    enterprise_user(kecong, username="yang", email="yang@kecong.example.cn")
    return SpaceFactory(building="西科园 3 号厂房", unit="智造中心（1—2 层）", status=Space.Status.OCCUPIED,
                        occupant=kecong, lease_start=dt.date(2024, 3, 1), rent_free_months=36)


def test_the_occupant_and_the_service_desk_are_told_60_days_before_rent_free_ends(parks_rules, kecong_unit):
    service_officer(username="desk")
    key = f"space:{kecong_unit.pk}:rent_free_end:2027-03-01"

    assert sweep(at(2026, 12, 30, 23, 55)).created == []
    result = sweep(at(2026, 12, 31, 0, 5))

    assert rows(result) == {(key, "yang", "in_app"), (key, "yang", "email"), (key, "desk", "in_app")}
    assert result.created[0].subject == f"{kecong_unit.park} 西科园 3 号厂房 智造中心（1—2 层） 的免租期将于 2027-03-01 届满（还有 60 天）：科聪控制"
    assert sweep(at(2026, 12, 31, 9, 0), last=at(2026, 12, 30, 0, 0)).created == []  # sent once


def test_a_sweep_after_an_outage_still_sends_the_rent_free_reminder_once(parks_rules, kecong_unit):
    result = sweep(at(2027, 1, 2, 9, 0), last=at(2026, 12, 29, 9, 0))

    assert {n.key for n in result.created} == {f"space:{kecong_unit.pk}:rent_free_end:2027-03-01"}


def test_an_admin_can_move_the_rent_free_reminder_to_90_days(parks_rules, kecong_unit):
    ReminderRule.objects.filter(code=SPACE_RENT_FREE_ENDING).update(days=90)

    assert {n.key for n in sweep(at(2026, 12, 1, 0, 5)).created} == {f"space:{kecong_unit.pk}:rent_free_end:2027-03-01"}


# ---- landing milestones ------------------------------------------------------------------------------


@pytest.fixture
def signed_project(db):
    return project_at(Stage.SIGNED, name="羲和光电显示模组产线项目", owner=None)


def _milestone(project, planned, kind=Milestone.CONSTRUCTION_START, actual=None):
    return ProjectMilestone.objects.create(project=project, kind=kind, planned_on=planned, actual_on=actual)


def test_the_owner_is_reminded_once_when_a_milestone_is_due_within_30_days(parks_rules, signed_project):
    milestone = _milestone(signed_project, dt.date(2027, 1, 30))
    key = f"milestone:{milestone.pk}:due_soon:2027-01-30"
    owner = signed_project.owner.username

    assert sweep(at(2026, 12, 30, 9, 0)).created == []
    result = sweep(at(2026, 12, 31, 9, 0))

    assert rows(result) == {(key, owner, "in_app")}
    assert result.created[0].subject == "项目“羲和光电显示模组产线项目”开工计划于 2027-01-30 完成（还有 30 天）"
    assert sweep(at(2027, 1, 5, 9, 0)).created == []


def test_a_milestone_planned_at_short_notice_is_reminded_at_the_next_sweep(parks_rules, signed_project):
    milestone = _milestone(signed_project, dt.date(2027, 1, 8))

    assert {n.key for n in sweep(at(2027, 1, 1, 10, 0)).created} == {f"milestone:{milestone.pk}:due_soon:2027-01-08"}


def test_a_re_planned_milestone_is_reminded_again_for_its_new_date(parks_rules, signed_project):
    milestone = _milestone(signed_project, dt.date(2027, 1, 20))
    sweep(at(2027, 1, 1, 10, 0))
    ProjectMilestone.objects.filter(pk=milestone.pk).update(planned_on=dt.date(2027, 1, 25))

    assert {n.key for n in sweep(at(2027, 1, 2, 10, 0)).created} == {f"milestone:{milestone.pk}:due_soon:2027-01-25"}


def test_a_missed_milestone_goes_to_the_owner_and_leadership_the_morning_after(parks_rules, signed_project):
    manager(username="leader")
    milestone = _milestone(signed_project, dt.date(2026, 12, 31), kind=Milestone.LAND_DELIVERY)
    _milestone(signed_project, dt.date(2026, 12, 31), kind=Milestone.CONSTRUCTION_START, actual=dt.date(2026, 12, 30))
    key = f"milestone:{milestone.pk}:missed:2026-12-31"
    ReminderRule.objects.filter(code=MILESTONE_DUE_SOON).update(enabled=False)

    assert sweep(at(2026, 12, 31, 23, 55)).created == []
    result = sweep(at(2027, 1, 1, 0, 5))

    assert rows(result) == {(key, signed_project.owner.username, "in_app"), (key, "leader", "in_app")}
    assert result.created[0].subject == "【逾期】项目“羲和光电显示模组产线项目”交地计划 2026-12-31，至今未完成"
    assert sweep(at(2027, 1, 2, 0, 5)).created == []


def test_a_lost_project_has_no_milestone_reminders(parks_rules, signed_project):
    _milestone(signed_project, dt.date(2026, 12, 31))
    project_change_stage(project=signed_project, to=Stage.LOST, actor=signed_project.owner, note="企业放弃")

    assert sweep(at(2027, 1, 1, 0, 5)).created == []
    assert ReminderRule.objects.filter(code=MILESTONE_MISSED).exists()


# ---- 新的可申请政策: the daily match ------------------------------------------------------------------


@pytest.fixture
def policy_world(db):
    """紫金十条 with a clause for 高新技术企业 (criterion), a clause for ≥ 100 staff, and a draft policy's clause;
    two enterprises with a user each: 西湖阳光 (高新, 300 staff) and 科聪控制 (80 staff, no qualification)."""
    ten = PolicyFactory(name="信创“紫金十条”", short_name="紫金十条")
    hi_tech = PolicyClauseFactory(policy=ten, number=3, title="高新技术企业认定奖励", amount_cap=50)
    criterion(hi_tech, EligibilityCriterion.Kind.QUALIFICATION, choice="high_tech")
    staff = PolicyClauseFactory(policy=ten, number=7, title="人才引育补助")
    criterion(staff, EligibilityCriterion.Kind.MIN_HEADCOUNT, number=100)
    draft = PolicyClauseFactory(policy=PolicyFactory(name="草稿政策", is_published=False), title="未发布条款")
    xihu = EnterpriseFactory(short_name="西湖阳光", headcount=300)
    EnterpriseQualification.objects.create(enterprise=xihu, kind="high_tech", awarded_on=dt.date(2025, 6, 1))
    kecong = EnterpriseFactory(short_name="科聪控制", headcount=80)
    return {
        "hi_tech": hi_tech, "staff": staff, "draft": draft, "xihu": xihu, "kecong": kecong,
        "chen": enterprise_user(xihu, username="chen", email="chen@xihu.example.cn"),
        "yang": enterprise_user(kecong, username="yang", email=""),
    }


def test_each_enterprise_is_told_once_of_the_clauses_it_is_eligible_for_and_of_no_other(parks_rules, policy_world):
    w = policy_world
    EnterpriseFactory(short_name="没有用户的企业", headcount=500)  # nobody to tell: not matched at all
    keys = {f"policy:{w[c].pk}:eligible:enterprise:{w['xihu'].pk}" for c in ("hi_tech", "staff")}

    assert sweep(at(2027, 1, 4, 7, 25)).created == []
    result = sweep(at(2027, 1, 4, 7, 30))

    assert rows(result) == {(key, "chen", channel) for key in keys for channel in ("in_app", "email")}
    subjects = {n.subject for n in result.created}
    assert subjects == {"可申请政策：紫金十条 第 3 条「高新技术企业认定奖励」（西湖阳光）",
                        "可申请政策：紫金十条 第 7 条「人才引育补助」（西湖阳光）"}
    hi_tech = next(n for n in result.created if "第 3 条" in n.subject)
    assert hi_tech.body == (
        "企业：西湖阳光\n政策条款：紫金十条 第 3 条「高新技术企业认定奖励」\n符合条件：持有资质：高新技术企业\n"
        "支持额度：最高 50 万元\n查看并申请：http://127.0.0.1:8000/portal/policies/"
    )
    # 科聪控制 (80 < 100 staff, not 高新) and its user yang get nothing; the draft policy tells nobody.
    assert not Notification.objects.filter(recipient__username="yang").exists()
    assert sweep(at(2027, 1, 5, 7, 30)).created == []  # told once


def test_a_fact_that_changes_is_told_the_next_morning_not_before(parks_rules, policy_world, django_assert_max_num_queries):
    w = policy_world
    sweep(at(2027, 1, 4, 7, 30))
    w["kecong"].headcount = 120
    w["kecong"].save()

    # The sweeps after 07:30 do not match again (the batch runs once a day): a few queries, nothing new.
    with django_assert_max_num_queries(20):
        assert sweep(at(2027, 1, 4, 7, 35)).created == []
    assert sweep(at(2027, 1, 4, 18, 0)).created == []
    result = sweep(at(2027, 1, 5, 7, 30))

    assert rows(result) == {(f"policy:{w['staff'].pk}:eligible:enterprise:{w['kecong'].pk}", "yang", "in_app")}


def test_a_clause_the_enterprise_already_applied_for_is_not_pushed(parks_rules, policy_world):
    w = policy_world
    policy_grant_record(clause=w["hi_tech"], enterprise=w["xihu"], applied_amount=50, applied_on=dt.date(2026, 11, 1),
                        actor=service_officer())

    result = sweep(at(2027, 1, 4, 7, 30))

    assert {n.key for n in result.created} == {f"policy:{w['staff'].pk}:eligible:enterprise:{w['xihu'].pk}"}


def test_after_an_outage_the_match_runs_once_and_an_admin_moves_the_time(parks_rules, policy_world):
    ReminderRule.objects.filter(code=POLICY_ELIGIBLE).update(send_at=dt.time(9, 0))

    assert sweep(at(2027, 1, 4, 8, 55)).created == []
    assert len(sweep(at(2027, 1, 7, 10, 0), last=at(2027, 1, 2, 10, 0)).created) == 4  # 2 clauses × in-app + e-mail


def test_the_portal_notification_leads_to_the_enterprise_s_policy_page(client, parks_rules, policy_world):
    sweep(at(2027, 1, 4, 7, 30))
    client.force_login(policy_world["chen"])

    page = client.get("/portal/notifications/").content.decode()

    assert "可申请政策：紫金十条 第 3 条「高新技术企业认定奖励」（西湖阳光）" in page
    assert 'href="/portal/policies/"' in page


def test_an_enterprise_without_a_short_name_is_named_in_full(parks_rules, policy_world):
    w = policy_world
    w["xihu"].short_name = ""
    w["xihu"].save()

    subjects = {n.subject for n in sweep(at(2027, 1, 4, 7, 30)).created}

    assert "可申请政策：紫金十条 第 7 条「人才引育补助」（" + w["xihu"].name + "）" in subjects
