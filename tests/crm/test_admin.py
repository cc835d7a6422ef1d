"""The staff admin of the CRM: constant-query lists, projects through the services, the service queue."""

import datetime as dt
import io
import re
from decimal import Decimal
from urllib.parse import urlencode

import openpyxl
import pytest
import tablib
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from crm import crypto
from crm.models import (
    AnnualCommitment,
    ApprovalStep,
    CalendarDay,
    CapitalArrival,
    ChainSegment,
    Contact,
    Enterprise,
    EnterpriseQualification,
    FollowUp,
    IndustryChain,
    ListEntry,
    Notification,
    Project,
    ProjectCredit,
    ProjectMilestone,
    ProjectStageChange,
    RequestStatus,
    ServiceCategory,
    ServiceRequest,
    ServiceRequestAttachment,
    ServiceRequestMessage,
    ServiceRequestTransition,
    Stage,
)
from crm.pipeline.services import project_change_stage
from crm.service_requests.approval_steps import approval_step_plan
from crm.service_requests.services import service_request_assign, service_request_submit, service_request_transition
from crm.service_requests.thread import message_post
from tests.factories import (
    FINISHED_STATUSES,
    EnterpriseFactory,
    EventFactory,
    FollowUpFactory,
    ParkFactory,
    ProjectFactory,
    ServiceCategoryFactory,
    UserFactory,
    enterprise_user,
    investment_lead,
    manager,
    officer,
    project_at,
    request_moved_to,
    service_officer,
)

pytestmark = pytest.mark.django_db


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def _service_request(*, enterprise=None, category=None, at=None, title="外籍专家工作许可", details=None):
    # A category without its own detail fields, unless the test is about them.
    category = category or ServiceCategoryFactory(code="business_registration", name="工商注册")
    enterprise = enterprise or EnterpriseFactory()
    request, _warnings = service_request_submit(
        enterprise=enterprise, category=category, title=title, submitted_by=enterprise_user(enterprise),
        details=details, at=at,
    )
    return request


# ---- every list runs a constant number of queries ---------------------------------------------------

def _routing_row(model, i):
    """A department with a liaison, a request routed to it, and an extension of that routing asked."""
    from crm.service_requests.routing import routing_create, routing_request_extension
    from crm.service_requests.services import service_request_transition
    from tests.factories import DepartmentFactory, department_liaison

    department = DepartmentFactory(name=f"承办单位{i}")
    liaison = department_liaison(department)
    if model._meta.model_name == "department":
        return department
    desk = service_officer()
    request = service_request_transition(service_request=_service_request(), action="accept", actor=desk)
    routing = routing_create(service_request=request, department=department, role="lead", note="", actor=desk)
    if model._meta.model_name != "routingextension":
        return routing if model is routing.__class__ else routing.events.get()  # one row each
    return routing_request_extension(routing=routing, due_at=routing.due_at + dt.timedelta(days=1), reason="理由",
                                     actor=liaison)


def _one(model, i):
    """Create one row of ``model`` with its own related rows, so a per-row query would show up."""
    if model is Enterprise:
        return EnterpriseFactory(park=ParkFactory(), short_name=f"简称{i}")
    if model is EnterpriseQualification:
        return EnterpriseQualification.objects.create(enterprise=EnterpriseFactory(), kind="high_tech")
    if model is Contact:
        return Contact.objects.create(enterprise=EnterpriseFactory(), name=f"联系人{i}", phone="13800000000")
    if model is Project:
        project = ProjectFactory(park=ParkFactory(), total_investment=Decimal(6000 * (i + 1)))
        FollowUpFactory(project=project)
        return project
    if model is ProjectStageChange:
        return ProjectFactory().stage_changes.get()
    if model is ProjectCredit:
        return ProjectCredit.objects.create(project=ProjectFactory(), officer=officer(), share_percent=50)
    if model is FollowUp:
        return FollowUpFactory(project=ProjectFactory())
    if model.__name__ == "Event":
        return EventFactory(park=ParkFactory())
    if model is ProjectMilestone:
        return ProjectMilestone.objects.create(project=ProjectFactory(), kind="land_delivery", planned_on=dt.date(2025, 6, 1))
    if model is CapitalArrival:
        return CapitalArrival.objects.create(project=ProjectFactory(), arrived_on=dt.date(2025, 6, 1), amount=1000)
    if model is AnnualCommitment:
        return AnnualCommitment.objects.create(project=ProjectFactory(), year=2025)
    if model.__name__ == "ExchangeRate":  # 汇率中间价: one a day per currency
        return model.objects.create(day=dt.date(2024, 1, 1) + dt.timedelta(days=i), currency="USD", rate="7.1")
    if model is ServiceCategory:
        return ServiceCategoryFactory(code=f"cat{i}", name=f"类别{i}")
    if model is ServiceRequest:
        request = _service_request(category=ServiceCategoryFactory(code=f"cat{i}", name=f"类别{i}"))
        return service_request_assign(service_request=request, assignee=service_officer(), actor=service_officer())
    if model is ServiceRequestTransition:
        return _service_request().transitions.get()
    if model is ServiceRequestMessage:
        return message_post(service_request=_service_request(), author=service_officer(), body="请补充护照首页。")
    if model is ServiceRequestAttachment:
        return ServiceRequestAttachment.objects.create(
            request=_service_request(), file=ContentFile(b"%PDF-1.4 test", name="a.pdf"), original_name=f"护照{i}.pdf",
            content_type="application/pdf", size=13, uploaded_by=UserFactory(),
        )
    if model is ApprovalStep:
        return ApprovalStep.objects.create(
            request=_service_request(), sequence=1, name="材料审核", due_at=timezone.now() + dt.timedelta(days=1)
        )
    if model.__name__ == "RequestCallBack":
        return model.objects.create(request=_service_request(), result="satisfied", comment=f"回访{i}",
                                    recorded_by=service_officer(), recorded_at=timezone.now())
    if model is CalendarDay:
        return CalendarDay.objects.create(date=dt.date(2031, 1, 1) + dt.timedelta(days=i), is_working_day=False, name="假日")
    if model is Notification:
        return Notification.objects.create(key=f"request:{i}:sla:50", rule="sla_50", recipient=UserFactory(), subject="提醒")
    if model.__name__ == "YearlyTarget":
        return model.objects.create(year=2001 + i, metric="landed_key_projects", target=10)
    if model.__name__ == "ReminderRule":
        return model.objects.create(code=list(model.Code)[i], hours=1, percents="50,80", days=14, key_project_days=7,
                                    weekday=1, send_at=dt.time(9))
    if model.__name__ == "NotificationWebhook":
        return model.objects.create(name=f"工作群{i}", url=f"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k{i}")
    if model._meta.model_name in ("department", "routing", "routingevent", "routingextension"):
        return _routing_row(model, i)
    if model._meta.model_name == "user":
        return UserFactory(role="service_officer" if i % 2 else "investment_officer")
    if model._meta.model_name == "calendarfeed":
        from crm.pipeline.calendar import calendar_feed_renew

        return calendar_feed_renew(user=UserFactory(role="investment_officer"))
    if model.__name__ in ("Visit", "VisitProblem"):
        from crm.visits.services import visit_record

        recorder = officer()
        visit = visit_record(enterprise=EnterpriseFactory(), visited_on=dt.date(2026, 1, 1 + i), recorded_by=recorder,
                             visitors=[recorder, service_officer()], met_with="王总（总经理）", topics="走访。",
                             problems=["招工难"])
        return visit if model.__name__ == "Visit" else visit.problems.get()
    if model.__name__ == "ApprovalStepTemplate":
        return model.objects.create(category=ServiceCategoryFactory(code=f"cat{i}", name=f"类别{i}"), sequence=1,
                                    name="材料审核", offset_value=2)
    if model.__name__ == "CategoryField":
        return model.objects.create(category=ServiceCategoryFactory(code=f"cat{i}", name=f"类别{i}"), key=f"f{i}",
                                    label=f"字段{i}", kind="text", order=1)
    if model.__name__ == "CategoryFormVersion":
        return model.objects.create(category=ServiceCategoryFactory(code=f"cat{i}", name=f"类别{i}"), number=1,
                                    fields=[], created_at=timezone.now(), created_by=UserFactory())
    if model is ChainSegment:
        return model.objects.create(chain=IndustryChain.objects.get(code="robotics"), code=f"seg{i}", name=f"环节{i}")
    if model.__name__ == "EnterpriseFigure":  # 企业年度指标: with who submitted and confirmed it
        return model.objects.create(
            enterprise=EnterpriseFactory(), year=2024, source="tax", tax=100 + i, status="confirmed",
            submitted_by=UserFactory(), confirmed_by=UserFactory(), confirmed_at=timezone.now(),
        )
    if issubclass(model, ListEntry):
        return model.objects.create(code=f"entry{i}", name=f"条目{i}", order=100 + i)
    if model.__name__ in ("Department", "Routing", "RoutingEvent", "RoutingExtension"):
        from crm.models import Department
        from crm.service_requests.routing import routing_create, routing_request_extension
        from crm.service_requests.services import service_request_transition
        from tests.factories import department_liaison

        department = Department.objects.create(name=f"承办单位{i}")
        if model is Department:
            return department
        desk = service_officer()
        request = service_request_transition(service_request=_service_request(), action="accept", actor=desk)
        routing = routing_create(service_request=request, department=department, role="lead", actor=desk)
        if model.__name__ == "Routing":
            return routing
        if model.__name__ == "RoutingEvent":
            return routing.events.get()
        return routing_request_extension(routing=routing, due_at=routing.due_at + dt.timedelta(days=1), reason="忙",
                                         actor=department_liaison(department))
    raise AssertionError(f"no row builder for {model.__name__}")


