"""Export from every admin list (issue 14, item 3).

Each list's “导出” downloads the list as its reader sees it — its filters, the rows the list shows — as an .xlsx named
in Chinese, with Chinese headers and labels rather than codes; a passport number and a phone number leave masked
whoever exports; a text typed as a formula is written as text; a role that may not read the list gets no file.
"""

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from crm.crypto import mask_phone
from crm.models import Notification
from crm.service_requests.services import service_request_assign
from parks.models import PolicyGrant, Space
from tests.factories import (
    EnterpriseFactory,
    FollowUpFactory,
    LandParcelFactory,
    PolicyClauseFactory,
    ProjectFactory,
    SpaceFactory,
    enterprise_user,
    manager,
    officer,
    service_officer,
    service_request,
)

pytestmark = pytest.mark.django_db


def _rows(response) -> list[dict]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    cells = list(sheet.iter_rows(values_only=True))
    return [dict(zip(cells[0], row, strict=True)) for row in cells[1:]]


def _export(client, url_name, query=""):
    return client.get(reverse(f"admin:{url_name}_export") + query)


def _file_name(response) -> str:
    return response["Content-Disposition"].split("filename=\"")[1].split("\"")[0]


# ---- one per list ----------------------------------------------------------------------------------

def test_the_service_request_list_exports_with_chinese_headers_labels_and_local_times(client):
    desk = service_officer(display_name="李专员")
    request = service_request(enterprise=EnterpriseFactory(name="杭州示例机器人有限公司"), title="申请外籍专家工作许可")
    service_request_assign(service_request=request, assignee=desk, actor=desk)
    client.force_login(desk)

    response = _export(client, "crm_servicerequest")
    (row,) = _rows(response)

    assert _file_name(response) == f"service_requests_{timezone.localdate():%Y-%m-%d}.xlsx"
    assert row["编号"] == request.pk
    assert (row["标题"], row["企业"], row["类别"]) == ("申请外籍专家工作许可", "杭州示例机器人有限公司", "外国人来华工作许可")
    assert (row["状态"], row["经办人"]) == ("已提交", "李专员")
    assert row["提交时间"] == timezone.localtime(request.submitted_at).replace(tzinfo=None, microsecond=0)


def test_the_follow_up_list_exports_with_the_kind_by_its_label(client):
    me = officer(display_name="王专员")
    project = ProjectFactory(owner=me, name="云谷智算中心")
    FollowUpFactory(project=project, kind="visit", occurred_on=dt.date(2026, 12, 1), next_step="约见董事长")
    client.force_login(me)

    (row,) = _rows(_export(client, "crm_followup"))

    assert row["跟进日期"] == dt.datetime(2026, 12, 1)
    assert (row["项目"], row["方式"], row["跟进人"], row["下一步"]) == ("云谷智算中心", "走访", "王专员", "约见董事长")


def test_the_parcel_list_exports_amounts_as_numbers_and_status_by_its_label(client):
    LandParcelFactory(code="XH2026-001", area_m2=Decimal("20000.50"), reserve_price=Decimal("8000"))
    client.force_login(officer())

    (row,) = _rows(_export(client, "parks_landparcel"))

    assert (row["地块编号"], row["面积（m²）"], row["起始价（万元）"]) == ("XH2026-001", 20000.5, 8000)
    assert (row["用地性质"], row["状态"]) == ("工业用地 M1", "规划中")


def test_the_space_list_exports_its_occupant_and_rent_free_end(client):
    tenant = EnterpriseFactory(name="杭州入驻科技有限公司")
    SpaceFactory(
        unit="1201", status=Space.Status.OCCUPIED, occupant=tenant, lease_start=dt.date(2026, 1, 1), rent_free_months=6
    )
    client.force_login(service_officer())

    (row,) = _rows(_export(client, "parks_space"))

    assert (row["单元"], row["状态"], row["入驻企业"]) == ("1201", "已入驻", "杭州入驻科技有限公司")
    assert (row["免租期（月）"], row["免租期满日"]) == (6, dt.datetime(2026, 7, 1))


def test_the_grant_list_exports_its_policy_clause_and_amounts(client):
    clause = PolicyClauseFactory(policy__name="紫金港人才新政", number=3, title="研发补助")
    PolicyGrant.objects.create(
        clause=clause, enterprise=EnterpriseFactory(name="杭州申领科技有限公司"), applied_amount=Decimal("50"),
        applied_on=dt.date(2026, 11, 2),
    )
    client.force_login(service_officer())

    (row,) = _rows(_export(client, "parks_policygrant"))

    assert (row["企业"], row["政策"], row["条款"], row["状态"]) == ("杭州申领科技有限公司", "紫金港人才新政", "第3条 研发补助", "已申请")
    assert (row["申请金额（万元）"], row["申请日期"]) == (50, dt.datetime(2026, 11, 2))


