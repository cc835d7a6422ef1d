"""Delivery: each channel on its own, once; transient failures retried with back-off, then parked."""

import datetime as dt

import pytest
from celery.exceptions import Retry
from django.core import mail

from crm.models import Notification, NotificationWebhook, ReminderRule
from crm.notifications.delivery import CHANNEL_SENDERS, notification_deliver, webhook_send_test
from crm.notifications.outbox import notifications_retry
from crm.tasks import deliver_notification

from .helpers import all_rows, at, free_port

pytestmark = pytest.mark.django_db
T = at(2026, 11, 3, 9, 0)
Status = Notification.Status


@pytest.fixture
def desk_robot(robot):
    """The service desk's 企业微信 group, listening to what is sent to the service_officer group."""
    hook = NotificationWebhook.objects.create(name="企业服务驿站工作群", kind="wecom", url=robot.url)
    hook.groups.add(ReminderRule.objects.get(code="request_unassigned").recipient_groups.get())
    return hook


def only(**filters) -> Notification:
    return Notification.objects.get(**filters)


def test_an_unassigned_reminder_reaches_the_desk_robot_as_wecom_text_json(desk, submit, sweep, robot, desk_robot):
    request = submit(T)  # 新诉求 goes to the desk's robot too, on commit

    sweep(T + dt.timedelta(hours=1))

    key = f"request:{request.pk}:unassigned:1h"
    assert all_rows("request_unassigned") == {
        (key, "desk", "in_app"), (key, "desk", "email"), (key, "webhook:企业服务驿站工作群", "webhook"),
    }
    announced = only(channel="webhook", rule="request_submitted")
    notification = only(channel="webhook", rule="request_unassigned")
    assert robot.received == [
        {"msgtype": "text", "text": {"content": f"{announced.subject}\n{announced.body}"}},
        {"msgtype": "text", "text": {"content": f"{notification.subject}\n{notification.body}"}},
    ]
    assert [h["Content-Type"] for h in robot.headers] == ["application/json; charset=utf-8"] * 2
    assert (notification.status, notification.attempts, notification.recipient_id) == (Status.SENT, 1, None)


def test_a_category_robot_gets_that_categorys_reminders_only(people, submit, sweep, robot, work_permit, talent_housing):
    hook = NotificationWebhook.objects.create(name="人才房专班群", kind="dingtalk", url=robot.url)
    hook.categories.add(talent_housing)
    permit = submit(T, by=people["wang"])
    housing = submit(T, category=talent_housing, by=people["wang"], title="人才房申请")

    sweep(T + dt.timedelta(days=9))

    hooked = {n.key for n in Notification.objects.filter(channel="webhook")}
    assert hooked == {
        f"request:{housing.pk}:submitted",  # 新诉求, on commit of the submission
        f"request:{housing.pk}:due", f"request:{housing.pk}:overdue", f"request:{housing.pk}:overdue_leadership",
    }
    assert not any(str(permit.pk) == key.split(":")[1] for key in hooked)
    assert len(robot.received) == 4


def test_the_email_goes_through_djangos_backend_to_the_recipients_address(desk, submit, sweep):
    request = submit(T)

    sweep(T + dt.timedelta(hours=1))

    assert [m.subject for m in mail.outbox] == [
        f"新诉求 #{request.pk}：西湖阳光「申请外籍专家工作许可」",  # on commit of the submission
        f"诉求 #{request.pk} 提交已超过 1 小时仍无人受理：申请外籍专家工作许可",
    ]
    message = mail.outbox[1]
    assert message.to == ["desk@zjg.example.cn"]
    assert message.body.splitlines()[:4] == ["企业：西湖阳光", "类别：外国人来华工作许可", "经办人：未分派", "办理时限：2026-11-04 09:00"]
    assert message.body.splitlines()[4].endswith(f"/admin/crm/servicerequest/{request.pk}/change/")


def test_a_notification_already_sent_is_not_sent_again(desk, submit, sweep):
    submit(T)
    sweep(T + dt.timedelta(hours=1))
    email = only(channel="email", rule="request_unassigned")

    assert notification_deliver(notification_id=email.pk).status == "skipped"
    assert deliver_notification(email.pk) == "skipped"
    assert len(mail.outbox) == 2  # 新诉求 on submission, and the reminder once
    email.refresh_from_db()
    assert (email.status, email.attempts) == (Status.SENT, 1)


def test_a_failing_robot_does_not_stop_the_email_or_the_in_app_notice(desk, submit, sweep, robot, desk_robot):
    desk_robot.url = f"http://127.0.0.1:{free_port()}/send"  # nothing listens there: connection refused
    desk_robot.save()
    submit(T)

    sweep(T + dt.timedelta(hours=1))

    # The submission's 新诉求 (delivered on commit) fared the same way as the reminder.
    assert sorted(Notification.objects.values_list("rule", "channel", "status")) == [
        ("request_submitted", "email", Status.SENT), ("request_submitted", "in_app", Status.SENT),
        ("request_submitted", "webhook", Status.FAILED),
        ("request_unassigned", "email", Status.SENT), ("request_unassigned", "in_app", Status.SENT),
        ("request_unassigned", "webhook", Status.FAILED),
    ]
    assert len(mail.outbox) == 2
    webhook = only(channel="webhook", rule="request_unassigned")
    assert webhook.attempts == 1
    assert webhook.last_error.startswith("URLError: <urlopen error [Errno 111]")


