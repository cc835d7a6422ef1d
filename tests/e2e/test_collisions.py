"""撞单 in a real browser: the officer chooses an enterprise on the project form, or types a name in the enterprise
quick-add popup, and at once sees the colleague's active project on that company — at 1440 px and 390 px."""

import pytest

from crm.models import Stage
from crm.pipeline.services import project_change_stage
from tests.e2e.support import log_in_admin
from tests.factories import EnterpriseFactory, ProjectFactory, officer

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
EXPECTED = "张三 已在跟进“西湖阳光（杭州）科技有限公司”的项目“光伏组件总部”（初步接洽）——企业名称相同（忽略地区、组织形式、分公司）。"


@pytest.mark.parametrize("width", [1440, 390])
def test_the_officer_sees_the_collision_while_choosing_or_typing_the_enterprise(live_server, new_page, artifacts, width):
    zhang = officer(username="zhang", display_name="张三")
    officer(username="qian", display_name="钱进")
    taken = ProjectFactory(owner=zhang, name="光伏组件总部", enterprise=EnterpriseFactory(name="西湖阳光（杭州）科技有限公司"))
    project_change_stage(project=taken, to=Stage.CONTACTED, actor=zhang)
    EnterpriseFactory(name="浙江西湖阳光科技股份有限公司", credit_code="")
    base = live_server.url
    page = new_page(viewport={"width": width, "height": 900}, mobile=width < 500)
    log_in_admin(page, base, "qian", lands="/admin/**")

    # The project form: choose the other spelling of the company in the enterprise autocomplete.
    page.goto(f"{base}/admin/crm/project/add/")
    assert page.locator("#zj-collision-live").is_hidden()
    page.click(".field-enterprise .select2-selection")
    page.fill(".select2-search__field", "浙江西湖阳光")
    page.click(".select2-results__option:has-text('浙江西湖阳光科技股份有限公司')")
    live = page.locator("#zj-collision-live li")
    live.wait_for()
    assert live.all_inner_texts() == [EXPECTED]
    page.locator("#zj-collision-live").scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / f"collision-project-form-{width}.png"))

    # The quick-add popup (the “+” beside the enterprise field): type a branch's name.
    page.goto(f"{base}/admin/crm/enterprise/add/?_to_field=id&_popup=1")
    page.fill("#id_name", "西湖阳光科技有限公司杭州分公司")
    page.locator("#zj-collision-live li").wait_for()
    assert page.locator("#zj-collision-live li").all_inner_texts() == [EXPECTED]
    page.screenshot(path=str(artifacts / f"collision-enterprise-popup-{width}.png"))

    # A name differing only in a number: the panel goes away.
    page.fill("#id_name", "西湖阳光科技二号有限公司")
    page.locator("#zj-collision-live").wait_for(state="hidden")
