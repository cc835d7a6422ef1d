"""The workbench (工作台) at /admin/: each role's panels, read by the rules where they live, bounded, and the same
number of queries however many projects and requests there are; the quick 记录跟进 of a row."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from crm.models import (
    FollowUp,
    Milestone,
    Project,
    ProjectMilestone,
    ReminderRule,
    ServiceRequest,
    ServiceRequestMessage,
    Stage,
)
from crm.pipeline.services import project_change_stage
from crm.workbench import PANEL_ROWS, workbench_for
from tests.factories import (
    EnterpriseFactory,
    ProjectFactory,
    UserFactory,
    investment_lead,
    manager,
    officer,
    service_officer,
    service_request,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def _set(project, **fields):
    Project.objects.filter(pk=project.pk).update(**fields)
    project.refresh_from_db()
    return project


def _names(panel):
    return [row.name for row in panel.rows]


# ---- the investment officer ---------------------------------------------------------------------------------


def test_follow_ups_due_today_and_overdue_are_mine_and_active_only():
    zhou, li = officer(), officer()
    overdue = _set(ProjectFactory(owner=zhou, name="逾期"), next_follow_up_on=TODAY - dt.timedelta(days=3))
    today = _set(ProjectFactory(owner=li, name="今天协办", co_officers=[zhou]), next_follow_up_on=TODAY)
    _set(ProjectFactory(owner=zhou, name="明天"), next_follow_up_on=TODAY + dt.timedelta(days=1))
    _set(ProjectFactory(owner=li, name="别人的"), next_follow_up_on=TODAY)
    lost = _set(ProjectFactory(owner=zhou, name="终止"), next_follow_up_on=TODAY)
    project_change_stage(project=lost, to=Stage.LOST, actor=zhou, note="企业放弃")

    bench = workbench_for(user=zhou)

    assert _names(bench.due) == [overdue.name, today.name]
    assert bench.due.count == 2


def test_stale_projects_follow_the_reminder_rule_row():
    """14 days without a follow-up, 7 for 重点项目 (≥ 1 亿) — the thresholds of the ReminderRule row."""
    zhou = officer()
    old = _set(ProjectFactory(owner=zhou, name="15天"), followed_up_on=TODAY - dt.timedelta(days=15))
    _set(ProjectFactory(owner=zhou, name="10天"), followed_up_on=TODAY - dt.timedelta(days=10))
    key = _set(
        ProjectFactory(owner=zhou, name="重点8天", total_investment=Decimal("20000")),
        followed_up_on=TODAY - dt.timedelta(days=8),
    )
    never = _set(ProjectFactory(owner=zhou, name="从未跟进"), created_at=timezone.now() - dt.timedelta(days=20))
    _set(ProjectFactory(owner=zhou, name="新建未跟进"), created_at=timezone.now() - dt.timedelta(days=2))

    assert _names(workbench_for(user=zhou).stale) == [never.name, old.name, key.name]

    ReminderRule.objects.filter(code=ReminderRule.Code.PROJECT_STALE).update(days=30, key_project_days=9)
    assert _names(workbench_for(user=zhou).stale) == []


def test_a_project_turns_stale_on_the_day_the_sweep_reminds_of_it():
    """The same days as tests/reminders/test_rules.py: 14 days after the last follow-up (7 for 重点项目), or after
    the creation of a project never followed up — the workbench reads the rule, it does not write it again."""
    from crm.pipeline.reminders import project_stale_condition

    zhou = officer()
    normal = _set(ProjectFactory(owner=zhou, total_investment=5000), followed_up_on=dt.date(2026, 11, 2))
    key = _set(ProjectFactory(owner=zhou, total_investment=20000, fixed_asset_investment=0),
               followed_up_on=dt.date(2026, 11, 2))
    never = _set(ProjectFactory(owner=zhou, total_investment=5000),
                 created_at=timezone.make_aware(dt.datetime(2026, 11, 2, 10, 0)))

    def stale_on(day):
        return set(Project.objects.filter(project_stale_condition(today=day)).values_list("pk", flat=True))

    assert stale_on(dt.date(2026, 11, 8)) == set()
    assert stale_on(dt.date(2026, 11, 9)) == {key.pk}
    assert stale_on(dt.date(2026, 11, 15)) == {key.pk}
    assert stale_on(dt.date(2026, 11, 16)) == {key.pk, normal.pk, never.pk}


def test_my_pipeline_by_stage_counts_projects_and_sums_investment_in_wan():
    zhou = officer()
    ProjectFactory(owner=zhou, total_investment=Decimal("1000"), fixed_asset_investment=0)
    ProjectFactory(owner=zhou, total_investment=Decimal("2500.50"))
    project_change_stage(project=ProjectFactory(owner=zhou, total_investment=Decimal("8000")), to=Stage.CONTACTED,
                         actor=zhou)
    ProjectFactory(owner=officer(), total_investment=Decimal("99999"))

    stages = {row.stage: (row.count, row.investment) for row in workbench_for(user=zhou).stages}

    assert stages[Stage.LEAD] == (2, Decimal("3500.50"))
    assert stages[Stage.CONTACTED] == (1, Decimal("8000"))
    assert stages[Stage.NEGOTIATING] == (0, 0)


def test_milestones_due_within_30_days_carry_the_lights_colour():
    zhou = officer()
    project = ProjectFactory(owner=zhou, name="落地项目")
    late = ProjectMilestone.objects.create(project=project, kind=Milestone.LAND_DELIVERY,
                                           planned_on=TODAY - dt.timedelta(days=2))
    soon = ProjectMilestone.objects.create(project=project, kind=Milestone.CONSTRUCTION_START,
                                           planned_on=TODAY + dt.timedelta(days=10))
    ProjectMilestone.objects.create(project=project, kind=Milestone.COMPLETION, planned_on=TODAY + dt.timedelta(days=40))
    ProjectMilestone.objects.create(project=project, kind=Milestone.FULL_PRODUCTION, planned_on=TODAY,
                                    actual_on=TODAY)
    other = ProjectFactory(owner=officer())
    ProjectMilestone.objects.create(project=other, kind=Milestone.LAND_DELIVERY, planned_on=TODAY)

    panel = workbench_for(user=zhou).milestones

    assert [(m.pk, m.light.level) for m in panel.rows] == [(late.pk, "red"), (soon.pk, "yellow")]
    assert panel.count == 2


def test_superuser_sees_the_whole_pipeline():
    root = UserFactory(is_superuser=True, is_staff=True)
    _set(ProjectFactory(owner=officer(), name="甲"), next_follow_up_on=TODAY)
    _set(ProjectFactory(owner=officer(), name="乙"), next_follow_up_on=TODAY)

    assert workbench_for(user=root).due.count == 2


def test_the_head_of_investment_promotion_sees_the_whole_pipeline():
    _set(ProjectFactory(owner=officer(), name="甲"), next_follow_up_on=TODAY)
    _set(ProjectFactory(owner=officer(), name="乙"), next_follow_up_on=TODAY)

    assert workbench_for(user=investment_lead()).due.count == 2
    assert workbench_for(user=officer()).due.count == 0


def test_a_panel_shows_its_first_rows_and_counts_them_all():
    zhou = officer()
    for n in range(PANEL_ROWS + 3):
        _set(ProjectFactory(owner=zhou), next_follow_up_on=TODAY - dt.timedelta(days=n))

    panel = workbench_for(user=zhou).due

    assert (len(panel.rows), panel.count, panel.more) == (PANEL_ROWS, PANEL_ROWS + 3, 3)


# ---- the service desk ------------------------------------------------------------------------------------------


def _request(enterprise, *, assignee=None, hours_left, window_hours=24):
    now = timezone.now()
    request = service_request(enterprise=enterprise)
    ServiceRequest.objects.filter(pk=request.pk).update(
        assignee=assignee, submitted_at=now - dt.timedelta(hours=window_hours - hours_left),
        due_at=now + dt.timedelta(hours=hours_left),
    )
    request.refresh_from_db()
    return request


def test_service_officer_queues_are_ordered_by_time_left_with_the_clock_colours():
    wang, zhao = service_officer(), service_officer()
    company = EnterpriseFactory()
    green = _request(company, assignee=wang, hours_left=20)
    red = _request(company, assignee=wang, hours_left=-1)
    yellow = _request(company, assignee=wang, hours_left=2)
    _request(company, assignee=zhao, hours_left=1)
    nobody = _request(company, hours_left=10)

    bench = workbench_for(user=wang)

    assert [(r.pk, r.clock.colour) for r in bench.my_queue.rows] == [
        (red.pk, "red"), (yellow.pk, "yellow"), (green.pk, "green"),
    ]
    assert [r.pk for r in bench.unassigned.rows] == [nobody.pk]
    assert bench.due is None  # no pipeline panels for the service desk


def test_approval_steps_due_within_24_hours_of_my_requests():
    from crm.models import ApprovalStep

    wang = service_officer()
    company = EnterpriseFactory()
    mine = _request(company, assignee=wang, hours_left=48, window_hours=96)
    theirs = _request(company, assignee=service_officer(), hours_left=48, window_hours=96)
    now = timezone.now()
    soon = ApprovalStep.objects.create(request=mine, sequence=1, name="人社局审批", due_at=now + dt.timedelta(hours=5))
    ApprovalStep.objects.create(request=mine, sequence=2, name="发证", due_at=now + dt.timedelta(hours=30))
    ApprovalStep.objects.create(request=mine, sequence=3, name="已完成", due_at=now + dt.timedelta(hours=1),
                                completed_at=now)
    ApprovalStep.objects.create(request=theirs, sequence=1, name="别人的", due_at=now + dt.timedelta(hours=1))

    assert [s.pk for s in workbench_for(user=wang).steps.rows] == [soon.pk]


def test_unanswered_messages_are_threads_whose_last_visible_message_is_the_enterprise_s():
    wang = service_officer()
    company = EnterpriseFactory()
    asked = _request(company, assignee=wang, hours_left=10)
    answered = _request(company, assignee=wang, hours_left=10)
    noted = _request(company, assignee=wang, hours_left=10)
    silent = _request(company, assignee=wang, hours_left=10)  # noqa: F841 — no message at all: nothing to answer
    person = asked.submitted_by

    def post(request, author, body, *, internal=False, minutes):
        message = ServiceRequestMessage.objects.create(request=request, author=author, body=body, is_internal=internal)
        ServiceRequestMessage.objects.filter(pk=message.pk).update(
            created_at=timezone.now() - dt.timedelta(minutes=minutes))

    post(asked, person, "请问进度？", minutes=30)
    post(answered, person, "请问进度？", minutes=30)
    post(answered, wang, "已提交人社局。", minutes=20)
    post(noted, person, "材料已补。", minutes=40)
    post(noted, wang, "内部：待核对", internal=True, minutes=10)

    assert [r.pk for r in workbench_for(user=wang).unanswered.rows] == [noted.pk, asked.pk]


# ---- the manager -------------------------------------------------------------------------------------------------


def test_manager_sees_the_leader_s_figures_linking_into_the_reports(client):
    boss = manager()
    ProjectFactory(owner=officer(), total_investment=Decimal("3000"))
    client.force_login(boss)

    page = client.get("/admin/").content.decode()

    assert "在谈项目" in page and "1 个" in page and "总投资 3,000 万元" in page

    ProjectFactory(owner=officer(), total_investment=Decimal("12000"))
    page = client.get("/admin/").content.decode()
    assert "总投资 1.50 亿元" in page
    assert 'href="/reports/"' in page and 'href="/reports/service/"' in page
    assert "今天及逾期待跟进" not in page  # a manager changes nothing: no follow-up forms


# ---- the page and its queries ----------------------------------------------------------------------------------


def _world(size: int, zhou, wang):
    company = EnterpriseFactory()
    for n in range(size):
        project = _set(ProjectFactory(owner=zhou, enterprise=company), next_follow_up_on=TODAY - dt.timedelta(days=n),
                       followed_up_on=TODAY - dt.timedelta(days=20 + n))
        ProjectMilestone.objects.create(project=project, kind=Milestone.LAND_DELIVERY, planned_on=TODAY + dt.timedelta(days=n % 30))
        request = _request(company, assignee=wang if n % 2 else None, hours_left=n - 3)
        ServiceRequestMessage.objects.create(request=request, author=request.submitted_by, body="请问进度？")


@pytest.mark.parametrize("size", [3, PANEL_ROWS * 2])
def test_the_workbench_runs_the_same_queries_however_much_there_is(size, django_assert_num_queries):
    zhou, wang = officer(), service_officer()
    root = UserFactory(is_superuser=True, is_staff=True)
    _world(size, zhou, wang)
    root.has_role("x")  # the role cache, as the request's middleware would have filled it
    # 1 rule row (stale thresholds) + 2 per panel (first rows, count) × 9 panels (due, stale, milestones, my queue,
    # unassigned, approval steps, unanswered, reminders; the stage table is 1) = 1 + 16 + 1, + 4 leader figures
    # (this year's landed and signed: 2, the active pipeline: 1, the overdue requests: 1); 待走访 (包联): the visit
    # rule's row (1) and its panel (2).
    with django_assert_num_queries(25):
        workbench_for(user=root)


@pytest.mark.parametrize("size", [3, PANEL_ROWS * 2])
def test_the_officer_s_page_runs_the_same_queries_however_much_there_is(size, django_assert_num_queries):
    zhou, wang = officer(), service_officer()
    _world(size, zhou, wang)
    client = Client()
    client.force_login(zhou)
    # session (1), user (1), its groups for the role checks (1); the workbench: due (2), rule row (1), stale (2),
    # stages (1), milestones (2), unread reminders (2, whose count is also the header's badge); the admin's
    # available apps (each_context): the user's and the groups' permissions (2); the site profile the header names the park by (crm.notifications.site) (1);
    # 待走访 (包联): the visit rule's row (1) and its panel (2).
    with django_assert_num_queries(19):
        assert client.get("/admin/").status_code == 200


@pytest.mark.parametrize("size", [3, PANEL_ROWS * 2])
@pytest.mark.parametrize(("role", "queries"), [("service", 19), ("manager", 12)])
def test_the_service_desk_s_and_the_leader_s_pages_run_the_same_queries_however_much_there_is(
    size, role, queries, django_assert_num_queries
):
    zhou, wang = officer(), service_officer()
    _world(size, zhou, wang)
    client = Client()
    client.force_login(wang if role == "service" else manager())
    # session, user, groups (3); the admin's available apps: the user's and the groups' permissions (2); the site profile the header names the park by (crm.notifications.site)
    # (1). The service desk: my queue, the unassigned, approval steps, unanswered messages, unread reminders (2 each:
    # rows with enterprise, category and assignee joined, then the count) = 10. The leader: the four figures (this
    # year's landed and signed: 2, the active pipeline: 1, the overdue requests: 1) + unread reminders (2). The service
    # desk's 待走访 (包联): the visit rule's row (1) and its panel (2).
    with django_assert_num_queries(queries):
        assert client.get("/admin/").status_code == 200


# ---- 记录跟进 from a row ------------------------------------------------------------------------------------------


def _post(client, project, *, json_reply=True, **fields):
    data = {"kind": "call", "occurred_on": TODAY.isoformat(), "note": "电话沟通用地指标。", "next_step": "约见董事长",
            "next_follow_up_on": (TODAY + dt.timedelta(days=7)).isoformat(), **fields}
    headers = {"HTTP_ACCEPT": "application/json"} if json_reply else {}
    return client.post(f"/admin/workbench/projects/{project.pk}/follow-up/", data, **headers)


def test_a_follow_up_recorded_from_a_row_answers_the_row_s_new_values(client):
    zhou = officer()
    project = _set(ProjectFactory(owner=zhou), next_follow_up_on=TODAY - dt.timedelta(days=1))
    client.force_login(zhou)

    response = _post(client, project)

    assert response.status_code == 200
    assert json.loads(response.content) == {
        "ok": True,
        "message": f"已记录跟进：{project.name}",
        "project": project.pk,
        "followed_up_on": TODAY.isoformat(),
        "next_step": "约见董事长",
        "next_follow_up_on": (TODAY + dt.timedelta(days=7)).isoformat(),
    }
    follow_up = FollowUp.objects.get(project=project)
    assert (follow_up.kind, follow_up.officer, follow_up.note) == ("call", zhou, "电话沟通用地指标。")
    project.refresh_from_db()
    assert (project.next_step, project.next_follow_up_on) == ("约见董事长", TODAY + dt.timedelta(days=7))


def test_without_javascript_the_row_s_form_posts_and_comes_back_to_the_workbench(client):
    zhou = officer()
    project = ProjectFactory(owner=zhou)
    client.force_login(zhou)

    response = _post(client, project, json_reply=False, panel="stale")

    assert response.status_code == 302
    assert response["Location"] == f"/admin/#stale-project-{project.pk}"
    assert FollowUp.objects.filter(project=project).count() == 1
    page = client.get("/admin/").content.decode()
    assert f"已记录跟进：{project.name}" in page


def test_an_invalid_follow_up_is_refused_with_the_field_named_and_nothing_saved(client):
    zhou = officer()
    project = _set(ProjectFactory(owner=zhou), next_step="原计划")
    client.force_login(zhou)

    response = _post(client, project, note="", occurred_on="1900-01-01")

    assert response.status_code == 400
    body = json.loads(response.content)
    assert body["ok"] is False
    assert "跟进内容" in body["message"] and "跟进日期" in body["message"]
    assert FollowUp.objects.count() == 0
    project.refresh_from_db()
    assert project.next_step == "原计划"


def test_without_javascript_a_refused_follow_up_comes_back_with_the_reason(client):
    zhou = officer()
    project = ProjectFactory(owner=zhou)
    client.force_login(zhou)

    response = _post(client, project, json_reply=False, note="", panel="due")

    assert response["Location"] == f"/admin/#due-project-{project.pk}"
    assert FollowUp.objects.count() == 0
    page = client.get("/admin/").content.decode()
    assert f"“{project.name}”的跟进未保存：跟进内容：该字段是必填项。" in page


def test_the_service_s_refusal_is_shown_and_nothing_changes(client):
    """A superuser's group set aside, a staff member without the investment officer's role is refused by
    ``follow_up_create`` itself (crm.roles): the row shows the table's message."""
    someone = UserFactory(is_staff=True)
    someone.groups.add(Group.objects.get(name="manager"))  # reads the pipeline, changes nothing
    project = ProjectFactory(owner=officer())
    client.force_login(someone)

    response = _post(client, project)

    assert response.status_code == 403
    assert json.loads(response.content)["message"] == "只有招商专员可以修改项目和跟进记录。"
    assert FollowUp.objects.count() == 0