CRM_ADMINS = sorted(
    # 站点信息 is one row whose list is its change page (crm.admin.site): no list to grow.
    (model for model in admin.site._registry if model._meta.app_label == "crm" and model._meta.model_name != "siteprofile"),
    key=lambda m: m._meta.model_name,
)


def _changelist_rows(client, model) -> int:
    response = client.get(reverse(f"admin:crm_{model._meta.model_name}_changelist"))
    assert response.status_code == 200
    return response.context["cl"].result_count


@pytest.mark.parametrize("model", CRM_ADMINS, ids=lambda m: m._meta.model_name)
def test_every_crm_list_runs_the_same_number_of_queries_for_2_and_25_rows(client, model, django_assert_num_queries):
    """A list whose query count grows with its rows has an N+1: explain any change to the counts."""
    superuser = UserFactory(is_staff=True, is_superuser=True, username="root")
    client.force_login(superuser)
    if model.__name__ == "ReminderRule":
        model.objects.all().delete()  # the fixed set from the migration; rebuilt below, one row per rule code
    large_size = len(model.Code) if model.__name__ == "ReminderRule" else 25
    for i in range(2):
        _one(model, i)
    client.get(reverse(f"admin:crm_{model._meta.model_name}_changelist"))  # warm per-process caches
    with CaptureQueriesContext(connection) as small:  # measured, then pinned for the larger list below
        small_rows = _changelist_rows(client, model)
    for i in range(2, large_size):
        _one(model, i)
    with django_assert_num_queries(len(small), info=f"{model.__name__}: {len(small)} queries for {small_rows} rows"):
        large_rows = _changelist_rows(client, model)
    assert large_rows - small_rows == large_size - 2


def test_every_crm_and_parks_model_is_registered():
    from django.apps import apps

    models = [m for app in ("crm", "parks") for m in apps.get_app_config(app).get_models() if not m.__name__.startswith("Historical")]
    assert [m.__name__ for m in models if m not in admin.site._registry] == []


def test_project_list_runs_a_pinned_number_of_queries(client, django_assert_num_queries):
    """Pinned at 11: session, user, the user's groups (does the officer's default scope apply), the owner and park
    filter choices, the filtered and the total count, the page of rows (last follow-up read from
    ``followed_up_on``), the page's milestones (the lights), the header's unread-reminder badge, the site profile the
    header names the park by (crm.notifications.site). Explain any change (tests/crm/test_admin_query_counts.py
    pins it at two sizes)."""
    client.force_login(UserFactory(is_staff=True, is_superuser=True, username="root"))
    for _ in range(3):
        FollowUpFactory(project=ProjectFactory(park=ParkFactory()))
    url = reverse("admin:crm_project_changelist")
    client.get(url)
    with django_assert_num_queries(11):
        client.get(url)


def test_project_list_rows_link_to_their_pages_keeping_the_lists_filters(client):
    """The row links are built once for the page (crm.admin.projects.ProjectChangeList), the same links as Django's:
    the project's page, carrying the list's filters back to it."""
    me = officer()
    project = ProjectFactory(owner=me, name="链接项目")
    client.force_login(me)
    response = client.get(reverse("admin:crm_project_changelist"), {"scope": "all", "q": "链接"})
    filters = urlencode({"_changelist_filters": "scope=all&q=%E9%93%BE%E6%8E%A5"})
    link = f'<a href="/admin/crm/project/{project.pk}/change/?{filters}">链接项目</a>'
    assert link in response.content.decode()
    assert client.get(f"/admin/crm/project/{project.pk}/change/?{filters}").status_code == 200


def test_project_list_rows_link_without_filters_when_there_are_none(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True, username="root"))
    project = ProjectFactory(name="无筛选项目")
    response = client.get(reverse("admin:crm_project_changelist"))
    assert f'<a href="/admin/crm/project/{project.pk}/change/">无筛选项目</a>' in response.content.decode()


