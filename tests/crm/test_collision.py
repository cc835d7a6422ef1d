"""撞单: an officer adding a project for a company a colleague is already working is warned, by name and owner."""

import pytest
import tablib
from django.conf import settings
from django.contrib.messages import get_messages
from django.core.files.base import ContentFile
from django.db import connection
from django.urls import reverse

from crm.enterprises import enterprise_create
from crm.models import Enterprise, Project, Stage
from crm.names import company_name_key
from crm.pipeline.collisions import project_collisions
from crm.pipeline.services import project_change_stage
from tests.factories import (
    EnterpriseFactory,
    ProjectFactory,
    credit_code,
    enterprise_user,
    officer,
    service_officer,
)

pytestmark = pytest.mark.django_db


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def _add_project(client, *, enterprise, owner, name="新线索"):
    """An officer adds a project through the admin add form; returns the response (a redirect on success)."""
    client.force_login(owner)
    response = client.post(reverse("admin:crm_project_add"), {
        "name": name, "enterprise": enterprise.pk, "industry_chain": "robotics", "segment": "",
        "source_channel": "walk_in", "source_event": "", "park": "",
        "total_investment": "3000", "fixed_asset_investment": "0", "expected_annual_output": "0",
        "expected_annual_tax": "0", "owner": owner.pk, "expected_signing_on": "", "next_step": "", "next_follow_up_on": "",
        "land_need_m2": "", "land_use_need": "", "space_need_m2": "", "headcount_planned": "",
        "follow_ups-TOTAL_FORMS": "0", "follow_ups-INITIAL_FORMS": "0",
        "follow_ups-MIN_NUM_FORMS": "0", "follow_ups-MAX_NUM_FORMS": "1000",
        "_save": "保存",
    })
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    return response


def _collision_warnings(response):
    return [m for m in _messages(response) if m.startswith("撞单提醒")]


def _deep_in_talks(project):
    for stage in (Stage.CONTACTED, Stage.NEGOTIATING):
        project = project_change_stage(project=project, to=stage, actor=project.owner)
    return project


def test_warning_names_the_colleague_and_the_project_when_the_same_enterprise_is_taken(client):
    zhang = officer(display_name="张三")
    enterprise = EnterpriseFactory(name="杭州科聪控制技术有限公司")
    _deep_in_talks(ProjectFactory(owner=zhang, enterprise=enterprise, name="运动控制器产线"))
    response = _add_project(client, enterprise=enterprise, owner=officer(display_name="李四"))
    assert _collision_warnings(response) == ["撞单提醒：张三 已在跟进该企业的项目“运动控制器产线”（深度洽谈）。"]
    assert Project.objects.filter(name="新线索").exists()  # a warning, not a refusal


def test_warning_when_a_different_enterprise_row_has_a_near_identical_name(client):
    zhang = officer(display_name="张三")
    ProjectFactory(
        owner=zhang, name="光伏组件总部", enterprise=EnterpriseFactory(name="西湖阳光（杭州）科技有限公司", credit_code=""),
    )
    other_row = EnterpriseFactory(name="杭州西湖阳光科技有限公司", credit_code="")
    response = _add_project(client, enterprise=other_row, owner=officer())
    assert _collision_warnings(response) == ["撞单提醒：张三 已在跟进该企业的项目“光伏组件总部”（线索）。"]


def test_warning_when_a_different_enterprise_row_has_the_same_credit_code(client):
    zhang = officer(display_name="张三")
    code = credit_code(4242)
    ProjectFactory(owner=zhang, name="云谷数据中心", enterprise=EnterpriseFactory(name="甲公司", credit_code=code))
    # The same code typed in lower case slipped past the unique constraint on another row with another name.
    other_row = EnterpriseFactory(name="完全不同的名字有限公司", credit_code=code.lower())
    response = _add_project(client, enterprise=other_row, owner=officer())
    assert _collision_warnings(response) == ["撞单提醒：张三 已在跟进该企业的项目“云谷数据中心”（线索）。"]


