"""Excel import and export a clerk can use (issue 11, item 9).

The leads template opens with Chinese headers and its example row imports as it is; a bad file names each bad cell
as “第 N 行「列」：……” (N as Excel numbers the row; a row's errors left to right) and stores nothing; choices are read by their Chinese label; a
row's contact is added to its enterprise; exports hold amounts as numbers, mask a contact's phone for anyone but
the project's officers, and are named in Chinese with the date in Asia/Shanghai.
"""

import datetime as dt
import io
from decimal import Decimal
from urllib.parse import quote

import openpyxl
import pytest
import tablib
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from crm.admin.resources import AmountWidget, ProjectImportResource
from crm.crypto import mask_phone
from crm.models import Contact, Enterprise, Project, ProjectStageChange, Stage
from crm.validators import normalize_phone
from tests.factories import EnterpriseFactory, ProjectFactory, manager, officer, service_officer

pytestmark = pytest.mark.django_db

HEADERS = [
    "项目名称", "企业名称", "统一社会信用代码", "联系人", "联系电话", "产业链", "细分赛道", "来源渠道", "总投资（万元）",
    "固定资产投资（万元）", "负责人", "下一步", "下次跟进日期",
]


def _upload(rows, headers=HEADERS, name="线索.xlsx"):
    return ContentFile(tablib.Dataset(*rows, headers=headers).export("xlsx"), name=name)


def _preview(client, upload):
    return client.post(reverse("admin:crm_project_import"), {"import_file": upload, "format": "0", "resource": "0"})


def _confirm(client, preview):
    return client.post(reverse("admin:crm_project_process_import"), preview.context["confirm_form"].initial)


def _messages(preview) -> list[str]:
    return [
        message
        for row in preview.context["result"].invalid_rows
        for messages in row.error_dict.values()
        for message in messages
    ]


def _book(response):
    assert response.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(response.content))


def _lead(**overrides) -> list:
    row = dict.fromkeys(HEADERS, "")
    row.update({"项目名称": "具身智能大脑项目", "企业名称": "杭州新来科技有限公司", "总投资（万元）": 100})
    row.update(overrides)
    return [row[header] for header in HEADERS]


# ---- the template ------------------------------------------------------------------------------------

def test_the_import_page_offers_the_template_for_download(client):
    client.force_login(officer())

    html = client.get(reverse("admin:crm_project_import")).content.decode()

    assert f'href="{reverse("admin:crm_project_import_template")}" download>下载导入模板</a>' in html


