"""A hung broker does not slow a submission: with Redis accepting connections but never answering (our own
``redis-server``, frozen with SIGSTOP), a request notifying four people by e-mail and three group-chat robots
is answered 201 within a second — it publishes one message for all seven deliveries, with one bounded wait —
and the rows, still pending, are sent by the next sweep once the broker is back."""

import datetime as dt
import logging
import time

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from rest_framework.test import APIClient

from crm.models import Notification, NotificationWebhook, ReminderRule
from crm.notifications.outbox import ENQUEUE_GRACE
from tests.factories import (
    EnterpriseFactory,
    ServiceCategoryFactory,
    enterprise_user,
    service_officer,
    work_permit_details,
)
from tests.reminders.helpers import Robot, broker_messages, celery_conf

from .own_redis import RedisServer, needs_redis_server

pytestmark = [
    needs_redis_server,
    # The request commits for real, so its on-commit hand-over runs inside the request, as in production.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
Status = Notification.Status


@pytest.fixture
def robots():
    robots = [Robot() for _ in range(3)]
    yield robots
    for robot in robots:
        robot.close()


def test_a_submission_is_answered_within_a_second_while_the_broker_hangs_and_the_sweep_sends_it_later(
    robots, caplog
):
    rule = ReminderRule.objects.get(code=ReminderRule.Code.REQUEST_SUBMITTED)
    assert (rule.enabled, rule.send_email, rule.send_webhook) == (True, True, True)
    category = ServiceCategoryFactory(code="work_permit", sla_unit="calendar_hours", sla_value=24)
    desk = [service_officer(username=f"desk{i}", email=f"desk{i}@zjg.example.cn") for i in range(4)]
    for i, robot in enumerate(robots):
        NotificationWebhook.objects.create(name=f"专班群{i}", url=robot.url).categories.add(category)
    enterprise = EnterpriseFactory(name="杭州西湖阳光科技有限公司")
    client = APIClient()
    client.force_authenticate(enterprise_user(enterprise, username="alice"))
    broker_messages()  # whatever an earlier test left on the in-memory broker

    def submit():
        started = time.monotonic()
        response = client.post(
            "/api/v1/service-requests/",
            {"category": "work_permit", "title": "申请外籍专家工作许可", "details": work_permit_details()},
            format="json",
        )
        return response, time.monotonic() - started

    with RedisServer() as redis_server, celery_conf(
        broker_url=redis_server.url, broker_transport_options=settings.REDIS_BROKER_TRANSPORT_OPTIONS
    ):
        # A first submission while Redis answers, as a running server has had: the code paths are loaded.
        warm, warm_elapsed = submit()
        assert warm.status_code == 201, warm.content
        redis_server.freeze()
        caplog.set_level(logging.WARNING, logger="crm.notifications.tasks")
        response, elapsed = submit()
        redis_server.thaw()
    print(f"\nbroker answering: 201 in {warm_elapsed:.3f} s; frozen broker: {response.status_code} in {elapsed:.3f} s "
          f"for 4 e-mails + 3 robots (REMINDERS_PUBLISH_TIMEOUT {getattr(settings, 'REMINDERS_PUBLISH_TIMEOUT', None)} s)")

    assert response.status_code == 201, response.content
    assert elapsed < 1.0
    request_id = response.json()["id"]
    outgoing = Notification.objects.filter(key=f"request:{request_id}:submitted").exclude(channel="in_app")
    assert sorted(outgoing.values_list("channel", flat=True)) == ["email"] * 4 + ["webhook"] * 3
    assert set(outgoing.values_list("status", "attempts")) == {(Status.PENDING, 0)}
    # One publish attempt for the seven rows, given up after one bounded wait.
    warnings = [r.getMessage() for r in caplog.records if r.name == "crm.notifications.tasks"]
    assert len(warnings) == 1
    assert warnings[0].startswith(
        f"broker unavailable, crm.deliver_notifications({sorted(outgoing.values_list('pk', flat=True))},)"
    )
    assert (mail.outbox, [r.received for r in robots]) == ([], [[], [], []])

    # The broker is back: the next sweep past the hand-over grace sends every row, once (the warm-up
    # submission's too: no worker consumed its message in this test).
    later = timezone.localtime(timezone.now() + ENQUEUE_GRACE + dt.timedelta(seconds=1))
    call_command("send_reminders", "--at", later.isoformat(), stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert set(outgoing.values_list("status", "attempts")) == {(Status.SENT, 1)}
    tag = f"新诉求 #{request_id}："
    assert sorted(m.to[0] for m in mail.outbox if m.subject.startswith(tag)) == [user.email for user in desk]
    assert [sum(m["text"]["content"].startswith(tag) for m in r.received) for r in robots] == [1, 1, 1]
