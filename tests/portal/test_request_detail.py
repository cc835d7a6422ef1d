"""Following a request: its details (passport masked), history, approval steps, thread, files and the enterprise's actions."""

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone

from crm.models import ApprovalStep, Notification, RequestStatus, ServiceRequestMessage
from crm.service_requests.attachments import attachment_add
from crm.service_requests.services import service_request_assign, service_request_transition
from crm.service_requests.thread import message_post
from tests.factories import FINISHED_STATUSES, request_moved_to, service_officer

from .conftest import pdf_upload

pytestmark = pytest.mark.django_db
XSS = "<script>alert(1)</script>"
XSS_ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


def url(request, suffix=""):
    return f"/portal/requests/{request.pk}/{suffix}"


@pytest.fixture
def officer(db):
    return service_officer(username="zhou", display_name="周敏")


def _to(request, officer, *actions):
    for action in actions:
        request = service_request_transition(service_request=request, action=action, actor=officer)
    return request


def test_detail_shows_the_request_with_its_details_and_the_passport_masked(alice_client, alice_request):
    response = alice_client.get(url(alice_request))

    html = response.content.decode()
    assert response.status_code == 200
    assert "申请外籍专家工作许可" in html
    assert "外国人来华工作许可" in html
    assert "John Smith" in html
    assert "首席算法工程师" in html
    assert "E1*****78" in html
    assert "E12345678" not in html
    assert dict(response.context["details"])["护照号码"] == "E1*****78"
    assert "待分派" in html


def test_detail_shows_status_history_and_approval_steps(alice_client, alice_request, officer):
    _to(alice_request, officer, "accept", "start")
    ApprovalStep.objects.create(
        request=alice_request, sequence=1, name="材料审核", authority="企业服务驿站", due_at=timezone.now(), completed_at=timezone.now()
    )
    ApprovalStep.objects.create(
        request=alice_request, sequence=2, name="外专局审批", authority="省外国专家局", due_at=timezone.now() + dt.timedelta(hours=8)
    )

    response = alice_client.get(url(alice_request))

    html = response.content.decode()
    assert [t.to_status for t in response.context["obj"].transitions.all()] == ["submitted", "accepted", "in_progress"]
    assert "已受理" in html
    assert "办理中" in html
    assert "材料审核" in html
    assert "外专局审批" in html
    assert "省外国专家局" in html


def test_the_history_shows_an_assignment_as_分派_without_a_status_change(alice_client, alice_request, officer):
    service_request_assign(service_request=alice_request, assignee=officer, actor=officer)

    response = alice_client.get(url(alice_request))

    html = response.content.decode()
    assert [(t.action, label) for t, label in response.context["history"]] == [("submit", None), ("assign", "分派")]
    assert '<span class="timeline__action">分派</span>' in html
    assert "分派给 周敏" in html


def test_enterprise_never_sees_internal_notes(alice_client, alice_request, officer):
    message_post(service_request=alice_request, author=officer, body="请补充护照首页扫描件。")
    message_post(service_request=alice_request, author=officer, body="内部：材料齐全后直接报外专局", is_internal=True)

    response = alice_client.get(url(alice_request))

    html = response.content.decode()
    assert [m.body for m in response.context["thread"]] == ["请补充护照首页扫描件。"]
    assert "请补充护照首页扫描件。" in html
    assert "服务专员" in html
    assert "内部：材料齐全后直接报外专局" not in html


def test_enterprise_posts_a_message(alice_client, alice, alice_request):
    response = alice_client.post(url(alice_request, "messages/"), {"body": "护照扫描件已上传。"})

    assert response.status_code == 302
    assert response["Location"] == url(alice_request) + "#thread"
    message = ServiceRequestMessage.objects.get()
    assert (message.request, message.author, message.body, message.is_internal) == (
        alice_request, alice, "护照扫描件已上传。", False,
    )


def test_an_empty_message_is_refused_and_nothing_is_posted(alice_client, alice_request):
    response = alice_client.post(url(alice_request, "messages/"), {"body": "   "}, follow=True)

    assert ServiceRequestMessage.objects.count() == 0
    assert "该字段是必填项。" in response.content.decode()


def test_an_over_long_message_is_refused_and_nothing_is_posted(alice_client, alice_request):
    alice_client.post(url(alice_request, "messages/"), {"body": "字" * 5001})

    assert ServiceRequestMessage.objects.count() == 0


FINISHED_LABELS = {"closed": "已关闭", "withdrawn": "已撤回", "rejected": "不予受理"}


def stored_files(settings) -> list[Path]:
    media = Path(settings.MEDIA_ROOT)
    return [path for path in media.rglob("*") if path.is_file()] if media.exists() else []


