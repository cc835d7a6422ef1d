"""Ownership (项目归属): only a project's owner, its co-officers and the head of investment promotion (招商负责人)
change its stage, its follow-ups and its landing records; only the head reassigns owners; another officer and a
manager are refused with nothing changed; the owner is told when someone else changed their project.

The rule is crm/pipeline/ownership.py; these tests go through the services (what the kanban and the API call)
and the admin (change page, stage form, owner field, bulk 分配负责人). The API's answers are in
tests/api/test_project_ownership.py.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from crm.errors import DomainError
from crm.models import (
    AnnualCommitment,
    CapitalArrival,
    FollowUp,
    Notification,
    Project,
    ProjectMilestone,
    ProjectStageChange,
    ReminderRule,
    Stage,
)
from crm.pipeline.commitments import annual_commitment_set, capital_arrival_record, milestone_plan
from crm.pipeline.ownership import may_change_project, projects_changeable_by
from crm.pipeline.services import follow_up_create, project_change_stage, projects_assign_owner
from tests.factories import ProjectFactory, manager, officer, project_at

pytestmark = pytest.mark.django_db

REFUSAL = "只有项目负责人、协同专员或招商负责人可以修改此项目。"
ASSIGN_REFUSAL = "只有招商负责人可以分配项目负责人。"


@pytest.fixture
def owner():
    return officer(username="owner", display_name="王志远", email="wang@example.com")


@pytest.fixture
def co_officer():
    return officer(username="co", display_name="赵协同")


@pytest.fixture
def other():
    return officer(username="other", display_name="李晓燕")


@pytest.fixture
def project(owner, co_officer):
    return ProjectFactory(name="沐曦智算中心项目", owner=owner, co_officers=[co_officer])


def _told(user):
    """What the notifications engine wrote for ``user`` about projects changed by someone else: (channel, subject)."""
    rows = Notification.objects.filter(recipient=user, rule=ReminderRule.Code.PROJECT_CHANGED).order_by("channel")
    return [(n.channel, n.subject) for n in rows]


def _state(project):
    project = Project.objects.get(pk=project.pk)
    return project.stage, project.owner_id, ProjectStageChange.objects.filter(project=project).count()


# ---- the rule ------------------------------------------------------------------------------------------------


def test_the_owner_the_co_officers_the_lead_and_superusers_may_change_a_project_nobody_else(
    project, owner, co_officer, other, lead, boss, root
):
    answers = {user.username: may_change_project(user, project) for user in (owner, co_officer, other, lead, boss, root)}

    assert answers == {"owner": True, "co": True, "other": False, "lead": True, "boss": False, "root": True}


def test_the_rule_reads_prefetched_co_officers_without_a_query(project, co_officer, other, django_assert_num_queries):
    project = Project.objects.prefetch_related("co_officers").get(pk=project.pk)

    # 0 queries: the co-officers come from the prefetch, the roles from each user's cached groups (asked once here).
    co_officer.has_role("x"), other.has_role("x")
    with django_assert_num_queries(0):
        assert may_change_project(co_officer, project) is True
        assert may_change_project(other, project) is False


def test_the_orm_twin_agrees_with_the_rule_for_every_user_and_project_in_one_query(
    project, owner, co_officer, other, lead, boss, root, django_assert_num_queries
):
    projects = [project, ProjectFactory(owner=other), ProjectFactory(owner=other, co_officers=[owner, co_officer])]
    for user in (owner, co_officer, other, lead, boss, root):
        user.has_role("x")  # the roles, cached per user: not what is counted
        expected = sorted(p.pk for p in Project.objects.prefetch_related("co_officers") if may_change_project(user, p))
        # 1 query: the projects, the co-officer test an EXISTS on crm_project_co_officers (no DISTINCT, no join);
        # none for a manager, who changes nothing (an empty queryset).
        with django_assert_num_queries(0 if user == boss else 1):
            found = sorted(projects_changeable_by(user).values_list("pk", flat=True))
        assert found == expected, user.username
    assert sorted(projects_changeable_by(other).values_list("pk", flat=True)) == [p.pk for p in projects[1:]]


# ---- stage (what the kanban, the API and the admin's stage form call) ----------------------------------------


def test_the_owner_moves_their_project_and_nobody_is_told(project, owner, co_officer):
    project_change_stage(project=project, to=Stage.CONTACTED, actor=owner)

    assert Project.objects.get(pk=project.pk).stage == Stage.CONTACTED
    assert Notification.objects.filter(rule=ReminderRule.Code.PROJECT_CHANGED).count() == 0


def test_a_co_officer_moves_the_project_and_the_owner_is_told_in_app_and_by_email(
    project, owner, co_officer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        project_change_stage(project=project, to=Stage.CONTACTED, actor=co_officer)

    assert Project.objects.get(pk=project.pk).stage == Stage.CONTACTED
    subject = "赵协同 将您负责的项目“沐曦智算中心项目”从“线索”转到“初步接洽”"
    assert _told(owner) == [("email", subject), ("in_app", subject)]
    assert _told(co_officer) == []


def test_the_lead_moves_anyones_project_and_the_owner_is_told(project, owner, lead):
    project_change_stage(project=project, to=Stage.CONTACTED, actor=lead)
    project_change_stage(project=project, to=Stage.LOST, actor=lead, note="企业决定落户外地")

    assert Project.objects.get(pk=project.pk).stage == Stage.LOST
    assert [subject for channel, subject in _told(owner) if channel == "in_app"] == [
        "陈建国 将您负责的项目“沐曦智算中心项目”从“线索”转到“初步接洽”",
        "陈建国 将您负责的项目“沐曦智算中心项目”从“初步接洽”转到“终止”",
    ]


def test_another_officer_may_not_move_the_project_and_nothing_changes(project, other):
    before = _state(project)

    with pytest.raises(DomainError) as refused:
        project_change_stage(project=project, to=Stage.CONTACTED, actor=other)

    assert (refused.value.code, str(refused.value.message)) == (DomainError.FORBIDDEN, REFUSAL)
    assert _state(project) == before
    assert Notification.objects.count() == 0


def test_a_manager_may_not_move_a_project(project, boss):
    before = _state(project)

    with pytest.raises(DomainError) as refused:
        project_change_stage(project=project, to=Stage.CONTACTED, actor=boss)

    assert refused.value.code == DomainError.FORBIDDEN
    assert _state(project) == before


def test_someone_else_is_refused_even_an_illegal_move_as_forbidden_not_as_a_conflict(project, other):
    # The 403 comes before the 409: someone who may not touch the project learns nothing about its legal moves.
    with pytest.raises(DomainError) as refused:
        project_change_stage(project=project, to=Stage.PRODUCTION, actor=other)

    assert refused.value.code == DomainError.FORBIDDEN


# ---- owner (分配负责人) ------------------------------------------------------------------------------------------


def test_the_lead_reassigns_a_project_and_the_previous_and_new_owner_are_told(project, owner, other, lead):
    count = projects_assign_owner(projects=Project.objects.filter(pk=project.pk), owner=other, actor=lead)

    assert count == 1
    assert Project.objects.get(pk=project.pk).owner == other
    assert [s for c, s in _told(owner) if c == "in_app"] == ["陈建国 已将您负责的项目“沐曦智算中心项目”分配给 李晓燕"]
    assert _told(other) == [("in_app", "陈建国 将项目“沐曦智算中心项目”分配给您负责")]
    assert _told(lead) == []


@pytest.mark.parametrize("who", ["owner", "co_officer", "other", "boss"])
def test_only_the_lead_reassigns_owners_and_a_refusal_changes_nothing(who, project, other, request):
    actor = request.getfixturevalue(who)

    with pytest.raises(DomainError) as refused:
        projects_assign_owner(projects=Project.objects.filter(pk=project.pk), owner=other, actor=actor)

    assert refused.value.code == DomainError.FORBIDDEN
    assert str(refused.value.message) == (ASSIGN_REFUSAL if who != "boss" else "只有招商专员可以修改项目和跟进记录。")
    assert Project.objects.get(pk=project.pk).owner.username == "owner"
    assert project.history.count() == 1
    assert Notification.objects.count() == 0


# ---- follow-ups and landing records ----------------------------------------------------------------------------


def test_the_co_officer_and_the_lead_log_follow_ups_another_officer_may_not(project, co_officer, lead, other):
    for who in (co_officer, lead):
        follow_up_create(project=project, officer=who, occurred_on=dt.date(2026, 12, 1), note="电话沟通")

    with pytest.raises(DomainError) as refused:
        follow_up_create(project=project, officer=other, occurred_on=dt.date(2026, 12, 2), note="顺路拜访")

    assert refused.value.code == DomainError.FORBIDDEN
    assert list(FollowUp.objects.filter(project=project).values_list("officer__username", flat=True).order_by("id")) == [
        "co", "lead",
    ]


def test_another_officer_records_no_landing_commitment_on_someone_elses_signed_project(owner, other, lead):
    project = project_at(Stage.SIGNED, owner=owner)

    for attempt in (
        lambda: milestone_plan(project=project, kind="land_delivery", planned_on=dt.date(2027, 3, 1), actor=other),
        lambda: capital_arrival_record(project=project, arrived_on=dt.date(2026, 1, 5), amount=Decimal("100"), actor=other),
        lambda: annual_commitment_set(project=project, year=2027, output_per_mu=Decimal("100"), tax_per_mu=Decimal("10"),
                                      headcount=50, actor=other),
    ):
        with pytest.raises(DomainError) as refused:
            attempt()
        assert refused.value.code == DomainError.FORBIDDEN

    assert (ProjectMilestone.objects.count(), CapitalArrival.objects.count(), AnnualCommitment.objects.count()) == (0, 0, 0)
    milestone_plan(project=project, kind="land_delivery", planned_on=dt.date(2027, 3, 1), actor=lead)
    assert ProjectMilestone.objects.count() == 1


# ---- the admin ---------------------------------------------------------------------------------------------------


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def _change_url(project):
    return reverse("admin:crm_project_change", args=[project.pk])


def _stage_url(project):
    return reverse("admin:crm_project_change_stage", args=[project.pk])


def _inline_rights(response):
    """(inline's model, may add, may change) for every inline of the page."""
    return {
        (f.formset.model._meta.model_name, f.has_add_permission, f.has_change_permission)
        for f in response.context["inline_admin_formsets"]
    }


@pytest.mark.parametrize("who", ["other", "boss"])
def test_someone_elses_project_page_is_read_only_without_save_buttons_or_stage_form(who, project, client, request):
    client.force_login(request.getfixturevalue(who))

    response = client.get(_change_url(project))

    assert response.status_code == 200
    body = response.content.decode()
    assert 'name="_save"' not in body and 'name="_continue"' not in body
    assert "stage_form" not in response.context and "follow_up_form" not in response.context
    assert "adminform" in response.context and response.context["adminform"].form.fields == {}
    assert {(model, add, change) for model, add, change in _inline_rights(response) if add or change} == set()


@pytest.mark.parametrize("who", ["owner", "co_officer", "lead"])
def test_the_owner_co_officers_and_lead_get_the_editable_page_with_the_stage_form(who, project, client, request):
    client.force_login(request.getfixturevalue(who))

    response = client.get(_change_url(project))

    assert response.status_code == 200
    assert 'name="_save"' in response.content.decode()
    assert response.context["stage_form_url"] == _stage_url(project)
    assert response.context["follow_up_form_url"] == reverse("admin:crm_project_follow_up", args=[project.pk])


def test_another_officer_posting_the_change_form_is_403_and_nothing_changes(project, other, client):
    client.force_login(other)
    before = Project.objects.filter(pk=project.pk).values().get()

    response = client.post(_change_url(project), {"name": "改名", "enterprise": project.enterprise_id})

    assert response.status_code == 403
    assert Project.objects.filter(pk=project.pk).values().get() == before


@pytest.mark.parametrize("who", ["other", "boss"])
def test_the_stage_form_refuses_someone_else_with_403_and_nothing_changes(who, project, client, request):
    client.force_login(request.getfixturevalue(who))
    before = _state(project)

    response = client.post(_stage_url(project), {"to": Stage.CONTACTED, "note": ""})

    assert response.status_code == 403
    assert _state(project) == before
    assert Notification.objects.count() == 0


def test_a_co_officer_moves_the_project_from_its_page_and_the_owner_is_told(project, owner, co_officer, client):
    client.force_login(co_officer)

    response = client.post(_stage_url(project), {"to": Stage.CONTACTED, "note": ""})

    assert response.status_code == 302
    assert _messages(response) == ["项目已转到“初步接洽”。"]
    assert Project.objects.get(pk=project.pk).stage == Stage.CONTACTED
    assert [s for c, s in _told(owner) if c == "in_app"] == ["赵协同 将您负责的项目“沐曦智算中心项目”从“线索”转到“初步接洽”"]


def test_the_owner_field_is_read_only_for_the_owner_and_editable_for_the_lead(project, owner, lead, client):
    client.force_login(owner)
    assert "owner" not in client.get(_change_url(project)).context["adminform"].form.fields

    client.force_login(lead)
    assert "owner" in client.get(_change_url(project)).context["adminform"].form.fields


def test_the_lead_reassigning_on_the_page_goes_through_the_service_and_tells_both_owners(
    project, owner, other, lead, client
):
    client.force_login(lead)
    page = client.get(_change_url(project))
    data = _form_data(page)
    data["owner"] = other.pk

    response = client.post(_change_url(project), data)

    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    assert Project.objects.get(pk=project.pk).owner == other
    assert project.history.filter(owner=other, history_user=lead).count() == 1
    assert [s for c, s in _told(owner) if c == "in_app"] == ["陈建国 已将您负责的项目“沐曦智算中心项目”分配给 李晓燕"]
    assert _told(other) == [("in_app", "陈建国 将项目“沐曦智算中心项目”分配给您负责")]


def _form_data(page):
    """The change page's form as a browser would submit it: the main form and every inline's management and rows."""
    data = {}
    form = page.context["adminform"].form
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None:
            continue
        if isinstance(value, list | tuple):
            data[name] = [getattr(v, "pk", v) for v in value]
        else:
            data[name] = getattr(value, "pk", value)
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        prefix = formset.prefix
        data[f"{prefix}-TOTAL_FORMS"] = len(formset.initial_forms)
        data[f"{prefix}-INITIAL_FORMS"] = len(formset.initial_forms)
        data[f"{prefix}-MIN_NUM_FORMS"] = 0
        data[f"{prefix}-MAX_NUM_FORMS"] = 1000
    return data


def test_the_bulk_assign_action_is_offered_to_the_lead_only(project, owner, lead, client):
    def actions():
        # follow: an officer's bare list opens on their remembered scope (“我的在办项目”)
        form = client.get(reverse("admin:crm_project_changelist"), follow=True).context["action_form"]
        return [] if form is None else [name for name, _label in form.fields["action"].choices if name]

    client.force_login(owner)
    assert actions() == []  # the officer's list has no bulk action left

    client.force_login(lead)
    assert actions() == ["assign_owner"]


@pytest.mark.parametrize("who", ["owner", "other"])
def test_an_officer_posting_the_bulk_assign_action_is_refused_and_nothing_changes(who, project, other, client, request):
    client.force_login(request.getfixturevalue(who))

    response = client.post(
        reverse("admin:crm_project_changelist"),
        {"action": "assign_owner", "_selected_action": [project.pk], "index": "0", "apply": "1", "owner": other.pk},
        follow=True,
    )

    assert response.status_code == 200
    assert Project.objects.get(pk=project.pk).owner.username == "owner"
    assert Notification.objects.count() == 0
    assert "已将" not in " ".join(_messages(response))


def test_the_follow_up_page_refuses_a_follow_up_on_someone_elses_project(project, other, client):
    client.force_login(other)

    response = client.post(
        reverse("admin:crm_followup_add"),
        {"project": project.pk, "officer": other.pk, "occurred_on": "2026-12-01", "kind": "visit", "note": "顺路拜访"},
        follow=True,
    )

    assert response.status_code == 200
    assert REFUSAL in _messages(response)
    assert FollowUp.objects.count() == 0


def test_a_manager_still_reads_every_project_page(project, client):
    client.force_login(manager(username="boss2"))

    assert client.get(_change_url(project)).status_code == 200
    assert client.get(reverse("admin:crm_project_changelist")).status_code == 200


def test_the_page_asks_the_rule_once_a_co_officer_costs_one_query_more_than_the_owner(project, owner, co_officer, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def page_queries(user):
        client.force_login(user)
        client.get(_change_url(project))  # warm: session, caches
        with CaptureQueriesContext(connection) as queries:
            assert client.get(_change_url(project)).status_code == 200
        return len(queries)

    # The owner is recognised from project.owner_id (no query); a co-officer by one EXISTS on crm_project_co_officers,
    # asked once per request however many inlines and buttons ask (crm.admin.projects.may_change).
    assert page_queries(co_officer) == page_queries(owner) + 1


def test_another_officer_is_told_whose_project_it_is_a_manager_and_the_owner_are_not(project, owner, other, boss, client):
    note = "此项目由 王志远 负责：只有项目负责人、协同专员或招商负责人可以修改，您可以查看。"
    shown = {}
    for user in (other, boss, owner):
        client.force_login(user)
        shown[user.username] = client.get(_change_url(project)).context.get("ownership_note")

    assert shown == {"other": note, "boss": None, "owner": None}


# ---- the pages of a project's records ---------------------------------------------------------------------------


def test_the_bulk_delete_of_follow_ups_refuses_those_of_someone_elses_project_with_a_message(project, owner, other, client):
    theirs = follow_up_create(project=project, officer=owner, occurred_on=dt.date(2026, 12, 1), note="电话沟通")
    own_project = ProjectFactory(name="自己的项目", owner=other)
    mine = follow_up_create(project=own_project, officer=other, occurred_on=dt.date(2026, 12, 1), note="走访")
    client.force_login(other)
    url = reverse("admin:crm_followup_changelist")
    selection = {"action": "delete_selected", "_selected_action": [theirs.pk, mine.pk], "index": "0"}

    confirm = client.post(url, selection)
    response = client.post(url, {**selection, "post": "yes"}, follow=True)

    assert confirm.status_code == 200
    assert list(FollowUp.objects.values_list("pk", flat=True)) == [theirs.pk]
    assert "1 条记录属于您无权修改的项目（沐曦智算中心项目），未删除。" in _messages(response)


def test_someone_elses_follow_up_page_is_read_only_and_a_post_is_403(project, owner, other, client):
    theirs = follow_up_create(project=project, officer=owner, occurred_on=dt.date(2026, 12, 1), note="电话沟通")
    client.force_login(other)
    url = reverse("admin:crm_followup_change", args=[theirs.pk])

    assert 'name="_save"' not in client.get(url).content.decode()
    response = client.post(url, {"project": project.pk, "officer": other.pk, "occurred_on": "2026-12-01",
                                 "kind": "visit", "note": "改掉"})
    assert response.status_code == 403
    assert FollowUp.objects.get(pk=theirs.pk).note == "电话沟通"


def test_a_credit_on_someone_elses_project_is_refused(project, other, client):
    client.force_login(other)

    response = client.post(
        reverse("admin:crm_projectcredit_add"),
        {"project": project.pk, "officer": other.pk, "unit": "招商一局", "share_percent": "50"},
        follow=True,
    )

    assert REFUSAL in _messages(response)
    assert project.credits.count() == 0


def test_a_co_officer_editing_the_page_tells_the_owner_which_fields_and_the_owner_editing_tells_nobody(
    project, owner, co_officer, client
):
    for user, amount in ((owner, "6000"), (co_officer, "8000")):
        client.force_login(user)
        data = _form_data(client.get(_change_url(project)))
        data["total_investment"] = amount
        response = client.post(_change_url(project), data)
        assert response.status_code == 302, response.context and response.context["adminform"].form.errors

    assert Project.objects.get(pk=project.pk).total_investment == Decimal("8000")
    assert [s for c, s in _told(owner) if c == "in_app"] == ["赵协同 修改了您负责的项目“沐曦智算中心项目”：总投资（万元）"]
    assert _told(co_officer) == []
