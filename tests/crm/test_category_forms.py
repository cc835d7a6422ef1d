"""Category forms designed in the admin (issue 14, part 4): the fields of a category are data, published as versions.

The portal form, the API's validation and the schema follow the definition; a request keeps the values and the form
version it was submitted with, and is shown with that version's labels; a passport field is encrypted and masked.
"""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from crm import crypto
from crm.models import CategoryField, CategoryFormVersion, ServiceCategory, ServiceRequest
from crm.service_requests.category_forms import category_form_current, category_form_publish
from crm.service_requests.details import details_for_display
from tests.api.support import api_client
from tests.factories import ServiceCategoryFactory, service_officer, service_request, work_permit_details

pytestmark = pytest.mark.django_db
FIELD_COLUMNS = ("order", "key", "label", "kind", "required", "help_text", "options", "max_length", "min_value",
                 "max_value", "not_before_today")


def admin_post(client, category: ServiceCategory, *, fields: list[dict], steps: list[dict] = ()):
    """The category's change form as the administrator submits it: its own fields, then both inlines whole."""
    data = {
        "code": category.code, "name": category.name, "description": category.description,
        "sla_unit": category.sla_unit, "sla_value": category.sla_value, "is_active": "on",
        "sort_order": category.sort_order, "routing_limit_unit": category.routing_limit_unit,
        "lead_limit": category.lead_limit, "assist_limit": category.assist_limit,
    }
    for prefix, rows, columns in (("form_fields", fields, FIELD_COLUMNS),
                                  ("step_templates", steps, ("sequence", "name", "authority", "offset_value",
                                                             "offset_unit"))):
        existing = [row for row in rows if row.get("id")]
        data.update({f"{prefix}-TOTAL_FORMS": len(rows), f"{prefix}-INITIAL_FORMS": len(existing),
                     f"{prefix}-MIN_NUM_FORMS": 0, f"{prefix}-MAX_NUM_FORMS": 1000})
        for i, row in enumerate(rows):
            for column in (*columns, "id", "category"):
                value = row.get(column)
                if column == "category":
                    value = category.pk
                if isinstance(value, bool):
                    if value:
                        data[f"{prefix}-{i}-{column}"] = "on"
                    continue
                data[f"{prefix}-{i}-{column}"] = "" if value is None else value
    return client.post(reverse("admin:crm_servicecategory_change", args=[category.pk]), data)


def _rows(category) -> list[dict]:
    return [
        {"id": f.pk, **{column: getattr(f, column) for column in FIELD_COLUMNS}}
        for f in CategoryField.objects.filter(category=category).order_by("order", "id")
    ]


def test_the_work_permit_form_is_data_with_the_keys_it_always_had(work_permit):
    version = category_form_current(work_permit)

    assert version.number == 1
    assert [f["key"] for f in version.fields] == [
        "expert_name", "nationality", "passport_number", "position", "planned_start_date", "contact_phone"
    ]
    assert version.labels()["passport_number"] == "护照号码"


