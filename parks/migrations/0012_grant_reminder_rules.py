"""The rows of the parks' new reminder rules: 免申即享兑现已确认 (grant_confirmed) and 分期兑现暂缓、可拨付或应追回
(instalment_changed), with the defaults registered in ``parks.reminders``; existing rules are left alone."""

from django.db import migrations


def setup_reminders(apps, schema_editor):
    from crm.notifications.setup import reminders_setup

    reminders_setup(apps, app_label="parks")


class Migration(migrations.Migration):

    dependencies = [
        ("parks", "0011_no_application_and_instalments"),
        ("crm", "0023_reminder_rule_codes"),
    ]

    operations = [migrations.RunPython(setup_reminders, migrations.RunPython.noop)]
