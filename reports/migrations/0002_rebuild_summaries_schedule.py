"""The nightly rebuild of the summary tables in the beat schedule (``crm.notifications.setup.SCHEDULE``).

No summary row is written here: until the first rebuild (this schedule, or ``manage.py rebuild_summaries``)
there is no ``SummaryState`` row and the pipeline page reads the raw rows, and says so.
"""

from django.db import migrations


def add_schedule(apps, schema_editor):
    from crm.notifications.setup import reminders_setup

    reminders_setup(apps, app_label="reports")


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_summary_tables"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(add_schedule, migrations.RunPython.noop)]