def test_a_transient_failure_backs_off_30_60_120_seconds_and_is_parked_after_the_last_attempt(
    desk, submit, sweep, robot, desk_robot, settings
):
    settings.REMINDERS_MAX_ATTEMPTS = 4
    submit(T)  # its 新诉求 reaches the robot
    robot.reply = (503, {"errmsg": "busy"})
    sweep(T + dt.timedelta(hours=1), deliver=lambda pk: None)  # deliveries are driven by hand below, at chosen times
    webhook = only(channel="webhook", rule="request_unassigned")
    now = T + dt.timedelta(hours=1)

    outcomes = []
    for _ in range(4):
        outcome = notification_deliver(notification_id=webhook.pk, now=now)
        outcomes.append((outcome.status, outcome.retry_in))
        now += dt.timedelta(seconds=outcome.retry_in or 0)

    assert outcomes == [("failed", 30), ("failed", 60), ("failed", 120), ("parked", None)]
    webhook.refresh_from_db()
    assert (webhook.status, webhook.attempts, webhook.next_attempt_at) == (Status.PARKED, 4, None)
    assert webhook.last_error == "HTTPError: HTTP Error 503: Service Unavailable"
    assert len(robot.received) == 1 + 4  # 新诉求, then the four attempts
    # Parked means parked: neither a sweep nor a stray task sends it again.
    assert webhook.pk not in sweep(now + dt.timedelta(days=1)).retried
    assert notification_deliver(notification_id=webhook.pk).status == "skipped"
    assert len(robot.received) == 1 + 4


def test_the_next_sweep_resends_a_failed_notification_once_its_back_off_has_passed(desk, submit, sweep, robot, desk_robot):
    submit(T)  # its 新诉求 reaches the robot
    robot.reply = (200, {"errcode": 45009, "errmsg": "api freq out of limit"})  # 企业微信's rate limit: transient
    sweep(T + dt.timedelta(hours=1))
    webhook = only(channel="webhook", rule="request_unassigned")
    assert (webhook.status, webhook.attempts) == (Status.FAILED, 1)

    robot.reply = (200, {"errcode": 0, "errmsg": "ok"})
    retry_at = webhook.next_attempt_at
    assert sweep(retry_at - dt.timedelta(seconds=1)).retried == []
    assert sweep(retry_at).retried == [webhook.pk]

    webhook.refresh_from_db()
    assert (webhook.status, webhook.attempts, webhook.last_error) == (Status.SENT, 2, "")
    assert len(robot.received) == 1 + 2  # 新诉求, then the reminder's two attempts


def test_a_robot_refusing_the_message_parks_it_at_once(desk, submit, sweep, robot, desk_robot):
    submit(T)
    robot.reply = (200, {"errcode": 93000, "errmsg": "invalid webhook url"})

    sweep(T + dt.timedelta(hours=1))

    webhook = only(channel="webhook", rule="request_unassigned")
    assert (webhook.status, webhook.attempts) == (Status.PARKED, 1)
    assert webhook.last_error == "PermanentDeliveryError: errcode 93000: invalid webhook url"


def test_a_notification_claimed_by_a_worker_that_died_is_taken_over_after_the_lease(desk, submit, sweep):
    request = submit(T)
    sweep(T + dt.timedelta(hours=1), deliver=lambda pk: None)
    email = only(channel="email", rule="request_unassigned")
    # A worker claimed it at 10:00 and was killed before sending.
    Notification.objects.filter(pk=email.pk).update(
        status=Status.SENDING, attempts=1, next_attempt_at=T + dt.timedelta(hours=1, minutes=3)
    )

    assert notification_deliver(notification_id=email.pk, now=T + dt.timedelta(hours=1, minutes=2)).status == "skipped"
    assert sweep(T + dt.timedelta(hours=1, minutes=2)).retried == []
    assert sweep(T + dt.timedelta(hours=1, minutes=3)).retried == [email.pk]
    email.refresh_from_db()
    assert (email.status, email.attempts) == (Status.SENT, 2)
    assert [m.subject for m in mail.outbox] == [  # the submission's 新诉求, and the reminder once
        f"新诉求 #{request.pk}：西湖阳光「申请外籍专家工作许可」", email.subject,
    ]


