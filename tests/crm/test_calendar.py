"""日历: the month and week pages and the personal iCal feed at a secret, revocable URL."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from crm.models import CalendarFeed, Milestone, ProjectMilestone, Stage
from crm.pipeline.calendar import calendar_entries, calendar_feed_renew
from crm.pipeline.services import project_change_stage
from tests.factories import EventFactory, ProjectFactory, manager, officer, service_officer

pytestmark = pytest.mark.django_db

CALENDAR = "/admin/crm/project/calendar/"


@pytest.fixture
def world():
    """My project due for a follow-up on 2025-03-10, its 交地 planned on 03-20 (and 开工, done, on 03-05),
    a colleague's project due on 03-11, a lost project of mine due on 03-12 with 交地 on 03-22, and the park's forum
    on 03-15."""
    me = officer(display_name="王招商")
    colleague = officer()
    mine = ProjectFactory(owner=me, name="我的项目", next_follow_up_on=dt.date(2025, 3, 10))
    ProjectMilestone.objects.create(project=mine, kind=Milestone.LAND_DELIVERY, planned_on=dt.date(2025, 3, 20))
    ProjectMilestone.objects.create(
        project=mine, kind=Milestone.CONSTRUCTION_START, planned_on=dt.date(2025, 3, 5), actual_on=dt.date(2025, 3, 5)
    )
    theirs = ProjectFactory(owner=colleague, name="同事的项目", next_follow_up_on=dt.date(2025, 3, 11))
    ProjectMilestone.objects.create(project=theirs, kind=Milestone.LAND_DELIVERY, planned_on=dt.date(2025, 3, 21))
    lost = ProjectFactory(owner=me, name="终止的项目", next_follow_up_on=dt.date(2025, 3, 12))
    ProjectMilestone.objects.create(project=lost, kind=Milestone.LAND_DELIVERY, planned_on=dt.date(2025, 3, 22))
    project_change_stage(project=lost, to=Stage.LOST, actor=me, note="企业放弃")
    forum = EventFactory(name="基因组学论坛", held_on=dt.date(2025, 3, 15))
    return {"me": me, "colleague": colleague, "mine": mine, "theirs": theirs, "forum": forum}


def _titles(entries):
    return [(e.day.isoformat(), e.kind, e.title) for e in entries]


def test_my_entries_are_my_follow_ups_my_open_milestones_and_the_park_s_events(world):
    entries = calendar_entries(user=world["me"], start=dt.date(2025, 3, 1), end=dt.date(2025, 3, 31))

    assert _titles(entries) == [
        ("2025-03-10", "follow_up", "跟进：我的项目"),
        ("2025-03-15", "event", "活动：基因组学论坛"),
        ("2025-03-20", "milestone", "交地：我的项目"),
    ]


def test_a_co_officer_sees_the_project_s_dates_too(world):
    world["theirs"].co_officers.add(world["me"])

    entries = calendar_entries(user=world["me"], start=dt.date(2025, 3, 11), end=dt.date(2025, 3, 21))

    assert _titles(entries) == [
        ("2025-03-11", "follow_up", "跟进：同事的项目"),
        ("2025-03-15", "event", "活动：基因组学论坛"),
        ("2025-03-20", "milestone", "交地：我的项目"),
        ("2025-03-21", "milestone", "交地：同事的项目"),
    ]


def test_the_month_page_shows_the_grid_with_links_to_each_object(client, world, django_assert_num_queries):
    client.force_login(world["me"])

    # session, user, groups; follow-ups, milestones, events; the feed; the admin's permissions (user, groups);
    # the header's unread-reminder badge; the site profile the header names the park by (crm.notifications.site)
    with django_assert_num_queries(11):
        response = client.get(CALENDAR, {"day": "2025-03-18"})

    assert response.status_code == 200
    page = response.content.decode()
    assert "2025年3月" in page
    weeks = response.context["weeks"]
    assert (weeks[0][0]["day"], weeks[-1][-1]["day"]) == (dt.date(2025, 2, 24), dt.date(2025, 4, 6))
    assert f'href="{reverse("admin:crm_project_change", args=[world["mine"].pk])}">跟进：我的项目' in page
    assert f'href="{reverse("admin:crm_event_change", args=[world["forum"].pk])}">活动：基因组学论坛' in page
    milestone = ProjectMilestone.objects.get(project=world["mine"], kind=Milestone.LAND_DELIVERY)
    assert f'href="{reverse("admin:crm_projectmilestone_change", args=[milestone.pk])}">交地：我的项目' in page
    assert "同事的项目" not in page
    assert "?view=month&amp;day=2025-02-01" in page and "?view=month&amp;day=2025-04-01" in page


def test_the_week_page_shows_monday_to_sunday(client, world):
    client.force_login(world["me"])

    response = client.get(CALENDAR, {"view": "week", "day": "2025-03-12"})

    week = response.context["weeks"]
    assert [cell["day"] for cell in week[0]] == [dt.date(2025, 3, d) for d in range(10, 17)]
    assert [[e.title for e in cell["entries"]] for cell in week[0]] == [
        ["跟进：我的项目"], [], [], [], [], ["活动：基因组学论坛"], [],
    ]
    page = response.content.decode()
    assert "2025-03-10 至 2025-03-16" in page
    assert "?view=week&amp;day=2025-03-03" in page and "?view=week&amp;day=2025-03-17" in page


def test_a_service_officer_has_no_calendar_page(client):
    client.force_login(service_officer())
    assert client.get(CALENDAR).status_code == 403


# ---- the feed ----


def _feed(client, token):
    return client.get(reverse("calendar-feed", args=[token]))


def _events(response):
    calendar = Calendar.from_ical(response.content)
    return sorted((str(e["summary"]), e.decoded("dtstart").isoformat()) for e in calendar.walk("VEVENT"))


def test_renewing_gives_a_feed_link_shown_on_the_page(client, world):
    client.force_login(world["me"])

    response = client.post(reverse("admin:crm_project_calendar_renew"))

    assert response.status_code == 302
    feed = CalendarFeed.objects.get(user=world["me"])
    assert len(feed.token) >= 32
    page = client.get(CALENDAR).content.decode()
    assert f"http://testserver/calendar/{feed.token}.ics" in page
    assert "重新生成链接" in page


def test_the_feed_holds_only_its_user_s_items_around_today_without_login(client, world):
    today = timezone.localdate()
    world["mine"].next_follow_up_on = today
    world["mine"].save(update_fields=["next_follow_up_on"])
    world["theirs"].next_follow_up_on = today
    world["theirs"].save(update_fields=["next_follow_up_on"])
    ProjectMilestone.objects.filter(project=world["mine"], actual_on__isnull=True).update(planned_on=today)
    ProjectMilestone.objects.filter(project=world["theirs"]).update(planned_on=today)
    EventFactory(name="西湖链链看", held_on=today)
    token = calendar_feed_renew(user=world["me"]).token

    response = _feed(client, token)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert _events(response) == sorted([
        ("跟进：我的项目", today.isoformat()),
        ("交地：我的项目", today.isoformat()),
        ("活动：西湖链链看", today.isoformat()),
    ])
    assert f"http://testserver/admin/crm/project/{world['mine'].pk}/change/" in response.content.decode()


def test_a_renewed_link_revokes_the_old_one(client, world):
    old = calendar_feed_renew(user=world["me"]).token
    new = calendar_feed_renew(user=world["me"]).token

    assert old != new
    assert _feed(client, old).status_code == 404
    assert _feed(client, new).status_code == 200
    assert _feed(client, "not-a-token").status_code == 404


def test_an_inactive_user_s_feed_is_gone(client, world):
    token = calendar_feed_renew(user=world["me"]).token
    world["me"].is_active = False
    world["me"].save(update_fields=["is_active"])

    assert _feed(client, token).status_code == 404


def test_a_service_officer_s_feed_holds_no_project(client, world):
    desk = service_officer()
    world["mine"].co_officers.add(desk)  # even named on a project, the read table comes first
    EventFactory(name="西湖链链看", held_on=timezone.localdate())
    token = calendar_feed_renew(user=desk).token

    response = _feed(client, token)

    assert response.status_code == 200
    assert _events(response) == []


def test_a_manager_s_feed_holds_the_park_s_events_only(client, world):
    EventFactory(name="西湖链链看", held_on=timezone.localdate())
    token = calendar_feed_renew(user=manager()).token

    assert _events(_feed(client, token)) == [("活动：西湖链链看", timezone.localdate().isoformat())]


@pytest.mark.parametrize("day", ["2025-13-01", "0001-01-01", "9999-12-31", "tomorrow", "2025-02-30"])
def test_a_day_that_is_no_date_or_out_of_range_shows_this_month(client, world, day):
    client.force_login(world["me"])

    response = client.get(CALENDAR, {"day": day})

    assert response.status_code == 200
    assert response.context["day"] == timezone.localdate().isoformat()
