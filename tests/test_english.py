"""English for real: with English chosen, the product's own text on the main pages is English.

The world of these tests has ASCII names only (parks, enterprises, people, categories, titles), so any Han
character left on a page is the product's own untranslated text. Two things on a page are Chinese on purpose
and taken out before looking: the logo's 紫 and the language switch's “简体中文” (a language is named in itself).
"""

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation

from crm.models import (
    ChainSegment,
    IndustryChain,
    Jurisdiction,
    Notification,
    QualificationKind,
    ServiceCategory,
    SourceChannel,
)
from crm.models.lists import forget_lists
from crm.models.site import SiteProfile
from parks.models import BenefitKind, LandParcel
from tests.factories import (
    EnterpriseFactory,
    FollowUpFactory,
    ParkFactory,
    PolicyClauseFactory,
    ProjectFactory,
    enterprise_user,
    manager,
    officer,
    service_officer,
    service_request,
    work_permit_details,
)

HAN = re.compile(r"[\u3400-\u9fff]+")
LOGO = re.compile(r'<span class="brand__mark"[^>]*>[^<]*</span>')
SWITCH = re.compile(r'<form class="zj-language".*?</form>', re.S)
LOCALE = Path(settings.BASE_DIR) / "locale"


def han_in(page: str) -> list[str]:
    """The Han text of a page with English active, each with a little context to find it."""
    page = SWITCH.sub("", LOGO.sub("", page))
    return sorted({page[max(0, m.start() - 40) : m.end() + 20].replace("\n", " ") for m in HAN.finditer(page)})


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def world(db):
    """An ASCII world: a park, an enterprise with its user, a project with a follow-up, a request, a policy."""
    park = ParkFactory(name="North Park")
    enterprise = EnterpriseFactory(name="Acme Robotics Ltd", short_name="Acme", park=park)
    owner = officer(username="olivia", display_name="Olivia Owen")
    project = ProjectFactory(
        name="Acme Robot Plant", enterprise=enterprise, owner=owner, total_investment=Decimal("150000"),
        next_step="Visit the site", next_follow_up_on=dt.date.today(),
    )
    FollowUpFactory(project=project, note="Met the CEO")
    desk = service_officer(username="sam", display_name="Sam Service")
    user = enterprise_user(enterprise, username="alice", display_name="Alice Acme")
    request = service_request(
        enterprise=enterprise, submitted_by=user, title="Permit for Dr Smith",
        description="Please help", details=work_permit_details(nationality="UK", position="Chief scientist"),
    )
    ServiceCategory.objects.update(name="Work permit")  # the categories are data: ASCII here, like the rest
    # So are the park's lists (industry chains, towns, qualification kinds, channels, benefit kinds: crm.lists).
    for model in (IndustryChain, ChainSegment, Jurisdiction, QualificationKind, SourceChannel, BenefitKind):
        for entry in model.objects.all():
            model.objects.filter(pk=entry.pk).update(name=entry.code.replace("_", " ").title())
    forget_lists()
    # And the park's identity (站点信息).
    SiteProfile.objects.update(name="North Science Park", short_name="North", organization="North Park Committee")
    LandParcel.objects.create(code="NP-001", name="Lot 1", park=park, land_use="M1", area_m2=Decimal("20000"))
    PolicyClauseFactory(policy__name="Robot Policy", title="RD grant")
    # Messages already written are stored in the delivery language (Chinese: crm.notifications.language).
    Notification.objects.all().delete()
    return {"project": project, "request": request, "owner": owner, "desk": desk, "user": user,
            "manager": manager(username="mia", display_name="Mia Manager")}


STAFF_PAGES = {
    "owner": ["/admin/", "/admin/crm/project/", "/admin/crm/project/{project}/change/", "/admin/crm/project/kanban/"],
    "desk": ["/admin/", "/admin/crm/servicerequest/", "/admin/crm/servicerequest/{request}/change/"],
    "manager": ["/admin/", "/reports/", "/reports/service/", "/reports/land/", "/reports/policies/"],
    "user": ["/portal/", "/portal/requests/{request}/", "/portal/requests/new/"],
}


@pytest.mark.parametrize("who", list(STAFF_PAGES))
def test_the_main_pages_show_no_chinese_product_text_in_english(english, world, who):
    english.force_login(world[who])
    for url in STAFF_PAGES[who]:
        url = url.format(project=world["project"].pk, request=world["request"].pk)
        response = english.get(url, follow=True)

        assert response.status_code == 200, url
        assert response.headers["Content-Language"] == "en", url
        assert han_in(response.content.decode()) == [], (url, han_in(response.content.decode()))


