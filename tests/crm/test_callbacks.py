"""回访 (call-back after closing): the desk records how the enterprise received the outcome; 不满意 reopens the request.

Over the service, the admin's request page and the API (``/api/v1/service-requests/{id}/callbacks/``); the
enterprise sees its request reopened, never the call-back record.
"""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from crm.errors import DomainError
from crm.models import Notification, RequestCallBack, RequestStatus, ServiceRequest
from crm.service_requests import clock
from crm.service_requests.callbacks import request_record_callback
from crm.service_requests.services import allowed_actions, service_request_transition, transition_label
from tests.api.support import api_client, results
from tests.factories import manager, request_moved_to, service_officer

pytestmark = pytest.mark.django_db
S = RequestStatus
URL = "/api/v1/service-requests/{}/callbacks/"


def _state(request):
    request = ServiceRequest.objects.get(pk=request.pk)
    return (request.status, request.resolved_at, request.due_at, request.transitions.count(), request.callbacks.count())


@pytest.fixture
def resolved(alice_request, zhou):
    return request_moved_to(alice_request, S.RESOLVED, officer=zhou)


@pytest.fixture
def closed(alice_request, zhou):
    return request_moved_to(alice_request, S.CLOSED, officer=zhou)


def test_a_satisfied_call_back_is_recorded_and_leaves_the_request_as_it_was(resolved, zhou):
    before = _state(resolved)

    callback = request_record_callback(service_request=resolved, result="satisfied", comment="企业表示很满意", actor=zhou)

    assert (callback.request_id, callback.result, callback.comment, callback.recorded_by) == (
        resolved.pk, "satisfied", "企业表示很满意", zhou,
    )
    status, resolved_at, due_at, transitions, callbacks = _state(resolved)
    assert (status, resolved_at, due_at, transitions, callbacks) == (S.RESOLVED, before[1], before[2], before[3], 1)


def test_basic_satisfaction_on_a_closed_request_keeps_it_closed(closed, zhou):
    request_record_callback(service_request=closed, result="basic", comment="", actor=zhou)

    assert ServiceRequest.objects.get(pk=closed.pk).status == S.CLOSED
    assert list(closed.callbacks.values_list("result", flat=True)) == ["basic"]


def test_an_unsatisfied_call_back_reopens_a_closed_request_as_a_recorded_transition(closed, zhou, alice):
    due_before = closed.due_at
    Notification.objects.all().delete()

    request_record_callback(service_request=closed, result="unsatisfied", comment="证件信息有误，需重新办理", actor=zhou)

    request = ServiceRequest.objects.get(pk=closed.pk)
    assert (request.status, request.resolved_at, request.due_at) == (S.IN_PROGRESS, None, due_before)
    last = request.transitions.order_by("-id").first()
    assert (last.action, last.from_status, last.to_status, last.actor, last.note) == (
        "callback_reopen", S.CLOSED, S.IN_PROGRESS, zhou, "回访结果：不满意",
    )
    assert transition_label("callback_reopen") == "回访不满意，重新办理"
    # The enterprise is told its request is handled again — its status is its own — but not the desk's comment.
    notice = Notification.objects.get(recipient=alice)
    assert "办理中" in notice.subject and "证件信息有误" not in notice.subject + notice.body


def test_an_unsatisfied_call_back_reopens_a_resolved_request(resolved, zhou):
    request_record_callback(service_request=resolved, result="unsatisfied", comment="问题没有解决", actor=zhou)

    assert ServiceRequest.objects.get(pk=resolved.pk).status == S.IN_PROGRESS


def test_a_request_reopened_after_its_due_time_is_overdue_at_once(work_permit, sunshine, alice, zhou):
    from tests.factories import service_request

    submitted = timezone.now() - dt.timedelta(hours=48)  # the work permit's 24 hours have passed
    request = service_request(enterprise=sunshine, submitted_by=alice, category=work_permit, at=submitted)
    request = request_moved_to(request, S.CLOSED, officer=zhou)

    request_record_callback(service_request=request, result="unsatisfied", comment="仍未拿到许可", actor=zhou)

    request.refresh_from_db()
    assert request.due_at == submitted + dt.timedelta(hours=24)
    assert clock.time_left(request, now=timezone.now()).colour == clock.RED


