"""Lists as data: the park's chains (with segments), towns and streets, qualification kinds, source channels and
benefit kinds are rows an administrator edits; records, criteria, reports and the API keep the same codes."""

import importlib
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from crm.errors import DomainError
from crm.lists import list_entry_delete, list_entry_save
from crm.models import (
    ChainSegment,
    Enterprise,
    EnterpriseQualification,
    IndustryChain,
    Jurisdiction,
    Project,
    QualificationKind,
    SourceChannel,
    User,
)
from parks.models import BenefitKind, EligibilityCriterion
from parks.selectors.policies import project_policy_matches
from reports.selectors.common import ReportFilters
from reports.selectors.pipeline import pipeline_report
from tests.api.support import api_client
from tests.factories import (
    EnterpriseFactory,
    PolicyClauseFactory,
    PolicyFactory,
    ProjectFactory,
    criterion,
    officer,
)

pytestmark = pytest.mark.django_db

PROJECTS = "/api/v1/projects/"
ENTERPRISES = "/api/v1/enterprises/"


@pytest.fixture
def root(db):
    return User.objects.create_superuser("root", "root@example.com", "pass-1234")


def _admin(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _retire(model, code, actor):
    entry = model.objects.get(code=code)
    entry.is_active = False
    return list_entry_save(entry=entry, actor=actor)


def _add(model, actor, **fields):
    return list_entry_save(entry=model(**fields), actor=actor)


# ---- the migration keeps today's values -------------------------------------------------------------------


def test_the_migration_turns_todays_choices_into_rows_with_the_same_codes_names_and_order():
    assert list(IndustryChain.objects.values_list("code", "name")) == [
        ("ai", "人工智能"), ("robotics", "智能机器人"), ("xinchuang", "信创与商用密码"), ("cloud", "云计算与智算"),
        ("life_health", "生命健康"), ("smart_manufacturing", "智能制造"), ("new_materials", "新材料"),
        ("digital_economy", "数字经济"), ("other", "其他"),
    ]
    assert list(Jurisdiction.objects.values_list("code", "name")) == [
        ("sandun", "三墩镇"), ("jiangcun", "蒋村街道"), ("other", "其他"),
    ]
    assert list(QualificationKind.objects.values_list("code", flat=True)) == [
        "little_giant", "provincial_srdi", "high_tech", "listed", "tech_sme", "first_of_kind",
    ]
    assert list(SourceChannel.objects.values_list("code", "name"))[:2] == [
        ("alliance_event", "联盟活动"), ("business_referral", "以商招商"),
    ]
    assert list(BenefitKind.objects.values_list("code", flat=True)) == [
        "rent_free", "rent_subsidy", "fund_equity", "talent_subsidy", "rd_subsidy", "first_of_kind",
        "investment_award", "other",
    ]
    every = [IndustryChain, Jurisdiction, QualificationKind, SourceChannel, BenefitKind]
    assert all(model.objects.filter(is_active=False).count() == 0 for model in every)


def test_the_migration_keeps_a_stored_value_outside_todays_choices_as_a_retired_row():
    """Records keep their values as they are: a code no choice named (old data) becomes a retired entry."""
    seed = importlib.import_module("crm.migrations.0013_lists_as_data").seed_lists
    enterprise = EnterpriseFactory(industry_chain="robotics")
    Enterprise.objects.filter(pk=enterprise.pk).update(jurisdiction="liangzhu")  # written before the lists
    for model in (ChainSegment, IndustryChain, Jurisdiction, QualificationKind, SourceChannel):
        model.objects.all().delete()

    seed(apps, None)

    enterprise.refresh_from_db()
    assert (enterprise.industry_chain, enterprise.jurisdiction) == ("robotics", "liangzhu")
    assert list(Jurisdiction.objects.values_list("code", "name", "is_active")) == [
        ("sandun", "三墩镇", True), ("jiangcun", "蒋村街道", True), ("other", "其他", True),
        ("liangzhu", "liangzhu", False),
    ]
    assert enterprise.get_jurisdiction_display() == "liangzhu"
    enterprise.full_clean()  # an old record still validates


def test_records_and_the_api_keep_the_same_codes_and_names(qian):
    enterprise = EnterpriseFactory(industry_chain="robotics", jurisdiction="sandun")
    project = ProjectFactory(enterprise=enterprise, industry_chain="robotics", source_channel="chain_led", owner=qian)

    assert (enterprise.get_industry_chain_display(), enterprise.get_jurisdiction_display()) == ("智能机器人", "三墩镇")
    assert project.get_source_channel_display() == "链式招商"
    body = api_client(qian).get(f"{ENTERPRISES}{enterprise.pk}/").json()
    assert (body["industry_chain"], body["jurisdiction"], body["chain_segment"]) == ("robotics", "sandun", "")
    body = api_client(qian).get(f"{PROJECTS}{project.pk}/").json()
    assert (body["industry_chain"], body["source_channel"]) == ("robotics", "chain_led")
    listed = api_client(qian).get(ENTERPRISES, {"jurisdiction": "sandun"}).json()
    assert [row["id"] for row in listed["results"]] == [enterprise.pk]


def test_the_schema_offers_the_lists_as_strings_not_enums(qian):
    schema = api_client(qian).get("/api/schema/?format=json").json()
    enterprise = schema["components"]["schemas"]["Enterprise"]["properties"]
    assert enterprise["industry_chain"]["type"] == "string"
    assert "enum" not in enterprise["industry_chain"]
    assert "enum" not in enterprise["jurisdiction"]


# ---- retired entries: gone from new records, kept on old ones --------------------------------------------


def test_a_retired_chain_is_refused_on_a_new_project_through_the_api_with_a_chinese_message(qian, root, kecong):
    _retire(IndustryChain, "cloud", root)

    response = api_client(qian).post(PROJECTS, {
        "name": "云谷二期", "enterprise": kecong.pk, "industry_chain": "cloud", "source_channel": "walk_in",
    }, format="json")

    assert response.status_code == 400
    assert response.json()["industry_chain"] == ["产业链“云计算与智算”已停用，新记录不能再选它。"]
    assert not Project.objects.exists()


def test_an_unknown_code_is_refused_through_the_api(qian, kecong):
    response = api_client(qian).post(PROJECTS, {
        "name": "低空项目", "enterprise": kecong.pk, "industry_chain": "low_altitude", "source_channel": "walk_in",
    }, format="json")

    assert response.status_code == 400
    assert response.json()["industry_chain"] == ["“low_altitude”不是有效的产业链，请从清单中选择。"]
    assert not Project.objects.exists()


def test_a_retired_entry_stays_on_old_records_and_they_still_save(root, qian):
    project = ProjectFactory(industry_chain="cloud", owner=qian)
    _retire(IndustryChain, "cloud", root)

    project.refresh_from_db()
    assert (project.industry_chain, project.get_industry_chain_display()) == ("cloud", "云计算与智算")
    project.name = "云谷智算（改名）"
    project.full_clean()  # unchanged retired value: fine
    project.industry_chain = "robotics"
    project.full_clean()
    project.save()
    project.industry_chain = "cloud"  # but not chosen again
    with pytest.raises(Exception, match="已停用"):
        project.full_clean()


def test_the_admin_form_hides_a_retired_entry_from_new_records_and_shows_it_on_old_ones(root):
    project = ProjectFactory(industry_chain="cloud")
    _retire(IndustryChain, "cloud", root)
    client = _admin(root)

    add_page = client.get(reverse("admin:crm_project_add")).content.decode()
    change_page = client.get(reverse("admin:crm_project_change", args=[project.pk])).content.decode()

    assert 'value="robotics"' in add_page and 'value="cloud"' not in add_page
    assert '<option value="cloud" selected>云计算与智算（已停用）</option>' in change_page


def test_the_leads_import_refuses_a_retired_channel(root):
    from crm.admin.resources import ChoiceLabelWidget

    _retire(SourceChannel, "intermediary", root)
    widget = ChoiceLabelWidget("crm.SourceChannel", "walk_in")

    assert widget.clean("以商招商") == "business_referral"
    with pytest.raises(ValueError, match="无法识别“中介机构”"):
        widget.clean("中介机构")


# ---- never deleted while in use; codes immutable --------------------------------------------------------------


def test_an_entry_in_use_cannot_be_deleted_in_the_admin_and_the_page_says_why(root):
    ProjectFactory(industry_chain="robotics", enterprise=EnterpriseFactory(industry_chain="robotics"))
    chain = IndustryChain.objects.get(code="robotics")
    client = _admin(root)

    response = client.post(reverse("admin:crm_industrychain_delete", args=[chain.pk]), {"post": "yes"})

    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "“智能机器人”已被 2 条记录使用，不能删除；请取消勾选“启用”将其停用。"
    ]
    assert IndustryChain.objects.filter(code="robotics").exists()


