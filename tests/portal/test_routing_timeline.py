"""The enterprise's view of routing (承办进度): which department handles its request, and the timeline of transfers and
approved extensions — never the desk's notes to departments, hand-back reasons, extension reasons or decisions, refused
extensions, nor the messages between the desk and the departments."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from crm.models import Routing
from crm.service_requests.routing import (
    routing_complete,
    routing_create,
    routing_decide_extension,
    routing_hand_back,
    routing_request_extension,
    routing_transfer,
)
from tests.crm.routing_world import INTERNAL_NOTE, LIAISON_SAYS, SHARED, build_world
from tests.factories import department_liaison

pytestmark = pytest.mark.django_db

SECRETS = (
    "交办说明：请加急",  # the desk's note to the department
    "非本单位职能，退回",  # a hand-back's reason
    "转办说明：属规划",  # the transfer's note
    "需核实学历认证",  # an extension's reason
    "同意，请抓紧",  # the station head's decision note
    "不同意再延",  # a refusal's note
    "已发证（内部）",  # the completion's note
    SHARED, LIAISON_SAYS, INTERNAL_NOTE,
)


def local(value):
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


@pytest.fixture
def story():
    """The work permit: routed to 人社外专处 (lead) and 市场监管 (assist, which hands it back); 人社外专处's routing
    transferred to 规划资源分局, which asks for two extensions — one approved, one refused — and completes."""
    world = build_world()
    planner = department_liaison(world.planning, username="liaison3")
    assist = routing_create(service_request=world.permit, department=world.market, role=Routing.Role.ASSIST,
                            note="交办说明：请加急", actor=world.zhou)
    routing_hand_back(routing=assist, reason="非本单位职能，退回", actor=world.liaison2)
    moved = routing_transfer(routing=world.permit_routing, to_department=world.planning, note="转办说明：属规划",
                             actor=world.zhou)
    approved = routing_request_extension(routing=moved, due_at=moved.due_at + dt.timedelta(days=3),
                                         reason="需核实学历认证", actor=planner)
    routing_decide_extension(extension=approved, approve=True, note="同意，请抓紧", actor=world.head)
    moved.refresh_from_db()
    refused = routing_request_extension(routing=moved, due_at=moved.due_at + dt.timedelta(days=3),
                                        reason="需核实学历认证", actor=planner)
    routing_decide_extension(extension=refused, approve=False, note="不同意再延", actor=world.head)
    world.approved_due = approved.requested_due_at
    world.moved = moved
    world.planner = planner
    return world


def portal_page(world, user=None) -> str:
    client = Client()
    client.force_login(user or world.alice)
    response = client.get(f"/portal/requests/{world.permit.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def timeline(html: str) -> list[str]:
    import re

    section = html.split('id="routing-timeline"')[1].split("</section>")[0]
    return [re.sub(r"\s+", " ", t).strip() for t in re.findall(r'class="timeline__action">(.*?)</span>', section, re.S)]


def test_the_enterprise_sees_who_handles_its_request_and_the_timeline_of_transfers_and_approved_extensions(story):
    html = portal_page(story)

    assert "承办单位" in html and "杭州市规划和自然资源局西湖分局（主办）" in html
    assert "杭州市人社局（外国专家服务处）（主办）</dd>" not in html  # transferred away: no longer handling it
    assert timeline(html) == [
        "交由 人社外专处 办理（主办）",
        "交由 市场监管 办理（协办）",
        "由 人社外专处 转办至 规划资源分局（主办）",
        f"规划资源分局 的办理时限延长至 {local(story.approved_due)}",
    ]


def test_the_enterprise_never_reads_notes_reasons_refusals_or_the_messages_between_desk_and_departments(story):
    html = portal_page(story)

    for secret in SECRETS:
        assert secret not in html, secret
    assert "退回" not in timeline(html)[1]
    assert not any("不批准" in entry or "申请延期" in entry for entry in timeline(html))


def test_a_completed_routing_shows_on_the_timeline_without_its_note(story):
    routing_complete(routing=story.moved, note="已发证（内部）", actor=story.planner)

    html = portal_page(story)

    assert timeline(html)[-1] == "规划资源分局 已办结（主办）"
    assert "已发证（内部）" not in html
    assert '<dt>承办单位</dt>' not in html  # nobody is handling it any more


def test_a_request_never_routed_shows_no_departments_and_no_timeline(story):
    client = Client()
    client.force_login(story.alice)

    html = client.get(f"/portal/requests/{story.unrouted.pk}/").content.decode()

    assert 'id="routing-timeline"' not in html and "<dt>承办单位</dt>" not in html


def test_another_enterprise_gets_404_for_the_timeline_of_a_request_not_its_own(story):
    client = Client()
    client.force_login(story.registration.submitted_by)

    assert client.get(f"/portal/requests/{story.permit.pk}/").status_code == 404


def test_the_timeline_takes_the_same_queries_for_two_routings_or_six(story):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(story.alice)
    url = f"/portal/requests/{story.permit.pk}/"
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    for department in (story.experts, story.market):
        routing_create(service_request=story.permit, department=department, role=Routing.Role.ASSIST, note="",
                       actor=story.zhou)
    with CaptureQueriesContext(connection) as after:
        html = client.get(url).content.decode()
    assert len(timeline(html)) == 6
    assert len(after) == len(before), [q["sql"] for q in after.captured_queries]
