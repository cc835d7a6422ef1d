"""Never doubled: the same sweep twice, two sweeps at once, and what a sweep costs in queries."""

import datetime as dt
import threading
from collections import Counter

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.db import connection, connections

from crm.models import ApprovalStep, Notification, Project, ServiceRequest
from crm.notifications import sweep as sweep_module
from crm.notifications.sweep import reminders_sweep
from crm.pipeline.services import follow_up_create
from tests.factories import ProjectFactory, officer

from .helpers import at, swept, swept_rows

T = at(2026, 11, 3, 9, 0)


@pytest.mark.django_db
def test_the_same_sweep_twice_sends_each_reminder_once(people, submit, sweep):
    submit(T)  # unassigned
    submit(T, by=people["wang"])  # 50 % at T + 12 h
    before = len(mail.outbox)  # the immediate events' e-mails, sent when the submissions committed

    first = sweep(T + dt.timedelta(hours=12))
    outbox = len(mail.outbox)
    second = sweep(T + dt.timedelta(hours=12))

    # Unassigned: desk, desk2 (no e-mail), wang, head; 50 %: wang.
    assert len(first.created) == 9
    assert (second.created, second.retried) == ([], [])
    assert len(mail.outbox) - before == outbox - before == 4
    # Besides the sweep's 9: 新诉求 ×2 to desk, desk2, wang, head (in-app; e-mail but desk2) and 已受理 to alice.
    assert Counter(Notification.objects.values_list("rule", flat=True)) == {
        "request_unassigned": 7, "request_sla": 2, "request_submitted": 2 * 7, "status_changed": 2,
    }


@pytest.mark.django_db
def test_a_sweep_replayed_from_the_past_sends_nothing_already_sent(people, submit, sweep):
    submit(T)
    sweep(T + dt.timedelta(hours=3))

    # An operator replays yesterday with send_reminders --at: the keys are there, nothing new goes out.
    assert sweep(T + dt.timedelta(hours=1)).created == []


@pytest.mark.django_db
def test_a_dry_run_writes_nothing_and_lists_what_would_be_sent(people, submit, sweep):
    request = submit(T)
    existing = (Notification.objects.count(), len(mail.outbox))  # the submission's 新诉求 to the desk

    result = sweep(T + dt.timedelta(hours=1), dry_run=True)

    assert {(d.key, d.addressee, d.channel) for d in result.drafts} == {
        (f"request:{request.pk}:unassigned:1h", who, channel)
        for who, channel in [("desk", "in_app"), ("desk", "email"), ("desk2", "in_app"), ("wang", "in_app"),
                             ("wang", "email"), ("head", "in_app"), ("head", "email")]
    }
    assert (swept().count(), result.created, result.retried) == (0, [], [])
    assert (Notification.objects.count(), len(mail.outbox)) == existing == (7, 3)
    # ... and does not move the rule's clock: the real sweep still finds it.
    assert len(sweep(T + dt.timedelta(hours=1)).created) == 7


@pytest.mark.django_db
def test_a_quiet_sweep_costs_the_same_few_queries_however_many_requests_are_open(
    people, submit, django_assert_num_queries
):
    for hour in range(6):
        submit(T + dt.timedelta(hours=hour), by=people["wang"])
    reminders_sweep(now=T + dt.timedelta(hours=8))  # warm: content types, last_swept_at

    # If this changes, explain why in the commit: 1 rules, 2 their groups, 3 unassigned, 4 categories,
    # 5–6 SLA 50 % and 80 %, 7 due, 8 overdue, 9 leadership, 10 approval soon, 11 approval overdue,
    # 12 landing milestones due within 30 days (a milestone planned at short notice is found by the next
    # sweep), 13 routings due soon, 14 routings overdue (the departments' rules, crm_routing_active_due_idx),
    # 15 online applications waiting for review (parks, policy_application_waiting), 16 grant instalments whose
    # standing may have changed (parks, instalment_changed), 17 savepoint, 18 last_swept_at, 19 unsent retry scan,
    # 20 release. The project, rent-free and
    # missed-milestone rules ask nothing until the window crosses a midnight (their thresholds are dates),
    # the policy match nothing until 07:30 the next day (it ran in the warm-up sweep).
    with django_assert_num_queries(20):
        result = reminders_sweep(now=T + dt.timedelta(hours=8, minutes=5))
    assert result.created == []


