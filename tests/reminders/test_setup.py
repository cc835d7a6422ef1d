"""What migration crm.0004 leaves behind: one rule per code with its defaults, the group, the schedule."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django_celery_beat.models import PeriodicTask

from crm.models import Project, ReminderRule
from crm.notifications.rules import registered_rules, rules_register
from crm.notifications.setup import reminders_setup

pytestmark = pytest.mark.django_db


def test_the_migration_creates_every_rule_with_the_products_thresholds():
    rules = {r.code: r for r in ReminderRule.objects.prefetch_related("recipient_groups")}

    assert set(rules) == set(ReminderRule.Code.values)
    summary = {
        code: (r.hours, r.percents, r.days, r.key_project_days, sorted(g.name for g in r.recipient_groups.all()))
        for code, r in rules.items()
        if code in ("request_unassigned", "request_sla", "request_due", "request_overdue", "request_overdue_leadership",
                    "approval_due_soon", "project_stale", "pipeline_digest")
    }
    assert summary == {
        "request_unassigned": (1, "", None, None, ["service_officer"]),
        "request_sla": (None, "50,80", None, None, []),
        "request_due": (0, "", None, None, ["service_manager"]),
        "request_overdue": (4, "", None, None, ["service_manager"]),
        "request_overdue_leadership": (24, "", None, None, ["manager"]),
        "approval_due_soon": (24, "", None, None, []),
        "project_stale": (None, "", 14, 7, []),
        "pipeline_digest": (None, "", None, None, ["manager"]),
    }
    assert (rules["pipeline_digest"].weekday, rules["pipeline_digest"].send_at) == (1, dt.time(8, 30))


def test_the_sweep_is_scheduled_every_five_minutes_in_celery_beat():
    task = PeriodicTask.objects.get(task="crm.reminders_sweep")

    assert (task.interval.every, task.interval.period, task.expire_seconds, task.enabled) == (5, "minutes", 240, True)


def test_setting_up_again_changes_nothing_an_admin_edited():
    ReminderRule.objects.filter(code="request_unassigned").update(hours=3)

    reminders_setup()

    assert ReminderRule.objects.get(code="request_unassigned").hours == 3
    assert (ReminderRule.objects.count(), PeriodicTask.objects.filter(task="crm.reminders_sweep").count()) == (20, 1)
    assert Group.objects.filter(name="service_manager").count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_migration_backfills_the_last_follow_up_date_of_existing_projects():
    executor = MigrationExecutor(connection)
    executor.migrate([("crm", "0003_role_groups")])
    old = executor.loader.project_state([("crm", "0003_role_groups")]).apps
    user = old.get_model("crm", "User").objects.create(username="li")
    enterprise = old.get_model("crm", "Enterprise").objects.create(name="杭州老项目科技有限公司")
    project = old.get_model("crm", "Project").objects.create(name="老项目", enterprise=enterprise, owner=user)
    follow_up = old.get_model("crm", "FollowUp")
    for day in (3, 9, 5):
        follow_up.objects.create(project=project, officer=user, occurred_on=dt.date(2026, 10, day), note="走访")
    old.get_model("crm", "Project").objects.create(name="没跟进过的项目", enterprise=enterprise, owner=user)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    assert dict(Project.objects.values_list("name", "followed_up_on")) == {
        "老项目": dt.date(2026, 10, 9), "没跟进过的项目": None,
    }


def test_every_reminder_code_is_registered_by_exactly_one_app_and_a_second_app_is_refused():
    owners = {r.code: r.app_label for r in registered_rules()}
    assert sorted(owners) == sorted(ReminderRule.Code.values)
    assert owners[ReminderRule.Code.REQUEST_SLA] == "crm"
    assert owners[ReminderRule.Code.POLICY_ELIGIBLE] == "parks"
    with pytest.raises(ValueError, match="registered by crm already"):
        rules_register(app_label="parks", rules={ReminderRule.Code.REQUEST_SLA: (None, {"groups": []})})
    with pytest.raises(ValueError, match="unknown reminder rule code"):
        rules_register(app_label="parks", rules={"no_such_rule": (None, {"groups": []})})
    assert {r.code: r.app_label for r in registered_rules()} == owners
