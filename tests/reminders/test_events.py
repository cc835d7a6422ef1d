"""Immediate events: a new request to the desk, a new message to the other side, a status change to the
enterprise — written by the service that makes the change, in its transaction, and handed to Celery only
once it commits."""

import datetime as dt
import time

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from crm.models import Notification, NotificationWebhook, ServiceRequest
from crm.notifications import tasks as notification_tasks
from crm.notifications.sweep import reminders_sweep
from crm.service_requests.notify import notify_message_posted, notify_request_submitted, notify_status_changed
from crm.service_requests.services import service_request_submit, service_request_transition
from crm.service_requests.thread import message_post
from tests.factories import work_permit_details

from .helpers import REAL_ENQUEUE_DELIVERIES, all_rows, at, broker_messages, celery_conf, free_port

pytestmark = pytest.mark.django_db
T = at(2026, 11, 3, 9, 0)
Status = Notification.Status


# ---- a new request --------------------------------------------------------------------------------


def test_a_new_request_is_announced_to_the_service_desk_once_the_submission_commits(
    desk, wang, submit, robot, work_permit, django_capture_on_commit_callbacks
):
    NotificationWebhook.objects.create(name="工作许可专班群", url=robot.url).categories.add(work_permit)
    with django_capture_on_commit_callbacks() as callbacks:
        request = submit(T, commit=False)
        # Written with the request, in its transaction; nothing leaves before the commit.
        assert set(Notification.objects.values_list("channel", "status")) == {
            ("in_app", Status.SENT), ("email", Status.PENDING), ("webhook", Status.PENDING),
        }
        assert (mail.outbox, robot.received) == ([], [])
    for callback in callbacks:
        callback()

    key = f"request:{request.pk}:submitted"
    assert all_rows() == {
        (key, "desk", "in_app"), (key, "desk", "email"), (key, "wang", "in_app"), (key, "wang", "email"),
        (key, "webhook:工作许可专班群", "webhook"),
    }
    assert sorted(m.to[0] for m in mail.outbox) == ["desk@zjg.example.cn", "wang@zjg.example.cn"]
    assert mail.outbox[0].subject == f"新诉求 #{request.pk}：西湖阳光「申请外籍专家工作许可」"
    assert len(robot.received) == 1
    assert set(Notification.objects.values_list("status", flat=True)) == {Status.SENT}


def test_a_submission_announces_itself_once_per_desk_member_and_announcing_it_again_creates_nothing(
    desk, desk_no_email, submit, django_capture_on_commit_callbacks
):
    request = submit(T)

    key = f"request:{request.pk}:submitted"
    # Everything in the database: one in-app notice per desk member, an e-mail to the one with an address.
    assert all_rows() == {(key, "desk", "in_app"), (key, "desk", "email"), (key, "desk2", "in_app")}
    assert [m.to for m in mail.outbox] == [["desk@zjg.example.cn"]]

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        again = notify_request_submitted(request)

    assert (again, callbacks) == ([], [])
    assert (Notification.objects.count(), len(mail.outbox)) == (3, 1)


