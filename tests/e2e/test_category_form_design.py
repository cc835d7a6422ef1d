"""Issue 14, part 4 in the browser: an administrator adds a field to the work permit's form in the admin, and the
enterprise finds it in the portal's form, on a desktop and on a phone."""

import pytest

from crm.models import CategoryFormVersion
from tests.e2e.support import ensure_reference_data, log_in_admin, log_in_portal
from tests.factories import EnterpriseFactory, ServiceCategoryFactory, UserFactory, enterprise_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_an_administrator_adds_a_field_and_the_enterprise_fills_it_in_the_portal(live_server, new_page, artifacts):
    ensure_reference_data()
    category = ServiceCategoryFactory(step_templates=True)  # 外国人来华工作许可 with its form and its four steps
    UserFactory(username="root", is_staff=True, is_superuser=True)
    enterprise_user(EnterpriseFactory(name="西湖阳光（杭州）科技有限公司", short_name="西湖阳光"), username="xihu")
    base = live_server.url

    page = new_page(viewport={"width": 1440, "height": 900})
    log_in_admin(page, base, "root", next_path=f"/admin/crm/servicecategory/{category.pk}/change/")
    assert page.locator("input[name=form_fields-2-key]").input_value() == "passport_number"
    assert page.locator("input[name=step_templates-2-name]").input_value() == "外专局审批"
    page.click("#form_fields-group .add-row a")
    page.fill("input[name=form_fields-6-order]", "60")
    page.fill("input[name=form_fields-6-key]", "visa_type")
    page.fill("input[name=form_fields-6-label]", "签证类型")
    page.select_option("select[name=form_fields-6-kind]", "choice")
    page.fill("textarea[name=form_fields-6-options]", "Z 字签证\nR 字签证")
    page.screenshot(path=artifacts / "category-form-admin.png", full_page=True)
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist")
    assert "表单已发布为第 2 版" in page.locator(".messagelist").inner_text()
    assert CategoryFormVersion.objects.filter(category=category).count() == 2
    page.screenshot(path=artifacts / "category-form-admin-saved.png", full_page=True)

    portal = new_page(viewport={"width": 1440, "height": 900})
    log_in_portal(portal, base, "xihu")
    portal.goto(f"{base}/portal/requests/new/?category=work_permit")
    field = portal.locator("select[name=details-work_permit-visa_type]")
    assert field.is_visible()
    assert field.locator("option").all_inner_texts() == ["请选择", "Z 字签证", "R 字签证"]
    portal.screenshot(path=artifacts / "category-form-portal-desktop.png", full_page=True)
    phone = new_page(viewport={"width": 390, "height": 844}, storage_state=portal.context.storage_state(), mobile=True)
    phone.goto(f"{base}/portal/requests/new/?category=work_permit")
    assert phone.locator("select[name=details-work_permit-visa_type]").is_visible()
    phone.screenshot(path=artifacts / "category-form-portal-phone.png", full_page=True)
