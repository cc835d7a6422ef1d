"""数据导入 in a real browser: a service officer opens 数据导入 from 全部功能, downloads the enterprises template, uploads
a file with a bad row and reads every error with its row number, then uploads a clean file, reads its preview under
the Chinese column names with the counts, and confirms.

Screenshots: test-artifacts/e2e/onboarding-{errors,preview}-{1440,390}.png.
"""

import pytest

from crm.models import Enterprise
from tests.e2e.support import DEMO_PASSWORD, ensure_reference_data, log_in_admin
from tests.factories import credit_code, service_officer
from tests.onboarding.support import xlsx

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
HEADERS = ["企业名称", "统一社会信用代码", "状态", "产业链", "注册资本（万元）", "员工人数"]


def _upload(page, path):
    page.select_option("select[name=kind]", "enterprises")
    page.set_input_files("input[name=file]", str(path))
    page.click(".zj-onboarding-upload input[type=submit]")


@pytest.mark.parametrize("width", [1440, 390])
def test_a_service_officer_imports_enterprises_after_reading_the_preview(live_server, new_page, artifacts, tmp_path, width):
    ensure_reference_data()
    me = service_officer(username=f"desk{width}", display_name="李四")
    me.set_password(DEMO_PASSWORD)
    me.save()
    page = new_page(viewport={"width": width, "height": 1000}, mobile=width < 500)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in_admin(page, live_server.url, me.username, DEMO_PASSWORD, next_path="/admin/apps/")
    page.click("a.button:has-text('数据导入')")
    page.wait_for_selector(".zj-onboarding-upload")

    with page.expect_download() as download:
        page.click("text=企业模板")
    assert download.value.suggested_filename == "企业导入模板.xlsx"

    bad = xlsx(tmp_path / "企业-有误.xlsx", HEADERS, [
        ["杭州云栖智算科技有限公司", credit_code(1), "在园企业", "云计算与智算", "5,000", 80],
        ["杭州错码科技有限公司", "91330106MA0000000X", "在园企业", "量子计算", "很多", 20],
    ])
    _upload(page, bad)
    page.wait_for_selector(".zj-import-errors")
    texts = page.locator(".zj-import-errors li").all_inner_texts()
    assert [text.split("：")[0] for text in texts] == [
        "第 3 行「统一社会信用代码」", "第 3 行「产业链」", "第 3 行「注册资本（万元）」"]
    assert page.locator("input[value=确认导入]").count() == 0
    page.screenshot(path=str(artifacts / f"onboarding-errors-{width}.png"), full_page=True)
    assert Enterprise.objects.count() == 0

    good = xlsx(tmp_path / "企业.xlsx", HEADERS, [
        ["杭州云栖智算科技有限公司", credit_code(1), "在园企业", "云计算与智算", "5,000", 80],
        ["杭州科聪控制技术有限公司", credit_code(2), "意向企业", "robotics", "", ""],
    ])
    _upload(page, good)
    page.wait_for_selector(".zj-onboarding-preview table")
    assert page.locator(".zj-onboarding-counts").inner_text() == "共 2 行：新建 2 行，更新 0 行，有误 0 行。"
    headers = page.locator(".zj-onboarding-preview thead th").all_inner_texts()
    assert headers[:4] == ["行号", "操作", "企业名称", "统一社会信用代码"]
    first_row = page.locator(".zj-onboarding-preview tbody tr").first.inner_text()
    assert "新建" in first_row and "杭州云栖智算科技有限公司" in first_row and "云计算与智算" in first_row
    assert "智能机器人" in page.locator(".zj-onboarding-preview tbody tr").nth(1).inner_text()  # a code shown by its label
    page.screenshot(path=str(artifacts / f"onboarding-preview-{width}.png"), full_page=True)
    assert Enterprise.objects.count() == 0

    page.click("input[value=确认导入]")
    page.wait_for_selector(".messagelist .success")
    assert "已导入企业：新建 2 条，更新 0 条。" in page.locator(".messagelist").inner_text()
    assert sorted(Enterprise.objects.values_list("industry_chain", flat=True)) == ["cloud", "robotics"]
    assert errors == []