@pytest.mark.parametrize("status", FINISHED_STATUSES)
def test_no_messages_on_a_finished_request_and_the_form_is_not_offered(alice_client, alice_request, officer, status):
    finished = request_moved_to(alice_request, status, officer=officer)
    notifications = Notification.objects.count()

    response = alice_client.post(url(finished, "messages/"), {"body": "还在吗？"}, follow=True)

    html = response.content.decode()
    assert ServiceRequestMessage.objects.count() == 0
    assert Notification.objects.count() == notifications
    assert f"诉求已结束（{FINISHED_LABELS[status]}），不能再留言。" in html
    assert f'action="/portal/requests/{finished.pk}/messages/"' not in html


@pytest.mark.parametrize("status", FINISHED_STATUSES)
def test_no_uploads_on_a_finished_request_and_no_file_is_left(alice_client, alice_request, officer, settings, status):
    finished = request_moved_to(alice_request, status, officer=officer)

    response = alice_client.post(url(finished, "attachments/"), {"attachments": [pdf_upload("补充材料.pdf")]}, follow=True)

    html = response.content.decode()
    assert finished.attachments.count() == 0
    assert stored_files(settings) == []
    assert f"诉求已结束（{FINISHED_LABELS[status]}），不能再上传附件。" in html
    assert f'action="/portal/requests/{finished.pk}/attachments/"' not in html


def test_a_resolved_request_takes_messages_but_no_more_files(alice_client, alice_request, officer, settings):
    resolved = request_moved_to(alice_request, "resolved", officer=officer)

    page = alice_client.get(url(resolved))
    alice_client.post(url(resolved, "messages/"), {"body": "证件信息有一处错误。"})
    response = alice_client.post(url(resolved, "attachments/"), {"attachments": [pdf_upload()]}, follow=True)

    assert (page.context["can_write"], page.context["can_upload"]) == (True, False)
    assert list(resolved.messages.values_list("body", flat=True)) == ["证件信息有一处错误。"]
    assert resolved.attachments.count() == 0
    assert stored_files(settings) == []
    assert "诉求已办结，不能再补充附件；如仍需办理，请先申请重新办理。" in response.content.decode()


def test_text_the_enterprise_writes_is_shown_escaped(alice_client, sunshine, alice, work_permit):
    alice_client.post(
        "/portal/requests/new/",
        {
            "category": "work_permit",
            "title": XSS,
            "description": XSS,
            **{f"details-work_permit-{k}": v for k, v in {
                "expert_name": XSS, "nationality": "英国", "passport_number": "E12345678",
                "position": XSS, "planned_start_date": (timezone.localdate() + dt.timedelta(days=3)).isoformat(),
            }.items()},
        },
    )
    request = sunshine.service_requests.get()
    alice_client.post(url(request, "messages/"), {"body": XSS})

    for page in (alice_client.get(url(request)), alice_client.get("/portal/")):
        html = page.content.decode()
        assert XSS_ESCAPED in html
        assert XSS not in html


def test_enterprise_uploads_another_attachment_to_an_open_request(alice_client, alice_request):
    response = alice_client.post(url(alice_request, "attachments/"), {"attachments": [pdf_upload("补充材料.pdf")]})

    assert response.status_code == 302
    assert list(alice_request.attachments.values_list("original_name", flat=True)) == ["补充材料.pdf"]


def test_a_wrong_type_upload_to_a_request_is_refused_and_nothing_is_stored(alice_client, alice_request, settings):
    fake = pdf_upload("fake.pdf", b"just text")

    response = alice_client.post(url(alice_request, "attachments/"), {"attachments": [fake]}, follow=True)

    assert alice_request.attachments.count() == 0
    assert "fake.pdf：只接受 PDF、JPEG、PNG、DOCX 或 XLSX 文件（按文件内容识别）。" in response.content.decode()


def test_withdraw_button_is_offered_before_acceptance_and_withdraws(alice_client, alice, alice_request):
    page = alice_client.get(url(alice_request))
    assert page.context["button_actions"] == [("withdraw", "撤回")]

    response = alice_client.post(url(alice_request, "actions/withdraw/"), {"note": "专家改期入职"}, follow=True)

    alice_request.refresh_from_db()
    assert alice_request.status == RequestStatus.WITHDRAWN
    assert list(alice_request.transitions.values_list("action", "note", "actor")) == [
        ("submit", "", alice.pk), ("withdraw", "专家改期入职", alice.pk),
    ]
    assert "已撤回。" in response.content.decode()