def test_the_notification_list_exports_the_rule_channel_and_status_by_their_labels(client):
    boss = manager(display_name="张主任")
    Notification.objects.create(key="request:1:sla:80", rule="request_sla", recipient=boss, channel="email",
                                subject="诉求即将到期")
    client.force_login(boss)

    (row,) = _rows(_export(client, "crm_notification"))

    assert (row["标题"], row["接收方"], row["规则"]) == ("诉求即将到期", "张主任", "诉求办理时限已过半/将到期")
    assert (row["渠道"], row["状态"]) == ("邮件", "待发送")


def test_the_project_and_enterprise_lists_still_export(client):
    ProjectFactory(name="既有导出项目")
    client.force_login(manager())

    assert [row["项目名称"] for row in _rows(_export(client, "crm_project"))] == ["既有导出项目"]
    assert len(_rows(_export(client, "crm_enterprise"))) == 1


# ---- what leaves masked ----------------------------------------------------------------------------

def test_a_passport_and_the_phones_of_a_request_leave_masked_even_for_its_assignee(client):
    desk = service_officer()
    enterprise = EnterpriseFactory()
    submitter = enterprise_user(enterprise, phone="13812345678")
    request = service_request(enterprise=enterprise, submitted_by=submitter)
    request.details["contact_phone"] = "0571-88886666"
    request.save(update_fields=["details"])
    service_request_assign(service_request=request, assignee=desk, actor=desk)
    client.force_login(desk)

    (row,) = _rows(_export(client, "crm_servicerequest"))

    assert row["提交人手机号"] == mask_phone("13812345678") == "138****5678"
    assert "护照号码：E1*****78" in row["类别专属信息"]
    assert "联系电话：0571-****6666" in row["类别专属信息"]
    assert "E12345678" not in row["类别专属信息"] and "88886666" not in row["类别专属信息"]


# ---- the formula rule ------------------------------------------------------------------------------

@pytest.mark.parametrize("typed", ["=HYPERLINK(\"http://evil.example\",\"点我\")", "+1+1", "-2", "@SUM(A1)"])
def test_a_text_typed_as_a_formula_is_exported_as_text(client, typed):
    me = officer()
    FollowUpFactory(project=ProjectFactory(owner=me), note=typed)
    client.force_login(me)

    response = _export(client, "crm_followup")
    (row,) = _rows(response)
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active

    assert row["跟进内容"] == "'" + typed
    assert all(cell.data_type != "f" for line in sheet.iter_rows() for cell in line)


# ---- whose rows, and who may --------------------------------------------------------------------------

def test_an_export_holds_only_the_rows_the_filtered_list_shows(client):
    me, colleague = service_officer(), service_officer()
    mine = service_request(enterprise=EnterpriseFactory(), title="我经办的诉求")
    theirs = service_request(enterprise=EnterpriseFactory(), title="同事经办的诉求")
    service_request_assign(service_request=mine, assignee=me, actor=me)
    service_request_assign(service_request=theirs, assignee=colleague, actor=colleague)
    client.force_login(me)

    rows = _rows(_export(client, "crm_servicerequest", f"?assignee__id__exact={me.pk}"))

    assert [row["标题"] for row in rows] == ["我经办的诉求"]


@pytest.mark.parametrize(
    ("who", "url_name"),
    [
        (officer, "crm_servicerequest"),  # investment officers do not read requests (work-permit scans)
        (service_officer, "parks_landparcel"),  # land is read with the pipeline
        (service_officer, "crm_followup"),
        (officer, "crm_notification"),  # only managers read everyone's reminders
        (service_officer, "crm_notification"),
    ],
)
def test_a_role_that_may_not_read_a_list_gets_no_export(client, who, url_name):
    service_request(enterprise=EnterpriseFactory())
    LandParcelFactory()
    FollowUpFactory(project=ProjectFactory())
    client.force_login(who())

    response = _export(client, url_name)

    assert response.status_code == 403
    assert "spreadsheetml" not in response.get("Content-Type", "")


def test_an_enterprise_user_cannot_export_any_list(client):
    enterprise = EnterpriseFactory()
    service_request(enterprise=enterprise)
    client.force_login(enterprise_user(enterprise))

    response = _export(client, "crm_servicerequest")

    assert response.status_code == 302  # to the admin's login: not staff
    assert "spreadsheetml" not in response.get("Content-Type", "")
