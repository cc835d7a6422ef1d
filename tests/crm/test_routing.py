"""分办/转办: departments' due times on the working-day calendar, and every step through its one service."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from crm.errors import DomainError
from crm.models import (
    Routing,
    RoutingEvent,
    RoutingExtension,
    ServiceRequest,
    ServiceRequestMessage,
)
from crm.roles import Work, may
from crm.service_requests.routing import (
    routing_complete,
    routing_create,
    routing_decide_extension,
    routing_due_at,
    routing_hand_back,
    routing_request_extension,
    routing_transfer,
)
from crm.service_requests.selectors import message_list, routing_timeline
from crm.service_requests.services import service_request_transition
from crm.service_requests.thread import message_post
from tests.factories import (
    DepartmentFactory,
    ServiceCategoryFactory,
    department_liaison,
    station_head,
)

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


def at(*args):
    return dt.datetime(*args, tzinfo=SH)


@pytest.fixture
def waizhuan(db):
    return DepartmentFactory(name="区人力社保局（外国专家服务）", short_name="人社/外专")


@pytest.fixture
def shichang(db):
    return DepartmentFactory(name="区市场监督管理局", short_name="市场监管")


@pytest.fixture
def liaison(waizhuan):
    return department_liaison(waizhuan, username="liaison", display_name="外专联络员")


@pytest.fixture
def liaison2(shichang):
    return department_liaison(shichang, username="liaison2", display_name="市场监管联络员")


@pytest.fixture
def head(db):
    return station_head(username="head", display_name="驿站站长")


@pytest.fixture
def accepted(alice_request, zhou):
    return service_request_transition(service_request=alice_request, action="accept", actor=zhou)


def _route(request, department, role, actor, **kwargs):
    return routing_create(service_request=request, department=department, role=role, note="请协助办理", actor=actor, **kwargs)


def _working_days_category():
    return ServiceCategoryFactory(code="license", name="营业执照变更", sla_unit="working_days", sla_value=10, form=False)


# -- due times ---------------------------------------------------------------------------------------------------


def test_the_work_permit_departments_are_due_in_calendar_hours_lead_24_assist_12_even_on_a_holiday(work_permit):
    routed = at(2026, 10, 1, 9, 30)

    assert routing_due_at(category=work_permit, role="lead", routed_at=routed).due_at == at(2026, 10, 2, 9, 30)
    assert routing_due_at(category=work_permit, role="assist", routed_at=routed).due_at == at(2026, 10, 1, 21, 30)


def test_a_department_routed_on_friday_counts_working_days_after_the_weekend():
    category = _working_days_category()
    friday = at(2026, 11, 6, 15, 0)

    # 协办 3: Mon 9, Tue 10, Wed 11 → the end of Wednesday; 主办 7: Mon 9 … Fri 13, Mon 16, Tue 17.
    assert routing_due_at(category=category, role="assist", routed_at=friday).due_at == at(2026, 11, 12, 0, 0)
    assert routing_due_at(category=category, role="lead", routed_at=friday).due_at == at(2026, 11, 18, 0, 0)


def test_a_department_routed_on_the_eve_of_national_day_2026_skips_the_holiday_and_works_the_make_up_saturday():
    # chinesecalendar's 2026: Oct 1–7 off; Saturday Oct 10 a make-up working day (调休), Sunday Oct 11 off.
    category = _working_days_category()
    eve = at(2026, 9, 30, 17, 30)

    # 协办 3: Thu Oct 8, Fri Oct 9, Sat Oct 10 (调休) → the end of Saturday.
    assert routing_due_at(category=category, role="assist", routed_at=eve).due_at == at(2026, 10, 11, 0, 0)
    # 主办 7: Oct 8, 9, 10, 12, 13, 14, 15.
    assert routing_due_at(category=category, role="lead", routed_at=eve).due_at == at(2026, 10, 16, 0, 0)


def test_the_sunday_before_mid_autumn_2026_is_a_make_up_working_day_for_a_department():
    # chinesecalendar's 2026: Sunday Sep 20 is worked (调休), Fri Sep 25 – Sun Sep 27 off (中秋).
    category = _working_days_category()

    due = routing_due_at(category=category, role="assist", routed_at=at(2026, 9, 18, 10, 0))

    assert due.due_at == at(2026, 9, 23, 0, 0)  # Sun 20, Mon 21, Tue 22


def test_a_routing_is_due_by_the_limits_of_its_category_from_the_moment_it_is_routed(accepted, waizhuan, shichang, zhou):
    routed = at(2026, 12, 7, 10, 0)

    lead = _route(accepted, waizhuan, "lead", zhou, at=routed)
    assist = _route(accepted, shichang, "assist", zhou, at=routed)

    assert (lead.due_at, assist.due_at) == (at(2026, 12, 8, 10, 0), at(2026, 12, 7, 22, 0))
    assert lead.events.get().kind == RoutingEvent.Kind.ROUTED
    assert lead.events.get().actor == zhou
    assert lead.events.get().due_after == lead.due_at


# -- routing -----------------------------------------------------------------------------------------------------


def test_a_request_is_routed_only_once_accepted(alice_request, waizhuan, zhou):
    with pytest.raises(DomainError) as refused:
        _route(alice_request, waizhuan, "lead", zhou)

    assert refused.value.code == DomainError.ILLEGAL_TRANSITION
    assert "请先受理" in str(refused.value.message)
    assert not Routing.objects.exists()


@pytest.mark.parametrize("status", ["resolved", "closed", "rejected", "withdrawn"])
def test_a_resolved_or_finished_request_is_not_routed(alice_request, waizhuan, zhou, status):
    from tests.factories import request_moved_to

    request = request_moved_to(alice_request, status, officer=zhou)

    with pytest.raises(DomainError) as refused:
        _route(request, waizhuan, "lead", zhou)

    assert refused.value.code == DomainError.ILLEGAL_TRANSITION
    assert not Routing.objects.exists()


def test_a_request_has_one_active_lead_and_any_number_of_assisting_departments(accepted, waizhuan, shichang, zhou):
    third = DepartmentFactory(name="区税务局")
    _route(accepted, waizhuan, "lead", zhou)
    _route(accepted, shichang, "assist", zhou)
    _route(accepted, third, "assist", zhou)

    with pytest.raises(DomainError) as refused:
        _route(accepted, DepartmentFactory(name="区规划资源分局"), "lead", zhou)

    assert refused.value.code == DomainError.ILLEGAL_TRANSITION
    assert Routing.objects.filter(role="lead").count() == 1
    assert Routing.objects.filter(role="assist").count() == 2


def test_a_department_already_working_on_the_request_or_retired_is_refused(accepted, waizhuan, shichang, zhou):
    _route(accepted, waizhuan, "lead", zhou)
    shichang.is_active = False
    shichang.save()

    with pytest.raises(DomainError) as twice:
        _route(accepted, waizhuan, "assist", zhou)
    with pytest.raises(DomainError) as retired:
        _route(accepted, shichang, "assist", zhou)

    assert (twice.value.field, retired.value.field) == ("department", "department")
    assert Routing.objects.count() == 1


def test_a_liaison_or_a_manager_cannot_route_only_the_desk_can(accepted, waizhuan, liaison, boss):
    for actor in (liaison, boss):
        with pytest.raises(DomainError) as refused:
            _route(accepted, waizhuan, "lead", actor)
        assert refused.value.code == DomainError.FORBIDDEN

    assert not Routing.objects.exists()


# -- hand-back and transfer ----------------------------------------------------------------------------------------


def test_a_department_hands_a_routing_back_with_a_reason_the_enterprise_does_not_see(accepted, waizhuan, liaison, zhou):
    routing = _route(accepted, waizhuan, "lead", zhou)

    with pytest.raises(DomainError) as no_reason:
        routing_hand_back(routing=routing, reason="  ", actor=liaison)
    assert no_reason.value.field == "reason"
    routing.refresh_from_db()
    assert routing.status == Routing.Status.ACTIVE

    routing_hand_back(routing=routing, reason="不属于本单位职责", actor=liaison)

    routing.refresh_from_db()
    assert routing.status == Routing.Status.HANDED_BACK
    event = routing.events.get(kind=RoutingEvent.Kind.HANDED_BACK)
    assert (event.actor, event.note, event.visible_to_enterprise) == (liaison, "不属于本单位职责", False)
    assert [e.kind for e in routing_timeline(service_request=accepted)] == ["routed"]


def test_a_routing_handed_back_is_not_handed_back_twice(accepted, waizhuan, liaison, zhou):
    routing = _route(accepted, waizhuan, "lead", zhou)
    routing_hand_back(routing=routing, reason="不属于本单位职责", actor=liaison)

    with pytest.raises(DomainError) as refused:
        routing_hand_back(routing=routing, reason="再次退回", actor=liaison)

    assert refused.value.code == DomainError.ILLEGAL_TRANSITION
    assert routing.events.count() == 2


def test_another_departments_liaison_cannot_act_on_a_routing(accepted, waizhuan, liaison2, zhou):
    routing = _route(accepted, waizhuan, "lead", zhou)

    for attempt in (
        lambda: routing_hand_back(routing=routing, reason="退回", actor=liaison2),
        lambda: routing_complete(routing=routing, actor=liaison2),
        lambda: routing_request_extension(routing=routing, due_at=routing.due_at + dt.timedelta(days=1), reason="忙",
                                          actor=liaison2),
    ):
        with pytest.raises(DomainError) as refused:
            attempt()
        assert refused.value.code == DomainError.FORBIDDEN

    routing.refresh_from_db()
    assert routing.status == Routing.Status.ACTIVE
    assert routing.events.count() == 1
    assert not RoutingExtension.objects.exists()


def test_the_desk_transfers_a_routing_to_another_department_which_gets_its_full_limit(accepted, waizhuan, shichang, zhou):
    routing = _route(accepted, waizhuan, "lead", zhou, at=at(2026, 12, 7, 9, 0))

    new = routing_transfer(routing=routing, to_department=shichang, note="应由市场监管办理", actor=zhou,
                           at=at(2026, 12, 7, 15, 0))

    routing.refresh_from_db()
    assert (routing.status, routing.transferred_to) == (Routing.Status.TRANSFERRED, new)
    assert (new.department, new.role, new.status) == (shichang, "lead", Routing.Status.ACTIVE)
    assert new.due_at == at(2026, 12, 8, 15, 0)
    assert [(e.routing_id, e.kind) for e in routing_timeline(service_request=accepted)] == [
        (routing.pk, "routed"), (routing.pk, "transferred"), (new.pk, "routed"),
    ]


def test_a_routing_handed_back_can_be_transferred(accepted, waizhuan, shichang, liaison, zhou):
    routing = _route(accepted, waizhuan, "lead", zhou)
    routing_hand_back(routing=routing, reason="不属于本单位职责", actor=liaison)

    new = routing_transfer(routing=routing, to_department=shichang, actor=zhou)

    assert new.status == Routing.Status.ACTIVE
    assert Routing.objects.get(pk=routing.pk).status == Routing.Status.TRANSFERRED


def test_a_transfer_needs_another_active_department(accepted, waizhuan, shichang, zhou):
    routing = _route(accepted, waizhuan, "lead", zhou)
    retired = DepartmentFactory(name="已撤销的单位", is_active=False)

    for target in (waizhuan, retired, None):
        with pytest.raises(DomainError) as refused:
            routing_transfer(routing=routing, to_department=target, actor=zhou)
        assert refused.value.field == "department"

    routing.refresh_from_db()
    assert routing.status == Routing.Status.ACTIVE
    assert Routing.objects.count() == 1


def test_a_liaison_cannot_transfer(accepted, waizhuan, shichang, liaison, zhou):
    routing = _route(accepted, waizhuan, "lead", zhou)

    with pytest.raises(DomainError) as refused:
        routing_transfer(routing=routing, to_department=shichang, actor=liaison)

    assert refused.value.code == DomainError.FORBIDDEN
    assert Routing.objects.count() == 1


# -- extensions --------------------------------------------------------------------------------------------------


@pytest.fixture
def lead_routing(accepted, waizhuan, zhou):
    return _route(accepted, waizhuan, "lead", zhou, at=at(2026, 12, 7, 9, 0))


def test_an_approved_extension_of_the_lead_moves_its_due_time_and_the_requests(lead_routing, liaison, head):
    request = ServiceRequest.objects.get(pk=lead_routing.service_request_id)
    wanted = request.due_at + dt.timedelta(hours=48)
    extension = routing_request_extension(routing=lead_routing, due_at=wanted, reason="需补充材料", actor=liaison)

    routing_decide_extension(extension=extension, approve=True, note="同意", actor=head)

    lead_routing.refresh_from_db()
    request.refresh_from_db()
    extension.refresh_from_db()
    assert lead_routing.due_at == wanted
    assert request.due_at == wanted
    assert (extension.status, extension.decided_by) == (RoutingExtension.Status.APPROVED, head)
    approved = lead_routing.events.get(kind=RoutingEvent.Kind.EXTENSION_APPROVED)
    assert (approved.due_after, approved.visible_to_enterprise, approved.actor) == (wanted, True, head)
    assert request.transitions.filter(action="due_extend", actor=head).count() == 1


def test_an_approved_extension_of_an_assisting_department_leaves_the_requests_due_time(accepted, shichang, liaison2,
                                                                                         zhou, head):
    routing = _route(accepted, shichang, "assist", zhou)
    before = ServiceRequest.objects.get(pk=accepted.pk).due_at
    extension = routing_request_extension(routing=routing, due_at=before + dt.timedelta(days=3), reason="排队",
                                          actor=liaison2)

    routing_decide_extension(extension=extension, approve=True, actor=head)

    routing.refresh_from_db()
    assert routing.due_at == before + dt.timedelta(days=3)
    assert ServiceRequest.objects.get(pk=accepted.pk).due_at == before


def test_a_refused_extension_changes_no_due_time(lead_routing, liaison, head):
    request_due = ServiceRequest.objects.get(pk=lead_routing.service_request_id).due_at
    due = lead_routing.due_at
    extension = routing_request_extension(routing=lead_routing, due_at=due + dt.timedelta(days=2), reason="需补充材料",
                                          actor=liaison)

    routing_decide_extension(extension=extension, approve=False, note="材料已齐，请按时办结", actor=head)

    lead_routing.refresh_from_db()
    extension.refresh_from_db()
    assert lead_routing.due_at == due
    assert ServiceRequest.objects.get(pk=lead_routing.service_request_id).due_at == request_due
    assert extension.status == RoutingExtension.Status.REFUSED
    refused = lead_routing.events.get(kind=RoutingEvent.Kind.EXTENSION_REFUSED)
    assert (refused.visible_to_enterprise, refused.note) == (False, "材料已齐，请按时办结")
    assert [e.kind for e in routing_timeline(service_request=lead_routing.service_request)] == ["routed"]


def test_an_extension_must_ask_for_a_later_time_with_a_reason_and_one_at_a_time(lead_routing, liaison):
    later = lead_routing.due_at + dt.timedelta(days=1)
    refusals = []
    for due_at, reason in ((lead_routing.due_at, "理由"), (later, ""), (None, "理由"), (dt.datetime(2027, 1, 1), "理由")):
        with pytest.raises(DomainError) as refused:
            routing_request_extension(routing=lead_routing, due_at=due_at, reason=reason, actor=liaison)
        refusals.append(refused.value.field)
    routing_request_extension(routing=lead_routing, due_at=later, reason="理由", actor=liaison)
    with pytest.raises(DomainError) as second:
        routing_request_extension(routing=lead_routing, due_at=later, reason="理由", actor=liaison)

    assert refusals == ["due_at", "reason", "due_at", "due_at"]
    assert second.value.code == DomainError.ILLEGAL_TRANSITION
    assert RoutingExtension.objects.count() == 1


def test_only_the_station_head_decides_an_extension(lead_routing, liaison, zhou, boss):
    extension = routing_request_extension(routing=lead_routing, due_at=lead_routing.due_at + dt.timedelta(days=1),
                                          reason="理由", actor=liaison)

    for actor in (zhou, liaison, boss):
        with pytest.raises(DomainError) as refused:
            routing_decide_extension(extension=extension, approve=True, actor=actor)
        assert refused.value.code == DomainError.FORBIDDEN

    extension.refresh_from_db()
    assert extension.status == RoutingExtension.Status.PENDING
    assert not may(zhou, Work.EXTENSION_DECISION)


def test_an_extension_is_decided_once(lead_routing, liaison, head):
    extension = routing_request_extension(routing=lead_routing, due_at=lead_routing.due_at + dt.timedelta(days=1),
                                          reason="理由", actor=liaison)
    routing_decide_extension(extension=extension, approve=False, actor=head)

    with pytest.raises(DomainError) as refused:
        routing_decide_extension(extension=extension, approve=True, actor=head)

    assert refused.value.code == DomainError.ILLEGAL_TRANSITION
    lead_routing.refresh_from_db()
    assert lead_routing.events.filter(kind=RoutingEvent.Kind.EXTENSION_APPROVED).count() == 0


def test_an_extension_of_a_routing_handed_back_meanwhile_is_not_approved(lead_routing, liaison, head):
    extension = routing_request_extension(routing=lead_routing, due_at=lead_routing.due_at + dt.timedelta(days=1),
                                          reason="理由", actor=liaison)
    routing_hand_back(routing=lead_routing, reason="不属于本单位职责", actor=liaison)

    with pytest.raises(DomainError) as refused:
        routing_decide_extension(extension=extension, approve=True, actor=head)

    assert refused.value.code == DomainError.ILLEGAL_TRANSITION
    assert RoutingExtension.objects.get().status == RoutingExtension.Status.PENDING


# -- completion and what a liaison reads -------------------------------------------------------------------------


def test_a_department_completes_its_routing_and_the_enterprise_sees_it(lead_routing, liaison):
    routing_complete(routing=lead_routing, note="已发证", actor=liaison, at=at(2026, 12, 7, 20, 0))

    lead_routing.refresh_from_db()
    assert (lead_routing.status, lead_routing.completed_at) == (Routing.Status.COMPLETED, at(2026, 12, 7, 20, 0))
    assert [e.kind for e in routing_timeline(service_request=lead_routing.service_request)] == ["routed", "completed"]
    with pytest.raises(DomainError) as twice:
        routing_complete(routing=lead_routing, actor=liaison)
    assert twice.value.code == DomainError.ILLEGAL_TRANSITION


def test_a_liaison_sees_only_requests_its_departments_work_on_or_completed(
    accepted, bob_request, waizhuan, shichang, liaison, liaison2, zhou
):
    service_request_transition(service_request=bob_request, action="accept", actor=zhou)
    routing = _route(accepted, waizhuan, "lead", zhou)
    _route(bob_request, shichang, "lead", zhou)

    assert list(ServiceRequest.objects.visible_to(liaison)) == [accepted]
    assert list(ServiceRequest.objects.visible_to(liaison2)) == [bob_request]
    routing_complete(routing=routing, actor=liaison)
    assert list(ServiceRequest.objects.visible_to(liaison)) == [accepted]


def test_a_request_handed_back_or_transferred_away_leaves_the_liaisons_view(accepted, waizhuan, shichang, liaison,
                                                                           liaison2, zhou):
    routing = _route(accepted, waizhuan, "lead", zhou)
    routing_hand_back(routing=routing, reason="不属于本单位职责", actor=liaison)

    assert not ServiceRequest.objects.visible_to(liaison).exists()
    routing_transfer(routing=routing, to_department=shichang, actor=zhou)
    assert list(ServiceRequest.objects.visible_to(liaison2)) == [accepted]
    assert not ServiceRequest.objects.visible_to(liaison).exists()


def test_a_liaison_reads_the_desks_shared_messages_and_its_own_departments_never_internal_notes(
    accepted, waizhuan, shichang, liaison, liaison2, zhou, alice
):
    _route(accepted, waizhuan, "lead", zhou)
    _route(accepted, shichang, "assist", zhou)
    public = message_post(service_request=accepted, author=zhou, body="已受理，正在办理")
    note = message_post(service_request=accepted, author=zhou, body="企业负责人脾气急", is_internal=True)
    shared = ServiceRequestMessage.objects.create(request=accepted, author=zhou, body="请各单位协办", is_internal=True,
                                                  shared_with_departments=True)
    own = ServiceRequestMessage.objects.create(request=accepted, author=liaison, body="材料已收到", is_internal=True,
                                               department=waizhuan)
    other = ServiceRequestMessage.objects.create(request=accepted, author=liaison2, body="无异议", is_internal=True,
                                                 department=shichang)

    assert list(message_list(service_request=accepted, user=liaison)) == [shared, own]
    assert list(message_list(service_request=accepted, user=liaison2)) == [shared, other]
    assert list(message_list(service_request=accepted, user=alice)) == [public]
    assert list(message_list(service_request=accepted, user=zhou)) == [public, note, shared, own, other]


def test_a_desk_message_for_the_departments_is_never_the_enterprises(accepted, zhou):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceRequestMessage.objects.create(request=accepted, author=zhou, body="x", shared_with_departments=True)


def test_a_liaison_with_a_desk_role_too_reads_every_request(accepted, bob_request, waizhuan, zhou):
    from django.contrib.auth.models import Group

    both = department_liaison(waizhuan, username="both")
    both.groups.add(Group.objects.get(name="service_officer"))

    assert set(ServiceRequest.objects.visible_to(both)) == {accepted, bob_request}


def test_the_data_migration_gives_the_work_permit_24_and_12_hours_and_creates_the_role_groups():
    import importlib

    from django.apps import apps
    from django.contrib.auth.models import Group

    migration = importlib.import_module("crm.migrations.0018_role_groups_departments")
    category = ServiceCategoryFactory(code="work_permit", routing_limit_unit="working_days", lead_limit=7, assist_limit=3)
    other = _working_days_category()

    migration.forwards(apps, None)

    category.refresh_from_db()
    other.refresh_from_db()
    assert (category.routing_limit_unit, category.lead_limit, category.assist_limit) == ("calendar_hours", 24, 12)
    assert (other.routing_limit_unit, other.lead_limit, other.assist_limit) == ("working_days", 7, 3)
    assert Group.objects.filter(name__in=["department_liaison", "service_lead"]).count() == 2