def test_a_qualification_kind_named_by_a_match_criterion_is_in_use(root):
    clause = PolicyClauseFactory(policy=PolicyFactory(), number=1, title="小巨人奖励", benefit_kind="other")
    criterion(clause, EligibilityCriterion.Kind.QUALIFICATION, choice="little_giant")

    with pytest.raises(DomainError, match="已被 1 条记录使用"):
        list_entry_delete(entry=QualificationKind.objects.get(code="little_giant"), actor=root)
    with pytest.raises(DomainError, match="已被 1 条记录使用"):
        list_entry_delete(entry=BenefitKind.objects.get(code="other"), actor=root)
    assert QualificationKind.objects.filter(code="little_giant").exists()


def test_an_unused_entry_can_be_deleted(root):
    typo = _add(Jurisdiction, root, code="liangzu", name="良渚街到")

    list_entry_delete(entry=typo, actor=root)

    assert not Jurisdiction.objects.filter(code="liangzu").exists()


def test_the_code_of_an_entry_in_use_cannot_change(root):
    EnterpriseFactory(jurisdiction="jiangcun")
    town = Jurisdiction.objects.get(code="jiangcun")
    town.code = "jiangcun_street"

    with pytest.raises(DomainError, match="代码“jiangcun”已被使用，不能修改"):
        list_entry_save(entry=town, actor=root)
    assert Jurisdiction.objects.filter(code="jiangcun").exists()


