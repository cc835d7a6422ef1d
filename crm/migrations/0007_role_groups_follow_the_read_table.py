"""The role groups' model permissions agree with the read table (``crm.roles.WHO_READS``).

The admin already answers from the table (``crm.permission_backend``); this makes the groups say the same, so
nobody reading them is misled: the notification log (everyone's reminders, naming requests and projects alike)
is the managers'; service officers read spaces (the rent-free-ending reminders go to the service desk).
``tests/security/test_least_privilege_schema.py`` checks that the groups and the table agree.
"""

from django.db import migrations

# (group, app label, codename)
REVOKE = [("investment_officer", "crm", "view_notification"), ("service_officer", "crm", "view_notification")]
GRANT = [("service_officer", "parks", "view_space")]


def _apply(apps, add, remove):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for rows, method in ((add, "add"), (remove, "remove")):
        for group_name, app_label, codename in rows:
            group = Group.objects.filter(name=group_name).first()
            permission = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
            if group is not None and permission is not None:
                getattr(group.permissions, method)(permission)


def forwards(apps, schema_editor):
    _apply(apps, GRANT, REVOKE)


def backwards(apps, schema_editor):
    _apply(apps, REVOKE, GRANT)


class Migration(migrations.Migration):
    dependencies = [
        ("crm", "0006_parks_reminders"),
        ("parks", "0004_reminder_rules"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
