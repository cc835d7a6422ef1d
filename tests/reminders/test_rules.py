"""Every reminder rule just before, at and after its threshold, with the people each one reaches."""

import datetime as dt

import pytest
import time_machine
from django.core import mail

from crm.models import ApprovalStep, ReminderRule, Stage
from crm.pipeline.services import follow_up_create, project_change_stage
from crm.service_requests.approval_steps import approval_step_complete, approval_step_plan, approval_step_reopen
from crm.service_requests.services import service_request_transition
from tests.factories import ProjectFactory, officer

from .helpers import at, rows, swept_rows

pytestmark = pytest.mark.django_db
Code = ReminderRule.Code
T = at(2026, 11, 3, 9, 0)  # a Tuesday morning
SECOND = dt.timedelta(seconds=1)


# ---- a new request nobody takes -------------------------------------------------------------------


def test_a_request_still_unassigned_an_hour_after_submission_goes_to_every_service_desk_member(people, submit, sweep):
    request = submit(T)
    key = f"request:{request.pk}:unassigned:1h"
    announced = len(mail.outbox)  # 新诉求, on commit of the submission

    assert rows(sweep(T + dt.timedelta(minutes=59, seconds=59)).created) == set()
    created = sweep(T + dt.timedelta(hours=1)).created

    # desk2 has no e-mail address: in-app only. The officer and the head are service officers too.
    assert rows(created) == {
        (key, "desk", "in_app"), (key, "desk", "email"), (key, "desk2", "in_app"),
        (key, "wang", "in_app"), (key, "wang", "email"), (key, "head", "in_app"), (key, "head", "email"),
    }
    reminded = mail.outbox[announced:]
    assert sorted(m.to[0] for m in reminded) == ["desk@zjg.example.cn", "head@zjg.example.cn", "wang@zjg.example.cn"]
    assert {m.subject for m in reminded} == {f"诉求 #{request.pk} 提交已超过 1 小时仍无人受理：申请外籍专家工作许可"}


def test_a_request_accepted_within_the_hour_gets_no_unassigned_reminder(people, submit, sweep):
    submit(T, by=people["wang"])

    assert sweep(T + dt.timedelta(hours=2)).created == []


def test_an_admin_can_move_the_unassigned_threshold_to_two_hours(people, submit, sweep):
    ReminderRule.objects.filter(code=Code.REQUEST_UNASSIGNED).update(hours=2)
    request = submit(T)

    assert sweep(T + dt.timedelta(hours=1)).created == []
    assert sweep(T + dt.timedelta(hours=2) - SECOND).created == []
    assert {n.key for n in sweep(T + dt.timedelta(hours=2)).created} == {f"request:{request.pk}:unassigned:2h"}


def test_a_disabled_rule_sends_nothing(people, submit, sweep):
    ReminderRule.objects.filter(code=Code.REQUEST_UNASSIGNED).update(enabled=False)
    submit(T)

    assert sweep(T + dt.timedelta(hours=1)).created == []


# ---- the SLA clock: 50 %, 80 %, due, overdue, leadership ------------------------------------------


def test_half_and_four_fifths_of_a_24_hour_permit_go_to_the_assignee(people, submit, sweep):
    request = submit(T, by=people["wang"])
    half, four_fifths = T + dt.timedelta(hours=12), T + dt.timedelta(hours=19, minutes=12)
    announced = len(mail.outbox)  # 新诉求 to the desk and 已受理 to the submitter, on commit

    assert sweep(half - SECOND).created == []
    assert rows(sweep(half).created) == {
        (f"request:{request.pk}:sla:50", "wang", "in_app"), (f"request:{request.pk}:sla:50", "wang", "email"),
    }
    assert sweep(four_fifths - SECOND).created == []
    assert rows(sweep(four_fifths).created) == {
        (f"request:{request.pk}:sla:80", "wang", "in_app"), (f"request:{request.pk}:sla:80", "wang", "email"),
    }
    assert [m.subject for m in mail.outbox[announced:]] == [
        f"诉求 #{request.pk} 办理时限已用去 50%：申请外籍专家工作许可",
        f"诉求 #{request.pk} 办理时限已用去 80%：申请外籍专家工作许可",
    ]


def test_an_sla_reminder_found_late_is_still_sent_once(people, submit, sweep):
    request = submit(T, by=people["wang"])

    # The sweeps were down from before 50 % until after 80 %: both go out on the first sweep back.
    created = sweep(T + dt.timedelta(hours=20)).created

    assert {n.key for n in created} == {f"request:{request.pk}:sla:50", f"request:{request.pk}:sla:80"}