def test_a_rolled_back_submission_announces_nothing(desk, enterprise, submitter, work_permit, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(RuntimeError), transaction.atomic():
        service_request_submit(
            enterprise=enterprise, category=work_permit, title="会回滚的诉求", submitted_by=submitter,
            details=work_permit_details(),
        )
        assert Notification.objects.filter(rule="request_submitted").count() == 2  # desk: in-app and e-mail
        raise RuntimeError("the view failed after submitting")

    assert callbacks == []
    assert (ServiceRequest.objects.count(), Notification.objects.count(), len(mail.outbox)) == (0, 0, 0)


def test_a_committed_submission_publishes_one_message_for_all_its_email_and_robot_rows_and_sends_nothing_itself(
    desk, wang, submit, robot, work_permit, monkeypatch, django_capture_on_commit_callbacks
):
    # The real hand-over to Celery, with the test settings' broker: in memory, not eager, nothing consumes it.
    monkeypatch.setattr(notification_tasks, "enqueue_deliveries", REAL_ENQUEUE_DELIVERIES)
    NotificationWebhook.objects.create(name="工作许可专班群", url=robot.url).categories.add(work_permit)
    broker_messages()  # whatever an earlier test left on the in-memory broker

    with django_capture_on_commit_callbacks() as callbacks:
        submit(T, commit=False)
    assert broker_messages() == []  # not before the commit
    for callback in callbacks:
        callback()

    outgoing = Notification.objects.exclude(channel="in_app")
    assert sorted(outgoing.values_list("channel", flat=True)) == ["email", "email", "webhook"]
    # One message for the whole transaction (a worker fans it out into one task per row).
    assert broker_messages() == [("crm.deliver_notifications", [sorted(outgoing.values_list("pk", flat=True))])]
    # The web request ran no delivery: the rows wait for a worker, nothing was sent.
    assert set(outgoing.values_list("status", "attempts")) == {(Status.PENDING, 0)}
    assert (mail.outbox, robot.received) == ([], [])


def test_everything_one_transaction_notifies_is_one_message_and_a_worker_fans_it_out_into_one_task_per_row(
    desk, wang, submit, submitter, robot, work_permit, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(notification_tasks, "enqueue_deliveries", REAL_ENQUEUE_DELIVERIES)
    NotificationWebhook.objects.create(name="工作许可专班群", url=robot.url).categories.add(work_permit)
    broker_messages()

    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        request = submit(T, commit=False)  # 新诉求: two e-mails and a robot
        message_post(service_request=request, author=submitter, body="补充材料已上传。")  # two more: the desk's
    outgoing = sorted(Notification.objects.exclude(channel="in_app").values_list("pk", flat=True))
    assert len(outgoing) == 5
    assert len(callbacks) == 1
    [(name, [ids])] = broker_messages()
    assert (name, ids) == ("crm.deliver_notifications", outgoing)

    # The worker's side: one task per row, so a slow robot never holds up an e-mail.
    notification_tasks.deliver_notifications.run(ids)
    assert broker_messages() == [("crm.deliver_notification", [pk]) for pk in outgoing]
    # A single row is delivered by the hand-over task itself.
    assert notification_tasks.deliver_notifications.run([outgoing[0]]) == "sent"
    assert (len(mail.outbox), broker_messages()) == (1, [])


# ---- a new message --------------------------------------------------------------------------------


def test_an_enterprise_message_goes_to_the_assignee(people, submit, submitter, django_capture_on_commit_callbacks):
    request = submit(T, by=people["wang"])
    already = len(mail.outbox)  # 新诉求 to the desk, 已受理 to the submitter
    with django_capture_on_commit_callbacks(execute=True):
        message = message_post(service_request=request, author=submitter, body="请问还需要补充哪些材料？")

    key = f"message:{message.pk}:posted"
    assert all_rows("message_posted") == {(key, "wang", "in_app"), (key, "wang", "email")}
    assert [m.to for m in mail.outbox[already:]] == [["wang@zjg.example.cn"]]
    assert mail.outbox[-1].subject == f"诉求 #{request.pk}「申请外籍专家工作许可」有新留言"
    assert mail.outbox[-1].body.startswith("王丽：请问还需要补充哪些材料？")
    assert notify_message_posted(message) == []  # once


def test_an_enterprise_message_on_an_unassigned_request_goes_to_the_desk(desk, submit, submitter):
    request = submit(T)
    message = message_post(service_request=request, author=submitter, body="提交了吗？")

    key = f"message:{message.pk}:posted"
    assert all_rows("message_posted") == {(key, "desk", "in_app"), (key, "desk", "email")}
    assert Notification.objects.get(key=key, channel="in_app").object_id == request.pk


def test_a_staff_reply_goes_to_the_enterprise_user_who_submitted(people, submit):
    request = submit(T, by=people["wang"])
    message = message_post(service_request=request, author=people["wang"], body="请补充护照首页扫描件。")

    key = f"message:{message.pk}:posted"
    assert all_rows("message_posted") == {(key, "alice", "in_app"), (key, "alice", "email")}


def test_an_internal_note_notifies_nobody(people, submit):
    request = submit(T, by=people["wang"])
    message = message_post(service_request=request, author=people["wang"], body="已电话联系外专局。", is_internal=True)

    assert all_rows("message_posted") == set()
    assert notify_message_posted(message) == []
    assert Notification.objects.filter(key__startswith="message:").count() == 0


# ---- a status change ------------------------------------------------------------------------------


def test_a_status_change_goes_to_the_enterprise_user_who_submitted(people, submit, django_capture_on_commit_callbacks):
    request = submit(T)
    already = len(mail.outbox)  # 新诉求 to the desk
    with django_capture_on_commit_callbacks(execute=True):
        request = service_request_transition(
            service_request=request, action="accept", actor=people["wang"], at=T + dt.timedelta(hours=1)
        )
    transition = request.transitions.get(action="accept")

    key = f"request:{request.pk}:transition:{transition.pk}"
    assert all_rows("status_changed") == {(key, "alice", "in_app"), (key, "alice", "email")}
    assert [(m.to, m.subject) for m in mail.outbox[already:]] == [
        (["alice@sunshine.example.cn"], "您的诉求「申请外籍专家工作许可」已受理")
    ]
    assert notify_status_changed(request, transition) == []  # once


def test_the_enterprise_is_not_told_of_its_own_withdrawal(submit, submitter):
    request = submit(T)
    request = service_request_transition(service_request=request, action="withdraw", actor=submitter)

    assert all_rows("status_changed") == set()
    assert notify_status_changed(request, request.transitions.get(action="withdraw")) == []


# ---- the broker down ------------------------------------------------------------------------------


def test_with_the_broker_down_a_submission_returns_within_3_seconds_and_the_next_sweep_sends_it(
    desk, enterprise, submitter, work_permit, django_capture_on_commit_callbacks, monkeypatch, settings, caplog
):
    deliver_here = notification_tasks.enqueue_deliveries
    monkeypatch.setattr(notification_tasks, "enqueue_deliveries", REAL_ENQUEUE_DELIVERIES)  # really publish, to a closed port
    closed = f"redis://127.0.0.1:{free_port()}/0"
    with celery_conf(broker_url=closed, broker_transport_options=settings.REDIS_BROKER_TRANSPORT_OPTIONS):
        started = time.monotonic()
        with django_capture_on_commit_callbacks(execute=True):
            request, _ = service_request_submit(
                enterprise=enterprise, category=work_permit, title="申请外籍专家工作许可", submitted_by=submitter,
                details={"expert_name": "A", "nationality": "英国", "passport_number": "E1234567", "position": "工程师",
                         "planned_start_date": (timezone.localdate() + dt.timedelta(days=30)).isoformat()},
            )
        elapsed = time.monotonic() - started

    monkeypatch.setattr(notification_tasks, "enqueue_deliveries", deliver_here)
    assert elapsed < 3
    assert ServiceRequest.objects.filter(pk=request.pk).exists()
    email = Notification.objects.get(channel="email")
    assert email.key == f"request:{request.pk}:submitted"
    assert [r.getMessage().split(":")[0] for r in caplog.records if r.name == "crm.notifications.tasks"] == [
        f"broker unavailable, crm.deliver_notifications([{email.pk}],) left for the next sweep"
    ]
    assert (email.status, email.attempts, len(mail.outbox)) == (Notification.Status.PENDING, 0, 0)

    # The broker is back: the next sweep, once the hand-over grace has passed, sends it — once.
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_sweep(now=email.next_attempt_at).retried == [email.pk]
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_sweep(now=email.next_attempt_at + dt.timedelta(minutes=5)).retried == []
    email.refresh_from_db()
    assert (email.status, email.attempts, len(mail.outbox)) == (Notification.Status.SENT, 1, 1)
