"""The rows the reminder engine needs: one ``ReminderRule`` per registered code with its defaults, the groups the
defaults name, and the Celery beat schedule — the one place the periodic schedule is defined."""

from django.conf import settings
from django.utils import timezone

from crm.notifications.rules import registered_rules

SWEEP_TASK = "crm.reminders_sweep"
SWEEP_EVERY_MINUTES = 5
# The whole periodic schedule. The weekly digest is a rule evaluated by the sweep (Monday 08:30 by default).
SCHEDULE = [
    {
        "name": "提醒扫描 reminders sweep",
        "task": SWEEP_TASK,
        "every_minutes": SWEEP_EVERY_MINUTES,
        # A sweep not started within 4 minutes is dropped: the next one does the same work.
        "expire_seconds": 240,
        "description": "每 5 分钟检查到期、超期、久未跟进等提醒（crm.notifications.sweep）。",
    },
    {
        # The services keep the summaries current row by row; the nightly rebuild is the safety net.
        "name": "报表汇总重建 rebuild report summaries",
        "task": "reports.rebuild_summaries",
        "crontab": {"minute": "30", "hour": "2"},  # 02:30 in the park's time zone, when nobody reads reports
        "expire_seconds": 3 * 3600,
        "description": "每晚 02:30 按原始数据全量重建招商项目报表的汇总表（reports.summaries.rebuild）。",
    },
]


def reminders_setup(apps=None, *, app_label: str | None = None) -> None:
    """Create what is missing — the groups the defaults name (e.g. ``service_manager``), one rule per code
    registered by ``app_label`` (every app's when None) with its defaults, the beat schedule — and leave alone
    whatever exists (an admin's edits survive). Each app's data migration calls it for its own rules
    (crm.0004 and crm.0006 for crm's, parks.0004 for the parks'); ``apps`` is the migration's app registry."""
    if apps is None:
        from django.apps import apps
    group_model = apps.get_model("auth", "Group")
    rule_model = apps.get_model("crm", "ReminderRule")
    rules = registered_rules(app_label=app_label)
    for name in sorted({name for registered in rules for name in registered.defaults["groups"]}):
        group_model.objects.get_or_create(name=name)
    for registered in rules:
        values = {k: v for k, v in registered.defaults.items() if k != "groups"}
        rule, created = rule_model.objects.get_or_create(code=registered.code, defaults=values)
        if created and registered.defaults["groups"]:
            rule.recipient_groups.set(group_model.objects.filter(name__in=registered.defaults["groups"]))
    interval_model = apps.get_model("django_celery_beat", "IntervalSchedule")
    task_model = apps.get_model("django_celery_beat", "PeriodicTask")
    crontab_model = apps.get_model("django_celery_beat", "CrontabSchedule")
    for entry in SCHEDULE:
        if "crontab" in entry:
            when = {"crontab": crontab_model.objects.get_or_create(
                **entry["crontab"], day_of_week="*", day_of_month="*", month_of_year="*", timezone=settings.TIME_ZONE
            )[0]}
        else:
            when = {"interval": interval_model.objects.get_or_create(every=entry["every_minutes"], period="minutes")[0]}
        task_model.objects.get_or_create(
            name=entry["name"],
            defaults={
                "task": entry["task"],
                **when,
                "expire_seconds": entry["expire_seconds"],
                "description": entry["description"],
                "enabled": True,
            },
        )
    # Tell a running beat (DatabaseScheduler) that the schedule changed.
    changed = apps.get_model("django_celery_beat", "PeriodicTasks")
    changed.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})
