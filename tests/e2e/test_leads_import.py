"""线索导入 in a real browser: an officer downloads the template, uploads a file with a bad row and reads the Chinese
errors, then uploads the template and sees its preview with Chinese headers and labels before confirming.

Screenshots: test-artifacts/e2e/leads-import-{errors,preview}-{1440,390}.png.
"""

import re

import pytest
import tablib

from crm.models import Project
from tests.e2e.support import DEMO_PASSWORD, ensure_reference_data, log_in_admin
from tests.factories import officer

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
HEADERS = ["项目名称", "企业名称", "联系人", "联系电话", "产业链", "来源渠道", "总投资（万元）"]




def _upload(page, path):
    page.set_input_files("input[name=import_file]", str(path))
    page.click(".submit-row input[type=submit]")


@pytest.mark.parametrize("width", [1440, 390])
def test_an_officer_imports_leads_from_the_template_reading_chinese_errors_first(
    live_server, new_page, artifacts, tmp_path, width
):
    ensure_reference_data()
    me = officer(username=f"clerk{width}", display_name="张三")
    me.set_password(DEMO_PASSWORD)
    me.save()
    page = new_page(viewport={"width": width, "height": 1000}, mobile=width < 500)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in_admin(page, live_server.url, me.username, DEMO_PASSWORD, next_path="/admin/crm/project/import/")

    with page.expect_download() as download:
        page.click("text=下载导入模板")
    template = tmp_path / download.value.suggested_filename
    download.value.save_as(template)
    assert template.name == "线索导入模板.xlsx"

    bad = tmp_path / "线索.xlsx"
    bad.write_bytes(tablib.Dataset(
        ["具身智能大脑项目", "杭州新来科技有限公司", "李四", "13812345678", "智能机器人", "联盟活动", 20000],
        ["金额写错", "杭州新来科技有限公司", "", "12345", "robotics", "", "两千万"],
        headers=HEADERS,
    ).export("xlsx"))
    _upload(page, bad)
    page.wait_for_selector(".zj-import-errors")
    assert page.locator(".zj-import-errors li").all_inner_texts() == [
        "第 3 行「联系电话」：请填写 11 位手机号，或带区号的固定电话（如 0571-88886666）。",
        "第 3 行「总投资（万元）」：请输入数字。",
    ]
    assert page.locator(".zj-import-invalid-rows tbody td").all_inner_texts()[:4] == ["3", "金额写错", "杭州新来科技有限公司", ""]
    page.screenshot(path=str(artifacts / f"leads-import-errors-{width}.png"), full_page=True)
    assert Project.objects.count() == 0

    _upload(page, template)
    page.wait_for_selector("table.import-preview")
    headers = page.locator("table.import-preview thead th").all_inner_texts()
    assert headers[1:6] == ["项目名称", "企业名称", "统一社会信用代码", "联系人", "联系电话"]
    preview = page.locator("table.import-preview tbody, table.import-preview tr.new").first.inner_text()
    assert "智能制造" in preview and "以商招商" in preview and "smart_manufacturing" not in preview
    page.screenshot(path=str(artifacts / f"leads-import-preview-{width}.png"), full_page=True)

    page.click("input[name=confirm]")
    page.wait_for_url(re.compile(re.escape(f"{live_server.url}/admin/crm/project/") + r"(\?.*)?$"))  # the officer's scope
    assert list(Project.objects.values_list("name", "owner")) == [("示例：新能源电池包产线项目", me.pk)]
    assert errors == []