@pytest.mark.parametrize("status", [S.SUBMITTED, S.ACCEPTED, S.IN_PROGRESS, S.WAITING_EXTERNAL, S.REJECTED, S.WITHDRAWN])
def test_no_call_back_on_a_request_not_resolved_or_closed_and_nothing_changes(alice_request, zhou, status):
    request = request_moved_to(alice_request, status, officer=zhou)
    before = _state(request)

    with pytest.raises(DomainError) as err:
        request_record_callback(service_request=request, result="unsatisfied", comment="不满意", actor=zhou)

    assert err.value.code == DomainError.ILLEGAL_TRANSITION
    assert "办结或关闭后才能回访" in err.value.message
    assert _state(request) == before


def test_only_the_service_desk_records_a_call_back_and_nothing_changes_otherwise(closed, alice, qian):
    before = _state(closed)
    for actor in (manager(), alice, qian):
        with pytest.raises(DomainError) as err:
            request_record_callback(service_request=closed, result="unsatisfied", comment="不满意", actor=actor)
        assert err.value.code == DomainError.FORBIDDEN
    assert _state(closed) == before


@pytest.mark.parametrize(
    ("result", "comment", "field"),
    [("unsatisfied", "  ", "comment"), ("angry", "很生气", "result"), ("satisfied", "好" * 2001, "comment")],
)
def test_bad_input_is_refused_with_a_chinese_error_and_nothing_changes(closed, zhou, result, comment, field):
    before = _state(closed)

    with pytest.raises(DomainError) as err:
        request_record_callback(service_request=closed, result=result, comment=comment, actor=zhou)

    assert (err.value.code, err.value.field) == (DomainError.INVALID, field)
    assert _state(closed) == before


def test_the_reopening_is_no_button_nor_an_action_the_transition_service_takes(closed, zhou):
    assert "callback_reopen" not in allowed_actions(service_request=closed, user=zhou)
    with pytest.raises(DomainError):
        service_request_transition(service_request=closed, action="callback_reopen", actor=zhou)
    assert ServiceRequest.objects.get(pk=closed.pk).status == S.CLOSED


# -- API ----------------------------------------------------------------------------------------------------------


def test_the_desk_records_and_lists_call_backs_over_the_api(closed, zhou, boss):
    response = api_client(zhou).post(URL.format(closed.pk), {"result": "unsatisfied", "comment": "材料退回"}, format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["result"], body["result_label"], body["comment"], body["recorded_by"]) == (
        "unsatisfied", "不满意", "材料退回", zhou.pk,
    )
    assert ServiceRequest.objects.get(pk=closed.pk).status == S.IN_PROGRESS
    listed = results(api_client(boss).get(URL.format(closed.pk)))
    assert [(c["result"], c["comment"], c["recorded_by_name"]) for c in listed] == [
        ("unsatisfied", "材料退回", str(zhou)),
    ]


def test_the_api_refuses_a_call_back_on_an_open_request_with_409_and_stores_nothing(alice_request, zhou):
    before = _state(alice_request)

    response = api_client(zhou).post(URL.format(alice_request.pk), {"result": "satisfied"}, format="json")

    assert response.status_code == 409
    assert _state(alice_request) == before


def test_unsatisfied_without_a_reason_is_a_400_naming_the_comment(closed, zhou):
    response = api_client(zhou).post(URL.format(closed.pk), {"result": "unsatisfied"}, format="json")

    assert response.status_code == 400
    assert "comment" in response.json()
    assert ServiceRequest.objects.get(pk=closed.pk).status == S.CLOSED


def test_managers_read_but_do_not_record_call_backs(closed, boss):
    response = api_client(boss).post(URL.format(closed.pk), {"result": "satisfied"}, format="json")

    assert response.status_code == 403
    assert closed.callbacks.count() == 0


def test_the_enterprise_never_reads_call_backs_but_sees_its_request_reopened(closed, zhou, alice):
    request_record_callback(service_request=closed, result="unsatisfied", comment="内部：企业很不满", actor=zhou)
    client = api_client(alice)

    assert client.get(URL.format(closed.pk)).status_code == 403
    assert client.post(URL.format(closed.pk), {"result": "satisfied"}, format="json").status_code == 403
    detail = client.get(f"/api/v1/service-requests/{closed.pk}/").json()
    assert detail["status"] == "in_progress"
    assert "企业很不满" not in str(detail)
    assert closed.callbacks.count() == 1