def test_a_field_added_in_the_admin_appears_in_the_portal_is_validated_by_the_api_and_shown_in_the_schema(
    client, root, alice, work_permit
):
    client.force_login(root)
    new = {"order": 60, "key": "visa_type", "label": "签证类型", "kind": "choice", "required": True,
           "help_text": "按护照上的签证填写。", "options": "Z 字签证\nR 字签证", "not_before_today": False}

    response = admin_post(client, work_permit, fields=[*_rows(work_permit), new])

    assert response.status_code == 302, response.context and response.context["errors"]
    assert category_form_current(work_permit).number == 2

    client.force_login(alice)
    page = client.get("/portal/requests/new/?category=work_permit").content.decode()
    assert "签证类型" in page
    assert 'name="details-work_permit-visa_type"' in page
    assert "R 字签证" in page

    missing = api_client(alice).post("/api/v1/service-requests/", {
        "category": "work_permit", "title": "工作许可", "details": work_permit_details(),
    }, format="json")
    wrong = api_client(alice).post("/api/v1/service-requests/", {
        "category": "work_permit", "title": "工作许可", "details": work_permit_details(visa_type="M 字签证"),
    }, format="json")
    right = api_client(alice).post("/api/v1/service-requests/", {
        "category": "work_permit", "title": "工作许可", "details": work_permit_details(visa_type="R 字签证"),
    }, format="json")
    assert (missing.status_code, missing.json()["details"]) == (400, {"visa_type": ["该字段是必填项。"]})
    assert wrong.status_code == 400 and list(wrong.json()["details"]) == ["visa_type"]
    assert right.status_code == 201
    assert ServiceRequest.objects.get().details["visa_type"] == "R 字签证"

    schema = APIClient().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    visa = schema["components"]["schemas"]["ServiceRequestCreateRequest"]["properties"]["details"]["properties"]["visa_type"]
    assert visa["enum"] == ["Z 字签证", "R 字签证"]
    assert visa["description"].startswith("签证类型。按护照上的签证填写。必填的类别：work_permit。")
    categories = api_client(alice).get("/api/v1/service-categories/").json()["results"]
    fields = next(c for c in categories if c["code"] == "work_permit")["detail_fields"]
    assert fields[-1] == {"name": "visa_type", "label": "签证类型", "type": "choice", "required": True,
                          "help_text": "按护照上的签证填写。", "options": ["Z 字签证", "R 字签证"]}


def test_a_request_keeps_its_form_version_and_labels_after_the_form_changes(client, root, alice, alice_request,
                                                                          work_permit):
    rows = _rows(work_permit)
    next(row for row in rows if row["key"] == "expert_name")["label"] = "外籍专家姓名"
    client.force_login(root)

    response = admin_post(client, work_permit, fields=rows)

    assert response.status_code == 302
    alice_request.refresh_from_db()
    assert alice_request.form_version.number == 1
    client.force_login(alice)
    old = client.get(f"/portal/requests/{alice_request.pk}/").content.decode()
    assert "外籍人才姓名" in old and "外籍专家姓名" not in old
    newer = service_request(enterprise=alice_request.enterprise, submitted_by=alice, category=work_permit)
    assert newer.form_version.number == 2
    assert "外籍专家姓名" in client.get(f"/portal/requests/{newer.pk}/").content.decode()


def test_saving_the_category_without_changing_its_fields_publishes_no_new_version(client, root, work_permit):
    client.force_login(root)

    response = admin_post(client, work_permit, fields=_rows(work_permit))

    assert response.status_code == 302
    assert CategoryFormVersion.objects.filter(category=work_permit).count() == 1


def test_a_bad_field_is_refused_in_chinese_and_nothing_is_published(client, root, work_permit):
    ServiceCategoryFactory(code="talent_housing", name="人才房", sla_unit="working_days", sla_value=5)
    client.force_login(root)
    bad = [
        {"order": 70, "key": "Visa-Type", "label": "签证", "kind": "text", "required": True},
        {"order": 80, "key": "grade", "label": "等级", "kind": "choice", "required": True, "options": ""},
        {"order": 90, "key": "household_size", "label": "随行人数", "kind": "text", "required": True},
    ]

    response = admin_post(client, work_permit, fields=[*_rows(work_permit), *bad])

    assert response.status_code == 200
    errors = str(response.context["inline_admin_formsets"][0].formset.errors)
    assert "字段代码只能包含小写字母、数字和下划线，并以字母开头。" in errors
    assert "“选项”类型的字段须至少填写一个选项。" in errors
    assert "字段代码 household_size 在类别“人才房”中的类型为“整数”，同一代码的类型须一致。" in errors
    assert CategoryField.objects.filter(category=work_permit).count() == 6
    assert CategoryFormVersion.objects.filter(category=work_permit).count() == 1


def test_only_an_administrator_edits_a_categorys_form(client, work_permit):
    officer = service_officer()
    client.force_login(officer)
    rows = _rows(work_permit)
    rows[0]["label"] = "改过的名称"

    response = admin_post(client, work_permit, fields=rows)

    assert response.status_code == 403
    assert CategoryField.objects.get(category=work_permit, key="expert_name").label == "外籍人才姓名"
    assert CategoryFormVersion.objects.filter(category=work_permit).count() == 1