def test_no_warning_for_the_officers_own_projects(client):
    me = officer()
    enterprise = EnterpriseFactory()
    ProjectFactory(owner=me, enterprise=enterprise)
    response = _add_project(client, enterprise=enterprise, owner=me)
    assert _collision_warnings(response) == []


@pytest.mark.parametrize("final_stage", [Stage.LOST, Stage.ON_HOLD, Stage.PRODUCTION])
def test_no_warning_for_projects_no_longer_being_worked(client, final_stage):
    zhang = officer()
    enterprise = EnterpriseFactory()
    project = ProjectFactory(owner=zhang, enterprise=enterprise)
    if final_stage == Stage.PRODUCTION:
        for stage in (Stage.CONTACTED, Stage.NEGOTIATING, Stage.SIGNED, Stage.REGISTERED, Stage.CONSTRUCTION, Stage.PRODUCTION):
            project = project_change_stage(project=project, to=stage, actor=zhang)
    else:
        project_change_stage(project=project, to=final_stage, actor=zhang, note="投资方暂停扩张")
    response = _add_project(client, enterprise=enterprise, owner=officer())
    assert _collision_warnings(response) == []


def test_no_warning_for_an_unrelated_company(client):
    ProjectFactory(owner=officer(), enterprise=EnterpriseFactory(name="杭州云栖智算有限公司"))
    response = _add_project(client, enterprise=EnterpriseFactory(name="浙江海创生物医药有限公司"), owner=officer())
    assert _collision_warnings(response) == []


def test_warning_when_an_existing_project_is_moved_to_a_taken_enterprise(client):
    zhang, li = officer(display_name="张三"), officer()
    taken = EnterpriseFactory()
    ProjectFactory(owner=zhang, enterprise=taken, name="智能制造中心")
    mine = ProjectFactory(owner=li)
    client.force_login(li)
    url = reverse("admin:crm_project_change", args=[mine.pk])
    form = client.get(url).context["adminform"].form
    data = {name: "" if form[name].value() is None else form[name].value() for name in form.fields}
    data.update({"enterprise": taken.pk, "co_officers": [], "_save": "保存"})
    for prefix, initial in (("follow_ups", 0), ("stage_changes", 1), ("milestones", 0), ("capital_arrivals", 0),
                            ("credits", 0), ("commitments", 0)):
        data.update({f"{prefix}-TOTAL_FORMS": initial, f"{prefix}-INITIAL_FORMS": initial,
                     f"{prefix}-MIN_NUM_FORMS": 0, f"{prefix}-MAX_NUM_FORMS": 1000})
    data.update({"stage_changes-0-id": mine.stage_changes.get().pk, "stage_changes-0-project": mine.pk})
    response = client.post(url, data)
    assert response.status_code == 302
    assert _collision_warnings(response) == ["撞单提醒：张三 已在跟进该企业的项目“智能制造中心”（线索）。"]


def test_project_and_enterprise_pages_show_the_collision(client):
    zhang, li = officer(display_name="张三"), officer()
    enterprise = EnterpriseFactory()
    ProjectFactory(owner=zhang, enterprise=enterprise, name="具身智能大脑")
    mine = ProjectFactory(owner=li, enterprise=enterprise, name="我的项目")
    client.force_login(li)
    expected = ["撞单提醒：张三 已在跟进该企业的项目“具身智能大脑”（线索）。"]
    project_page = client.get(reverse("admin:crm_project_change", args=[mine.pk]))
    assert project_page.context["collisions"] == expected
    assert expected[0] in project_page.content.decode()
    enterprise_page = client.get(reverse("admin:crm_enterprise_change", args=[enterprise.pk]))
    assert enterprise_page.context["collisions"] == expected
    assert expected[0] in enterprise_page.content.decode()