def test_a_request_the_api_does_not_know_is_a_404(zhou):
    assert api_client(zhou).get(URL.format(999999)).status_code == 404


# -- admin --------------------------------------------------------------------------------------------------------


def _admin(user):
    client = Client()
    client.force_login(user)
    return client


def test_the_desk_records_a_call_back_on_the_request_page_and_sees_past_ones(closed, zhou):
    client = _admin(zhou)
    page = client.get(f"/admin/crm/servicerequest/{closed.pk}/change/").content.decode()
    assert "记录回访" in page and 'id="zj-callback-form"' in page

    response = client.post(
        f"/admin/crm/servicerequest/{closed.pk}/callback/", {"result": "unsatisfied", "comment": "许可证信息错误"}, follow=True
    )

    page = response.content.decode()
    assert "已记录回访（不满意），诉求已重新办理。" in page
    assert "许可证信息错误" in page  # the 回访记录 inline
    assert ServiceRequest.objects.get(pk=closed.pk).status == S.IN_PROGRESS
    assert 'id="zj-callback-form"' not in page  # an open request takes no call-back


def test_the_admin_shows_the_refusal_and_stores_nothing(closed, zhou):
    before = _state(closed)

    response = _admin(zhou).post(
        f"/admin/crm/servicerequest/{closed.pk}/callback/", {"result": "unsatisfied", "comment": ""}, follow=True
    )

    assert "请写明企业不满意的原因" in response.content.decode()
    assert _state(closed) == before


def test_a_manager_sees_past_call_backs_but_no_form(closed, zhou, boss):
    request_record_callback(service_request=closed, result="satisfied", comment="满意，感谢驿站", actor=zhou)

    page = _admin(boss).get(f"/admin/crm/servicerequest/{closed.pk}/change/").content.decode()

    assert "满意，感谢驿站" in page
    assert 'id="zj-callback-form"' not in page
    assert _admin(boss).post(
        f"/admin/crm/servicerequest/{closed.pk}/callback/", {"result": "satisfied"}
    ).status_code == 403
    assert RequestCallBack.objects.count() == 1


def test_the_portal_shows_the_enterprise_its_request_reopened_without_the_call_back_comment(closed, zhou, alice):
    request_record_callback(service_request=closed, result="unsatisfied", comment="内部：企业情绪激动", actor=zhou)
    client = Client()
    client.force_login(alice)

    page = client.get(f"/portal/requests/{closed.pk}/").content.decode()

    assert "办理中" in page
    assert "回访结果：不满意" in page  # the history row, as the enterprise said it on the phone
    assert "企业情绪激动" not in page


def _closed_requests(n, enterprise, submitter, officer):
    from tests.factories import service_request

    return [
        request_moved_to(service_request(enterprise=enterprise, submitted_by=submitter, title=f"诉求{i}"), S.CLOSED, officer=officer)
        for i in range(n)
    ]


def test_the_call_back_list_runs_the_same_number_of_queries_for_2_and_12_rows(sunshine, alice, zhou, boss,
                                                                              django_assert_num_queries):
    """Session, user, the user's groups, the recorder filter's choices, the date hierarchy, the counts and the page
    of rows with their request and recorder (joined), the header's badge, the site profile: pinned by measuring at 2
    rows, then the same at 12. Explain any change."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = _admin(boss)
    for request in _closed_requests(2, sunshine, alice, zhou):
        request_record_callback(service_request=request, result="satisfied", actor=zhou)
    client.get("/admin/crm/requestcallback/")  # warm per-process caches
    with CaptureQueriesContext(connection) as small:
        assert client.get("/admin/crm/requestcallback/").context["cl"].result_count == 2
    for request in _closed_requests(10, sunshine, alice, zhou):
        request_record_callback(service_request=request, result="basic", actor=service_officer())
    with django_assert_num_queries(len(small)):
        response = client.get("/admin/crm/requestcallback/")
    assert response.context["cl"].result_count == 12
