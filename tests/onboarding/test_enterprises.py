"""数据导入 · 企业: the template, the check of every row, all or nothing, re-import by credit code, 撞单, roles."""

import pytest
from django.core.management import call_command

from crm.errors import DomainError
from crm.models import Enterprise
from onboarding.engine import import_file, template
from onboarding.specs import spec_for
from tests.factories import EnterpriseFactory, ParkFactory, credit_code, manager, officer, project_at, service_officer

from .support import read_template, xlsx

pytestmark = pytest.mark.django_db

HEADERS = ["企业名称", "统一社会信用代码", "状态", "产业链", "注册资本（万元）", "所在园区", "员工人数", "成立日期"]


def _rows(n, start=100):
    return [[f"杭州导入{i}号科技有限公司", credit_code(start + i), "在园企业", "智能机器人", "1,000", "", 50, "2019-05-20"]
            for i in range(n)]


def test_the_template_has_the_chinese_headers_and_an_example_row_that_imports(tmp_path):
    headers, example, path = read_template(template(spec_for("enterprises")), tmp_path)
    assert headers[:3] == ["企业名称", "统一社会信用代码", "简称"]
    assert example[0] == "示例智能装备（杭州）有限公司"

    report = import_file(spec_for("enterprises"), path, actor=officer())

    assert report.errors == []
    assert Enterprise.objects.get(name="示例智能装备（杭州）有限公司").status == Enterprise.Status.IN_PARK


def test_a_clean_file_creates_every_enterprise_with_labels_read_as_codes(tmp_path):
    park = ParkFactory(name="紫金港科技城", short_name="紫金港")
    rows = _rows(3)
    rows[0][5] = "紫金港"
    report = import_file(spec_for("enterprises"), xlsx(tmp_path / "e.xlsx", HEADERS, rows), actor=service_officer())

    assert (report.rows, report.creates, report.updates, report.written) == (3, 3, 0, True)
    first = Enterprise.objects.get(credit_code=credit_code(100))
    assert (first.industry_chain, first.park, str(first.registered_capital), first.headcount) == (
        "robotics", park, "1000.00", 50)
    assert first.name_key  # 撞单's key is kept by enterprise_create


def test_every_bad_row_is_listed_with_its_row_and_column_and_nothing_is_written(tmp_path):
    rows = _rows(4)
    rows[0][1] = credit_code(100)[:-1] + ("0" if credit_code(100)[-1] != "0" else "1")  # row 2: wrong check character
    rows[2][3] = "量子计算"  # row 4: unknown chain
    rows[3][4] = "很多"  # row 5: not a number
    rows[3][7] = "2019-13-40"

    report = import_file(spec_for("enterprises"), xlsx(tmp_path / "e.xlsx", HEADERS, rows), actor=officer())

    assert not report.written
    assert Enterprise.objects.count() == 0
    assert [(p.row, p.column) for p in report.errors] == [
        (2, "统一社会信用代码"), (4, "产业链"), (5, "注册资本（万元）"), (5, "成立日期")]
    assert str(report.errors[0]).startswith("第 2 行「统一社会信用代码」：统一社会信用代码校验位不正确")
    assert "无法识别“量子计算”" in report.errors[1].message


def test_a_missing_required_cell_and_a_duplicate_row_are_refused(tmp_path):
    rows = [*_rows(2), _rows(1)[0]]
    rows[1][0] = ""
    report = import_file(spec_for("enterprises"), xlsx(tmp_path / "e.xlsx", HEADERS, rows), actor=officer())
    assert [str(p) for p in report.errors] == [
        "第 3 行「企业名称」：必填，不能为空。",
        "第 4 行：与第 2 行重复（统一社会信用代码）。",
    ]
    assert Enterprise.objects.count() == 0


def test_an_unknown_column_refuses_the_file(tmp_path):
    report = import_file(spec_for("enterprises"), xlsx(tmp_path / "e.xlsx", [*HEADERS, "税号"], _rows(1)), actor=officer())
    assert report.errors[0].row == 1
    assert "无法识别的列「税号」" in report.errors[0].message
    assert Enterprise.objects.count() == 0


def test_importing_the_same_file_again_updates_and_creates_none(tmp_path):
    path = xlsx(tmp_path / "e.xlsx", HEADERS, _rows(3))
    import_file(spec_for("enterprises"), path, actor=officer())
    Enterprise.objects.filter(credit_code=credit_code(101)).update(headcount=7)

    report = import_file(spec_for("enterprises"), path, actor=officer())

    assert (report.creates, report.updates) == (0, 3)
    assert Enterprise.objects.count() == 3
    assert Enterprise.objects.get(credit_code=credit_code(101)).headcount == 50


def test_a_name_held_by_another_enterprise_is_refused(tmp_path):
    EnterpriseFactory(name="杭州导入0号科技有限公司", credit_code=credit_code(9))
    report = import_file(spec_for("enterprises"), xlsx(tmp_path / "e.xlsx", HEADERS, _rows(1)), actor=officer())
    assert [(p.row, p.column) for p in report.errors] == [(2, "企业名称")]
    assert Enterprise.objects.count() == 1