def test_the_due_time_goes_to_the_assignee_and_the_service_manager(people, submit, sweep):
    request = submit(T, by=people["wang"])
    due = request.due_at
    sweep(due - dt.timedelta(hours=1))  # 50 % and 80 %

    assert sweep(due - SECOND).created == []
    assert rows(sweep(due).created) == {
        (f"request:{request.pk}:due", "wang", "in_app"), (f"request:{request.pk}:due", "wang", "email"),
        (f"request:{request.pk}:due", "head", "in_app"), (f"request:{request.pk}:due", "head", "email"),
    }


def test_an_overdue_request_is_escalated_to_the_service_manager_and_a_day_later_to_leadership(people, submit, sweep):
    request = submit(T, by=people["wang"])
    due = request.due_at
    sweep(due - dt.timedelta(hours=1))  # 50 %, 80 %
    sweep(due)  # due

    assert sweep(due + dt.timedelta(hours=4) - SECOND).created == []
    assert rows(sweep(due + dt.timedelta(hours=4)).created) == {
        (f"request:{request.pk}:overdue", "head", "in_app"), (f"request:{request.pk}:overdue", "head", "email"),
    }
    assert sweep(due + dt.timedelta(hours=28) - SECOND).created == []
    assert rows(sweep(due + dt.timedelta(hours=28)).created) == {
        (f"request:{request.pk}:overdue_leadership", "leader", "in_app"),
        (f"request:{request.pk}:overdue_leadership", "leader", "email"),
    }
    # The whole chain, each step once, to the right people (besides the submission's 新诉求 and 已受理):
    assert sorted((key.split(":", 2)[2], who) for key, who, channel in swept_rows() if channel == "email") == [
        ("due", "head"), ("due", "wang"), ("overdue", "head"), ("overdue_leadership", "leader"),
        ("sla:50", "wang"), ("sla:80", "wang"),
    ]
    assert mail.outbox[-1].subject == f"【超期报领导】诉求 #{request.pk} 超期 28 小时未办结：申请外籍专家工作许可"


def test_a_request_resolved_before_its_due_time_is_not_escalated(people, submit, sweep):
    request = submit(T, by=people["wang"])
    service_request_transition(service_request=request, action="resolve", actor=people["wang"], at=T + dt.timedelta(hours=3))

    assert sweep(T + dt.timedelta(days=3)).created == []


def test_a_request_waiting_on_an_external_authority_with_a_paused_clock_is_not_reminded_until_it_resumes(
    people, submit, sweep, work_permit
):
    work_permit.pause_while_waiting_external = True
    work_permit.save()
    request = submit(T, by=people["wang"])
    service_request_transition(service_request=request, action="wait_external", actor=people["wang"], at=T + dt.timedelta(hours=2))

    assert sweep(T + dt.timedelta(hours=30)).created == []

    # Resumed after 48 h paused: the due time moved 48 h, and 50 % is now at T + 60 h.
    service_request_transition(service_request=request, action="start", actor=people["wang"], at=T + dt.timedelta(hours=50))
    assert sweep(T + dt.timedelta(hours=60) - SECOND).created == []
    assert {n.key for n in sweep(T + dt.timedelta(hours=60)).created} == {f"request:{request.pk}:sla:50"}


def test_a_working_day_request_submitted_before_national_day_is_reminded_on_working_days_only(
    people, submit, sweep, talent_housing
):
    # 5 working days from Wed 2026-09-30 17:30: Oct 1–7 off; Thu 8, Fri 9, Sat 10 (调休), Mon 12, Tue 13.
    request = submit(at(2026, 9, 30, 17, 30), category=talent_housing, by=people["wang"])
    assert request.due_at == at(2026, 10, 14, 0, 0)

    first_seen = {}
    moment = at(2026, 9, 30, 18, 0)
    while moment <= at(2026, 10, 15, 0, 0):  # a sweep every 6 hours through the holiday and after
        for n in sweep(moment).created:
            if n.key.startswith("request:"):
                first_seen.setdefault(n.key.split(":", 2)[2], moment)
        moment += dt.timedelta(hours=6)

    # 50 % = 2.5 of 5 working days left: noon of the make-up Saturday; 80 % = 1 day left: start of Tuesday;
    # overdue 4 hours after the due time, found by the 06:00 sweep. Nothing during the holiday.
    assert first_seen == {
        "sla:50": at(2026, 10, 10, 12, 0),
        "sla:80": at(2026, 10, 13, 0, 0),
        "due": at(2026, 10, 14, 0, 0),
        "overdue": at(2026, 10, 14, 6, 0),
    }