def test_amounts_and_priority_badges_render_as_before_without_format_html():
    from crm.admin.common import money_wan, priority_badge

    assert money_wan(Decimal("123456.7")) == '123,456.70 万元<br><span class="zj-yi">（12.35 亿）</span>'
    assert money_wan(Decimal("9999")) == "9,999.00 万元"
    assert priority_badge(Decimal("100000")) == '<span class="zj-badge zj-major">重大</span>'
    assert priority_badge(Decimal("10000")) == '<span class="zj-badge zj-key">重点</span>'
    assert priority_badge(Decimal("9999")) == ""


def test_a_milestone_light_badge_escapes_its_words():
    """The list draws 400 badges a page without ``format_html``: the words are escaped all the same."""
    from crm.admin.commitments import _light_badge
    from crm.pipeline.lights import RED, Light

    assert str(_light_badge("<交地>", Light(RED, '已逾期 "3" 天'))) == (
        '<span class="zj-light zj-light--red" title="&lt;交地&gt;：已逾期 &quot;3&quot; 天" '
        'style="display:inline-block;width:1.5em;line-height:1.5em;margin-right:2px;border-radius:3px;font-size:11px;'
        'text-align:center;background:#dc2626;color:#fff">&lt;</span>'
    )


# ---- who may enter ----------------------------------------------------------------------------------