def test_the_same_company_under_another_spelling_is_flagged_with_its_active_projects(tmp_path):
    """撞单: “浙江导入0号科技股份有限公司” has the key of “杭州导入0号科技有限公司”; an officer is chasing it."""
    existing = EnterpriseFactory(name="浙江导入0号科技股份有限公司", credit_code=credit_code(9))
    project_at("negotiating", enterprise=existing, name="关节模组项目")
    report = import_file(spec_for("enterprises"), xlsx(tmp_path / "e.xlsx", HEADERS, _rows(1)), actor=officer(),
                         dry_run=True)
    assert report.ok
    assert [(p.row, p.column) for p in report.warnings] == [(2, "企业名称")]
    assert "浙江导入0号科技股份有限公司" in report.warnings[0].message
    assert "关节模组项目" in report.warnings[0].message


def test_a_manager_may_not_import_enterprises_and_nothing_changes(tmp_path):
    with pytest.raises(DomainError) as refused:
        import_file(spec_for("enterprises"), xlsx(tmp_path / "e.xlsx", HEADERS, _rows(2)), actor=manager())
    assert refused.value.code == DomainError.FORBIDDEN
    assert Enterprise.objects.count() == 0


def test_hostile_cell_text_is_kept_as_text_and_control_characters_are_refused(tmp_path):
    rows = _rows(2)
    rows[0][0] = "=HYPERLINK(\"http://evil\",\"点我\")有限公司"
    rows[1][0] = "杭州换行\n有限公司"
    report = import_file(spec_for("enterprises"), xlsx(tmp_path / "e.xlsx", HEADERS, rows), actor=officer())
    assert [(p.row, p.column) for p in report.errors] == [(3, "企业名称")]
    assert "控制字符（U+000A）" in report.errors[0].message

    report = import_file(spec_for("enterprises"), xlsx(tmp_path / "f.xlsx", HEADERS, rows[:1]), actor=officer())
    assert report.written
    assert Enterprise.objects.get().name == "=HYPERLINK(\"http://evil\",\"点我\")有限公司"


def test_a_csv_file_in_gb18030_imports_like_a_workbook(tmp_path):
    path = tmp_path / "e.csv"
    lines = [",".join(HEADERS)] + [",".join(str(c).replace(",", "") for c in row) for row in _rows(2)]
    path.write_bytes("\n".join(lines).encode("gb18030"))
    report = import_file(spec_for("enterprises"), path, actor=officer())
    assert (report.creates, report.written) == (2, True)


def test_the_command_lists_every_bad_row_and_exits_non_zero(tmp_path, capsys):
    officer(username="clerk")
    rows = _rows(3)
    rows[1][3] = "量子计算"
    path = xlsx(tmp_path / "e.xlsx", HEADERS, rows)
    with pytest.raises(SystemExit) as exited:
        call_command("import_data", "enterprises", str(path), "--user", "clerk")
    assert exited.value.code == 1
    err = capsys.readouterr().err
    assert "第 3 行「产业链」" in err
    assert "未写入任何数据" in err
    assert Enterprise.objects.count() == 0


def test_the_command_imports_with_progress_and_dry_run_writes_nothing(tmp_path, capsys):
    officer(username="clerk")
    path = xlsx(tmp_path / "e.xlsx", HEADERS, _rows(5))
    call_command("import_data", "enterprises", str(path), "--user", "clerk", "--dry-run")
    assert Enterprise.objects.count() == 0
    call_command("import_data", "enterprises", str(path), "--user", "clerk", "--progress-every", "2")
    out, err = capsys.readouterr()
    assert "新建 5 行" in out
    assert "已读取 2 行" in err
    assert Enterprise.objects.count() == 5


def test_the_command_writes_the_template(tmp_path):
    out = tmp_path / "模板.xlsx"
    call_command("import_data", "enterprises", "--template", str(out))
    headers, _example, _path = read_template(out.read_bytes(), tmp_path)
    assert "统一社会信用代码" in headers


def test_a_write_refused_midway_rolls_the_whole_file_back(tmp_path, monkeypatch):
    """A row that passed the check but is refused while writing (a clerk registered the name meanwhile)."""
    from crm import enterprises

    real = enterprises.enterprise_create
    calls = []

    def create_then_refuse(**fields):
        calls.append(fields["name"])
        if len(calls) == 3:
            raise DomainError("企业名称已登记。", field="name")
        return real(**fields)

    monkeypatch.setattr("onboarding.specs.enterprise_create", create_then_refuse)
    report = import_file(spec_for("enterprises"), xlsx(tmp_path / "e.xlsx", HEADERS, _rows(4)), actor=officer())

    assert not report.written
    assert [str(p) for p in report.errors] == ["第 4 行「企业名称」：企业名称已登记。"]
    assert Enterprise.objects.count() == 0


def test_no_template_cell_is_a_formula(tmp_path):
    import openpyxl

    from onboarding.specs import KINDS

    for kind in KINDS:
        path = tmp_path / f"{kind}.xlsx"
        path.write_bytes(template(spec_for(kind)))
        for sheet in openpyxl.load_workbook(path).worksheets:
            for row in sheet.iter_rows():
                assert all(cell.data_type != "f" for cell in row), kind
