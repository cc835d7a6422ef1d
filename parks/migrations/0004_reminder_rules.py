"""The parks' reminder rules get their rows from parks' own data migration: 载体免租期即将届满 and
新的可申请政策, with the defaults registered in ``parks.reminders`` (the landing milestones' rules are crm's). On a database where
crm.0006 made them already this changes nothing (``reminders_setup`` leaves existing rules alone)."""

from django.db import migrations


def setup_reminders(apps, schema_editor):
    from crm.notifications.setup import reminders_setup

    reminders_setup(apps, app_label="parks")


class Migration(migrations.Migration):

    dependencies = [
        ("parks", "0003_officers_work_parcels_and_spaces"),
        ("crm", "0006_parks_reminders"),
    ]

    operations = [migrations.RunPython(setup_reminders, migrations.RunPython.noop)]
