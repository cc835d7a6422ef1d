"""GET /api/v1/projects/collisions/: the 撞单 check over the API — by name, credit code or enterprise id."""

import pytest

from crm.models import Stage
from crm.pipeline.services import project_change_stage
from tests.api.support import api_client
from tests.factories import EnterpriseFactory, ProjectFactory, credit_code, enterprise_user, officer, service_officer

pytestmark = pytest.mark.django_db
URL = "/api/v1/projects/collisions/"


@pytest.fixture
def taken():
    """张三's project, in talks, on 西湖阳光 (its code is 4242)."""
    zhang = officer(display_name="张三")
    enterprise = EnterpriseFactory(name="西湖阳光（杭州）科技有限公司", credit_code=credit_code(4242))
    project = ProjectFactory(owner=zhang, enterprise=enterprise, name="光伏组件总部")
    return project_change_stage(project=project, to=Stage.CONTACTED, actor=zhang)


def test_a_name_answers_the_colleagues_project_with_owner_stage_and_reason(qian, taken):
    response = api_client(qian).get(URL, {"name": "浙江西湖阳光科技股份有限公司杭州分公司"})
    assert response.status_code == 200, response.content
    assert response.json() == [{
        "project": taken.pk, "project_name": "光伏组件总部", "enterprise_name": "西湖阳光（杭州）科技有限公司",
        "owner_name": "张三", "stage": "contacted", "reason": "企业名称相同（忽略地区、组织形式、分公司）",
    }]


def test_a_pasted_credit_code_answers_by_code(qian, taken):
    code = credit_code(4242)
    response = api_client(qian).get(URL, {"credit_code": f"{code[:6]}-{code[6:]}".lower()})
    assert [(row["project"], row["reason"]) for row in response.json()] == [(taken.pk, "统一社会信用代码相同")]


def test_an_enterprise_id_answers_by_its_name_and_code(qian, taken):
    other_row = EnterpriseFactory(name="杭州西湖阳光科技有限公司", credit_code="")
    response = api_client(qian).get(URL, {"enterprise": other_row.pk})
    assert [(row["project"], row["reason"]) for row in response.json()] == [
        (taken.pk, "企业名称相同（忽略地区、组织形式、分公司）")
    ]


def test_names_differing_only_in_a_number_answer_nothing(qian):
    ProjectFactory(owner=officer(), enterprise=EnterpriseFactory(name="杭州科技一号有限公司", credit_code=""))
    assert api_client(qian).get(URL, {"name": "杭州科技二号有限公司"}).json() == []


def test_the_callers_own_projects_are_not_reported(qian):
    ProjectFactory(owner=qian, enterprise=EnterpriseFactory(name="杭州西湖阳光科技有限公司"))
    assert api_client(qian).get(URL, {"name": "西湖阳光科技有限公司"}).json() == []


def test_no_question_is_a_400_in_chinese(qian, taken):
    response = api_client(qian).get(URL, {"name": "  "})
    assert response.status_code == 400
    assert "请提供企业名称（name）、统一社会信用代码（credit_code）或企业 ID（enterprise）之一。" in response.content.decode()


def test_an_unknown_enterprise_is_a_400(qian):
    response = api_client(qian).get(URL, {"enterprise": 999999})
    assert response.status_code == 400
    assert response.json()["enterprise"] == ["企业不存在。"]


def test_an_enterprise_user_is_refused(taken):
    user = enterprise_user(taken.enterprise)
    response = api_client(user).get(URL, {"name": taken.enterprise.name})
    assert response.status_code == 403
    assert "光伏组件总部" not in response.content.decode()


def test_a_service_officer_who_does_not_read_the_pipeline_is_refused(taken):
    response = api_client(service_officer()).get(URL, {"name": taken.enterprise.name})
    assert response.status_code == 403


def test_anonymous_is_a_401(taken):
    assert api_client().get(URL, {"name": taken.enterprise.name}).status_code == 401


def test_the_answer_is_constant_in_queries(qian, django_assert_num_queries):
    ProjectFactory(owner=officer(), enterprise=EnterpriseFactory(name="西湖阳光科技有限公司"))
    client = api_client(qian)
    # 1 the token with its user, 2 the user's groups (the read table), 3 the collisions (projects ⋈ owner ⋈ enterprise).
    with django_assert_num_queries(3):
        assert len(client.get(URL, {"name": "杭州西湖阳光科技有限公司"}).json()) == 1
    for prefix in ("浙江", "上海", "北京"):
        ProjectFactory(owner=officer(), enterprise=EnterpriseFactory(name=f"{prefix}西湖阳光科技股份有限公司"))
    with django_assert_num_queries(3):
        assert len(client.get(URL, {"name": "杭州西湖阳光科技有限公司"}).json()) == 4
