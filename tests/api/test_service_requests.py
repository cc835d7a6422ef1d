"""Service requests over the API: categories, submitting, reading, bad input and passport masking."""

import datetime as dt

import pytest
from django.utils import timezone

from crm.models import ServiceRequest, ServiceRequestTransition
from crm.service_requests.services import service_request_transition
from tests.api.support import api_client, results
from tests.factories import (
    FINISHED_STATUSES,
    ServiceCategoryFactory,
    UserFactory,
    request_moved_to,
    service_request,
    work_permit_details,
)

pytestmark = pytest.mark.django_db
LIST = "/api/v1/service-requests/"


def detail_url(request):
    return f"/api/v1/service-requests/{request.pk}/"


def test_service_categories_list_code_name_and_sla_with_a_human_label(alice, work_permit):
    ServiceCategoryFactory(code="talent_housing", name="人才房", sla_unit="working_days", sla_value=5, sort_order=1)
    ServiceCategoryFactory(code="retired", name="已停用类别", sla_value=3, is_active=False)

    rows = results(api_client(alice).get("/api/v1/service-categories/"))

    assert [(r["code"], r["name"], r["sla_unit"], r["sla_value"], r["sla_label"]) for r in rows] == [
        ("work_permit", "外国人来华工作许可", "calendar_hours", 24, "24 小时"),
        ("talent_housing", "人才房", "working_days", 5, "5 个工作日"),
    ]
    assert [f["name"] for f in rows[0]["detail_fields"]] == [
        "expert_name", "nationality", "passport_number", "position", "planned_start_date", "contact_phone",
    ]


def test_enterprise_user_submits_a_work_permit_request_without_naming_its_only_enterprise(alice, sunshine, work_permit):
    response = api_client(alice).post(
        LIST,
        {"category": "work_permit", "title": "申请外籍专家工作许可", "description": "首席算法工程师入职",
         "details": work_permit_details()},
        format="json",
    )

    assert response.status_code == 201, response.content
    body = response.json()
    created = ServiceRequest.objects.get()
    assert body["id"] == created.pk
    assert (body["enterprise"], body["category"], body["status"], body["assignee"]) == (
        sunshine.pk, "work_permit", "submitted", None,
    )
    assert created.due_at - created.submitted_at == dt.timedelta(hours=24)
    assert body["due_at"] == timezone.localtime(created.due_at).isoformat()
    assert 86390 <= body["time_left_seconds"] <= 86400
    assert body["allowed_actions"] == ["withdraw"]
    assert [(t["action"], t["to_status"]) for t in body["transitions"]] == [("submit", "submitted")]
    assert created.submitted_by == alice