def test_adding_an_enterprise_that_a_colleague_already_works_warns(client):
    zhang = officer(display_name="张三")
    ProjectFactory(owner=zhang, name="光伏组件总部", enterprise=EnterpriseFactory(name="西湖阳光（杭州）科技有限公司"))
    client.force_login(officer())
    response = client.post(reverse("admin:crm_enterprise_add"), {
        "name": "杭州西湖阳光科技有限公司", "short_name": "", "credit_code": "", "status": "prospect",
        "industry_chain": "other", "park": "", "jurisdiction": "", "registered_capital": "", "headcount": "",
        "rd_headcount": "", "founded_on": "", "address": "", "description": "",
        "contacts-TOTAL_FORMS": "0", "contacts-INITIAL_FORMS": "0", "contacts-MIN_NUM_FORMS": "0",
        "contacts-MAX_NUM_FORMS": "1000",
        "qualifications-TOTAL_FORMS": "0", "qualifications-INITIAL_FORMS": "0", "qualifications-MIN_NUM_FORMS": "0",
        "qualifications-MAX_NUM_FORMS": "1000",
        "visits-TOTAL_FORMS": "0", "visits-INITIAL_FORMS": "0", "visits-MIN_NUM_FORMS": "0", "visits-MAX_NUM_FORMS": "0",
        "_save": "保存",
    })
    assert response.status_code == 302
    assert _collision_warnings(response) == ["撞单提醒：张三 已在跟进该企业的项目“光伏组件总部”（线索）。"]


def test_importing_a_lead_for_a_company_a_colleague_works_warns(client):
    zhang = officer(display_name="张三")
    ProjectFactory(owner=zhang, name="光伏组件总部", enterprise=EnterpriseFactory(name="西湖阳光（杭州）科技有限公司"))
    client.force_login(officer())
    headers = ["项目名称", "企业名称", "统一社会信用代码", "产业链", "细分赛道", "来源渠道", "总投资（万元）",
               "固定资产投资（万元）", "负责人", "下一步", "下次跟进日期"]
    dataset = tablib.Dataset(["储能电站", "杭州西湖阳光科技有限公司", "", "", "", "", 5000, "", "", "", ""], headers=headers)
    upload = ContentFile(dataset.export("xlsx"), name="线索.xlsx")
    preview = client.post(reverse("admin:crm_project_import"), {"import_file": upload, "format": "0", "resource": "0"})
    response = client.post(reverse("admin:crm_project_process_import"), preview.context["confirm_form"].initial)
    assert response.status_code == 302
    assert _collision_warnings(response) == ["撞单提醒：张三 已在跟进该企业的项目“光伏组件总部”（线索）。"]


# ---- the rule: a normalised name key (and trigrams on PostgreSQL), both ways ---------------------------------

SAME_COMPANY = [
    ("西湖阳光科技有限公司", "西湖阳光科技有限公司杭州分公司"),  # 分公司
    ("Acme Robotics Co., Ltd.", "ACME Robotics Co., Ltd. Hangzhou Branch"),  # branch
    ("西湖阳光科技有限公司", "杭州西湖阳光科技有限公司"),  # 杭州 prefix
    ("西湖阳光科技有限公司", "浙江西湖阳光科技有限公司"),  # 浙江 prefix
    ("西湖阳光科技有限公司", "浙江省杭州市西湖阳光科技有限公司"),
    ("西湖阳光（杭州）科技有限公司", "杭州西湖阳光科技有限公司"),  # region in brackets
    ("西湖阳光科技有限公司", "西湖阳光科技股份有限公司"),  # 有限公司 vs 股份有限公司
    ("西湖阳光科技有限责任公司", "西湖阳光科技集团"),
    ("西湖 阳光·科技有限公司", "西湖阳光科技有限公司"),  # spaces, punctuation
]
DIFFERENT_COMPANIES = [
    ("杭州科技一号有限公司", "杭州科技二号有限公司"),  # only a numeral differs
    ("杭州测试1号智能装备有限公司", "杭州测试2号智能装备有限公司"),  # only a digit differs
    ("西湖阳光科技一期有限公司", "西湖阳光科技二期有限公司"),
    ("杭州科聪控制技术有限公司", "杭州科达控制技术有限公司"),  # the core word differs
    ("西湖阳光科技有限公司", "西湖月光科技有限公司"),
    ("杭州云栖智算有限公司", "浙江海创生物医药有限公司"),
]


