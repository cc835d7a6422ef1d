"""The project list and the project page run the same number of queries whatever the number of projects
(issue 11, item 10; ``make bench-admin`` times them at 1,000 and 10,000 projects)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from crm.models import Contact, Milestone, ProjectMilestone, Stage
from tests.factories import FollowUpFactory, ParkFactory, ProjectFactory, officer, project_at

pytestmark = pytest.mark.django_db


def _world(size: int, owner) -> None:
    """``size`` projects of ``owner``, each with two follow-ups and a contact; every third one signed with its four
    milestones planned (one done), so the lights and the inlines have something to read."""
    park = ParkFactory()
    for i in range(size):
        if i % 3 == 0:
            project = project_at(Stage.SIGNED, owner=owner, park=park)
            for n, kind in enumerate(Milestone):
                ProjectMilestone.objects.create(
                    project=project, kind=kind, planned_on=dt.date(2026, 1, 1) + dt.timedelta(days=90 * n),
                    actual_on=dt.date(2026, 1, 5) if n == 0 else None,
                )
        else:
            project = ProjectFactory(owner=owner, park=park)
        Contact.objects.create(enterprise=project.enterprise, name=f"联系人{i}", phone=f"1380000{i:04d}")
        for days in (40, 10):
            FollowUpFactory(project=project, occurred_on=dt.date(2026, 6, 1) - dt.timedelta(days=days))


def _queries(client, url, params=None) -> list[str]:
    client.get(url, params)  # warm-up: the session and the content types are cached
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return [q["sql"] for q in queries.captured_queries]


@pytest.mark.parametrize("size", [2, 24])
def test_the_project_list_runs_thirteen_queries_at_any_size(client, size):
    """13: session, user, the user's groups (the officer's default scope), the officer's own and group permissions,
    the owner and park filter choices, the filtered and the total count, the page of rows (last follow-up read from
    ``followed_up_on``, no GROUP BY), the page's milestones (the four lights, one query for the rows shown), the
    header's unread-reminder badge, the site profile the header names the park by (crm.notifications.site). Explain any change."""
    me = officer()
    _world(size, me)
    client.force_login(me)
    sql = _queries(client, reverse("admin:crm_project_changelist"), {"scope": "all"})
    assert len(sql) == 13, "\n".join(sql)
    rows = [q for q in sql if 'FROM "crm_project" INNER JOIN' in q or 'FROM "crm_project" LEFT OUTER JOIN' in q]
    assert rows and all("GROUP BY" not in q and "crm_projectmilestone" not in q for q in rows)


@pytest.mark.parametrize("size", [2, 24])
def test_the_project_page_runs_the_same_queries_at_any_size(client, size):
    """The change page of a signed project with follow-ups, milestones and a contact: its query count does not grow
    with the number of other projects (the count is pinned in ``PROJECT_PAGE_QUERIES`` with what each is for)."""
    me = officer()
    _world(size, me)
    project = me.owned_projects.filter(stage=Stage.SIGNED).first()
    client.force_login(me)
    sql = _queries(client, reverse("admin:crm_project_change", args=[project.pk]))
    assert len(sql) == PROJECT_PAGE_QUERIES, "\n".join(sql)


# 28: session, user, the project, the user's groups and permissions (2), the co-officers; the rows of the six
# inlines (follow-ups, stage changes, capital arrivals, milestones, credits, annual commitments); the owner, shown
# read-only (only the head of investment promotion reassigns it); the selected values of the autocomplete widgets
# (enterprise, park, co-officers, the credit row's officer); the 撞单 check (one indexed query:
# crm.pipeline.collisions); the header's unread-reminder badge; the commitments panel (milestones, capital total,
# annual rows); the policy panel (the project, the enterprise's qualifications, the clauses) and the park tree;
# the site profile the header names the park by (crm.notifications.site).
# Explain any change.
PROJECT_PAGE_QUERIES = 28