def test_a_service_officer_cannot_reach_a_project_through_the_row_form(client):
    wang = service_officer()
    project = ProjectFactory(owner=officer())
    client.force_login(wang)

    assert _post(client, project).status_code == 403
    assert FollowUp.objects.count() == 0


def test_the_row_form_needs_the_csrf_token():
    zhou = officer()
    project = ProjectFactory(owner=zhou)
    client = Client(enforce_csrf_checks=True)
    client.force_login(zhou)

    assert _post(client, project).status_code == 403
    assert FollowUp.objects.count() == 0


def test_the_row_form_accepts_post_only(client):
    zhou = officer()
    project = ProjectFactory(owner=zhou)
    client.force_login(zhou)

    assert client.get(f"/admin/workbench/projects/{project.pk}/follow-up/").status_code == 405


# ---- the header and the app list -----------------------------------------------------------------------------------


def test_the_header_greets_by_display_name_and_links_what_the_role_may_read(client):
    zhou = officer(display_name="周招商")
    client.force_login(zhou)
    page = client.get("/admin/").content.decode()
    assert "周招商" in page
    assert 'href="/land/"' in page and 'href="/reports/"' not in page
    assert f'<a href="{reverse("admin:crm_project_kanban")}">看板</a>' in page
    assert f'<a href="{reverse("admin:crm_project_calendar")}">日历</a>' in page

    boss = manager(display_name="")
    client.force_login(boss)
    page = client.get("/admin/apps/").content.decode()
    assert f"<strong class=\"zj-greeting\">{boss.username}</strong>" in page
    assert 'href="/land/"' in page and 'href="/reports/"' in page

    client.force_login(service_officer())
    page = client.get("/admin/inbox/").content.decode()
    assert 'href="/land/"' not in page and 'href="/reports/"' not in page


def test_the_app_list_is_one_click_away(client):
    client.force_login(officer())

    workbench = client.get("/admin/").content.decode()
    apps = client.get("/admin/apps/")

    assert 'href="/admin/apps/"' in workbench
    assert apps.status_code == 200
    assert 'href="/admin/crm/project/"' in apps.content.decode()


def test_the_workbench_is_for_staff_only(client):
    from tests.factories import enterprise_user

    client.force_login(enterprise_user(EnterpriseFactory()))

    response = client.get("/admin/")

    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
