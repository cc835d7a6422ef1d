"""数据导入 · contacts, qualifications, parcels, spaces and historical projects: each kind's template, its bad rows
with their numbers, all or nothing, a re-import that updates and creates none, and the roles that may import it."""

import datetime as dt

import pytest

from crm.errors import DomainError
from crm.models import Contact, EnterpriseQualification, Project, ProjectStageChange, Stage
from onboarding.engine import import_file, template
from onboarding.specs import EXAMPLE_CODE, KINDS, spec_for
from parks.models import LandParcel, ParcelStatus, Space
from tests.factories import EnterpriseFactory, ParkFactory, credit_code, manager, officer, service_officer

from .support import read_template, xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture
def park():
    return ParkFactory(name="杭州紫金港科技城", short_name="紫金港科技城")


@pytest.mark.parametrize("kind", KINDS)
def test_every_template_has_its_chinese_headers_and_an_example_row_that_imports(kind, tmp_path, park):
    EnterpriseFactory(credit_code=EXAMPLE_CODE)
    spec = spec_for(kind)
    headers, example, path = read_template(template(spec), tmp_path)
    assert headers == [column.header for column in spec.columns]
    assert any(example)

    report = import_file(spec_for(kind), path, actor=officer())

    assert [str(p) for p in report.errors] == []
    assert (report.creates + report.updates, report.written) == (1, True)


# ---- contacts ------------------------------------------------------------------------------------

CONTACT_HEADERS = ["企业统一社会信用代码", "姓名", "职务", "电话", "主要联系人"]


def test_contacts_are_added_to_their_enterprise_and_updated_by_name(tmp_path):
    enterprise = EnterpriseFactory(credit_code=credit_code(1))
    path = xlsx(tmp_path / "c.xlsx", CONTACT_HEADERS, [
        [credit_code(1).lower(), "王芳", "总经理", "138 0000 0001", "是"],
        [credit_code(1), "李雷", "", "0571-88886666", ""],
    ])
    first = import_file(spec_for("contacts"), path, actor=service_officer())
    again = import_file(spec_for("contacts"), path, actor=service_officer())
    assert [str(p) for p in again.errors] == []

    assert (first.creates, again.creates, again.updates) == (2, 0, 2)
    wang = enterprise.contacts.get(name="王芳")
    assert (wang.phone, wang.title, wang.is_primary) == ("13800000001", "总经理", True)
    assert enterprise.contacts.count() == 2


def test_contact_rows_with_an_unknown_enterprise_or_a_bad_phone_are_listed_and_nothing_is_written(tmp_path):
    EnterpriseFactory(credit_code=credit_code(1))
    path = xlsx(tmp_path / "c.xlsx", CONTACT_HEADERS, [
        [credit_code(1), "王芳", "", "13800000001", ""],
        [credit_code(2), "李雷", "", "", ""],
        [credit_code(1), "韩梅梅", "", "12345", "也许"],
    ])
    report = import_file(spec_for("contacts"), path, actor=officer())
    assert [(p.row, p.column) for p in report.errors] == [
        (3, "企业统一社会信用代码"), (4, "电话"), (4, "主要联系人")]
    assert "请先导入企业" in report.errors[0].message
    assert Contact.objects.count() == 0


# ---- qualifications ------------------------------------------------------------------------------

def test_qualifications_read_the_label_or_the_code_and_update_by_enterprise_and_kind(tmp_path):
    enterprise = EnterpriseFactory(credit_code=credit_code(1))
    headers = ["企业统一社会信用代码", "资质", "认定日期", "有效期至"]
    path = xlsx(tmp_path / "q.xlsx", headers, [
        [credit_code(1), "高新技术企业", "2023-12-01", "2026-11-30"],
        [credit_code(1), "little_giant", dt.date(2024, 7, 1), None],
    ])
    import_file(spec_for("qualifications"), path, actor=officer())
    again = import_file(spec_for("qualifications"), path, actor=officer())
    assert (again.creates, again.updates) == (0, 2)
    assert sorted(enterprise.qualifications.values_list("kind", flat=True)) == ["high_tech", "little_giant"]

    bad = xlsx(tmp_path / "bad.xlsx", headers, [[credit_code(1), "省级荣誉", "", ""], [credit_code(1), "上市企业", "2024-01-01", "2023-01-01"]])
    report = import_file(spec_for("qualifications"), bad, actor=officer())
    assert [(p.row, p.column) for p in report.errors] == [(2, "资质"), (3, "有效期至")]
    assert EnterpriseQualification.objects.count() == 2


def test_an_investment_officer_may_not_import_land_and_nothing_changes(tmp_path, park):
    path = xlsx(tmp_path / "p.xlsx", ["地块编号", "园区", "用地性质", "面积（m²）"], [["SD-1", "紫金港科技城", "M1", 1000]])
    with pytest.raises(DomainError):
        import_file(spec_for("parcels"), path, actor=service_officer())
    with pytest.raises(DomainError):
        import_file(spec_for("projects"), path, actor=service_officer())
    with pytest.raises(DomainError):
        import_file(spec_for("contacts"), path, actor=manager())
    assert LandParcel.objects.count() == 0