# ---- who edits ----------------------------------------------------------------------------------------


def test_staff_read_the_lists_and_only_an_administrator_edits_them(root):
    reader = _admin(officer())
    chain = IndustryChain.objects.get(code="robotics")

    assert reader.get(reverse("admin:crm_industrychain_changelist")).status_code == 200
    refused = reader.post(reverse("admin:crm_industrychain_add"), {"code": "low_altitude", "name": "低空经济", "order": 5})
    assert refused.status_code == 403
    reader.post(reverse("admin:crm_industrychain_change", args=[chain.pk]),
                {"code": "robotics", "name": "机器人", "order": 20, "is_active": "on"})
    chain.refresh_from_db()
    assert chain.name == "智能机器人"
    assert not IndustryChain.objects.filter(code="low_altitude").exists()
    with pytest.raises(DomainError, match="只有系统管理员可以修改清单"):
        _add(IndustryChain, officer(), code="low_altitude", name="低空经济")

    response = _admin(root).post(
        reverse("admin:crm_industrychain_add"), {"code": "low_altitude", "name": "低空经济", "order": 5, "is_active": "on"}
    )
    assert response.status_code == 302
    assert IndustryChain.objects.get(code="low_altitude").name == "低空经济"


# ---- segments ------------------------------------------------------------------------------------------


def test_a_chain_segment_must_belong_to_the_projects_chain(root):
    brain = _add(ChainSegment, root, chain=IndustryChain.objects.get(code="robotics"), code="robot_brain", name="大脑")
    project = ProjectFactory(industry_chain="robotics", chain_segment=brain.code)
    project.full_clean()
    assert project.get_chain_segment_display() == "大脑"

    project.industry_chain = "life_health"
    with pytest.raises(Exception, match="“大脑”不是所选产业链的环节"):
        project.full_clean()


# ---- the matcher and the reports read the rows ----------------------------------------------------------


