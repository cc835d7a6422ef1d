"""可配置清单 in a real browser: the administrator retires a chain in the admin, an old project still shows it
(marked 已停用) while a new project's form no longer offers it, and deleting a chain in use is refused in Chinese.

Screenshots: test-artifacts/e2e/lists-{chains,old-project,refused}-{1440,390}.png.
"""

import pytest
from django.contrib.auth import get_user_model

from crm.lists import list_entry_save
from crm.models import ChainSegment, IndustryChain
from tests.e2e.support import ensure_reference_data, log_in_admin
from tests.factories import ProjectFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.mark.parametrize("width", [1440, 390])
def test_an_administrator_retires_a_chain_and_old_projects_keep_it(live_server, new_page, artifacts, width):
    ensure_reference_data()
    root = get_user_model().objects.create_superuser(f"root{width}", "root@example.com", "pass-1234")
    robotics = IndustryChain.objects.get(code="robotics")
    list_entry_save(entry=ChainSegment(chain=robotics, code="robot_brain", name="大脑", order=10), actor=root)
    list_entry_save(entry=ChainSegment(chain=robotics, code="robot_cerebellum", name="小脑", order=20), actor=root)
    project = ProjectFactory(name="云谷智算中心项目", industry_chain="cloud")
    cloud = IndustryChain.objects.get(code="cloud")
    page = new_page(viewport={"width": width, "height": 1000}, mobile=width < 500)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in_admin(page, live_server.url, root.username, next_path=f"/admin/crm/industrychain/{cloud.pk}/change/")

    page.uncheck("input[name=is_active]")
    page.click("input[name=_save]")
    page.wait_for_url(f"{live_server.url}/admin/crm/industrychain/")
    page.screenshot(path=str(artifacts / f"lists-chains-{width}.png"), full_page=True)
    cloud.refresh_from_db()
    assert not cloud.is_active

    page.goto(f"{live_server.url}/admin/crm/project/{project.pk}/change/")
    chain = page.locator("select[name=industry_chain]")
    assert chain.locator("option:checked").inner_text() == "云计算与智算（已停用）"
    assert page.locator("select[name=chain_segment] optgroup").get_attribute("label") == "智能机器人"
    assert page.locator("select[name=chain_segment] option").all_inner_texts() == ["---------", "大脑", "小脑"]
    page.screenshot(path=str(artifacts / f"lists-old-project-{width}.png"), full_page=True)

    page.goto(f"{live_server.url}/admin/crm/project/add/")
    assert "云计算与智算" not in page.locator("select[name=industry_chain]").inner_text()

    page.goto(f"{live_server.url}/admin/crm/industrychain/{cloud.pk}/delete/")
    page.wait_for_url(f"{live_server.url}/admin/crm/industrychain/{cloud.pk}/change/")
    assert page.locator(".messagelist .error").inner_text() == (
        "“云计算与智算”已被 1 条记录使用，不能删除；请取消勾选“启用”将其停用。"
    )
    page.screenshot(path=str(artifacts / f"lists-refused-{width}.png"), full_page=True)
    assert IndustryChain.objects.filter(code="cloud").exists()
    assert errors == []