def test_a_working_day_threshold_is_exact_to_the_second(people, submit, sweep, talent_housing):
    request = submit(at(2026, 9, 30, 17, 30), category=talent_housing, by=people["wang"])

    assert sweep(at(2026, 10, 10, 12, 0) - SECOND).created == []
    assert {n.key for n in sweep(at(2026, 10, 10, 12, 0)).created} == {f"request:{request.pk}:sla:50"}


# ---- approval steps --------------------------------------------------------------------------------


def test_an_approval_step_due_within_24_hours_and_then_overdue_goes_to_the_assignee(people, submit, sweep):
    request = submit(T, by=people["wang"])
    step_due = at(2026, 11, 6, 17, 0)
    step = ApprovalStep.objects.create(request=request, sequence=1, name="外专局审批", authority="省科技厅", due_at=step_due)
    ReminderRule.objects.filter(code__startswith="request_").update(enabled=False)  # only the step's reminders here

    assert sweep(step_due - dt.timedelta(hours=24) - SECOND).created == []
    assert rows(sweep(step_due - dt.timedelta(hours=24)).created) == {
        (f"approvalstep:{step.pk}:due_soon", "wang", "in_app"), (f"approvalstep:{step.pk}:due_soon", "wang", "email"),
    }
    assert sweep(step_due - SECOND).created == []
    assert rows(sweep(step_due).created) == {
        (f"approvalstep:{step.pk}:overdue", "wang", "in_app"), (f"approvalstep:{step.pk}:overdue", "wang", "email"),
    }
    assert mail.outbox[-1].subject == f"审批环节“外专局审批”已超期（诉求 #{request.pk}）"


def test_a_completed_approval_step_is_not_reminded(people, submit, sweep):
    request = submit(T, by=people["wang"])
    ReminderRule.objects.filter(code__startswith="request_").update(enabled=False)
    ApprovalStep.objects.create(
        request=request, sequence=1, name="材料审核", due_at=T + dt.timedelta(hours=5), completed_at=T + dt.timedelta(hours=1)
    )

    assert sweep(T + dt.timedelta(days=2)).created == []


def test_a_step_completed_through_its_service_is_not_reminded_and_once_reopened_it_is(people, submit, sweep):
    request = submit(T, by=people["wang"])
    ReminderRule.objects.filter(code__startswith="request_").update(enabled=False)
    step_due = at(2026, 11, 6, 17, 0)
    step = approval_step_plan(service_request=request, name="外专局审批", due_at=step_due, actor=people["wang"])
    approval_step_complete(step=step, actor=people["wang"], at=T + dt.timedelta(hours=2))

    assert sweep(step_due - dt.timedelta(hours=24)).created == []
    approval_step_reopen(step=step, actor=people["wang"])

    assert rows(sweep(step_due).created) == {
        (f"approvalstep:{step.pk}:overdue", "wang", "in_app"), (f"approvalstep:{step.pk}:overdue", "wang", "email"),
    }


def test_a_step_reminded_then_completed_and_reopened_is_reminded_again_when_it_falls_due(people, submit, sweep):
    request = submit(T, by=people["wang"])
    ReminderRule.objects.filter(code__startswith="request_").update(enabled=False)
    step_due = at(2026, 11, 6, 17, 0)
    step = approval_step_plan(service_request=request, name="外专局审批", due_at=step_due, actor=people["wang"])
    assert {n.key for n in sweep(step_due - dt.timedelta(hours=24)).created} == {f"approvalstep:{step.pk}:due_soon"}

    approval_step_complete(step=step, actor=people["wang"], at=step_due - dt.timedelta(hours=20))
    approval_step_reopen(step=step, actor=people["wang"], at=step_due - dt.timedelta(hours=10))

    assert {n.key for n in sweep(step_due).created} == {f"approvalstep:{step.pk}:overdue"}


def test_the_steps_of_a_resolved_request_are_not_reminded(people, submit, sweep):
    request = submit(T, by=people["wang"])
    ReminderRule.objects.filter(code__startswith="request_").update(enabled=False)
    step_due = at(2026, 11, 6, 17, 0)
    approval_step_plan(service_request=request, name="发证", due_at=step_due, actor=people["wang"])
    service_request_transition(service_request=request, action="resolve", actor=people["wang"], at=T + dt.timedelta(hours=3))

    assert sweep(step_due - dt.timedelta(hours=24)).created == []
    assert sweep(step_due).created == []


# ---- projects --------------------------------------------------------------------------------------


@pytest.fixture
def li(db):
    return officer(username="li", display_name="李专员", email="li@zjg.example.cn")


