"""The admin: a manager edits a rule's thresholds and recipients; robots are listed without their keys."""

import pytest
from django.contrib.auth.models import Group

from crm.models import Notification, NotificationWebhook, ReminderRule

from .helpers import at

pytestmark = pytest.mark.django_db


def test_a_manager_sees_every_rule_with_its_thresholds_and_recipients(client, leader):
    client.force_login(leader)

    response = client.get("/admin/crm/reminderrule/")

    assert response.status_code == 200
    rows = {str(rule): rule for rule in response.context["cl"].result_list}
    assert len(rows) == len(ReminderRule.Code)
    text = response.content.decode()
    assert "时限进度（%）：50,80" in text
    assert "天数：14；重点项目天数：7" in text


def test_a_manager_moves_the_unassigned_threshold_and_adds_a_group(client, leader):
    client.force_login(leader)
    rule = ReminderRule.objects.get(code="request_unassigned")
    desk, head = Group.objects.get(name="service_officer"), Group.objects.get(name="service_manager")

    response = client.post(
        f"/admin/crm/reminderrule/{rule.pk}/change/",
        {"enabled": "on", "hours": "2", "notify_responsible": "", "recipient_groups": [desk.pk, head.pk],
         "send_email": "on", "send_webhook": "on"},
    )

    assert response.status_code == 302
    rule.refresh_from_db()
    assert (rule.hours, sorted(g.name for g in rule.recipient_groups.all())) == (2, ["service_manager", "service_officer"])


def test_a_rule_without_its_threshold_is_refused_and_left_unchanged(client, leader):
    client.force_login(leader)
    rule = ReminderRule.objects.get(code="request_sla")

    response = client.post(
        f"/admin/crm/reminderrule/{rule.pk}/change/",
        {"enabled": "on", "percents": "50,120", "notify_responsible": "on", "send_email": "on"},
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"percents": ["请填写 1 到 99 之间的整数，用逗号分隔，如 50,80。"]}
    rule.refresh_from_db()
    assert rule.percents == "50,80"


def test_a_manager_moves_the_rent_free_reminder_to_90_days_but_cannot_leave_it_blank(client, leader):
    client.force_login(leader)
    rule = ReminderRule.objects.get(code="space_rent_free_ending")
    url = f"/admin/crm/reminderrule/{rule.pk}/change/"
    form = {"enabled": "on", "notify_responsible": "on", "send_email": "on"}

    page = client.get(url)
    assert "载体免租期即将届满" in page.content.decode()
    assert list(page.context["adminform"].form.fields) == [
        "enabled", "days", "notify_responsible", "recipient_groups", "send_email", "send_webhook"
    ]
    refused = client.post(url, {**form, "days": ""})
    assert refused.context["adminform"].form.errors == {"days": ["此规则必须填写。"]}
    assert client.post(url, {**form, "days": "90"}).status_code == 302
    rule.refresh_from_db()
    assert rule.days == 90


def test_rules_cannot_be_added_or_deleted(client, leader, admin_user):
    client.force_login(admin_user)

    assert client.get("/admin/crm/reminderrule/add/").status_code == 403
    rule = ReminderRule.objects.get(code="request_sla")
    assert client.post(f"/admin/crm/reminderrule/{rule.pk}/delete/", {"post": "yes"}).status_code == 403
    assert ReminderRule.objects.count() == len(ReminderRule.Code)


def test_the_robot_list_shows_the_host_not_the_secret_key_and_sends_a_test_message(client, leader, robot):
    hook = NotificationWebhook.objects.create(name="企业服务驿站工作群", url=robot.url)
    client.force_login(leader)

    listing = client.get("/admin/crm/notificationwebhook/").content.decode()
    response = client.post(
        "/admin/crm/notificationwebhook/", {"action": "send_test_message", "_selected_action": [hook.pk]}, follow=True
    )

    assert "test-key" not in listing
    assert robot.url.split("/")[2] in listing
    assert [str(m) for m in response.context["messages"]] == ["企业服务驿站工作群（企业微信）：测试消息已发送。"]
    assert len(robot.received) == 1


def test_the_service_desk_may_look_at_the_rules_but_not_change_them(client, desk):
    client.force_login(desk)
    rule = ReminderRule.objects.get(code="request_unassigned")

    assert client.get("/admin/crm/reminderrule/").status_code == 200
    response = client.post(f"/admin/crm/reminderrule/{rule.pk}/change/", {"enabled": "", "hours": "9"})

    assert response.status_code == 403
    rule.refresh_from_db()
    assert (rule.enabled, rule.hours) == (True, 1)


def test_the_retry_action_puts_parked_notifications_back_in_the_queue(client, desk, admin_user):
    parked = Notification.objects.create(
        key="request:1:due", rule="request_due", recipient=desk, channel="email", subject="提醒",
        status=Notification.Status.PARKED, attempts=5, last_error="SMTPServerDisconnected",
    )
    client.force_login(admin_user)

    response = client.post(
        "/admin/crm/notification/", {"action": "retry", "_selected_action": [parked.pk]}, follow=True
    )

    assert [str(m) for m in response.context["messages"]] == ["已重新排队 1 条提醒。"]
    parked.refresh_from_db()
    assert (parked.status, parked.attempts) == (Notification.Status.PENDING, 0)
    assert parked.next_attempt_at is not None
    assert at(2026, 1, 1, 0, 0) < parked.next_attempt_at