# ---- parcels -------------------------------------------------------------------------------------

PARCEL_HEADERS = ["地块编号", "园区", "用地性质", "面积（m²）", "容积率下限", "容积率上限", "状态", "轮廓（GeoJSON 或角点坐标）"]
GEOJSON = '{"type": "Polygon", "coordinates": [[[120.07, 30.29], [120.08, 30.29], [120.08, 30.3], [120.07, 30.29]]]}'


def test_parcels_take_their_outline_as_geojson_or_corners_and_update_by_code(tmp_path, park):
    path = xlsx(tmp_path / "p.xlsx", PARCEL_HEADERS, [
        ["SD-01", "紫金港科技城", "工业用地 M1", 35000, 1.2, 2.5, "可供地", GEOJSON],
        ["SD-02", "杭州紫金港科技城", "M0", "12,000", None, None, "", "120.07,30.29；120.075,30.29；120.075,30.294"],
    ])
    first = import_file(spec_for("parcels"), path, actor=officer())
    again = import_file(spec_for("parcels"), path, actor=officer())

    assert (first.creates, again.creates, again.updates) == (2, 0, 2)
    one, two = LandParcel.objects.order_by("code")
    assert (one.status, one.land_use, one.outline["coordinates"][0][1]) == (ParcelStatus.AVAILABLE, "M1", [120.08, 30.29])
    assert two.status == ParcelStatus.PLANNED
    assert two.outline == {"type": "Polygon", "coordinates": [
        [[120.07, 30.29], [120.075, 30.29], [120.075, 30.294], [120.07, 30.29]]]}


def test_a_parcel_moves_status_through_its_service_on_re_import(tmp_path, park):
    import_file(spec_for("parcels"), xlsx(tmp_path / "a.xlsx", PARCEL_HEADERS, [["SD-01", "紫金港科技城", "M1", 100, None, None, "规划中", ""]]), actor=officer())
    report = import_file(spec_for("parcels"), xlsx(tmp_path / "b.xlsx", PARCEL_HEADERS, [["SD-01", "紫金港科技城", "M1", 100, None, None, "可供地", ""]]), actor=officer())
    assert report.updates == 1
    parcel = LandParcel.objects.get()
    assert parcel.status == ParcelStatus.AVAILABLE
    assert parcel.history.first().history_change_reason == "数据导入"


def test_bad_parcel_rows_are_listed_and_nothing_is_written(tmp_path, park):
    path = xlsx(tmp_path / "p.xlsx", PARCEL_HEADERS, [
        ["SD-01", "紫金港科技城", "M1", 1000, None, None, "", ""],
        ["SD-02", "不存在的园区", "M1", 1000, None, None, "", ""],
        ["SD-03", "紫金港科技城", "M1", 1000, 3, 2, "已出让", ""],
        ["SD-04", "紫金港科技城", "M1", 1000, None, None, "", "120.07,30.29；200,30.29；120.075,30.294"],
        ["SD-05", "紫金港科技城", "M1", 1000, None, None, "", "西边到河"],
    ])
    report = import_file(spec_for("parcels"), path, actor=officer())
    assert [(p.row, p.column) for p in report.errors] == [
        (3, "园区"), (4, "状态"), (5, "轮廓（GeoJSON 或角点坐标）"), (6, "轮廓（GeoJSON 或角点坐标）")]
    assert "超出范围" in report.errors[2].message
    assert LandParcel.objects.count() == 0

    path = xlsx(tmp_path / "q.xlsx", PARCEL_HEADERS, [["SD-03", "紫金港科技城", "M1", 1000, 3, 2, "", ""]])
    report = import_file(spec_for("parcels"), path, actor=officer())
    assert [p.row for p in report.errors] == [2]  # 容积率下限 above its upper bound: the model's constraint
    assert LandParcel.objects.count() == 0


# ---- spaces --------------------------------------------------------------------------------------

SPACE_HEADERS = ["园区", "楼宇", "单元", "类型", "面积（m²）", "状态", "入驻企业统一社会信用代码", "起租日期", "免租期（月）"]


def test_spaces_are_keyed_by_park_building_and_unit_with_their_occupant(tmp_path, park):
    tenant = EnterpriseFactory(credit_code=credit_code(1))
    path = xlsx(tmp_path / "s.xlsx", SPACE_HEADERS, [
        ["紫金港科技城", "信创大厦 A 座", 301, "办公", 1300, "已入驻", credit_code(1), "2024-03-01", 36],
        ["紫金港科技城", "信创大厦 A 座", "302", "厂房", 800, "", "", "", ""],
    ])
    first = import_file(spec_for("spaces"), path, actor=officer())
    again = import_file(spec_for("spaces"), path, actor=officer())
    assert (first.creates, again.creates, again.updates) == (2, 0, 2)
    occupied = Space.objects.get(unit="301")
    assert (occupied.occupant, occupied.rent_free_ends_on) == (tenant, dt.date(2027, 3, 1))