def test_withdraw_after_acceptance_is_refused_with_a_message_and_nothing_changes(alice_client, alice_request, officer):
    _to(alice_request, officer, "accept")

    page = alice_client.get(url(alice_request))
    response = alice_client.post(url(alice_request, "actions/withdraw/"), follow=True)

    alice_request.refresh_from_db()
    assert page.context["button_actions"] == []
    assert alice_request.status == RequestStatus.ACCEPTED
    assert alice_request.transitions.count() == 2
    assert "诉求当前状态为“已受理”，不能“撤回”。" in response.content.decode()


def test_an_action_the_portal_does_not_offer_is_not_found(alice_client, alice_request):
    for action in ("accept", "resolve", "close", "reject", "nonsense"):
        assert alice_client.post(url(alice_request, f"actions/{action}/")).status_code == 404
    alice_request.refresh_from_db()
    assert alice_request.status == RequestStatus.SUBMITTED


def test_resolved_request_is_confirmed_with_a_rating(alice_client, alice_request, officer):
    _to(alice_request, officer, "accept", "resolve")
    page = alice_client.get(url(alice_request))

    response = alice_client.post(url(alice_request, "rate/"), {"rating": "5", "comment": "24 小时内办好，非常高效！"}, follow=True)

    alice_request.refresh_from_db()
    assert page.context["can_rate"] is True
    assert page.context["button_actions"] == [("reopen", "重新办理")]
    assert (alice_request.status, alice_request.satisfaction, alice_request.satisfaction_comment) == (
        RequestStatus.CLOSED, 5, "24 小时内办好，非常高效！",
    )
    html = response.content.decode()
    assert "感谢您的评价，诉求已关闭。" in html
    assert "★★★★★" in html


@pytest.mark.parametrize("rating", ["0", "6", "", "五"])
def test_a_rating_outside_one_to_five_is_refused_and_nothing_changes(alice_client, alice_request, officer, rating):
    _to(alice_request, officer, "accept", "resolve")

    response = alice_client.post(url(alice_request, "rate/"), {"rating": rating}, follow=True)

    alice_request.refresh_from_db()
    assert (alice_request.status, alice_request.satisfaction) == (RequestStatus.RESOLVED, None)
    assert "满意度：" in response.content.decode()


def test_rating_an_unresolved_request_is_refused_and_nothing_changes(alice_client, alice_request):
    response = alice_client.post(url(alice_request, "rate/"), {"rating": "4"}, follow=True)

    alice_request.refresh_from_db()
    assert (alice_request.status, alice_request.satisfaction) == (RequestStatus.SUBMITTED, None)
    assert "诉求当前状态为“已提交”，不能“确认关闭”。" in response.content.decode()


def test_resolved_request_can_be_reopened(alice_client, alice_request, officer):
    _to(alice_request, officer, "accept", "resolve")

    alice_client.post(url(alice_request, "actions/reopen/"), {"note": "许可证信息有误"})

    alice_request.refresh_from_db()
    assert alice_request.status == RequestStatus.IN_PROGRESS
    assert alice_request.transitions.last().note == "许可证信息有误"


def test_detail_of_a_missing_request_is_not_found(alice_client, db):
    assert alice_client.get("/portal/requests/999999/").status_code == 404


@pytest.mark.parametrize("count", [2, 20])
def test_detail_runs_the_same_queries_whatever_the_size_of_the_thread(
    client, alice, alice_request, officer, count, django_assert_num_queries
):
    service_request_assign(service_request=alice_request, assignee=officer, actor=officer)
    _to(alice_request, officer, "accept", "start")
    for n in range(count):
        message_post(service_request=alice_request, author=officer if n % 2 else alice, body=f"留言{n}",
                     uploads=[pdf_upload(f"sent{n}.pdf")])  # shown beside its message, from the files already loaded
        attachment_add(service_request=alice_request, uploaded=pdf_upload(f"file{n}.pdf"), user=alice)
        ApprovalStep.objects.create(request=alice_request, sequence=n + 1, name=f"环节{n}", due_at=timezone.now())
    client.force_login(alice)

    # If this changes, explain why in the commit: 1 session, 2 user, 3 the user's groups (role check),
    # 4 the request with enterprise/category/assignee/submitter, 5 its attachments, 6 approval steps,
    # 7 transitions with actors, 8 membership check (allowed_actions), 9 unread badge, 10 the thread with authors,
    # 11 the site profile the header names the park by (crm.notifications.site), 12 the departments handling it
    # (its active routings) and 13 its 承办进度 timeline, each in one query whatever the routings
    # (crm.service_requests.timeline).
    with django_assert_num_queries(13):
        response = client.get(url(alice_request))

    assert len(response.context["thread"]) == count
    assert response.content.decode().count("/attachments/") == 3 * count + 1  # twice each sent file, once each other