def _collides(existing_name, asked_name):
    ProjectFactory(owner=officer(), enterprise=EnterpriseFactory(name=existing_name, credit_code=""))
    return [p.collision_reason for p in project_collisions(name=asked_name, exclude_owner=officer())]


@pytest.mark.parametrize(("a", "b"), SAME_COMPANY)
@pytest.mark.parametrize("swap", [False, True], ids=["a-then-b", "b-then-a"])
def test_two_spellings_of_one_company_collide_both_ways(a, b, swap):
    existing, asked = (b, a) if swap else (a, b)
    assert company_name_key(existing) == company_name_key(asked)
    assert _collides(existing, asked) == ["企业名称相同（忽略地区、组织形式、分公司）"]


@pytest.mark.parametrize(("a", "b"), DIFFERENT_COMPANIES)
@pytest.mark.parametrize("swap", [False, True], ids=["a-then-b", "b-then-a"])
def test_names_differing_in_a_number_or_the_core_word_do_not_collide_either_way(a, b, swap):
    existing, asked = (b, a) if swap else (a, b)
    assert _collides(existing, asked) == []


def test_the_key_drops_region_legal_form_branch_and_punctuation_and_keeps_numerals():
    assert company_name_key("浙江西湖阳光科技股份有限公司杭州分公司") == "西湖阳光科技"
    assert company_name_key("（杭州）科技一号有限公司") == "科技一号"
    assert company_name_key("杭州有限公司") == "杭州"  # never empty: nothing but a region keeps its characters
    assert len(company_name_key("ﷺ" * 200)) == 200  # NFKC lengthens some characters; the key still fits its column


def test_the_same_credit_code_collides_whatever_the_name_and_says_so():
    code = credit_code(777)
    ProjectFactory(owner=officer(), enterprise=EnterpriseFactory(name="甲公司", credit_code=code))
    hits = project_collisions(credit_code=f" {code[:6].lower()}-{code[6:]} ", name="完全不同的名字有限公司")
    assert [p.collision_reason for p in hits] == ["统一社会信用代码相同"]


def test_an_enterprise_registered_through_the_service_gets_its_key():
    enterprise = enterprise_create(actor=officer(), name="浙江西湖阳光科技股份有限公司", credit_code="")
    assert Enterprise.objects.get(pk=enterprise.pk).name_key == "西湖阳光科技"


def test_renaming_an_enterprise_in_the_admin_updates_its_key(client):
    enterprise = EnterpriseFactory(name="杭州旧名科技有限公司", credit_code="")
    client.force_login(officer())
    url = reverse("admin:crm_enterprise_change", args=[enterprise.pk])
    form = client.get(url).context["adminform"].form
    data = {name: "" if form[name].value() is None else form[name].value() for name in form.fields}
    data.update({"name": "杭州新名科技有限公司", "_save": "保存"})
    for prefix in ("contacts", "qualifications", "visits"):
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0,
                     f"{prefix}-MIN_NUM_FORMS": 0, f"{prefix}-MAX_NUM_FORMS": 1000})
    assert client.post(url, data).status_code == 302
    assert Enterprise.objects.values_list("name", "name_key").get(pk=enterprise.pk) == ("杭州新名科技有限公司", "新名科技")


def test_the_check_is_one_query_whatever_the_number_of_projects(django_assert_num_queries):
    enterprise = EnterpriseFactory(name="杭州西湖阳光科技有限公司")
    ProjectFactory(owner=officer(), enterprise=enterprise)
    me = officer()
    # 1 query: the active projects (owner and enterprise joined) whose enterprise matches by code or key.
    with django_assert_num_queries(1):
        assert len(project_collisions(enterprise=enterprise, exclude_owner=me)) == 1
    for prefix in ("浙江", "上海", "北京", "深圳", "宁波"):
        ProjectFactory(owner=officer(), enterprise=EnterpriseFactory(name=f"{prefix}西湖阳光科技股份有限公司"))
        ProjectFactory(owner=officer())
    with django_assert_num_queries(1):
        assert len(project_collisions(enterprise=enterprise, exclude_owner=me)) == 6


