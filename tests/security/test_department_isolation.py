"""Two departments' liaisons in the admin and the download: each sees only what is routed to its department, reduced
as docs/departments.md says; the other department's request is absent from every list and its page does not open."""

import pytest
from django.test import Client
from django.urls import reverse

from crm.models import ServiceRequestMessage
from crm.service_requests.approval_steps import approval_step_plan
from crm.service_requests.attachments import attachment_add
from crm.service_requests.routing import routing_create
from crm.service_requests.services import service_request_transition
from crm.service_requests.thread import message_post
from tests.api.support import pdf_upload

pytestmark = pytest.mark.django_db


def _site(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def two_routed(alice_request, bob_request, alice, waizhuan, shichang, zhou):
    """西湖阳光's request routed to 人社/外专 (liaison), 科聪控制's to 市场监管 (liaison2), each with a note, a shared
    message, a department step and a file."""
    routed = {}
    for request, department in ((alice_request, waizhuan), (bob_request, shichang)):
        request = service_request_transition(service_request=request, action="accept", actor=zhou)
        routing_create(service_request=request, department=department, role="lead", actor=zhou)
        message_post(service_request=request, author=zhou, body=f"负责人脾气急{department.short_name}", is_internal=True)
        message_post(service_request=request, author=zhou, body=f"请{department.short_name}办理",
                     shared_with_departments=True)
        approval_step_plan(service_request=request, name=f"{department.short_name}审批", due_at=request.due_at,
                           actor=zhou, department=department)
        attachment_add(service_request=request, uploaded=pdf_upload(), user=request.submitted_by)
        routed[department.pk] = request
    return routed


def test_each_liaison_lists_only_its_departments_requests_in_the_admin(two_routed, liaison, liaison2, waizhuan,
                                                                        shichang):
    for user, department in ((liaison, waizhuan), (liaison2, shichang)):
        response = _site(user).get("/admin/crm/servicerequest/")
        assert response.status_code == 200
        assert [r.pk for r in response.context["cl"].result_list] == [two_routed[department.pk].pk]


def test_another_departments_request_page_does_not_open_and_its_rows_are_in_no_list(two_routed, liaison2, waizhuan):
    theirs = two_routed[waizhuan.pk]
    site = _site(liaison2)

    page = site.get(reverse("admin:crm_servicerequest_change", args=[theirs.pk]))
    messages = site.get("/admin/crm/servicerequestmessage/").context["cl"].result_list
    steps = site.get("/admin/crm/approvalstep/").context["cl"].result_list
    files = site.get("/admin/crm/servicerequestattachment/").context["cl"].result_list
    history = site.get("/admin/crm/servicerequesttransition/").context["cl"].result_list

    assert page.status_code == 404  # not there for a liaison, as in the API (crm.admin.routing), never the page
    assert theirs.title not in page.content.decode()
    assert {m.request_id for m in messages} == {two_routed[k].pk for k in two_routed if k != waizhuan.pk}
    assert [m.body for m in messages] == ["请市场监管办理"]
    assert [s.name for s in steps] == ["市场监管审批"]
    assert (list(files), list(history)) == ([], [])


def test_a_liaisons_request_page_shows_the_shared_message_and_its_step_never_the_note_or_the_file(two_routed, liaison,
                                                                                                  waizhuan):
    mine = two_routed[waizhuan.pk]

    response = _site(liaison).get(reverse("admin:crm_servicerequest_change", args=[mine.pk]))

    content = response.content.decode()
    assert response.status_code == 200
    assert "请人社/外专办理" in content
    assert "人社/外专审批" in content
    assert "负责人脾气急" not in content
    assert "passport.pdf" not in content
    assert ServiceRequestMessage.objects.filter(request=mine).count() == 2


def test_a_liaisons_download_of_any_file_is_404(two_routed, liaison, waizhuan):
    attachment = two_routed[waizhuan.pk].attachments.get()

    assert _site(liaison).get(reverse("attachment-download", args=[attachment.pk])).status_code == 404
