"""The park's offer in a real browser: an enterprise user reads the policies it may apply for in the portal
(on a desktop and a phone), and a staff member opens the land map and sees the parcels in their status colours."""

import datetime as dt
from decimal import Decimal

import pytest

from crm.models import EnterpriseQualification
from parks.models import EligibilityCriterion, LandUse, ParcelStatus, Park
from parks.selectors.parcels import STATUS_COLOURS
from parks.services.grants import policy_grant_record
from parks.services.parcels import parcel_change_status, parcel_reserve, parcel_transfer
from tests.e2e.support import log_in_admin, log_in_portal
from tests.factories import (
    EnterpriseFactory,
    LandParcelFactory,
    ParkFactory,
    PolicyClauseFactory,
    PolicyFactory,
    ProjectFactory,
    criterion,
    enterprise_user,
    officer,
    service_officer,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
K = EligibilityCriterion.Kind


def test_an_enterprise_user_reads_the_policies_it_may_apply_for_in_the_portal(live_server, new_page, artifacts):
    city = ParkFactory(name="杭州紫金港科技城", short_name="紫金港科技城", kind=Park.Kind.SCIENCE_CITY)
    xike = ParkFactory(name="西湖科技园", short_name="西科园", parent=city)
    policy = PolicyFactory(name="紫金港科技城支持信创和商密产业高质量发展的若干政策", short_name="信创“紫金十条”",
                           valid_from=dt.date(2024, 4, 15), valid_until=dt.date(2027, 4, 14))
    talent = PolicyClauseFactory(policy=policy, number=7, title="人才安家补贴", benefit_kind="talent_subsidy",
                                 amount_cap=Decimal("800"), formula="顶尖人才最高 800 万元")
    criterion(talent, K.IN_PARK, park=city)
    criterion(talent, K.MIN_HEADCOUNT, number=Decimal("20"))
    giant = PolicyClauseFactory(policy=policy, number=8, title="专精特新“小巨人”奖励", benefit_kind="other",
                                amount_cap=Decimal("100"))
    criterion(giant, K.QUALIFICATION, choice=EnterpriseQualification.Kind.LITTLE_GIANT)
    investment = PolicyClauseFactory(policy=policy, number=4, title="固定资产投资奖励", benefit_kind="investment_award",
                                     amount_cap=Decimal("2000"))
    criterion(investment, K.MIN_FIXED_ASSET, number=Decimal("10000"))
    sunshine = EnterpriseFactory(name="西湖阳光（杭州）科技有限公司", short_name="西湖阳光", park=xike, headcount=85)
    ProjectFactory(enterprise=sunshine, name="西湖阳光研发总部及中试平台项目", total_investment=Decimal("12000"),
                   fixed_asset_investment=Decimal("4500"))
    enterprise_user(sunshine, username="xihu", display_name="陈思远")
    kecong = EnterpriseFactory(name="浙江科聪控制技术有限公司", short_name="科聪控制", headcount=260)
    policy_grant_record(clause=talent, enterprise=sunshine, applied_amount=Decimal("80"), applied_on=dt.date(2025, 11, 2),
                        actor=service_officer(username="zhou"))
    policy_grant_record(clause=giant, enterprise=kecong, applied_amount=Decimal("100"), applied_on=dt.date(2025, 8, 1),
                        actor=service_officer(username="wu"))
    base = live_server.url

    page = new_page()
    log_in_portal(page, base, "xihu")
    page.click("nav >> text=可申请的政策")
    page.wait_for_url(f"{base}/portal/policies/")

    eligible = page.locator(".zj-match[data-verdict=eligible]")
    assert eligible.count() == 1
    assert eligible.locator(".zj-match__title").inner_text() == "信创“紫金十条” · 第7条 人才安家补贴"
    assert eligible.locator("li", has_text="员工人数 85 人 ≥ 要求 20 人").is_visible()
    assert page.locator(".zj-match[data-verdict=unknown]", has_text="尚未登记企业资质").is_visible()
    assert page.locator(".zj-match[data-verdict=not_eligible]").count() == 1
    assert page.locator(".zj-match[data-verdict=not_eligible]").is_hidden()  # folded away until asked for
    page.click("summary:has-text('不符合条件的条款 1 条')")
    assert page.locator(".zj-match[data-verdict=not_eligible]", has_text="固定资产投资 4,500 万元 < 要求 10,000 万元").is_visible()
    assert page.locator("tr.grant-row").count() == 1
    assert page.locator("tr.grant-row", has_text="人才安家补贴").is_visible()
    assert "科聪控制" not in page.content()
    page.screenshot(path=artifacts / "parks-portal-policies.png", full_page=True)

    phone = new_page(viewport={"width": 390, "height": 844}, storage_state=page.context.storage_state(), mobile=True)
    phone.goto(f"{base}/portal/policies/")
    assert phone.locator(".zj-match[data-verdict=eligible]").is_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.screenshot(path=artifacts / "parks-portal-policies-phone.png", full_page=True)


def _outline(col, row):
    west, south = 120.071 + col * 0.0055, 30.293 + row * 0.0045
    ring = [[west, south], [west + 0.003, south], [west + 0.003, south + 0.002], [west, south + 0.002], [west, south]]
    return {"type": "Polygon", "coordinates": [ring]}


def test_a_staff_member_sees_the_parcels_on_the_land_map_in_their_status_colours(live_server, new_page, artifacts):
    me = officer(username="qian", display_name="钱进")
    xike = ParkFactory(name="西湖科技园", short_name="西科园")
    projects = [ProjectFactory(name=f"落地项目{i}") for i in range(4)]
    path = [ParcelStatus.AVAILABLE, ParcelStatus.RESERVED, ParcelStatus.LISTED, ParcelStatus.TRANSFERRED,
            ParcelStatus.UNDER_CONSTRUCTION, ParcelStatus.DELIVERED]
    for index, status in enumerate(ParcelStatus):
        parcel = LandParcelFactory(code=f"ZJG-XK-{index + 1:02d}", park=xike, land_use=LandUse.INDUSTRIAL_M1,
                                   area_m2=Decimal("20000"), reserve_price=Decimal("3000"), outline=_outline(index % 4, index // 4))
        project = projects[index % 4]
        for step in path[: path.index(status) + 1] if status in path else []:
            if step == ParcelStatus.RESERVED:
                parcel = parcel_reserve(parcel=parcel, project=project, actor=me)
            elif step == ParcelStatus.TRANSFERRED:
                parcel = parcel_transfer(parcel=parcel, project=project, on=dt.date(2025, 6, 1), price=Decimal("3000"),
                                         actor=me)
            else:
                parcel = parcel_change_status(parcel=parcel, to=step, actor=me)
    base = live_server.url

    page = new_page(viewport={"width": 1440, "height": 900})
    log_in_admin(page, base, "qian", via="/land/")
    page.wait_for_selector("#land-map svg path.leaflet-interactive")

    paths = page.locator("#land-map svg path.leaflet-interactive")
    assert paths.count() == 7
    fills = sorted(paths.evaluate_all("els => els.map(e => e.getAttribute('fill'))"))
    assert fills == sorted(STATUS_COLOURS.values())
    for status, colour in STATUS_COLOURS.items():
        assert page.locator(f"#land-map svg path.zj-parcel--{status}[fill='{colour}']").count() == 1
        assert page.locator(f".zj-legend li[data-status={status}] .zj-count").inner_text() == "1"
    assert page.locator(".leaflet-tile").count() == 0  # no tile server: nothing fetched from outside
    page.screenshot(path=artifacts / "parks-land-map.png", full_page=True)

    page.locator("#land-map svg path.zj-parcel--reserved").click()
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    page.wait_for_timeout(400)  # the popup fades in
    assert "ZJG-XK-03" in popup.inner_text() and "状态：已预留" in popup.inner_text()
    page.screenshot(path=artifacts / "parks-land-map-popup.png", full_page=True)
