"""The service desk's request page in the admin: files to download, a reply posted on its own, search, read-only steps."""

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from crm.models import ApprovalStep, Notification, ServiceRequestAttachment
from crm.service_requests.approval_steps import approval_step_plan
from crm.service_requests.attachments import attachment_add
from crm.service_requests.services import service_request_assign, service_request_submit
from crm.service_requests.thread import message_post
from tests.factories import (
    EnterpriseFactory,
    ServiceCategoryFactory,
    enterprise_user,
    officer,
    request_moved_to,
    service_officer,
    tiny_pdf,
    work_permit_details,
)

pytestmark = pytest.mark.django_db

DUE = dt.datetime(2026, 11, 6, 17, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def _pdf(name="护照首页.pdf", content=None):
    return SimpleUploadedFile(name, content if content is not None else tiny_pdf(), content_type="application/pdf")


def _request(*, title="外籍专家工作许可", details=None, submitter=None, enterprise=None, at=None):
    """A work-permit request (24 calendar hours) submitted ``at`` (now by default)."""
    enterprise = enterprise or EnterpriseFactory()
    category = ServiceCategoryFactory(code="work_permit", name="外国人来华工作许可")
    request, _warnings = service_request_submit(
        enterprise=enterprise, category=category, title=title,
        submitted_by=submitter or enterprise_user(enterprise), details=details or work_permit_details(), at=at,
    )
    return request


def _page(client, request):
    return client.get(reverse("admin:crm_servicerequest_change", args=[request.pk]))


def _reply_url(request):
    return reverse("admin:crm_servicerequest_reply", args=[request.pk])


def _state(request):
    """What a refused or unrelated post must leave alone: the request row, its thread, files, steps and history."""
    request.refresh_from_db()
    return (
        (request.status, request.assignee_id, request.title, request.details, request.updated_at),
        list(request.messages.values_list("id", "body", "is_internal")),
        list(ServiceRequestAttachment.objects.filter(request=request).values_list("id", "original_name", "message")),
        list(request.approval_steps.values_list("id", "name", "authority", "due_at", "completed_at")),
        list(request.transitions.values_list("id", "action")),
    )


# ---- attachments downloadable from the request page and its thread ---------------------------------------


def test_the_attachments_inline_links_each_file_to_the_checked_download_with_its_name_and_size(client):
    request = _request()
    scan = attachment_add(service_request=request, uploaded=_pdf(), user=request.submitted_by)
    client.force_login(service_officer())

    html = _page(client, request).content.decode()

    size = f"{len(tiny_pdf())}\xa0字节"
    assert f'<a class="zj-attachment" href="/attachments/{scan.pk}/">护照首页.pdf</a> <span class="zj-muted">{size}</span>' in html
    download = client.get(f"/attachments/{scan.pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == tiny_pdf()


def test_a_file_posted_with_a_message_is_linked_beside_that_message_in_the_thread(client):
    request = _request()
    so = service_officer()
    message_post(service_request=request, author=request.submitted_by, body="没有附件的留言")
    message = message_post(
        service_request=request, author=request.submitted_by, body="补充护照扫描件", uploads=[_pdf("护照.pdf")]
    )
    client.force_login(so)

    response = _page(client, request)

    thread = next(f for f in response.context["inline_admin_formsets"] if f.opts.__class__.__name__ == "MessageThreadInline")
    rows = {form.original.body: str(thread.opts.files(form.original)) for form in thread}
    scan = message.attachments.get()
    assert rows == {
        "没有附件的留言": "—",
        "补充护照扫描件": f'<a class="zj-attachment" href="/attachments/{scan.pk}/">护照.pdf</a> '
                          f'<span class="zj-muted">{len(tiny_pdf())}\xa0字节</span>',
    }
    assert rows["补充护照扫描件"] in response.content.decode()


def test_an_investment_officer_can_neither_download_an_attachment_nor_open_the_request(client):
    request = _request()
    scan = attachment_add(service_request=request, uploaded=_pdf(), user=request.submitted_by)
    client.force_login(officer())

    assert client.get(f"/attachments/{scan.pk}/").status_code == 403
    assert _page(client, request).status_code == 403


def test_an_enterprise_user_cannot_reach_the_request_admin_nor_reply_from_it(client):
    request = _request()
    before = _state(request)
    client.force_login(request.submitted_by)

    page = _page(client, request)
    reply = client.post(_reply_url(request), {"body": "企业冒充经办人"})

    login = reverse("admin:login")
    assert (page.status_code, page["Location"].split("?")[0]) == (302, login)
    assert (reply.status_code, reply["Location"].split("?")[0]) == (302, login)
    assert _state(request) == before


def test_the_change_page_lists_the_thread_with_its_files_in_a_fixed_number_of_queries(client, django_assert_num_queries):
    """Each message's files come from one prefetch (the thread inline) and each file's uploader from the join of the
    files inline: a thread twice as long must not cost one query more."""
    request = _request()
    client.force_login(service_officer())
    for i in range(2):
        message_post(service_request=request, author=request.submitted_by, body=f"留言 {i}", uploads=[_pdf(f"{i}.pdf")])
    _page(client, request)  # warm per-process caches
    with CaptureQueriesContext(connection) as short:
        _page(client, request)
    for i in range(2, 6):
        message_post(service_request=request, author=request.submitted_by, body=f"留言 {i}", uploads=[_pdf(f"{i}.pdf")])
    with django_assert_num_queries(len(short)):
        response = _page(client, request)
    assert response.content.decode().count('class="zj-attachment"') == 12  # six beside the thread, six in 附件


# ---- a reply, posted on its own -----------------------------------------------------------------------------


def test_the_reply_form_is_its_own_form_outside_the_change_form_with_a_csrf_token(client):
    request = _request()
    client.force_login(service_officer())

    html = _page(client, request).content.decode()

    reply = re.search(r'<form method="post" action="([^"]+)" enctype="multipart/form-data" id="zj-reply-form"[^>]*>(.*?)</form>', html, re.S)
    assert reply.group(1) == _reply_url(request)
    assert 'name="csrfmiddlewaretoken"' in reply.group(2)
    assert {"body", "attachments", "is_internal"} <= set(re.findall(r'name="(\w+)"', reply.group(2)))
    # The reply form closes before the change form opens: the two are never nested.
    assert html.index(reply.group(0)) + len(reply.group(0)) < html.index('id="servicerequest_form"')
    assert '<script src="/static/js/request-reply.js" defer></script>' in html


def test_a_reply_with_files_is_posted_by_the_officer_tells_the_enterprise_and_comes_back_with_a_message(
    client, django_capture_on_commit_callbacks
):
    request = _request()
    so = service_officer()
    client.force_login(so)
    notifications = Notification.objects.count()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _reply_url(request), {"body": "许可证已签发，请查收。", "attachments": [_pdf("许可证.pdf"), _pdf("回执.pdf")]}
        )

    assert (response.status_code, response["Location"]) == (
        302, reverse("admin:crm_servicerequest_change", args=[request.pk])
    )
    message = request.messages.get()
    assert (message.body, message.author, message.is_internal) == ("许可证已签发，请查收。", so, False)
    assert list(message.attachments.values_list("original_name", "uploaded_by", "request")) == [
        ("许可证.pdf", so.pk, request.pk), ("回执.pdf", so.pk, request.pk),
    ]
    assert Notification.objects.count() > notifications
    assert [str(m) for m in client.get(response["Location"]).context["messages"]] == ["回复已发送给企业。（附件 2 个）"]


def test_an_internal_note_is_kept_from_the_reply_form_and_said_so(client):
    request = _request()
    client.force_login(service_officer())

    response = client.post(_reply_url(request), {"body": "已电话联系企业。", "is_internal": "on"}, follow=True)

    assert list(request.messages.values_list("body", "is_internal")) == [("已电话联系企业。", True)]
    assert [str(m) for m in response.context["messages"]] == ["内部备注已保存。"]


def test_a_reply_leaves_the_request_and_its_approval_steps_as_they_were_whatever_else_is_posted(client):
    request = _request()
    so = service_officer()
    step = approval_step_plan(service_request=request, name="外专局审批", due_at=DUE, actor=so)
    client.force_login(so)
    before = _state(request)

    client.post(_reply_url(request), {
        "body": "请补充材料。", "title": "改过的标题", "status": "closed", "assignee": so.pk,
        "approval_steps-TOTAL_FORMS": "1", "approval_steps-INITIAL_FORMS": "1",
        "approval_steps-0-id": step.pk, "approval_steps-0-name": "改名", "approval_steps-0-completed": "on",
    })

    after = _state(request)
    assert (after[0], after[2:]) == (before[0], before[2:])
    assert [body for _id, body, _internal in after[1]] == ["请补充材料。"]


def test_a_reply_with_a_file_of_a_refused_type_stores_nothing_and_says_why(client, settings):
    request = _request()
    client.force_login(service_officer())
    before = _state(request)

    response = client.post(
        _reply_url(request), {"body": "见附件", "attachments": [_pdf("病毒.exe", b"MZ" + b"\x00" * 64)]}, follow=True
    )

    assert [str(m) for m in response.context["messages"]] == [
        "病毒.exe：只接受 PDF、JPEG、PNG、DOCX 或 XLSX 文件（按文件内容识别）。"
    ]
    assert _state(request) == before
    assert not (settings.MEDIA_ROOT / "attachments").exists() or not any((settings.MEDIA_ROOT / "attachments").rglob("*"))


def test_an_empty_reply_is_refused_with_a_message_and_nothing_is_stored(client):
    request = _request()
    client.force_login(service_officer())
    before = _state(request)

    response = client.post(_reply_url(request), {"body": ""}, follow=True)

    assert [str(m) for m in response.context["messages"]] == ["请填写回复内容。"]
    assert _state(request) == before


def test_a_reply_with_files_on_a_closed_request_is_refused_by_the_service_and_nothing_is_stored(client):
    so = service_officer()
    request = request_moved_to(_request(), "closed", officer=so)
    client.force_login(so)
    before = _state(request)

    response = client.post(_reply_url(request), {"body": "补一份回执", "attachments": [_pdf("回执.pdf")]}, follow=True)

    assert [str(m) for m in response.context["messages"]] == ["诉求已结束（已关闭），不能再留言。"]
    assert _state(request) == before


def test_an_internal_note_takes_no_file_since_the_enterprise_sees_every_file_of_its_request(client):
    request = _request()
    client.force_login(service_officer())
    before = _state(request)

    response = client.post(
        _reply_url(request), {"body": "内部：企业材料有疑点", "is_internal": "on", "attachments": [_pdf("疑点.pdf")]},
        follow=True,
    )

    assert [str(m) for m in response.context["messages"]] == ["内部备注不能附带附件：附件企业可见。"]
    assert _state(request) == before


def test_an_investment_officer_cannot_reply_and_nothing_changes(client):
    request = _request()
    before = _state(request)
    client.force_login(officer())

    response = client.post(_reply_url(request), {"body": "越权回复"})

    assert response.status_code == 403
    assert _state(request) == before


def test_a_reply_without_the_csrf_token_is_refused(client):
    request = _request()
    checked = Client(enforce_csrf_checks=True)
    checked.force_login(service_officer())
    before = _state(request)

    response = checked.post(_reply_url(request), {"body": "没有令牌"})

    assert response.status_code == 403
    assert _state(request) == before


def test_opening_the_reply_url_goes_back_to_the_request_page(client):
    request = _request()
    client.force_login(service_officer())

    response = client.get(_reply_url(request))

    assert (response.status_code, response["Location"]) == (302, reverse("admin:crm_servicerequest_change", args=[request.pk]))
    assert request.messages.count() == 0


def test_the_thread_shows_the_message_text_escaped(client):
    request = _request()
    message_post(service_request=request, author=request.submitted_by, body="<script>alert(1)</script>")
    client.force_login(service_officer())

    html = _page(client, request).content.decode()

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


# ---- search by number, submitter and phone -------------------------------------------------------------------


def _search(client, term, **filters):
    response = client.get(reverse("admin:crm_servicerequest_changelist"), {"q": term, **filters})
    assert response.status_code == 200
    return sorted(r.title for r in response.context["cl"].result_list)


def test_the_queue_finds_a_request_by_its_number_submitter_and_phone(client):
    # Names without digits, so that a request number matches nothing else (the factories number their names).
    yunfan, xinghe = EnterpriseFactory(name="杭州云帆科技有限公司"), EnterpriseFactory(name="杭州星河生物有限公司")
    wang = enterprise_user(yunfan, username="wang_hr", display_name="王小红", phone="13800138000")
    li = enterprise_user(xinghe, username="li_admin", display_name="李明")
    by_wang = _request(title="王的诉求", submitter=wang, enterprise=yunfan)
    other = _request(
        title="联系电话诉求", submitter=li, enterprise=xinghe, details=work_permit_details(contact_phone="0571-88886666")
    )
    _request(title="无关诉求", submitter=li, enterprise=xinghe)
    client.force_login(service_officer())

    assert _search(client, str(other.pk)) == ["联系电话诉求"]
    assert _search(client, f"#{by_wang.pk}") == ["王的诉求"]
    assert _search(client, "王小红") == ["王的诉求"]
    assert _search(client, "wang_hr") == ["王的诉求"]
    assert _search(client, "13800138000") == ["王的诉求"]
    assert _search(client, "0571-88886666") == ["联系电话诉求"]
    assert _search(client, "88886666") == ["联系电话诉求"]
    assert _search(client, "13900000000") == []


def test_search_by_number_stays_within_the_lists_filters(client):
    request = _request(title="待受理")
    client.force_login(service_officer())

    assert _search(client, str(request.pk), status="submitted") == ["待受理"]
    assert _search(client, str(request.pk), status="closed") == []


def test_the_request_page_still_masks_the_passport_for_an_officer_who_is_not_assigned(client):
    request = _request()
    so = service_officer()
    service_request_assign(service_request=request, assignee=service_officer(username="other_desk"), actor=so)
    client.force_login(so)

    html = _page(client, request).content.decode()

    assert "E12345678" not in html


def test_a_contact_phone_is_stored_with_the_other_details():
    request = _request(details=work_permit_details(contact_phone="0571-88886666"))
    assert request.details["contact_phone"] == "0571-88886666"


# ---- the approval steps of a request no longer open are read-only ------------------------------------------


def _steps_inline(response):
    return next(f for f in response.context["inline_admin_formsets"] if f.formset.model is ApprovalStep)


@pytest.mark.parametrize("status", ["resolved", "closed", "rejected", "withdrawn"])
def test_the_steps_of_a_request_no_longer_open_are_read_only_and_a_post_changes_nothing(client, status):
    so = service_officer()
    request = _request()
    step = approval_step_plan(service_request=request, name="外专局审批", due_at=DUE, actor=so)
    request = request_moved_to(request, status, officer=so)
    client.force_login(so)
    before = _state(request)

    steps = _steps_inline(_page(client, request))
    due = timezone.localtime(DUE)
    client.post(reverse("admin:crm_servicerequest_change", args=[request.pk]), {
        "messages-TOTAL_FORMS": "0", "messages-INITIAL_FORMS": "0",
        "attachments-TOTAL_FORMS": "0", "attachments-INITIAL_FORMS": "0",
        "approval_steps-TOTAL_FORMS": "2", "approval_steps-INITIAL_FORMS": "1",
        "approval_steps-0-id": step.pk, "approval_steps-0-request": request.pk, "approval_steps-0-name": "改名",
        "approval_steps-0-completed": "on", "approval_steps-0-DELETE": "on",
        "approval_steps-0-due_at_0": due.strftime("%Y-%m-%d"), "approval_steps-0-due_at_1": "17:00:00",
        "approval_steps-1-request": request.pk, "approval_steps-1-name": "发证",
        "approval_steps-1-due_at_0": due.strftime("%Y-%m-%d"), "approval_steps-1-due_at_1": "17:00:00",
        "transitions-TOTAL_FORMS": "0", "transitions-INITIAL_FORMS": "0", "_continue": "1",
    })

    assert (steps.has_add_permission, steps.has_change_permission, steps.has_delete_permission) == (False, False, False)
    assert _state(request) == before


def test_the_steps_of_an_open_request_are_worked_on_its_page_but_never_deleted(client):
    request = _request()
    client.force_login(service_officer())

    steps = _steps_inline(_page(client, request))

    assert (steps.has_add_permission, steps.has_change_permission, steps.has_delete_permission) == (True, True, False)


# ---- 三色预警: green, yellow past 80 % of the SLA used, red once late -------------------------------------------


@pytest.mark.parametrize(("hours_ago", "css", "label"), [
    (19, "zj-on-time", "剩余 4 小时"),  # 79 % used
    (20, "zj-at-risk", "剩余 3 小时"),  # 83 % used: the SLA reminder's 80 % warning has gone out
    (25, "zj-late", "已超时 1 小时"),
])
def test_the_request_page_and_the_queue_show_the_clocks_colour(client, hours_ago, css, label):
    request = _request(at=timezone.now() - dt.timedelta(hours=hours_ago, minutes=1))
    client.force_login(service_officer())

    page = _page(client, request).content.decode()
    queue = client.get(reverse("admin:crm_servicerequest_changelist")).content.decode()

    badge = f'<span class="{css}">{label}'
    assert badge in page
    assert badge in queue


def test_the_attachment_list_links_each_file_to_its_download(client):
    request = _request()
    scan = attachment_add(service_request=request, uploaded=_pdf(), user=request.submitted_by)
    client.force_login(service_officer())

    html = client.get(reverse("admin:crm_servicerequestattachment_changelist")).content.decode()

    assert f'<a class="zj-attachment" href="/attachments/{scan.pk}/">护照首页.pdf</a>' in html