on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="trigrams are PostgreSQL's (pg_trgm)")


@on_postgresql
@pytest.mark.parametrize("swap", [False, True], ids=["a-then-b", "b-then-a"])
def test_on_postgresql_a_name_with_a_word_added_is_similar_both_ways(swap):
    existing, asked = ("西湖阳光科技发展有限公司", "杭州西湖阳光科技有限公司")[:: -1 if swap else 1]
    assert _collides(existing, asked) == ["企业名称相近"]


@on_postgresql
def test_on_postgresql_similar_names_with_other_numbers_are_not_similar():
    # "测试12号智能装备" and "测试13号智能装备" share most trigrams; their numbers differ.
    assert _collides("杭州测试12号智能装备有限公司", "杭州测试13号智能装备有限公司") == []


# ---- the live panel: the JSON the project form and the enterprise popup ask -------------------------------

COLLISIONS_JSON = "admin:crm_project_collisions"


def test_choosing_an_enterprise_on_the_project_form_answers_the_colleagues_project(client):
    zhang, li = officer(display_name="张三"), officer()
    taken = ProjectFactory(owner=zhang, name="光伏组件总部", enterprise=EnterpriseFactory(name="西湖阳光（杭州）科技有限公司"))
    chosen = EnterpriseFactory(name="浙江西湖阳光科技股份有限公司", credit_code="")
    client.force_login(li)
    response = client.get(reverse(COLLISIONS_JSON), {"enterprise": chosen.pk, "owner": li.pk})
    assert response.status_code == 200
    assert response.json() == {"title": "撞单提醒", "results": [{
        "project": taken.pk, "project_name": "光伏组件总部", "enterprise_name": "西湖阳光（杭州）科技有限公司",
        "owner_name": "张三", "stage": "lead", "stage_display": "线索", "reason": "企业名称相同（忽略地区、组织形式、分公司）",
        "text": "张三 已在跟进“西湖阳光（杭州）科技有限公司”的项目“光伏组件总部”（线索）——企业名称相同（忽略地区、组织形式、分公司）。",
    }]}


def test_the_form_answer_leaves_out_the_chosen_owners_projects_and_the_project_itself(client):
    zhang = officer()
    enterprise = EnterpriseFactory()
    edited = ProjectFactory(owner=officer(), enterprise=enterprise)
    ProjectFactory(owner=zhang, enterprise=enterprise)
    client.force_login(officer())
    answer = client.get(reverse(COLLISIONS_JSON), {"enterprise": enterprise.pk, "owner": zhang.pk, "project": edited.pk})
    assert answer.json()["results"] == []


def test_typing_a_name_or_code_in_the_enterprise_popup_answers(client):
    code = credit_code(99)
    taken = ProjectFactory(owner=officer(), enterprise=EnterpriseFactory(name="甲公司", credit_code=code))
    client.force_login(officer())
    by_code = client.get(reverse(COLLISIONS_JSON), {"name": "乙", "credit_code": code.lower(), "_popup": "1"}).json()
    assert [(r["project"], r["reason"]) for r in by_code["results"]] == [(taken.pk, "统一社会信用代码相同")]
    by_name = client.get(reverse(COLLISIONS_JSON), {"name": "杭州甲有限公司"}).json()
    assert [(r["project"], r["reason"]) for r in by_name["results"]] == [(taken.pk, "企业名称相同（忽略地区、组织形式、分公司）")]


