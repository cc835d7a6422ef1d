"""走访 and 包联: recording a visit, a problem turned into a service request (linked both ways and followed to its
end), who may do what, the admin's pages, the workbench's 待走访, and that an enterprise sees none of it."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from crm.errors import DomainError
from crm.models import Enterprise, RequestStatus, ServiceRequest, ServiceRequestTransition, Visit, VisitProblem
from crm.visits.selectors import masked_met_with
from crm.visits.services import enterprise_assign_responsible, visit_problem_to_request, visit_record
from crm.workbench import PANEL_ROWS, workbench_for
from tests.factories import EnterpriseFactory, ProjectFactory, ServiceCategoryFactory, request_moved_to

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def general(db):
    """综合服务: a category without a designed form, 5 working days."""
    return ServiceCategoryFactory(code="general", name="综合服务", sla_unit="working_days", sla_value=5, form=False)


@pytest.fixture
def seen(sunshine, qian, zhou):
    """A visit to 西湖阳光 by the investment officer and the service officer, with two problems."""
    return visit_record(
        enterprise=sunshine, visited_on=TODAY - dt.timedelta(days=3), recorded_by=qian, visitors=[qian, zhou],
        met_with="王建国（总经理）、李娜（人事主管）", topics="二期厂房进度、外籍工程师工作许可、用工。",
        problems=["外籍工程师的工作许可急需办理", "  ", "园区班车增加一条线路"],
    )


def test_a_visit_is_recorded_with_who_went_who_was_met_and_its_problems(seen, sunshine, qian, zhou):
    assert Visit.objects.count() == 1
    assert set(seen.visitors.all()) == {qian, zhou}
    assert seen.recorded_by == qian and seen.project is None
    assert [p.description for p in seen.problems.all()] == ["外籍工程师的工作许可急需办理", "园区班车增加一条线路"]
    assert [p.state for p in seen.problems.all()] == [VisitProblem.State.NEW] * 2
    sunshine.refresh_from_db()
    assert sunshine.last_visited_on == TODAY - dt.timedelta(days=3)


def test_an_older_visit_recorded_later_does_not_move_the_last_visit_date_back(seen, sunshine, zhou):
    visit_record(enterprise=sunshine, visited_on=TODAY - dt.timedelta(days=40), recorded_by=zhou, topics="补录。")

    sunshine.refresh_from_db()
    assert sunshine.last_visited_on == TODAY - dt.timedelta(days=3)


def test_the_recorder_is_the_visitor_when_none_is_named_and_a_project_may_be_named(sunshine, qian):
    project = ProjectFactory(owner=qian, enterprise=sunshine)
    visit = visit_record(enterprise=sunshine, project=project, visited_on=TODAY, recorded_by=qian, topics="签约后回访。")

    assert list(visit.visitors.all()) == [qian] and visit.project == project


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"visited_on": TODAY + dt.timedelta(days=1)}, "visited_on"),
        ({"topics": ""}, "topics"),
    ],
)
def test_a_bad_visit_is_refused_in_chinese_and_nothing_is_stored(sunshine, qian, change, field):
    values = {"enterprise": sunshine, "visited_on": TODAY, "recorded_by": qian, "topics": "了解情况。", **change}

    with pytest.raises(DomainError) as refused:
        visit_record(**values, problems=["一个问题"])

    assert field in refused.value.as_dict()
    assert Visit.objects.count() == 0 and VisitProblem.objects.count() == 0
    sunshine.refresh_from_db()
    assert sunshine.last_visited_on is None


def test_a_project_of_another_enterprise_is_refused(sunshine, kecong, qian):
    project = ProjectFactory(owner=qian, enterprise=kecong)

    with pytest.raises(DomainError, match="所选项目不属于该企业"):
        visit_record(enterprise=sunshine, project=project, visited_on=TODAY, recorded_by=qian, topics="走访。")
    assert Visit.objects.count() == 0


@pytest.mark.parametrize("who", ["alice", "boss"])
def test_an_enterprise_user_or_a_manager_records_no_visit(request, sunshine, who):
    with pytest.raises(DomainError) as refused:
        visit_record(enterprise=sunshine, visited_on=TODAY, recorded_by=request.getfixturevalue(who), topics="走访。")

    assert refused.value.code == DomainError.FORBIDDEN
    assert Visit.objects.count() == 0


def test_a_problem_becomes_a_request_of_the_enterprise_linked_both_ways(seen, sunshine, zhou, general):
    problem = seen.problems.first()

    request = visit_problem_to_request(problem=problem, category=general, actor=zhou)

    problem.refresh_from_db()
    assert problem.service_request == request
    assert ServiceRequest.objects.get(pk=request.pk).visit_problem == problem
    assert request.enterprise == sunshine and request.category == general
    assert request.title == "外籍工程师的工作许可急需办理"
    assert request.status == RequestStatus.SUBMITTED and request.submitted_by == zhou
    assert request.due_at is not None  # the category's SLA applies
    assert "走访" in request.description
    submission = ServiceRequestTransition.objects.get(request=request)
    assert (submission.action, submission.actor) == ("submit", zhou)
    assert problem.state == VisitProblem.State.OPEN


def test_the_problem_s_state_follows_its_request_to_the_end(seen, zhou, general):
    problem = seen.problems.first()
    request = visit_problem_to_request(problem=problem, category=general, actor=zhou)

    request_moved_to(request, "resolved", officer=zhou)

    problem.refresh_from_db()
    assert problem.state == VisitProblem.State.SOLVED
    assert list(VisitProblem.objects.solved()) == [problem]
    assert list(VisitProblem.objects.open()) == [seen.problems.last()]


def test_a_rejected_request_leaves_its_problem_unsolved(seen, zhou, general):
    problem = seen.problems.first()
    request = visit_problem_to_request(problem=problem, category=general, actor=zhou)
    request_moved_to(request, "rejected", officer=zhou)

    problem.refresh_from_db()
    assert problem.state == VisitProblem.State.DROPPED
    assert not VisitProblem.objects.solved().exists()


def test_a_problem_is_turned_into_a_request_once(seen, zhou, general):
    problem = seen.problems.first()
    first = visit_problem_to_request(problem=problem, category=general, actor=zhou)

    with pytest.raises(DomainError) as refused:
        visit_problem_to_request(problem=problem, category=general, actor=zhou)

    assert refused.value.code == DomainError.ILLEGAL_TRANSITION
    assert list(ServiceRequest.objects.all()) == [first]


@pytest.mark.parametrize("who", ["qian", "boss", "alice"])
def test_only_the_service_desk_turns_a_problem_into_a_request(request, seen, general, who):
    problem = seen.problems.first()

    with pytest.raises(DomainError) as refused:
        visit_problem_to_request(problem=problem, category=general, actor=request.getfixturevalue(who))

    assert refused.value.code == DomainError.FORBIDDEN
    assert ServiceRequest.objects.count() == 0
    problem.refresh_from_db()
    assert problem.service_request is None


def test_only_staff_are_put_in_charge_and_only_by_those_who_record_visits(sunshine, qian, zhou, alice, boss):
    enterprise_assign_responsible(enterprise=sunshine, actor=zhou, officer=qian, leader=boss, is_key=True)
    sunshine.refresh_from_db()
    assert (sunshine.responsible_officer, sunshine.responsible_leader, sunshine.is_key) == (qian, boss, True)

    with pytest.raises(DomainError, match="不是在职的园区工作人员"):
        enterprise_assign_responsible(enterprise=sunshine, actor=zhou, officer=alice)
    with pytest.raises(DomainError) as refused:
        enterprise_assign_responsible(enterprise=sunshine, actor=boss, officer=zhou)
    assert refused.value.code == DomainError.FORBIDDEN
    sunshine.refresh_from_db()
    assert sunshine.responsible_officer == qian


def test_who_was_met_is_masked_in_lists():
    assert masked_met_with("王建国（总经理）、李娜（人事主管）") == "王**（总经理）、李*（人事主管）"
    assert masked_met_with("张三,Smith (CTO)") == "张*、S****(CTO)"
    assert masked_met_with("蓝振忠（创始人、首席科学家）") == "蓝**（创始人、首席科学家）"
    assert masked_met_with("") == ""


# ---- the admin ----------------------------------------------------------------------------------------------


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_an_officer_records_a_visit_with_its_problems_in_the_admin(sunshine, qian):
    response = _client(qian).post(reverse("admin:crm_visit_add"), {
        "enterprise": sunshine.pk, "visited_on": TODAY.isoformat(), "met_with": "王总", "topics": "了解订单情况。",
        "problems-TOTAL_FORMS": "1", "problems-INITIAL_FORMS": "0",
        "problems-0-description": "希望协调人才公寓",
    })

    assert response.status_code == 302, response.content.decode()[:2000]
    visit = Visit.objects.get()
    assert visit.recorded_by == qian and list(visit.visitors.all()) == [qian]
    assert [p.description for p in visit.problems.all()] == ["希望协调人才公寓"]
    sunshine.refresh_from_db()
    assert sunshine.last_visited_on == TODAY


def test_a_visit_dated_tomorrow_is_refused_beside_its_field_in_the_admin(sunshine, qian):
    response = _client(qian).post(reverse("admin:crm_visit_add"), {
        "enterprise": sunshine.pk, "visited_on": (TODAY + dt.timedelta(days=1)).isoformat(), "topics": "走访。",
        "visitors": [qian.pk], "problems-TOTAL_FORMS": "0", "problems-INITIAL_FORMS": "0",
    })

    assert response.status_code == 200
    assert "走访日期不能晚于今天" in response.content.decode()
    assert Visit.objects.count() == 0


def test_the_desk_turns_a_problem_into_a_request_after_confirming(seen, zhou, general):
    problem = seen.problems.first()
    url = reverse("admin:crm_visit_problem_to_request", args=[seen.pk, problem.pk])
    client = _client(zhou)

    page = client.get(url)
    assert page.status_code == 200
    assert "确认转为诉求" in page.content.decode() and ServiceRequest.objects.count() == 0

    response = client.post(url, {"category": general.pk, "title": "外籍工程师工作许可"})
    assert response.status_code == 302
    problem.refresh_from_db()
    assert problem.service_request.title == "外籍工程师工作许可"
    visit_page = client.get(reverse("admin:crm_visit_change", args=[seen.pk])).content.decode()
    assert f"#{problem.service_request_id} 外籍工程师工作许可" in visit_page
    assert "转为诉求" in visit_page  # the other problem still has its button


def test_an_investment_officer_cannot_turn_a_problem_into_a_request_in_the_admin(seen, qian, general):
    problem = seen.problems.first()
    url = reverse("admin:crm_visit_problem_to_request", args=[seen.pk, problem.pk])

    assert _client(qian).post(url, {"category": general.pk, "title": "x"}).status_code == 403
    assert ServiceRequest.objects.count() == 0


def test_the_enterprise_page_lists_its_visits_and_the_list_filters_my_enterprises(seen, sunshine, kecong, qian, zhou):
    enterprise_assign_responsible(enterprise=sunshine, actor=zhou, officer=zhou)
    client = _client(zhou)

    page = client.get(reverse("admin:crm_enterprise_change", args=[sunshine.pk])).content.decode()
    assert "二期厂房进度" in page and "包联干部" in page

    mine = client.get(reverse("admin:crm_enterprise_changelist") + "?in_charge=me").context["cl"].result_list
    assert list(mine) == [sunshine]


def test_the_visits_list_masks_who_was_met(seen, zhou):
    page = _client(zhou).get(reverse("admin:crm_visit_changelist")).content.decode()

    assert "王**（总经理）" in page and "王建国" not in page


def test_the_problems_list_shows_each_problem_s_state_and_request(seen, zhou, boss, general):
    request = visit_problem_to_request(problem=seen.problems.first(), category=general, actor=zhou)

    page = _client(boss).get(reverse("admin:crm_visitproblem_changelist")).content.decode()

    assert "办理中" in page and f"#{request.pk} 已提交" in page and "待转诉求" in page


@pytest.mark.parametrize("size", [2, 12])
def test_the_visits_list_runs_the_same_queries_however_many_visits(sunshine, qian, zhou, size,
                                                                    django_assert_num_queries):
    for i in range(size):
        visit_record(enterprise=sunshine, visited_on=TODAY - dt.timedelta(days=i), recorded_by=qian,
                     visitors=[qian, zhou], topics="走访。", problems=["问题一", "问题二"])
    client = _client(zhou)
    client.get(reverse("admin:crm_visit_changelist"))
    # session, user, groups (3); permissions of the user and its groups (2); the site profile (1); the header's
    # unread reminders (1); the list's count twice (filtered and total, 2), the page's rows with enterprise, project
    # and recorder joined and the problem counts annotated (1), their visitors (1); the visitor filter's choices (1);
    # the date hierarchy: its range, then its days (2).
    with django_assert_num_queries(14):
        assert client.get(reverse("admin:crm_visit_changelist")).status_code == 200


# ---- an enterprise sees none of it --------------------------------------------------------------------------


def test_an_enterprise_user_reaches_no_visit_over_the_admin_the_api_or_the_portal(seen, alice, zhou, general):
    problem = seen.problems.first()
    visit_problem_to_request(problem=problem, category=general, actor=zhou)
    client = _client(alice)
    urls = [
        reverse("admin:crm_visit_changelist"),
        reverse("admin:crm_visit_change", args=[seen.pk]),
        reverse("admin:crm_visit_add"),
        reverse("admin:crm_visitproblem_changelist"),
        reverse("admin:crm_visit_problem_to_request", args=[seen.pk, seen.problems.last().pk]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"], url
    assert client.post(urls[-1], {"category": general.pk, "title": "x"}).status_code == 302
    assert ServiceRequest.objects.count() == 1
    assert client.get("/api/v1/visits/").status_code in (403, 404)
    # The portal shows the request the problem became (it is the enterprise's), never the visit's notes.
    for path in ("/portal/", "/portal/requests/", f"/portal/requests/{problem.service_request_id}/"):
        body = client.get(path).content.decode()
        assert "二期厂房进度" not in body and "王建国" not in body and "园区班车" not in body


# ---- the workbench: 待走访 -------------------------------------------------------------------------------------


def test_the_workbench_lists_my_enterprises_due_or_overdue_for_a_visit(zhou, qian):
    def mine(name, *, last, is_key=False, officer=zhou):
        enterprise = EnterpriseFactory(name=name)
        enterprise_assign_responsible(enterprise=enterprise, actor=zhou, officer=officer, is_key=is_key)
        Enterprise.objects.filter(pk=enterprise.pk).update(last_visited_on=last)
        return enterprise

    overdue = mine("甲公司", last=TODAY - dt.timedelta(days=100))
    soon = mine("乙公司", last=TODAY - dt.timedelta(days=80))  # due in 10 days
    key = mine("丙公司", last=TODAY - dt.timedelta(days=31), is_key=True)
    mine("丁公司", last=TODAY - dt.timedelta(days=30))  # due in 60 days: not yet
    mine("戊公司", last=TODAY - dt.timedelta(days=200), officer=qian)  # someone else's

    panel = workbench_for(user=zhou).visits

    assert [e.name for e in panel.rows] == [overdue.name, soon.name, key.name]
    assert [e.visit_overdue for e in panel.rows] == [True, False, True]
    assert panel.rows[1].visit_due_on == TODAY + dt.timedelta(days=10)
    page = _client(zhou).get("/admin/").content.decode()
    assert "待走访的包联企业" in page and "甲公司" in page and "戊公司" not in page


@pytest.mark.parametrize("size", [3, PANEL_ROWS * 2])
def test_the_visits_panel_runs_the_same_queries_however_many_enterprises(zhou, size, django_assert_num_queries):
    for i in range(size):
        enterprise = EnterpriseFactory()
        enterprise_assign_responsible(enterprise=enterprise, actor=zhou, officer=zhou)
        Enterprise.objects.filter(pk=enterprise.pk).update(last_visited_on=TODAY - dt.timedelta(days=100 + i))
    zhou = type(zhou).objects.get(pk=zhou.pk)
    zhou.has_role("x")
    from crm.workbench import enterprises_to_visit

    # The rule row (1), the first rows (1), the count (1).
    with django_assert_num_queries(3):
        panel = enterprises_to_visit(user=zhou, today=TODAY)
    assert panel.count == size


def test_a_visit_moved_to_another_enterprise_in_the_admin_moves_the_last_visit_dates(seen, sunshine, kecong, qian, zhou):
    url = reverse("admin:crm_visit_change", args=[seen.pk])
    problems = list(seen.problems.all())
    response = _client(qian).post(url, {
        "enterprise": kecong.pk, "visited_on": seen.visited_on.isoformat(), "visitors": [qian.pk, zhou.pk],
        "met_with": seen.met_with, "topics": seen.topics,
        "problems-TOTAL_FORMS": "2", "problems-INITIAL_FORMS": "2",
        **{f"problems-{i}-id": p.pk for i, p in enumerate(problems)},
        **{f"problems-{i}-visit": seen.pk for i, p in enumerate(problems)},
        **{f"problems-{i}-description": p.description for i, p in enumerate(problems)},
    })

    assert response.status_code == 302, response.content.decode()[:3000]
    sunshine.refresh_from_db()
    kecong.refresh_from_db()
    assert (sunshine.last_visited_on, kecong.last_visited_on) == (None, seen.visited_on)
