"""The online application's reminders, through the reminder sweep: a window closing in 7 days reaches the users
of each eligible enterprise that has not applied, once; an application waiting 3 days for review reaches the
service desk, once — and again after an appeal."""

import datetime as dt
from decimal import Decimal

import pytest

from crm.models import Notification, ReminderRule
from parks.models import EligibilityCriterion
from parks.reminders import POLICY_APPLICATION_WAITING, POLICY_WINDOW_CLOSING
from parks.services.applications import (
    policy_application_appeal,
    policy_application_refuse,
    policy_application_submit,
)
from tests.factories import (
    EnterpriseFactory,
    PolicyClauseFactory,
    PolicyFactory,
    ServiceCategoryFactory,
    criterion,
    enterprise_user,
    service_officer,
)
from tests.parks.test_reminders import at, rows, sweep

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    ReminderRule.objects.exclude(code__in=[POLICY_WINDOW_CLOSING, POLICY_APPLICATION_WAITING]).update(enabled=False)
    ReminderRule.objects.update(send_webhook=False)
    ServiceCategoryFactory(code="policy_redemption", name="政策兑现", sla_unit="working_days", sla_value=15)
    clause = PolicyClauseFactory(
        policy=PolicyFactory(name="紫金十条", short_name="紫金十条"), number=7, title="人才安家补贴",
        benefit_kind="talent_subsidy", application_opens_on=dt.date(2026, 12, 1),
        application_closes_on=dt.date(2027, 1, 11),
    )
    criterion(clause, EligibilityCriterion.Kind.MIN_HEADCOUNT, number=Decimal("20"))
    xihu = EnterpriseFactory(short_name="西湖阳光", headcount=80)
    kecong = EnterpriseFactory(short_name="科聪控制", headcount=90)
    small = EnterpriseFactory(short_name="小微企业", headcount=5)
    return {
        "clause": clause, "xihu": xihu, "kecong": kecong,
        "chen": enterprise_user(xihu, username="chen"), "yang": enterprise_user(kecong, username="yang"),
        "tiny": enterprise_user(small, username="tiny"), "desk": service_officer(username="desk"),
    }


def test_eligible_enterprises_that_have_not_applied_are_told_once_7_days_before_the_window_closes(world):
    w = world
    policy_application_submit(clause=w["clause"], enterprise=w["kecong"], applied_amount=Decimal("10"),
                              documents={}, actor=w["yang"], at=at(2027, 1, 3, 9, 0))
    ReminderRule.objects.filter(code=POLICY_APPLICATION_WAITING).update(enabled=False)
    assert sweep(at(2027, 1, 3, 23, 55)).created == []

    result = sweep(at(2027, 1, 4, 0, 5))

    key = f"policy:{w['clause'].pk}:window_closing:enterprise:{w['xihu'].pk}"
    assert {(k, user) for k, user, _channel in rows(result)} == {(key, "chen")}  # not 科聪 (applied), not 小微 (5 < 20)
    assert result.created[0].subject == "网上申报将于 2027-01-11 截止（还有 7 天）：紫金十条 第 7 条「人才安家补贴」"
    assert sweep(at(2027, 1, 5, 0, 5), last=at(2027, 1, 3, 0, 0)).created == []  # told once


def test_an_application_waiting_3_days_reaches_the_desk_once_and_again_after_an_appeal(world):
    w = world
    ReminderRule.objects.filter(code=POLICY_WINDOW_CLOSING).update(enabled=False)
    application = policy_application_submit(clause=w["clause"], enterprise=w["xihu"], applied_amount=Decimal("10"),
                                            documents={}, actor=w["chen"], at=at(2026, 12, 20, 10, 0))
    assert sweep(at(2026, 12, 23, 9, 55)).created == []

    result = sweep(at(2026, 12, 23, 10, 5))

    key = f"policy_application:{application.pk}:waiting:submitted"
    assert {(k, user) for k, user, _channel in rows(result)} == {(key, "desk")}
    assert result.created[0].subject == "政策申报待审核：西湖阳光 · 紫金十条 第7条 人才安家补贴"
    assert sweep(at(2026, 12, 24, 10, 5), last=at(2026, 12, 22, 0, 0)).created == []

    # Refused, appealed: waiting again, reminded again 3 days after the appeal, to the officer who refused it.
    policy_application_refuse(application=application, reason="材料不全", actor=w["desk"], at=at(2026, 12, 26, 9, 0))
    policy_application_appeal(application=application, reason="请复核", actor=w["chen"], at=at(2026, 12, 27, 9, 0))
    result = sweep(at(2026, 12, 30, 9, 5))
    assert rows(result) == {(f"policy_application:{application.pk}:waiting:appealed", "desk", "in_app")}
    assert Notification.objects.filter(key__startswith="policy_application:").count() == 2