def test_the_template_has_the_chinese_headers_and_an_example_row(client):
    client.force_login(officer())

    response = client.get(reverse("admin:crm_project_import_template"))

    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"] == (
        "attachment; filename=\"leads_template.xlsx\"; filename*=UTF-8''" + quote("线索导入模板.xlsx")
    )
    book = _book(response)
    assert book.sheetnames == ["线索", "填写说明"]
    rows = list(book["线索"].iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS
    assert len(rows) == 2
    example = dict(zip(HEADERS, rows[1], strict=True))
    assert (example["产业链"], example["来源渠道"]) == ("智能制造", "以商招商")
    assert (example["总投资（万元）"], example["固定资产投资（万元）"]) == (20000, 8000)
    assert example["下次跟进日期"] == dt.datetime.combine(timezone.localdate() + dt.timedelta(days=7), dt.time())
    notes = list(book["填写说明"].iter_rows(min_col=4, max_col=5, values_only=True))
    assert notes[0] == ("产业链", "来源渠道")
    assert [chain for chain, _channel in notes[1:] if chain][:2] == ["人工智能", "智能机器人"]


def test_the_template_example_row_imports_as_it_is(client):
    me = officer(display_name="张三")
    client.force_login(me)
    template = client.get(reverse("admin:crm_project_import_template")).content

    preview = _preview(client, ContentFile(template, name="线索导入模板.xlsx"))
    assert not preview.context["result"].has_validation_errors(), _messages(preview)
    assert not preview.context["result"].has_errors()
    assert (Project.objects.count(), Enterprise.objects.count(), Contact.objects.count()) == (0, 0, 0)  # a preview
    response = _confirm(client, preview)

    assert response.status_code == 302
    project = Project.objects.get()
    assert (project.name, project.enterprise.name, project.owner, project.stage) == (
        "示例：新能源电池包产线项目", "示例新能源科技（杭州）有限公司", me, Stage.LEAD,
    )
    assert (project.industry_chain, project.source_channel, project.total_investment) == (
        "smart_manufacturing", "business_referral", Decimal("20000"),
    )
    assert list(project.enterprise.contacts.values_list("name", "phone", "is_primary")) == [
        ("王经理", "13800000000", True)
    ]
    assert list(project.history.values_list("history_type", "history_user")) == [("+", me.pk)]
    assert list(project.stage_changes.values_list("to_stage", "actor")) == [(Stage.LEAD, me.pk)]


def test_only_who_may_import_downloads_the_template(client):
    client.force_login(manager())

    assert client.get(reverse("admin:crm_project_import_template")).status_code == 403


# ---- errors naming the row and the column ------------------------------------------------------------

def test_a_bad_file_names_each_bad_cell_by_row_and_chinese_column_and_imports_nothing(client):
    client.force_login(officer())
    upload = _upload([
        _lead(项目名称="好的一行"),
        _lead(**{"项目名称": "金额写错的一行", "总投资（万元）": "两千万"}),
        _lead(**{"项目名称": "", "下次跟进日期": "下周三", "联系人": "李四", "联系电话": "12345"}),
        _lead(**{"项目名称": "产业链写错", "产业链": "区块链", "联系电话": "13912345678"}),
    ])

    preview = _preview(client, upload)

    assert _messages(preview) == [
        "第 3 行「总投资（万元）」：请输入数字。",
        "第 4 行「项目名称」：此字段不能为空。",
        "第 4 行「联系电话」：请填写 11 位手机号，或带区号的固定电话（如 0571-88886666）。",
        "第 4 行「下次跟进日期」：请输入日期，如 2026-12-31。",
        "第 5 行「联系人」：填写了联系电话，请同时填写联系人姓名。",
        "第 5 行「产业链」：无法识别“区块链”，可填：人工智能、智能机器人、信创与商用密码、云计算与智算、生命健康、"
        "智能制造、新材料、数字经济、其他。",
    ]
    html = preview.content.decode()
    assert "<li>第 3 行「总投资（万元）」：请输入数字。</li>" in html
    assert "以下行有错误，整个文件未导入" in html
    assert "confirm_form" not in preview.context or preview.context["confirm_form"] is None
    assert (Project.objects.count(), Enterprise.objects.count(), Contact.objects.count()) == (0, 0, 0)
    assert ProjectStageChange.objects.count() == 0


def test_a_file_with_one_bad_row_stores_none_of_its_rows_when_imported_for_real():
    """As the admin's confirmation runs it: not a dry run, in a transaction rolled back on a validation error."""
    dataset = tablib.Dataset(_lead(项目名称="好的一行"), _lead(**{"总投资（万元）": "abc"}), headers=HEADERS)

    result = ProjectImportResource().import_data(
        dataset, dry_run=False, use_transactions=True, rollback_on_validation_errors=True, user=officer()
    )

    assert result.has_validation_errors()
    assert (Project.objects.count(), Enterprise.objects.count(), ProjectStageChange.objects.count()) == (0, 0, 0)


@pytest.mark.parametrize(
    ("cell", "read"),
    [(1200.1000000000001, Decimal("1200.10")), (0.1 + 0.2, Decimal("0.30")), (20000, Decimal("20000")),
     ("1,200.5", Decimal("1200.5")), (" 3000 ", Decimal("3000")), ("", None)],
)
def test_an_amount_cell_is_read_as_the_number_it_shows(cell, read):
    assert AmountWidget().clean(cell) == read


@pytest.mark.parametrize("cell", ["两千万", "1.2.3", "NaN", "Infinity", True])
def test_an_amount_that_is_not_a_number_is_refused_in_chinese(cell):
    with pytest.raises(ValueError) as refused:
        AmountWidget().clean(cell)
    assert str(refused.value) == "请输入数字。"


def test_amounts_typed_as_text_with_thousands_separators_are_numbers(client):
    client.force_login(officer())
    preview = _preview(client, _upload([_lead(**{"总投资（万元）": "1,200.5", "固定资产投资（万元）": ""})]))

    _confirm(client, preview)

    project = Project.objects.get()
    assert (project.total_investment, project.fixed_asset_investment) == (Decimal("1200.50"), Decimal("0"))


def test_headers_typed_with_half_width_brackets_or_spaces_are_read_as_the_templates(client):
    client.force_login(officer())
    headers = ["项目名称", " 企业名称", "总投资(万元)", "固定资产投资 (万元)"]
    upload = _upload([["具身智能大脑项目", "杭州新来科技有限公司", 2000, 800]], headers=headers)

    _confirm(client, _preview(client, upload))

    project = Project.objects.get()
    assert (project.total_investment, project.fixed_asset_investment) == (Decimal("2000"), Decimal("800"))


def test_a_file_with_an_unknown_or_a_missing_column_is_refused_whole_naming_them(client):
    client.force_login(officer())
    upload = _upload([["具身智能大脑项目", 2000, "重要"]], headers=["项目名称", "总投资（亿元）", "备注"])

    preview = _preview(client, upload)

    result = preview.context["result"]
    assert [str(error.error) for error in result.base_errors] == [
        "第 1 行：无法识别的列「总投资（亿元）」；无法识别的列「备注」；缺少「企业名称」列。请使用导入模板中的列名："
        "项目名称、企业名称、统一社会信用代码、联系人、联系电话、产业链、细分赛道、来源渠道、总投资（万元）、"
        "固定资产投资（万元）、负责人、下一步、下次跟进日期。"
    ]
    assert list(result.row_errors()) == [] and result.invalid_rows == []
    html = preview.content.decode()
    assert "<li>第 1 行：无法识别的列「总投资（亿元）」；" in html
    assert "Traceback" not in html and "confirm_form" not in preview.context
    assert (Project.objects.count(), Enterprise.objects.count()) == (0, 0)


# ---- choices by their Chinese label ------------------------------------------------------------------

def test_choices_are_read_by_their_chinese_label_or_their_code_and_previewed_by_label(client):
    client.force_login(officer())
    upload = _upload([
        _lead(**{"项目名称": "按名称", "产业链": "智能机器人", "来源渠道": "联盟活动"}),
        _lead(**{"项目名称": "按代码", "产业链": "robotics", "来源渠道": "alliance_event"}),
    ])

    preview = _preview(client, upload)

    html = preview.content.decode()
    assert "robotics" not in html and "alliance_event" not in html
    assert html.count("智能机器人") >= 2 and html.count("联盟活动") >= 2
    _confirm(client, preview)
    assert sorted(Project.objects.values_list("name", "industry_chain", "source_channel")) == [
        ("按代码", "robotics", "alliance_event"), ("按名称", "robotics", "alliance_event"),
    ]


# ---- contacts ----------------------------------------------------------------------------------------

def test_a_rows_contact_is_added_to_its_enterprise_with_the_phone_normalised(client):
    me = officer()
    known = EnterpriseFactory(name="杭州已登记科技有限公司")
    Contact.objects.create(enterprise=known, name="赵总", phone="", is_primary=True)
    client.force_login(me)
    upload = _upload([
        _lead(**{"项目名称": "新联系人", "企业名称": "杭州已登记科技有限公司", "联系人": "钱经理",
                 "联系电话": "+86 139 1234 5678"}),
        _lead(**{"项目名称": "已有联系人", "企业名称": "杭州已登记科技有限公司", "联系人": "赵总",
                 "联系电话": "(0571) 8888 6666"}),
        _lead(**{"项目名称": "新企业", "企业名称": "浙江新来材料有限公司", "联系人": "孙工", "联系电话": 13812345678}),
    ])

    _confirm(client, _preview(client, upload))

    assert sorted(known.contacts.values_list("name", "phone", "is_primary")) == [
        ("赵总", "0571-88886666", True), ("钱经理", "13912345678", False),
    ]
    new = Enterprise.objects.get(name="浙江新来材料有限公司")
    assert list(new.contacts.values_list("name", "phone", "is_primary")) == [("孙工", "13812345678", True)]


def test_a_contact_name_too_long_or_with_a_control_character_is_refused_in_its_column(client):
    client.force_login(officer())
    upload = _upload([_lead(联系人="王" * 51), _lead(联系人="王\x7f经理")])  # a DEL: a workbook may hold it

    preview = _preview(client, upload)

    assert _messages(preview) == [
        "第 2 行「联系人」：确保该变量包含不超过 50 字符 (目前字符数 51)。",  # Django's own words
        "第 3 行「联系人」：不能包含控制字符（U+007F），请删除后重新输入。",
    ]
    assert (Project.objects.count(), Contact.objects.count()) == (0, 0)


def test_an_existing_contacts_phone_is_never_overwritten(client):
    known = EnterpriseFactory(name="杭州已登记科技有限公司")
    Contact.objects.create(enterprise=known, name="赵总", phone="13700000000")
    client.force_login(officer())

    upload = _upload([_lead(**{"企业名称": "杭州已登记科技有限公司", "联系人": "赵总", "联系电话": "13912345678"})])
    _confirm(client, _preview(client, upload))

    assert list(known.contacts.values_list("name", "phone")) == [("赵总", "13700000000")]


# ---- exports -----------------------------------------------------------------------------------------

def test_the_project_export_is_named_in_chinese_with_the_local_date(client, time_machine):
    # 2026-12-07 23:30 UTC is already 12-08 in Asia/Shanghai.
    time_machine.move_to(dt.datetime(2026, 12, 7, 23, 30, tzinfo=dt.UTC), tick=False)
    client.force_login(officer())

    response = client.get(reverse("admin:crm_project_export"))

    assert response["Content-Disposition"] == (
        "attachment; filename=\"projects_2026-12-08.xlsx\"; filename*=UTF-8''"
        "%E6%8B%9B%E5%95%86%E9%A1%B9%E7%9B%AE_2026-12-08.xlsx"
    )
    assert quote("招商项目_2026-12-08.xlsx") == "%E6%8B%9B%E5%95%86%E9%A1%B9%E7%9B%AE_2026-12-08.xlsx"


def test_the_enterprise_export_is_named_in_chinese_with_the_local_date(client):
    client.force_login(officer())

    response = client.get(reverse("admin:crm_enterprise_export"))

    day = f"{timezone.localdate():%Y-%m-%d}"
    assert response["Content-Disposition"] == (
        f"attachment; filename=\"enterprises_{day}.xlsx\"; filename*=UTF-8''{quote(f'企业名录_{day}.xlsx')}"
    )


def _export_rows(client) -> list[dict]:
    sheet = _book(client.get(reverse("admin:crm_project_export"))).active
    cells = list(sheet.iter_rows())
    headers = [cell.value for cell in cells[0]]
    return [dict(zip(headers, row, strict=True)) for row in cells[1:]]


def test_the_project_export_writes_amounts_as_numbers_dates_as_dates_and_choices_by_label(client):
    me = officer()
    project = ProjectFactory(owner=me, name="云谷智算中心", total_investment=Decimal("30000.50"), source_channel="alliance_event")
    Project.objects.filter(pk=project.pk).update(next_follow_up_on=dt.date(2026, 12, 31))
    client.force_login(me)

    (row,) = _export_rows(client)

    assert (row["总投资（万元）"].data_type, row["总投资（万元）"].value) == ("n", 30000.5)
    assert (row["固定资产投资（万元）"].data_type, row["固定资产投资（万元）"].value) == ("n", 2000)
    assert (row["下次跟进日期"].is_date, row["下次跟进日期"].value) == (True, dt.datetime(2026, 12, 31))
    assert (row["产业链"].value, row["来源渠道"].value, row["阶段"].value) == ("智能机器人", "联盟活动", "线索")


def test_the_export_shows_the_primary_contact_and_masks_the_phone_for_anyone_but_the_projects_officers(client):
    me, colleague = officer(), officer()
    enterprise = EnterpriseFactory()
    Contact.objects.create(enterprise=enterprise, name="次要联系人", phone="13900000000")
    Contact.objects.create(enterprise=enterprise, name="王经理", phone="13812345678", is_primary=True)
    mine = ProjectFactory(owner=me, enterprise=enterprise, name="我的项目")
    shared = ProjectFactory(owner=colleague, enterprise=enterprise, name="我协办的项目")
    shared.co_officers.add(me)
    ProjectFactory(owner=colleague, enterprise=enterprise, name="同事的项目")
    client.force_login(me)

    rows = {row["项目名称"].value: (row["联系人"].value, row["联系电话"].value) for row in _export_rows(client)}

    assert rows == {
        mine.name: ("王经理", "13812345678"),
        shared.name: ("王经理", "13812345678"),
        "同事的项目": ("王经理", "138****5678"),
    }


def test_a_manager_exports_every_phone_masked(client):
    enterprise = EnterpriseFactory()
    Contact.objects.create(enterprise=enterprise, name="王经理", phone="0571-88886666", is_primary=True)
    ProjectFactory(enterprise=enterprise)
    client.force_login(manager())

    (row,) = _export_rows(client)

    assert row["联系电话"].value == "0571-****6666"


def _projects_with_contacts(owner, count):
    for n in range(count):
        enterprise = EnterpriseFactory()
        Contact.objects.create(enterprise=enterprise, name=f"联系人{n}", phone="13812345678")
        ProjectFactory(owner=owner, enterprise=enterprise).co_officers.add(officer())


@pytest.mark.parametrize("projects", [3, 12])
def test_the_project_export_runs_the_same_queries_whatever_the_number_of_rows(client, django_assert_num_queries, projects):
    me = officer()
    _projects_with_contacts(me, projects)
    client.force_login(me)
    url = reverse("admin:crm_project_export")

    # 1 session, 2 its user, 3 her groups, 4-5 her permissions (own and by group); the changelist's filters:
    # 6 the owners, 7 the parks; the export: 8 the count of rows, 9 the projects with enterprise, owner and park
    # (one join), 10 their enterprises' contacts, 11 their co-officers.
    # (Rows are read 100 at a time — django-import-export pages a prefetching queryset — so each further 100 rows
    # add those last three again.)
    with django_assert_num_queries(11):
        response = client.get(url)

    assert len(list(_book(response).active.iter_rows(min_row=2))) == projects


@pytest.mark.parametrize("who", [manager, service_officer])
def test_who_may_not_add_projects_cannot_post_a_leads_file_and_nothing_is_stored(client, who):
    client.force_login(who())

    response = _preview(client, _upload([_lead()]))

    assert response.status_code == 403
    assert (Project.objects.count(), Enterprise.objects.count(), Contact.objects.count()) == (0, 0, 0)


def test_a_service_officer_can_neither_import_nor_download_the_template(client):
    client.force_login(service_officer())

    assert client.get(reverse("admin:crm_project_import")).status_code == 403
    assert client.get(reverse("admin:crm_project_import_template")).status_code == 403


# ---- the phone rule ----------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("typed", "stored", "masked"),
    [
        ("13812345678", "13812345678", "138****5678"),
        ("+86 138 1234 5678", "13812345678", "138****5678"),
        (13812345678.0, "13812345678", "138****5678"),  # a number cell
        ("0571-88886666", "0571-88886666", "0571-****6666"),
        ("010 12345678", "010-12345678", "010-****5678"),
        ("（0571）88886666", "0571-88886666", "0571-****6666"),
        ("", "", ""),
    ],
)
def test_a_phone_is_stored_in_one_shape_and_masked_to_its_last_four_digits(typed, stored, masked):
    assert normalize_phone(typed) == stored
    assert mask_phone(stored) == masked


@pytest.mark.parametrize("typed", ["12345", "138123456789", "23812345678", "电话 138", "0571"])
def test_a_phone_that_is_neither_a_mobile_nor_a_landline_with_area_code_is_refused(typed):
    with pytest.raises(ValidationError) as refused:
        normalize_phone(typed)
    assert refused.value.messages == ["请填写 11 位手机号，或带区号的固定电话（如 0571-88886666）。"]
