"""Staff endpoints: enterprises and the project pipeline, with filters, search and role permissions."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from crm.models import Enterprise, FollowUp, Project, ProjectStageChange, Stage
from crm.pipeline.services import project_change_stage
from tests.api.support import api_client, results
from tests.factories import EnterpriseFactory, ParkFactory, ProjectFactory, credit_code, officer

pytestmark = pytest.mark.django_db
PROJECTS = "/api/v1/projects/"
ENTERPRISES = "/api/v1/enterprises/"


# --- enterprises ------------------------------------------------------------------------------


def test_officer_registers_an_enterprise_with_a_pasted_credit_code(qian):
    code = credit_code(4242)
    pasted = f"{code[:6]} {code[6:12]}-{code[12:]}".lower()

    response = api_client(qian).post(
        ENTERPRISES, {"name": "杭州云谷算力科技有限公司", "credit_code": pasted, "industry_chain": "cloud"}, format="json"
    )

    assert response.status_code == 201, response.content
    enterprise = Enterprise.objects.get()
    assert (enterprise.name, enterprise.credit_code, enterprise.industry_chain) == ("杭州云谷算力科技有限公司", code, "cloud")
    assert response.json()["credit_code"] == code


VALID = credit_code(7)
WRONG_CHECK = VALID[:-1] + ("0" if VALID[-1] != "0" else "1")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (VALID[:-1], "统一社会信用代码应为 18 位，当前为 17 位。"),
        (WRONG_CHECK, f"统一社会信用代码校验位不正确（最后一位应为 {VALID[-1]}），请核对。"),
        ("91330106MA000000IO", "统一社会信用代码格式不正确：只能包含数字和除 I、O、Z、S、V 以外的大写字母。"),
    ],
    ids=["too-short", "wrong-check-character", "forbidden-letters"],
)
def test_malformed_credit_code_is_a_field_error_in_chinese(qian, value, message):
    response = api_client(qian).post(ENTERPRISES, {"name": "某公司", "credit_code": value}, format="json")

    assert response.status_code == 400
    assert response.json() == {"credit_code": [message]}
    assert Enterprise.objects.count() == 0


def test_duplicate_credit_code_is_a_field_error(qian, sunshine):
    response = api_client(qian).post(ENTERPRISES, {"name": "另一家公司", "credit_code": sunshine.credit_code}, format="json")

    assert response.status_code == 400
    assert list(response.json()) == ["credit_code"]
    assert Enterprise.objects.count() == 1


def test_negative_registered_capital_is_a_field_error(qian):
    response = api_client(qian).post(ENTERPRISES, {"name": "某公司", "registered_capital": "-1"}, format="json")

    assert response.status_code == 400
    assert response.json() == {"registered_capital": ["请确保该值大于或者等于 0。"]}
    assert Enterprise.objects.count() == 0


def test_managers_cannot_register_enterprises(boss):
    response = api_client(boss).post(ENTERPRISES, {"name": "某公司"}, format="json")

    assert response.status_code == 403
    assert Enterprise.objects.count() == 0


def test_enterprises_are_searched_by_name_and_credit_code(zhou, sunshine, kecong):
    client = api_client(zhou)

    assert [e["id"] for e in results(client.get(ENTERPRISES, {"search": "科聪"}))] == [kecong.pk]
    assert [e["id"] for e in results(client.get(ENTERPRISES, {"search": sunshine.credit_code}))] == [sunshine.pk]


# --- projects ---------------------------------------------------------------------------------


def test_investment_officer_logs_a_lead(qian, sunshine):
    response = api_client(qian).post(
        PROJECTS,
        {"name": "西湖阳光机器人小脑项目", "enterprise": sunshine.pk, "industry_chain": "robotics", "segment": "小脑",
         "total_investment": "12000", "fixed_asset_investment": "8000", "source_channel": "chain_led"},
        format="json",
    )

    assert response.status_code == 201, response.content
    project = Project.objects.get()
    body = response.json()
    assert (body["id"], body["stage"], body["owner"], body["priority"], body["collisions"]) == (
        project.pk, "lead", qian.pk, "key", [],
    )
    assert body["allowed_stages"] == ["contacted", "on_hold", "lost"]
    assert [(c.from_stage, c.to_stage, c.actor) for c in project.stage_changes.all()] == [("", "lead", qian)]


def test_a_lead_on_a_company_a_colleague_already_chases_is_flagged(qian, sunshine):
    colleague_project = ProjectFactory(name="西湖阳光一期", enterprise=sunshine)

    response = api_client(qian).post(PROJECTS, {"name": "西湖阳光二期", "enterprise": sunshine.pk}, format="json")

    assert response.status_code == 201
    assert response.json()["collisions"] == [
        {"id": colleague_project.pk, "name": "西湖阳光一期", "stage": "lead", "owner_name": str(colleague_project.owner)},
    ]


@pytest.mark.parametrize(
    ("change", "errors"),
    [
        ({"name": ""}, {"name": ["该字段不能为空。"]}),
        ({"enterprise": 999999}, {"enterprise": ["无效主键 “999999” － 对象不存在。"]}),
        ({"total_investment": "-5"}, {"total_investment": ["请确保该值大于或者等于 0。"]}),
        ({"stage": "signed"}, None),
    ],
    ids=["empty-name", "unknown-enterprise", "negative-amount", "stage-is-not-writable"],
)
def test_bad_project_input(qian, sunshine, change, errors):
    response = api_client(qian).post(PROJECTS, {"name": "项目", "enterprise": sunshine.pk, **change}, format="json")

    if errors is None:
        assert response.status_code == 201
        assert Project.objects.get().stage == "lead"
    else:
        assert response.status_code == 400
        assert response.json() == errors
        assert Project.objects.count() == 0


def test_fixed_assets_above_the_total_is_refused_by_the_model_rules(qian, sunshine):
    response = api_client(qian).post(
        PROJECTS,
        {"name": "项目", "enterprise": sunshine.pk, "total_investment": "100", "fixed_asset_investment": "200"},
        format="json",
    )

    assert response.status_code == 400
    assert list(response.json()) == ["__all__"]
    assert Project.objects.count() == 0


def test_managers_read_projects_but_cannot_change_them(boss, qian, sunshine):
    project = ProjectFactory(enterprise=sunshine, owner=qian)
    client = api_client(boss)

    assert [p["id"] for p in results(client.get(PROJECTS))] == [project.pk]
    assert client.get(f"{PROJECTS}{project.pk}/").status_code == 200
    denied = [
        client.post(PROJECTS, {"name": "新项目", "enterprise": sunshine.pk}, format="json"),
        client.post(f"{PROJECTS}{project.pk}/stage/", {"stage": "contacted"}, format="json"),
        client.post(f"{PROJECTS}{project.pk}/follow-ups/", {"occurred_on": "2025-03-01", "note": "走访"}, format="json"),
    ]
    assert [r.status_code for r in denied] == [403, 403, 403]
    project.refresh_from_db()
    assert (Project.objects.count(), project.stage, project.stage_changes.count(), project.follow_ups.count()) == (
        1, "lead", 1, 0,
    )


def test_service_officers_do_not_read_the_pipeline(zhou, qian, sunshine):
    project = ProjectFactory(enterprise=sunshine, owner=qian)
    client = api_client(zhou)

    answers = [client.get(PROJECTS), client.get(f"{PROJECTS}{project.pk}/"), client.get(f"{PROJECTS}{project.pk}/follow-ups/")]

    assert [r.status_code for r in answers] == [403, 403, 403]
    assert answers[0].json() == {"detail": "您没有权限查看招商项目。"}


def test_stage_moves_forward_and_is_recorded(qian, sunshine):
    project = ProjectFactory(enterprise=sunshine, owner=qian)

    response = api_client(qian).post(
        f"{PROJECTS}{project.pk}/stage/", {"stage": "contacted", "note": "首次拜访"}, format="json"
    )

    assert response.status_code == 200
    assert (response.json()["stage"], response.json()["allowed_stages"]) == ("contacted", ["negotiating", "on_hold", "lost"])
    last = project.stage_changes.order_by("-id").first()
    assert (last.from_stage, last.to_stage, last.actor, last.note) == ("lead", "contacted", qian, "首次拜访")


def test_illegal_stage_change_is_409_and_changes_nothing(qian, sunshine):
    project = ProjectFactory(enterprise=sunshine, owner=qian)

    response = api_client(qian).post(f"{PROJECTS}{project.pk}/stage/", {"stage": "signed"}, format="json")

    assert response.status_code == 409
    assert response.json() == {"detail": "项目当前处于“线索”，不能转到“签约”。可转到：初步接洽、暂缓、终止。"}
    project.refresh_from_db()
    assert (project.stage, ProjectStageChange.objects.filter(project=project).count()) == ("lead", 1)


def test_losing_a_project_needs_a_reason(qian, sunshine):
    project = ProjectFactory(enterprise=sunshine, owner=qian)

    response = api_client(qian).post(f"{PROJECTS}{project.pk}/stage/", {"stage": "lost"}, format="json")

    assert response.status_code == 400
    assert response.json() == {"note": ["终止项目必须填写原因。"]}
    project.refresh_from_db()
    assert project.stage == "lead"


def test_unknown_stage_is_a_field_error(qian, sunshine):
    project = ProjectFactory(enterprise=sunshine, owner=qian)

    response = api_client(qian).post(f"{PROJECTS}{project.pk}/stage/", {"stage": "won"}, format="json")

    assert response.status_code == 400
    assert response.json() == {"stage": ["“won” 不是合法选项。"]}


def test_follow_up_is_logged_and_its_next_step_becomes_the_projects(qian, sunshine):
    project = ProjectFactory(enterprise=sunshine, owner=qian)
    next_date = timezone.localdate() + dt.timedelta(days=7)
    client = api_client(qian)

    response = client.post(
        f"{PROJECTS}{project.pk}/follow-ups/",
        {"kind": "visit", "occurred_on": timezone.localdate().isoformat(), "note": "走访，了解用地需求。",
         "next_step": "报送用地方案", "next_follow_up_on": next_date.isoformat()},
        format="json",
    )

    assert response.status_code == 201, response.content
    follow_up = FollowUp.objects.get()
    assert (follow_up.officer, follow_up.note) == (qian, "走访，了解用地需求。")
    project.refresh_from_db()
    assert (project.next_step, project.next_follow_up_on) == ("报送用地方案", next_date)
    assert [f["id"] for f in results(client.get(f"{PROJECTS}{project.pk}/follow-ups/"))] == [follow_up.pk]


def test_follow_up_without_a_note_is_a_field_error(qian, sunshine):
    project = ProjectFactory(enterprise=sunshine, owner=qian)

    response = api_client(qian).post(
        f"{PROJECTS}{project.pk}/follow-ups/", {"occurred_on": "2025-03-01", "note": ""}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {"note": ["该字段不能为空。"]}
    assert FollowUp.objects.count() == 0


@pytest.fixture
def pipeline(qian, db):
    """Three projects that differ on every filter."""
    other_officer = officer(username="li", display_name="李招商")
    park = ParkFactory(name="中国云谷先导区")
    robot = ProjectFactory(
        name="机器人大脑项目", enterprise=EnterpriseFactory(name="杭州智元机器人有限公司"), owner=qian,
        industry_chain="robotics", total_investment=Decimal("50000"), fixed_asset_investment=Decimal("0"),
        expected_signing_on=dt.date(2025, 3, 1),
    )
    cloud = ProjectFactory(
        name="智算中心项目", enterprise=EnterpriseFactory(name="杭州云谷算力有限公司"), owner=other_officer,
        industry_chain="cloud", park=park, total_investment=Decimal("150000"), fixed_asset_investment=Decimal("0"),
        expected_signing_on=dt.date(2025, 9, 1),
    )
    genome = ProjectFactory(
        name="基因测序项目", enterprise=EnterpriseFactory(name="杭州基因科技有限公司"), owner=other_officer,
        industry_chain="life_health", total_investment=Decimal("3000"), fixed_asset_investment=Decimal("0"),
    )
    project_change_stage(project=cloud, to=Stage.CONTACTED, actor=other_officer)
    Project.objects.filter(pk=genome.pk).update(created_at=timezone.now() - dt.timedelta(days=400))
    return {"robot": robot, "cloud": cloud, "genome": genome, "park": park, "qian": qian}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"stage": "contacted"}, ["cloud"]),
        ({"stage": ["lead", "contacted"]}, ["genome", "cloud", "robot"]),
        ({"owner": "qian"}, ["robot"]),
        ({"industry_chain": "life_health"}, ["genome"]),
        ({"park": "park"}, ["cloud"]),
        ({"total_investment_min": "10000"}, ["cloud", "robot"]),
        ({"total_investment_max": "50000"}, ["genome", "robot"]),
        ({"total_investment_min": "10000", "total_investment_max": "100000"}, ["robot"]),
        ({"created_before": (timezone.localdate() - dt.timedelta(days=30)).isoformat()}, ["genome"]),
        ({"created_after": (timezone.localdate() - dt.timedelta(days=30)).isoformat()}, ["cloud", "robot"]),
        ({"expected_signing_after": "2025-06-01"}, ["cloud"]),
        ({"expected_signing_before": "2025-06-01"}, ["robot"]),
        ({"search": "智算"}, ["cloud"]),
        ({"search": "智元机器人"}, ["robot"]),
        ({"ordering": "total_investment"}, ["genome", "robot", "cloud"]),
    ],
)
def test_project_filters_and_search(boss, pipeline, params, expected):
    resolved = {k: (pipeline[v].pk if v in ("qian", "park") else v) for k, v in params.items() if not isinstance(v, list)}
    resolved.update({k: v for k, v in params.items() if isinstance(v, list)})

    rows = results(api_client(boss).get(PROJECTS, resolved))

    names = {pipeline[key].pk: key for key in ("robot", "cloud", "genome")}
    found = [names[r["id"]] for r in rows]
    assert found == expected if "ordering" in params else sorted(found) == sorted(expected)


def test_search_by_credit_code_finds_the_investors_projects(boss, pipeline):
    code = pipeline["cloud"].enterprise.credit_code

    assert [r["id"] for r in results(api_client(boss).get(PROJECTS, {"search": code}))] == [pipeline["cloud"].pk]


@pytest.mark.parametrize(
    "params",
    [{"stage": "won"}, {"owner": "abc"}, {"total_investment_min": "abc"}, {"created_after": "2025-13-45"},
     {"total_investment_min": "1e999999"}, {"park": "99999999999999999999"}],
)
def test_bad_filter_values_are_a_400(boss, pipeline, params):
    response = api_client(boss).get(PROJECTS, params)

    assert response.status_code == 400
    assert list(response.json()) == list(params)
