"""Approval-step templates per category (issue 14, part 5): the steps a request gets when it is accepted.

Each template step is due a number of hours, or of Chinese working days (the SLA's calendar, holidays and 调休
included), after the acceptance; the steps are then edited per request through the approval-step services.
"""

import datetime as dt

import pytest
from django.utils import timezone

from crm.errors import DomainError
from crm.models import ApprovalStep, ApprovalStepTemplate, CalendarDay, ServiceRequestTransition
from crm.service_requests.approval_steps import approval_step_change, approval_step_complete, approval_step_plan
from crm.service_requests.services import service_request_transition
from tests.crm.test_category_forms import admin_post
from tests.factories import EnterpriseFactory, ServiceCategoryFactory, service_officer, service_request

pytestmark = pytest.mark.django_db


def at(*args) -> dt.datetime:
    return timezone.make_aware(dt.datetime(*args))


def _accept(request, officer, when):
    return service_request_transition(service_request=request, action="accept", actor=officer, at=when)


def test_accepting_a_work_permit_plans_its_four_steps_hours_after_the_acceptance():
    category = ServiceCategoryFactory(step_templates=True)
    request = service_request(enterprise=EnterpriseFactory(), category=category, at=at(2026, 6, 1, 9))
    officer = service_officer()

    _accept(request, officer, at(2026, 6, 1, 10))

    steps = list(ApprovalStep.objects.filter(request=request).order_by("sequence"))
    assert [(s.sequence, s.name, timezone.localtime(s.due_at)) for s in steps] == [
        (1, "材料审核", at(2026, 6, 1, 12)),
        (2, "网上申报", at(2026, 6, 1, 14)),
        (3, "外专局审批", at(2026, 6, 2, 6)),
        (4, "发证", at(2026, 6, 2, 10)),
    ]
    assert steps[2].authority == "杭州市科学技术局（外国专家局）"
    plans = ServiceRequestTransition.objects.filter(request=request, action="step_plan").order_by("id")
    assert [t.actor for t in plans] == [officer] * 4
    assert plans[0].note == "按类别模板安排审批环节“1. 材料审核”（企业服务驿站），应完成时间 2026-06-01 12:00"


def test_working_day_offsets_skip_a_holiday_and_hours_do_not():
    category = ServiceCategoryFactory(code="talent_housing", name="人才房", sla_unit="working_days", sla_value=5)
    ApprovalStepTemplate.objects.create(category=category, sequence=1, name="资格初审", offset_value=24,
                                        offset_unit="hours")
    ApprovalStepTemplate.objects.create(category=category, sequence=2, name="配租", authority="住房保障中心",
                                        offset_value=2, offset_unit="working_days")
    # 劳动节 2026: 1–5 May off (whatever the chinesecalendar package says, these rows decide).
    for day in range(1, 6):
        CalendarDay.objects.create(date=dt.date(2026, 5, day), is_working_day=False, name="劳动节")
    details = {"applicant_name": "刘工", "household_size": 3}
    request = service_request(enterprise=EnterpriseFactory(), category=category, details=details, at=at(2026, 4, 30, 9))

    _accept(request, service_officer(), at(2026, 4, 30, 10))  # a Thursday

    due = {s.name: timezone.localtime(s.due_at) for s in ApprovalStep.objects.filter(request=request)}
    assert due == {
        "资格初审": at(2026, 5, 1, 10),  # calendar hours run through the holiday
        "配租": at(2026, 5, 8),  # the end of Thursday 7 May: Wednesday 6th and Thursday 7th are the two working days
    }


def test_steps_from_a_template_are_still_changed_and_completed_through_the_step_services():
    category = ServiceCategoryFactory(step_templates=True)
    request = service_request(enterprise=EnterpriseFactory(), category=category, at=at(2026, 6, 1, 9))
    officer = service_officer()
    _accept(request, officer, at(2026, 6, 1, 10))
    first, second = ApprovalStep.objects.filter(request=request).order_by("sequence")[:2]

    approval_step_change(step=second, due_at=at(2026, 6, 1, 18), authority="驿站代办", actor=officer,
                         at=at(2026, 6, 1, 10, 30))
    approval_step_complete(step=first, actor=officer, at=at(2026, 6, 1, 11))
    extra = approval_step_plan(service_request=request, name="领证", due_at=at(2026, 6, 3, 12), actor=officer,
                               at=at(2026, 6, 1, 12))

    second.refresh_from_db()
    first.refresh_from_db()
    assert (second.authority, timezone.localtime(second.due_at)) == ("驿站代办", at(2026, 6, 1, 18))
    assert first.completed_at == at(2026, 6, 1, 11)
    assert extra.sequence == 5
    assert list(ServiceRequestTransition.objects.filter(request=request).values_list("action", flat=True)) == [
        "submit", "accept", *["step_plan"] * 4, "step_change", "step_complete", "step_plan",
    ]


def test_steps_planned_by_hand_before_the_acceptance_are_kept_and_no_template_is_added():
    category = ServiceCategoryFactory(step_templates=True)
    request = service_request(enterprise=EnterpriseFactory(), category=category, at=at(2026, 6, 1, 9))
    officer = service_officer()
    approval_step_plan(service_request=request, name="预审", due_at=at(2026, 6, 1, 15), actor=officer)

    _accept(request, officer, at(2026, 6, 1, 10))

    assert list(ApprovalStep.objects.filter(request=request).values_list("name", flat=True)) == ["预审"]


def test_a_refused_acceptance_plans_no_step():
    category = ServiceCategoryFactory(step_templates=True)
    request = service_request(enterprise=EnterpriseFactory(), category=category)

    with pytest.raises(DomainError):
        _accept(request, request.submitted_by, timezone.now())  # the enterprise may not accept its own request

    assert not ApprovalStep.objects.filter(request=request).exists()
    assert list(ServiceRequestTransition.objects.filter(request=request).values_list("action", flat=True)) == ["submit"]


def test_a_step_template_added_in_the_admin_is_planned_on_the_next_acceptance(client, root):
    category = ServiceCategoryFactory(code="policy_redemption", name="政策兑现", sla_unit="working_days", sla_value=15)
    client.force_login(root)

    response = admin_post(client, category, fields=[], steps=[
        {"sequence": 1, "name": "专项审计", "authority": "财政局", "offset_value": 10, "offset_unit": "working_days"},
    ])

    assert response.status_code == 302
    request = service_request(enterprise=EnterpriseFactory(), category=category, at=at(2026, 6, 1, 9))
    _accept(request, service_officer(), at(2026, 6, 1, 10))  # Monday: ten working days end on Monday 15 June
    step = ApprovalStep.objects.get(request=request)
    assert (step.name, step.authority, timezone.localtime(step.due_at)) == ("专项审计", "财政局", at(2026, 6, 16))