def test_the_popup_and_form_pages_carry_the_live_panel(client):
    client.force_login(officer())
    popup = client.get(reverse("admin:crm_enterprise_add"), {"_popup": "1"}).content.decode()
    project_form = client.get(reverse("admin:crm_project_add")).content.decode()
    for page in (popup, project_form):
        assert 'id="zj-collision-live"' in page
        assert f'data-url="{reverse(COLLISIONS_JSON)}"' in page
        assert "js/collisions.js" in page
    assert 'data-model="enterprise"' in popup and 'data-model="project"' in project_form


def test_the_form_answer_is_raw_json_and_the_script_writes_it_as_text_only(client):
    ProjectFactory(owner=officer(), name="<img src=x onerror=alert(1)>", enterprise=EnterpriseFactory(name="甲公司"))
    client.force_login(officer())
    answer = client.get(reverse(COLLISIONS_JSON), {"name": "甲公司"}).json()
    assert answer["results"][0]["project_name"] == "<img src=x onerror=alert(1)>"  # JSON; the script sets textContent
    script = (settings.BASE_DIR / "static" / "js" / "collisions.js").read_text()
    assert "innerHTML" not in script


@pytest.mark.parametrize("make_user", [service_officer, lambda: enterprise_user(EnterpriseFactory())])
def test_who_does_not_read_the_pipeline_gets_no_answer(client, make_user):
    ProjectFactory(owner=officer(), name="光伏组件总部", enterprise=EnterpriseFactory(name="甲公司"))
    client.force_login(make_user())
    response = client.get(reverse(COLLISIONS_JSON), {"name": "甲公司"})
    assert response.status_code in (302, 403)  # an enterprise user is not staff: the admin sends them to log in
    assert "光伏组件总部" not in response.content.decode()


def test_the_form_answer_is_one_query_for_the_collisions(client, django_assert_num_queries):
    enterprise = EnterpriseFactory(name="杭州西湖阳光科技有限公司")
    ProjectFactory(owner=officer(), enterprise=enterprise)
    client.force_login(officer())
    url = reverse(COLLISIONS_JSON)
    client.get(url, {"enterprise": enterprise.pk})  # warm the session
    # 1 the session, 2 the user, 3 the user's groups (the read table), 4 the enterprise, 5 the collisions.
    with django_assert_num_queries(5):
        assert len(client.get(url, {"enterprise": enterprise.pk}).json()["results"]) == 1
    for prefix in ("浙江", "上海", "北京"):
        ProjectFactory(owner=officer(), enterprise=EnterpriseFactory(name=f"{prefix}西湖阳光科技股份有限公司"))
    with django_assert_num_queries(5):
        assert len(client.get(url, {"enterprise": enterprise.pk}).json()["results"]) == 4


def test_the_import_preview_shows_the_collision_on_its_row(client):
    zhang = officer(display_name="张三")
    ProjectFactory(owner=zhang, name="光伏组件总部", enterprise=EnterpriseFactory(name="西湖阳光（杭州）科技有限公司"))
    client.force_login(officer())
    headers = ["项目名称", "企业名称", "统一社会信用代码", "产业链", "细分赛道", "来源渠道", "总投资（万元）",
               "固定资产投资（万元）", "负责人", "下一步", "下次跟进日期"]
    dataset = tablib.Dataset(
        ["储能电站", "浙江西湖阳光科技股份有限公司杭州分公司", "", "", "", "", 5000, "", "", "", ""],
        ["数据中心", "杭州云栖智算有限公司", "", "", "", "", 3000, "", "", "", ""],
        headers=headers,
    )
    upload = ContentFile(dataset.export("xlsx"), name="线索.xlsx")
    preview = client.post(reverse("admin:crm_project_import"), {"import_file": upload, "format": "0", "resource": "0"})
    result = preview.context["result"]
    column = result.diff_headers.index("撞单提醒")
    cells = [str(row.diff[column]) for row in result.valid_rows()]
    assert "张三 在跟“光伏组件总部”（线索，企业名称相同（忽略地区、组织形式、分公司））" in cells[0]
    assert "光伏组件总部" not in cells[1]
    assert not Project.objects.filter(name="储能电站").exists()  # a preview: nothing imported yet