def test_the_matcher_names_a_newly_added_chain_in_its_reasons(root, qian):
    _add(IndustryChain, root, code="low_altitude", name="低空经济", order=95)
    clause = PolicyClauseFactory(policy=PolicyFactory(), number=1, title="低空经济专项", benefit_kind="other")
    criterion(clause, EligibilityCriterion.Kind.INDUSTRY_CHAIN, choice="low_altitude")
    flying = ProjectFactory(industry_chain="low_altitude", owner=qian)
    walking = ProjectFactory(industry_chain="robotics", owner=qian)

    (match,) = project_policy_matches(project=flying)
    (miss,) = project_policy_matches(project=walking)

    assert (match.verdict, match.criteria[0].reason) == ("eligible", "产业链“低空经济”符合要求")
    assert (miss.verdict, miss.criteria[0].reason) == ("not_eligible", "产业链“智能机器人”，要求“低空经济”")


def test_the_pipeline_report_groups_by_a_newly_added_channel_by_its_name(root, qian):
    _add(SourceChannel, root, code="overseas_desk", name="海外招商联络处", order=70)
    ProjectFactory(source_channel="overseas_desk", total_investment=Decimal("30000"), fixed_asset_investment=0, owner=qian)
    ProjectFactory(source_channel="walk_in", total_investment=Decimal("1000"), fixed_asset_investment=0, owner=qian)

    rows = pipeline_report(filters=ReportFilters())["breakdowns"]["source_channel"]

    assert [(row["key"], row["label"], row["count"]) for row in rows] == [
        ("overseas_desk", "海外招商联络处", 1), ("walk_in", "企业自荐", 1),
    ]


def test_a_qualification_of_a_new_kind_is_named_by_its_row(root):
    _add(QualificationKind, root, code="unicorn", name="独角兽企业")
    held = EnterpriseQualification.objects.create(enterprise=EnterpriseFactory(), kind="unicorn")

    assert str(held) == "独角兽企业"


def test_the_api_lists_the_codes_it_accepts_retired_ones_marked(qian, root):
    _retire(Jurisdiction, "other", root)

    response = api_client(qian).get("/api/v1/lists/")

    assert response.status_code == 200
    body = response.json()
    assert body["jurisdiction"] == [
        {"code": "sandun", "name": "三墩镇", "is_active": True, "chain": ""},
        {"code": "jiangcun", "name": "蒋村街道", "is_active": True, "chain": ""},
        {"code": "other", "name": "其他", "is_active": False, "chain": ""},
    ]
    assert [entry["code"] for entry in body["benefit_kind"]][:2] == ["rent_free", "rent_subsidy"]


def test_an_enterprise_names_a_segment_of_its_own_chain_through_the_api(qian, root):
    _add(ChainSegment, root, chain=IndustryChain.objects.get(code="robotics"), code="robot_brain", name="大脑")

    wrong = api_client(qian).post(ENTERPRISES, {
        "name": "杭州错链科技有限公司", "industry_chain": "life_health", "chain_segment": "robot_brain",
    }, format="json")
    right = api_client(qian).post(ENTERPRISES, {
        "name": "杭州具身大脑科技有限公司", "industry_chain": "robotics", "chain_segment": "robot_brain",
    }, format="json")

    assert wrong.status_code == 400
    assert wrong.json()["chain_segment"] == ["“大脑”不是所选产业链的环节。"]
    assert right.status_code == 201, right.content
    assert (right.json()["industry_chain"], right.json()["chain_segment"]) == ("robotics", "robot_brain")
    assert list(Enterprise.objects.values_list("name", flat=True)) == ["杭州具身大脑科技有限公司"]


def test_a_retired_chain_is_not_offered_to_a_new_criterion_but_an_old_criterion_keeps_it(root):
    from parks.forms import EligibilityCriterionForm

    clause = PolicyClauseFactory(policy=PolicyFactory(), number=1, title="云计算专项", benefit_kind="other")
    old = criterion(clause, EligibilityCriterion.Kind.INDUSTRY_CHAIN, choice="cloud")
    _retire(IndustryChain, "cloud", root)

    new_form = EligibilityCriterionForm(data={"kind": "industry_chain", "choice": "cloud"})
    old_form = EligibilityCriterionForm(instance=old, data={"kind": "industry_chain", "choice": "cloud"})

    assert not new_form.is_valid() and "choice" in new_form.errors
    assert old_form.is_valid(), old_form.errors
    assert ("cloud", "云计算与智算（已停用）") in dict(old_form.fields["choice"].choices)["产业链"]
