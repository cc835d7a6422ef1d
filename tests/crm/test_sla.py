"""Due times: calendar hours for the work permit, Chinese working days (holidays off, 调休 on) for the rest."""

import datetime as dt
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest

from crm.models import CalendarDay, ServiceCategory
from crm.service_requests.services import service_request_submit, service_request_transition
from crm.service_requests.sla import compute_due_at
from tests.factories import EnterpriseFactory, ServiceCategoryFactory, enterprise_user, service_officer

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


def at(*args):
    return dt.datetime(*args, tzinfo=SH)


def working_days(n, **kwargs):
    return ServiceCategoryFactory(code=f"wd{n}", name=f"{n} 个工作日", sla_unit="working_days", sla_value=n, **kwargs)


@pytest.fixture
def calendar_known_until_2026(monkeypatch):
    """chinesecalendar as if its data stopped at 2026, as the pinned release does: 2027 stays a year nobody knows
    when a later release learns it.

    The SLA clock takes a year for unknown when ``chinese_calendar.is_workday`` raises ``NotImplementedError``, the
    library's answer for a year outside its data; up to 2026 the library answers as it is.
    """
    library_is_workday = chinese_calendar.is_workday

    def is_workday(day):
        if day.year > 2026:
            raise NotImplementedError(f"no available data for year {day.year}")
        return library_is_workday(day)

    monkeypatch.setattr(chinese_calendar, "is_workday", is_workday)


def test_work_permit_is_due_24_hours_after_submission_even_on_a_holiday():
    category = ServiceCategoryFactory(code="work_permit", sla_unit="calendar_hours", sla_value=24)
    due = compute_due_at(category=category, submitted_at=at(2026, 9, 30, 18, 0))
    assert due.due_at == at(2026, 10, 1, 18, 0)
    assert due.warnings == []


def test_business_registration_submitted_on_friday_skips_the_weekend():
    # Fri 2026-11-20 → Mon 23, Tue 24, Wed 25: due at the end of Wednesday.
    due = compute_due_at(category=working_days(3), submitted_at=at(2026, 11, 20, 10, 0))
    assert due.due_at == at(2026, 11, 26, 0, 0)


def test_a_weekend_make_up_day_counts_as_a_working_day():
    # Sat 2026-10-10 is a 调休 working day after National Day.
    due = compute_due_at(category=working_days(1), submitted_at=at(2026, 10, 9, 16, 0))
    assert due.due_at == at(2026, 10, 11, 0, 0)


def test_a_request_submitted_on_the_eve_of_national_day_is_not_due_during_the_holiday():
    # 2026-10-01..07 off; working days after: Thu 8, Fri 9, Sat 10 (调休), Mon 12, Tue 13.
    due = compute_due_at(category=working_days(5), submitted_at=at(2026, 9, 30, 17, 30))
    assert due.due_at == at(2026, 10, 14, 0, 0)


def test_admin_entered_holiday_overrides_the_library():
    CalendarDay.objects.create(date=dt.date(2026, 11, 23), is_working_day=False, name="园区停电检修（测试）")
    due = compute_due_at(category=working_days(3), submitted_at=at(2026, 11, 20, 10, 0))
    assert due.due_at == at(2026, 11, 27, 0, 0)


def test_a_year_nobody_knows_falls_back_to_monday_to_friday_with_a_warning_for_staff(calendar_known_until_2026):
    # The library stops at 2026; Thu 2027-02-11 + 3 → Fri 12, Mon 15, Tue 16.
    due = compute_due_at(category=working_days(3), submitted_at=at(2027, 2, 11, 9, 0))
    assert due.due_at == at(2027, 2, 17, 0, 0)
    assert due.warnings == ["2027 年的法定节假日安排尚未录入，已按周一至周五计算工作日；请在“节假日调整”中录入。"]


def test_holidays_entered_for_a_new_year_are_used_without_warning_for_those_days(calendar_known_until_2026):
    for day in (12, 15, 16):
        CalendarDay.objects.create(date=dt.date(2027, 2, day), is_working_day=False, name="春节")
    CalendarDay.objects.create(date=dt.date(2027, 2, 14), is_working_day=True, name="春节调休补班")
    due = compute_due_at(category=working_days(2), submitted_at=at(2027, 2, 11, 9, 0))
    # Fri 12 off, Sat 13 weekend, Sun 14 make-up (on), Mon 15 off, Tue 16 off, Wed 17 on.
    assert due.due_at == at(2027, 2, 18, 0, 0)


def test_submitting_in_an_unknown_year_succeeds_for_the_enterprise(calendar_known_until_2026):
    enterprise = EnterpriseFactory()
    request, warnings = service_request_submit(
        enterprise=enterprise, category=working_days(5), title="人才房申请", submitted_by=enterprise_user(enterprise),
        at=at(2027, 3, 1, 9, 0),
    )
    assert request.pk is not None
    assert len(warnings) == 1


def test_waiting_on_an_external_authority_pauses_the_clock_when_the_category_says_so():
    category = working_days(10, pause_while_waiting_external=True)
    enterprise = EnterpriseFactory()
    officer = service_officer()
    request, _ = service_request_submit(
        enterprise=enterprise, category=category, title="规划许可", submitted_by=enterprise_user(enterprise),
        at=at(2026, 11, 2, 9, 0),
    )
    original_due = request.due_at
    service_request_transition(service_request=request, action="accept", actor=officer, at=at(2026, 11, 2, 10, 0))
    service_request_transition(service_request=request, action="wait_external", actor=officer, at=at(2026, 11, 3, 10, 0))
    request = service_request_transition(service_request=request, action="start", actor=officer, at=at(2026, 11, 5, 16, 0))
    assert request.paused_seconds == 2 * 86400 + 6 * 3600
    assert request.due_at == original_due + dt.timedelta(days=2, hours=6)


def test_without_pausing_the_clock_runs_while_waiting():
    category = working_days(10)
    assert category.pause_while_waiting_external is False
    enterprise = EnterpriseFactory()
    officer = service_officer()
    request, _ = service_request_submit(
        enterprise=enterprise, category=category, title="x", submitted_by=enterprise_user(enterprise), at=at(2026, 11, 2, 9)
    )
    due = request.due_at
    service_request_transition(service_request=request, action="accept", actor=officer, at=at(2026, 11, 2, 10))
    service_request_transition(service_request=request, action="wait_external", actor=officer, at=at(2026, 11, 3, 10))
    request = service_request_transition(service_request=request, action="start", actor=officer, at=at(2026, 11, 5, 10))
    assert (request.due_at, request.paused_seconds) == (due, 0)
    assert ServiceCategory.objects.count() == 1
