"""在园企业久未走访: an in-park enterprise not visited for 90 days (30 for 重点企业) is told to its 包联干部, once per
lapse; a visit restarts the clock; the periods are the rule row's, edited in the admin."""

import datetime as dt

import pytest
import time_machine

from crm.models import Enterprise, Notification, ReminderRule
from crm.visits.services import enterprise_assign_responsible, visit_record
from tests.factories import EnterpriseFactory, service_officer

from .helpers import at, rows

pytestmark = pytest.mark.django_db
Code = ReminderRule.Code


@pytest.fixture
def xu(db):
    """The 包联干部 of the enterprises below."""
    return service_officer(username="xu", display_name="徐包联", email="xu@zjg.example.cn")


REGISTERED = at(2026, 1, 5, 10, 0)


def in_charge(xu, *, is_key=False, created=REGISTERED, **kwargs):
    with time_machine.travel(created, tick=False):
        enterprise = EnterpriseFactory(**kwargs)
    return enterprise_assign_responsible(enterprise=enterprise, actor=xu, officer=xu, is_key=is_key)


def visit(enterprise, xu, day):
    return visit_record(enterprise=enterprise, visited_on=day, topics="了解用工和订单情况。", recorded_by=xu)


def test_an_enterprise_not_visited_for_90_days_goes_to_its_officer_once(xu, sweep):
    enterprise = in_charge(xu)
    visit(enterprise, xu, dt.date(2026, 8, 3))  # due on 2026-11-01

    assert sweep(at(2026, 10, 31, 23, 59)).created == []
    created = sweep(at(2026, 11, 1, 0, 5)).created
    key = f"enterprise:{enterprise.pk}:not_visited:2026-08-03"
    assert rows(created) == {(key, "xu", "in_app"), (key, "xu", "email")}
    assert created[0].subject == f"企业“{enterprise}”已 90 天未走访"
    # Sent once: later sweeps, a day or a month on, find the same lapse and write nothing.
    assert sweep(at(2026, 11, 2, 9, 0)).created == []
    assert sweep(at(2026, 12, 1, 9, 0)).created == []
    assert Notification.objects.filter(key=key).count() == 2


def test_an_enterprise_visited_in_time_is_not_reminded_and_a_second_lapse_is(xu, sweep):
    enterprise = in_charge(xu)
    visit(enterprise, xu, dt.date(2026, 8, 3))
    visit(enterprise, xu, dt.date(2026, 10, 20))  # before the 90 days ran out

    assert sweep(at(2026, 11, 1, 9, 0)).created == []
    assert sweep(at(2027, 1, 17, 23, 0)).created == []
    keys = {n.key for n in sweep(at(2027, 1, 18, 8, 0)).created}
    assert keys == {f"enterprise:{enterprise.pk}:not_visited:2026-10-20"}


def test_a_key_enterprise_is_due_after_30_days(xu, sweep):
    key_one = in_charge(xu, is_key=True)
    ordinary = in_charge(xu)
    for enterprise in (key_one, ordinary):
        visit(enterprise, xu, dt.date(2026, 10, 1))

    assert sweep(at(2026, 10, 30, 23, 59)).created == []
    assert {n.key for n in sweep(at(2026, 10, 31, 8, 0)).created} == {
        f"enterprise:{key_one.pk}:not_visited:2026-10-01"
    }


def test_the_periods_are_the_rule_rows(xu, sweep):
    ReminderRule.objects.filter(code=Code.ENTERPRISE_NOT_VISITED).update(days=60, key_project_days=20)
    enterprise = in_charge(xu)
    visit(enterprise, xu, dt.date(2026, 10, 1))

    assert sweep(at(2026, 11, 29, 23, 0)).created == []
    assert {n.key for n in sweep(at(2026, 11, 30, 8, 0)).created} == {
        f"enterprise:{enterprise.pk}:not_visited:2026-10-01"
    }


def test_an_enterprise_never_visited_counts_from_its_registration_even_long_before_the_catch_up_window(xu, sweep):
    enterprise = in_charge(xu, created=at(2025, 3, 1, 10, 0))

    created = sweep(at(2026, 11, 3, 9, 0)).created
    assert {n.key for n in created} == {f"enterprise:{enterprise.pk}:not_visited:2025-03-01"}
    assert "最近走访：未走访" in created[0].body


def test_enterprises_not_in_the_park_or_without_an_officer_are_not_chased(xu, sweep):
    in_charge(xu, status=Enterprise.Status.PROSPECT)
    in_charge(xu, status=Enterprise.Status.LEFT)
    with time_machine.travel(at(2026, 1, 5, 10, 0), tick=False):
        EnterpriseFactory()  # in the park, nobody in charge

    assert sweep(at(2026, 11, 3, 9, 0)).created == []


def test_a_disabled_rule_sends_nothing(xu, sweep):
    ReminderRule.objects.filter(code=Code.ENTERPRISE_NOT_VISITED).update(enabled=False)
    in_charge(xu)

    assert sweep(at(2026, 11, 3, 9, 0)).created == []