def test_a_claim_holds_for_the_configured_lease_and_nobody_sends_the_row_meanwhile(desk, submit, sweep, settings):
    settings.REMINDERS_DELIVERY_LEASE = 7
    submit(T)
    sweep(T + dt.timedelta(hours=1), deliver=lambda ids: None)
    email = only(channel="email", rule="request_unassigned")
    claimed_at = T + dt.timedelta(hours=1, minutes=1)
    # A worker claims it and dies before marking it (the message is redelivered at once: acks_late).
    Notification.objects.filter(pk=email.pk).update(
        status=Status.SENDING, attempts=1, next_attempt_at=claimed_at + dt.timedelta(seconds=7)
    )
    held = claimed_at + dt.timedelta(seconds=6)

    assert notification_deliver(notification_id=email.pk, now=held).status == "skipped"  # the redelivered task
    assert sweep(held).retried == []  # the sweep leaves it alone too
    assert notification_deliver(notification_id=email.pk, now=claimed_at + dt.timedelta(seconds=7)).status == "sent"
    email.refresh_from_db()
    assert (email.status, email.attempts, email.next_attempt_at) == (Status.SENT, 2, None)


def test_a_claim_is_leased_for_reminders_delivery_lease(desk, submit, sweep, settings, desk_robot, monkeypatch):
    settings.REMINDERS_DELIVERY_LEASE = 7
    submit(T)
    sweep(T + dt.timedelta(hours=1), deliver=lambda ids: None)
    row = only(channel="webhook", rule="request_unassigned")
    seen = []

    def sending(notification):  # what the row says while the channel is being called
        seen.append(Notification.objects.values_list("status", "next_attempt_at").get(pk=notification.pk))

    monkeypatch.setitem(CHANNEL_SENDERS, Notification.Channel.WEBHOOK, sending)
    assert notification_deliver(notification_id=row.pk, now=T + dt.timedelta(hours=2)).status == "sent"
    assert seen == [(Status.SENDING, T + dt.timedelta(hours=2, seconds=7))]


def test_the_delivery_task_asks_celery_to_retry_after_the_back_off_on_a_transient_error(desk, submit, sweep, desk_robot):
    submit(T)
    desk_robot.url = f"http://127.0.0.1:{free_port()}/send"
    desk_robot.save()
    sweep(T + dt.timedelta(hours=1), deliver=lambda pk: None)
    webhook = only(channel="webhook", rule="request_unassigned")

    with pytest.raises(Retry):
        deliver_notification(webhook.pk)

    webhook.refresh_from_db()
    assert (webhook.status, webhook.attempts) == (Status.FAILED, 1)


def test_run_eagerly_the_delivery_task_makes_one_attempt_and_leaves_the_retry_to_the_sweep(
    desk, submit, sweep, robot, desk_robot
):
    submit(T)  # its 新诉求 reaches the robot
    robot.reply = (503, {"errmsg": "busy"})
    sweep(T + dt.timedelta(hours=1), deliver=lambda pk: None)
    webhook = only(channel="webhook", rule="request_unassigned")

    # What CELERY_TASK_ALWAYS_EAGER does on commit: Celery's eager retry would run it again at once, here.
    assert deliver_notification.apply(args=(webhook.pk,)).get() == "failed"

    webhook.refresh_from_db()
    assert (webhook.status, webhook.attempts) == (Status.FAILED, 1)
    assert len(robot.received) == 1 + 1  # 新诉求, then the one attempt
    robot.reply = (200, {"errcode": 0, "errmsg": "ok"})
    email = only(channel="email", rule="request_unassigned")  # never handed over above: the sweep sends it too
    assert sorted(sweep(webhook.next_attempt_at).retried) == sorted([email.pk, webhook.pk])
    webhook.refresh_from_db()
    assert (webhook.status, webhook.attempts, len(robot.received)) == (Status.SENT, 2, 3)


def test_parked_notifications_can_be_put_back_in_the_queue(desk, submit, sweep, robot, desk_robot, django_capture_on_commit_callbacks):
    submit(T)
    robot.reply = (200, {"errcode": 93000, "errmsg": "invalid webhook url"})
    sweep(T + dt.timedelta(hours=1))
    robot.reply = (200, {"errcode": 0, "errmsg": "ok"})

    with django_capture_on_commit_callbacks(execute=True):
        assert notifications_retry(notifications=Notification.objects.all()) == 1  # the parked one; the rest were sent

    webhook = only(channel="webhook", rule="request_unassigned")
    assert (webhook.status, webhook.attempts) == (Status.SENT, 1)


def test_a_user_whose_email_was_removed_is_parked_not_retried(desk, submit, sweep):
    submit(T)
    sweep(T + dt.timedelta(hours=1), deliver=lambda pk: None)
    desk.email = ""
    desk.save()

    email = only(channel="email", rule="request_unassigned")
    assert notification_deliver(notification_id=email.pk).status == "parked"
    email.refresh_from_db()
    assert (email.status, email.last_error) == (Status.PARKED, "PermanentDeliveryError: 接收人没有邮箱")


def test_the_admins_test_message_reports_what_the_robot_said(robot, db):
    hook = NotificationWebhook.objects.create(name="测试群", kind="dingtalk", url=robot.url)
    assert webhook_send_test(webhook=hook) == ""
    assert robot.received == [{"msgtype": "text", "text": {"content": "紫金港科技城 CRM 测试消息\n收到即表示群机器人配置正确。"}}]

    robot.reply = (200, {"errcode": 310000, "errmsg": "keywords not in content"})
    assert webhook_send_test(webhook=hook) == "PermanentDeliveryError: errcode 310000: keywords not in content"
