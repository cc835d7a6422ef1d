"""A control character (a vertical tab, a NUL, an escape...) is refused wherever text is typed — the API, the portal,
the admin, the leads import — with a Chinese message next to the field; line breaks and tabs are kept in free text.

Rows stored before the rule (written here straight through the ORM) no longer break a manager's export: every report
workbook and every admin list export answers 200 with the character dropped.

The rule is one (``crm.validators.validate_line`` / ``validate_long_text``); the last tests walk every model text field and
every input form and serializer, so that a new field or a new interface cannot forget it.
"""

import datetime as dt
import inspect
import io

import openpyxl
import pytest
import tablib
from django import forms
from django.apps import apps
from django.contrib.auth.forms import AuthenticationForm
from django.core.files.base import ContentFile
from django.db import models
from django.urls import reverse
from django.utils import timezone
from rest_framework import serializers

from crm.models import Enterprise, FollowUp, Project, ServiceRequest, ServiceRequestMessage
from crm.validators import validate_line, validate_long_text
from parks.models import Policy
from tests.api.support import api_client
from tests.factories import (
    PolicyFactory,
    ProjectFactory,
    manager,
    officer,
    service_officer,
    work_permit_details,
)

pytestmark = pytest.mark.django_db
VT = "\x0b"
CONTROL_MESSAGE = "不能包含控制字符（U+000B），请删除后重新输入。"


# ---- refused at input: the API -------------------------------------------------------------------------------