def test_an_active_project_without_a_follow_up_for_14_days_goes_to_its_owner(li, sweep):
    project = ProjectFactory(owner=li, total_investment=5000)
    follow_up_create(project=project, officer=li, occurred_on=dt.date(2026, 11, 2), note="电话沟通用地需求。")
    project.refresh_from_db()
    assert project.followed_up_on == dt.date(2026, 11, 2)
    key = f"project:{project.pk}:stale:2026-11-02"

    assert sweep(at(2026, 11, 15, 23, 59, 59)).created == []
    assert rows(sweep(at(2026, 11, 16, 0, 0)).created) == {(key, "li", "in_app"), (key, "li", "email")}
    assert mail.outbox[0].subject == f"项目“{project.name}”已 14 天未跟进"


def test_a_key_project_is_stale_after_7_days(li, sweep):
    project = ProjectFactory(owner=li, total_investment=20000)  # 2 亿元: 重点项目
    follow_up_create(project=project, officer=li, occurred_on=dt.date(2026, 11, 2), note="上门走访。")

    assert sweep(at(2026, 11, 8, 23, 59, 59)).created == []
    assert {n.key for n in sweep(at(2026, 11, 9, 0, 0)).created} == {f"project:{project.pk}:stale:2026-11-02"}


def test_a_new_follow_up_restarts_the_clock_and_a_second_lapse_is_reminded_again(li, sweep):
    project = ProjectFactory(owner=li, total_investment=5000)
    follow_up_create(project=project, officer=li, occurred_on=dt.date(2026, 11, 2), note="电话沟通。")
    sweep(at(2026, 11, 16, 9, 0))
    follow_up_create(project=project, officer=li, occurred_on=dt.date(2026, 11, 17), note="上门走访。")

    assert sweep(at(2026, 11, 30, 23, 59)).created == []
    assert {n.key for n in sweep(at(2026, 12, 1, 9, 0)).created} == {f"project:{project.pk}:stale:2026-11-17"}


def test_a_project_never_followed_up_is_stale_14_days_after_it_was_created(li, sweep):
    with time_machine.travel(at(2026, 11, 2, 10, 0), tick=False):
        project = ProjectFactory(owner=li, total_investment=5000)

    assert sweep(at(2026, 11, 15, 23, 0)).created == []
    assert {n.key for n in sweep(at(2026, 11, 16, 8, 0)).created} == {f"project:{project.pk}:stale:2026-11-02"}


def test_a_lost_project_is_not_chased(li, sweep):
    project = ProjectFactory(owner=li, total_investment=5000)
    follow_up_create(project=project, officer=li, occurred_on=dt.date(2026, 11, 2), note="电话沟通。")
    project_change_stage(project=project, to=Stage.LOST, actor=li, note="企业决定落户外地。")

    assert sweep(at(2026, 11, 20, 9, 0)).created == []


def test_the_next_follow_up_date_coming_goes_to_the_owner(li, sweep):
    project = ProjectFactory(owner=li, total_investment=5000)
    follow_up_create(
        project=project, officer=li, occurred_on=dt.date(2026, 11, 10), note="洽谈。",
        next_step="发送用地方案", next_follow_up_on=dt.date(2026, 11, 13),
    )
    key = f"project:{project.pk}:next_follow_up:2026-11-13"

    assert sweep(at(2026, 11, 12, 23, 59, 59)).created == []
    assert rows(sweep(at(2026, 11, 13, 0, 0)).created) == {(key, "li", "in_app"), (key, "li", "email")}
    assert mail.outbox[0].subject == f"项目“{project.name}”到了计划跟进日期（2026-11-13）：发送用地方案"


# ---- the weekly digest -----------------------------------------------------------------------------


def test_the_weekly_digest_goes_to_managers_on_monday_at_half_past_eight_once_a_week(people, li, sweep):
    ProjectFactory(owner=li, total_investment=20000)
    monday = at(2026, 11, 30, 8, 30)

    assert sweep(monday - SECOND).created == []
    created = sweep(monday).created
    assert rows(created) == {("digest:2026-W49", "leader", "in_app"), ("digest:2026-W49", "leader", "email")}
    assert created[0].body == "在谈项目：\n  线索：1 个，总投资 20,000 万元\n近 7 天阶段变更：无\n超期未办结的企业诉求：0 件"
    assert sweep(at(2026, 12, 1, 9, 0)).created == []
    assert {n.key for n in sweep(at(2026, 12, 7, 8, 30)).created if n.rule == "pipeline_digest"} == {"digest:2026-W50"}


# ---- recipients ------------------------------------------------------------------------------------


def test_a_deactivated_service_desk_member_gets_nothing(people, submit, sweep):
    people["desk2"].is_active = False
    people["desk2"].save()
    request = submit(T)

    created = sweep(T + dt.timedelta(hours=1)).created

    assert "desk2" not in {n.recipient.username for n in created}
    assert f"request:{request.pk}:unassigned:1h" in {n.key for n in created}