def test_a_passport_field_of_a_new_category_is_encrypted_and_masked(alice, work_permit):
    visa = ServiceCategoryFactory(code="visa_invite", name="邀请函", sla_unit="working_days", sla_value=3)
    CategoryField.objects.create(category=visa, key="guest_passport", label="来宾护照号", kind="passport", order=1)
    category_form_publish(category=visa)

    request = service_request(enterprise=alice.enterprises.get(), submitted_by=alice, category=visa,
                              details={"guest_passport": "g 1234 5678"})

    stored = request.details["guest_passport"]
    assert stored.startswith(crypto.PREFIX) and "G12345678" not in stored
    officer, other = service_officer(), service_officer()
    request.assignee = officer
    assert details_for_display(service_request=request, user=officer)["guest_passport"] == "G12345678"
    assert details_for_display(service_request=request, user=other)["guest_passport"] == "G1*****78"
    bad = api_client(alice).post("/api/v1/service-requests/", {
        "category": "visa_invite", "title": "邀请函", "details": {"guest_passport": "??"},
    }, format="json")
    assert bad.json()["details"] == {"guest_passport": ["护照号码格式不正确：应为 6–12 位大写字母或数字。"]}


def test_the_passport_stays_masked_after_the_field_is_removed_from_the_form(alice_request, work_permit):
    CategoryField.objects.filter(category=work_permit, key="passport_number").delete()
    category_form_publish(category=work_permit)
    alice_request.refresh_from_db()

    assert details_for_display(service_request=alice_request, user=service_officer())["passport_number"] == "E1*****78"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_migration_turns_the_python_forms_into_rows_and_keeps_every_stored_value():
    import datetime as dt

    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor
    from django.utils import timezone

    executor = MigrationExecutor(connection)
    executor.migrate([("crm", "0013_lists_as_data")])
    old = executor.loader.project_state([("crm", "0013_lists_as_data")]).apps
    user = old.get_model("crm", "User").objects.create(username="wang")
    enterprise = old.get_model("crm", "Enterprise").objects.create(name="西湖阳光（杭州）科技有限公司")
    category = old.get_model("crm", "ServiceCategory")
    permit = category.objects.create(code="work_permit", name="外国人来华工作许可", sla_unit="calendar_hours", sla_value=24)
    category.objects.create(code="talent_housing", name="人才房", sla_unit="working_days", sla_value=5)
    category.objects.create(code="policy_redemption", name="政策兑现", sla_unit="working_days", sla_value=15)
    stored = {"expert_name": "John Smith", "passport_number": crypto.encrypt("E12345678"), "contact_phone": "0571-1"}
    now = timezone.now()
    old.get_model("crm", "ServiceRequest").objects.create(
        enterprise=enterprise, category=permit, title="工作许可", details=stored, submitted_by=user, submitted_at=now,
        due_at=now + dt.timedelta(hours=24),
    )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    forms = {v.category.code: [f["key"] for f in v.fields] for v in CategoryFormVersion.objects.select_related("category")}
    assert forms == {
        "work_permit": ["expert_name", "nationality", "passport_number", "position", "planned_start_date",
                        "contact_phone"],
        "talent_housing": ["applicant_name", "talent_level", "household_size", "contact_phone"],
    }
    request = ServiceRequest.objects.get()
    assert request.details == stored
    assert (request.form_version.number, request.form_version.labels()["expert_name"]) == (1, "外籍人才姓名")
    permit = ServiceCategory.objects.get(code="work_permit")
    assert list(permit.step_templates.values_list("name", "offset_value", "offset_unit")) == [
        ("材料审核", 2, "hours"), ("网上申报", 4, "hours"), ("外专局审批", 20, "hours"), ("发证", 24, "hours"),
    ]
    # The migration's frozen rows are what the admin would publish: saving the category changes nothing.
    assert category_form_publish(category=permit).number == 1