def test_a_request_title_with_a_vertical_tab_is_a_400_over_the_api(alice, work_permit):
    response = api_client(alice).post(
        "/api/v1/service-requests/", {"category": "work_permit", "title": f"申请{VT}许可", "details": work_permit_details()},
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {"title": [CONTROL_MESSAGE]}
    assert ServiceRequest.objects.count() == 0


@pytest.mark.parametrize("char", ["\x00", "\x1b", "\x7f", "\x85"], ids=["nul", "escape", "delete", "c1-next-line"])
def test_other_control_characters_in_a_description_are_refused(alice, work_permit, char):
    response = api_client(alice).post(
        "/api/v1/service-requests/",
        {"category": "work_permit", "title": "申请许可", "description": f"说{char}明", "details": work_permit_details()},
        format="json",
    )

    assert response.status_code == 400
    assert list(response.json()) == ["description"]
    assert ServiceRequest.objects.count() == 0


def test_line_breaks_and_tabs_are_kept_in_a_description(alice, work_permit):
    response = api_client(alice).post(
        "/api/v1/service-requests/",
        {"category": "work_permit", "title": "申请许可", "description": "第一行\r\n第二行\t备注", "details": work_permit_details()},
        format="json",
    )

    assert response.status_code == 201, response.content
    assert ServiceRequest.objects.get().description == "第一行\r\n第二行\t备注"


def test_a_line_break_in_a_title_is_refused(alice, work_permit):
    response = api_client(alice).post(
        "/api/v1/service-requests/", {"category": "work_permit", "title": "申请\n许可", "details": work_permit_details()},
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {"title": ["不能包含控制字符（U+000A），请删除后重新输入。"]}


def test_an_enterprise_name_with_a_vertical_tab_is_a_400_over_the_api(qian):
    response = api_client(qian).post("/api/v1/enterprises/", {"name": f"杭州{VT}科技有限公司"}, format="json")

    assert response.status_code == 400
    assert response.json() == {"name": [CONTROL_MESSAGE]}
    assert Enterprise.objects.count() == 0


def test_a_project_name_with_a_vertical_tab_is_a_400_over_the_api(qian, sunshine):
    response = api_client(qian).post("/api/v1/projects/", {"name": f"二{VT}期", "enterprise": sunshine.pk}, format="json")

    assert response.status_code == 400
    assert response.json() == {"name": [CONTROL_MESSAGE]}
    assert Project.objects.count() == 0


def test_a_follow_up_note_with_a_control_character_is_a_400_over_the_api(qian, sunshine):
    project = ProjectFactory(enterprise=sunshine, owner=qian)

    response = api_client(qian).post(
        f"/api/v1/projects/{project.pk}/follow-ups/", {"occurred_on": "2025-03-01", "note": f"走{VT}访"}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {"note": [CONTROL_MESSAGE]}
    assert FollowUp.objects.count() == 0


def test_a_message_and_a_transition_note_with_a_control_character_are_400s(zhou, alice_request):
    client = api_client(zhou)
    message = client.post(
        f"/api/v1/service-requests/{alice_request.pk}/messages/", {"body": f"请补充{VT}材料"}, format="json"
    )
    transition = client.post(
        f"/api/v1/service-requests/{alice_request.pk}/transition/", {"action": "accept", "note": f"受{VT}理"}, format="json"
    )

    assert (message.status_code, message.json()) == (400, {"body": [CONTROL_MESSAGE]})
    assert (transition.status_code, transition.json()) == (400, {"note": [CONTROL_MESSAGE]})
    alice_request.refresh_from_db()
    assert alice_request.status == "submitted"
    assert ServiceRequestMessage.objects.count() == 0


def test_an_approval_step_name_with_a_control_character_is_a_400(zhou, alice_request):
    response = api_client(zhou).post(
        f"/api/v1/service-requests/{alice_request.pk}/approval-steps/",
        {"name": f"外专局{VT}审批", "due_at": "2026-11-06T17:00:00+08:00"}, format="json",
    )

    assert response.status_code == 400
    assert response.json() == {"name": [CONTROL_MESSAGE]}


# ---- refused at input: the portal ----------------------------------------------------------------------------

def test_a_request_title_with_a_vertical_tab_is_refused_next_to_the_field_on_the_portal(client, alice, work_permit):
    client.force_login(alice)
    data = {"category": "work_permit", "title": f"申请{VT}许可", "description": ""}
    data.update({f"details-work_permit-{key}": value for key, value in work_permit_details().items()})

    response = client.post("/portal/requests/new/", data)

    assert response.status_code == 400
    assert response.context["form"].errors == {"title": [CONTROL_MESSAGE]}
    assert CONTROL_MESSAGE in response.content.decode()
    assert ServiceRequest.objects.count() == 0


def test_a_portal_message_with_a_control_character_is_refused_with_the_message(client, alice, alice_request):
    client.force_login(alice)

    response = client.post(f"/portal/requests/{alice_request.pk}/messages/", {"body": f"补{VT}充"}, follow=True)

    assert CONTROL_MESSAGE in [str(m) for m in response.context["messages"]]
    assert ServiceRequestMessage.objects.count() == 0


# ---- refused at input: the admin and the import ---------------------------------------------------------------

def _admin_add_data(client, url) -> dict:
    """What the admin's add page would post untouched: every field's initial value and each inline's management form."""
    page = client.get(url)
    data = {}
    form = page.context["adminform"].form
    for name in form.fields:
        value = form[name].value()
        data[name] = "" if value is None else value
    for inline in page.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        for name in management.fields:
            data[f"{management.prefix}-{name}"] = management[name].value()
    return data


def test_an_enterprise_name_with_a_vertical_tab_is_a_form_error_in_the_admin(client):
    client.force_login(officer())
    url = reverse("admin:crm_enterprise_add")
    data = {**_admin_add_data(client, url), "name": f"杭州{VT}科技有限公司", "status": "prospect", "industry_chain": "other"}

    response = client.post(url, data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["name"] == [CONTROL_MESSAGE]
    assert Enterprise.objects.count() == 0


def test_a_lead_with_a_control_character_in_its_name_is_refused_by_the_import(client):
    client.force_login(officer())
    headers = ["项目名称", "企业名称", "统一社会信用代码", "产业链", "细分赛道", "来源渠道", "总投资（万元）",
               "固定资产投资（万元）", "负责人", "下一步", "下次跟进日期"]
    # A DEL (U+007F): a workbook may hold it, and the rule refuses it like a vertical tab.
    dataset = tablib.Dataset(["智算\x7f中心", "杭州某某有限公司", "", "", "", "", 100, "", "", "", ""], headers=headers)
    upload = ContentFile(dataset.export("xlsx"), name="线索.xlsx")

    preview = client.post(reverse("admin:crm_project_import"), {"import_file": upload, "format": "0", "resource": "0"})

    assert preview.status_code == 200
    result = preview.context["result"]
    assert result.has_validation_errors() or result.has_errors()
    assert "不能包含控制字符（U+007F），请删除后重新输入。" in preview.content.decode()
    assert Project.objects.count() == 0


# ---- rows stored before the rule do not break an export ---------------------------------------------------------

def _sheets(response) -> list:
    assert response.status_code == 200, response
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return openpyxl.load_workbook(io.BytesIO(content)).worksheets


def _texts(sheets) -> list[str]:
    return [cell.value for sheet in sheets for row in sheet.iter_rows() for cell in row if isinstance(cell.value, str)]


@pytest.fixture
def polluted(alice_request, sunshine):
    """An overdue request, its enterprise, a project and a policy, each with a vertical tab stored straight in the database."""
    ServiceRequest.objects.filter(pk=alice_request.pk).update(
        title=f"申请{VT}许可", due_at=timezone.now() - dt.timedelta(days=3), submitted_at=timezone.now() - dt.timedelta(days=4)
    )
    Enterprise.objects.filter(pk=sunshine.pk).update(name=f"西湖阳光{VT}科技", short_name=f"西湖{VT}阳光")
    project = ProjectFactory(enterprise=sunshine)
    Project.objects.filter(pk=project.pk).update(name=f"二期{VT}工程", next_step=f"约见{VT}")
    policy = PolicyFactory()
    Policy.objects.filter(pk=policy.pk).update(name=f"人才{VT}新政", short_name="")
    return alice_request


@pytest.mark.parametrize("page", ["service", "pipeline", "land", "policies"])
def test_every_report_export_answers_200_with_the_control_character_dropped(client, polluted, page):
    client.force_login(manager())

    texts = _texts(_sheets(client.get(f"/reports/{page}/export.xlsx")))

    assert not [text for text in texts if VT in text]


def test_the_service_export_keeps_the_title_without_its_control_character(client, polluted):
    client.force_login(manager())

    texts = _texts(_sheets(client.get("/reports/service/export.xlsx")))

    assert "申请许可" in texts
    assert "西湖阳光" in texts  # the short name, as the report names enterprises


@pytest.mark.parametrize(("url", "expected"), [
    ("admin:crm_enterprise_export", "西湖阳光科技"),
    ("admin:crm_project_export", "二期工程"),
])
def test_every_admin_export_answers_200_with_the_control_character_dropped(client, polluted, url, expected):
    client.force_login(officer())

    texts = _texts(_sheets(client.get(reverse(url))))

    assert expected in texts
    assert not [text for text in texts if VT in text]


def test_the_request_queue_in_the_admin_still_shows_a_polluted_row(client, polluted):
    client.force_login(service_officer())

    assert client.get(reverse("admin:crm_servicerequest_changelist")).status_code == 200


# ---- no field and no interface forgets the rule -------------------------------------------------------------------

def _has_text_rule(field) -> bool:
    return any(validator in (validate_line, validate_long_text) for validator in field.validators)

# Fields written only by the code itself, or checked by a stricter rule of their own.
NOT_TYPED = {
    ("crm", "Enterprise", "credit_code"),  # validate_credit_code: 18 characters of a fixed alphabet
    ("crm", "Enterprise", "name_key"),  # derived from the checked name by crm.names.company_name_key, never typed
    ("crm", "ServiceRequestTransition", "action"),
    ("crm", "ServiceRequestAttachment", "content_type"),
    ("crm", "ReminderRule", "percents"),  # parsed by the rule's clean()
    ("crm", "SiteProfile", "logo_type"),  # read from the uploaded image's content, never typed
    ("crm", "User", "username"), ("crm", "User", "password"), ("crm", "User", "first_name"),
    ("crm", "User", "last_name"),
}


def test_every_text_field_a_person_types_carries_the_text_rule():
    missing = []
    for model in [*apps.get_app_config("crm").get_models(), *apps.get_app_config("parks").get_models()]:
        if model.__name__.startswith("Historical") or model._meta.model_name in ("notification", "notificationoutbox"):
            continue
        for field in model._meta.get_fields():
            # Email, URL and slug fields have a stricter format of their own.
            if type(field) not in (models.CharField, models.TextField) or field.choices:
                continue
            if (model._meta.app_label, model.__name__, field.name) in NOT_TYPED:
                continue
            if not _has_text_rule(field):
                missing.append(f"{model.__name__}.{field.name}")
    assert missing == [], missing


def _classes(module_names, base):
    import importlib

    for module_name in module_names:
        module = importlib.import_module(module_name)
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, base) and cls.__module__ == module_name:
                yield cls


FORM_MODULES = ["crm.portal.forms", "crm.admin.forms", "parks.forms", "crm.service_requests.details"]
SERIALIZER_MODULES = ["crm.api.serializers", "parks.api.serializers"]


def test_every_text_field_of_a_plain_form_carries_the_text_rule():
    missing = []
    for form_class in _classes(FORM_MODULES, forms.Form):
        if issubclass(form_class, AuthenticationForm):
            continue  # a password is never shown back, and may hold any character
        for name, field in form_class.base_fields.items():
            typed = type(field) is forms.CharField and not isinstance(field.widget, forms.HiddenInput)
            if typed and not _has_text_rule(field):
                missing.append(f"{form_class.__name__}.{name}")
    assert missing == [], missing


# Serializers that only shape an answer: nothing is read from a request through them.
ANSWER_SHAPES = {
    "CandidateSerializer", "CapitalSerializer", "CollisionSerializer", "CommitmentsSerializer",
    "CriterionResultSerializer", "DetailFieldSerializer", "LightSerializer", "MilestoneStatusSerializer",
    "AnnualCommitmentSerializer", "PolicyMatchesSerializer", "ClauseMatchSerializer", "ProjectCollisionSerializer",
}


def _input_serializers():
    for serializer_class in _classes(SERIALIZER_MODULES, serializers.Serializer):
        meta = getattr(serializer_class, "Meta", None)
        if serializer_class.__name__ in ANSWER_SHAPES or (
            meta is not None and getattr(meta, "read_only_fields", None) == meta.fields
        ):
            continue
        yield serializer_class


def test_every_text_field_a_serializer_takes_in_carries_the_text_rule():
    missing = []
    for serializer_class in _input_serializers():
        for name, field in serializer_class._declared_fields.items():
            typed = type(field) is serializers.CharField and not field.read_only
            if typed and not _has_text_rule(field):
                missing.append(f"{serializer_class.__name__}.{name}")
    assert missing == [], missing