@pytest.mark.django_db
def test_a_busy_sweep_adds_a_fixed_number_of_queries_not_one_per_reminder(people, submit, django_assert_num_queries):
    for hour in range(6):
        submit(T - dt.timedelta(hours=hour), by=people["wang"])
    li = officer(username="li", email="li@zjg.example.cn")
    for day in range(3):
        project = ProjectFactory(owner=li, total_investment=5000)
        follow_up_create(project=project, officer=li, occurred_on=dt.date(2026, 10, 18 + day), note="电话沟通。")
    ContentType.objects.get_for_models(ServiceRequest, Project)  # cached for the process, as in a worker

    # If this changes, explain why in the commit: the 14 rule queries above (routings due soon and overdue
    # included: +2 in the numbers below), plus 13 stale projects,
    # 14 follow-up dates, 15 rent-free periods (the distinct lengths; none here, so no range scan) and
    # 16 missed milestones (the window crosses midnight), 17–25 the daily policy match (its first sweep
    # past 07:30: grants, names, users, the ids of enterprises with users, clauses in force — no criteria
    # query when there are none — parks, then per 1,000 enterprises: enterprises, qualifications, projects),
    # 26 keys already sent, 27 robots, 28 savepoint, 29 insert, 30 read back by batch, 31 last_swept_at,
    # 32 unsent retry scan, 33 release, 34 the in-park enterprises not visited for too long (包联, once a day when
    # the window crosses midnight; crm.visits.reminders), plus the departments' two swept routing rules, the
    # applications waiting, the instalments and the application windows closing (parks, once a day). No group
    # query: the 50 % and stale rules go to the responsible person only.
    with django_assert_num_queries(39):
        result = reminders_sweep(now=T + dt.timedelta(hours=12), deliver=lambda pk: None)
    assert len(result.created) == 6 * 2 + 3 * 2  # six 50 % reminders and three stale projects, in-app + e-mail


@pytest.mark.django_db
def test_the_rule_queries_use_their_partial_indexes_on_postgresql(people, submit):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL plans only")
    from django.test.utils import CaptureQueriesContext

    submit(T, by=people["wang"])
    with CaptureQueriesContext(connection) as queries:
        reminders_sweep(now=T + dt.timedelta(hours=12), dry_run=True)
    plans = []
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")  # a tiny table: ask which index the planner can use
        for query in queries.captured_queries:
            sql = query["sql"]
            if sql.startswith("SELECT") and ("crm_servicerequest" in sql.split("WHERE")[0] or "crm_approvalstep" in sql.split("WHERE")[0]):
                cursor.execute("EXPLAIN " + sql)
                plans.append("\n".join(row[0] for row in cursor.fetchall()))
        cursor.execute("SET enable_seqscan = on")
    used = "\n".join(plans)
    for index in ("crm_request_unassigned_idx", "crm_request_open_due_idx", "crm_approvalstep_open_idx"):
        assert index in used


# ---- two sweeps at the same moment, on PostgreSQL ---------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_concurrent_sweeps_send_each_reminder_once(people, submit, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: concurrent writers on separate connections")
    for minute in range(5):
        submit(T + dt.timedelta(minutes=minute))  # 5 requests unassigned after an hour
    step_request = submit(T, by=people["wang"])
    ApprovalStep.objects.create(request=step_request, sequence=1, name="外专局审批", due_at=T + dt.timedelta(hours=20))

    # Both sweeps read "nothing sent yet" before either writes: they meet at the insert.
    barrier = threading.Barrier(2, timeout=30)
    original_create = sweep_module.notifications_create

    def create_after_both_read(drafts, **kwargs):
        barrier.wait()
        return original_create(drafts, **kwargs)

    monkeypatch.setattr(sweep_module, "notifications_create", create_after_both_read)
    handed_over, results, errors = [], [], []

    def run():
        try:
            results.append(reminders_sweep(now=T + dt.timedelta(hours=2), deliver=handed_over.extend))  # one list per sweep
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert errors == []
    # The submissions' own 新诉求 and 已受理 were delivered when they committed; the sweeps wrote the rest.
    emails = set(swept().exclude(channel="in_app").values_list("pk", flat=True))
    assert len(emails) == 5 * 3 + 1  # desk, wang, head for each unassigned request; wang for the step
    assert sorted(handed_over) == sorted(emails)  # each handed to a worker exactly once
    created = [n.pk for result in results for n in result.created]
    assert len(created) == len(set(created)) == swept().count() == len(swept_rows())
    assert set(created) == set(swept().values_list("pk", flat=True))
    assert ServiceRequest.objects.count() == 6