def test_enterprise_users_are_sent_to_the_login_page(client):
    client.force_login(enterprise_user(EnterpriseFactory()))
    response = client.get(reverse("admin:crm_project_changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_officer_opens_the_project_list_and_sees_amounts_priority_and_follow_up_age(client):
    me = officer()
    project = ProjectFactory(owner=me, name="机器人小脑研发中心", total_investment=Decimal("12000"), fixed_asset_investment=0)
    FollowUpFactory(project=project, occurred_on=timezone.localdate() - dt.timedelta(days=9))
    client.force_login(me)
    response = client.get(reverse("admin:crm_project_changelist"), follow=True)  # to “我的在办项目”
    assert response.status_code == 200
    html = response.content.decode()
    assert "机器人小脑研发中心" in html
    assert "12,000.00 万元" in html
    assert "1.20 亿" in html
    assert "重点" in html
    # A key project with no follow-up for 9 days is past its 7-day rule: shown in red.
    assert '<span class="zj-late">9 天</span>' in html


def test_project_list_search_finds_a_project_by_contact_name_and_credit_code(client):
    client.force_login(officer())
    project = ProjectFactory(name="云谷智算中心")
    Contact.objects.create(enterprise=project.enterprise, name="王建国")
    ProjectFactory(name="别的项目")
    url = reverse("admin:crm_project_changelist")
    for term in ("王建国", project.enterprise.credit_code):
        response = client.get(url, {"q": term})
        assert [p.name for p in response.context["cl"].result_list] == ["云谷智算中心"]


def test_priority_filter_separates_key_and_major_projects(client):
    client.force_login(officer())
    ProjectFactory(name="小项目", total_investment=Decimal("5000"))
    ProjectFactory(name="重点项目", total_investment=Decimal("20000"), fixed_asset_investment=0)
    ProjectFactory(name="重大项目", total_investment=Decimal("150000"), fixed_asset_investment=0)
    url = reverse("admin:crm_project_changelist")
    names = lambda value: sorted(p.name for p in client.get(url, {"priority": value}).context["cl"].result_list)  # noqa: E731
    assert names("major") == ["重大项目"]
    assert names("key") == ["重大项目", "重点项目"]
    assert names("normal") == ["小项目"]


# ---- adding a project goes through project_create ---------------------------------------------------

def _project_form(enterprise, owner, **extra):
    data = {
        "name": "机器人小脑研发中心", "enterprise": enterprise.pk, "industry_chain": "robotics", "segment": "小脑",
        "source_channel": "business_referral", "source_event": "", "park": "",
        "total_investment": "12000", "fixed_asset_investment": "5000", "expected_annual_output": "0",
        "expected_annual_tax": "0", "owner": owner.pk, "expected_signing_on": "", "next_step": "", "next_follow_up_on": "",
        "land_need_m2": "", "land_use_need": "", "space_need_m2": "", "headcount_planned": "",
        "follow_ups-TOTAL_FORMS": "0", "follow_ups-INITIAL_FORMS": "0",
        "follow_ups-MIN_NUM_FORMS": "0", "follow_ups-MAX_NUM_FORMS": "1000",
        "_save": "保存",
    }
    data.update(extra)
    return data


def test_officer_adds_a_project_with_a_follow_up_and_it_starts_as_a_lead_with_history(client):
    me = officer()
    enterprise = EnterpriseFactory()
    client.force_login(me)
    data = _project_form(enterprise, me, **{
        "follow_ups-TOTAL_FORMS": "1",
        "follow_ups-0-occurred_on": "2025-03-01", "follow_ups-0-kind": "visit", "follow_ups-0-officer": me.pk,
        "follow_ups-0-note": "上门走访，了解用地需求。", "follow_ups-0-next_step": "发送用地方案",
        "follow_ups-0-next_follow_up_on": "2025-03-10",
    })
    response = client.post(reverse("admin:crm_project_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    project = Project.objects.get(name="机器人小脑研发中心")
    assert (project.stage, project.owner, project.total_investment) == (Stage.LEAD, me, Decimal("12000"))
    assert list(project.stage_changes.values_list("from_stage", "to_stage", "actor")) == [("", Stage.LEAD, me.pk)]
    assert list(project.follow_ups.values_list("note", "officer")) == [("上门走访，了解用地需求。", me.pk)]
    # The newest follow-up's next step became the project's.
    assert (project.next_step, project.next_follow_up_on) == ("发送用地方案", dt.date(2025, 3, 10))


def test_the_add_form_has_no_stage_field(client):
    client.force_login(officer())
    response = client.get(reverse("admin:crm_project_add"))
    assert "stage" not in response.context["adminform"].form.fields
    assert 'name="stage"' not in response.content.decode()


def test_the_add_forms_typed_next_step_survives_a_first_follow_up_without_one(client):
    me = officer()
    client.force_login(me)
    data = _project_form(EnterpriseFactory(), me, **{
        "next_step": "约见董事长", "next_follow_up_on": "2025-03-20",
        "follow_ups-TOTAL_FORMS": "1",
        "follow_ups-0-occurred_on": "2025-03-01", "follow_ups-0-kind": "visit", "follow_ups-0-officer": me.pk,
        "follow_ups-0-note": "上门走访，了解用地需求。", "follow_ups-0-next_step": "", "follow_ups-0-next_follow_up_on": "",
    })
    response = client.post(reverse("admin:crm_project_add"), data)
    assert response.status_code == 302
    project = Project.objects.get(name="机器人小脑研发中心")
    assert (project.next_step, project.next_follow_up_on, project.followed_up_on) == (
        "约见董事长", dt.date(2025, 3, 20), dt.date(2025, 3, 1)
    )


def test_the_project_page_opens_with_the_follow_up_form_above_the_fields(client):
    me = officer()
    project = ProjectFactory(owner=me)
    FollowUpFactory(project=project, occurred_on=dt.date(2025, 1, 5), note="第一次上门")
    client.force_login(me)
    html = client.get(reverse("admin:crm_project_change", args=[project.pk])).content.decode()
    quick = html.index('id="follow-up-quick"')
    assert quick < html.index('id="project_form"')
    assert f'action="{reverse("admin:crm_project_follow_up", args=[project.pk])}"' in html
    # The follow-ups already logged are listed read-only, each with a link to its own page.
    assert "第一次上门" in html
    assert 'name="follow_ups-0-note"' not in html


def test_a_follow_up_logged_from_the_top_of_the_page_becomes_the_projects_next_step(client):
    me = officer()
    project = ProjectFactory(owner=me)
    FollowUpFactory(project=project, occurred_on=dt.date(2025, 1, 5), next_step="旧的下一步")
    client.force_login(me)
    response = client.post(reverse("admin:crm_project_follow_up", args=[project.pk]), {
        "kind": "call", "occurred_on": "2025-02-01", "note": "电话确认考察时间。", "next_step": "安排实地考察",
        "next_follow_up_on": "2025-02-15",
    })
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:crm_project_change", args=[project.pk])
    assert _messages(response) == ["已记录跟进。"]
    project.refresh_from_db()
    assert (project.next_step, project.next_follow_up_on, project.followed_up_on) == (
        "安排实地考察", dt.date(2025, 2, 15), dt.date(2025, 2, 1)
    )
    newest = project.follow_ups.order_by("-occurred_on").first()
    assert (newest.officer, newest.kind, newest.note) == (me, "call", "电话确认考察时间。")


def test_a_manager_cannot_log_a_follow_up_and_nothing_changes(client):
    project = ProjectFactory()
    client.force_login(manager())
    response = client.post(reverse("admin:crm_project_follow_up", args=[project.pk]), {
        "kind": "call", "occurred_on": "2025-02-01", "note": "越权记录", "next_step": "x", "next_follow_up_on": "",
    })
    assert response.status_code == 403
    assert project.follow_ups.count() == 0


def test_an_invalid_quick_follow_up_is_refused_with_its_message(client):
    me = officer()
    project = ProjectFactory(owner=me)
    client.force_login(me)
    response = client.post(reverse("admin:crm_project_follow_up", args=[project.pk]), {
        "kind": "call", "occurred_on": "2025-02-01", "note": "", "next_step": "", "next_follow_up_on": "",
    })
    assert response.status_code == 302
    assert _messages(response) == ["跟进内容：该字段是必填项。"]
    assert project.follow_ups.count() == 0


def test_project_search_finds_a_contacts_phone_once(client):
    client.force_login(officer())
    project = ProjectFactory(name="云谷智算中心")
    Contact.objects.create(enterprise=project.enterprise, name="王建国", phone="138-0571-2345")
    Contact.objects.create(enterprise=project.enterprise, name="李四", phone="138-0571-2399")
    ProjectFactory(name="别的项目")
    response = client.get(reverse("admin:crm_project_changelist"), {"scope": "all", "q": "138-0571-23"})
    assert [p.name for p in response.context["cl"].result_list] == ["云谷智算中心"]
    assert response.context["cl"].result_count == 1


# ---- stage changes go through project_change_stage --------------------------------------------------

def test_stage_form_offers_only_the_moves_the_pipeline_allows(client):
    me = officer()
    project = ProjectFactory(owner=me)
    client.force_login(me)
    response = client.get(reverse("admin:crm_project_change", args=[project.pk]))
    offered = [value for value, _label in response.context["stage_form"].fields["to"].widget.choices]
    assert offered == [Stage.CONTACTED, Stage.ON_HOLD, Stage.LOST]


def test_stage_form_moves_a_project_and_records_who_did_it(client):
    me = officer()
    project = ProjectFactory(owner=me)
    client.force_login(me)
    response = client.post(
        reverse("admin:crm_project_change_stage", args=[project.pk]), {"to": Stage.CONTACTED, "note": "首次电话"}
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.stage == Stage.CONTACTED
    last = project.stage_changes.order_by("-id").first()
    assert (last.from_stage, last.to_stage, last.actor, last.note) == (Stage.LEAD, Stage.CONTACTED, me, "首次电话")
    assert _messages(response) == ["项目已转到“初步接洽”。"]


def test_stage_form_refuses_an_illegal_move_with_the_services_message_and_changes_nothing(client):
    me = officer()
    project = ProjectFactory(owner=me)
    client.force_login(me)
    response = client.post(reverse("admin:crm_project_change_stage", args=[project.pk]), {"to": Stage.SIGNED, "note": ""})
    assert response.status_code == 302
    assert _messages(response) == ["项目当前处于“线索”，不能转到“签约”。可转到：初步接洽、暂缓、终止。"]
    project.refresh_from_db()
    assert project.stage == Stage.LEAD
    assert project.stage_changes.count() == 1


def test_stage_form_refuses_to_end_a_project_without_a_reason(client):
    me = officer()
    project = ProjectFactory(owner=me)
    client.force_login(me)
    response = client.post(reverse("admin:crm_project_change_stage", args=[project.pk]), {"to": Stage.LOST, "note": " "})
    assert _messages(response) == ["终止项目必须填写原因。"]
    project.refresh_from_db()
    assert (project.stage, project.stage_changes.count()) == (Stage.LEAD, 1)


def test_stage_history_is_shown_read_only_on_the_project_page(client):
    me = officer()
    project = project_change_stage(project=ProjectFactory(owner=me), to=Stage.CONTACTED, actor=me)
    client.force_login(UserFactory(is_staff=True, is_superuser=True, username="root"))
    response = client.get(reverse("admin:crm_project_change", args=[project.pk]))
    inline = next(f for f in response.context["inline_admin_formsets"] if f.opts.model is ProjectStageChange)
    assert not inline.has_add_permission and not inline.has_change_permission and not inline.has_delete_permission
    assert len(inline.formset.forms) == 2


# ---- bulk assignment goes through projects_assign_owner ---------------------------------------------

def test_bulk_assign_asks_for_an_officer_then_hands_the_projects_over(client):
    me, colleague = officer(), officer(display_name="李四")
    projects = [ProjectFactory(owner=me), ProjectFactory(owner=me)]
    untouched = ProjectFactory(owner=me)
    client.force_login(investment_lead())
    url = reverse("admin:crm_project_changelist")
    selection = {"action": "assign_owner", "_selected_action": [p.pk for p in projects], "index": "0"}
    page = client.post(url, selection)
    assert page.status_code == 200
    assert set(page.context["form"].fields["owner"].queryset) == {me, colleague}
    response = client.post(url, {**selection, "apply": "1", "owner": colleague.pk})
    assert response.status_code == 302
    assert sorted(Project.objects.filter(owner=colleague).values_list("pk", flat=True)) == sorted(p.pk for p in projects)
    untouched.refresh_from_db()
    assert untouched.owner == me
    assert _messages(response) == ["已将 2 个项目分配给 李四。"]


def test_bulk_assign_cannot_hand_projects_to_someone_who_is_not_an_investment_officer(client):
    me = officer()
    project = ProjectFactory(owner=me)
    client.force_login(investment_lead())
    response = client.post(
        reverse("admin:crm_project_changelist"),
        {"action": "assign_owner", "_selected_action": [project.pk], "apply": "1", "owner": service_officer().pk},
    )
    assert response.status_code == 200
    assert "owner" in response.context["form"].errors
    project.refresh_from_db()
    assert project.owner == me


# ---- officer pickers ----------------------------------------------------------------------------------

def test_owner_autocomplete_offers_investment_officers_only_and_works_for_officers(client):
    me = officer(display_name="张三")
    officer(display_name="李四")
    service_officer(display_name="王五")
    enterprise_user(EnterpriseFactory(), display_name="赵六")
    client.force_login(me)
    response = client.get(
        reverse("admin:autocomplete"), {"app_label": "crm", "model_name": "project", "field_name": "owner", "term": ""}
    )
    assert response.status_code == 200
    assert sorted(r["text"] for r in response.json()["results"]) == ["张三", "李四"]


def test_officers_cannot_browse_the_user_list(client):
    client.force_login(officer())
    assert client.get(reverse("admin:crm_user_changelist")).status_code == 403


# ---- Excel export and import ------------------------------------------------------------------------

def test_project_list_exports_to_excel_with_chinese_headers(client):
    me = officer(display_name="张三")
    ProjectFactory(owner=me, name="云谷智算中心", total_investment=Decimal("30000"), fixed_asset_investment=0)
    client.force_login(me)
    response = client.get(reverse("admin:crm_project_export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:6] == ("项目名称", "投资企业", "统一社会信用代码", "联系人", "联系电话", "阶段")
    assert rows[1][0] == "云谷智算中心"
    assert rows[1][5] == "线索"
    assert "重点项目（≥1亿）" in rows[1]


def test_enterprise_list_exports_to_excel(client):
    EnterpriseFactory(name="杭州科聪控制技术有限公司")
    client.force_login(officer())
    response = client.get(reverse("admin:crm_enterprise_export"))
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "企业名称"
    assert rows[1][0] == "杭州科聪控制技术有限公司"


def _leads_file(*rows):
    headers = ["项目名称", "企业名称", "统一社会信用代码", "产业链", "细分赛道", "来源渠道", "总投资（万元）",
               "固定资产投资（万元）", "负责人", "下一步", "下次跟进日期"]
    data = tablib.Dataset(*rows, headers=headers)
    return ContentFile(data.export("xlsx"), name="线索.xlsx")


def test_officer_imports_leads_from_excel_and_each_starts_as_a_lead_with_history(client):
    me = officer(display_name="张三")
    known = EnterpriseFactory(name="杭州已登记科技有限公司")
    client.force_login(me)
    upload = _leads_file(
        ["具身智能大脑项目", "杭州已登记科技有限公司", "", "智能机器人", "大脑", "以商招商", 20000, 8000, "", "约见董事长", ""],
        ["新材料中试基地", "浙江新来材料有限公司", "", "新材料", "", "", 3000, "", "", "", ""],
    )
    preview = client.post(reverse("admin:crm_project_import"), {"import_file": upload, "format": "0", "resource": "0"})
    assert preview.status_code == 200
    assert not preview.context["result"].has_errors(), preview.context["result"].row_errors()
    assert Project.objects.count() == 0  # the preview is rolled back
    confirm = preview.context["confirm_form"].initial
    response = client.post(reverse("admin:crm_project_process_import"), confirm)
    assert response.status_code == 302
    first = Project.objects.get(name="具身智能大脑项目")
    assert (first.enterprise, first.owner, first.stage, first.source_channel) == (known, me, Stage.LEAD, "business_referral")
    assert (first.total_investment, first.next_step) == (Decimal("20000"), "约见董事长")
    second = Project.objects.get(name="新材料中试基地")
    assert second.enterprise.status == Enterprise.Status.PROSPECT
    assert second.industry_chain == "new_materials"
    for project in (first, second):
        assert list(project.stage_changes.values_list("from_stage", "to_stage", "actor")) == [("", Stage.LEAD, me.pk)]


def test_leads_import_reports_an_unknown_label_and_imports_nothing(client):
    client.force_login(officer())
    upload = _leads_file(["某项目", "杭州某某有限公司", "", "区块链", "", "", 100, "", "", "", ""])
    preview = client.post(reverse("admin:crm_project_import"), {"import_file": upload, "format": "0", "resource": "0"})
    result = preview.context["result"]
    assert result.has_validation_errors()
    assert "无法识别“区块链”" in str(result.invalid_rows[0].error_dict)
    assert Project.objects.count() == 0


# ---- the service-request queue ------------------------------------------------------------------------

def test_request_queue_lists_open_requests_first_by_time_left(client):
    now = timezone.now()
    _service_request(title="较晚到期", at=now - dt.timedelta(hours=1))
    _service_request(title="较早到期", at=now - dt.timedelta(hours=20))
    done = _service_request(title="已办结", at=now - dt.timedelta(hours=30))
    so = service_officer()
    for action in ("accept", "resolve"):
        service_request_transition(service_request=done, action=action, actor=so)
    client.force_login(so)
    response = client.get(reverse("admin:crm_servicerequest_changelist"))
    assert [r.title for r in response.context["cl"].result_list] == ["较早到期", "较晚到期", "已办结"]


def test_the_request_queue_filters_by_submission_date_without_reading_every_requests_date(client):
    """提交时间 is a filter (过去7天 …), not a date hierarchy: no DISTINCT over every request's month on each view."""
    now = timezone.now()
    category = ServiceCategoryFactory(code="business_registration", name="工商注册")
    _service_request(title="本周诉求", category=category, at=now - dt.timedelta(days=2))
    _service_request(title="上月诉求", category=category, at=now - dt.timedelta(days=40))
    client.force_login(service_officer())
    url = reverse("admin:crm_servicerequest_changelist")
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert [r.title for r in response.context["cl"].result_list] == ["上月诉求", "本周诉求"]  # the earlier due first
    hierarchy = ("datetime_trunc", "DATE_TRUNC", 'MIN("crm_servicerequest"."submitted_at")')
    assert [q["sql"] for q in queries.captured_queries if any(word in q["sql"] for word in hierarchy)] == []
    assert "提交时间" in response.content.decode()

    since = (timezone.localdate() - dt.timedelta(days=7)).isoformat()
    until = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    response = client.get(url, {"submitted_at__gte": since, "submitted_at__lt": until})
    assert [r.title for r in response.context["cl"].result_list] == ["本周诉求"]


def test_an_overdue_request_shows_its_time_left_in_red(client):
    _service_request(title="超时诉求", at=timezone.now() - dt.timedelta(hours=30))
    client.force_login(service_officer())
    html = client.get(reverse("admin:crm_servicerequest_changelist")).content.decode()
    assert '<span class="zj-late">已超时 6 小时' in html


def test_the_passport_number_never_appears_in_the_request_list_and_is_masked_for_other_officers(client, settings):
    details = {
        "expert_name": "John Smith", "nationality": "英国", "passport_number": "E12345678", "position": "首席科学家",
        "planned_start_date": (timezone.localdate() + dt.timedelta(days=30)).isoformat(),
    }
    request = _service_request(category=ServiceCategoryFactory(), details=details)
    assert request.details["passport_number"].startswith(crypto.PREFIX)
    client.force_login(service_officer())
    listing = client.get(reverse("admin:crm_servicerequest_changelist")).content.decode()
    assert "E12345678" not in listing and "enc:" not in listing
    page = client.get(reverse("admin:crm_servicerequest_change", args=[request.pk])).content.decode()
    assert "E12345678" not in page
    assert "E1*****78" in page


def test_accept_action_goes_through_the_service_and_reports_refused_requests(client):
    so = service_officer()
    fresh = _service_request(title="新诉求")
    closed = _service_request(title="已撤回")
    service_request_transition(service_request=closed, action="withdraw", actor=closed.submitted_by)
    client.force_login(so)
    response = client.post(
        reverse("admin:crm_servicerequest_changelist"),
        {"action": "transition_accept", "_selected_action": [fresh.pk, closed.pk], "index": "0"},
    )
    assert response.status_code == 302
    fresh.refresh_from_db()
    closed.refresh_from_db()
    assert (fresh.status, fresh.assignee) == (RequestStatus.ACCEPTED, so)
    assert closed.status == RequestStatus.WITHDRAWN
    assert closed.transitions.count() == 2
    assert sorted(_messages(response)) == sorted([
        f"{closed}：诉求当前状态为“已撤回”，不能“受理”。",
        "已对 1 条诉求执行“受理”。",
    ])


def test_assign_to_me_action_assigns_the_selected_requests_and_refuses_a_withdrawn_one(client):
    so = service_officer(display_name="周敏")
    request = _service_request(title="新诉求")
    withdrawn = _service_request(title="已撤回的诉求")
    service_request_transition(service_request=withdrawn, action="withdraw", actor=withdrawn.submitted_by)
    client.force_login(so)
    response = client.post(
        reverse("admin:crm_servicerequest_changelist"),
        {"action": "assign_to_me", "_selected_action": [request.pk, withdrawn.pk], "index": "0"},
    )
    request.refresh_from_db()
    withdrawn.refresh_from_db()
    assert request.assignee == so
    assert list(request.transitions.values_list("action", "from_status", "to_status", "actor", "note")) == [
        ("submit", "", "submitted", request.submitted_by_id, ""), ("assign", "submitted", "submitted", so.pk, "分派给 周敏"),
    ]
    assert (withdrawn.assignee, withdrawn.transitions.count()) == (None, 2)
    assert sorted(_messages(response)) == sorted([f"{withdrawn}：诉求已结束（已撤回），不能再分派。", "已将 1 条诉求分派给您。"])


def test_the_assign_form_of_a_rejected_request_is_refused_and_not_offered(client):
    so = service_officer()
    request = _service_request()
    service_request_transition(service_request=request, action="reject", actor=so, note="不属于本园区受理范围")
    client.force_login(so)

    page = client.get(reverse("admin:crm_servicerequest_change", args=[request.pk]))
    response = client.post(reverse("admin:crm_servicerequest_assign", args=[request.pk]), {"assignee": so.pk})

    assert "assign_form" not in page.context
    assert _messages(response) == ["诉求已结束（不予受理），不能再分派。"]
    request.refresh_from_db()
    assert (request.assignee, request.transitions.count()) == (None, 2)


def test_an_assignment_is_listed_as_分派_on_the_request_page_and_in_the_transition_list(client):
    so = service_officer(display_name="周敏")
    request = _service_request()
    client.force_login(so)
    client.post(reverse("admin:crm_servicerequest_assign", args=[request.pk]), {"assignee": so.pk})

    page = client.get(reverse("admin:crm_servicerequest_change", args=[request.pk])).content.decode()
    listing = client.get(reverse("admin:crm_servicerequesttransition_changelist"))

    transition_admin = admin.site._registry[ServiceRequestTransition]
    rows = re.sub(r"\s+", "", page)
    assert '<tdclass="field-action_display"><p>分派</p></td>' in rows
    assert '<tdclass="field-note"><p>分派给周敏</p></td>' in rows
    assert [transition_admin.action_display(t) for t in listing.context["cl"].result_list] == ["提交", "分派"]
    assert '<td class="field-action_display">分派</td>' in listing.content.decode()


def test_reject_from_the_request_page_needs_a_reason(client):
    so = service_officer()
    request = _service_request()
    client.force_login(so)
    url = reverse("admin:crm_servicerequest_transition", args=[request.pk])
    response = client.post(url, {"action": "reject", "note": ""})
    assert _messages(response) == ["“不予受理”必须填写原因。"]
    request.refresh_from_db()
    assert request.status == RequestStatus.SUBMITTED
    client.post(url, {"action": "reject", "note": "不属于本园区受理范围"})
    request.refresh_from_db()
    assert (request.status, request.rejection_reason) == (RequestStatus.REJECTED, "不属于本园区受理范围")


def test_request_page_offers_only_the_actions_allowed_now(client):
    request = _service_request()
    client.force_login(service_officer())
    response = client.get(reverse("admin:crm_servicerequest_change", args=[request.pk]))
    assert [name for name, _spec in response.context["request_actions"]] == ["accept", "reject"]


def _request_page_data(request, **extra):
    """The request page posted with its inline management forms."""
    data = {
        "messages-TOTAL_FORMS": "0", "messages-INITIAL_FORMS": "0", "messages-MIN_NUM_FORMS": "0", "messages-MAX_NUM_FORMS": "0",
        "attachments-TOTAL_FORMS": "0", "attachments-INITIAL_FORMS": "0", "attachments-MIN_NUM_FORMS": "0",
        "attachments-MAX_NUM_FORMS": "0",
        "approval_steps-TOTAL_FORMS": "0", "approval_steps-INITIAL_FORMS": "0", "approval_steps-MIN_NUM_FORMS": "0",
        "approval_steps-MAX_NUM_FORMS": "1000",
        "callbacks-TOTAL_FORMS": "0", "callbacks-INITIAL_FORMS": "0", "callbacks-MIN_NUM_FORMS": "0",
        "callbacks-MAX_NUM_FORMS": "0",
        "transitions-TOTAL_FORMS": str(request.transitions.count()), "transitions-INITIAL_FORMS": str(request.transitions.count()),
        "transitions-MIN_NUM_FORMS": "0", "transitions-MAX_NUM_FORMS": "0",
        "_continue": "保存并继续编辑",
    }
    for i, transition in enumerate(request.transitions.all()):
        data[f"transitions-{i}-id"] = transition.pk
        data[f"transitions-{i}-request"] = request.pk
    data.update(extra)
    return data


def _reply(client, request, *, body, is_internal=False):
    data = {"body": body, **({"is_internal": "on"} if is_internal else {})}
    return client.post(reverse("admin:crm_servicerequest_reply", args=[request.pk]), data)


def test_a_reply_written_on_the_request_page_is_posted_by_the_officer(client):
    so = service_officer()
    request = _service_request()
    client.force_login(so)
    response = _reply(client, request, body="请补充护照首页扫描件。")
    assert response.status_code == 302
    assert list(request.messages.values_list("body", "author", "is_internal")) == [("请补充护照首页扫描件。", so.pk, False)]


@pytest.mark.parametrize("status", FINISHED_STATUSES)
def test_a_message_to_the_enterprise_on_a_finished_request_is_refused_on_the_request_page(client, status):
    so = service_officer()
    request = request_moved_to(_service_request(), status, officer=so)
    notifications = Notification.objects.count()
    client.force_login(so)

    response = _reply(client, request, body="还有问题请联系。")

    label = {"closed": "已关闭", "withdrawn": "已撤回", "rejected": "不予受理"}[status]
    assert response.status_code == 302
    assert f"诉求已结束（{label}），不能再留言。" in client.get(response.url).content.decode()
    assert request.messages.count() == 0
    assert Notification.objects.count() == notifications


def test_an_internal_note_on_a_closed_request_is_kept_from_the_request_page(client):
    so = service_officer()
    request = request_moved_to(_service_request(), "closed", officer=so)
    client.force_login(so)

    response = _reply(client, request, body="回访：企业满意。", is_internal=True)

    assert response.status_code == 302
    assert list(request.messages.values_list("body", "author", "is_internal")) == [("回访：企业满意。", so.pk, True)]


# ---- 审批环节 on the request page, through the approval-step services --------------------------------

STEP_DUE = dt.datetime(2026, 11, 6, 17, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def _steps_data(request, rows):
    """The request page with its approval-step inline: ``rows`` are dicts of the fields of each row, existing first."""
    steps = list(request.approval_steps.all())
    data = _request_page_data(request, **{
        "approval_steps-TOTAL_FORMS": str(len(rows)), "approval_steps-INITIAL_FORMS": str(len(steps)),
    })
    for i, row in enumerate(rows):
        step = steps[i] if i < len(steps) else None
        due = timezone.localtime(row.get("due_at", step.due_at if step else STEP_DUE))
        data.update({
            f"approval_steps-{i}-id": step.pk if step else "",
            f"approval_steps-{i}-request": request.pk,
            f"approval_steps-{i}-sequence": row.get("sequence", step.sequence if step else ""),
            f"approval_steps-{i}-name": row.get("name", step.name if step else ""),
            f"approval_steps-{i}-authority": row.get("authority", step.authority if step else ""),
            f"approval_steps-{i}-due_at_0": due.strftime("%Y-%m-%d"),
            f"approval_steps-{i}-due_at_1": due.strftime("%H:%M:%S"),
        })
        if row.get("completed", bool(step and step.completed_at)):
            data[f"approval_steps-{i}-completed"] = "on"
    return data


def _post_page(client, request, data):
    return client.post(reverse("admin:crm_servicerequest_change", args=[request.pk]), data)


def test_a_step_planned_on_the_request_page_goes_through_the_service(client):
    so = service_officer()
    request = _service_request()
    client.force_login(so)

    response = _post_page(client, request, _steps_data(request, [{"name": "外专局审批", "authority": "省外国专家局"}]))

    assert response.status_code == 302, response.context and [f.errors for f in response.context["inline_admin_formsets"]]
    assert list(request.approval_steps.values_list("sequence", "name", "authority", "due_at", "completed_at")) == [
        (1, "外专局审批", "省外国专家局", STEP_DUE, None),
    ]
    assert list(request.transitions.values_list("action", "actor", "from_status", "to_status")[1:]) == [
        ("step_plan", so.pk, "submitted", "submitted"),
    ]


def test_ticking_completed_on_the_request_page_completes_the_step_and_unticking_reopens_it(client):
    so = service_officer()
    request = _service_request()
    approval_step_plan(service_request=request, name="外专局审批", due_at=STEP_DUE, actor=so)
    client.force_login(so)

    completed = _post_page(client, request, _steps_data(request, [{"completed": True}]))
    step = request.approval_steps.get()
    page = client.get(reverse("admin:crm_servicerequest_change", args=[request.pk]))
    reopened = _post_page(client, request, _steps_data(request, [{"completed": False}]))
    renamed = _post_page(client, request, _steps_data(request, [{"name": "外专局终审"}]))

    assert (completed.status_code, reopened.status_code, renamed.status_code) == (302, 302, 302)
    assert step.completed_at is not None
    steps_inline = next(f for f in page.context["inline_admin_formsets"] if f.formset.model is ApprovalStep)
    assert steps_inline.formset.forms[0].fields["name"].disabled is True  # a completed step is reopened to be edited
    step.refresh_from_db()
    assert (step.name, step.completed_at) == ("外专局终审", None)
    assert list(request.transitions.values_list("action", flat=True)[1:]) == [
        "step_plan", "step_complete", "step_reopen", "step_change",
    ]
    assert set(request.transitions.values_list("actor", flat=True)[1:]) == {so.pk}


def test_a_step_planned_without_a_name_is_a_form_error_and_nothing_is_stored(client):
    so = service_officer()
    request = _service_request()
    client.force_login(so)

    response = _post_page(client, request, _steps_data(request, [{"name": ""}]))

    assert response.status_code == 200
    assert request.approval_steps.count() == 0
    assert request.transitions.count() == 1


def test_the_steps_of_a_finished_request_are_read_only_on_its_page_and_a_post_changes_nothing(client):
    so = service_officer()
    request = _service_request()
    step = approval_step_plan(service_request=request, name="外专局审批", due_at=STEP_DUE, actor=so)
    request = request_moved_to(request, "rejected", officer=so)
    client.force_login(so)
    before = (list(request.approval_steps.values_list("name", "completed_at")), request.transitions.count())

    page = client.get(reverse("admin:crm_servicerequest_change", args=[request.pk]))
    response = _post_page(client, request, _steps_data(request, [{"completed": True}, {"name": "发证"}]))

    steps_inline = next(f for f in page.context["inline_admin_formsets"] if f.formset.model is ApprovalStep)
    assert (steps_inline.has_add_permission, steps_inline.has_change_permission) == (False, False)
    assert response.status_code == 302
    assert (list(request.approval_steps.values_list("name", "completed_at")), request.transitions.count()) == before
    assert step.completed_at is None


def test_a_user_who_is_not_a_service_officer_cannot_change_steps_from_the_request_page(client):
    request = _service_request()
    # A manager (who may read requests) granted by hand the rights to change them: the service still refuses.
    staff = manager(username="clerk")
    staff.user_permissions.add(*Permission.objects.filter(codename__in=[
        "view_servicerequest", "change_servicerequest", "add_approvalstep", "change_approvalstep", "view_approvalstep",
    ]))
    client.force_login(staff)

    page = client.get(reverse("admin:crm_servicerequest_change", args=[request.pk]))
    response = _post_page(client, request, _steps_data(request, [{"name": "外专局审批"}]))

    # The inline asks the service (approval_steps_refused) and offers no step form; a posted one is not taken.
    steps_inline = next(f for f in page.context["inline_admin_formsets"] if f.formset.model is ApprovalStep)
    assert (steps_inline.has_add_permission, steps_inline.has_change_permission) == (False, False)
    assert response.status_code == 302
    assert (request.approval_steps.count(), request.transitions.count()) == (0, 1)


def test_the_standalone_approval_step_pages_are_read_only(client):
    so = service_officer()
    request = _service_request()
    step = approval_step_plan(service_request=request, name="外专局审批", due_at=STEP_DUE, actor=so)
    client.force_login(UserFactory(is_staff=True, is_superuser=True, username="root"))

    listing = client.get(reverse("admin:crm_approvalstep_changelist"))
    add = client.get(reverse("admin:crm_approvalstep_add"))
    change = client.post(reverse("admin:crm_approvalstep_change", args=[step.pk]), {
        "request": request.pk, "sequence": 1, "name": "改名", "due_at_0": "2026-11-06", "due_at_1": "17:00:00",
    })

    assert listing.status_code == 200
    assert "审批环节在诉求页面上安排、修改、完成或重新打开" in listing.content.decode()
    assert (add.status_code, change.status_code) == (403, 403)
    step.refresh_from_db()
    assert step.name == "外专局审批"


def test_requests_cannot_be_added_in_the_admin(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True, username="root"))
    assert client.get(reverse("admin:crm_servicerequest_add")).status_code == 403


def test_service_category_sla_is_editable_in_the_list(client):
    category = ServiceCategoryFactory()
    client.force_login(UserFactory(is_staff=True, is_superuser=True, username="root"))
    response = client.post(reverse("admin:crm_servicecategory_changelist"), {
        "form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "1", "form-MIN_NUM_FORMS": "0", "form-MAX_NUM_FORMS": "1000",
        "form-0-id": category.pk, "form-0-sla_value": "48", "form-0-sla_unit": "calendar_hours",
        "form-0-pause_while_waiting_external": "", "form-0-is_active": "on", "form-0-sort_order": "0",
        "_save": "保存",
    })
    assert response.status_code == 302
    category.refresh_from_db()
    assert category.sla_value == 48


def test_managers_can_look_but_not_change_projects(client):
    project = ProjectFactory()
    client.force_login(manager())
    assert client.get(reverse("admin:crm_project_changelist")).status_code == 200
    response = client.get(reverse("admin:crm_project_change", args=[project.pk]))
    assert response.status_code == 200
    assert "stage_form" not in response.context


def test_reverting_a_project_from_its_history_is_refused_and_changes_nothing(client, admin_user):
    """A revert would save an old stage past project_change_stage, leaving no stage-history row."""
    from crm.models import Stage
    from crm.pipeline.services import project_change_stage

    project = ProjectFactory()
    first_version = project.history.earliest("history_date")
    project_change_stage(project=project, to=Stage.CONTACTED, actor=project.owner)
    client.force_login(admin_user)

    response = client.post(f"/admin/crm/project/{project.pk}/history/{first_version.history_id}/", {"name": project.name})

    assert response.status_code == 403
    project.refresh_from_db()
    assert (project.stage, project.stage_changes.count()) == (Stage.CONTACTED, 2)


# ---- officers land on “mine, active”, remembered (issue 11, item 8) ---------------------------------

def test_an_officer_lands_on_my_active_projects(client):
    me = officer()
    mine = ProjectFactory(owner=me, name="我的在办")
    shared = ProjectFactory(name="协办项目")
    shared.co_officers.add(me)
    project_at(Stage.LOST, owner=me, name="我的已终止")
    ProjectFactory(name="别人的项目")
    client.force_login(me)
    url = reverse("admin:crm_project_changelist")
    response = client.get(url)
    assert (response.status_code, response["Location"]) == (302, f"{url}?scope=mine_active")
    listed = client.get(response["Location"]).context["cl"].result_list
    assert sorted(p.name for p in listed) == sorted([mine.name, shared.name])


def test_the_officers_last_choice_is_remembered_and_all_projects_is_one_click(client):
    me = officer()
    ProjectFactory(owner=me, name="我的在办")
    ProjectFactory(name="别人的项目")
    client.force_login(me)
    url = reverse("admin:crm_project_changelist")
    everything = client.get(url, {"scope": "all"})
    assert sorted(p.name for p in everything.context["cl"].result_list) == ["别人的项目", "我的在办"]
    # The scope filter offers its four choices, “全部项目” among them, as links.
    html = everything.content.decode()
    for label in ("我的在办项目", "我的全部项目", "全部在办项目", "全部项目"):
        assert label in html
    assert "?scope=all" in html
    response = client.get(url)
    assert response["Location"] == f"{url}?scope=all"
    client.get(url, {"scope": "mine", "stage": "lead"})
    assert client.get(url)["Location"] == f"{url}?scope=mine&stage=lead"


def test_clearing_all_filters_shows_all_projects_not_the_remembered_choice(client):
    client.force_login(officer())
    response = client.get(reverse("admin:crm_project_changelist"), {"scope": "mine_active", "stage": "lead", "q": "云"})
    assert response.context["cl"].clear_all_filters_qs == "?q=%E4%BA%91&scope=all"


def test_other_staff_land_on_the_whole_list(client):
    client.force_login(manager())
    ProjectFactory(name="某项目")
    response = client.get(reverse("admin:crm_project_changelist"))
    assert response.status_code == 200
    assert [p.name for p in response.context["cl"].result_list] == ["某项目"]