def test_a_space_breaking_the_models_rules_is_listed(tmp_path, park):
    path = xlsx(tmp_path / "s.xlsx", SPACE_HEADERS, [
        ["紫金港科技城", "A", "1", "办公", 100, "已入驻", "", "", 0],
        ["紫金港科技城", "A", "2", "办公", 0, "", "", "", 12],
    ])
    report = import_file(spec_for("spaces"), path, actor=officer())
    assert [(p.row, p.column) for p in report.errors] == [(2, "入驻企业统一社会信用代码"), (3, "起租日期"), (3, None)]
    assert Space.objects.count() == 0


# ---- historical projects -------------------------------------------------------------------------

PROJECT_HEADERS = ["项目名称", "企业统一社会信用代码", "负责人", "总投资（万元）", "固定资产投资（万元）",
                   "线索日期", "初步接洽日期", "深度洽谈日期", "签约日期"]


def test_a_historical_project_walks_its_stages_at_their_dates_by_its_owner(tmp_path):
    owner = officer(username="zhang", display_name="张伟")
    enterprise = EnterpriseFactory(credit_code=credit_code(1))
    lead = officer(username="lead")
    path = xlsx(tmp_path / "p.xlsx", PROJECT_HEADERS, [
        ["关节模组项目", credit_code(1), "张伟", 20000, 8000, "2024-03-01", "2024-04-01", "2024-06-01", "2024-09-30"],
    ])
    report = import_file(spec_for("projects"), path, actor=lead)
    assert report.written
    project = Project.objects.get(enterprise=enterprise)
    assert (project.owner, project.stage) == (owner, Stage.SIGNED)
    changes = list(ProjectStageChange.objects.filter(project=project).values_list("to_stage", "changed_at__date", "actor"))
    assert changes == [
        ("lead", dt.date(2024, 3, 1), lead.pk), ("contacted", dt.date(2024, 4, 1), owner.pk),
        ("negotiating", dt.date(2024, 6, 1), owner.pk), ("signed", dt.date(2024, 9, 30), owner.pk),
    ]

    again = import_file(spec_for("projects"), path, actor=lead)
    assert (again.creates, again.updates) == (0, 1)
    assert ProjectStageChange.objects.filter(project=project).count() == 4


def test_stage_dates_out_of_order_or_with_a_gap_are_listed_and_nothing_is_written(tmp_path):
    officer(username="zhang")
    EnterpriseFactory(credit_code=credit_code(1))
    future = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    path = xlsx(tmp_path / "p.xlsx", PROJECT_HEADERS, [
        ["甲项目", credit_code(1), "zhang", 100, 50, "2024-03-01", "2024-04-01", "", ""],
        ["乙项目", credit_code(1), "zhang", 100, 50, "2024-03-01", "", "2024-06-01", ""],
        ["丙项目", credit_code(1), "zhang", 100, 50, "2024-03-01", "2024-02-01", "", ""],
        ["丁项目", credit_code(1), "zhang", 100, 50, "2024-03-01", future, "", ""],
        ["戊项目", credit_code(1), "无名氏", 100, 500, "", "", "", ""],
    ])
    report = import_file(spec_for("projects"), path, actor=officer(username="lead"))
    assert [(p.row, p.column) for p in report.errors] == [
        (3, "初步接洽日期"), (4, "初步接洽日期"), (5, "初步接洽日期"), (6, "负责人"), (6, "线索日期"), (6, None)]  # (6, None): 固定资产投资 above 总投资
    assert Project.objects.count() == 0


def test_a_reserved_parcel_is_updated_by_a_re_import_and_keeps_its_project(tmp_path, park):
    from parks.services.parcels import parcel_change_status, parcel_reserve
    from tests.factories import LandParcelFactory, ProjectFactory

    me = officer()
    parcel = LandParcelFactory(code="SD-09", park=park)
    parcel_change_status(parcel=parcel, to=ParcelStatus.AVAILABLE, actor=me)
    project = ProjectFactory(owner=me)
    parcel_reserve(parcel=parcel, project=project, actor=me)
    path = xlsx(tmp_path / "p.xlsx", PARCEL_HEADERS, [["SD-09", "紫金港科技城", "M1", 4321, None, None, "", ""]])

    report = import_file(spec_for("parcels"), path, actor=me)

    assert [str(p) for p in report.errors] == []
    parcel.refresh_from_db()
    assert (parcel.area_m2, parcel.status, parcel.project) == (4321, ParcelStatus.RESERVED, project)
