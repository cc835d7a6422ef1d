"""One SLA clock (crm.service_requests.clock): the admin queue, the portal list, the API and the service report read
every request the same way — green, yellow (less than a fifth of its window left), red (no time left), none once
it is no longer open; a paused clock (待外部审批) as of when it paused."""

import datetime as dt
import re
from collections import Counter
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from crm.service_requests.services import service_request_transition
from tests.api.support import api_client, results
from tests.factories import (
    EnterpriseFactory,
    ServiceCategoryFactory,
    enterprise_user,
    manager,
    service_officer,
    service_request,
)

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2025, 6, 18, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
HOUR = dt.timedelta(hours=1)

# title → (hours before NOW it was submitted, the steps (action, hours before NOW), its colour, seconds left).
# The SLA window is 24 hours, so yellow is less than 4 h 48 min left.
REQUESTS = {
    "绿：剩 23 小时": (1, [], "green", 23 * 3600),
    "黄：剩 3 小时": (21, [("accept", 20)], "yellow", 3 * 3600),
    "红：恰到时限": (24, [("accept", 23)], "red", 0),
    "红：超时 6 小时": (30, [("accept", 29)], "red", -6 * 3600),
    # Paused 10 hours ago with 4 hours left: yellow, though its due time has passed by the wall clock.
    "暂停：停时剩 4 小时": (30, [("accept", 29), ("start", 28), ("wait_external", 10)], "yellow", 4 * 3600),
    "已办结": (30, [("accept", 29), ("resolve", 25)], "none", None),
}


@pytest.fixture
def world():
    with time_machine.travel(NOW, tick=False):
        category = ServiceCategoryFactory(sla_value=24, pause_while_waiting_external=True)
        enterprise = EnterpriseFactory()
        user = enterprise_user(enterprise)
        zhou = service_officer(username="zhou", display_name="周敏")
        for title, (submitted, steps, _colour, _left) in REQUESTS.items():
            request = service_request(
                enterprise=enterprise, submitted_by=user, category=category, title=title, at=NOW - submitted * HOUR
            )
            for action, before in steps:
                request = service_request_transition(service_request=request, action=action, actor=zhou, at=NOW - before * HOUR)
        yield {"enterprise_user": user, "zhou": zhou}


ADMIN_CLASSES = {"zj-late": "red", "zj-at-risk": "yellow", "zj-on-time": "green"}


def _admin_colours(zhou) -> dict[str, str]:
    """The 剩余时间 column of the staff queue, by title: its colour class, "none" for “—”."""
    client = Client()
    client.force_login(zhou)
    html = client.get(reverse("admin:crm_servicerequest_changelist")).content.decode()
    found = {}
    for row in re.findall(r"<tr>(.*?)</tr>", html, flags=re.S):
        title = re.search(r'class="field-title"><a [^>]*>(.*?)</a>', row)
        cell = re.search(r'class="field-time_left">(.*?)</td>', row, flags=re.S)
        if title and cell:
            css = re.match(r'<span class="([\w-]+)"', cell.group(1))
            found[title.group(1)] = "none" if cell.group(1) == "—" else ADMIN_CLASSES.get(css and css.group(1), "plain")
    return found


def _portal_colours(user) -> dict[str, str]:
    """The 剩余时间 column of the enterprise's list, by title: the ``clock--<colour>`` class."""
    client = Client()
    client.force_login(user)
    html = client.get(reverse("portal:request-list")).content.decode()
    return dict(re.findall(r'class="request-row__title"[^>]*>(.*?)</a>.*?<span class="clock clock--(\w+)"', html, flags=re.S))


def test_admin_portal_api_and_report_read_the_same_clock(world):
    with time_machine.travel(NOW, tick=False):
        admin = _admin_colours(world["zhou"])
        portal = _portal_colours(world["enterprise_user"])
        api_rows = {r["title"]: r for r in results(api_client(world["zhou"]).get("/api/v1/service-requests/"))}
        report = api_client(manager(username="boss")).get("/api/v1/reports/service/").json()["totals"]

    expected = {title: colour for title, (_s, _steps, colour, _left) in REQUESTS.items()}
    readings = {
        "admin": admin,
        "portal": portal,
        "api colour": {t: r.get("colour") for t, r in api_rows.items()},
        "api is_overdue": {t: r["is_overdue"] for t, r in api_rows.items()},
        "api time_left_seconds": {t: r["time_left_seconds"] for t, r in api_rows.items()},
    }
    assert readings == {
        "admin": expected,
        "portal": expected,
        "api colour": expected,
        "api is_overdue": {title: colour == "red" for title, colour in expected.items()},
        "api time_left_seconds": {title: left for title, (_s, _steps, _c, left) in REQUESTS.items()},
    }
    counts = Counter(expected.values())
    assert {c: report[c] for c in ("green", "yellow", "red")} == {"green": 1, "yellow": 2, "red": 2}
    assert {c: report[c] for c in ("green", "yellow", "red")} == {c: counts[c] for c in ("green", "yellow", "red")}