def test_the_pages_stay_chinese_by_default(client, world):
    client.force_login(world["owner"])
    page = client.get("/admin/crm/project/", follow=True).content.decode()

    assert "工作台" in page and "Workbench" not in page


def test_api_error_messages_are_english_when_english_is_chosen(english, world):
    english.force_login(world["user"])

    missing = english.get("/api/v1/service-requests/999999/")
    invalid = english.post("/api/v1/service-requests/", {"category": "nope", "title": ""}, content_type="application/json")
    refused = english.post(f"/api/v1/service-requests/{world['request'].pk}/assign/", {}, content_type="application/json")

    assert missing.status_code == 404 and invalid.status_code == 400 and refused.status_code in (400, 403)
    for response in (missing, invalid, refused):
        assert han_in(response.content.decode("unicode_escape")) == [], response.content


def test_generated_texts_follow_the_active_language(world):
    """Three-colour labels, matching reasons and report titles are built in code: they follow the language too."""
    from crm.pipeline.lights import milestone_light
    from reports.forms import describe
    from reports.selectors.common import ReportFilters

    today = dt.date(2026, 5, 1)
    with translation.override("en"):
        light = milestone_light(planned_on=dt.date(2026, 4, 20), actual_on=None, today=today)
        filters = describe(ReportFilters(start=dt.date(2026, 1, 1), end=dt.date(2026, 3, 31)))
    with translation.override("zh-hans"):
        chinese = milestone_light(planned_on=dt.date(2026, 4, 20), actual_on=None, today=today)

    assert light.label == "11 days overdue, not completed (planned 2026-04-20)"
    assert chinese.label == "已逾期 11 天未完成（计划 2026-04-20）"
    assert filters.startswith("Period: 2026-01-01 to 2026-03-31")


def test_a_reminder_triggered_by_someone_browsing_in_english_is_still_written_in_chinese(world):
    """Users have no language of their own yet: a delivered message is in the default language (Chinese)."""
    from crm.pipeline.services import project_change_stage
    from tests.factories import investment_lead

    lead = investment_lead(username="lee", display_name="Lee Lead")
    with translation.override("en"):
        project_change_stage(project=world["project"], to="contacted", actor=lead, note="")

    subjects = list(Notification.objects.values_list("subject", flat=True))
    assert subjects and all("将您负责的项目" in s for s in subjects)


# -- the switch -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "url", "chinese", "english_text"),
    [
        ("user", "/portal/", "提交诉求", "Submit a request"),
        ("owner", "/admin/", "工作台", "Workbench"),
        ("manager", "/reports/", "招商项目", "Investment projects"),
    ],
)
def test_the_language_switch_works_in_the_portal_the_admin_and_the_reports(client, world, who, url, chinese, english_text):
    client.force_login(world[who])
    page = client.get(url).content.decode()
    assert chinese in page
    assert 'action="/i18n/setlang/"' in page and 'name="language" value="en"' in page  # the switch is on the page

    back = client.post("/i18n/setlang/", {"language": "en", "next": url})
    english_page = client.get(url).content.decode()

    assert back.status_code == 302 and back.headers["Location"] == url
    assert english_text in english_page and chinese not in english_page
    assert 'name="language" value="zh-hans"' in english_page  # and back to Chinese from there

    client.post("/i18n/setlang/", {"language": "zh-hans", "next": url})
    assert chinese in client.get(url).content.decode()


def test_the_switch_is_on_the_sign_in_pages_too(client, db):
    for url in ("/portal/login/", "/admin/login/"):
        assert 'name="language" value="en"' in client.get(url).content.decode(), url


# -- the catalogue --------------------------------------------------------------------------------------------


def test_every_entry_of_the_english_catalogue_is_translated():
    catalogue = polib.pofile(str(LOCALE / "en" / "LC_MESSAGES" / "django.po"))

    assert len(catalogue) > 1000
    assert [e.msgid for e in catalogue.untranslated_entries()] == []
    assert [e.msgid for e in catalogue.fuzzy_entries()] == []
    assert [e.msgid for e in catalogue if HAN.search(e.msgstr or "".join(e.msgstr_plural.values()))] == []


@pytest.mark.parametrize("path", ["en/LC_MESSAGES/django", "zh_Hans/LC_MESSAGES/djangojs"])
def test_the_committed_compiled_catalogues_say_what_their_po_files_say(path):
    """The .mo files are committed (a fresh machine may lack gettext): `make messages` recompiles them."""
    source = {(e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural.get(0, "") for e in polib.pofile(str(LOCALE / f"{path}.po"))
              if e.translated()}
    compiled = {(e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural.get(0, "") for e in polib.mofile(str(LOCALE / f"{path}.mo"))
                if e.msgid}

    assert source and compiled == source
