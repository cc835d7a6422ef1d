"""Submitting a request from the portal: the category's own fields, attachments, and bad input that saves nothing."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from crm.errors import DomainError
from crm.models import ServiceRequest, ServiceRequestAttachment, ServiceRequestTransition
from tests.factories import EnterpriseFactory, ServiceCategoryFactory, work_permit_details

from .conftest import pdf_upload

pytestmark = pytest.mark.django_db
URL = "/portal/requests/new/"
# Django's own zh-hans messages for form fields.
INVALID_CHOICE = "选择一个有效的选项： 该选择不在可用的选项中。"


def form_data(category="work_permit", **overrides):
    data = {"category": category, "title": "申请外籍专家 John Smith 的工作许可", "description": "下月入职，请协助办理。"}
    data.update({f"details-work_permit-{key}": value for key, value in work_permit_details().items()})
    data.update(overrides)
    return data


def assert_nothing_saved(settings):
    assert ServiceRequest.objects.count() == 0
    assert ServiceRequestAttachment.objects.count() == 0
    assert ServiceRequestTransition.objects.count() == 0
    media = settings.MEDIA_ROOT
    assert not media.exists() or [p for p in media.rglob("*") if p.is_file()] == []


def details_errors(response, code="work_permit"):
    return {c.code: f for c, f in response.context["detail_forms"]}[code].errors


def test_form_offers_active_categories_and_the_work_permit_fields(alice_client, work_permit):
    ServiceCategoryFactory(code="old_service", name="已停用的类别", is_active=False)

    response = alice_client.get(URL)

    html = response.content.decode()
    assert response.status_code == 200
    assert '<option value="work_permit">外国人来华工作许可</option>' in html
    assert "已停用的类别" not in html
    for label in ("外籍人才姓名", "国籍", "护照号码", "拟任职务", "计划入职日期"):
        assert label in html
    assert 'name="details-work_permit-passport_number"' in html
    assert 'enctype="multipart/form-data"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert "portal-request-form.js" in html


def test_category_in_the_query_string_is_preselected_and_other_categories_fields_hidden(alice_client, work_permit):
    ServiceCategoryFactory(code="talent_housing", name="人才房", sla_unit="working_days", sla_value=5)

    html = alice_client.get(URL + "?category=work_permit").content.decode()

    assert '<option value="work_permit" selected>' in html
    assert '<fieldset class="details" data-category="talent_housing" hidden disabled>' in html
    assert '<fieldset class="details" data-category="work_permit">' in html


def test_work_permit_request_is_submitted_with_attachments_and_due_24_hours_later(alice_client, sunshine, alice, work_permit):
    before = timezone.now()

    response = alice_client.post(
        URL, form_data(attachments=[pdf_upload("passport.pdf"), pdf_upload("offer.pdf")])
    )

    request = ServiceRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/portal/requests/{request.pk}/"
    assert (request.enterprise, request.category, request.submitted_by) == (sunshine, work_permit, alice)
    assert request.title == "申请外籍专家 John Smith 的工作许可"
    assert request.status == "submitted"
    assert before <= request.submitted_at <= timezone.now()
    assert request.due_at - request.submitted_at == dt.timedelta(hours=24)
    assert request.details["expert_name"] == "John Smith"
    assert request.details["passport_number"].startswith("enc:")
    assert sorted(request.attachments.values_list("original_name", "content_type")) == [
        ("offer.pdf", "application/pdf"), ("passport.pdf", "application/pdf"),
    ]
    assert list(request.transitions.values_list("action", "to_status")) == [("submit", "submitted")]


def test_category_without_own_fields_is_submitted_without_details(alice_client, db):
    ServiceCategoryFactory(code="business_registration", name="工商注册", sla_unit="working_days", sla_value=3)

    response = alice_client.post(URL, {"category": "business_registration", "title": "变更注册地址"})

    assert response.status_code == 302
    assert ServiceRequest.objects.get().details == {}


def test_only_the_chosen_categorys_fields_are_read(alice_client, work_permit):
    ServiceCategoryFactory(code="talent_housing", name="人才房", sla_unit="working_days", sla_value=5)

    response = alice_client.post(
        URL,
        {
            "category": "talent_housing",
            "title": "申请人才房",
            "details-talent_housing-applicant_name": "张三",
            "details-talent_housing-household_size": "3",
            "details-work_permit-passport_number": "bad",
        },
    )

    assert response.status_code == 302
    assert ServiceRequest.objects.get().details == {"applicant_name": "张三", "talent_level": "", "household_size": 3, "contact_phone": ""}


def test_user_of_several_enterprises_chooses_among_their_own_only(alice_client, alice, sunshine, kecong, work_permit):
    alice.enterprises.add(kecong)
    stranger = EnterpriseFactory(name="别家公司")

    page = alice_client.get(URL).content.decode()
    refused = alice_client.post(URL, form_data(enterprise=stranger.pk))
    accepted = alice_client.post(URL, form_data(enterprise=kecong.pk))

    assert 'name="enterprise"' in page
    assert f'<option value="{kecong.pk}">科聪控制</option>' in page
    assert "别家公司" not in page
    assert refused.status_code == 400
    assert refused.context["form"].errors["enterprise"] == [INVALID_CHOICE]
    assert accepted.status_code == 302
    assert ServiceRequest.objects.get().enterprise == kecong


def test_user_of_one_enterprise_is_not_asked_which(alice_client, work_permit):
    html = alice_client.get(URL).content.decode()

    assert 'name="enterprise"' not in html
    assert "西湖阳光" in html


def test_empty_title_is_refused_next_to_the_field(alice_client, work_permit, settings):
    response = alice_client.post(URL, form_data(title="   "))

    assert response.status_code == 400
    assert response.context["form"].errors["title"] == ["该字段是必填项。"]
    assert "该字段是必填项。" in response.content.decode()
    assert_nothing_saved(settings)


def test_title_over_200_characters_is_refused(alice_client, work_permit, settings):
    response = alice_client.post(URL, form_data(title="长" * 201))

    assert response.status_code == 400
    assert response.context["form"].errors["title"] == ["确保该变量包含不超过 200 字符 (目前字符数 201)。"]
    assert_nothing_saved(settings)


def test_unknown_category_is_refused(alice_client, work_permit, settings):
    response = alice_client.post(URL, form_data(category="moon_landing"))

    assert response.status_code == 400
    assert response.context["form"].errors["category"] == [INVALID_CHOICE]
    assert_nothing_saved(settings)


def test_inactive_category_is_refused(alice_client, work_permit, settings):
    work_permit.is_active = False
    work_permit.save()

    response = alice_client.post(URL, form_data())

    assert response.status_code == 400
    assert response.context["form"].errors["category"] == [INVALID_CHOICE]
    assert_nothing_saved(settings)


def test_passport_number_of_the_wrong_shape_is_refused_next_to_the_field(alice_client, work_permit, settings):
    response = alice_client.post(URL, form_data(**{"details-work_permit-passport_number": "E-123"}))

    assert response.status_code == 400
    assert details_errors(response)["passport_number"] == ["护照号码格式不正确：应为 6–12 位大写字母或数字。"]
    assert "护照号码格式不正确" in response.content.decode()
    assert_nothing_saved(settings)


def test_planned_start_date_in_the_past_is_refused(alice_client, work_permit, settings):
    yesterday = (timezone.localdate() - dt.timedelta(days=1)).isoformat()

    response = alice_client.post(URL, form_data(**{"details-work_permit-planned_start_date": yesterday}))

    assert response.status_code == 400
    assert details_errors(response)["planned_start_date"] == ["计划入职日期不能早于今天。"]
    assert_nothing_saved(settings)


def test_missing_work_permit_fields_are_each_reported(alice_client, work_permit, settings):
    data = {key: value for key, value in form_data().items() if not key.startswith("details-")}

    response = alice_client.post(URL, data)

    assert response.status_code == 400
    assert sorted(details_errors(response)) == [
        "expert_name", "nationality", "passport_number", "planned_start_date", "position",
    ]
    assert_nothing_saved(settings)


def test_title_and_details_errors_are_shown_together(alice_client, work_permit, settings):
    response = alice_client.post(URL, form_data(title="", **{"details-work_permit-passport_number": "x"}))

    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["title"]
    assert list(details_errors(response)) == ["passport_number"]
    assert_nothing_saved(settings)


def test_attachment_over_10_mb_is_refused_on_the_file_field(alice_client, work_permit, settings):
    big = pdf_upload("scan.pdf", b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024 - 8))

    response = alice_client.post(URL, form_data(attachments=[pdf_upload("ok.pdf"), big]))

    assert response.status_code == 400
    assert response.context["form"].errors["attachments"] == ["scan.pdf：附件不能超过 10 MB（当前 10.0 MB）。"]
    assert_nothing_saved(settings)


def test_attachment_limit_follows_the_setting(alice_client, work_permit, settings):
    settings.ATTACHMENT_MAX_BYTES = 100

    response = alice_client.post(URL, form_data(attachments=[pdf_upload("passport.pdf")]))

    assert response.status_code == 400
    assert response.context["form"].errors["attachments"][0].startswith("passport.pdf：附件不能超过")
    assert_nothing_saved(settings)


def test_text_renamed_to_pdf_is_refused_by_its_content(alice_client, work_permit, settings):
    fake = SimpleUploadedFile("contract.pdf", "这不是 PDF，只是改了扩展名的文本。".encode(), content_type="application/pdf")

    response = alice_client.post(URL, form_data(attachments=[fake]))

    assert response.status_code == 400
    assert response.context["form"].errors["attachments"] == [
        "contract.pdf：只接受 PDF、JPEG、PNG、DOCX 或 XLSX 文件（按文件内容识别）。"
    ]
    assert_nothing_saved(settings)


def test_an_attachment_refused_while_saving_undoes_the_request_and_the_files_already_stored(
    alice_client, work_permit, settings, monkeypatch
):
    from crm.service_requests import attachments as request_attachments

    real_add = request_attachments.attachment_add
    calls = []

    def add_then_refuse(**kwargs):
        calls.append(kwargs["uploaded"].name)
        if len(calls) == 2:
            raise DomainError("存储失败", field="file")
        return real_add(**kwargs)

    monkeypatch.setattr(request_attachments, "attachment_add", add_then_refuse)

    response = alice_client.post(URL, form_data(attachments=[pdf_upload("a.pdf"), pdf_upload("b.pdf")]))

    assert calls == ["a.pdf", "b.pdf"]
    assert response.status_code == 400
    assert response.context["form"].errors["attachments"] == ["存储失败"]
    assert_nothing_saved(settings)


def test_a_refusal_naming_no_field_is_shown_above_the_form_and_saves_nothing(
    alice_client, work_permit, settings, monkeypatch
):
    from crm.portal import views

    def refuse(**kwargs):
        raise DomainError("该类别暂停受理。")

    monkeypatch.setattr(views, "service_request_submit", refuse)

    response = alice_client.post(URL, form_data())

    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == ["该类别暂停受理。"]
    assert '<div class="form-errors" role="alert">' in response.content.decode()
    assert "<p>该类别暂停受理。</p>" in response.content.decode()
    assert_nothing_saved(settings)


def test_user_without_an_enterprise_is_told_instead_of_getting_a_form(client, db, work_permit):
    from tests.factories import UserFactory

    client.force_login(UserFactory(role="enterprise"))

    response = client.get(URL)
    posted = client.post(URL, form_data())

    assert "您的账号尚未关联企业" in response.content.decode()
    assert posted.status_code == 400
    assert ServiceRequest.objects.count() == 0
