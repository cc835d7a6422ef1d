"""The enterprise's request list: its own requests only, with the SLA clock in three colours, paginated."""

import datetime as dt

import pytest
from django.utils import timezone

from crm.models import RequestStatus, ServiceRequest
from crm.service_requests.clock import time_left
from tests.factories import ServiceCategoryFactory, service_request

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2025, 3, 10, 9, 0, tzinfo=dt.UTC)


def _request(*, submitted_at=T0, hours=24, status=RequestStatus.SUBMITTED, **kwargs):
    return ServiceRequest(
        submitted_at=submitted_at, due_at=submitted_at + dt.timedelta(hours=hours), status=status, **kwargs
    )


def _shown(clock):
    return {"label": clock.label, "colour": clock.colour, "paused": clock.paused}


def test_clock_is_green_while_more_than_a_fifth_of_the_window_is_left():
    assert _shown(time_left(_request(), now=T0 + dt.timedelta(hours=1))) == {
        "label": "剩余 23 小时", "colour": "green", "paused": False,
    }


def test_clock_turns_yellow_when_less_than_a_fifth_of_the_window_is_left():
    # 24 h window: a fifth is 4 h 48 min.
    assert time_left(_request(), now=T0 + dt.timedelta(hours=19, minutes=12)).colour == "green"
    clock = time_left(_request(), now=T0 + dt.timedelta(hours=19, minutes=13))
    assert (clock.label, clock.colour) == ("剩余 4 小时", "yellow")


def test_clock_counts_minutes_in_the_last_hour():
    assert time_left(_request(), now=T0 + dt.timedelta(hours=23, minutes=30)).label == "剩余 30 分钟"


def test_clock_is_red_once_the_due_time_has_passed():
    clock = time_left(_request(), now=T0 + dt.timedelta(hours=25, minutes=30))

    assert (clock.label, clock.colour) == ("已超时 1 小时", "red")


def test_clock_is_red_at_the_due_time_itself():
    assert time_left(_request(), now=T0 + dt.timedelta(hours=24)).label == "已超时 0 分钟"


def test_clock_shows_days_for_long_windows():
    clock = time_left(_request(hours=15 * 24), now=T0 + dt.timedelta(days=9, hours=21))

    assert (clock.label, clock.colour) == ("剩余 5 天 3 小时", "green")


def test_clock_stops_while_paused_for_an_external_authority():
    request = _request(status=RequestStatus.WAITING_EXTERNAL, paused_since=T0 + dt.timedelta(hours=10))

    clock = time_left(request, now=T0 + dt.timedelta(days=3))

    assert _shown(clock) == {"label": "剩余 14 小时", "colour": "green", "paused": True}


def test_clock_does_not_run_for_a_finished_request():
    for status in (RequestStatus.RESOLVED, RequestStatus.CLOSED, RequestStatus.REJECTED, RequestStatus.WITHDRAWN):
        assert _shown(time_left(_request(status=status), now=T0 + dt.timedelta(days=3))) == {
            "label": "—", "colour": "none", "paused": False,
        }


def test_list_shows_the_enterprises_own_requests_with_status_category_and_due_time(
    alice_client, alice_request, bob_request
):
    response = alice_client.get("/portal/")

    html = response.content.decode()
    assert response.status_code == 200
    assert [obj.pk for obj, _ in response.context["rows"]] == [alice_request.pk]
    assert "申请外籍专家工作许可" in html
    assert "科聪控制的工作许可" not in html
    assert "外国人来华工作许可" in html
    assert "已提交" in html
    due = timezone.localtime(alice_request.due_at).strftime("%Y-%m-%d %H:%M")
    submitted = timezone.localtime(alice_request.submitted_at).strftime("%Y-%m-%d %H:%M")
    assert due in html
    assert submitted in html
    assert 'class="clock clock--green">剩余 23 小时' in html


def test_list_shows_an_overdue_request_in_red(alice_client, sunshine, alice, work_permit):
    service_request(enterprise=sunshine, submitted_by=alice, category=work_permit, at=timezone.now() - dt.timedelta(hours=26))

    html = alice_client.get("/portal/").content.decode()

    assert 'class="clock clock--red">已超时 2 小时' in html


def test_list_is_paginated_twenty_to_a_page(alice_client, sunshine, alice, work_permit):
    for n in range(21):
        service_request(enterprise=sunshine, submitted_by=alice, category=work_permit, title=f"诉求{n}")

    first = alice_client.get("/portal/")
    second = alice_client.get("/portal/?page=2")

    assert len(first.context["rows"]) == 20
    assert len(second.context["rows"]) == 1
    assert "第 1 / 2 页" in first.content.decode()


def test_list_says_so_when_there_is_nothing_yet(alice_client):
    html = alice_client.get("/portal/").content.decode()

    assert "还没有诉求" in html


def test_list_names_the_enterprise_when_the_user_belongs_to_several(alice_client, alice, sunshine, kecong, work_permit):
    alice.enterprises.add(kecong)
    service_request(enterprise=sunshine, submitted_by=alice, category=work_permit)
    service_request(enterprise=kecong, submitted_by=alice, category=work_permit)

    response = alice_client.get("/portal/")

    assert response.context["many_enterprises"] is True
    assert "· 科聪控制" in response.content.decode()


@pytest.mark.parametrize("count", [2, 20])
def test_list_runs_the_same_queries_whatever_the_number_of_requests(
    client, alice, sunshine, work_permit, count, django_assert_num_queries
):
    housing = ServiceCategoryFactory(code="talent_housing", name="人才房", sla_unit="working_days", sla_value=5)
    for n in range(count):
        if n % 2:
            details = {"applicant_name": "张三", "household_size": 2}
            service_request(enterprise=sunshine, submitted_by=alice, category=housing, title=f"诉求{n}", details=details)
        else:
            service_request(enterprise=sunshine, submitted_by=alice, category=work_permit, title=f"诉求{n}")
    client.force_login(alice)

    # If this changes, explain why in the commit: 1 session, 2 user, 3 the user's groups (role check),
    # 4 unread badge, 5 page count, 6 the page of requests with enterprise/category/assignee/submitter joined,
    # 7 the site profile the header names the park by (crm.notifications.site).
    with django_assert_num_queries(7):
        response = client.get("/portal/")

    assert len(response.context["rows"]) == count