def test_enterprise_user_of_two_enterprises_must_name_one(alice, kecong, work_permit):
    alice.enterprises.add(kecong)

    response = api_client(alice).post(
        LIST, {"category": "work_permit", "title": "申请", "details": work_permit_details()}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {"enterprise": ["请指定提交诉求的企业。"]}
    assert ServiceRequest.objects.count() == 0


def test_enterprise_user_of_two_enterprises_submits_for_the_one_named(alice, kecong, work_permit):
    alice.enterprises.add(kecong)

    response = api_client(alice).post(
        LIST,
        {"enterprise": kecong.pk, "category": "work_permit", "title": "申请", "details": work_permit_details()},
        format="json",
    )

    assert response.status_code == 201
    assert ServiceRequest.objects.get().enterprise == kecong


def test_enterprise_user_cannot_submit_for_another_enterprise(alice, kecong, work_permit):
    response = api_client(alice).post(
        LIST,
        {"enterprise": kecong.pk, "category": "work_permit", "title": "申请", "details": work_permit_details()},
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {"enterprise": [f"无效主键 “{kecong.pk}” － 对象不存在。"]}
    assert ServiceRequest.objects.count() == 0


def test_service_officer_submits_on_behalf_of_a_named_enterprise(zhou, sunshine, work_permit):
    response = api_client(zhou).post(
        LIST,
        {"enterprise": sunshine.pk, "category": "work_permit", "title": "电话受理", "details": work_permit_details()},
        format="json",
    )

    assert response.status_code == 201
    created = ServiceRequest.objects.get()
    assert (created.enterprise, created.submitted_by) == (sunshine, zhou)


def test_staff_must_name_the_enterprise(zhou, work_permit):
    response = api_client(zhou).post(
        LIST, {"category": "work_permit", "title": "电话受理", "details": work_permit_details()}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {"enterprise": ["请指定提交诉求的企业。"]}


@pytest.mark.parametrize("who", ["qian", "boss"])
def test_investment_officers_and_managers_cannot_submit_requests(request, who, sunshine, work_permit):
    response = api_client(request.getfixturevalue(who)).post(
        LIST,
        {"enterprise": sunshine.pk, "category": "work_permit", "title": "申请", "details": work_permit_details()},
        format="json",
    )

    assert response.status_code == 403
    assert ServiceRequest.objects.count() == 0


BAD_INPUT = [
    pytest.param({"category": "no_such_thing"}, {"category": ["没有代码为“no_such_thing”的服务类别。"]}, id="unknown-category"),
    pytest.param({"title": ""}, {"title": ["该字段不能为空。"]}, id="empty-title"),
    pytest.param({"title": "   "}, {"title": ["该字段不能为空。"]}, id="blank-title"),
    pytest.param({"title": "标" * 201}, {"title": ["请确保这个字段不能超过 200 个字符。"]}, id="title-over-200"),
    pytest.param(
        {"description": "述" * 5001}, {"description": ["请确保这个字段不能超过 5000 个字符。"]}, id="description-over-5000"
    ),
    pytest.param(
        {"details": work_permit_details(passport_number="E-123")},
        {"details": {"passport_number": ["护照号码格式不正确：应为 6–12 位大写字母或数字。"]}},
        id="passport-wrong-shape",
    ),
    pytest.param(
        {"details": work_permit_details(planned_start_date="2020-01-01")},
        {"details": {"planned_start_date": ["计划入职日期不能早于今天。"]}},
        id="planned-date-in-the-past",
    ),
    pytest.param(
        {"details": work_permit_details(expert_name="")}, {"details": {"expert_name": ["该字段是必填项。"]}},
        id="missing-expert-name",
    ),
    pytest.param(
        {"details": work_permit_details(planned_start_date=20991231)},
        {"details": {"planned_start_date": ["输入一个有效的日期。"]}},
        id="date-as-a-number",
    ),
    pytest.param(
        {"details": work_permit_details(expert_name=["a"])},
        {"details": {"expert_name": ["应为文字、数字或日期，不能是列表或对象。"]}},
        id="nested-value",
    ),
    pytest.param({"details": ["a"]}, {"details": ["期望是包含类目的字典，得到类型为 “list”。"]}, id="details-not-an-object"),
    # The text rule names the character; DRF's own NUL check (its zh-hans wording) follows it.
    pytest.param(
        {"title": "a\x00b"}, {"title": ["不能包含控制字符（U+0000），请删除后重新输入。", "不允许是用空字符串。"]},
        id="nul-in-title",
    ),
]


@pytest.mark.parametrize(("change", "errors"), BAD_INPUT)
def test_bad_input_is_a_field_error_and_saves_nothing(alice, work_permit, change, errors):
    payload = {"category": "work_permit", "title": "申请外籍专家工作许可", "details": work_permit_details(), **change}

    response = api_client(alice).post(LIST, payload, format="json")

    assert response.status_code == 400
    assert response.json() == errors
    assert ServiceRequest.objects.count() == 0
    assert ServiceRequestTransition.objects.count() == 0


def test_enterprise_user_and_unassigned_officer_see_the_passport_number_masked(alice, zhou, wu, alice_request):
    service_request_transition(service_request=alice_request, action="accept", actor=zhou)

    for user in (alice, wu):
        client = api_client(user)
        assert client.get(detail_url(alice_request)).json()["details"]["passport_number"] == "E1*****78"
        assert results(client.get(LIST))[0]["details"]["passport_number"] == "E1*****78"


def test_assigned_officer_sees_the_passport_number_in_clear(zhou, alice_request):
    service_request_transition(service_request=alice_request, action="accept", actor=zhou)

    client = api_client(zhou)

    assert client.get(detail_url(alice_request)).json()["details"]["passport_number"] == "E12345678"
    assert results(client.get(LIST))[0]["details"]["passport_number"] == "E12345678"


def test_the_passport_number_is_stored_encrypted_not_in_clear(alice_request):
    alice_request.refresh_from_db()
    stored = alice_request.details["passport_number"]

    assert stored.startswith("enc:")
    assert "E12345678" not in stored
    assert "E12345678" not in str(ServiceRequest.objects.values_list("details", flat=True).get())


def test_service_officers_and_managers_read_every_request(zhou, boss, alice_request, bob_request):
    for user in (zhou, boss):
        assert sorted(r["id"] for r in results(api_client(user).get(LIST))) == sorted([alice_request.pk, bob_request.pk])


def test_investment_officers_read_no_request(qian, alice_request, bob_request):
    response = api_client(qian).get(LIST)

    assert response.status_code == 403
    assert response.json() == {"detail": "您没有权限查看企业诉求。"}


def test_request_list_filters_by_status_category_and_open(zhou, alice, sunshine, alice_request, work_permit):
    housing = ServiceCategoryFactory(code="talent_housing", name="人才房", sla_unit="working_days", sla_value=5)
    other = service_request(enterprise=sunshine, submitted_by=alice, category=housing,
                            details={"applicant_name": "张三", "household_size": 2})
    service_request_transition(service_request=other, action="withdraw", actor=alice)
    client = api_client(zhou)

    assert [r["id"] for r in results(client.get(LIST, {"status": "withdrawn"}))] == [other.pk]
    assert [r["id"] for r in results(client.get(LIST, {"category": "work_permit"}))] == [alice_request.pk]
    assert [r["id"] for r in results(client.get(LIST, {"is_open": "true"}))] == [alice_request.pk]
    assert [r["id"] for r in results(client.get(LIST, {"is_open": "false"}))] == [other.pk]
    assert client.get(LIST, {"category": "nope"}).status_code == 400


def test_overdue_request_shows_negative_time_left(alice, sunshine, work_permit):
    late = service_request(enterprise=sunshine, submitted_by=alice, category=work_permit,
                           at=timezone.now() - dt.timedelta(hours=30))

    body = api_client(alice).get(detail_url(late)).json()

    assert body["is_overdue"] is True
    assert -6 * 3600 - 10 <= body["time_left_seconds"] <= -6 * 3600


def test_closed_request_has_no_time_left(alice, zhou, alice_request):
    service_request_transition(service_request=alice_request, action="reject", actor=zhou, note="材料不全")

    body = api_client(alice).get(detail_url(alice_request)).json()

    assert (body["status"], body["time_left_seconds"], body["is_overdue"], body["rejection_reason"]) == (
        "rejected", None, False, "材料不全",
    )


def test_service_officer_assigns_a_request_to_a_colleague(zhou, wu, alice_request):
    response = api_client(zhou).post(f"{detail_url(alice_request)}assign/", {"assignee": wu.pk}, format="json")

    assert response.status_code == 200
    body = response.json()
    assert body["assignee"] == wu.pk
    assert [(t["action"], t["action_display"], t["from_status"], t["to_status"], t["actor"], t["note"])
            for t in body["transitions"]] == [
        ("submit", "提交", "", "submitted", alice_request.submitted_by_id, ""),
        ("assign", "分派", "submitted", "submitted", zhou.pk, "分派给 吴强"),
    ]
    alice_request.refresh_from_db()
    assert alice_request.assignee == wu


@pytest.mark.parametrize("status", FINISHED_STATUSES)
def test_assigning_a_finished_request_is_409_and_changes_nothing(zhou, wu, alice_request, status):
    finished = request_moved_to(alice_request, status, officer=zhou)
    before = (finished.assignee_id, finished.transitions.count())

    response = api_client(zhou).post(f"{detail_url(finished)}assign/", {"assignee": wu.pk}, format="json")

    label = {"closed": "已关闭", "withdrawn": "已撤回", "rejected": "不予受理"}[status]
    assert response.status_code == 409
    assert response.json() == {"detail": f"诉求已结束（{label}），不能再分派。"}
    finished.refresh_from_db()
    assert (finished.assignee_id, finished.transitions.count()) == before


@pytest.mark.parametrize("who", ["alice", "qian", "boss"])
def test_only_service_officers_assign(request, who, wu, alice_request):
    response = api_client(request.getfixturevalue(who)).post(
        f"{detail_url(alice_request)}assign/", {"assignee": wu.pk}, format="json"
    )

    assert response.status_code == 403
    alice_request.refresh_from_db()
    assert alice_request.assignee is None


def test_a_request_cannot_be_assigned_to_someone_who_is_not_a_service_officer(zhou, qian, alice_request):
    response = api_client(zhou).post(f"{detail_url(alice_request)}assign/", {"assignee": qian.pk}, format="json")

    assert response.status_code == 400
    assert response.json() == {"assignee": ["只能分派给企业服务专员。"]}
    alice_request.refresh_from_db()
    assert alice_request.assignee is None


def test_superuser_can_do_everything_an_officer_can(root, sunshine, work_permit):
    response = api_client(root).post(
        LIST,
        {"enterprise": sunshine.pk, "category": "work_permit", "title": "代办", "details": work_permit_details()},
        format="json",
    )
    pk = response.json()["id"]

    accepted = api_client(root).post(f"{LIST}{pk}/transition/", {"action": "accept"}, format="json")

    assert (response.status_code, accepted.status_code) == (201, 200)
    assert accepted.json()["assignee"] == root.pk


def test_a_user_without_any_role_is_refused_the_requests(alice_request):
    nobody = UserFactory(username="nobody")

    response = api_client(nobody).get(LIST)

    assert response.status_code == 403
    assert alice_request.title not in response.content.decode()
