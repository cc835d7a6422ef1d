"""数据导入 in the admin: upload → preview (Chinese columns, counts, every bad row) → confirm; roles; the upload's checks."""

import io

import openpyxl
import pytest
from django.urls import reverse

from crm.models import Enterprise
from parks.models import LandParcel
from tests.factories import credit_code, manager, officer, service_officer

from .support import xlsx

pytestmark = pytest.mark.django_db

HEADERS = ["企业名称", "统一社会信用代码", "产业链"]


def _file(tmp_path, rows, name="企业.xlsx"):
    path = xlsx(tmp_path / name, HEADERS, rows)
    return io.BytesIO(path.read_bytes())


def _upload(client, tmp_path, rows, kind="enterprises", name="企业.xlsx"):
    upload = _file(tmp_path, rows)
    upload.name = name
    return client.post(reverse("onboarding:index"), {"kind": kind, "file": upload})


def test_the_preview_shows_chinese_columns_and_counts_and_confirm_imports(client, tmp_path):
    client.force_login(officer())
    response = _upload(client, tmp_path, [["杭州甲科技有限公司", credit_code(1), "人工智能"],
                                          ["杭州乙科技有限公司", credit_code(2), "robotics"]])
    page = response.content.decode()
    assert response.status_code == 200
    assert "共 2 行：新建 2 行，更新 0 行，有误 0 行。" in page
    assert "<th>统一社会信用代码</th>" in page
    assert "杭州乙科技有限公司" in page
    assert Enterprise.objects.count() == 0  # the preview writes nothing

    token = response.context["token"]
    response = client.post(reverse("onboarding:confirm"), {"token": token}, follow=True)
    assert "已导入企业：新建 2 条，更新 0 条。" in response.content.decode()
    assert Enterprise.objects.count() == 2
    assert not any((tmp_path / "media" / "onboarding").rglob("*.xlsx"))  # the waiting file is gone


def test_bad_rows_are_listed_with_their_numbers_and_there_is_nothing_to_confirm(client, tmp_path):
    client.force_login(officer())
    response = _upload(client, tmp_path, [["杭州甲科技有限公司", credit_code(1), "人工智能"],
                                          ["杭州乙科技有限公司", "123", "量子"]])
    page = response.content.decode()
    assert "第 3 行「统一社会信用代码」：统一社会信用代码应为 18 位，当前为 3 位。" in page
    assert "第 3 行「产业链」" in page
    assert "确认导入" not in page
    response = client.post(reverse("onboarding:confirm"), {"token": "x" * 32}, follow=True)
    assert "没有待确认的文件" in response.content.decode()
    assert Enterprise.objects.count() == 0


def test_a_file_that_is_not_a_workbook_or_too_large_is_refused(client, tmp_path, monkeypatch):
    client.force_login(officer())
    fake = io.BytesIO(b"<html>not excel</html>")
    fake.name = "企业.xlsx"
    response = client.post(reverse("onboarding:index"), {"kind": "enterprises", "file": fake})
    assert "文件内容不是 Excel 工作簿" in response.content.decode()
    monkeypatch.setattr("onboarding.views.MAX_UPLOAD_BYTES", 10)
    response = _upload(client, tmp_path, [["杭州甲科技有限公司", credit_code(1), ""]])
    assert "文件超过 10 MB" in response.content.decode()
    assert Enterprise.objects.count() == 0


def test_each_role_is_offered_only_the_kinds_it_may_change(client, tmp_path):
    client.force_login(service_officer())
    page = client.get(reverse("onboarding:index"))
    assert [kind for kind, _label in page.context["kinds"]] == ["enterprises", "contacts", "qualifications", "figures"]
    assert client.get(reverse("onboarding:template", args=["parcels"])).status_code == 403
    rows = [["SD-1", "园区", "M1"]]
    response = _upload(client, tmp_path, rows, kind="parcels")
    assert "parcels" in response.context["form"].errors["kind"][0]
    assert LandParcel.objects.count() == 0


def test_a_manager_may_not_import_at_all_and_nothing_changes(client, tmp_path):
    client.force_login(manager())
    assert client.get(reverse("onboarding:index")).status_code == 403
    response = _upload(client, tmp_path, [["杭州甲科技有限公司", credit_code(1), ""]])
    assert response.status_code == 403
    assert Enterprise.objects.count() == 0


def test_the_template_download_is_an_xlsx_with_chinese_headers(client):
    client.force_login(officer())
    response = client.get(reverse("onboarding:template", args=["parcels"]))
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert sheet["A1"].value == "地块编号"


def test_hostile_cell_text_is_shown_as_text_in_the_preview(client, tmp_path):
    client.force_login(officer())
    response = _upload(client, tmp_path, [["<script>alert(1)</script>科技有限公司", credit_code(1), ""]])
    page = response.content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;科技有限公司" in page


def test_someone_elses_token_confirms_nothing(client, tmp_path):
    first = officer()
    client.force_login(first)
    token = _upload(client, tmp_path, [["杭州甲科技有限公司", credit_code(1), ""]]).context["token"]
    client.force_login(officer())
    response = client.post(reverse("onboarding:confirm"), {"token": token}, follow=True)
    assert "没有待确认的文件" in response.content.decode()
    assert Enterprise.objects.count() == 0
